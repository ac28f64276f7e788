//! What a rewind does to the commits made during the session
//! (`--commits keep|revert|reset`).
//!
//! A commit is the session's own when the session recorded it (a `commit`
//! event). Commits that came from elsewhere — pulls, merges, a teammate's
//! work — are never reverted, and `reset` refuses to drop them unless forced.

use std::collections::HashSet;

use anyhow::{Context, Result};
use gix::ObjectId;

use crate::error::fail_with_hint;
use crate::session::{Person, Timestamp};
use crate::store::Store;

/// `--commits`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Leave history alone.
    #[default]
    Keep,
    /// New commits that revert the session's own commits, newest first.
    Revert,
    /// Move the branch back to where it was at the target.
    Reset,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Keep => "keep",
            Mode::Revert => "revert",
            Mode::Reset => "reset",
        }
    }
}

/// One commit, for reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Listed {
    pub commit: String,
    pub subject: String,
}

/// How the branch (or a detached HEAD) moves.
#[derive(Clone, Debug)]
pub(crate) struct Move {
    /// `refs/heads/<branch>`, or `HEAD` when detached.
    pub refname: String,
    pub before: ObjectId,
    pub after: ObjectId,
    /// The session's commits reverted (newest first) or dropped by the reset.
    pub undone: Vec<Listed>,
    /// The revert commits made (oldest first).
    pub created: Vec<ObjectId>,
    /// Commits in the range that were not the session's, left in place.
    pub left: Vec<Listed>,
}

/// Where HEAD is: its commit and the branch it is on.
pub(crate) struct Head {
    pub commit: ObjectId,
    pub refname: String,
}

/// The commits reachable from `head` but not from `base`, newest first.
fn range(repo: &gix::Repository, head: ObjectId, base: ObjectId) -> Result<Vec<ObjectId>> {
    let walk = repo
        .rev_walk([head])
        .with_hidden([base])
        .all()
        .context("cannot walk the history")?;
    let mut out = Vec::new();
    for info in walk {
        out.push(info.context("cannot walk the history")?.id);
    }
    Ok(out)
}

fn listed(store: &Store, id: ObjectId) -> Listed {
    Listed {
        commit: id.to_string(),
        subject: store.commit_summary(id),
    }
}

/// Plans reverting the session's own commits (`own`) made since `base`, on
/// top of `head`. Merge commits and commits from elsewhere are left alone.
/// The revert commits are written to the object database (unreferenced
/// until the branch moves); a conflict writes nothing else and fails.
pub(crate) fn plan_revert(
    store: &Store,
    head: &Head,
    base: ObjectId,
    own: &HashSet<ObjectId>,
    author: &Person,
    time: &Timestamp,
) -> Result<Option<Move>> {
    let repo = store.repo();
    let time = gix::date::Time {
        seconds: time.seconds(),
        offset: time.offset_seconds(),
    };
    let mut undone = Vec::new();
    let mut left = Vec::new();
    let mut tip = head.commit;
    let mut created = Vec::new();
    let options = repo.tree_merge_options().context("cannot read the merge options")?;
    for id in range(repo, head.commit, base)? {
        let commit = repo.find_commit(id).context("cannot read a commit")?;
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        if !own.contains(&id) || parents.len() != 1 {
            left.push(listed(store, id));
            continue;
        }
        let tree = commit.tree_id()?.detach();
        let parent_tree = repo.find_commit(parents[0])?.tree_id()?.detach();
        let tip_tree = repo.find_commit(tip)?.tree_id()?.detach();
        let mut outcome = repo
            .merge_trees(tree, tip_tree, parent_tree, Default::default(), options.clone())
            .context("cannot compute the revert")?;
        if outcome.has_unresolved_conflicts(gix::merge::tree::TreatAsUnresolved::git()) {
            let paths: Vec<String> = outcome
                .conflicts
                .iter()
                .map(|c| c.ours.location().to_string())
                .collect();
            return Err(fail_with_hint(
                format!(
                    "reverting {} '{}' conflicts with later changes in {}; nothing was changed",
                    id.to_hex_with_len(12),
                    store.commit_summary(id),
                    paths.join(", ")
                ),
                "rewind with `--commits keep` and revert by hand, or `--commits reset` if the commits can go",
            ));
        }
        let new_tree = outcome.tree.write().context("cannot write the reverted tree")?.detach();
        let message = format!(
            "Revert \"{}\"\n\nThis reverts commit {id}.\n",
            commit.message()?.summary()
        );
        let signature = gix::actor::Signature {
            name: author.name.as_str().into(),
            email: author.email.as_str().into(),
            time,
        };
        let revert = gix::objs::Commit {
            tree: new_tree,
            parents: vec![tip].into(),
            author: signature.clone(),
            committer: signature,
            encoding: None,
            message: message.into(),
            extra_headers: Vec::new(),
        };
        tip = repo.write_object(&revert).context("cannot write a commit")?.detach();
        created.push(tip);
        undone.push(listed(store, id));
    }
    if created.is_empty() {
        return Ok(None);
    }
    Ok(Some(Move {
        refname: head.refname.clone(),
        before: head.commit,
        after: tip,
        undone,
        created,
        left,
    }))
}

