//! `resume`: back into a session and into flow — its branch, its latest
//! snapshot when it was last worked on elsewhere, and its TL;DR.

use anyhow::Result;

use super::Engine;
use crate::error::{fail, fail_with_hint, usage};
use crate::rewind::{self, Execution, Scope};
use crate::session::event::{Resume, Rewound as RewoundBody};
use crate::session::{Body, SessionHeader};
use crate::store::{object_id, oid, Listed, SessionHead, Target};

/// Which session to resume.
#[derive(Default)]
pub struct ResumeInput<'a> {
    /// Its id, name or a unique prefix (default: `--session`, else the current one).
    pub session: Option<String>,
    /// The most recently updated open session.
    pub continue_last: bool,
    /// Move an existing branch forward to commits that only the session
    /// carries (no branch, tag or remote-tracking branch here has them)
    /// without asking.
    pub fast_forward: bool,
    /// Asked, when `fast_forward` is not set, whether to move `branch`
    /// forward to those commits (`(id, subject)`, newest first); without
    /// it, the branch stays and a hint says how to take them.
    pub confirm_fast_forward: Option<ConfirmFastForward<'a>>,
    /// Resume what this clone has, without asking the remotes the session
    /// came from whether they have newer events.
    pub local: bool,
    /// Write the session's plan to this file afterwards (relative to the
    /// engine's directory); a file there that holds something else refuses
    /// the resume before anything changes.
    pub plan_file: Option<std::path::PathBuf>,
}

/// Asks whether to move `branch` forward to `commits` (`(id, subject)`, newest first).
pub type ConfirmFastForward<'a> = &'a dyn Fn(&str, &[(String, String)]) -> bool;

/// How many of the commits a fast-forward would take are shown.
const SHOWN_COMMITS: usize = 20;

/// A session resumed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Resumed {
    pub session: SessionHeader,
    pub commit: String,
    /// The branch HEAD was switched to.
    pub switched_branch: Option<String>,
    /// How many files the restore of the latest snapshot changed.
    pub restored_files: Option<usize>,
    /// What happened on the way, in order, for people (`Paused session …`, hints).
    #[serde(skip)]
    pub notes: Vec<String>,
    /// The plan in force, bounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::session::plan::PlanExcerpt>,
    /// Where `plan_file` wrote the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<String>,
}

