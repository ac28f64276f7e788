//! `git session intent`: state the goal of the next stretch of edits.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{out, short_id};

/// Arguments of `git session intent` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What you are about to do.
    pub text: String,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let landed = ops::intent(&ui.engine, &args.text)?;
    if args.json {
        return print_json(&landed);
    }
    let tree = landed.header.latest_snapshot.as_ref().map_or("", |t| t.as_str());
    out(&format!(
        "Intent recorded in '{}' (snapshot {}).\n",
        landed.name,
        short_id(tree)
    ));
    Ok(())
}
