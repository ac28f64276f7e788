//! Tasks and trials: sessions linked to one task (`start --task`) are
//! trials of it. `compare` puts two of them side by side (the difference
//! between their latest snapshots and their summaries); `promote` brings one
//! trial's result onto the current branch and closes the others.
//!
//! Promote in the order that loses nothing (docs/design.md, "Tasks and
//! trials"): everything is planned first — the commits written to the
//! object database, the tree the work tree will have, every path checked —
//! and refused, changing nothing, on unsaved work or a conflict; then the
//! branch moves through HEAD by compare-and-swap, one reflog entry per new
//! commit (so the current session records them as `commit` events), the
//! work tree and the index follow, and last the trials are closed.

use anyhow::Result;
use bstr::BString;

use super::rewind::DiffFile;
use super::Engine;
use crate::diff::DiffFormat;
use crate::error::{fail, fail_with_hint};
use crate::rewind::commits::{self, Picked};
use crate::rewind::{self, Scope};
use crate::session::event::Close;
use crate::session::{Body, Oid, SessionId};
use crate::store::{object_id, oid, Listed, ObjectId, OnConflict, SessionHead, Target};
use crate::summary::Summary;

/// Which two trials to compare, and how to print their difference.
#[derive(Clone, Debug)]
pub struct CompareInput {
    /// The first trial (id, name or unique prefix): the diff's old side.
    pub a: String,
    /// The second trial: the diff's new side.
    pub b: String,
    /// How the difference is printed (`--stat` by default).
    pub format: DiffFormat,
    /// ANSI colours in the printed difference.
    pub color: bool,
}

/// One trial of a comparison: what its summary says, in numbers.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrialSide {
    pub id: SessionId,
    pub name: String,
    pub status: String,
    pub branch: Option<String>,
    pub tasks: Vec<String>,
    /// The text of its intent (the latest), when it has one.
    pub intent: Option<String>,
    /// Objectives marked done, and all objectives set.
    pub objectives_done: u64,
    pub objectives: u64,
    /// Its commits (after rewrites), oldest first.
    pub commits: Vec<crate::summary::Commit>,
    pub checkpoints: u64,
    /// Seconds of work (gaps between events, each counted up to 30 minutes).
    pub active_secs: u64,
    /// Files changed from its baseline to its latest snapshot.
    pub files_changed: u64,
    /// The tree compared.
    pub latest_snapshot: Oid,
    /// How many of its commits stayed inside their intent's scope (each
    /// commit in `commits` carries its own verdict).
    pub verdicts: crate::summary::VerdictCounts,
}

/// The difference between the two trials' latest snapshots.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrialDiff {
    /// A's latest snapshot (the old side) and B's (the new side).
    pub from: Oid,
    pub to: Oid,
    /// Each file that differs, as `git diff --numstat --no-renames` counts it.
    pub files: Vec<DiffFile>,
    /// Lines added and removed in all.
    pub added: u64,
    pub removed: u64,
    /// The difference as `git diff` prints it in the format asked for (not in JSON).
    #[serde(skip)]
    pub text: Vec<u8>,
}

/// `compare --json`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Compared {
    pub format: u32,
    pub a: TrialSide,
    pub b: TrialSide,
    pub diff: TrialDiff,
}

/// The side of `head` in a comparison, from its summary.
fn side(summary: &Summary, head: &SessionHead, latest: ObjectId) -> TrialSide {
    TrialSide {
        id: head.id.clone(),
        name: head.header.name.clone(),
        status: head.header.status.as_str().to_owned(),
        branch: head.header.branch.clone(),
        tasks: head.header.tasks.clone(),
        intent: head.header.intent.as_ref().map(|i| i.text.clone()),
        objectives_done: summary.objectives.iter().filter(|o| o.done).count() as u64,
        objectives: summary.objectives.len() as u64,
        commits: summary.commits.clone(),
        checkpoints: summary.checkpoints.len() as u64,
        active_secs: summary.active_secs,
        files_changed: summary.files.as_ref().map_or(0, |f| f.len() as u64),
        latest_snapshot: oid(latest),
        verdicts: summary.verdicts.clone(),
    }
}

