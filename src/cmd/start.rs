//! `git session start`: begin a session in this work tree.

use std::path::PathBuf;

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, StartInput};
use crate::render::{out, short_id};

/// Arguments of `git session start` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A unique human name (spaces become dashes); default: `<branch>-<date>`.
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// What you set out to do.
    #[arg(long, short = 'i')]
    pub intent: Option<String>,
    /// Start the session in a new linked worktree at PATH, on a new branch
    /// from HEAD, leaving this work tree (and its session) alone.
    #[arg(long, value_name = "PATH")]
    pub worktree: Option<PathBuf>,
    /// With --worktree: the new branch (default: `session/<name>`).
    #[arg(long, short = 'b', value_name = "BRANCH", requires = "worktree")]
    pub branch: Option<String>,
    /// A task this session works on: an issue-tracker id or any token
    /// without spaces (repeatable). Sessions sharing a task are trials of it
    /// (`git session compare`, `git session promote`).
    #[arg(long, value_name = "ID")]
    pub task: Vec<String>,
    /// Print the new session as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let started = ops::start(
        &ui.engine,
        &StartInput {
            name: args.name.clone(),
            intent: args.intent.clone(),
            worktree: args.worktree.clone(),
            branch: args.branch.clone(),
            agent: None,
            tasks: args.task.clone(),
        },
    )?;
    if let Some(paused) = &started.paused {
        ui.say(format!("Paused session '{paused}'."));
    }
    if args.json {
        return print_json(&started);
    }
    let landed = &started.landed;
    let name = &landed.name;
    if let (Some(dir), Some(branch)) = (&started.worktree, &started.branch) {
        out(&format!(
            "Started session '{name}' ({}) in a new worktree on branch {branch}:\n  cd {}\n",
            short_id(&landed.session),
            shell_quote(dir)
        ));
        return Ok(());
    }
    let branch = landed.header.branch.as_deref().unwrap_or("(detached HEAD)");
    out(&format!(
        "Started session '{name}' ({}) on {branch}.\n",
        short_id(&landed.session)
    ));
    if let Some(tree) = &landed.header.base_snapshot {
        ui.say(format!("Snapshot of the work tree: {}", tree.short(12)));
    }
    Ok(())
}

/// `path` quoted for a POSIX shell when it needs it.
fn shell_quote(path: &str) -> String {
    if path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@".contains(&b))
    {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}
