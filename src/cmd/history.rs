//! `git session history`: the sessions of this repository over time, with
//! durations, active time, events, checkpoints, commits and files. Also the
//! rows `report` aggregates.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{hours, out, short_id, short_time};

/// Arguments of `git session history` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only sessions active since WHEN: a date (`2026-11-01`), an RFC 3339
    /// time, or an age (`3d`, `2w`, `12h`).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Print the rows as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let history = ops::history(&ui.engine, args.since.as_deref())?;
    if args.json {
        return print_json(&history);
    }
    let rows = history.rows;
    if rows.is_empty() {
        ui.say("No sessions in that period.");
        return Ok(());
    }
    let width = rows.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).max(4);
    let mut s = format!(
        "{:<width$} {:<11} {:<12} {:<16} {:>9} {:>8} {:>6} {:>5} {:>7} {:>5}\n",
        "session", "status", "id", "started", "duration", "active", "events", "ckpts", "commits", "files"
    );
    for r in &rows {
        s.push_str(&format!(
            "{:<width$} {:<11} {:<12} {:<16} {:>9} {:>8} {:>6} {:>5} {:>7} {:>5}\n",
            r.name,
            r.status,
            short_id(&r.id),
            short_time(&r.created),
            hours(r.duration_seconds as u64),
            hours(r.active_seconds),
            r.events,
            r.checkpoints,
            r.commits,
            r.files
        ));
    }
    out(&s);
    Ok(())
}
