//! Trailers (`Key: value` lines at the end of a commit message) placed where
//! `git interpret-trailers --no-divider` places them, which is what
//! `git commit --trailer` and `-s` do; the `prepare-commit-msg` hook adds
//! `Session-Id` and `Session-Intent` this way, in-process.
//!
//! Followed from git's `trailer.c`: the message ends before a scissors line
//! and before the run of blank and comment lines at its end; the trailer
//! block is the last paragraph after the title when every line in it is a
//! trailer (or a continuation line), or when a quarter of it is and one line
//! is git-generated (`Signed-off-by: `, `(cherry picked from commit `). New
//! trailers go right after that block, or after a blank line when there is
//! none. Unlike git, existing trailers are kept byte for byte rather than
//! re-spaced (git also drops comment lines inside the block; commit's clean-up
//! removes them anyway), and configured `trailer.*` keys are not recognised as prefixes.

/// Lines git writes itself; one makes a mostly-trailer paragraph a trailer block.
const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

/// `message` with `trailers` (`(key, value)`) added where git would add
/// them, leaving out each one whose `key: value` line is in the message
/// already (in any paragraph, so a squash message quoting a commit's
/// trailers gets no second copy). `None` when nothing is added.
/// `comment` is `core.commentChar` (`#` by default).
pub fn add_trailers(message: &str, trailers: &[(&str, &str)], comment: &str) -> Option<String> {
    let end = end_of_log_message(message, comment);
    let missing: Vec<String> = trailers
        .iter()
        .filter(|(key, value)| !has_trailer(&message[..end], key, value))
        .map(|(key, value)| format!("{key}: {value}\n"))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let start = trailer_block_start(&message[..end], comment);
    let mut out = String::with_capacity(message.len() + 64);
    out.push_str(&message[..end]);
    if start == end && !ends_with_blank_line(&message[..start]) {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    } else if !out.ends_with('\n') {
        out.push('\n');
    }
    for line in &missing {
        out.push_str(line);
    }
    out.push_str(&message[end..]);
    Some(out)
}

/// Whether a line of `message`, without its indentation, is `key: value`
/// (key compared without regard to case, as git does).
pub fn has_trailer(message: &str, key: &str, value: &str) -> bool {
    message.lines().any(|line| {
        let line = line.trim();
        line.split_once(':')
            .is_some_and(|(k, v)| k.trim_end().eq_ignore_ascii_case(key) && v.trim() == value)
    })
}

/// The values of every `key:` line of `message` (indented ones too, as in a
/// squash message that quotes the squashed commits).
pub fn trailer_values<'a>(message: &'a str, key: &str) -> Vec<&'a str> {
    message
        .lines()
        .filter_map(|line| {
            let (k, v) = line.trim().split_once(':')?;
            k.trim_end().eq_ignore_ascii_case(key).then(|| v.trim())
        })
        .collect()
}

/// The lines of `text` with their starting offsets (each line keeps its `\n`).
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |pos, line| {
        let at = *pos;
        *pos += line.len();
        Some((at, line))
    })
}

/// git's `find_end_of_log_message` without the patch divider: where the
/// message ends, before a scissors line and the blank and comment lines that
/// close it.
fn end_of_log_message(message: &str, comment: &str) -> usize {
    let scissors = format!("{comment} ------------------------ >8 ------------------------\n");
    let cutoff = lines_with_offsets(message)
        .find(|(_, line)| *line == scissors)
        .map_or(message.len(), |(at, _)| at);
    // `ignored_log_message_bytes`, quirk included: a run that starts at
    // offset 0 is not remembered (0 means "no run"), so it starts one line later.
    let mut boc = 0;
    for (at, line) in lines_with_offsets(&message[..cutoff]) {
        if line.starts_with(comment) || line.starts_with('\n') {
            if boc == 0 {
                boc = at;
            }
        } else {
            boc = 0;
        }
    }
    if boc != 0 {
        boc
    } else {
        cutoff
    }
}

/// git's `is_blank_line`: nothing but white space up to the end of the line.
fn is_blank_line(line: &str) -> bool {
    line.bytes()
        .take_while(|b| *b != b'\n')
        .all(|b| b.is_ascii_whitespace() || b == b'\x0b')
}

fn ends_with_blank_line(text: &str) -> bool {
    lines_with_offsets(text)
        .last()
        .is_some_and(|(_, line)| is_blank_line(line))
}

/// git's `find_separator` for `:`: the offset of the colon after a token of
/// letters, digits and `-` (white space allowed before the colon).
fn separator(line: &str) -> Option<usize> {
    let mut whitespace = false;
    for (i, b) in line.bytes().enumerate() {
        if b == b':' {
            return Some(i);
        }
        if !whitespace && (b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        if i != 0 && (b == b' ' || b == b'\t') {
            whitespace = true;
            continue;
        }
        break;
    }
    None
}

/// git's `find_trailer_block_start`: where the trailer block of `message`
/// (already cut at its end) starts, or its length when it has none.
fn trailer_block_start(message: &str, comment: &str) -> usize {
    let lines: Vec<(usize, &str)> = lines_with_offsets(message).collect();
    // The first paragraph is the title and cannot be trailers.
    let end_of_title = lines
        .iter()
        .find(|(_, line)| !line.starts_with(comment) && is_blank_line(line))
        .map_or(message.len(), |(at, _)| *at);
    let (mut only_spaces, mut recognized) = (true, false);
    let (mut trailer_lines, mut non_trailer_lines, mut continuation) = (0usize, 0usize, 0usize);
    for &(at, line) in lines.iter().rev() {
        if at < end_of_title {
            break;
        }
        if line.starts_with(comment) {
            non_trailer_lines += continuation;
            continuation = 0;
            continue;
        }
        if is_blank_line(line) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += continuation;
            let next = at + line.len();
            if (recognized && trailer_lines * 3 >= non_trailer_lines) || (trailer_lines > 0 && non_trailer_lines == 0) {
                return next;
            }
            return message.len();
        }
        only_spaces = false;
        let starts_with_space = line.starts_with(|c: char| c.is_ascii_whitespace());
        if GIT_GENERATED.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            recognized = true;
        } else if separator(line).is_some_and(|s| s >= 1) && !starts_with_space {
            trailer_lines += 1;
            continuation = 0;
        } else if starts_with_space {
            continuation += 1;
        } else {
            non_trailer_lines += 1 + continuation;
            continuation = 0;
        }
    }
    message.len()
}

#[cfg(test)]
mod tests;
