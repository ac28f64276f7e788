//! Linked work trees for sessions started with `--worktree`: what
//! `git worktree add -b <branch> <path> <commit>` and `git worktree remove`
//! do, without the `git` binary.
//!
//! gix 0.90 registers, checks out and removes linked work trees itself
//! (`Repository::add_worktree`, `Repository::prepare_remove_worktree`). This
//! module adds what `git worktree add -b` does around that: the new branch
//! and its reflog, the refusals git makes, undoing everything when a step
//! fails, and an index whose stat data git trusts without rewriting it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use gix::refs::FullName;
use gix::ObjectId;

use super::refs::{branch_ref, Expect, NewValue, RefChange};
use super::Store;
use crate::error::{fail, fail_with_hint, usage};

/// Creates a linked work tree at `path` on a new branch `refs/heads/<branch>`
/// at `commit`, with its files and index checked out, as
/// `git worktree add -b <branch> <path> <commit>` does, and returns the
/// work tree's absolute path with symbolic links resolved.
///
/// `path` is relative to the current directory. It must not exist or be an
/// empty directory, must not be registered as a work tree already and must
/// not lie inside the repository's git directory; missing parent directories
/// are created. The administrative directory is
/// `$GIT_COMMON_DIR/worktrees/<id>`, `<id>` being the path's basename made
/// safe and unique as git makes it. The branch must not exist; its reflog
/// says `branch: Created from HEAD` when `commit` is HEAD's commit, as git's
/// does.
///
/// The new index holds stat data that git trusts: `git status` in the new
/// work tree neither reads the files' contents nor rewrites the index. For
/// that the index is written in a later second than the files, which can
/// cost up to a second.
///
/// A failure at any step leaves nothing behind: the branch, the work tree,
/// the directories created for it and the administrative directory are
/// removed again.
pub(crate) fn add(store: &Store, path: &Path, branch: &str, commit: ObjectId) -> Result<PathBuf> {
    let repo = &store.repo;
    let branch_ref = branch_ref_name(branch)?;
    if repo
        .try_find_reference(branch_ref.as_ref())
        .with_context(|| format!("cannot read {}", branch_ref.as_bstr()))?
        .is_some()
    {
        return Err(fail_with_hint(
            format!("a branch named '{branch}' already exists"),
            "choose another name with `--branch`",
        ));
    }
    repo.find_commit(commit)
        .with_context(|| format!("{commit} is not a commit of this repository"))?;

    let destination = resolve(path)?;
    refuse_inside_git_dir(repo, path, &destination)?;
    // As git: whatever is there (even a dangling symbolic link) unless it is an empty directory.
    let unresolved = std::path::absolute(path).with_context(|| format!("cannot resolve '{}'", path.display()))?;
    let existed = std::fs::symlink_metadata(&unresolved).is_ok();
    if existed && !is_empty_dir(&unresolved) {
        return Err(fail_with_hint(
            format!("'{}' already exists", path.display()),
            "give `--worktree` a path that does not exist yet, or an empty directory",
        ));
    }

    let mut undo = Undo {
        store,
        branch: None,
        missing_dirs: missing_ancestors(&destination),
        worktrees_dir: Some(repo.current_dir().join(repo.common_dir()).join("worktrees")).filter(|dir| !dir.exists()),
    };
    let result = (|| {
        let from = if repo.head_id().ok().map(|id| id.detach()) == Some(commit) {
            "HEAD".to_owned()
        } else {
            commit.to_string()
        };
        store.create_branch(branch, commit, &format!("branch: Created from {from}"))?;
        undo.branch = Some((branch.to_owned(), commit));
        // On failure gix removes the work tree (or empties it if it existed) and its administrative directory.
        let (linked, outcome) = repo
            .add_worktree(
                &destination,
                gix::worktree::add::Head::Attached(branch_ref.clone()),
                gix::progress::Discard,
                &gix::interrupt::IS_INTERRUPTED,
            )
            .map_err(|err| add_error(err, path))?;
        let workdir = linked
            .workdir()
            .context("the new work tree has no work directory")?
            .to_owned();
        // Registered from here on: a failure must take it away again.
        let settled = (|| {
            if let Some(err) = outcome.errors.first() {
                anyhow::bail!("cannot write {}: {}", err.path, err.error);
            }
            if let Some(collision) = outcome.collisions.first() {
                anyhow::bail!(
                    "cannot write {}: another file of the tree has the same name on this file system",
                    collision.path
                );
            }
            settle_index(&linked)
        })();
        if let Err(err) = settled {
            let _ = if existed {
                empty_dir(&workdir)
            } else {
                std::fs::remove_dir_all(&workdir)
            };
            let _ = std::fs::remove_dir_all(linked.git_dir());
            return Err(err);
        }
        Ok(workdir)
    })();
    if result.is_err() {
        undo.run();
    }
    result
}

