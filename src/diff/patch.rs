//! The patch format: `diff --git` headers and hunks, as `diff.c`'s
//! `builtin_diff` and `fn_out_consume` write them, colours and white-space
//! error highlighting included.

use std::io::Write;

use anyhow::{Context, Result};
use gix::diff::blob::unified_diff::{ConsumeHunk, ContextSize, DiffLineKind, HunkHeader};
use gix::diff::blob::UnifiedDiff;
use gix::ObjectId;

use super::{is_git_space, quote, Content, DiffOptions, Entry, FileChange, LineDiff};

const META: &str = "\x1b[1m";
const FRAG: &str = "\x1b[36m";
const OLD: &str = "\x1b[31m";
const NEW: &str = "\x1b[32m";
const WHITESPACE: &str = "\x1b[41m";
const RESET: &str = "\x1b[m";
/// Context lines and the function name in hunk headers: git's "normal",
/// which is no colour at all but still followed by a reset.
const PLAIN: &str = "";

/// Writes the patches for `changes`, in order.
pub(super) fn write_patches(
    repo: &gix::Repository,
    changes: &[FileChange],
    opts: &DiffOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let abbrev = Abbrev::for_repo(repo)?;
    let mut text = Vec::new();
    for change in changes {
        let file = |old, new| FilePatch {
            repo,
            path: &change.path,
            old,
            new,
            opts,
            abbrev: &abbrev,
        };
        match (change.old, change.new) {
            // git never diffs a file against a symlink or a submodule: it
            // shows the old one deleted and the new one created.
            (Some(a), Some(b)) if a.file_type() != b.file_type() => {
                file(Some(a), None).write(&mut text)?;
                file(None, Some(b)).write(&mut text)?;
            }
            (a, b) => file(a, b).write(&mut text)?,
        }
        out.write_all(&text).context("cannot write the diff")?;
        text.clear();
    }
    Ok(())
}

/// One `diff --git` section.
struct FilePatch<'a> {
    repo: &'a gix::Repository,
    path: &'a [u8],
    old: Option<Entry>,
    new: Option<Entry>,
    opts: &'a DiffOptions,
    abbrev: &'a Abbrev,
}

