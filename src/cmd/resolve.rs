//! `git session resolve`: a blocker is out of the way.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::out;

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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let (landed, blocker) = ops::resolve(&ui.engine, &args.blocker, args.how.as_deref())?;
    if args.json {
        return print_json(&landed);
    }
    out(&format!("Blocker resolved in '{}': {}\n", landed.name, blocker.text));
    Ok(())
}
