//! `git session gc`: archive expired sessions, squash or delete archived ones.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, GcInput};
use crate::render::{esc_line, out, short_id};

/// Arguments of `git session gc` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Closed sessions last updated longer ago than this expire (an age:
    /// `30.days`, `2 weeks`, `12h`, `now`; or a date). Default:
    /// `session.autoArchive`, else 30 days.
    #[arg(long, value_name = "AGE")]
    pub expire: Option<String>,
    /// Also drop the intermediate snapshots of expired archived sessions:
    /// every event and checkpoint stays, and so does every snapshot that
    /// start, intents, checkpoints, rewinds and the latest event hold.
    #[arg(long)]
    pub squash: bool,
    /// Delete expired archived sessions instead (their refs; git's gc prunes
    /// the objects). Asks on a terminal; elsewhere needs --yes.
    #[arg(long)]
    pub delete: bool,
    /// Confirm --delete.
    #[arg(long, short = 'y', requires = "delete")]
    pub yes: bool,
    /// Say what would happen; change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let ask: &dyn Fn(usize) -> bool = &ask_to_delete;
    let done = ops::gc(
        &ui.engine,
        &GcInput {
            expire: args.expire.clone(),
            squash: args.squash,
            delete: args.delete,
            yes: args.yes,
            confirm: Some(ask),
            dry_run: args.dry_run,
        },
    )?;
    if args.json {
        return print_json(&done);
    }
    let (archived, deleted, squashed) = if done.dry_run {
        ("Would archive", "Would delete", "Would squash")
    } else {
        ("Archived", "Deleted", "Squashed")
    };
    let mut text = String::new();
    for (verb, list) in [(archived, &done.archived), (deleted, &done.deleted)] {
        for s in list {
            text.push_str(&format!("{verb} '{}' ({}).\n", esc_line(&s.name), short_id(&s.id)));
        }
    }
    for s in &done.squashed {
        text.push_str(&format!(
            "{squashed} '{}' ({}): {} snapshots dropped.\n",
            esc_line(&s.name),
            short_id(&s.id),
            s.squashed.snapshots_dropped
        ));
    }
    if !done.squashed.is_empty() {
        text.push_str(&format!(
            "{} objects ({} bytes) no longer belong to a session ({} written in their place); `git gc` prunes them.\n",
            done.objects_freed, done.bytes_freed, done.objects_written
        ));
    }
    if text.is_empty() {
        ui.say(format!("Nothing expired before {}.", done.expired_before.as_str()));
        return Ok(());
    }
    out(&text);
    Ok(())
}

/// On a terminal, asks whether to delete `n` archived sessions.
fn ask_to_delete(n: usize) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    eprint!("Delete {n} archived session(s)? Their events cannot be recovered after `git gc`. [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}
