//! `git session snapshot`: a cheap pre-edit snapshot.

use std::path::PathBuf;

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{out, short_id};

/// Arguments of `git session snapshot` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files about to be edited, relative to the current directory.
    pub paths: Vec<PathBuf>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let landed = ops::snapshot(&ui.engine, &args.paths)?;
    if args.json {
        return print_json(&landed);
    }
    let tree = landed.header.latest_snapshot.as_ref().map_or("", |t| t.as_str());
    out(&format!("Snapshot {} recorded in '{}'.\n", short_id(tree), landed.name));
    Ok(())
}
