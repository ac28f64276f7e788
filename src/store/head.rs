//! HEAD and the user's branches: where they are, and the few ways this
//! program moves them (a rewind's `--commits`, `resume` putting the work
//! tree back on the session's branch). Every move is a compare-and-swap with
//! a reflog entry that says `git-session …`.

use anyhow::{Context, Result};
use gix::ObjectId;

use super::refs::{branch_ref, Expect, NewValue, RefChange, HEAD};
use super::Store;
use crate::error::fail;

/// Where HEAD of the work tree is.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeadState {
    /// The commit HEAD points at; `None` in a repository without commits.
    pub commit: Option<ObjectId>,
    /// The short branch name; `None` when detached.
    pub branch: Option<String>,
}

impl HeadState {
    /// The ref a new commit would move: the branch, or HEAD when detached.
    pub(crate) fn refname(&self) -> String {
        match &self.branch {
            Some(b) => branch_ref(b),
            None => HEAD.to_owned(),
        }
    }
}

impl Store {
    /// HEAD of the work tree: its commit (if born) and branch (if not detached).
    pub(crate) fn head_state(&self) -> Result<HeadState> {
        let head = self.repo.head().context("cannot read HEAD")?;
        let branch = head.referent_name().map(|n| n.shorten().to_string());
        let commit = head.id().map(|id| id.detach());
        Ok(HeadState { commit, branch })
    }

    /// The tree of HEAD's commit, `None` in a repository without commits.
    pub(crate) fn head_tree(&self) -> Result<Option<ObjectId>> {
        match self.head_state()?.commit {
            Some(commit) => Ok(Some(self.tree_of(commit)?)),
            None => Ok(None),
        }
    }

    /// The tree of a commit.
    pub(crate) fn tree_of(&self, commit: ObjectId) -> Result<ObjectId> {
        let commit = self
            .repo
            .find_commit(commit)
            .with_context(|| format!("cannot read the commit {commit}"))?;
        Ok(commit.tree_id().context("cannot read a commit's tree")?.detach())
    }

    /// The commit `refs/heads/<branch>` points at, `None` when there is no such branch.
    pub(crate) fn branch_tip(&self, branch: &str) -> Result<Option<ObjectId>> {
        self.ref_target(&branch_ref(branch))
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    pub(crate) fn is_ancestor(&self, ancestor: ObjectId, descendant: ObjectId) -> bool {
        ancestor == descendant
            || self
                .repo
                .merge_base(ancestor, descendant)
                .ok()
                .flatten()
                .is_some_and(|b| b.detach() == ancestor)
    }

    /// The commits reachable from `commit` that no branch, tag or
    /// remote-tracking branch of the user's reaches (newest first, at most
    /// `limit`): commits only a session vouches for.
    pub(crate) fn commits_only_sessions_have(&self, commit: ObjectId, limit: usize) -> Result<Vec<ObjectId>> {
        let walk = self
            .repo
            .rev_walk([commit])
            .with_hidden(self.user_tips()?)
            .all()
            .context("cannot walk the history")?;
        let mut out = Vec::new();
        for info in walk.take(limit) {
            out.push(info.context("cannot walk the history")?.id);
        }
        Ok(out)
    }

    /// Creates `refs/heads/<branch>` at `commit`; it must not exist.
    pub(crate) fn create_branch(&self, branch: &str, commit: ObjectId, reflog: &str) -> Result<()> {
        let name = branch_ref(branch);
        self.edit_ref(RefChange::set(&name, Expect::Absent, commit).logged(reflog))?
            .with_context(|| format!("cannot create the branch {branch}"))
    }

    /// Moves the branch HEAD is on (or a detached HEAD) from `before` to
    /// `after` by compare-and-swap, through HEAD so both reflogs say why.
    /// `shown` names the ref in the error.
    pub(crate) fn move_head(&self, shown: &str, before: ObjectId, after: ObjectId, why: &str) -> Result<()> {
        let change = RefChange {
            through: true,
            ..RefChange::set(HEAD, Expect::Exactly(before), after).logged(why)
        };
        self.edit_ref(change)?.map_err(|err| {
            fail(format!(
                "cannot move {shown} from {} to {}: {err}",
                &before.to_hex_with_len(12),
                &after.to_hex_with_len(12)
            ))
        })
    }

    /// Moves `refs/heads/<branch>` from `before` to `after` (a branch HEAD is
    /// not on) by compare-and-swap.
    pub(crate) fn move_branch(&self, branch: &str, before: ObjectId, after: ObjectId, why: &str) -> Result<()> {
        let name = branch_ref(branch);
        self.edit_ref(RefChange::set(&name, Expect::Exactly(before), after).logged(why))?
            .with_context(|| format!("cannot move the branch {branch}"))
    }

    /// Points HEAD at `refs/heads/<branch>`; `reflog` is the entry git would
    /// write (`checkout: moving from A to B`).
    pub(crate) fn attach_head(&self, branch: &str, reflog: &str) -> Result<()> {
        let name = branch_ref(branch);
        let change = RefChange {
            name: HEAD,
            expect: Expect::Anything,
            new: NewValue::Symbolic(&name),
            reflog: Some(reflog),
            through: false,
        };
        self.edit_ref(change)?.context("cannot move HEAD")
    }

    /// A commit's summary as git shows it (its first paragraph on one line).
    pub(crate) fn commit_summary(&self, id: ObjectId) -> String {
        self.repo
            .find_commit(id)
            .ok()
            .and_then(|c| c.message().ok().map(|m| m.summary().to_string()))
            .unwrap_or_default()
    }

    /// The whole message of a commit, or an empty string.
    pub(crate) fn commit_message(&self, id: ObjectId) -> String {
        self.repo
            .find_commit(id)
            .ok()
            .and_then(|c| c.message_raw().ok().map(|m| m.to_string()))
            .unwrap_or_default()
    }
}
