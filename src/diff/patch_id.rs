//! Patch ids: what `git show <commit> | git patch-id --stable` prints, so a
//! commit that a rebase, a cherry-pick or an amend without changes rewrote
//! can be recognised as the same change.
//!
//! The patch is the one [`write_diff`](super::write_diff) writes (gix's tree
//! diff and imara-diff, `git diff --no-renames` byte for byte, three lines of
//! context) between the commit's first parent (the empty tree for a root
//! commit) and the commit. It is then hashed as `builtin/patch-id.c` does
//! with `--stable`:
//!
//! - each file's section (from its `diff --git` line) is hashed on its own
//!   with SHA-1, and the per-file digests are added up as 20-byte
//!   little-endian numbers, so the order of files does not matter;
//! - every line is hashed with all white space removed (`isspace`), so
//!   re-indentation and line-ending changes keep the id;
//! - `index` lines (blob ids, which differ between rebased commits) and
//!   `\ No newline at end of file` lines are skipped; hunk headers are
//!   skipped too (line numbers move when a commit is rebased);
//! - a binary file hashes the two (abbreviated) blob ids of its `index` line.
//!
//! Known differences from git: `git show` detects renames by default (this
//! diff never does, as `git show --no-renames`), and git's internal patch ids
//! (`git cherry`, `rebase`'s skipping of applied commits) hash full blob ids
//! for binary files. A commit that changes nothing has no patch id.

use anyhow::{Context, Result};
use gix::ObjectId;

use super::{write_diff, DiffOptions};

/// The stable patch id of `commit` against its first parent, `None` when
/// the commit changes nothing.
pub(crate) fn commit_patch_id(repo: &gix::Repository, commit: ObjectId) -> Result<Option<ObjectId>> {
    let c = repo
        .find_commit(commit)
        .with_context(|| format!("cannot read commit {commit}"))?;
    let parent = match c.parent_ids().next() {
        Some(p) => p.detach(),
        None => ObjectId::empty_tree(repo.object_hash()),
    };
    let mut patch = Vec::new();
    write_diff(repo, parent, commit, &DiffOptions::default(), &mut patch)?;
    Ok(patch_id_of_text(&patch))
}

/// The stable patch id of the patch text `patch` (one commit's diff), as
/// `git patch-id --stable` computes it; `None` for a patch without changes.
pub(crate) fn patch_id_of_text(patch: &[u8]) -> Option<ObjectId> {
    let mut sum = [0u8; 20];
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    let mut len = 0usize;
    // Lines still expected in the current hunk, old and new side;
    // `None` while reading a file's header.
    let mut remaining: Option<(i64, i64)> = None;
    let mut in_header = false;
    let mut binary = false;
    let (mut pre, mut post) = (Vec::new(), Vec::new());
    let mut started = false;

    for line in patch.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"\\ ") && line.len() > 12 {
            continue;
        }
        if !started {
            if !line.starts_with(b"diff ") {
                continue;
            }
            started = true;
            in_header = true;
        }
        if in_header {
            if line.starts_with(b"GIT binary patch") || line.starts_with(b"Binary files") {
                binary = true;
                in_header = false;
                remaining = Some((0, 0));
                hasher.update(&pre);
                hasher.update(&post);
                flush(&mut sum, &mut hasher);
                continue;
            } else if let Some(rest) = line.strip_prefix(b"index ") {
                // `index <pre>..<post>[ <mode>]`
                if let Some(dots) = rest.windows(2).position(|w| w == b"..") {
                    let after = &rest[dots + 2..];
                    let end = after
                        .iter()
                        .position(|b| *b == b' ' || *b == b'\n')
                        .unwrap_or(after.len());
                    pre = rest[..dots].to_vec();
                    post = after[..end].to_vec();
                }
                continue;
            } else if line.starts_with(b"--- ") {
                in_header = false;
                remaining = Some((1, 1));
            } else if !line.first().is_some_and(u8::is_ascii_alphabetic) {
                break;
            }
        }
        if binary {
            // git skips the next file's `diff` line too.
            if line.starts_with(b"diff ") {
                binary = false;
                in_header = true;
                remaining = None;
            }
            continue;
        }
        if remaining == Some((0, 0)) {
            if line.starts_with(b"@@ -") {
                remaining = Some(hunk_lengths(line));
                continue;
            }
            if !line.starts_with(b"diff ") {
                break;
            }
            flush(&mut sum, &mut hasher);
            in_header = true;
            remaining = None;
        }
        if let Some((before, after)) = remaining.as_mut() {
            if matches!(line.first(), Some(b'-' | b' ')) {
                *before -= 1;
            }
            if matches!(line.first(), Some(b'+' | b' ')) {
                *after -= 1;
            }
        }
        let squeezed: Vec<u8> = line.iter().copied().filter(|b| !is_c_space(*b)).collect();
        len += squeezed.len();
        hasher.update(&squeezed);
    }
    flush(&mut sum, &mut hasher);
    if len == 0 {
        return None;
    }
    Some(ObjectId::from_bytes_or_panic(&sum))
}

/// Adds the digest of what `hasher` saw to `sum` (20-byte little-endian
/// addition with carry, git's `flush_one_hunk`) and starts a new digest.
fn flush(sum: &mut [u8; 20], hasher: &mut gix::hash::Hasher) {
    let done = std::mem::replace(hasher, gix::hash::hasher(gix::hash::Kind::Sha1));
    let Ok(digest) = done.try_finalize() else {
        return;
    };
    let mut carry = 0u16;
    for (s, d) in sum.iter_mut().zip(digest.as_bytes()) {
        carry += u16::from(*s) + u16::from(*d);
        *s = carry as u8;
        carry >>= 8;
    }
}

/// The old and new line counts of a `@@ -a,b +c,d @@` header (1 when omitted).
fn hunk_lengths(line: &[u8]) -> (i64, i64) {
    let text = String::from_utf8_lossy(line);
    let mut counts = text.split_whitespace().skip(1).take(2).map(|range| {
        let range = range.trim_start_matches(['-', '+']);
        match range.split_once(',') {
            Some((_, n)) => n.parse().unwrap_or(0),
            None => 1,
        }
    });
    (counts.next().unwrap_or(1), counts.next().unwrap_or(1))
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

#[cfg(test)]
mod tests;
