//! Differences between two trees of the repository (snapshots, commits'
//! trees), as paths or as changed lines.

use anyhow::{Context, Result};
use bstr::BString;
use gix::ObjectId;

use super::{object_id, Store};
use crate::diff::ChangedFile;
use crate::session::Oid;

impl Store {
    /// The paths of files (not directories) that differ between two trees, sorted.
    pub(crate) fn paths_between(&self, a: ObjectId, b: ObjectId) -> Result<Vec<BString>> {
        if a == b {
            return Ok(Vec::new());
        }
        let old = self.repo.find_tree(a).context("cannot read a tree")?;
        let new = self.repo.find_tree(b).context("cannot read a tree")?;
        let changes = self
            .repo
            .diff_tree_to_tree(&old, &new, gix::diff::Options::default())
            .context("cannot compare trees")?;
        let mut paths: Vec<BString> = changes
            .into_iter()
            .filter(|c| !(c.entry_mode().is_tree() && c.source_entry_mode_and_id().0.is_tree()))
            .map(|c| c.location().to_owned())
            .collect();
        paths.sort();
        Ok(paths)
    }

    /// [`Store::paths_between`] two snapshots, as text.
    pub(crate) fn changed_paths(&self, a: &Oid, b: &Oid) -> Result<Vec<String>> {
        Ok(self
            .paths_between(object_id(a)?, object_id(b)?)?
            .into_iter()
            .map(|p| p.to_string())
            .collect())
    }

    /// The files that differ between two snapshots with their changed lines,
    /// as `git diff --numstat --no-renames` counts them.
    pub(crate) fn changed_lines(&self, a: &Oid, b: &Oid) -> Result<Vec<ChangedFile>> {
        crate::diff::changed_lines(&self.repo, object_id(a)?, object_id(b)?)
    }

    /// True when `tree` holds `path` (a file or a directory; `/`-separated).
    pub(crate) fn tree_has(&self, tree: ObjectId, path: &str) -> Result<bool> {
        let tree = self.repo.find_tree(tree).context("cannot read a snapshot")?;
        Ok(tree.lookup_entry(path.split('/'))?.is_some())
    }

    /// Writes the difference between two trees as `git diff --no-renames` would.
    pub(crate) fn write_diff(
        &self,
        from: ObjectId,
        to: ObjectId,
        opts: &crate::diff::DiffOptions,
        out: &mut dyn std::io::Write,
    ) -> Result<()> {
        crate::diff::write_diff(&self.repo, from, to, opts, out).map(|_| ())
    }

    /// Writes the difference between two blobs (attachments) as the patch
    /// of one regular file `path`, as `git diff` would.
    pub(crate) fn write_blob_diff(
        &self,
        path: &str,
        old: Option<&Oid>,
        new: Option<&Oid>,
        opts: &crate::diff::DiffOptions,
        out: &mut dyn std::io::Write,
    ) -> Result<()> {
        let old = old.map(object_id).transpose()?;
        let new = new.map(object_id).transpose()?;
        crate::diff::write_blob_diff(&self.repo, path, old, new, opts, out)
    }

    /// The tree `onto` with the change from tree `before` to tree `after`
    /// applied, by a three-way merge (ancestor `before`, ours `onto`,
    /// theirs `after`), and the paths where both sides changed the same
    /// lines. With [`OnConflict::Theirs`] those take `after`'s side and the
    /// result is clean; with [`OnConflict::Markers`] they hold conflict
    /// markers, as `git merge` writes them.
    pub(crate) fn apply_change(
        &self,
        onto: ObjectId,
        before: ObjectId,
        after: ObjectId,
        on_conflict: OnConflict,
    ) -> Result<(ObjectId, Vec<String>)> {
        if before == after {
            return Ok((onto, Vec::new()));
        }
        let mut options = self
            .repo
            .tree_merge_options()
            .context("cannot read the merge options")?;
        if on_conflict == OnConflict::Theirs {
            options = options.with_file_favor(Some(gix::merge::tree::FileFavor::Theirs));
        }
        let mut outcome = self
            .repo
            .merge_trees(before, onto, after, Default::default(), options)
            .context("cannot merge the change in")?;
        let conflicts = conflict_paths(&outcome);
        let tree = outcome.tree.write().context("cannot write the merged tree")?.detach();
        Ok((tree, conflicts))
    }
}

/// The paths a tree merge left conflicted as git counts them, sorted; empty
/// when it resolved everything.
pub(crate) fn conflict_paths(outcome: &gix::merge::tree::Outcome<'_>) -> Vec<String> {
    if !outcome.has_unresolved_conflicts(gix::merge::tree::TreatAsUnresolved::git()) {
        return Vec::new();
    }
    let mut paths: Vec<String> = outcome
        .conflicts
        .iter()
        .map(|c| c.ours.location().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// What [`Store::apply_change`] does where both sides changed the same lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnConflict {
    /// Take the side of the change being applied.
    Theirs,
    /// Write conflict markers.
    Markers,
}