/// Plans moving the branch from `head` back to `base`. Refused when a commit
/// in between is not the session's (unless `force`) or `base` is not an
/// ancestor of `head` (the history was rewritten since).
pub(crate) fn plan_reset(
    store: &Store,
    head: &Head,
    base: ObjectId,
    own: &HashSet<ObjectId>,
    force: bool,
) -> Result<Option<Move>> {
    let repo = store.repo();
    if head.commit == base {
        return Ok(None);
    }
    if !store.is_ancestor(base, head.commit) && !force {
        return Err(fail_with_hint(
            format!(
                "{} is not an ancestor of HEAD any more (the history was rewritten); nothing was changed",
                base.to_hex_with_len(12)
            ),
            "add --force to move the branch there anyway",
        ));
    }
    let mut undone = Vec::new();
    let mut foreign = Vec::new();
    for id in range(repo, head.commit, base)? {
        if own.contains(&id) {
            undone.push(listed(store, id));
        } else {
            foreign.push(listed(store, id));
        }
    }
    if !foreign.is_empty() && !force {
        let list: Vec<String> = foreign
            .iter()
            .map(|c| format!("  {} {}", crate::session::text::prefix(&c.commit, 12), c.subject))
            .collect();
        return Err(fail_with_hint(
            format!(
                "moving the branch back would drop commits that are not this session's:\n{}\nnothing was changed",
                list.join("\n")
            ),
            "use `--commits revert` to revert only the session's commits, or add --force",
        ));
    }
    undone.extend(foreign);
    Ok(Some(Move {
        refname: head.refname.clone(),
        before: head.commit,
        after: base,
        undone,
        created: Vec::new(),
        left: Vec::new(),
    }))
}

/// The commits reachable from `tip` but not from `base`, newest first.
pub(crate) fn commits_between(store: &Store, tip: ObjectId, base: ObjectId) -> Result<Vec<ObjectId>> {
    range(store.repo(), tip, base)
}

/// `person` at `time` as a commit signature.
fn signature(person: &Person, time: &Timestamp) -> gix::actor::Signature {
    gix::actor::Signature {
        name: person.name.as_str().into(),
        email: person.email.as_str().into(),
        time: gix::date::Time {
            seconds: time.seconds(),
            offset: time.offset_seconds(),
        },
    }
}

/// A commit copied onto the branch by `promote`.
#[derive(Clone, Debug)]
pub(crate) struct Picked {
    /// The commit copied.
    pub from: ObjectId,
    /// The new commit.
    pub to: ObjectId,
    pub subject: String,
}

/// Cherry-picks `commits` (oldest first) onto `onto` as `git cherry-pick`
/// does: each one's change (from its parent to it) merged into the tip so
/// far with gix's tree merge (ancestor the parent, ours the tip, theirs the
/// commit), with its author and message kept and `committer` at `time` as
/// the committer. The new commits are written to the object database and
/// named by no ref. A commit whose change is already in the tip (the merge
/// gives the tip's tree back) is skipped and returned second. A conflict,
/// or a merge commit among `commits`, fails naming it and the paths,
/// before any ref or file changes.
pub(crate) fn plan_cherry_picks(
    store: &Store,
    onto: ObjectId,
    commits: &[ObjectId],
    committer: &Person,
    time: &Timestamp,
) -> Result<(Vec<Picked>, Vec<ObjectId>)> {
    let repo = store.repo();
    let options = repo.tree_merge_options().context("cannot read the merge options")?;
    let mut tip = onto;
    let mut picked = Vec::new();
    let mut empty = Vec::new();
    for &id in commits {
        let commit = repo.find_commit(id).context("cannot read a commit")?;
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        let subject = store.commit_summary(id);
        if parents.len() != 1 {
            return Err(fail_with_hint(
                format!(
                    "{} '{subject}' is {}; promote cannot cherry-pick it. Nothing was changed",
                    id.to_hex_with_len(12),
                    if parents.is_empty() {
                        "a root commit"
                    } else {
                        "a merge commit"
                    }
                ),
                "merge the trial's branch by hand (`git merge`), then close the trials",
            ));
        }
        let tree = commit.tree_id()?.detach();
        let parent_tree = store.tree_of(parents[0])?;
        let tip_tree = store.tree_of(tip)?;
        let mut outcome = repo
            .merge_trees(parent_tree, tip_tree, tree, Default::default(), options.clone())
            .context("cannot compute the cherry-pick")?;
        let paths = crate::store::conflict_paths(&outcome);
        if !paths.is_empty() {
            return Err(fail_with_hint(
                format!(
                    "cherry-picking {} '{subject}' conflicts with the branch in {}; nothing was changed",
                    id.to_hex_with_len(12),
                    paths.join(", ")
                ),
                "bring the branch and the trial together by hand (`git cherry-pick` or `git merge`), then close the trials",
            ));
        }
        let new_tree = outcome
            .tree
            .write()
            .context("cannot write the cherry-picked tree")?
            .detach();
        if new_tree == tip_tree {
            empty.push(id);
            continue;
        }
        let mut copy = commit
            .decode()
            .context("cannot read a commit")?
            .to_owned()
            .context("cannot read a commit")?;
        copy.tree = new_tree;
        copy.parents = vec![tip].into();
        copy.committer = signature(committer, time);
        // A signature (gpgsig) would not match the new commit.
        copy.extra_headers = Vec::new();
        tip = repo.write_object(&copy).context("cannot write a commit")?.detach();
        picked.push(Picked {
            from: id,
            to: tip,
            subject,
        });
    }
    Ok((picked, empty))
}

/// Writes a commit of `tree` on `parent` with `message`, by `person` at
/// `time` (author and committer), named by no ref.
pub(crate) fn write_commit(
    store: &Store,
    tree: ObjectId,
    parent: ObjectId,
    message: &str,
    person: &Person,
    time: &Timestamp,
) -> Result<ObjectId> {
    let commit = gix::objs::Commit {
        tree,
        parents: vec![parent].into(),
        author: signature(person, time),
        committer: signature(person, time),
        encoding: None,
        message: message.into(),
        extra_headers: Vec::new(),
    };
    Ok(store
        .repo()
        .write_object(&commit)
        .context("cannot write a commit")?
        .detach())
}
