//! Snapshot → work tree: what `rewind`, `restore` and `undo` do.
//!
//! A rewind is planned first and applied second. [`plan`] compares the
//! snapshot of the work tree as it is now with the target snapshot, checks
//! every path it would touch (DESIGN invariant 6, see [`guard`]) and works out
//! the tree the work tree will have afterwards; nothing is written until the
//! whole plan passed. The caller records the plan in an event, then [`apply`]
//! removes and writes files (through gix's checkout, so filters, end-of-line
//! conversion, symlinks and exec bits are git's) and [`index::follow`] puts
//! the user's index in line for the paths that changed.
//!
//! What a rewind never touches: ignored files (they are not in the current
//! snapshot, so nothing removes them, and one standing where the target has
//! a file is left alone with a warning), submodules (gitlinks are skipped),
//! anything outside the work tree.

pub(crate) mod commits;
mod execute;
mod guard;
pub(crate) mod index;
#[cfg(test)]
mod props;
pub(crate) mod report;
pub(crate) mod target;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use crate::snapshot::checkout::{remove_empty_parents, write_entries, Attributes};
use crate::store::Store;

pub(crate) use execute::{execute, Execution};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use guard::{check_path, tree_object_entries};

/// Which paths a rewind may change.
#[derive(Clone, Debug)]
pub(crate) enum Scope {
    /// The whole work tree.
    All,
    /// These paths and everything below them (`/`-separated, relative to
    /// the work tree; the empty path is the whole work tree).
    Paths(HashSet<BString>),
}

impl Scope {
    fn contains(&self, path: &BStr) -> bool {
        let Scope::Paths(paths) = self else {
            return true;
        };
        if paths.contains(b"".as_bstr()) {
            return true;
        }
        let mut path = path;
        loop {
            if paths.contains(path) {
                return true;
            }
            match path.rfind_byte(b'/') {
                Some(slash) => path = path[..slash].as_bstr(),
                None => return false,
            }
        }
    }
}

/// The paths of files (not directories) that differ between two trees, sorted.
pub(crate) fn changed_paths(store: &Store, a: ObjectId, b: ObjectId) -> Result<Vec<BString>> {
    store.paths_between(a, b)
}

/// One file the rewind writes.
#[derive(Clone, Debug)]
pub(crate) struct Write {
    pub path: BString,
    pub mode: EntryMode,
    pub id: ObjectId,
    /// The path holds nothing in the current snapshot (the file is new).
    pub added: bool,
}

/// A path the rewind leaves as it is, and why.
#[derive(Clone, Debug)]
pub(crate) struct Skip {
    pub path: BString,
    pub why: &'static str,
}

/// What a rewind will do, worked out before anything is written.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The snapshot the work tree will have afterwards: the work tree's
    /// snapshot now with the planned changes (the snapshot asked for unless
    /// something was skipped or scoped out).
    pub after: ObjectId,
    pub write: Vec<Write>,
    pub remove: Vec<BString>,
    /// Directories standing where the target has a file, holding nothing
    /// but the files removed and empty directories.
    pub clear_dirs: Vec<BString>,
    pub skipped: Vec<Skip>,
}

impl Plan {
    /// Every path the rewind writes or removes, sorted.
    pub(crate) fn changed_paths(&self) -> Vec<BString> {
        let mut paths: Vec<BString> = self
            .write
            .iter()
            .map(|w| w.path.clone())
            .chain(self.remove.iter().cloned())
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.write.is_empty() && self.remove.is_empty()
    }
}

/// What [`apply`] did.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Applied {
    pub written: usize,
    pub removed: usize,
}