/// True when the work tree at `worktree_path` has no change against its
/// HEAD: no staged change, no modified or deleted file and no untracked file
/// that is not ignored, which is when `git status --porcelain` prints
/// nothing. Submodules are looked into; untracked files count even where
/// `status.showUntrackedFiles=no` hides them from git.
pub(crate) fn is_clean(worktree_path: &Path) -> Result<bool> {
    let repo = gix::open(worktree_path)
        .with_context(|| format!("cannot open the work tree at '{}'", worktree_path.display()))?;
    let dirwalk = repo
        .dirwalk_options()
        .context("cannot read the directory walk options")?;
    let mut changes = repo
        .status(gix::progress::Discard)
        .context("cannot prepare the status of the work tree")?
        .index_worktree_options_mut(|opts| opts.dirwalk_options = Some(dirwalk))
        .untracked_files(gix::status::UntrackedFiles::Files)
        .index_worktree_submodules(gix::status::Submodule::AsConfigured { check_dirty: true })
        .into_iter(None)
        .context("cannot read the status of the work tree")?;
    match changes.next() {
        None => Ok(true),
        Some(Ok(_)) => Ok(false),
        Some(Err(err)) => Err(err).context("cannot read the status of the work tree"),
    }
}

/// Removes the clean linked work tree at `path` (relative to the current
/// directory), as `git worktree remove` does: all its files, ignored ones
/// included, then its administrative directory `$GIT_COMMON_DIR/worktrees/<id>`
/// and the `worktrees` directory if that is left empty. Its branch is kept.
///
/// Refuses, with an error saying why and changing nothing, when `path` is the
/// main work tree, is not a linked work tree of `repo`, is locked, contains a
/// submodule, or is not clean (see [`is_clean`]). A registered work tree
/// whose directory is gone loses its administrative directory.
pub(crate) fn remove(store: &Store, path: &Path) -> Result<()> {
    let repo = &store.repo;
    // Absolute, so that gix matches it whole and not as a suffix of a registered path.
    let target = std::path::absolute(path).with_context(|| format!("cannot resolve '{}'", path.display()))?;
    let target = repo
        .prepare_remove_worktree(&target)
        .map_err(|err| remove_error(err, path))?;
    target
        .remove(gix::worktree::remove::Force::Never, gix::progress::Discard)
        .map_err(|err| remove_error(err, path))
}

/// `refs/heads/<branch>`, refused as `git branch` refuses it: invalid ref
/// names, `HEAD` and names starting with `-`.
fn branch_ref_name(branch: &str) -> Result<FullName> {
    let invalid = |why: String| usage(format!("'{branch}' is not a valid branch name{why}"));
    if branch.starts_with('-') || branch == "HEAD" {
        return Err(invalid(String::new()));
    }
    FullName::try_from(branch_ref(branch)).map_err(|err| invalid(format!(": {err}")))
}

/// What `add` created before a failure, to be taken away again.
struct Undo<'store> {
    store: &'store Store,
    /// The branch created, with the commit it was created at.
    branch: Option<(String, ObjectId)>,
    /// The missing ancestors of the destination, outermost first.
    missing_dirs: Vec<PathBuf>,
    /// `$GIT_COMMON_DIR/worktrees` when it did not exist.
    worktrees_dir: Option<PathBuf>,
}

