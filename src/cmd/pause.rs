//! `git session pause`: step away from a session.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::out;

/// Arguments of `git session pause` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let landed = ops::pause(&ui.engine, args.session.as_deref())?;
    if args.json {
        return print_json(&landed);
    }
    out(&format!(
        "Paused session '{}'. Resume it with `git session resume {}`.\n",
        landed.name, landed.name
    ));
    Ok(())
}