/// The latest snapshot of a trial, or a clear refusal.
fn latest_snapshot(head: &SessionHead) -> Result<ObjectId> {
    match &head.header.latest_snapshot {
        Some(tree) => object_id(tree),
        None => Err(fail_with_hint(
            format!("session '{}' has no snapshot yet", head.header.name),
            format!(
                "take one in its work tree with `git session -s {} checkpoint LABEL`",
                head.header.name
            ),
        )),
    }
}

/// Two trials side by side: the difference between their latest snapshots
/// (A old, B new) and what their summaries say.
pub fn compare(engine: &Engine, input: &CompareInput) -> Result<Compared> {
    let a = engine.store.resolve(&input.a)?;
    let b = engine.store.resolve(&input.b)?;
    let (from, to) = (latest_snapshot(&a)?, latest_snapshot(&b)?);
    let summary_a = crate::summary::summarize(&engine.store, &a)?;
    let summary_b = crate::summary::summarize(&engine.store, &b)?;
    let files: Vec<DiffFile> = super::rewind::changed_files(engine, &oid(from), &oid(to))?;
    let opts = crate::diff::DiffOptions {
        format: input.format,
        color: input.color,
        context: 3,
        stat_width: 80,
    };
    let mut text = Vec::new();
    engine.store.write_diff(from, to, &opts, &mut text)?;
    Ok(Compared {
        format: 1,
        a: side(&summary_a, &a, from),
        b: side(&summary_b, &b, to),
        diff: TrialDiff {
            from: oid(from),
            to: oid(to),
            added: files.iter().map(|f| f.added).sum(),
            removed: files.iter().map(|f| f.removed).sum(),
            files,
            text,
        },
    })
}

/// Which trial to promote.
#[derive(Clone, Debug)]
pub struct PromoteInput {
    /// The trial (id, name or unique prefix).
    pub session: String,
    /// Plan and report, change nothing.
    pub dry_run: bool,
}

/// A commit that a promote put on the branch (or found there already).
#[derive(Clone, Debug, serde::Serialize)]
pub struct PromotedCommit {
    pub commit: String,
    /// The trial's commit it copies (cherry-picks), when it is a copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub subject: String,
}

/// A session a promote closed (or, dry, would close).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ClosedTrial {
    pub id: SessionId,
    pub name: String,
    /// `closed` (the trial promoted) or `abandoned` (the other trials).
    pub status: String,
    pub reason: String,
}

/// What `promote` did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Promoted {
    pub session: SessionId,
    pub name: String,
    /// `fast-forward` (the branch moved to the trial's last commit),
    /// `cherry-pick` (its commits copied onto the branch), `snapshot` (one
    /// commit of its latest snapshot) or `up-to-date` (the branch had it all).
    pub how: String,
    /// The branch moved (`null` on a detached HEAD).
    pub branch: Option<String>,
    /// HEAD before and after.
    pub before: String,
    pub after: String,
    /// The commits the branch gained, oldest first.
    pub commits: Vec<PromotedCommit>,
    /// The trial's commits left out: already on the branch, or their change was.
    pub skipped: Vec<PromotedCommit>,
    /// The trial promoted (closed) and the other trials of its tasks (abandoned).
    pub closed: Vec<ClosedTrial>,
    /// Paths where the trial's latest snapshot differs from its last commit:
    /// work it never committed, which a promote of its commits leaves behind.
    pub uncommitted: Vec<String>,
    /// Files written and removed in the work tree.
    pub written: u64,
    pub removed: u64,
    pub dry_run: bool,
}

/// How the branch gets the trial's result.
enum Way {
    FastForward(ObjectId),
    CherryPick(Vec<Picked>),
    Snapshot(ObjectId),
    UpToDate,
}