/// Resumes a session: pauses the one current here, records the commits made
/// since the last command, puts the work tree on the session's branch, and
/// restores its latest snapshot (undoably) when it was last worked on in
/// another work tree — refusing, before anything changes, to overwrite
/// work that no snapshot holds.
pub fn resume(engine: &Engine, input: &ResumeInput<'_>) -> Result<Resumed> {
    let workdir = engine.store.workdir()?.to_owned();
    let mut notes = Vec::new();
    let head = if input.continue_last {
        most_recent(engine)?
    } else if let Some(spec) = input.session.as_deref().or(engine.session.as_deref()) {
        resolve_here_or_fetched(engine, spec, &mut notes)?
    } else if engine.store.current()?.is_some() {
        engine.target()?.head
    } else {
        return Err(usage(
            "name the session to resume, or use --continue for the most recent one (see `git session list`)",
        ));
    };

    // Newer events can only have come from the remotes the session is
    // tracked from; a session that never travelled costs nothing here.
    let mut tracked_from = Vec::new();
    for remote in engine.store.remote_names() {
        if engine.store.tracking(&remote, &head.id)?.is_some() {
            tracked_from.push(remote);
        }
    }
    if !input.local {
        refuse_stale(engine, &head, &tracked_from, &mut notes)?;
    }
    let plan_file = match &input.plan_file {
        Some(path) => super::plan::plan_file(engine, &head, path)?,
        None => None,
    };

    // A session last worked on in another work tree (a handoff from another
    // clone, or another worktree) comes back with its latest snapshot.
    let here = workdir.display().to_string();
    let elsewhere = head.header.worktree.as_deref() != Some(here.as_str())
        || (!tracked_from.is_empty() && latest_from_elsewhere(engine, &head)?);
    let restore = head
        .header
        .latest_snapshot
        .as_ref()
        .filter(|_| elsewhere)
        .and_then(|t| object_id(t).ok());
    if let Some(latest) = restore {
        refuse_to_overwrite_unsaved_work(engine, &head, latest)?;
    }

    if let Some(paused) = engine.pause_current(Some(&head.id))? {
        notes.push(format!("Paused session '{paused}'."));
    }

    // Resuming the current session records the commits made since the last
    // command first, like any other command does.
    let current = engine.store.current()?.filter(|c| c.session == head.id);
    let mut restore = restore;
    if restore.is_some() && !catch_up_branch(engine, &head, input, &mut notes)? {
        // The snapshot was taken on commits this clone did not take: its
        // files stay out of the work tree too.
        restore = None;
        notes.push("hint: the session's latest snapshot was not restored either; it belongs on those commits".into());
    }
    let switched = switch_branch(engine, &head, &mut notes)?;
    let mut target = Target { head, current };
    let mut restored = None;
    if let Some(latest) = restore {
        let (mut event, capture) = engine.snapshot_event(Body::Restore(RewoundBody::default()))?;
        let plan = rewind::plan(&engine.store, capture.tree, latest, &Scope::All)?;
        if !plan.is_empty() {
            if let Body::Restore(r) = &mut event.body {
                r.text = "the session's latest snapshot (resume)".to_owned();
                r.to = Some(oid(latest));
            }
            let done = rewind::execute(
                &engine.store,
                &target,
                Execution {
                    event,
                    index_tree: capture.index_tree,
                    plan: &plan,
                    moves: None,
                    index_source: None,
                },
            )?;
            restored = Some(plan.write.len() + plan.remove.len());
            target.head = done.head;
        }
    }
    let event = engine.event(Body::Resume(Resume {
        worktree: Some(here.clone()),
    }))?;
    let (head, _) = engine.store.record(&target, vec![event])?;
    engine.make_current(&head.id)?;
    if let Some(branch) = &switched {
        notes.push(format!("Switched to branch '{branch}'."));
    }
    if let Some(n) = restored {
        notes.push(format!(
            "Restored the session's latest snapshot: {n} file(s) changed (`git session undo` takes it back)."
        ));
    }
    let plan_written = match &plan_file {
        Some(file) => match file.write() {
            Ok(path) => {
                notes.push(format!("Wrote the session's plan to {path}."));
                Some(path)
            }
            Err(err) => {
                notes.push(format!("warning: {err:#}"));
                None
            }
        },
        None => None,
    };
    Ok(Resumed {
        commit: head.commit.to_string(),
        plan: super::plan::excerpt(engine, &head),
        plan_file: plan_written,
        session: head.header,
        switched_branch: switched,
        restored_files: restored,
        notes,
    })
}

/// A session of this repository, or one only fetched so far (it is then
/// created here from its remote-tracking ref).
/// Refuses to resume a session that a remote it came from has newer events
/// of (a handoff resumed before its last push arrived): the hint says how
/// to fetch them. A remote that cannot be reached only earns a note, so
/// work goes on offline.
fn refuse_stale(engine: &Engine, head: &SessionHead, remotes: &[String], notes: &mut Vec<String>) -> Result<()> {
    for remote in remotes {
        let theirs = match crate::remote::fetch::remote_head(&engine.store, remote, &head.id) {
            Ok(Some(theirs)) => theirs,
            Ok(None) => continue,
            Err(err) => {
                notes.push(format!("warning: cannot ask {remote} for newer events: {err:#}"));
                continue;
            }
        };
        // Events this clone has (merged in, or pushed from here) are not news.
        if engine.store.is_ancestor(theirs, head.commit) {
            continue;
        }
        return Err(fail_with_hint(
            format!(
                "session '{}' has newer events on {remote} than this clone has",
                head.header.name
            ),
            format!(
                "`git session fetch {remote}` brings them in; then resume again (`resume --local` resumes what is here)"
            ),
        ));
    }
    Ok(())
}

/// Whether the session's latest snapshot was left by an event that came
/// from elsewhere, while this clone has written events of the session
/// (its journal knows them): newer work in progress that arrived by fetch
/// after a resume here.
fn latest_from_elsewhere(engine: &Engine, head: &SessionHead) -> Result<bool> {
    let journal = engine.store.journal();
    let events = engine.store.events(head)?;
    let Some(latest) = events.iter().rev().find(|e| e.event.tree_after().is_some()) else {
        return Ok(false);
    };
    let known_here = events.iter().any(|e| journal.by_this_worktree(e.commit));
    Ok(known_here && !journal.by_this_clone(latest.commit))
}

