//! `git session log`: the session's timeline.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{out, timeline};

/// Arguments of `git session log` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// Start each line with the event commit's id, a name `rewind`, `restore`
    /// and `diff` accept.
    #[arg(long)]
    pub ids: bool,
    /// Print a JSON array of `{commit, event, verdict}` (`verdict`: commits only).
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let log = ops::log(&ui.engine, args.session.as_deref())?;
    if args.json {
        return print_json(&log);
    }
    let ids: Vec<String> = log.events.iter().map(|e| e.commit.clone()).collect();
    let notes = super::verdict_notes(&log.events);
    let events: Vec<_> = log.events.into_iter().map(|e| e.event).collect();
    out(&timeline(
        &events,
        args.ids.then_some(ids.as_slice()),
        &notes,
        ui.palette(),
    ));
    Ok(())
}
