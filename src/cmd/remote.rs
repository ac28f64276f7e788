//! `git session remote setup [REMOTE]`: opt in to carrying sessions with
//! plain `git fetch` and `git push`, through the remote's refspecs.

use anyhow::{Context, Result};

use super::Ui;
use crate::ops::{self, HookChange};
use crate::render::{out, short_id};

/// Arguments of `git session remote` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Let plain `git fetch` and `git push` carry sessions.
    ///
    /// Adds `+refs/aura/sessions/*:refs/aura/remotes/REMOTE/sessions/*` to
    /// `remote.REMOTE.fetch` (fetched sessions land beside, never over, the
    /// local ones; `git session fetch` merges them), and installs a
    /// `pre-push` hook (chained after the one that is there): `git push` to
    /// REMOTE then also pushes the sessions shared with it — the current
    /// session, and every session pushed there with `git session push`,
    /// `sync` or `handoff` — as `git session push` does, scanned for
    /// secrets; a finding stops the push. No push refspec is added, so how
    /// plain git pushes branches does not change; the refspecs earlier
    /// versions added (`HEAD`, `refs/aura/sessions/*:refs/aura/sessions/*`)
    /// are taken out. Running it twice changes nothing.
    Setup {
        /// The remote (default: `session.remote`, else the branch's upstream
        /// remote, else `origin`).
        #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
        remote: Option<String>,
    },
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let Action::Setup { remote } = &args.action;
    let binary = std::env::current_exe().context("cannot find the git-session binary")?;
    let binary = std::fs::canonicalize(&binary).unwrap_or(binary);
    let setup = ops::remote_setup(&ui.engine, remote.as_deref(), &binary)?;
    let name = &setup.remote;
    if !setup.changed() {
        out(&format!("Remote '{name}' already carries sessions.\n"));
        return Ok(());
    }
    let mut text = format!("Remote '{name}' now carries sessions with plain git:\n");
    for a in &setup.added {
        text.push_str(&format!("  {a}\n"));
    }
    for r in &setup.removed {
        text.push_str(&format!("  removed {r} (it pushed every session, unscanned)\n"));
    }
    if setup.hook != HookChange::Unchanged {
        text.push_str(&format!(
            "  pre-push hook in {}: `git push {name}` also pushes the sessions shared with it, scanned for secrets\n",
            setup.hooks_dir
        ));
    }
    if let Some(id) = &setup.shared {
        text.push_str(&format!(
            "  shared the current session ({}) with {name}\n",
            short_id(id)
        ));
    }
    out(&text);
    Ok(())
}