/// Plans making the work tree (whose snapshot is `from`) equal `to` within `scope`.
pub(crate) fn plan(store: &Store, from: ObjectId, to: ObjectId, scope: &Scope) -> Result<Plan> {
    let repo = store.repo();
    let workdir = repo.workdir().context("a work tree is needed")?.to_owned();
    let old = repo.find_tree(from).context("cannot read the work tree's snapshot")?;
    let new = repo.find_tree(to).context("cannot read the target snapshot")?;
    let changes = repo
        .diff_tree_to_tree(&old, &new, gix::diff::Options::default())
        .context("cannot compare the snapshots")?;

    let mut write = Vec::new();
    let mut remove = Vec::new();
    let mut skipped = Vec::new();
    for change in changes {
        use gix::object::tree::diff::ChangeDetached as C;
        let (path, old_mode, new_entry) = match change {
            C::Addition {
                location,
                entry_mode,
                id,
                ..
            } => (location, None, Some((entry_mode, id))),
            C::Deletion {
                location, entry_mode, ..
            } => (location, Some(entry_mode), None),
            C::Modification {
                location,
                previous_entry_mode,
                entry_mode,
                id,
                ..
            } => (location, Some(previous_entry_mode), Some((entry_mode, id))),
            C::Rewrite { .. } => bail!("unexpected rename in a diff without rename tracking"),
        };
        if !scope.contains(path.as_bstr()) {
            continue;
        }
        let old_mode = old_mode.filter(|m| !m.is_tree());
        let new_entry = new_entry.filter(|(m, _)| !m.is_tree());
        if old_mode.is_some_and(|m| m.is_commit()) || new_entry.is_some_and(|(m, _)| m.is_commit()) {
            skipped.push(Skip {
                path,
                why: "a submodule: rewind leaves submodules alone",
            });
            continue;
        }
        match (old_mode, new_entry) {
            (None, None) => {}
            (Some(_), None) => remove.push(path),
            // A file replacing a file is written in place.
            (old_mode, Some((mode, id))) => {
                write.push(Write {
                    added: old_mode.is_none(),
                    path,
                    mode,
                    id,
                });
            }
        }
    }

    for w in &write {
        guard::check_path(w.path.as_bstr(), w.mode.is_link())?;
    }
    for r in &remove {
        guard::check_path(r.as_bstr(), false)?;
    }
    let removed: HashSet<&BStr> = remove.iter().map(|p| p.as_bstr()).collect();
    let mut clear_dirs = Vec::new();
    let mut kept = Vec::with_capacity(write.len());
    for w in write {
        guard::check_leading_dirs(&workdir, w.path.as_bstr(), |p| removed.contains(p))?;
        if w.added {
            let full = guard::full_path(&workdir, w.path.as_bstr())?;
            match std::fs::symlink_metadata(&full) {
                Ok(meta) if meta.is_dir() => {
                    if holds_only(&full, w.path.as_bstr(), &removed)? {
                        clear_dirs.push(w.path.clone());
                    } else {
                        skipped.push(Skip {
                            path: w.path,
                            why: "a directory with ignored files stands there",
                        });
                        continue;
                    }
                }
                Ok(_) => {
                    skipped.push(Skip {
                        path: w.path,
                        why: "an ignored file stands there",
                    });
                    continue;
                }
                Err(_) => {}
            }
        }
        kept.push(w);
    }

    let mut editor = repo.edit_tree(from).context("cannot edit the snapshot")?;
    for r in &remove {
        editor.remove(r.as_bstr())?;
    }
    for w in &kept {
        editor.upsert(w.path.as_bstr(), w.mode.kind(), w.id)?;
    }
    let after = editor.write().context("cannot write the resulting snapshot")?.detach();
    Ok(Plan {
        after,
        write: kept,
        remove,
        clear_dirs,
        skipped,
    })
}

/// Removes and writes files as planned. Files are removed first (so a file
/// can become a directory and back), then written through gix's checkout:
/// `.gitattributes` files first, then the rest with the attributes they set.
pub(crate) fn apply(store: &Store, plan: &Plan) -> Result<Applied> {
    let repo = store.repo();
    let workdir = repo.workdir().context("a work tree is needed")?.to_owned();
    let mut applied = Applied::default();
    for path in &plan.remove {
        let full = guard::full_path(&workdir, path.as_bstr())?;
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if !meta.is_dir() => {
                std::fs::remove_file(&full).with_context(|| format!("cannot remove {}", full.display()))?;
                applied.removed += 1;
                remove_empty_parents(&workdir, &full);
            }
            _ => {}
        }
    }
    for dir in &plan.clear_dirs {
        let full = guard::full_path(&workdir, dir.as_bstr())?;
        remove_empty_tree(&full).with_context(|| format!("cannot clear the directory {}", full.display()))?;
    }

    let (attributes, rest): (Vec<&Write>, Vec<&Write>) =
        plan.write.iter().partition(|w| w.path.ends_with(b".gitattributes"));
    for batch in [attributes, rest] {
        if !batch.is_empty() {
            applied.written += checkout(repo, &workdir, &batch)?;
        }
    }
    Ok(applied)
}

/// Writes `files` into the work tree with gix's checkout.
fn checkout(repo: &gix::Repository, workdir: &Path, files: &[&Write]) -> Result<usize> {
    let mut state = gix::index::State::new(repo.object_hash());
    for w in files {
        state.dangerously_push_entry(
            Default::default(),
            w.id,
            gix::index::entry::Flags::empty(),
            w.mode.into(),
            w.path.as_bstr(),
        );
    }
    state.sort_entries();
    write_entries(repo, workdir, &mut state, Attributes::WorkTree).context("cannot write the snapshot's files")
}

/// True when the directory `full` (the work-tree path `path`) holds nothing
/// but files in `removed` and empty directories.
fn holds_only(full: &Path, path: &BStr, removed: &HashSet<&BStr>) -> Result<bool> {
    let entries = std::fs::read_dir(full).with_context(|| format!("cannot read {}", full.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = gix::path::os_str_into_bstr(&entry.file_name())
            .map(ToOwned::to_owned)
            .unwrap_or_default();
        let mut child = path.to_owned();
        child.push(b'/');
        child.extend_from_slice(&name);
        let is_dir = entry.file_type()?.is_dir();
        let fine = if is_dir {
            holds_only(&entry.path(), child.as_bstr(), removed)?
        } else {
            removed.contains(child.as_bstr())
        };
        if !fine {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Removes a directory tree that holds nothing but empty directories.
fn remove_empty_tree(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        _ => return Ok(()),
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            remove_empty_tree(&entry.path())?;
        }
    }
    std::fs::remove_dir(dir)
}

/// A work-tree path for messages.
pub(crate) fn display(path: &BStr) -> String {
    path.to_str_lossy().into_owned()
}

/// The full path of a work-tree path after the guard accepted it.
pub(crate) fn full_path(workdir: &Path, path: &BStr) -> Result<PathBuf> {
    guard::full_path(workdir, path)
}
