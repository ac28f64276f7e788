//! Tree → work tree: the one place files are written from the object
//! database, through gix's checkout (so filters, end-of-line conversion,
//! symlinks and exec bits are git's). [`write_entries`] writes what a
//! rewind planned; [`checkout_clean_worktree`] switches a clean work tree
//! to another commit, as `resume` does to put a person back on the
//! session's branch.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context, Result};
use bstr::{BString, ByteSlice};
use gix::index::entry::Flags;
use gix::worktree::stack::state::attributes::Source;
use gix::ObjectId;

/// Where the attributes that steer the checkout come from.
#[derive(Clone, Copy, Debug)]
pub enum Attributes {
    /// The `.gitattributes` files in the work tree (written first by the caller).
    WorkTree,
    /// The `.gitattributes` of the entries being checked out.
    Entries,
}

/// Writes the entries of `state` (their blobs, modes and paths) into the
/// work tree at `workdir`, overwriting what is there. Entries flagged
/// `SKIP_WORKTREE` are left alone. Returns how many entries there were.
pub fn write_entries(
    repo: &gix::Repository,
    workdir: &Path,
    state: &mut gix::index::State,
    attributes: Attributes,
) -> Result<usize> {
    let source = match attributes {
        Attributes::WorkTree => Source::WorktreeThenIdMapping,
        Attributes::Entries => Source::IdMapping,
    };
    let mut opts = repo
        .checkout_options(source)
        .context("cannot read the checkout options")?;
    opts.overwrite_existing = true;
    opts.destination_is_initially_empty = false;
    let objects = repo
        .objects
        .clone()
        .into_arc()
        .context("cannot share the object database")?;
    let outcome = gix::worktree::state::checkout(
        state,
        workdir,
        objects,
        &gix::progress::Discard,
        &gix::progress::Discard,
        &AtomicBool::new(false),
        opts,
    )
    .context("cannot write the files")?;
    if let Some(err) = outcome.errors.first() {
        bail!("cannot write {}: {}", err.path, err.error);
    }
    if let Some(c) = outcome.collisions.first() {
        bail!("cannot write {}: another path collides with it", c.path);
    }
    Ok(state.entries().len())
}

/// Removes the directories above `file` that a removal left empty, up to
/// (not including) `workdir`.
pub fn remove_empty_parents(workdir: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == workdir || !d.starts_with(workdir) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// What a switch changed in the work tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Switched {
    pub written: usize,
    pub removed: usize,
}

/// Makes the files and the index of a clean work tree those of `to_commit`.
/// The caller checked that the work tree and the index equal HEAD's tree, and
/// moves HEAD afterwards.
pub fn checkout_clean_worktree(repo: &gix::Repository, to_commit: ObjectId) -> Result<Switched> {
    let workdir = repo.workdir().context("a work tree is needed")?.to_owned();
    let to_tree = repo
        .find_commit(to_commit)
        .context("cannot read the branch's commit")?
        .tree_id()
        .context("cannot read the branch's tree")?
        .detach();
    let old = repo.index_or_empty().context("cannot read the index")?;
    let old_entries: HashMap<BString, &gix::index::Entry> = old
        .entries()
        .iter()
        .filter(|e| e.stage_raw() == 0)
        .map(|e| (e.path(&old).to_owned(), e))
        .collect();
    let mut new = repo
        .index_from_tree(&to_tree)
        .context("cannot build an index from the branch's tree (a path in it may be unsafe)")?;

    // Unchanged entries keep their stat data and are skipped by the checkout.
    let mut new_paths = HashSet::with_capacity(new.entries().len());
    let mut written = 0;
    for (entry, path) in new.entries_mut_with_paths() {
        new_paths.insert(path.to_owned());
        match old_entries.get(path) {
            Some(prev) if prev.id == entry.id && prev.mode == entry.mode => {
                entry.stat = prev.stat;
                entry.flags.insert(Flags::SKIP_WORKTREE);
            }
            _ => written += 1,
        }
    }

    let mut removed = 0;
    for path in old_entries.keys().filter(|p| !new_paths.contains(*p)) {
        let Ok(rel) = gix::path::from_bstr(path.as_slice().as_bstr()) else {
            continue;
        };
        let full = workdir.join(rel);
        if std::fs::symlink_metadata(&full).is_ok_and(|m| !m.is_dir()) {
            std::fs::remove_file(&full).with_context(|| format!("cannot remove {}", full.display()))?;
            removed += 1;
            remove_empty_parents(&workdir, &full);
        }
    }

    write_entries(repo, &workdir, &mut new, Attributes::Entries).context("cannot write the branch's files")?;
    for entry in new.entries_mut() {
        entry.flags.remove(Flags::SKIP_WORKTREE);
    }
    new.write(Default::default()).context("cannot write the index")?;
    Ok(Switched { written, removed })
}
