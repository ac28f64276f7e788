//! The user's index after a rewind.
//!
//! The rule (documented in `git help session`): HEAD stays where it is (unless
//! `--commits` moved it) and, for every path the rewind changed, the index
//! entry becomes HEAD's, so `git status` shows the rewound files as unstaged
//! changes and `git diff` shows exactly what the rewind did against HEAD.
//! Paths the rewind did not touch keep whatever the user had staged. `undo`
//! uses the same function with the index the rewind recorded, which brings
//! back what was staged before it.

use std::collections::HashSet;

use anyhow::{Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;

use crate::store::Store;

/// Sets the index entries of `paths` to those of the tree `source` (removed
/// when `source` does not hold them, or when there is no `source`). An entry
/// gets the file's stat data when the work tree (snapshot `worktree`) holds
/// the same blob, so git sees it clean without re-hashing; otherwise empty
/// stat data, so git looks at the content.
pub(crate) fn follow(store: &Store, paths: &[BString], source: Option<ObjectId>, worktree: ObjectId) -> Result<()> {
    let repo = store.repo();
    if paths.is_empty() {
        return Ok(());
    }
    let workdir = repo.workdir().context("a work tree is needed")?.to_owned();
    let mut index = match repo.open_index() {
        Ok(index) => index,
        Err(_) if !repo.index_path().exists() => {
            gix::index::File::from_state(gix::index::State::new(repo.object_hash()), repo.index_path())
        }
        Err(err) => return Err(err).context("cannot read the index"),
    };
    if index.is_sparse() {
        store.warn("the index is sparse; it was left as it was (run `git status` to see the rewound files)");
        return Ok(());
    }
    let wanted: HashSet<&BStr> = paths.iter().map(|p| p.as_bstr()).collect();
    let source = source
        .map(|id| repo.find_tree(id))
        .transpose()
        .context("cannot read a tree")?;
    let mut entries = Vec::with_capacity(paths.len());
    for path in paths {
        let entry = source
            .as_ref()
            .map(|t| t.lookup_entry(path.split_str("/")))
            .transpose()?
            .flatten()
            .filter(|e| !e.mode().is_tree());
        entries.push((path, entry));
    }
    // Nothing to write when every entry already is what it should be (only
    // its stat data would change, and git re-checks stale stat data itself).
    let unchanged = entries.iter().all(|(path, entry)| {
        let now: Vec<_> = index
            .entry_range(path.as_bstr())
            .map(|r| {
                index.entries()[r]
                    .iter()
                    .map(|e| (e.stage_raw(), e.id, e.mode))
                    .collect()
            })
            .unwrap_or_default();
        match entry {
            Some(e) => now == [(0, e.object_id(), e.mode().into())],
            None => now.is_empty(),
        }
    });
    if unchanged {
        return Ok(());
    }
    index.remove_entries(|_, path, _| wanted.contains(path));

    let worktree = repo.find_tree(worktree).context("cannot read the snapshot")?;
    for (path, entry) in entries {
        let Some(entry) = entry else {
            continue;
        };
        let on_disk = worktree.lookup_entry(path.split_str("/"))?;
        let same = on_disk.is_some_and(|d| d.object_id() == entry.object_id() && d.mode() == entry.mode());
        let stat = if same {
            let full = super::full_path(&workdir, path.as_bstr())?;
            gix::index::fs::Metadata::from_path_no_follow(&full)
                .ok()
                .and_then(|m| gix::index::entry::Stat::from_fs(&m).ok())
                .unwrap_or_default()
        } else {
            Default::default()
        };
        index.dangerously_push_entry(
            stat,
            entry.object_id(),
            gix::index::entry::Flags::empty(),
            entry.mode().into(),
            path.as_bstr(),
        );
    }
    index.sort_entries();
    // The cached trees no longer describe the entries.
    index.remove_tree();
    index.remove_resolve_undo();
    index.write(Default::default()).context("cannot write the index")?;
    Ok(())
}
