//! Paths as git prints them with `core.quotePath` at its default: a path with
//! a control character, `"`, `\`, DEL or any byte above 0x7f is C-quoted, with
//! octal escapes for the bytes that have no letter escape (`quote.c`).

/// Whether git C-quotes a path containing `byte`.
fn must_quote(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\' || byte >= 0x7f
}

/// Appends `path` to `out` with git's escapes but without the surrounding
/// double quotes (`quote_c_style(…, CQUOTE_NODQ)`).
fn push_escaped(out: &mut Vec<u8>, path: &[u8]) {
    for &byte in path {
        let letter = match byte {
            0x07 => b'a',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0b => b'v',
            0x0c => b'f',
            b'\r' => b'r',
            b'"' => b'"',
            b'\\' => b'\\',
            _ if must_quote(byte) => {
                out.extend_from_slice(format!("\\{byte:03o}").as_bytes());
                continue;
            }
            _ => {
                out.push(byte);
                continue;
            }
        };
        out.extend_from_slice(&[b'\\', letter]);
    }
}

/// `path` as `git diff --name-only` and `--stat` print it.
pub(super) fn quoted(path: &[u8]) -> Vec<u8> {
    prefixed(b"", path)
}

/// `prefix` and `path` as one name, quoted as a whole when either needs it,
/// as the `diff --git a/…` and `--- a/…` lines show it (`quote_two`).
pub(super) fn prefixed(prefix: &[u8], path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + path.len() + 2);
    if prefix.iter().chain(path).copied().any(must_quote) {
        out.push(b'"');
        push_escaped(&mut out, prefix);
        push_escaped(&mut out, path);
        out.push(b'"');
    } else {
        out.extend_from_slice(prefix);
        out.extend_from_slice(path);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_spaces_are_left_alone() {
        assert_eq!(quoted(b"dir/a file.txt"), b"dir/a file.txt");
        assert_eq!(prefixed(b"a/", b"x y"), b"a/x y");
    }

    #[test]
    fn special_bytes_are_escaped_like_git() {
        assert_eq!(quoted(b"q\"b\\s"), b"\"q\\\"b\\\\s\"");
        assert_eq!(quoted(b"t\tn\n\x01\x7f"), b"\"t\\tn\\n\\001\\177\"");
        assert_eq!(prefixed(b"b/", "é".as_bytes()), b"\"b/\\303\\251\"");
    }
}
