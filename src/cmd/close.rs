//! `git session close`: the work is done (or given up).

use std::path::Path;

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, CloseInput};
use crate::render::out;

/// Arguments of `git session close` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// The work is done (the default).
    #[arg(long, conflicts_with = "abandon")]
    pub complete: bool,
    /// The work was given up, not finished.
    #[arg(long)]
    pub abandon: bool,
    /// Why (kept in the session).
    #[arg(long)]
    pub reason: Option<String>,
    /// Also remove the session's linked worktree (made by `start --worktree`);
    /// refused, before anything changes, when it has changes.
    #[arg(long)]
    pub remove_worktree: bool,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let ask: &dyn Fn(&Path) -> bool = &ask_to_remove;
    let closed = ops::close(
        &ui.engine,
        &CloseInput {
            session: args.session.as_deref(),
            abandon: args.abandon,
            reason: args.reason.clone(),
            remove_worktree: args.remove_worktree,
            confirm_removal: Some(ask),
        },
    )?;
    if args.json {
        return print_json(&closed);
    }
    if let Some(dir) = &closed.clean_worktree {
        eprintln!("hint: its worktree {dir} is clean; `git worktree remove {dir}` removes it");
    }
    out(&format!("Session '{}' {}.\n", closed.landed.name, closed.status));
    if let Some(dir) = &closed.removed_worktree {
        out(&format!("Removed the worktree {dir}.\n"));
    }
    Ok(())
}

/// On a terminal, asks whether to remove the clean worktree `dir`.
fn ask_to_remove(dir: &Path) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    eprint!("Its worktree {} is clean. Remove it? [y/N] ", dir.display());
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}
