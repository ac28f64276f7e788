//! The difference between two trees as `git diff --no-renames <old> <new>`
//! prints it, byte for byte: patches, `--stat`, `--name-status` and
//! `--name-only`, plain or in git's default colours.
//!
//! gix finds the changed paths (`gix::diff::tree`) and the changed lines
//! (imara-diff's Myers with git's indent heuristic, grouped into hunks by
//! `gix::diff::blob::UnifiedDiff`); this module writes the text around them
//! as git's `diff.c` does. Git's defaults are assumed throughout: no
//! `.gitattributes` diff drivers or textconv, `core.quotePath`,
//! `core.whitespace` and the `diff.*` and `color.diff.*` settings unset.
//! `core.abbrev` is honoured.

mod patch;
pub(crate) mod patch_id;
mod quote;
pub(crate) mod scope;
mod stat;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::ops::Range;

use anyhow::{Context, Result};
use bstr::BString;
use gix::diff::blob::{Algorithm, Diff, IndentHeuristic, IndentLevel, InternedInput};
use gix::objs::tree::EntryKind;
use gix::ObjectId;

/// What `write_diff` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    /// `git diff`: a patch per changed path.
    Patch,
    /// `git diff --stat`.
    Stat,
    /// `git diff --name-status`.
    NameStatus,
    /// `git diff --name-only`.
    NameOnly,
}

/// How `write_diff` prints; the default is plain `git diff`.
#[derive(Clone, Debug)]
pub(crate) struct DiffOptions {
    pub format: DiffFormat,
    /// ANSI colours as `git diff --color=always` with default colours.
    pub color: bool,
    /// Lines of context (git's -U, default 3).
    pub context: u32,
    /// Total width for --stat (git uses 80 when stdout is not a terminal).
    pub stat_width: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            format: DiffFormat::Patch,
            color: false,
            context: 3,
            stat_width: 80,
        }
    }
}

/// Writes the difference between two trees (`old` → `new`, both tree ids) as `git diff --no-renames <old> <new>` would.
/// Returns the number of changed paths.
///
/// Commits are accepted too and stand for their trees. A path whose type
/// changes (file ⇄ symlink ⇄ submodule) counts once, as git's `T` status; a
/// file replaced by a directory is a deletion and one addition per file in it.
pub(crate) fn write_diff(
    repo: &gix::Repository,
    old: gix::ObjectId,
    new: gix::ObjectId,
    opts: &DiffOptions,
    out: &mut dyn Write,
) -> Result<usize> {
    let changes = changed_files(repo, old, new)?;
    let mut text = Vec::new();
    match opts.format {
        // Written a file at a time, so a reader sees the start of a large diff early.
        DiffFormat::Patch => patch::write_patches(repo, &changes, opts, out)?,
        DiffFormat::Stat => stat::write_stat(repo, &changes, opts, &mut text)?,
        DiffFormat::NameStatus => {
            for change in &changes {
                text.extend_from_slice(&[change.status(), b'\t']);
                text.extend_from_slice(&quote::quoted(&change.path));
                text.push(b'\n');
            }
        }
        DiffFormat::NameOnly => {
            for change in &changes {
                text.extend_from_slice(&quote::quoted(&change.path));
                text.push(b'\n');
            }
        }
    }
    out.write_all(&text).context("cannot write the diff")?;
    Ok(changes.len())
}

/// Writes the difference between two blobs as one file's patch, as `git
/// diff` prints a regular file `path` going from `old` to `new` (`None`:
/// absent, so the patch creates or deletes the file).
pub(crate) fn write_blob_diff(
    repo: &gix::Repository,
    path: &str,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    opts: &DiffOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let entry = |id: ObjectId| Entry::new(EntryKind::Blob, id);
    let change = FileChange {
        path: path.into(),
        old: old.map(entry),
        new: new.map(entry),
    };
    if change.old == change.new {
        return Ok(());
    }
    patch::write_patches(repo, std::slice::from_ref(&change), opts, out)
}

/// A file that differs between two trees, with its lines as
/// `git diff --numstat --no-renames` counts them and where they changed.
#[derive(Clone, Debug)]
pub(crate) struct ChangedFile {
    /// The path, `/`-separated (lossily UTF-8).
    pub path: String,
    /// `A`, `D`, `M` or `T`, as `--name-status` prints it.
    pub status: char,
    /// Either side is binary (a NUL in its first 8000 bytes, or too big).
    pub binary: bool,
    /// Lines added and removed; both 0 for a binary file.
    pub added: u64,
    pub removed: u64,
    /// The changed line ranges (0-based, end exclusive) of the old and the
    /// new side, one pair per group of changes; empty for a binary file.
    pub hunks: Vec<(Range<u32>, Range<u32>)>,
    /// The old and new text of a regular file (empty when absent, binary,
    /// a symlink or a submodule), for finding what the hunks are in.
    pub old_text: Vec<u8>,
    pub new_text: Vec<u8>,
}