impl Undo<'_> {
    /// Best effort: an undo that fails leaves the rest of the undo to run.
    fn run(&self) {
        if let Some((branch, commit)) = &self.branch {
            let name = branch_ref(branch);
            let _ = self.store.edit_ref(RefChange {
                name: &name,
                expect: Expect::Exactly(*commit),
                new: NewValue::Deleted,
                reflog: None,
                through: false,
            });
        }
        for dir in self.missing_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        if let Some(dir) = &self.worktrees_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Rewrites the index of the new work tree, if needed, in a later second
/// than the files' modification times.
///
/// git distrusts the stat data of an entry modified in the same second as
/// the index was written ("racily clean"): it reads the file again and, in
/// `git status`, rewrites the index to smudge it. After a checkout that is
/// every file, so the index is written again once the clock has moved on.
fn settle_index(linked: &gix::Repository) -> Result<()> {
    const MAX_SETTLE_WAIT: Duration = Duration::from_millis(1500);
    let index_path = linked.index_path();
    let mut index = linked.open_index().context("cannot read the new work tree's index")?;
    let Some(newest) = index.entries().iter().map(|e| e.stat.mtime.secs).max() else {
        return Ok(());
    };
    let newest = u64::from(newest);
    for _ in 0..3 {
        let written = std::fs::metadata(&index_path)
            .and_then(|m| m.modified())
            .context("cannot read the new work tree's index")?;
        if unix_secs(written) > newest {
            return Ok(());
        }
        // The file system's clock can lag the system's by a tick.
        let wake = UNIX_EPOCH + Duration::from_secs(newest + 1) + Duration::from_millis(20);
        if let Ok(wait) = wake.duration_since(SystemTime::now()) {
            if wait > MAX_SETTLE_WAIT {
                // Files from the future (a file server's clock ahead of ours): waiting
                // would not help soon enough, and git copes with a racy index.
                return Ok(());
            }
            std::thread::sleep(wait);
        }
        index
            .write(gix::index::write::Options::default())
            .context("cannot write the new work tree's index")?;
    }
    Ok(())
}

fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `path` made absolute against the current directory, with the symbolic
/// links of the part of it that exists resolved.
fn resolve(path: &Path) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(usage("the work tree path is empty"));
    }
    gix::path::realpath(path).with_context(|| format!("cannot resolve '{}'", path.display()))
}

/// Refuses a destination inside the repository's git directory.
fn refuse_inside_git_dir(repo: &gix::Repository, path: &Path, destination: &Path) -> Result<()> {
    for dir in [repo.common_dir(), repo.git_dir()] {
        let dir = resolve(&repo.current_dir().join(dir))?;
        if destination.starts_with(&dir) {
            return Err(fail_with_hint(
                format!(
                    "'{}' is inside the repository's git directory {}",
                    path.display(),
                    dir.display()
                ),
                "put the work tree outside of it, for example next to the repository",
            ));
        }
    }
    Ok(())
}

/// True for an empty directory, or a symbolic link to one.
fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Removes everything inside `dir`, keeping `dir`.
fn empty_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The ancestors of `path` that do not exist, outermost first.
fn missing_ancestors(path: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = path
        .ancestors()
        .skip(1)
        .take_while(|dir| std::fs::symlink_metadata(dir).is_err())
        .map(Path::to_owned)
        .collect();
    missing.reverse();
    missing
}

/// The user's words for gix's refusals to add a work tree.
fn add_error(err: gix::Error, path: &Path) -> anyhow::Error {
    use gix::worktree::add::Error;
    match err.downcast_any_ref::<Error>() {
        Some(Error::DestinationRegistered { .. }) => fail_with_hint(
            format!("'{}' is a missing but already registered work tree", path.display()),
            "clear it with `git worktree prune`, or choose another path",
        ),
        _ => anyhow::Error::new(err).context(format!("cannot add the work tree '{}'", path.display())),
    }
}

/// The user's words for gix's refusals to remove a work tree.
fn remove_error(err: gix::Error, path: &Path) -> anyhow::Error {
    use gix::worktree::remove::Error;
    let shown = path.display();
    match err.downcast_any_ref::<Error>() {
        Some(Error::NotFound { .. } | Error::Ambiguous { .. } | Error::EmptyTarget) => fail_with_hint(
            format!("'{shown}' is not a linked work tree of this repository"),
            "`git worktree list` shows the linked work trees",
        ),
        Some(Error::MainWorktree { .. }) => fail(format!(
            "'{shown}' is the main work tree; only linked work trees can be removed"
        )),
        Some(Error::Locked { reason, .. }) => fail_with_hint(
            match reason.as_ref().filter(|r| !r.is_empty()) {
                Some(reason) => format!("cannot remove the locked work tree '{shown}' (locked: {reason})"),
                None => format!("cannot remove the locked work tree '{shown}'"),
            },
            format!("unlock it with `git worktree unlock {shown}` first"),
        ),
        Some(Error::Dirty { .. }) => fail_with_hint(
            format!("'{shown}' has modified or untracked files; it was left as it is"),
            "commit or stash the changes there, or remove it with `git worktree remove --force`",
        ),
        Some(Error::ContainsSubmodule { .. }) => fail_with_hint(
            format!("'{shown}' contains submodules; it was left as it is"),
            "remove it with `git worktree remove --force`",
        ),
        Some(Error::BacklinkMismatch { path: dot_git, .. }) => fail_with_hint(
            format!(
                "'{}' does not point back to this repository; '{shown}' was left as it is",
                dot_git.display()
            ),
            "`git worktree repair` fixes the link",
        ),
        _ => anyhow::Error::new(err).context(format!("cannot remove the work tree '{shown}'")),
    }
}

#[cfg(test)]
mod tests;
