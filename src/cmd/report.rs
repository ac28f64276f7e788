//! `git session report --weekly|--project`: how the work went, in the spirit
//! of a session-management retrospective: sessions finished and given up,
//! active time, and velocity (commits and checkpoints per active hour).

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ReportPeriod};
use crate::render::{hours, out, short_time};

/// Arguments of `git session report` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The sessions active in the last 7 days (the default).
    #[arg(long, conflicts_with = "project")]
    pub weekly: bool,
    /// Every session of the repository.
    #[arg(long)]
    pub project: bool,
    /// `text` or `markdown`.
    #[arg(long, default_value = "text", value_parser = ["text", "markdown"])]
    pub format: String,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let period = if args.project {
        ReportPeriod::Project
    } else {
        ReportPeriod::Week
    };
    let f = ops::report(&ui.engine, period)?;
    if args.json {
        return print_json(&f);
    }
    let md = args.format == "markdown";
    let mut s = String::new();
    let completion = f
        .completion_rate
        .map(|r| format!("{:.0} % of the sessions that ended were completed", r * 100.0))
        .unwrap_or_else(|| "no session ended yet".to_owned());
    let lines = [
        format!(
            "Sessions: {} ({} open, {} closed, {} abandoned, {} handed over)",
            f.sessions, f.open, f.closed, f.abandoned, f.handed_over
        ),
        format!("Active time: {} over {} events", hours(f.active_seconds), f.events),
        format!(
            "Velocity: {} commits ({:.1} per active hour), {} checkpoints ({:.1} per active hour)",
            f.commits, f.commits_per_hour, f.checkpoints, f.checkpoints_per_hour
        ),
        format!("Files changed: {}", f.files),
        format!("Completion: {completion}"),
    ];
    if md {
        s.push_str(&format!("# Session report: {}\n\n", f.period));
        for l in &lines {
            s.push_str(&format!("- {l}\n"));
        }
        if !f.rows.is_empty() {
            s.push_str("\n| session | status | started | active | commits | checkpoints | files |\n");
            s.push_str("|---|---|---|---|---|---|---|\n");
            for r in &f.rows {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} |\n",
                    r.name.replace('|', "\\|"),
                    r.status,
                    short_time(&r.created),
                    hours(r.active_seconds),
                    r.commits,
                    r.checkpoints,
                    r.files
                ));
            }
        }
    } else {
        s.push_str(&format!("Session report: {}\n", f.period));
        for l in &lines {
            s.push_str(&format!("  {l}\n"));
        }
        for r in &f.rows {
            s.push_str(&format!(
                "  - {} ({}, {} active, {} commits, {} checkpoints)\n",
                r.name,
                r.status,
                hours(r.active_seconds),
                r.commits,
                r.checkpoints
            ));
        }
    }
    out(&s);
    Ok(())
}
