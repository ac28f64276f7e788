//! `git-session hook <name>` (hidden): what the installed hook scripts run.
//! It must never stop or slow a commit: it reads `aura/current` and the
//! session head only (no snapshot, no listing), and every failure becomes
//! one warning line on stderr and exit status 0.

use anyhow::Result;

use super::{Ctx, Globals};
use crate::session::trailers;
use crate::store::Store;

/// Arguments of `git-session hook` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub hook: Hook,
}

#[derive(clap::Subcommand, Debug)]
pub enum Hook {
    /// Add `Session-Id` and `Session-Intent` trailers to the message.
    PrepareCommitMsg {
        /// The file holding the commit message.
        file: std::path::PathBuf,
        /// Where the message came from: message, template, merge, squash or commit.
        source: Option<String>,
        /// The commit, for `commit` (amend, `-c`, `-C`).
        commit: Option<String>,
    },
    /// Record the commit just made into the current session.
    PostCommit,
}

/// Runs the hook; never fails.
pub fn run(args: &Args) -> Result<()> {
    let name = match &args.hook {
        Hook::PrepareCommitMsg { .. } => "prepare-commit-msg",
        Hook::PostCommit => "post-commit",
    };
    if let Err(err) = run_hook(&args.hook) {
        eprintln!("warning: git-session {name} hook: {err:#}");
    }
    Ok(())
}

fn run_hook(hook: &Hook) -> Result<()> {
    let ctx = Ctx {
        store: Store::discover(std::path::Path::new("."))?,
        globals: Globals {
            quiet: true,
            session: None,
        },
    };
    if ctx.store.current()?.is_none() {
        return Ok(());
    }
    match hook {
        Hook::PrepareCommitMsg { file, .. } => {
            let target = ctx.target()?;
            let message = std::fs::read_to_string(file)?;
            let id = target.head.id.as_str();
            let intent = target
                .head
                .header
                .intent
                .as_ref()
                .and_then(|i| i.text.lines().next())
                .map(str::trim)
                .filter(|t| !t.is_empty());
            // An amended or reused message that carries this session keeps its trailers.
            if trailers::has_trailer(&message, "Session-Id", id) {
                return Ok(());
            }
            let mut wanted = vec![("Session-Id", id)];
            if let Some(intent) = intent {
                wanted.push(("Session-Intent", intent));
            }
            let comment = ctx
                .store
                .config_string("core.commentString")
                .or_else(|| ctx.store.config_string("core.commentChar"))
                .filter(|c| !c.is_empty() && c != "auto")
                .unwrap_or_else(|| "#".to_owned());
            if let Some(new) = trailers::add_trailers(&message, &wanted, &comment) {
                std::fs::write(file, new)?;
            }
        }
        Hook::PostCommit => {
            let target = ctx.target()?;
            ctx.record(&target, Vec::new())?;
        }
    }
    Ok(())
}
