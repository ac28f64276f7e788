//! `git session resume`: get back into a session and into flow.

use anyhow::{Context, Result};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::Target as RefTarget;

use super::{print_json, Ctx, Target};
use crate::error::{fail, fail_with_hint, usage};
use crate::render::{out, tldr, Palette};
use crate::session::EventKind;
use crate::store::{Current, Listed, SessionHead};
use gix::ObjectId;

/// Arguments of `git session resume` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// Resume the most recently updated open session.
    #[arg(long = "continue", short = 'c', conflicts_with = "session_arg")]
    pub continue_last: bool,
    /// Print the resumed session's header as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let head = if args.continue_last {
        most_recent(ctx)?
    } else if let Some(spec) = args.session.as_deref().or(ctx.globals.session.as_deref()) {
        resolve_here_or_fetched(ctx, spec)?
    } else if ctx.store.current()?.is_some() {
        ctx.target()?.head
    } else {
        return Err(usage(
            "name the session to resume, or use --continue for the most recent one (see `git session list`)",
        ));
    };

    // A session last worked on in another work tree (a handoff from another
    // clone, or another worktree) comes back with its latest snapshot.
    let here = workdir.display().to_string();
    let restore = head
        .header
        .latest_snapshot
        .as_deref()
        .filter(|_| head.header.worktree.as_deref() != Some(here.as_str()))
        .and_then(|t| ObjectId::from_hex(t.as_bytes()).ok());
    if let Some(latest) = restore {
        refuse_to_overwrite_unsaved_work(ctx, &head, latest)?;
    }

    ctx.pause_current(Some(&head.id))?;

    // Resuming the current session records the commits made since the last
    // command first, like any other command does.
    let current = ctx.store.current()?.filter(|c| c.session == head.id);
    if restore.is_some() {
        catch_up_branch(ctx, &head)?;
    }
    let switched = switch_branch(ctx, &head)?;
    let mut target = Target { head, current };
    let mut restored = None;
    if let Some(latest) = restore {
        let (event, capture) = ctx.snapshot_event_with_capture(EventKind::Restore)?;
        let plan = crate::rewind::plan(&ctx.store.repo, capture.tree, latest, &crate::rewind::Scope::All)?;
        if !plan.is_empty() {
            let event = event
                .with("text", "the session's latest snapshot (resume)")
                .with("to", latest.to_string());
            let done = super::rewind::carry_out(ctx, &target, event, capture.index_tree, &plan, None, None)?;
            restored = Some(plan.write.len() + plan.remove.len());
            target.head = done.head;
        }
    }
    let event = ctx.event(EventKind::Resume)?.with("worktree", here.as_str());
    let (head, _) = ctx.record(&target, vec![event])?;
    ctx.store.set_current(&Current {
        session: head.id.clone(),
        reflog_offset: ctx.store.head_reflog_len(),
    })?;

    if args.json {
        return print_json(&serde_json::json!({
            "session": head.header,
            "commit": head.commit.to_string(),
            "switched_branch": switched,
            "restored_files": restored,
        }));
    }
    if let Some(branch) = &switched {
        ctx.say(format!("Switched to branch '{branch}'."));
    }
    if let Some(n) = restored {
        ctx.say(format!(
            "Restored the session's latest snapshot: {n} file(s) changed (`git session undo` takes it back)."
        ));
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    out(&tldr(&head.header, palette));
    Ok(())
}

