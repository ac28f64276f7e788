//! `git session resolve`: a blocker is out of the way.

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session resolve` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The blocker: its id prefix or a unique part of its text.
    pub blocker: String,
    /// How it was resolved.
    pub how: Option<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target()?;
    let item = super::objective::find_item(&target.head.header.blockers, &args.blocker, "blocker")?.clone();
    let text = args.how.clone().unwrap_or_else(|| item.text.clone());
    let event = ctx
        .event(EventKind::BlockerResolved)?
        .with("resolves", item.id.as_str())
        .with("text", text);
    let (head, events) = ctx.record(&target, vec![event])?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!("Blocker resolved in '{}': {}\n", head.header.name, item.text));
    Ok(())
}
