//! `git session rewind`: the work tree (and, when asked, the branch) back to
//! a checkpoint, an intent, any snapshot, or the start of the session.

use anyhow::Result;

use super::{print_rewound, Ui};
use crate::ops::{self, CommitsMode, RewindInput};

/// Arguments of `git session rewind` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `start`, a checkpoint label, an intent, an event id (or its last
    /// digits) or an event commit prefix.
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::points))]
    pub target: String,
    /// What to do with the commits made in the session since the target.
    #[arg(long, value_enum, default_value_t = Commits::Keep)]
    pub commits: Commits,
    /// With `--commits reset`: move the branch even over commits that are not
    /// the session's, or to a commit that is no longer an ancestor.
    #[arg(long)]
    pub force: bool,
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

/// `--commits`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Commits {
    /// Leave history alone.
    #[default]
    Keep,
    /// New commits that revert the session's own commits, newest first.
    Revert,
    /// Move the branch back to where it was at the target.
    Reset,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let commits = match args.commits {
        Commits::Keep => CommitsMode::Keep,
        Commits::Revert => CommitsMode::Revert,
        Commits::Reset => CommitsMode::Reset,
    };
    let done = ops::rewind(
        &ui.engine,
        &RewindInput {
            target: args.target.clone(),
            commits,
            force: args.force,
            conflict_markers: args.conflict_markers,
            dry_run: args.dry_run,
        },
    )?;
    print_rewound(ui, &done, args.json)
}