/// Brings trial `input.session`'s result onto the current branch — its
/// commits (fast-forward when the branch is behind them, else
/// cherry-picked), or one commit of its latest snapshot when it has none —
/// then closes it (`closed`, "promoted onto <branch>") and abandons the
/// other open sessions sharing a task with it ("trial <name> promoted").
/// This work tree's current session is never closed: the commits land in it.
/// Refused, changing nothing, when the work tree holds changes no snapshot
/// has, when the trial is closed or is the current session, and on conflicts.
pub fn promote(engine: &Engine, input: &PromoteInput) -> Result<Promoted> {
    engine.store.workdir()?;
    let trial = engine.store.resolve(&input.session)?;
    let name = trial.header.name.clone();
    if !trial.header.status.is_open() {
        return Err(fail(format!(
            "session '{name}' is {} already; only an open trial can be promoted",
            trial.header.status.as_str()
        )));
    }
    let current = engine.store.current()?;
    if current.as_ref().is_some_and(|c| c.session == trial.id) {
        return Err(fail_with_hint(
            format!("session '{name}' is this work tree's current session; its work is on this branch already"),
            "run promote from the work tree the result should land in (another worktree, or the main one)",
        ));
    }
    let latest = latest_snapshot(&trial)?;
    let state = engine.store.head_state()?;
    let Some(before) = state.commit else {
        return Err(fail(
            "HEAD has no commit yet; promote needs a branch to bring the trial onto",
        ));
    };
    let head_tree = engine.store.tree_of(before)?;

    // 1. Nothing unsaved may be in the way.
    let capture = engine.store.capture()?;
    if !super::resume::is_saved(engine, &trial, capture.tree, latest)? {
        return Err(fail_with_hint(
            "this work tree has changes that no snapshot holds; promoting would have to write over them. Nothing was changed",
            "checkpoint them in the current session (`git session checkpoint`), or commit or stash them, then promote again",
        ));
    }

    // 2. The branch's new tip.
    let summary = crate::summary::summarize(&engine.store, &trial)?;
    let (person, time) = engine.store.identity()?;
    let own: Vec<ObjectId> = summary
        .commits
        .iter()
        .filter_map(|c| ObjectId::from_hex(c.commit.as_bytes()).ok())
        .filter(|c| engine.store.has_commit(*c))
        .collect();
    let listed = |id: ObjectId, from: Option<ObjectId>| PromotedCommit {
        commit: id.to_string(),
        from: from.map(|f| f.to_string()),
        subject: engine.store.commit_summary(id),
    };
    let (reachable, pending): (Vec<ObjectId>, Vec<ObjectId>) =
        own.iter().partition(|c| engine.store.is_ancestor(**c, before));
    let mut skipped: Vec<PromotedCommit> = reachable.iter().map(|c| listed(*c, None)).collect();
    let way = if let Some(&last) = pending.last() {
        let line = commits::commits_between(&engine.store, last, before)?;
        if engine.store.is_ancestor(before, last)
            && line.iter().all(|c| own.contains(c))
            && pending.iter().all(|c| line.contains(c))
        {
            Way::FastForward(last)
        } else {
            let (picked, empty) = commits::plan_cherry_picks(&engine.store, before, &pending, &person, &time)?;
            skipped.extend(empty.into_iter().map(|c| listed(c, None)));
            if picked.is_empty() {
                Way::UpToDate
            } else {
                Way::CherryPick(picked)
            }
        }
    } else if own.is_empty() {
        snapshot_commit(engine, &trial, &summary, before, head_tree, latest, &person, &time)?
    } else {
        Way::UpToDate
    };
    // Work the trial left uncommitted stays behind when its commits are promoted.
    let uncommitted = match own.last() {
        Some(&last) => engine
            .store
            .paths_between(engine.store.tree_of(last)?, latest)?
            .into_iter()
            .map(|p| p.to_string())
            .collect(),
        None => Vec::new(),
    };
    if !uncommitted.is_empty() {
        engine.warn(&format!(
            "trial '{name}' has changes it never committed ({}); only its commits are promoted",
            uncommitted.join(", ")
        ));
    }
    let after = match &way {
        Way::FastForward(tip) | Way::Snapshot(tip) => *tip,
        Way::CherryPick(picked) => picked.last().map_or(before, |p| p.to),
        Way::UpToDate => before,
    };
    let new_tree = engine.store.tree_of(after)?;

    // 3. The work tree's changes from HEAD (all in a snapshot) carried over.
    let target_tree = if capture.tree == head_tree {
        new_tree
    } else {
        let (tree, conflicts) = engine
            .store
            .apply_change(capture.tree, head_tree, new_tree, OnConflict::Markers)?;
        if !conflicts.is_empty() {
            return Err(fail_with_hint(
                format!(
                    "the work tree's changes from HEAD touch the same lines as the trial in {}; nothing was changed",
                    conflicts.join(", ")
                ),
                "commit or stash them (they are in a snapshot), then promote again",
            ));
        }
        tree
    };
    let plan = rewind::plan(&engine.store, capture.tree, target_tree, &Scope::All)?;
    for skip in &plan.skipped {
        engine.warn(&format!(
            "left {} alone: {}",
            rewind::display(skip.path.as_ref()),
            skip.why
        ));
    }

    let branch = state.branch.clone();
    let onto = branch.clone().unwrap_or_else(|| "detached HEAD".to_owned());
    let closing = trials_to_close(engine, &trial, current.as_ref().map(|c| &c.session), &onto)?;
    let (how, new_commits) = match &way {
        Way::FastForward(tip) => (
            "fast-forward",
            commits::commits_between(&engine.store, *tip, before)?
                .into_iter()
                .rev()
                .map(|c| listed(c, None))
                .collect(),
        ),
        Way::CherryPick(picked) => (
            "cherry-pick",
            picked.iter().map(|p| listed(p.to, Some(p.from))).collect(),
        ),
        Way::Snapshot(tip) => ("snapshot", vec![listed(*tip, None)]),
        Way::UpToDate => ("up-to-date", Vec::new()),
    };
    let mut promoted = Promoted {
        session: trial.id.clone(),
        name: name.clone(),
        how: how.to_owned(),
        branch,
        before: before.to_string(),
        after: after.to_string(),
        commits: new_commits,
        skipped,
        closed: closing.iter().map(|(_, c)| c.clone()).collect(),
        uncommitted,
        written: plan.write.len() as u64,
        removed: plan.remove.len() as u64,
        dry_run: input.dry_run,
    };
    if input.dry_run {
        return Ok(promoted);
    }

    // 4. The branch, then the work tree and the index.
    engine.store.check_index_unlocked()?;
    let refname = state.refname();
    match &way {
        Way::FastForward(tip) => engine.store.move_head(
            &refname,
            before,
            *tip,
            &format!("merge {name}: Fast-forward (git-session promote)"),
        )?,
        Way::CherryPick(picked) => {
            let mut from = before;
            for p in picked {
                let why = format!("cherry-pick (git-session promote {name}): {}", p.subject);
                engine.store.move_head(&refname, from, p.to, &why)?;
                from = p.to;
            }
        }
        Way::Snapshot(tip) => {
            let why = format!(
                "commit (git-session promote {name}): {}",
                engine.store.commit_summary(*tip)
            );
            engine.store.move_head(&refname, before, *tip, &why)?;
        }
        Way::UpToDate => {}
    }
    let mut index_paths: Vec<BString> = plan.changed_paths();
    index_paths.extend(rewind::changed_paths(&engine.store, head_tree, new_tree)?);
    index_paths.sort();
    index_paths.dedup();
    let applied = rewind::apply(&engine.store, &plan)?;
    rewind::index::follow(&engine.store, &index_paths, Some(new_tree), plan.after)?;
    promoted.written = applied.written as u64;
    promoted.removed = applied.removed as u64;

    // 5. The current session records the commits; the trials are closed.
    if let Some(current) = current {
        if let Some(head) = engine.store.head(&current.session)? {
            let target = Target {
                head,
                current: Some(current),
            };
            if let Err(err) = engine.store.record(&target, Vec::new()) {
                engine.warn(&format!(
                    "the current session did not record the new commits yet: {err:#}"
                ));
            }
        }
    }
    for (head, closed) in closing {
        let mut event = engine.event(Body::Close(Close {
            status: closed.status.clone(),
            reason: Some(closed.reason.clone()),
            snapshot: None,
        }))?;
        // Recorded from this work tree: its HEAD and branch are not the trial's.
        event.head = None;
        event.branch = None;
        engine.store.record(&Target { head, current: None }, vec![event])?;
    }
    Ok(promoted)
}

