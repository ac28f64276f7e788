//! `git session fork`: branch off a new session that inherits the state.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ForkInput};
use crate::render::{out, short_id};

/// Arguments of `git session fork` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Name of the new session (default: `<name>-fork`).
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// A task this session works on: an issue-tracker id or any token
    /// without spaces (repeatable). Sessions sharing a task are trials of it
    /// (`git session compare`, `git session promote`). Default: the parent's tasks.
    #[arg(long, value_name = "ID")]
    pub task: Vec<String>,
    /// Print the new session as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let forked = ops::fork(
        &ui.engine,
        &ForkInput {
            name: args.name.clone(),
            tasks: args.task.clone(),
        },
    )?;
    if let Some(paused) = &forked.paused {
        ui.say(format!("Paused session '{paused}'."));
    }
    if args.json {
        return print_json(&forked);
    }
    out(&format!(
        "Forked '{}' into '{}' ({}).\n",
        forked.from,
        forked.landed.name,
        short_id(&forked.landed.session)
    ));
    Ok(())
}
