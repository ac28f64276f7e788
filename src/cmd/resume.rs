//! `git session resume`: get back into a session and into flow.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ResumeInput};
use crate::render::{out, tldr};

/// Arguments of `git session resume` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// Resume the most recently updated open session.
    #[arg(long = "continue", short = 'c', conflicts_with = "session_arg")]
    pub continue_last: bool,
    /// Print the resumed session's header as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let resumed = ops::resume(
        &ui.engine,
        &ResumeInput {
            session: args.session.clone(),
            continue_last: args.continue_last,
        },
    )?;
    for note in &resumed.notes {
        ui.say(note);
    }
    if args.json {
        return print_json(&resumed);
    }
    out(&tldr(&resumed.session, ui.palette()));
    Ok(())
}