fn resolve_here_or_fetched(engine: &Engine, spec: &str, notes: &mut Vec<String>) -> Result<SessionHead> {
    let local = engine.store.resolve(spec);
    if local.is_ok() {
        return local;
    }
    match engine.store.find_tracked(spec)?.as_slice() {
        [] => local,
        [one] => {
            let (author, time) = engine.store.identity()?;
            engine
                .store
                .merge_in(&one.id, one.commit, &one.remote, &author, &time)?;
            notes.push(format!("Session '{}' comes from {}.", one.header.name, one.remote));
            engine
                .store
                .head(&one.id)?
                .ok_or_else(|| fail(format!("session {} disappeared", one.id)))
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|t| format!("  {} {} ({})", t.id, t.header.name, t.remote))
                .collect();
            Err(fail_with_hint(
                format!("'{spec}' is ambiguous; it matches:\n{}", names.join("\n")),
                "give more characters of the id or the name",
            ))
        }
    }
}

/// Refuses (before anything changes) to replace a work tree whose changes
/// are not saved anywhere: it must equal HEAD, a snapshot the session
/// recorded, or the latest snapshot of this work tree's current session.
fn refuse_to_overwrite_unsaved_work(
    engine: &Engine,
    session: &SessionHead,
    latest: crate::store::ObjectId,
) -> Result<()> {
    let capture = engine.store.capture()?;
    if is_saved(engine, session, capture.tree, latest)? {
        return Ok(());
    }
    Err(fail_with_hint(
        "this work tree has changes that no checkpoint holds; resuming would replace them with the session's latest snapshot. Nothing was changed",
        "checkpoint them in the current session (`git session checkpoint`), or commit or stash them, then resume again",
    ))
}

/// Whether the work tree's snapshot `tree` is saved somewhere, so that
/// replacing it loses nothing: it is HEAD's tree, the empty tree (an unborn
/// branch), `latest`, the latest snapshot of this work tree's current
/// session, or a snapshot `session` recorded. Used by `resume` and `promote`.
pub(super) fn is_saved(
    engine: &Engine,
    session: &SessionHead,
    tree: crate::store::ObjectId,
    latest: crate::store::ObjectId,
) -> Result<bool> {
    let head_tree = engine.store.head_tree()?;
    // An empty work tree (an unborn branch) has nothing to lose.
    let mut saved = vec![Some(latest), head_tree, Some(engine.store.empty_tree())];
    if let Some(current) = engine.store.current()? {
        if let Some(h) = engine.store.head(&current.session)? {
            saved.push(h.header.latest_snapshot.and_then(|t| object_id(&t).ok()));
        }
    }
    if saved.contains(&Some(tree)) {
        return Ok(true);
    }
    // A snapshot the session itself recorded (the state it was handed over in).
    let tree = oid(tree);
    Ok(engine
        .store
        .events(session)?
        .iter()
        .any(|e| e.event.tree() == Some(&tree) || e.event.tree_after() == Some(&tree)))
}

/// The last commit the session saw that is in this repository (anchors
/// travel with the session, so there normally is one).
fn latest_session_commit(engine: &Engine, head: &SessionHead) -> Result<Option<crate::store::ObjectId>> {
    Ok(engine
        .store
        .events(head)?
        .iter()
        .rev()
        .filter_map(|e| e.event.head.as_ref())
        .filter_map(|h| object_id(h).ok())
        .find(|c| engine.store.has_commit(*c)))
}