/// The trial promoted (closed, "promoted onto <onto>") and every other open
/// session sharing a task with it (abandoned, "trial <name> promoted"), but
/// not `current`, the session the result lands in, and not a session this
/// clone did not start (fetched from a teammate or another agent's clone):
/// that one is named in a warning and left to its owner.
fn trials_to_close(
    engine: &Engine,
    trial: &SessionHead,
    current: Option<&SessionId>,
    onto: &str,
) -> Result<Vec<(SessionHead, ClosedTrial)>> {
    let mut out = vec![(
        trial.clone(),
        ClosedTrial {
            id: trial.id.clone(),
            name: trial.header.name.clone(),
            status: "closed".to_owned(),
            reason: format!("promoted onto {onto}"),
        },
    )];
    if trial.header.tasks.is_empty() {
        return Ok(out);
    }
    let journal = engine.store.journal();
    for listed in engine.store.list()? {
        let Listed::Ok(s) = listed else { continue };
        if s.id == trial.id
            || Some(&s.id) == current
            || !s.status.is_open()
            || !s.tasks.iter().any(|t| trial.header.tasks.contains(t))
        {
            continue;
        }
        let Some(head) = engine.store.head(&s.id)? else {
            continue;
        };
        let started_here = engine
            .store
            .events(&head)?
            .first()
            .is_some_and(|first| journal.by_this_clone(first.commit));
        if !started_here {
            engine.warn(&format!(
                "session '{}' shares a task with '{}' but was not started in this clone; it stays open (its owner can close it, or `git session close -s {} --abandon`)",
                s.name, trial.header.name, s.name
            ));
            continue;
        }
        out.push((
            head,
            ClosedTrial {
                id: s.id.clone(),
                name: s.name.clone(),
                status: "abandoned".to_owned(),
                reason: format!("trial {} promoted", trial.header.name),
            },
        ));
    }
    Ok(out)
}

