//! `git session resume`: get back into a session and into flow.

use anyhow::{Context, Result};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::Target as RefTarget;

use super::{print_json, Ctx, Target};
use crate::error::usage;
use crate::render::{out, tldr, Palette};
use crate::session::EventKind;
use crate::store::{Current, Listed, SessionHead};

/// Arguments of `git session resume` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    pub session: Option<String>,
    /// Resume the most recently updated open session.
    #[arg(long = "continue", short = 'c', conflicts_with = "session")]
    pub continue_last: bool,
    /// Print the resumed session's header as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    ctx.store.workdir()?;
    let head = if args.continue_last {
        most_recent(ctx)?
    } else if let Some(spec) = args.session.as_deref().or(ctx.globals.session.as_deref()) {
        ctx.store.resolve(spec)?
    } else if ctx.store.current()?.is_some() {
        ctx.target()?.head
    } else {
        return Err(usage(
            "name the session to resume, or use --continue for the most recent one (see `git session list`)",
        ));
    };

    ctx.pause_current(Some(&head.id))?;

    // Resuming the current session records the commits made since the last
    // command first, like any other command does.
    let current = ctx.store.current()?.filter(|c| c.session == head.id);
    let switched = switch_branch(ctx, &head)?;
    let target = Target { head, current };
    let (head, _) = ctx.record(&target, vec![ctx.event(EventKind::Resume)?])?;
    ctx.store.set_current(&Current {
        session: head.id.clone(),
        reflog_offset: ctx.store.head_reflog_len(),
    })?;

    if args.json {
        return print_json(&serde_json::json!({
            "session": head.header,
            "commit": head.commit.to_string(),
            "switched_branch": switched,
        }));
    }
    if let Some(branch) = &switched {
        ctx.say(format!("Switched to branch '{branch}'."));
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    out(&tldr(&head.header, palette));
    Ok(())
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
    let Some(tip) = tip else {
        ctx.say(format!("hint: the session's branch '{branch}' does not exist here"));
        return Ok(None);
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
