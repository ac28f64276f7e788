//! `git session list`: the sessions of this repository.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{esc_line, list_table, out, short_id, short_time};

/// Arguments of `git session list` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Include closed and abandoned sessions.
    #[arg(long, short = 'a')]
    pub all: bool,
    /// List the archived sessions instead (see `archive`).
    #[arg(long, conflicts_with = "remote")]
    pub archived: bool,
    /// List the sessions on this remote (as of the last fetch) instead.
    #[arg(long, value_name = "REMOTE", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
    pub remote: Option<String>,
    /// With --remote: fetch the remote's session refs first (nothing is
    /// merged; only the newest --limit sessions are downloaded).
    #[arg(long, requires = "remote")]
    pub refresh: bool,
    /// With --remote: read and show at most this many sessions, the newest
    /// (0: all).
    #[arg(long, requires = "remote", value_name = "N", default_value_t = ops::REMOTE_LIST_LIMIT)]
    pub limit: usize,
    /// Only the sessions linked to this task (`start --task`; exact and
    /// case-sensitive, as issue trackers compare ids).
    #[arg(long, value_name = "ID", conflicts_with_all = ["remote", "archived"])]
    pub task: Option<String>,
    /// Print a JSON array of session headers.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    if let Some(remote) = &args.remote {
        return list_remote(ui, remote, args);
    }
    if args.archived {
        return list_archived(ui, args);
    }
    let listing = ops::list_task(&ui.engine, args.all, args.task.as_deref())?;
    if args.json {
        return print_json(&listing);
    }
    if listing.sessions.is_empty() {
        if let Some(task) = &args.task {
            ui.say(format!(
                "No {}sessions on task {}.",
                if args.all { "" } else { "open " },
                crate::render::esc_line(task)
            ));
            return Ok(());
        }
        ui.say(if args.all {
            "No sessions yet; start one with `git session start`."
        } else {
            "No open sessions; `git session list --all` shows closed ones too."
        });
        return Ok(());
    }
    let current = listing
        .sessions
        .iter()
        .find(|s| s.current)
        .map(|s| s.summary.id.as_str());
    let shown: Vec<_> = listing.sessions.iter().map(|s| &s.summary).collect();
    out(&list_table(
        &shown,
        current,
        listing.here.as_deref(),
        ui.engine.cwd(),
        ui.palette(),
    ));
    Ok(())
}

/// `list --remote R`: the sessions under `refs/aura/remotes/R/sessions/`.
fn list_remote(ui: &Ui, remote: &str, args: &Args) -> Result<()> {
    let listing = ops::list_remote(&ui.engine, remote, args.all, args.refresh, args.limit)?;
    if args.json {
        return print_json(&listing);
    }
    if listing.sessions.is_empty() {
        ui.say(format!(
            "No {}sessions known on {}{}.",
            if args.all { "" } else { "open " },
            listing.remote,
            if args.refresh {
                ""
            } else {
                " (`--refresh` fetches the list)"
            }
        ));
        return Ok(());
    }
    let width = listing
        .sessions
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4);
    let mut text = String::new();
    for r in &listing.sessions {
        let local = match &r.here {
            None => "",
            Some(c) if *c == r.commit => "  (here, same)",
            Some(_) => "  (here, differs)",
        };
        text.push_str(&format!(
            "  {:<width$} {:<11} {} {:<16} {:<24} {}{local}\n",
            esc_line(&r.name),
            r.status.as_str(),
            short_id(&r.id),
            r.branch.as_deref().unwrap_or("-"),
            esc_line(r.owner.as_deref().unwrap_or("-")),
            short_time(&r.updated),
        ));
    }
    if listing.more > 0 {
        text.push_str(&format!(
            "  … and {} more (older; `--limit 0` lists all)\n",
            listing.more
        ));
    }
    out(&text);
    Ok(())
}

/// `list --archived`: the sessions under `refs/aura/archive/`.
fn list_archived(ui: &Ui, args: &Args) -> Result<()> {
    let archived = ops::archived(&ui.engine)?;
    if args.json {
        return print_json(&archived);
    }
    if archived.is_empty() {
        ui.say("No archived sessions.");
        return Ok(());
    }
    let shown: Vec<_> = archived.iter().collect();
    let here = ui.engine.workdir().and_then(|w| std::fs::canonicalize(w).ok());
    out(&list_table(
        &shown,
        None,
        here.as_deref(),
        ui.engine.cwd(),
        ui.palette(),
    ));
    Ok(())
}