/// The files that differ between two trees (or commits), in git's order,
/// with their changed lines: the numbers `git diff --numstat --no-renames
/// <old> <new>` prints, and the line ranges of its hunks.
pub(crate) fn changed_lines(repo: &gix::Repository, old: ObjectId, new: ObjectId) -> Result<Vec<ChangedFile>> {
    let mut files = Vec::new();
    for change in changed_files(repo, old, new)? {
        let old_content = Content::load(repo, change.old)?;
        let new_content = Content::load(repo, change.new)?;
        let counts = LineCounts::of(change.old, change.new, &old_content, &new_content, 3);
        let regular = |e: Option<Entry>| e.is_none_or(|e| e.file_type() == REGULAR);
        let text = !counts.binary && regular(change.old) && regular(change.new);
        files.push(ChangedFile {
            path: change.path.to_string(),
            status: char::from(change.status()),
            binary: counts.binary,
            added: if counts.binary { 0 } else { counts.added },
            removed: if counts.binary { 0 } else { counts.removed },
            hunks: counts.hunks,
            old_text: if text { old_content.data } else { Vec::new() },
            new_text: if text { new_content.data } else { Vec::new() },
        });
    }
    Ok(files)
}

/// What a changed path amounts to in lines: `--stat`'s and `--numstat`'s
/// numbers (for a binary file, the new and old sizes) and the changed ranges.
struct LineCounts {
    added: u64,
    removed: u64,
    binary: bool,
    hunks: Vec<(Range<u32>, Range<u32>)>,
}

impl LineCounts {
    fn of(
        old_entry: Option<Entry>,
        new_entry: Option<Entry>,
        old: &Content,
        new: &Content,
        context: u32,
    ) -> LineCounts {
        let unchanged = matches!((old_entry, new_entry), (Some(a), Some(b)) if a.id == b.id);
        let binary = old.is_binary || new.is_binary;
        if unchanged {
            return LineCounts {
                added: 0,
                removed: 0,
                binary,
                hunks: Vec::new(),
            };
        }
        if binary {
            return LineCounts {
                added: new.size,
                removed: old.size,
                binary,
                hunks: Vec::new(),
            };
        }
        let lines = LineDiff::new(&old.data, &new.data, context);
        LineCounts {
            added: u64::from(lines.diff.count_additions()),
            removed: u64::from(lines.diff.count_removals()),
            binary,
            hunks: lines.diff.hunks().map(|h| (h.before, h.after)).collect(),
        }
    }
}

/// A tree entry that is not a tree: what one side of a changed path holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// The mode as git shows it: 100644, 100755, 120000 or 160000.
    mode: u32,
    id: ObjectId,
}

const S_IFMT: u32 = 0o170000;
const GITLINK: u32 = 0o160000;
const REGULAR: u32 = 0o100000;

impl Entry {
    fn new(kind: EntryKind, id: ObjectId) -> Entry {
        Entry {
            mode: u32::from(kind as u16),
            id,
        }
    }

    /// File, symlink or submodule: a change between these is a type change.
    fn file_type(self) -> u32 {
        self.mode & S_IFMT
    }
}

/// A changed path and what it was and became; `None` where it did not exist.
#[derive(Clone, Debug)]
struct FileChange {
    path: BString,
    old: Option<Entry>,
    new: Option<Entry>,
}

impl FileChange {
    /// The `--name-status` letter.
    fn status(&self) -> u8 {
        match (self.old, self.new) {
            (None, _) => b'A',
            (_, None) => b'D',
            (Some(a), Some(b)) if a.file_type() != b.file_type() => b'T',
            _ => b'M',
        }
    }
}

/// The files that differ between the trees of `old` and `new`, in git's
/// order: the byte order of full paths, which is the order git's depth-first
/// walk of trees sorted by `base_name_compare` produces (gix walks breadth
/// first, so its order differs).
fn changed_files(repo: &gix::Repository, old: ObjectId, new: ObjectId) -> Result<Vec<FileChange>> {
    let tree_of = |id: ObjectId, which: &str| -> Result<gix::Tree<'_>> {
        repo.find_object(id)
            .with_context(|| format!("cannot read the {which} tree {id}"))?
            .peel_to_tree()
            .with_context(|| format!("{id} ({which}) is not a tree or commit"))
    };
    let old_tree = tree_of(old, "old")?;
    let new_tree = tree_of(new, "new")?;
    let mut recorder = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old_tree.data, repo.object_hash()),
        gix::objs::TreeRefIter::from_bytes(&new_tree.data, repo.object_hash()),
        &mut gix::diff::tree::State::default(),
        &repo.objects,
        &mut recorder,
    )
    .with_context(|| format!("cannot compare the trees {old} and {new}"))?;

    use gix::diff::tree::recorder::Change;
    let mut changes = Vec::with_capacity(recorder.records.len());
    for record in recorder.records {
        let change = match record {
            Change::Addition {
                entry_mode, oid, path, ..
            } => FileChange {
                path,
                old: None,
                new: Some(Entry::new(entry_mode.kind(), oid)),
            },
            Change::Deletion {
                entry_mode, oid, path, ..
            } => FileChange {
                path,
                old: Some(Entry::new(entry_mode.kind(), oid)),
                new: None,
            },
            Change::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
                path,
            } => FileChange {
                path,
                old: Some(Entry::new(previous_entry_mode.kind(), previous_oid)),
                new: Some(Entry::new(entry_mode.kind(), oid)),
            },
        };
        // Trees only matter through the files in them, and a mode git
        // normalises away (100664 → 100644) is no change.
        let old = change.old.filter(|e| e.mode != EntryKind::Tree as u32);
        let new = change.new.filter(|e| e.mode != EntryKind::Tree as u32);
        if old.is_none() && new.is_none() || old == new {
            continue;
        }
        changes.push(FileChange { old, new, ..change });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// Blobs larger than this are binary without a look inside
