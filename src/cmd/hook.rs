//! `git-session hook <name>` (hidden): what the installed hook scripts run.
//! The commit hooks must never stop or slow a commit: they read
//! `aura/current` and the session head only (no snapshot, no listing), and
//! every failure becomes one warning line on stderr and exit status 0. The
//! `pre-push` hook pushes the sessions shared with the remote and fails
//! (stopping the push) when the secrets scan finds something.

use std::path::Path;
use std::rc::Rc;

use anyhow::Result;

use crate::agent::Agent;
use crate::ops::{self, Engine, Options};

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
    /// Check the staged change against the current intent's scope (`session.verify`).
    CommitMsg {
        /// The file holding the commit message.
        file: Option<std::path::PathBuf>,
    },
    /// Record the commit just made into the current session.
    PostCommit,
    /// Push the sessions shared with the remote, scanned (plain `git push`).
    PrePush {
        /// The remote's name (or its URL when it has none).
        remote: String,
        /// Its URL.
        url: Option<String>,
    },
    /// A Claude Code hook: its JSON payload on stdin (`git session agent install claude`).
    Claude(AgentHook),
    /// A Codex CLI hook: its JSON payload on stdin.
    Codex(AgentHook),
    /// A Gemini CLI hook: its JSON payload on stdin.
    Gemini(AgentHook),
    /// A Cursor hook: its JSON payload on stdin.
    Cursor(AgentHook),
    /// A GitHub Copilot CLI hook: its JSON payload on stdin.
    Copilot(AgentHook),
    /// A hook of a newer version (another agent, more arguments): a warning
    /// and exit status 0, so that a hook installed by a newer git-session
    /// never blocks an agent (exit 2 would).
    #[command(external_subcommand)]
    Other(Vec<String>),
}

/// The arguments of an agent's hook: none today; any a newer version's
/// hook passes are taken and ignored, so that they never fail the agent.
#[derive(clap::Args, Debug)]
pub struct AgentHook {
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

/// Runs the hook; only `pre-push` ever fails.
pub(crate) fn run(args: &Args) -> Result<()> {
    let agent = match &args.hook {
        Hook::Claude(_) => Some(Agent::Claude),
        Hook::Codex(_) => Some(Agent::Codex),
        Hook::Gemini(_) => Some(Agent::Gemini),
        Hook::Cursor(_) => Some(Agent::Cursor),
        Hook::Copilot(_) => Some(Agent::Copilot),
        _ => None,
    };
    if let Some(agent) = agent {
        return crate::agent::hook::run(agent);
    }
    if let Hook::Other(words) = &args.hook {
        let name = words.first().map_or("", String::as_str);
        eprintln!(
            "warning: git-session {}: no such hook in this version; nothing recorded",
            crate::render::esc_line(name)
        );
        return Ok(());
    }
    if let Hook::CommitMsg { .. } = &args.hook {
        return verify();
    }
    let name = match &args.hook {
        Hook::PrepareCommitMsg { .. } => "prepare-commit-msg",
        Hook::PostCommit => "post-commit",
        Hook::PrePush { .. } => return run_hook(&args.hook),
        _ => return Ok(()),
    };
    if let Err(err) = run_hook(&args.hook) {
        eprintln!("warning: git-session {name} hook: {err:#}");
    }
    Ok(())
}

/// `commit-msg`: a warning, or with `session.verify = block` a refusal
/// (exit status [`ops::BLOCK_STATUS`], which the script turns into 1),
/// for staged files outside the current intent's scope. Our own failures
/// are one warning line and let the commit through.
fn verify() -> Result<()> {
    if std::env::var_os("GIT_SESSION_DISABLE").is_some_and(|v| !v.is_empty() && v != "0") {
        return Ok(());
    }
    let found = open_engine().and_then(|engine| ops::hook_commit_msg(&engine));
    let found = match found {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(()),
        Err(err) => {
            eprintln!("warning: git-session commit-msg hook: {err:#} (the commit goes ahead)");
            return Ok(());
        }
    };
    const SHOWN: usize = 10;
    let esc = crate::render::esc_line;
    let mut text = format!(
        "{} outside the scope of the intent '{}' (writes {}):\n",
        match found.outside.len() {
            1 => "1 file".to_owned(),
            n => format!("{n} files"),
        },
        esc(crate::session::text::prefix(
            found.intent.lines().next().unwrap_or(""),
            80
        )),
        esc(&found.scope.join(" "))
    );
    for path in found.outside.iter().take(SHOWN) {
        text.push_str(&format!("    {}\n", esc(path)));
    }
    if found.outside.len() > SHOWN {
        text.push_str(&format!("    … and {} more\n", found.outside.len() - SHOWN));
    }
    let widen = "hint: record an intent that covers them: git session intent TEXT --writes PATHSPEC…";
    if found.mode == ops::VerifyMode::Block {
        eprint!("error: git-session: the commit touches {text}{widen}\nhint: or commit anyway with git commit --no-verify (session.verify = block)\n");
        std::process::exit(ops::BLOCK_STATUS);
    }
    eprintln!("warning: git-session: this commit touches {text}{widen}");
    Ok(())
}

fn open_engine() -> Result<Engine> {
    Engine::open(
        Path::new("."),
        Options {
            session: None,
            progress: false,
            warnings: Rc::new(|text| eprintln!("warning: {text}")),
        },
    )
}

fn run_hook(hook: &Hook) -> Result<()> {
    let engine = open_engine()?;
    match hook {
        Hook::PrepareCommitMsg { file, .. } => ops::hook_prepare_commit_msg(&engine, file),
        Hook::PostCommit => ops::hook_post_commit(&engine),
        Hook::PrePush { remote, .. } => ops::hook_pre_push(&engine, remote),
        _ => Ok(()),
    }
}
