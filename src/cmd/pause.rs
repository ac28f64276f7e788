//! `git session pause`: step away from a session.

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session pause` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target_for(args.session.as_deref())?;
    let (head, events) = ctx.record(&target, vec![ctx.event(EventKind::Pause)?])?;
    if target.current.is_some() {
        ctx.store.clear_current()?;
    }
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!(
        "Paused session '{}'. Resume it with `git session resume {}`.\n",
        head.header.name, head.header.name
    ));
    Ok(())
}