impl FilePatch<'_> {
    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        let (header, must_show_header) = self.header()?;
        let old_label = self.label(self.old, b"a/");
        let new_label = self.label(self.new, b"b/");
        if let (Some(a), Some(b)) = (self.old, self.new) {
            if a.id == b.id {
                // Only the mode changed; the header says it all.
                out.extend_from_slice(&header);
                return Ok(());
            }
        }
        let old = Content::load(self.repo, self.old)?;
        let new = Content::load(self.repo, self.new)?;
        if old.is_binary || new.is_binary {
            out.extend_from_slice(&header);
            out.extend_from_slice(b"Binary files ");
            out.extend_from_slice(&old_label);
            out.extend_from_slice(b" and ");
            out.extend_from_slice(&new_label);
            out.extend_from_slice(b" differ\n");
            return Ok(());
        }

        let lines = LineDiff::new(&old.data, &new.data, self.opts.context);
        let old_lines: Vec<&[u8]> = lines.input.before.iter().map(|&t| lines.input.interner[t]).collect();
        let writer = HunkWriter {
            out: Vec::new(),
            color: self.opts.color,
            old_lines,
            func: FuncName::default(),
            blank_at_eof: BlankAtEof::new(&old.data, &new.data),
        };
        let hunks = UnifiedDiff::new(
            &lines.diff,
            &lines.input,
            writer,
            ContextSize::symmetrical(self.opts.context),
        )
        .consume()
        .context("cannot render the hunks")?;

        if must_show_header || !hunks.is_empty() {
            out.extend_from_slice(&header);
        }
        if !hunks.is_empty() {
            self.file_line(out, b"--- ", &old_label);
            self.file_line(out, b"+++ ", &new_label);
            out.extend_from_slice(&hunks);
        }
        Ok(())
    }

    /// `a/<path>`, `b/<path>` or `/dev/null`, quoted as a whole.
    fn label(&self, side: Option<Entry>, prefix: &[u8]) -> Vec<u8> {
        match side {
            Some(_) => quote::prefixed(prefix, self.path),
            None => b"/dev/null".to_vec(),
        }
    }

    /// The `diff --git` line and the mode and `index` lines, and whether git
    /// shows them even when no hunk follows.
    fn header(&self) -> Result<(Vec<u8>, bool)> {
        let mut header = Vec::new();
        let mut line = Vec::from(&b"diff --git "[..]);
        line.extend_from_slice(&quote::prefixed(b"a/", self.path));
        line.push(b' ');
        line.extend_from_slice(&quote::prefixed(b"b/", self.path));
        self.meta_line(&mut header, &line);

        let index = self.index_line()?;
        let must_show = match (self.old, self.new) {
            (None, Some(new)) => {
                self.meta_line(&mut header, format!("new file mode {:06o}", new.mode).as_bytes());
                true
            }
            (Some(old), None) => {
                self.meta_line(&mut header, format!("deleted file mode {:06o}", old.mode).as_bytes());
                true
            }
            (Some(old), Some(new)) if old.mode != new.mode => {
                self.meta_line(&mut header, format!("old mode {:06o}", old.mode).as_bytes());
                self.meta_line(&mut header, format!("new mode {:06o}", new.mode).as_bytes());
                true
            }
            _ => false,
        };
        if let Some(index) = index {
            self.meta_line(&mut header, index.as_bytes());
        }
        Ok((header, must_show))
    }

    /// `index <old>..<new>[ <mode>]`, when the contents differ.
    fn index_line(&self) -> Result<Option<String>> {
        let null = ObjectId::null(self.repo.object_hash());
        let old_id = self.old.map_or(null, |e| e.id);
        let new_id = self.new.map_or(null, |e| e.id);
        if old_id == new_id {
            return Ok(None);
        }
        let mut line = format!(
            "index {}..{}",
            self.abbrev.shorten(old_id)?,
            self.abbrev.shorten(new_id)?
        );
        if let (Some(old), Some(new)) = (self.old, self.new) {
            if old.mode == new.mode {
                line.push_str(&format!(" {:06o}", old.mode));
            }
        }
        Ok(Some(line))
    }

    fn meta_line(&self, out: &mut Vec<u8>, text: &[u8]) {
        if self.opts.color {
            out.extend_from_slice(META.as_bytes());
            out.extend_from_slice(text);
            out.extend_from_slice(RESET.as_bytes());
        } else {
            out.extend_from_slice(text);
        }
        out.push(b'\n');
    }

    /// `--- <label>` or `+++ <label>`; git ends it with a tab when the label
    /// has a space in it, so that patch tools find where the name ends.
    fn file_line(&self, out: &mut Vec<u8>, marker: &[u8], label: &[u8]) {
        let mut text = marker.to_vec();
        text.extend_from_slice(label);
        self.meta_line(out, &text);
        if label.contains(&b' ') {
            out.pop();
            out.extend_from_slice(b"\t\n");
        }
    }
}

/// Writes the hunks of one file as `fn_out_consume` does.
struct HunkWriter<'a> {
    out: Vec<u8>,
    color: bool,
    /// The old file's lines, where function names are looked for.
    old_lines: Vec<&'a [u8]>,
    func: FuncName,
    blank_at_eof: BlankAtEof,
}

