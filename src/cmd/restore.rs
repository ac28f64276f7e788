//! `git session restore TARGET -- PATH…`: bring back only the named paths
//! from a snapshot, recorded like a rewind so `undo` can take it back.

use std::path::PathBuf;

use anyhow::Result;

use super::{print_rewound, Ui};
use crate::ops;

/// Arguments of `git session restore` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `start`, a checkpoint label, an intent, an event id (or its last
    /// digits) or an event commit prefix.
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::points))]
    pub target: String,
    /// The files or directories to bring back (relative to the current directory).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the session's edits and changes that arrived from elsewhere
    /// (pulls, merges) touched the same lines, write both with conflict
    /// markers instead of stopping.
    #[arg(long)]
    pub conflict_markers: bool,
    /// Print what would change and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let done = ops::restore(
        &ui.engine,
        &args.target,
        &args.paths,
        args.conflict_markers,
        args.dry_run,
    )?;
    print_rewound(ui, &done, args.json)
}
