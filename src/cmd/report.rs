//! `git session report --weekly|--project`: how the work went, in the spirit
//! of a session-management retrospective: sessions finished and given up,
//! active time, and velocity (commits and checkpoints per active hour).

use anyhow::Result;

use super::history::{hours, rows, Row};
use super::{print_json, Ctx};
use crate::render::{out, short_time};

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

/// The figures of a report.
#[derive(Debug, serde::Serialize)]
pub struct Figures {
    pub period: String,
    pub sessions: usize,
    pub open: usize,
    pub closed: usize,
    pub abandoned: usize,
    pub handed_over: usize,
    pub active_seconds: u64,
    pub events: u64,
    pub commits: u64,
    pub checkpoints: u64,
    pub files: usize,
    /// Commits per active hour (0 without active time).
    pub commits_per_hour: f64,
    pub checkpoints_per_hour: f64,
    /// Closed / (closed + abandoned), when any session ended.
    pub completion_rate: Option<f64>,
    pub rows: Vec<Row>,
}

fn figures(period: String, rows: Vec<Row>) -> Figures {
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let active_seconds: u64 = rows.iter().map(|r| r.active_seconds).sum();
    let commits = rows.iter().map(|r| r.commits).sum();
    let checkpoints = rows.iter().map(|r| r.checkpoints).sum();
    let per_hour = |n: u64| {
        if active_seconds == 0 {
            0.0
        } else {
            n as f64 * 3600.0 / active_seconds as f64
        }
    };
    let (closed, abandoned) = (count("closed"), count("abandoned"));
    Figures {
        period,
        sessions: rows.len(),
        open: count("active") + count("paused"),
        closed,
        abandoned,
        handed_over: count("handed-over"),
        active_seconds,
        events: rows.iter().map(|r| r.events).sum(),
        commits,
        checkpoints,
        files: rows.iter().map(|r| r.files).sum(),
        commits_per_hour: per_hour(commits),
        checkpoints_per_hour: per_hour(checkpoints),
        completion_rate: (closed + abandoned > 0).then(|| closed as f64 / (closed + abandoned) as f64),
        rows,
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let now = gix::date::Time::now_utc().seconds;
    let (since, period) = if args.project {
        (None, "the whole project".to_owned())
    } else {
        (Some(now - 7 * 86_400), "the last 7 days".to_owned())
    };
    let f = figures(period, rows(ctx, since)?);
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