/// One commit on HEAD of the trial's latest snapshot, merged with what the
/// branch gained since the trial's baseline (exactly the snapshot when HEAD's
/// tree is the baseline), its message built from the trial's summary.
#[allow(clippy::too_many_arguments)]
fn snapshot_commit(
    engine: &Engine,
    trial: &SessionHead,
    summary: &Summary,
    before: ObjectId,
    head_tree: ObjectId,
    latest: ObjectId,
    person: &crate::session::Person,
    time: &crate::session::Timestamp,
) -> Result<Way> {
    let baseline = match trial.header.baseline() {
        Some(b) => object_id(b)?,
        None => head_tree,
    };
    let tree = if head_tree == baseline {
        latest
    } else {
        let (tree, conflicts) = engine
            .store
            .apply_change(head_tree, baseline, latest, OnConflict::Markers)?;
        if !conflicts.is_empty() {
            return Err(fail_with_hint(
                format!(
                    "trial '{}' and the branch changed the same lines in {}; nothing was changed",
                    trial.header.name,
                    conflicts.join(", ")
                ),
                "bring them together by hand (`git session diff`, then commit), then close the trials",
            ));
        }
        tree
    };
    if tree == head_tree {
        return Ok(Way::UpToDate);
    }
    let message = promote_message(trial, summary);
    let commit = commits::write_commit(&engine.store, tree, before, &message, person, time)?;
    Ok(Way::Snapshot(commit))
}

/// The message of a trial's snapshot commit: its intent (or name) as the
/// subject; the objectives done, decisions and files as the body; a
/// `Session-Id` trailer.
fn promote_message(trial: &SessionHead, summary: &Summary) -> String {
    let h = &trial.header;
    let subject = h
        .intent
        .as_ref()
        .and_then(|i| i.text.lines().next())
        .filter(|l| !l.trim().is_empty())
        .unwrap_or(&h.name);
    let mut m = format!("{}\n\n", crate::session::text::cut(subject.trim(), 72));
    m.push_str(&format!("Promoted from session {}", h.name));
    if !h.tasks.is_empty() {
        m.push_str(&format!(" (task {})", h.tasks.join(", ")));
    }
    m.push_str(".\n");
    let done: Vec<String> = summary
        .objectives
        .iter()
        .filter(|o| o.done)
        .map(|o| format!("- {}", one_line(&o.text)))
        .collect();
    if !done.is_empty() {
        m.push_str(&format!("\nObjectives done:\n{}\n", done.join("\n")));
    }
    let decisions: Vec<String> = summary
        .decisions
        .iter()
        .map(|d| format!("- {}", one_line(&d.text)))
        .collect();
    if !decisions.is_empty() {
        m.push_str(&format!("\nDecisions:\n{}\n", decisions.join("\n")));
    }
    if let Some(files) = &summary.files {
        if !files.is_empty() {
            let files: Vec<String> = files
                .iter()
                .map(|f| format!("- {} {} (+{} -{})", f.status, f.path, f.added, f.removed))
                .collect();
            m.push_str(&format!("\nFiles:\n{}\n", files.join("\n")));
        }
    }
    m.push_str(&format!("\nSession-Id: {}\n", trial.id));
    m
}

/// `text` on one line (a commit message body keeps one item per line).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
