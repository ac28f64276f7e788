//! `git session show`: one session in detail.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{header_details, out, timeline};

/// Arguments of `git session show` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// How many recent events to show.
    #[arg(long, default_value_t = 10)]
    pub events: usize,
    /// Print the header and the recent events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let shown = ops::show(&ui.engine, args.session.as_deref(), args.events)?;
    if args.json {
        return print_json(&shown);
    }
    let palette = ui.palette();
    let mut text = header_details(&shown.header, palette);
    if !shown.recent_events.is_empty() {
        text.push_str(&format!("\nLast {} event(s):\n", shown.recent_events.len()));
        let recent: Vec<_> = shown.recent_events.iter().map(|e| e.event.clone()).collect();
        let notes = super::verdict_notes(&shown.recent_events);
        text.push_str(&timeline(&recent, None, &notes, palette));
    }
    out(&text);
    Ok(())
}
