//! `git session hooks install|uninstall|status`: git hooks that make
//! attribution prompt (trailers in the commit message, the `commit` event
//! recorded at once). Without them, commits are still found in the HEAD
//! reflog at the next command.

use anyhow::{Context, Result};

use super::{print_json, Ui};
use crate::ops::{self, HookChange, HookStatus, CHAINED_SUFFIX};
use crate::render::out;

/// Arguments of `git session hooks` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Install the prepare-commit-msg and post-commit hooks.
    ///
    /// Installs into the directory git runs hooks from (`core.hooksPath`,
    /// relative to the top of the work tree, else `.git/hooks` of the main
    /// repository). A hook that is already there is moved to
    /// `<name>.pre-git-session` and runs first, with the same arguments and
    /// input; its exit status still decides (it can stop a commit; ours never
    /// does). Running it twice changes nothing.
    ///
    /// With `--verify`, also a `commit-msg` hook that checks the staged
    /// change against the current intent's scope (`intent --writes`): a
    /// warning, or with `session.verify = block` a refusal, naming the
    /// files outside it. It never stops a commit when git-session itself
    /// fails.
    Install {
        /// Also install the `commit-msg` scope check (`session.verify`: warn, block or off).
        #[arg(long)]
        verify: bool,
    },
    /// Remove the hooks and put back the ones they ran first, byte for byte.
    Uninstall,
    /// Show which hooks are installed, and where.
    Status {
        /// Print one JSON document: the hooks directory and each hook's state.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    match &args.action {
        Action::Install { verify } => {
            let binary = std::env::current_exe().context("cannot find the git-session binary")?;
            let binary = std::fs::canonicalize(&binary).unwrap_or(binary);
            let report = ops::hooks_install(&ui.engine, &binary, *verify)?;
            for (name, change) in &report.hooks {
                let what = match change {
                    HookChange::Unchanged => "already installed".to_owned(),
                    HookChange::Chained => {
                        format!("installed; the hook that was there runs first, as {name}{CHAINED_SUFFIX}")
                    }
                    _ => "installed".to_owned(),
                };
                ui.say(format!("{name}: {what} in {}", report.dir.display()));
            }
        }
        Action::Uninstall => {
            let report = ops::hooks_uninstall(&ui.engine)?;
            for (name, change) in &report.hooks {
                let what = match change {
                    HookChange::Unchanged => "not installed".to_owned(),
                    HookChange::Foreign => "not git-session's; left alone".to_owned(),
                    HookChange::Restored => "removed; the previous hook is back".to_owned(),
                    _ => "removed".to_owned(),
                };
                ui.say(format!("{name}: {what} ({})", report.dir.display()));
            }
        }
        Action::Status { json } => {
            let status = ops::hooks_status(&ui.engine);
            if *json {
                return print_json(&status);
            }
            let mut text = format!("hooks directory: {}\n", status.dir);
            for (name, state) in &status.hooks {
                let what = match state {
                    HookStatus::Absent => "not installed".to_owned(),
                    HookStatus::Foreign => "another hook (not git-session's)".to_owned(),
                    HookStatus::Installed {
                        binary,
                        binary_exists,
                        chained,
                    } => {
                        let mut s = format!("installed, runs {binary}");
                        if !binary_exists {
                            s.push_str(" (missing: run `git session hooks install` again)");
                        }
                        if *chained {
                            s.push_str(&format!(", after {name}{CHAINED_SUFFIX}"));
                        }
                        s
                    }
                };
                text.push_str(&format!("{name}: {what}\n"));
            }
            out(&text);
        }
    }
    Ok(())
}
