//! The command line: one clap derive definition that also generates the man
//! page (`man/git-session.1`) and the shell completions.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

/// Record work sessions (intents, snapshots, checkpoints, decisions, notes,
/// the commits that came out) as git objects under refs/aura/sessions/, so
/// they can be pushed, fetched, resumed, summarised and rewound.
#[derive(Parser, Debug)]
#[command(name = "git-session", bin_name = "git session", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in PATH (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// Act on this session (id, name or unique prefix) instead of the current one.
    #[arg(long, short = 's', global = true, value_name = "SESSION")]
    pub session: Option<String>,
    /// Print no status messages on stderr.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a session in this work tree.
    Start(cmd::start::Args),
    /// Show the current session: objective, progress, intent, blockers, next steps.
    Status(cmd::status::Args),
    /// List sessions.
    List(cmd::list::Args),
    /// Show one session in detail.
    Show(cmd::show::Args),
    /// Record an intent (and a snapshot).
    Intent(cmd::intent::Args),
    /// Take a pre-edit snapshot, naming the files about to be edited.
    Snapshot(cmd::snapshot::Args),
    /// Record a named checkpoint (with a snapshot).
    Checkpoint(cmd::checkpoint::Args),
    /// Record a note, decision, discovery, blocker, next step or progress.
    Note(cmd::note::Args),
    /// Add, complete and list objectives.
    Objective(cmd::objective::Args),
    /// Mark a blocker resolved.
    Resolve(cmd::resolve::Args),
    /// Show a session's timeline.
    Log(cmd::log::Args),
    /// Rename a session.
    Rename(cmd::rename::Args),
    /// Pause a session.
    Pause(cmd::pause::Args),
    /// Resume a session and print its TL;DR.
    Resume(cmd::resume::Args),
    /// Close (or abandon) a session.
    Close(cmd::close::Args),
    /// Fork the current session into a new one.
    Fork(cmd::fork::Args),
    /// Print shell completions.
    Completions(cmd::completions::Args),
    /// Print the man page.
    #[command(hide = true)]
    Manpage(cmd::manpage::Args),
}
