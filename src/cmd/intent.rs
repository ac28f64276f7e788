//! `git session intent`: state the goal of the next stretch of edits.

use anyhow::Result;

use super::{non_empty, print_json, recorded_json, Ctx};
use crate::render::{out, short_id};
use crate::session::EventKind;

/// Arguments of `git session intent` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What you are about to do.
    pub text: String,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let text = non_empty(&args.text, "the intent")?;
    ctx.store.workdir()?;
    let target = ctx.target()?;
    let event = ctx.snapshot_event(EventKind::Intent)?.with("text", text.as_str());
    let (head, events) = ctx.record(&target, vec![event])?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    let tree = head.header.latest_snapshot.as_deref().unwrap_or("");
    out(&format!(
        "Intent recorded in '{}' (snapshot {}).\n",
        head.header.name,
        short_id(tree)
    ));
    Ok(())
}
