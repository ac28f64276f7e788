//! `git session compare A B`: two trials of a task side by side — the
//! difference between their latest snapshots, then their summaries.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, CompareInput, DiffFormat, TrialSide};
use crate::render::{duration, esc_line, out, out_bytes};

/// Arguments of `git session compare` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The first trial (id, name or unique prefix): the old side of the diff.
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub a: String,
    /// The second trial: the new side of the diff.
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub b: String,
    /// A diffstat, as `git diff --stat` (the default).
    #[arg(long, group = "format")]
    pub stat: bool,
    /// The whole patch, as `git diff`.
    #[arg(long, group = "format")]
    pub patch: bool,
    /// Status letter and path of each change, as `git diff --name-status`.
    #[arg(long, group = "format")]
    pub name_status: bool,
    /// Only the paths, as `git diff --name-only`.
    #[arg(long, group = "format")]
    pub name_only: bool,
    /// Colour the diff: `auto` (on a terminal; honours NO_COLOR and `color.ui`), `always` or `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Print both sides' summaries and each changed file as JSON.
    #[arg(long, conflicts_with_all = ["stat", "patch", "name_status", "name_only"])]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let format = if args.patch {
        DiffFormat::Patch
    } else if args.name_status {
        DiffFormat::NameStatus
    } else if args.name_only {
        DiffFormat::NameOnly
    } else {
        DiffFormat::Stat
    };
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => !args.json && !ui.palette().bold.is_empty(),
    };
    let compared = ops::compare(
        &ui.engine,
        &CompareInput {
            a: args.a.clone(),
            b: args.b.clone(),
            format,
            color,
        },
    )?;
    if args.json {
        return print_json(&compared);
    }
    if compared.diff.text.is_empty() {
        out("The two latest snapshots are the same.\n");
    } else {
        out_bytes(&compared.diff.text);
    }
    out(&format!("\n{}", table(&compared.a, &compared.b)));
    Ok(())
}

/// The two summaries side by side, one row per measure.
fn table(a: &TrialSide, b: &TrialSide) -> String {
    let commits = |s: &TrialSide| s.commits.len().to_string();
    let rows: Vec<(&str, String, String)> = vec![
        ("", esc_line(&a.name).into_owned(), esc_line(&b.name).into_owned()),
        ("status", a.status.clone(), b.status.clone()),
        ("tasks", tasks(a), tasks(b)),
        ("objectives done", objectives(a), objectives(b)),
        ("commits", commits(a), commits(b)),
        ("checkpoints", a.checkpoints.to_string(), b.checkpoints.to_string()),
        ("active time", duration(a.active_secs), duration(b.active_secs)),
        (
            "files changed",
            a.files_changed.to_string(),
            b.files_changed.to_string(),
        ),
        ("verdicts", verdicts(a), verdicts(b)),
    ];
    let label = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let left = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0).max(12);
    let mut text = String::new();
    for (name, x, y) in rows {
        text.push_str(&format!("{name:<label$}  {x:<left$}  {y}\n"));
    }
    text
}

fn tasks(s: &TrialSide) -> String {
    if s.tasks.is_empty() {
        "-".to_owned()
    } else {
        esc_line(&s.tasks.join(", ")).into_owned()
    }
}

fn objectives(s: &TrialSide) -> String {
    format!("{}/{}", s.objectives_done, s.objectives)
}

/// `2 consistent, 1 flagged, 0 unresolved`, or `-` without commits.
fn verdicts(s: &TrialSide) -> String {
    if s.commits.is_empty() {
        "-".to_owned()
    } else {
        crate::summary::counts_words(&s.verdicts)
    }
}