/// A session of this repository, or one only fetched so far (it is then
/// created here from its remote-tracking ref).
fn resolve_here_or_fetched(ctx: &Ctx, spec: &str) -> Result<SessionHead> {
    let local = ctx.store.resolve(spec);
    if local.is_ok() {
        return local;
    }
    match ctx.store.find_tracked(spec)?.as_slice() {
        [] => local,
        [one] => {
            let (author, time) = ctx.store.identity()?;
            ctx.store
                .merge_in(&one.id, one.commit, &one.remote, &author, &crate::store::rfc3339(time))?;
            ctx.say(format!("Session '{}' comes from {}.", one.header.name, one.remote));
            ctx.store
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
fn refuse_to_overwrite_unsaved_work(ctx: &Ctx, session: &SessionHead, latest: ObjectId) -> Result<()> {
    let capture = ctx.capture()?;
    let head_tree = ctx.store.head_tree()?;
    // An empty work tree (an unborn branch) has nothing to lose.
    let empty = ObjectId::empty_tree(ctx.store.repo.object_hash());
    let mut saved = vec![Some(latest), head_tree, Some(empty)];
    if let Some(current) = ctx.store.current()? {
        if let Some(h) = ctx.store.head(&current.session)? {
            saved.push(
                h.header
                    .latest_snapshot
                    .and_then(|t| ObjectId::from_hex(t.as_bytes()).ok()),
            );
        }
    }
    if saved.contains(&Some(capture.tree)) {
        return Ok(());
    }
    // A snapshot the session itself recorded (the state it was handed over in).
    let tree = capture.tree.to_string();
    if ctx
        .store
        .events(session)?
        .iter()
        .any(|e| e.event.tree() == Some(tree.as_str()) || e.event.str_field("after") == Some(tree.as_str()))
    {
        return Ok(());
    }
    Err(fail_with_hint(
        "this work tree has changes that no checkpoint holds; resuming would replace them with the session's latest snapshot. Nothing was changed",
        "checkpoint them in the current session (`git session checkpoint`), or commit or stash them, then resume again",
    ))
}

/// The last commit the session saw that is in this repository (anchors
/// travel with the session, so there normally is one).
fn latest_session_commit(ctx: &Ctx, head: &SessionHead) -> Result<Option<ObjectId>> {
    Ok(ctx
        .store
        .events(head)?
        .iter()
        .rev()
        .filter_map(|e| e.event.head.as_deref())
        .filter_map(|h| ObjectId::from_hex(h.as_bytes()).ok())
        .find(|c| ctx.store.repo.find_commit(*c).is_ok()))
}

/// A session that comes from another clone may have moved its branch on
/// there: when the branch here is behind the last commit the session saw,
/// fast-forward it (never anything else). When HEAD is on it, the work tree
/// follows; the caller checked that the work tree holds nothing unsaved.
fn catch_up_branch(ctx: &Ctx, head: &SessionHead) -> Result<()> {
    let Some(branch) = head.header.branch.as_deref() else {
        return Ok(());
    };
    let full = format!("refs/heads/{branch}");
    let repo = &ctx.store.repo;
    let Some(tip) = repo
        .try_find_reference(full.as_str())
        .context("cannot read the session's branch")?
        .and_then(|r| r.target().try_id().map(ToOwned::to_owned))
    else {
        return Ok(());
    };
    let Some(latest) = latest_session_commit(ctx, head)? else {
        return Ok(());
    };
    let behind = latest != tip
        && repo
            .merge_base(tip, latest)
            .ok()
            .flatten()
            .is_some_and(|b| b.detach() == tip);
    if !behind {
        return Ok(());
    }
    let on_it = ctx.store.head_state()?.branch.as_deref() == Some(branch);
    if on_it {
        crate::snapshot::checkout::checkout_clean_worktree(repo, latest)?;
    }
    let why = format!("git-session resume: fast-forward {branch} to the session's last commit");
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: why.into(),
            },
            expected: PreviousValue::MustExistAndMatch(RefTarget::Object(tip)),
            new: RefTarget::Object(latest),
        },
        name: if on_it { "HEAD" } else { full.as_str() }
            .try_into()
            .context("invalid branch name")?,
        deref: on_it,
    };
    repo.edit_reference(edit)
        .context("cannot fast-forward the session's branch")?;
    ctx.say(format!(
        "Fast-forwarded '{branch}' to {}, the last commit the session saw.",
        &latest.to_string()[..7]
    ));
    Ok(())
}

