//! `git session undo`: take back the last rewind, restore or undo.
//!
//! Each of those events carries the work tree it replaced (`tree`), the one
//! it left (`after`), the index it replaced and how it moved the branch. Undo
//! puts back the paths that differ between `after` and `tree`, the index
//! entries of those paths and the branch, and is itself recorded the same
//! way: undoing an undo redoes, as in jj and StGit.

use anyhow::Result;

use super::{print_rewound, Ui};
use crate::ops;

/// Arguments of `git session undo` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The rewind, restore or undo to take back: an event id (or its last
    /// digits) or an event commit prefix (default: the latest).
    pub event: Option<String>,
    /// Print what would change and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let done = ops::undo(&ui.engine, args.event.as_deref(), args.dry_run)?;
    print_rewound(ui, &done, args.json)
}
