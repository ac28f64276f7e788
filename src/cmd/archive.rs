//! `git session archive`: move closed sessions out of the way.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ArchiveInput};
use crate::render::{esc_line, out, short_id};

/// Arguments of `git session archive` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Closed or abandoned sessions: id, name, or a unique prefix of either.
    #[arg(value_name = "SESSION", required_unless_present = "closed_before", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub sessions: Vec<String>,
    /// Instead: every closed or abandoned session last updated before DATE
    /// (`2026-11-01`, `2 weeks ago`, an RFC 3339 time, or an age: `30.days`).
    #[arg(long, value_name = "DATE", conflicts_with = "sessions")]
    pub closed_before: Option<String>,
    /// Say what would be archived; change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was archived as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let archived = ops::archive(
        &ui.engine,
        &ArchiveInput {
            sessions: args.sessions.clone(),
            closed_before: args.closed_before.clone(),
            dry_run: args.dry_run,
        },
    )?;
    if args.json {
        return print_json(&archived);
    }
    if archived.sessions.is_empty() {
        ui.say("No closed session to archive.");
        return Ok(());
    }
    let verb = if archived.dry_run { "Would archive" } else { "Archived" };
    let mut text = String::new();
    for s in &archived.sessions {
        text.push_str(&format!(
            "{verb} '{}' ({}, {}).\n",
            esc_line(&s.name),
            short_id(&s.id),
            s.status.as_str()
        ));
    }
    out(&text);
    Ok(())
}
