//! `git session checkpoint`: a named milestone with a snapshot.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{out, short_id};

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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let landed = ops::checkpoint(&ui.engine, args.message.as_deref())?;
    if args.json {
        return print_json(&landed);
    }
    let label = landed.events.last().and_then(|e| e.text()).unwrap_or("");
    let tree = landed.header.latest_snapshot.as_ref().map_or("", |t| t.as_str());
    out(&format!(
        "Checkpoint '{label}' recorded in '{}' (snapshot {}).\n",
        landed.name,
        short_id(tree)
    ));
    Ok(())
}
