//! `git session claim PATH…`: an advisory claim on paths, so that `who`
//! shows them and other sessions' checkpoints warn when they touch them.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::out;

/// Arguments of `git session claim` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (relative to the current directory).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Print the recorded event as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let claimed = ops::claim(&ui.engine, &args.paths)?;
    if args.json {
        return print_json(&claimed);
    }
    out(&format!(
        "Claimed {} in '{}'.\n",
        claimed.paths.join(", "),
        claimed.landed.name
    ));
    Ok(())
}
