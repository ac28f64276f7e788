//! `git session remote setup [REMOTE]`: opt in to carrying sessions with
//! plain `git fetch` and `git push`, through the remote's refspecs.

use anyhow::Result;

use super::Ui;
use crate::ops;
use crate::render::out;

/// Arguments of `git session remote` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Add refspecs so plain `git fetch` and `git push` carry sessions.
    ///
    /// Adds `+refs/aura/sessions/*:refs/aura/remotes/REMOTE/sessions/*` to
    /// `remote.REMOTE.fetch` (fetched sessions land beside, never over, the
    /// local ones; `git session fetch` merges them), and to `remote.REMOTE.push`
    /// both `HEAD` and `refs/aura/sessions/*:refs/aura/sessions/*`. A configured
    /// push refspec replaces git's default, so `HEAD` keeps `git push` pushing
    /// the current branch (to the branch of the same name). Running it twice
    /// adds nothing.
    Setup {
        /// The remote (default: `session.remote`, else the branch's upstream
        /// remote, else `origin`).
        remote: Option<String>,
    },
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let Action::Setup { remote } = &args.action;
    let setup = ops::remote_setup(&ui.engine, remote.as_deref())?;
    if setup.added.is_empty() {
        out(&format!("Remote '{}' already carries sessions.\n", setup.remote));
        return Ok(());
    }
    let mut text = format!("Remote '{}' now carries sessions with plain git:\n", setup.remote);
    for a in &setup.added {
        text.push_str(&format!("  {a}\n"));
    }
    out(&text);
    Ok(())
}
