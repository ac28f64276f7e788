//! `git session hooks install|uninstall|status`: git hooks that make
//! attribution prompt (trailers in the commit message, the `commit` event
//! recorded at once). Without them, commits are still found in the HEAD
//! reflog at the next command.

use anyhow::{Context, Result};

use super::{print_json, Ctx};
use crate::render::out;
use crate::store::hooks::{HookChange, HookState, CHAINED_SUFFIX, HOOK_NAMES};

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
    Install,
    /// Remove the hooks and put back the ones they ran first, byte for byte.
    Uninstall,
    /// Show which hooks are installed, and where.
    Status {
        /// Print one JSON document: the hooks directory and each hook's state.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let dir = ctx.store.hooks_dir();
    match &args.action {
        Action::Install => {
            let binary = std::env::current_exe().context("cannot find the git-session binary")?;
            let binary = std::fs::canonicalize(&binary).unwrap_or(binary);
            for name in HOOK_NAMES {
                let what = match ctx.store.install_hook(&dir, name, &binary)? {
                    HookChange::Unchanged => "already installed".to_owned(),
                    HookChange::Chained => {
                        format!("installed; the hook that was there runs first, as {name}{CHAINED_SUFFIX}")
                    }
                    _ => "installed".to_owned(),
                };
                ctx.say(format!("{name}: {what} in {}", dir.display()));
            }
        }
        Action::Uninstall => {
            for name in HOOK_NAMES {
                let what = match ctx.store.uninstall_hook(&dir, name)? {
                    HookChange::Unchanged => "not installed".to_owned(),
                    HookChange::Foreign => "not git-session's; left alone".to_owned(),
                    HookChange::Restored => "removed; the previous hook is back".to_owned(),
                    _ => "removed".to_owned(),
                };
                ctx.say(format!("{name}: {what} ({})", dir.display()));
            }
        }
        Action::Status { json } => {
            let states: Vec<(&str, HookState)> =
                HOOK_NAMES.iter().map(|n| (*n, ctx.store.hook_state(&dir, n))).collect();
            if *json {
                let hooks: serde_json::Map<String, serde_json::Value> = states
                    .iter()
                    .map(|(name, state)| {
                        let value = match state {
                            HookState::Absent => serde_json::json!({"state": "absent"}),
                            HookState::Foreign => serde_json::json!({"state": "foreign"}),
                            HookState::Ours { binary, chained } => serde_json::json!({
                                "state": "installed",
                                "binary": binary.to_string_lossy(),
                                "binary_exists": binary.is_file(),
                                "chained": chained,
                            }),
                        };
                        ((*name).to_owned(), value)
                    })
                    .collect();
                return print_json(&serde_json::json!({
                    "dir": dir.to_string_lossy(),
                    "hooks": hooks,
                }));
            }
            let mut text = format!("hooks directory: {}\n", dir.display());
            for (name, state) in &states {
                let what = match state {
                    HookState::Absent => "not installed".to_owned(),
                    HookState::Foreign => "another hook (not git-session's)".to_owned(),
                    HookState::Ours { binary, chained } => {
                        let mut s = format!("installed, runs {}", binary.display());
                        if !binary.is_file() {
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
