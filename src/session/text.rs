//! Texts from events (names, intents, labels, notes) are somebody's input:
//! cut them by characters, never by bytes, and keep control characters
//! away from the terminal.

use std::borrow::Cow;

/// At most `n` characters of `text`.
pub fn prefix(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The last `n` characters of `text`.
pub fn suffix(text: &str, n: usize) -> &str {
    let count = text.chars().count();
    match text.char_indices().nth(count.saturating_sub(n)) {
        Some((i, _)) => &text[i..],
        None => text,
    }
}

/// `text` cut to `n` characters, with `…` when something was cut.
pub fn cut(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// `text` with control characters (C0, DEL, C1) other than newline and tab
/// written as escapes (`\e`, `\r`, `\u{9b}`), so that it cannot move the
/// cursor, recolour or retitle a terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`escape_controls`] for a text shown on one line: newlines and tabs are
/// escaped too.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(text);
    }
    let escaped = escape_controls(text);
    Cow::Owned(escaped.replace('\n', "\\n").replace('\t', "\\t"))
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_characters() {
        assert_eq!(prefix("日本語", 2), "日本");
        assert_eq!(prefix("ab", 5), "ab");
        assert_eq!(suffix("日本語テキスト", 3), "キスト");
        assert_eq!(suffix("ab", 5), "ab");
        assert_eq!(cut("ééé", 2), "éé…");
        assert_eq!(cut("éé", 2), "éé");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(escape_controls("red\x1b[31m\r\u{9b}"), "red\\e[31m\\r\\u{9b}");
        assert_eq!(escape_line("two\nlines"), "two\\nlines");
    }
}