/// A session that comes from another clone may have moved its branch on
/// there: when the branch here is behind the last commit the session saw,
/// fast-forward it (never anything else). Commits that only the session
/// vouches for (none of the user's branches, tags or remote-tracking
/// branches has them) are taken only when the user says so. When HEAD is on
/// the branch, the work tree follows; the caller checked that the work tree
/// holds nothing unsaved.
/// Returns false when the branch stayed behind because the user did not
/// take the commits.
fn catch_up_branch(
    engine: &Engine,
    head: &SessionHead,
    input: &ResumeInput<'_>,
    notes: &mut Vec<String>,
) -> Result<bool> {
    let Some(branch) = head.header.branch.as_deref() else {
        return Ok(true);
    };
    let Some(tip) = engine.store.branch_tip(branch)? else {
        return Ok(true);
    };
    let Some(latest) = latest_session_commit(engine, head)? else {
        return Ok(true);
    };
    if latest == tip || !engine.store.is_ancestor(tip, latest) {
        return Ok(true);
    }
    let unvouched = engine.store.commits_only_sessions_have(latest, SHOWN_COMMITS + 1)?;
    if !unvouched.is_empty() && !input.fast_forward {
        let commits: Vec<(String, String)> = unvouched
            .iter()
            .take(SHOWN_COMMITS)
            .map(|c| (c.to_string(), engine.store.commit_summary(*c)))
            .collect();
        let yes = input.confirm_fast_forward.is_some_and(|ask| ask(branch, &commits));
        if !yes {
            let mut hint = format!(
                "hint: '{branch}' stays at {}: the session's last commit {} is ahead of it by commits that only the session carries:",
                tip.to_hex_with_len(7),
                latest.to_hex_with_len(7)
            );
            for (id, subject) in &commits {
                hint.push_str(&format!("\n  {} {subject}", crate::session::text::prefix(id, 7)));
            }
            if unvouched.len() > SHOWN_COMMITS {
                hint.push_str("\n  …");
            }
            hint.push_str(&format!(
                "\n`git log -p {}` shows them; `git session resume --fast-forward` takes them",
                latest.to_hex_with_len(12)
            ));
            notes.push(hint);
            return Ok(false);
        }
    }
    let why = format!("git-session resume: fast-forward {branch} to the session's last commit");
    if engine.store.head_state()?.branch.as_deref() == Some(branch) {
        engine.store.checkout_clean(latest)?;
        engine.store.move_head(branch, tip, latest, &why)?;
    } else {
        engine.store.move_branch(branch, tip, latest, &why)?;
    }
    notes.push(format!(
        "Fast-forwarded '{branch}' to {}, the last commit the session saw.",
        latest.to_hex_with_len(7)
    ));
    Ok(true)
}

/// The open session updated last.
fn most_recent(engine: &Engine) -> Result<SessionHead> {
    engine
        .store
        .list()?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Ok(h) if h.status.is_open() => Some(h),
            _ => None,
        })
        .max_by(|a, b| (&a.updated, &a.last_event, &a.id).cmp(&(&b.updated, &b.last_event, &b.id)))
        .ok_or_else(|| {
            fail_with_hint(
                "there is no open session to continue",
                "start one with `git session start`",
            )
        })
        .and_then(|s| engine.store.resolve(s.id.as_str()))
}

/// Puts the work tree on the session's branch: HEAD alone moves when the
/// branch points at HEAD's commit; a clean work tree (its snapshot and index
/// equal HEAD's tree) is checked out; otherwise it says how to switch.
/// Returns the branch switched to.
fn switch_branch(engine: &Engine, head: &SessionHead, notes: &mut Vec<String>) -> Result<Option<String>> {
    let Some(branch) = head.header.branch.as_deref() else {
        return Ok(None);
    };
    let here = engine.store.head_state()?;
    if here.branch.as_deref() == Some(branch) {
        return Ok(None);
    }
    let tip = match engine.store.branch_tip(branch)? {
        Some(tip) => tip,
        // Missing here: the session came from another clone. Its branch is
        // created at the last commit the session saw.
        None => match latest_session_commit(engine, head)? {
            Some(commit) => {
                engine
                    .store
                    .create_branch(branch, commit, "branch: Created from git-session resume")?;
                commit
            }
            None => {
                notes.push(format!("hint: the session's branch '{branch}' does not exist here"));
                return Ok(None);
            }
        },
    };
    if Some(tip) != here.commit {
        let capture = engine.store.capture_all()?;
        let head_tree = engine.store.head_tree()?;
        let clean = head_tree.is_some_and(|t| t == capture.tree && capture.index_tree == Some(t));
        if !clean {
            notes.push(format!(
                "hint: the session worked on branch '{branch}', but this work tree has changes; \
                 checkpoint or commit them, then `git switch {branch}`"
            ));
            return Ok(None);
        }
        let switched = engine.store.checkout_clean(tip)?;
        notes.push(format!(
            "Checked out '{branch}': {} file(s) written, {} removed.",
            switched.written, switched.removed
        ));
    }
    let from = here
        .branch
        .clone()
        .unwrap_or_else(|| here.commit.map(|c| c.to_string()).unwrap_or_default());
    engine
        .store
        .attach_head(branch, &format!("checkout: moving from {from} to {branch}"))?;
    Ok(Some(branch.to_owned()))
}