/// (`core.bigFileThreshold`'s default).
const BIG_FILE_THRESHOLD: u64 = 512 * 1024 * 1024;

/// How many leading bytes git searches for a NUL to call a blob binary.
const FIRST_FEW_BYTES: usize = 8000;

/// What one side of a changed path holds, as git diffs it: a blob's bytes, a
/// symlink's target, a submodule's `Subproject commit <id>` line, or nothing.
struct Content {
    data: Vec<u8>,
    size: u64,
    is_binary: bool,
}

impl Content {
    fn load(repo: &gix::Repository, entry: Option<Entry>) -> Result<Content> {
        let Some(entry) = entry else {
            return Ok(Content {
                data: Vec::new(),
                size: 0,
                is_binary: false,
            });
        };
        if entry.mode == GITLINK {
            let data = format!("Subproject commit {}\n", entry.id).into_bytes();
            return Ok(Content {
                size: data.len() as u64,
                data,
                is_binary: false,
            });
        }
        let size = repo
            .find_header(entry.id)
            .with_context(|| format!("cannot read blob {}", entry.id))?
            .size();
        if size > BIG_FILE_THRESHOLD {
            return Ok(Content {
                data: Vec::new(),
                size,
                is_binary: true,
            });
        }
        let data = repo
            .find_object(entry.id)
            .with_context(|| format!("cannot read blob {}", entry.id))?
            .detach()
            .data;
        let is_binary = data[..data.len().min(FIRST_FEW_BYTES)].contains(&0);
        Ok(Content {
            size: data.len() as u64,
            data,
            is_binary,
        })
    }
}

/// The lines of two texts and the changes between them, as git's xdiff
/// computes them with its defaults: Myers, then the indent heuristic for
/// sliding groups of changes. With no context, git first drops the common
/// tail in 1 KiB blocks (`xdi_diff`'s `trim_common_tail`); so does this.
struct LineDiff<'a> {
    input: InternedInput<&'a [u8]>,
    diff: Diff,
}

impl<'a> LineDiff<'a> {
    fn new(old: &'a [u8], new: &'a [u8], context: u32) -> LineDiff<'a> {
        let (old, new) = if context == 0 {
            trim_common_tail(old, new)
        } else {
            (old, new)
        };
        let input = InternedInput::new(old, new);
        let mut diff = Diff::compute(Algorithm::Myers, &input);
        diff.postprocess_with_heuristic(&input, IndentHeuristic::new(|token| git_indent(input.interner[token])));
        LineDiff { input, diff }
    }
}

/// `xdi_diff`'s `trim_common_tail`: both texts without their longest common
/// tail of whole 1 KiB blocks, except the part up to the first newline in it.
fn trim_common_tail<'a>(a: &'a [u8], b: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    const BLOCK: usize = 1024;
    let smaller = a.len().min(b.len());
    let mut trimmed = 0;
    while BLOCK + trimmed <= smaller
        && a[a.len() - trimmed - BLOCK..a.len() - trimmed] == b[b.len() - trimmed - BLOCK..b.len() - trimmed]
    {
        trimmed += BLOCK;
    }
    let tail = &a[a.len() - trimmed..];
    let recovered = tail.iter().position(|&c| c == b'\n').map_or(trimmed, |nl| nl + 1);
    let cut = trimmed - recovered;
    (&a[..a.len() - cut], &b[..b.len() - cut])
}

/// A line's indentation for the slider heuristic as xdiff's `get_indent`
/// measures it: only space, tab, CR and LF are white space there (imara-diff
/// also skips form feeds), so the line is cut at the first other byte.
fn git_indent(line: &[u8]) -> IndentLevel {
    let blank = line.iter().position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
    match blank {
        Some(at) => IndentLevel::for_ascii_line(line[..at].iter().copied().chain([b'x']), 8),
        None => IndentLevel::for_ascii_line(line.iter().copied(), 8),
    }
}

/// git's `isspace`: only these four, not vertical tab or form feed.
fn is_git_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}