impl ConsumeHunk for HunkWriter<'_> {
    type Out = Vec<u8>;

    fn consume_hunk(&mut self, header: HunkHeader, lines: &[(DiffLineKind, &[u8])]) -> std::io::Result<()> {
        // `UnifiedDiff` counts from 1 even for an empty side; git shows the
        // line before an empty side's position, `-0,0` for an empty file.
        let shown_start = |start: u32, len: u32| if len == 0 { start - 1 } else { start };
        let (old_start, new_start) = (
            shown_start(header.before_hunk_start, header.before_hunk_len),
            shown_start(header.after_hunk_start, header.after_hunk_len),
        );
        // git searches from the line before the hunk's first (0-based `s1 - 1`).
        self.func.seek(&self.old_lines, i64::from(header.before_hunk_start) - 2);
        let text = hunk_header(
            (old_start, header.before_hunk_len),
            (new_start, header.after_hunk_len),
            &self.func.name,
        );
        if self.color {
            colored_hunk_header(&mut self.out, &text);
        } else {
            self.out.extend_from_slice(&text);
        }

        // Line numbers as `fn_out_consume` counts them, for the check of
        // blank lines added at the end of the file.
        let (mut old_lno, mut new_lno) = (i64::from(old_start), i64::from(new_start));
        for &(kind, line) in lines {
            let complete = line.last() == Some(&b'\n');
            let owned;
            let line = if complete {
                line
            } else {
                owned = [line, b"\n"].concat();
                &owned
            };
            match kind {
                DiffLineKind::Context => {
                    old_lno += 1;
                    new_lno += 1;
                    self.plain_or(b' ', line, |out| emit_line(out, Some(PLAIN), Some(b' '), line));
                }
                DiffLineKind::Remove => {
                    old_lno += 1;
                    self.plain_or(b'-', line, |out| emit_line(out, Some(OLD), Some(b'-'), line));
                }
                DiffLineKind::Add => {
                    new_lno += 1;
                    let blank_at_eof = self.blank_at_eof.covers(old_lno, new_lno, line);
                    self.plain_or(b'+', line, |out| {
                        if blank_at_eof {
                            emit_line(out, Some(WHITESPACE), Some(b'+'), line);
                        } else {
                            emit_line(out, Some(NEW), Some(b'+'), b"");
                            emit_with_whitespace_errors(out, line);
                        }
                    });
                }
            }
            if !complete {
                old_lno += 1;
                let marker = b"\\ No newline at end of file\n";
                if self.color {
                    emit_line(&mut self.out, Some(PLAIN), None, marker);
                } else {
                    self.out.extend_from_slice(marker);
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Self::Out {
        self.out
    }
}

impl HunkWriter<'_> {
    /// `sign` and `line` as they are without colour, or what `colored` writes.
    fn plain_or(&mut self, sign: u8, line: &[u8], colored: impl FnOnce(&mut Vec<u8>)) {
        if self.color {
            colored(&mut self.out);
        } else {
            self.out.push(sign);
            self.out.extend_from_slice(line);
        }
    }
}

/// `@@ -a,b +c,d @@[ func]\n` as `xdl_emit_hunk_hdr` writes it: a count of
/// 1 is left out, and the line fits git's 128-byte buffer.
fn hunk_header(old: (u32, u32), new: (u32, u32), func: &[u8]) -> Vec<u8> {
    let range = |(start, len): (u32, u32)| {
        if len == 1 {
            start.to_string()
        } else {
            format!("{start},{len}")
        }
    };
    let mut text = format!("@@ -{} +{} @@", range(old), range(new)).into_bytes();
    if !func.is_empty() {
        text.push(b' ');
        let room = 128usize.saturating_sub(text.len() + 1);
        text.extend_from_slice(&func[..func.len().min(room)]);
    }
    text.push(b'\n');
    text
}

/// `emit_hunk_header`: the `@@ … @@` part in the fragment colour, then the
/// blanks and the function name each followed by a reset.
fn colored_hunk_header(out: &mut Vec<u8>, line: &[u8]) {
    let Some(ep) = line
        .get(2..)
        .and_then(|rest| rest.windows(2).position(|w| w == b"@@"))
        .map(|at| at + 4)
        .filter(|_| line.len() >= 10 && line.starts_with(b"@@"))
    else {
        emit_line(out, Some(PLAIN), None, line);
        return;
    };
    out.extend_from_slice(FRAG.as_bytes());
    out.extend_from_slice(&line[..ep]);
    out.extend_from_slice(RESET.as_bytes());
    // Git's loop over the last bytes re-reads `len` as it shrinks it, so it
    // looks at the last byte and then at the third-last.
    let mut len = line.len();
    for i in 1..3 {
        if matches!(line[len - i], b'\r' | b'\n') {
            len -= 1;
        }
    }
    let len = len.max(ep);
    let blanks = line[ep..len].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    if blanks > 0 {
        out.extend_from_slice(PLAIN.as_bytes());
        out.extend_from_slice(&line[ep..ep + blanks]);
        out.extend_from_slice(RESET.as_bytes());
    }
    if ep + blanks < len {
        out.extend_from_slice(PLAIN.as_bytes());
        out.extend_from_slice(&line[ep + blanks..len]);
        out.extend_from_slice(RESET.as_bytes());
    }
    out.extend_from_slice(&line[len..]);
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
}

/// `emit_line_0` without a second colour: `set_sign` and `first`, the line's
/// text, a reset, then its CR and LF.
fn emit_line(out: &mut Vec<u8>, set_sign: Option<&str>, first: Option<u8>, line: &[u8]) {
    let mut text = line;
    let newline = text.last() == Some(&b'\n');
    if newline {
        text = &text[..text.len() - 1];
    }
    let carriage_return = text.last() == Some(&b'\r');
    if carriage_return {
        text = &text[..text.len() - 1];
    }
    let mut needs_reset = false;
    if !text.is_empty() || first.is_some() {
        if let Some(set) = set_sign {
            out.extend_from_slice(set.as_bytes());
            needs_reset = true;
        }
        out.extend(first);
        if !text.is_empty() {
            out.extend_from_slice(text);
            needs_reset = true;
        }
    }
    if needs_reset {
        out.extend_from_slice(RESET.as_bytes());
    }
    if carriage_return {
        out.push(b'\r');
    }
    if newline {
        out.push(b'\n');
    }
}

/// `ws_check_emit` with git's default `core.whitespace` (blank-at-eol and
/// space-before-tab): an added line's text in green, its white-space errors
/// on red, the tabs of its indentation uncoloured.
fn emit_with_whitespace_errors(out: &mut Vec<u8>, line: &[u8]) {
    let newline = line.last() == Some(&b'\n');
    let text = if newline { &line[..line.len() - 1] } else { line };
    let trailing = text.len() - text.iter().rev().take_while(|&&c| is_git_space(c)).count();
    let mut written = 0;
    for i in 0..trailing {
        match text[i] {
            b' ' => continue,
            b'\t' if written < i => {
                out.extend_from_slice(WHITESPACE.as_bytes());
                out.extend_from_slice(&text[written..i]);
                out.extend_from_slice(RESET.as_bytes());
                out.push(b'\t');
            }
            b'\t' => out.extend_from_slice(&text[written..=i]),
            _ => break,
        }
        written = i + 1;
    }
    if trailing > written {
        out.extend_from_slice(NEW.as_bytes());
        out.extend_from_slice(&text[written..trailing]);
        out.extend_from_slice(RESET.as_bytes());
    }
    if trailing < text.len() {
        out.extend_from_slice(WHITESPACE.as_bytes());
        out.extend_from_slice(&text[trailing..]);
        out.extend_from_slice(RESET.as_bytes());
    }
    if newline {
        out.push(b'\n');
    }
}

/// The function name git appends to hunk headers: the nearest line at or
/// above the one before the hunk that starts with a letter, `_` or `$`,
/// cut to 80 bytes and stripped of trailing white space (`def_ff`).
#[derive(Default)]
struct FuncName {
    name: Vec<u8>,
    /// Where the previous search started; the next one stops there and
    /// keeps the name it found (`funclineprev`).
    searched_from: Option<i64>,
}

impl FuncName {
    fn seek(&mut self, old_lines: &[&[u8]], start: i64) {
        let limit = self.searched_from.unwrap_or(-1);
        self.searched_from = Some(start);
        let step = if start > limit { -1 } else { 1 };
        let mut at = start;
        while at != limit && at >= 0 && (at as usize) < old_lines.len() {
            if let Some(name) = function_line(old_lines[at as usize]) {
                self.name = name.to_vec();
                return;
            }
            at += step;
        }
    }
}

fn function_line(line: &[u8]) -> Option<&[u8]> {
    let first = *line.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
        return None;
    }
    let mut name = &line[..line.len().min(80)];
    while let Some((&last, rest)) = name.split_last() {
        if !is_git_space(last) {
            break;
        }
        name = rest;
    }
    Some(name)
}

/// Blank lines added at the end of a file, which git colours as white-space
/// errors whole, sign included (`check_blank_at_eof`). The first line
/// numbers of the trailing blank lines on each side, when the new side has
/// more of them.
struct BlankAtEof {
    old: i64,
    new: i64,
}

impl BlankAtEof {
    fn new(old: &[u8], new: &[u8]) -> BlankAtEof {
        let (old_blank, new_blank) = (trailing_blank_lines(old), trailing_blank_lines(new));
        if new_blank <= old_blank {
            return BlankAtEof { old: 0, new: 0 };
        }
        BlankAtEof {
            old: line_count(old) - old_blank + 1,
            new: line_count(new) - new_blank + 1,
        }
    }

    /// `new_blank_line_at_eof` for an added `line` at these line numbers.
    fn covers(&self, old_lno: i64, new_lno: i64, line: &[u8]) -> bool {
        self.old != 0
            && self.new != 0
            && self.old <= old_lno
            && self.new <= new_lno
            && line.iter().all(|&c| is_git_space(c))
    }
}

/// `count_trailing_blank`, quirk included: the first line of a file is
/// never counted.
fn trailing_blank_lines(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    // `ptr` is the last byte of the line being looked at, as an index.
    let mut ptr = data.len() as i64 - 1;
    if data[ptr as usize] == b'\n' {
        ptr -= 1;
    }
    let mut count = 0;
    while 0 < ptr {
        let mut prev_eol = ptr;
        while prev_eol >= 0 && data[prev_eol as usize] != b'\n' {
            prev_eol -= 1;
        }
        let line = &data[(prev_eol + 1) as usize..(ptr + 1) as usize];
        if !line.iter().all(|&c| is_git_space(c)) {
            break;
        }
        count += 1;
        ptr = prev_eol - 1;
    }
    count
}

/// `count_lines`: newlines, plus one for an unterminated last line.
fn line_count(data: &[u8]) -> i64 {
    let newlines = data.iter().filter(|&&c| c == b'\n').count() as i64;
    match data.last() {
        None => 0,
        Some(b'\n') => newlines,
        Some(_) => newlines + 1,
    }
}

/// Object ids shortened as git does: `core.abbrev` digits, or by default 7
/// and more in large repositories, and as many more as it takes to be
/// unambiguous — also for ids not in the repository (submodule commits,
/// the null id), which must not look like an object that is.
struct Abbrev {
    hex_len: usize,
    /// The object database with all pack indices loaded and no rescans of
    /// the disk: looking up a prefix otherwise lists the pack directory each
    /// time, which made a 5000-file patch five times slower than git.
    objects: gix::OdbHandle,
}

impl Abbrev {
    fn for_repo(repo: &gix::Repository) -> Result<Abbrev> {
        let configured = repo
            .config_snapshot()
            .string("core.abbrev")
            .map(|value| gix::config::tree::Core::ABBREV.try_into_abbreviation(&*value, repo.object_hash()))
            .transpose()
            .context("cannot read core.abbrev")?
            .flatten();
        let mut objects = repo.objects.clone();
        let packed = objects
            .packed_object_count()
            .context("cannot count the packed objects")?;
        objects.refresh_never();
        // git's `find_unique_abbrev_r`: half the bits of the count.
        let auto = || ((u64::BITS - packed.leading_zeros()).div_ceil(2) as usize).max(7);
        Ok(Abbrev {
            hex_len: configured.unwrap_or_else(auto),
            objects,
        })
    }

    fn shorten(&self, id: ObjectId) -> Result<String> {
        let full = id.to_hex().to_string();
        let mut len = self.hex_len.min(full.len());
        while len < full.len() {
            let prefix = gix::hash::Prefix::new(&id, len).context("cannot abbreviate an object id")?;
            match self
                .objects
                .lookup_prefix(prefix, None)
                .context("cannot look up an abbreviated object id")?
            {
                None => break,
                Some(Ok(found)) if found == id => break,
                Some(_) => len += 1,
            }
        }
        Ok(full[..len].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunk_headers_leave_out_counts_of_one() {
        assert_eq!(hunk_header((1, 1), (1, 1), b""), b"@@ -1 +1 @@\n");
        assert_eq!(hunk_header((0, 0), (1, 3), b""), b"@@ -0,0 +1,3 @@\n");
        assert_eq!(hunk_header((4, 7), (4, 0), b"fn x"), b"@@ -4,7 +4,0 @@ fn x\n");
    }

    #[test]
    fn function_lines_follow_the_default_rule() {
        assert_eq!(function_line(b"int main()  \n"), Some(&b"int main()"[..]));
        assert_eq!(function_line(b"$x\n"), Some(&b"$x"[..]));
        assert_eq!(function_line(b" indented\n"), None);
        assert_eq!(function_line(b"{\n"), None);
        let long = [b'a'; 100];
        assert_eq!(function_line(&long).map(<[u8]>::len), Some(80));
    }

    #[test]
    fn trailing_blank_lines_skip_the_first_line_as_git_does() {
        assert_eq!(trailing_blank_lines(b"a\n\n\n"), 2);
        assert_eq!(trailing_blank_lines(b"\n\n"), 0);
        assert_eq!(trailing_blank_lines(b" \n \n"), 1);
        assert_eq!(trailing_blank_lines(b"a\n  "), 1);
        assert_eq!(line_count(b"a\nb"), 2);
        assert_eq!(line_count(b""), 0);
    }
}
