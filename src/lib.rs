//! git-session: work sessions recorded as git objects under `refs/aura/sessions/`.
//!
//! The binary (`src/main.rs`) is a thin shell around [`run`]; the layers are
//! described in `DESIGN.md` §5: `session` (the domain, no gix), `store`
//! (sessions as commits and refs), `snapshot` (work tree ⇄ tree), `render`
//! (text and JSON views) and `cmd` (one file per verb).

pub mod cli;
pub mod cmd;
pub mod error;
pub mod remote;
pub mod render;
pub mod rewind;
pub mod secrets;
pub mod session;
pub mod snapshot;
pub mod store;
pub mod summary;
#[cfg(test)]
mod testing;

use anyhow::Result;

use cli::{Cli, Command};
use cmd::{Ctx, Globals};

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // Commands that need no repository.
    match &cli.command {
        Command::Completions(args) => return cmd::completions::run(args),
        Command::Manpage(args) => return cmd::manpage::run(args),
        Command::Hook(args) => {
            if let Some(dir) = &cli.dir {
                let _ = std::env::set_current_dir(dir);
            }
            return cmd::hook::run(args);
        }
        _ => {}
    }
    // Like `git -C`: everything, paths on the command line included, is
    // relative to the new directory.
    if let Some(dir) = &cli.dir {
        std::env::set_current_dir(dir).map_err(|err| {
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "no such directory".to_owned(),
                _ => err.to_string(),
            };
            error::fail(format!("cannot change to '{}': {why}", dir.display()))
        })?;
    }
    let ctx = Ctx {
        store: store::Store::discover(std::path::Path::new("."))?,
        globals: Globals {
            quiet: cli.quiet,
            session: cli.session.clone(),
        },
    };
    match &cli.command {
        Command::Start(a) => cmd::start::run(&ctx, a),
        Command::Status(a) => cmd::status::run(&ctx, a),
        Command::List(a) => cmd::list::run(&ctx, a),
        Command::Show(a) => cmd::show::run(&ctx, a),
        Command::Intent(a) => cmd::intent::run(&ctx, a),
        Command::Snapshot(a) => cmd::snapshot::run(&ctx, a),
        Command::Checkpoint(a) => cmd::checkpoint::run(&ctx, a),
        Command::Note(a) => cmd::note::run(&ctx, a),
        Command::Objective(a) => cmd::objective::run(&ctx, a),
        Command::Resolve(a) => cmd::resolve::run(&ctx, a),
        Command::Log(a) => cmd::log::run(&ctx, a),
        Command::Summarize(a) => cmd::summarize::run(&ctx, a),
        Command::Rename(a) => cmd::rename::run(&ctx, a),
        Command::Pause(a) => cmd::pause::run(&ctx, a),
        Command::Resume(a) => cmd::resume::run(&ctx, a),
        Command::Rewind(a) => cmd::rewind::run(&ctx, a),
        Command::Restore(a) => cmd::restore::run(&ctx, a),
        Command::Undo(a) => cmd::undo::run(&ctx, a),
        Command::Diff(a) => cmd::diff::run(&ctx, a),
        Command::Fetch(a) => cmd::fetch::run(&ctx, a),
        Command::Push(a) => cmd::push::run(&ctx, a),
        Command::Handoff(a) => cmd::handoff::run(&ctx, a),
        Command::Sync(a) => cmd::sync::run(&ctx, a),
        Command::Who(a) => cmd::who::run(&ctx, a),
        Command::Claim(a) => cmd::claim::run(&ctx, a),
        Command::Remote(a) => cmd::remote::run(&ctx, a),
        Command::History(a) => cmd::history::run(&ctx, a),
        Command::Context(a) => cmd::context::run(&ctx, a),
        Command::Export(a) => cmd::export::run(&ctx, a),
        Command::Report(a) => cmd::report::run(&ctx, a),
        Command::Close(a) => cmd::close::run(&ctx, a),
        Command::Fork(a) => cmd::fork::run(&ctx, a),
        Command::Hooks(a) => cmd::hooks::run(&ctx, a),
        Command::Completions(_) | Command::Manpage(_) | Command::Hook(_) => unreachable!("handled above"),
    }
}
