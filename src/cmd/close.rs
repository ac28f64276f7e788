//! `git session close`: the work is done (or given up).

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::error::fail;
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session close` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    pub session: Option<String>,
    /// The work was given up, not finished.
    #[arg(long)]
    pub abandon: bool,
    /// Why (kept in the session).
    #[arg(long)]
    pub reason: Option<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target_for(args.session.as_deref())?;
    if !target.head.header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {} already",
            target.head.header.name,
            target.head.header.status.as_str()
        )));
    }
    let status = if args.abandon { "abandoned" } else { "closed" };
    let event = if target.current.is_some() && ctx.store.repo.workdir().is_some() {
        ctx.snapshot_event(EventKind::Close)?
    } else {
        ctx.event(EventKind::Close)?
    };
    let event = event.with("status", status).with("reason", args.reason.clone());
    let (head, events) = ctx.record(&target, vec![event])?;
    if target.current.is_some() {
        ctx.store.clear_current()?;
    }
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!("Session '{}' {status}.\n", head.header.name));
    Ok(())
}
