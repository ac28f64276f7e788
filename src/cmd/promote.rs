//! `git session promote A`: bring trial A's result onto the current branch,
//! close it, and abandon the other trials of its tasks.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, PromoteInput};
use crate::render::{esc_line, out, short_id};

/// Arguments of `git session promote` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The trial to promote (id, name or unique prefix).
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: String,
    /// Say what would happen; change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let done = ops::promote(
        &ui.engine,
        &PromoteInput {
            session: args.session.clone(),
            dry_run: args.dry_run,
        },
    )?;
    if args.json {
        return print_json(&done);
    }
    let onto = done.branch.as_deref().unwrap_or("detached HEAD");
    let name = esc_line(&done.name);
    let would = if done.dry_run { "Would promote" } else { "Promoted" };
    let how = match done.how.as_str() {
        "fast-forward" => format!("merged (fast-forward, {} commit(s))", done.commits.len()),
        "cherry-pick" => format!("cherry-picked {} commit(s)", done.commits.len()),
        "snapshot" => "committed its latest snapshot".to_owned(),
        _ => "nothing new: the branch has it all".to_owned(),
    };
    let mut text = format!("{would} trial '{name}' onto {onto}: {how}.\n");
    for c in &done.commits {
        let from = c
            .from
            .as_deref()
            .map(|f| format!(" (from {})", crate::session::text::prefix(f, 12)))
            .unwrap_or_default();
        text.push_str(&format!(
            "  {} {}{from}\n",
            crate::session::text::prefix(&c.commit, 12),
            esc_line(&c.subject)
        ));
    }
    for c in &done.skipped {
        text.push_str(&format!(
            "  skipped {} {} (already on {onto})\n",
            crate::session::text::prefix(&c.commit, 12),
            esc_line(&c.subject)
        ));
    }
    for c in &done.closed {
        text.push_str(&format!(
            "{} '{}' ({}) {}: {}\n",
            if done.dry_run { "Would mark" } else { "Marked" },
            esc_line(&c.name),
            short_id(&c.id),
            c.status,
            esc_line(&c.reason)
        ));
    }
    out(&text);
    Ok(())
}
