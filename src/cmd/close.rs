//! `git session close`: the work is done (or given up).

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::error::{fail, fail_with_hint};
use crate::render::out;
use crate::session::EventKind;
use crate::store::worktree;

/// Arguments of `git session close` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
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

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target_for(args.session.as_deref())?;
    if !target.head.header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {} already",
            target.head.header.name,
            target.head.header.status.as_str()
        )));
    }
    let linked = linked_worktree(&target.head.header);
    if args.remove_worktree {
        match &linked {
            None => {
                return Err(fail(format!(
                    "session '{}' has no linked worktree to remove",
                    target.head.header.name
                )))
            }
            Some(dir) if !worktree::is_clean(dir)? => {
                return Err(fail_with_hint(
                    format!("the worktree {} has changes; nothing was changed", dir.display()),
                    "commit or discard them first, or close without --remove-worktree",
                ))
            }
            Some(_) => {}
        }
    }
    let status = if args.abandon { "abandoned" } else { "closed" };
    let event = if target.current.is_some() && ctx.store.repo.workdir().is_some() {
        ctx.snapshot_event(EventKind::Close)?
    } else {
        ctx.event(EventKind::Close)?
    };
    let event = event.with("status", status).with("reason", args.reason.clone());
    let (head, events) = ctx.record(&target, vec![event])?;
    if target.current.is_some() {
        ctx.store.clear_current()?;
    }
    let mut removed = None;
    if let Some(dir) = linked {
        if args.remove_worktree || (worktree::is_clean(&dir)? && ask_to_remove(&dir)) {
            worktree::remove(&ctx.store.repo, &dir)?;
            removed = Some(dir);
        } else if !args.json && worktree::is_clean(&dir)? {
            eprintln!(
                "hint: its worktree {0} is clean; `git worktree remove {0}` removes it",
                dir.display()
            );
        }
    }
    if args.json {
        let mut v = recorded_json(&head, &events);
        v["removed_worktree"] = removed.map(|d| d.display().to_string()).into();
        return print_json(&v);
    }
    out(&format!("Session '{}' {status}.\n", head.header.name));
    if let Some(dir) = removed {
        out(&format!("Removed the worktree {}.\n", dir.display()));
    }
    Ok(())
}

/// The session's work tree when it is a linked worktree that still exists.
fn linked_worktree(header: &crate::session::SessionHeader) -> Option<PathBuf> {
    let dir = PathBuf::from(header.worktree.as_deref()?);
    dir.join(".git").is_file().then_some(dir)
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
