//! `git session diff [FROM [TO]]`: the difference between two snapshots of a
//! session, or between a snapshot and the work tree, as `git diff` prints it.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, DiffFormat, DiffInput};
use crate::render::out_bytes;

/// Arguments of `git session diff` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The older snapshot: `start` (default), a checkpoint label, an intent,
    /// an event id (or its last digits) or an event commit prefix.
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::points))]
    pub from: Option<String>,
    /// The newer snapshot (default: the work tree as it is now).
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::points))]
    pub to: Option<String>,
    /// A diffstat, as `git diff --stat`.
    #[arg(long, group = "format")]
    pub stat: bool,
    /// Status letter and path of each change, as `git diff --name-status`.
    #[arg(long, group = "format")]
    pub name_status: bool,
    /// Only the paths, as `git diff --name-only`.
    #[arg(long, group = "format")]
    pub name_only: bool,
    /// Lines of context around each change.
    #[arg(long, short = 'U', value_name = "N", default_value_t = 3)]
    pub unified: u32,
    /// Colour the output: `auto` (on a terminal; honours NO_COLOR and `color.ui`), `always` or `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Print the trees compared and each changed file (status, lines added
    /// and removed) as JSON.
    #[arg(long, conflicts_with_all = ["stat", "name_status", "name_only"])]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    if args.json {
        return print_json(&ops::diff_files(&ui.engine, args.from.as_deref(), args.to.as_deref())?);
    }
    let format = if args.stat {
        DiffFormat::Stat
    } else if args.name_status {
        DiffFormat::NameStatus
    } else if args.name_only {
        DiffFormat::NameOnly
    } else {
        DiffFormat::Patch
    };
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => !ui.palette().bold.is_empty(),
    };
    let patch = ops::diff(
        &ui.engine,
        &DiffInput {
            from: args.from.clone(),
            to: args.to.clone(),
            format,
            color,
            context: args.unified,
        },
    )?;
    out_bytes(&patch);
    Ok(())
}
