//! `git session checkpoint`: a named milestone with a snapshot.

use anyhow::Result;

use super::{non_empty, print_json, recorded_json, Ctx};
use crate::render::{out, short_id};
use crate::session::EventKind;

/// Arguments of `git session checkpoint` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The label (default: `checkpoint <n>`).
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    ctx.store.workdir()?;
    let target = ctx.target()?;
    let label = match &args.message {
        Some(m) => non_empty(m, "the checkpoint label")?,
        None => format!("checkpoint {}", target.head.header.counters.checkpoints + 1),
    };
    let event = ctx.snapshot_event(EventKind::Checkpoint)?.with("text", label.as_str());
    let (head, events) = ctx.record(&target, vec![event])?;
    super::who::warn_about_claims(ctx, &head)?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    let tree = head.header.latest_snapshot.as_deref().unwrap_or("");
    out(&format!(
        "Checkpoint '{label}' recorded in '{}' (snapshot {}).\n",
        head.header.name,
        short_id(tree)
    ));
    Ok(())
}