/// Creates the session's branch (missing here: the session came from
/// another clone) at the last commit the session saw that is in this
/// repository; anchors travel with the session, so there normally is one.
fn create_branch_from_session(ctx: &Ctx, head: &SessionHead, full: &str) -> Result<Option<ObjectId>> {
    let Some(commit) = latest_session_commit(ctx, head)? else {
        return Ok(None);
    };
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: "branch: Created from git-session resume".into(),
            },
            expected: PreviousValue::MustNotExist,
            new: RefTarget::Object(commit),
        },
        name: full.try_into().context("invalid branch name")?,
        deref: false,
    };
    ctx.store
        .repo
        .edit_reference(edit)
        .context("cannot create the session's branch")?;
    Ok(Some(commit))
}

/// The open session updated last.
fn most_recent(ctx: &Ctx) -> Result<SessionHead> {
    ctx.store
        .list()?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Ok(h) if h.status.is_open() => Some(h),
            _ => None,
        })
        .max_by(|a, b| (&a.updated, &a.id).cmp(&(&b.updated, &b.id)))
        .ok_or_else(|| {
            crate::error::fail_with_hint(
                "there is no open session to continue",
                "start one with `git session start`",
            )
        })
        .and_then(|s| ctx.store.resolve(&s.id))
}

/// Puts the work tree on the session's branch: HEAD alone moves when the
/// branch points at HEAD's commit; a clean work tree (its snapshot and index
/// equal HEAD's tree) is checked out; otherwise it says how to switch.
/// Returns the branch switched to.
fn switch_branch(ctx: &Ctx, head: &SessionHead) -> Result<Option<String>> {
    let Some(branch) = head.header.branch.as_deref() else {
        return Ok(None);
    };
    let here = ctx.store.head_state()?;
    if here.branch.as_deref() == Some(branch) {
        return Ok(None);
    }
    let full = format!("refs/heads/{branch}");
    let tip = ctx
        .store
        .repo
        .try_find_reference(full.as_str())
        .context("cannot read the session's branch")?
        .and_then(|r| r.target().try_id().map(ToOwned::to_owned));
    let tip = match tip {
        Some(tip) => tip,
        None => match create_branch_from_session(ctx, head, &full)? {
            Some(tip) => tip,
            None => {
                ctx.say(format!("hint: the session's branch '{branch}' does not exist here"));
                return Ok(None);
            }
        },
    };
    if Some(tip) != here.commit {
        let capture = crate::snapshot::capture(
            &ctx.store.repo,
            &crate::snapshot::CaptureOptions {
                max_untracked_size: None,
            },
        )?;
        let head_tree = ctx.store.head_tree()?;
        let clean = head_tree.is_some_and(|t| t == capture.tree && capture.index_tree == Some(t));
        if !clean {
            ctx.say(format!(
                "hint: the session worked on branch '{branch}', but this work tree has changes; \
                 checkpoint or commit them, then `git switch {branch}`"
            ));
            return Ok(None);
        }
        let switched = crate::snapshot::checkout::checkout_clean_worktree(&ctx.store.repo, tip)?;
        ctx.say(format!(
            "Checked out '{branch}': {} file(s) written, {} removed.",
            switched.written, switched.removed
        ));
    }
    let from = here
        .branch
        .clone()
        .unwrap_or_else(|| here.commit.map(|c| c.to_string()).unwrap_or_default());
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: format!("checkout: moving from {from} to {branch}").into(),
            },
            expected: PreviousValue::Any,
            new: RefTarget::Symbolic(full.as_str().try_into().context("invalid branch name")?),
        },
        name: "HEAD".try_into().expect("HEAD is a valid ref name"),
        deref: false,
    };
    ctx.store.repo.edit_reference(edit).context("cannot move HEAD")?;
    Ok(Some(branch.to_owned()))
}
