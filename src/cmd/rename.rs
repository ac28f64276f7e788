//! `git session rename`: give a session another name.

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::usage;
use crate::ops;
use crate::render::out;

/// Arguments of `git session rename` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `[SESSION] NEW-NAME`.
    #[arg(num_args = 1..=2, required = true, value_names = ["SESSION", "NEW_NAME"])]
    pub names: Vec<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let (spec, new) = match args.names.as_slice() {
        [new] => (None, new),
        [session, new] => (Some(session.as_str()), new),
        _ => return Err(usage("rename takes [SESSION] NEW-NAME")),
    };
    let (landed, old) = ops::rename(&ui.engine, spec, new)?;
    if args.json {
        return print_json(&landed);
    }
    out(&format!("Renamed '{old}' to '{}'.\n", landed.name));
    Ok(())
}
