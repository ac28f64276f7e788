//! `git session agent install|uninstall|status`: hook a coding agent (and,
//! with `--mcp`, its MCP client) into git-session through the agent's own
//! configuration files. The files and their merging are the agent front
//! end's (`crate::agent::install`); this verb parses, calls it, and prints.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Result;

use super::print_json;
use crate::agent::install::{self as agent, Action, HooksState, Locations, McpState, Report, Scope};
use crate::agent::Agent;
use crate::ops::{Engine, Options};
use crate::render::{esc, out};

/// Arguments of `git session agent` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: AgentAction,
}

/// A coding agent.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum AgentName {
    /// Claude Code: `.claude/settings.json`, `~/.claude/settings.json`.
    Claude,
    /// OpenAI Codex CLI: `.codex/hooks.json`, `~/.codex/hooks.json`.
    Codex,
    /// Gemini CLI: `.gemini/settings.json`, `~/.gemini/settings.json`.
    Gemini,
    /// Cursor: `.cursor/hooks.json`, `~/.cursor/hooks.json`.
    Cursor,
    /// GitHub Copilot CLI: `.github/hooks/git-session.json`, `~/.copilot/hooks/git-session.json`.
    Copilot,
}

impl From<AgentName> for Agent {
    fn from(name: AgentName) -> Agent {
        match name {
            AgentName::Claude => Agent::Claude,
            AgentName::Codex => Agent::Codex,
            AgentName::Gemini => Agent::Gemini,
            AgentName::Cursor => Agent::Cursor,
            AgentName::Copilot => Agent::Copilot,
        }
    }
}

/// Where the agent's configuration goes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum ScopeName {
    /// The project: files at the top of the work tree.
    #[default]
    Project,
    /// The user: files under $HOME, for every project.
    User,
}

impl From<ScopeName> for Scope {
    fn from(name: ScopeName) -> Scope {
        match name {
            ScopeName::Project => Scope::Project,
            ScopeName::User => Scope::User,
        }
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum AgentAction {
    /// Install the agent's hooks (and, with --mcp, register the MCP server).
    ///
    /// Merges hooks running `git-session hook AGENT` into the agent's
    /// configuration file, keeping everything else in it; running it twice
    /// adds nothing. Prints what it did and what the agent still needs.
    Install {
        #[arg(value_enum)]
        agent: AgentName,
        /// Project (the top of the work tree) or user ($HOME).
        #[arg(long, value_enum, default_value_t)]
        scope: ScopeName,
        /// Also register `git-session mcp` as the agent's MCP server.
        #[arg(long)]
        mcp: bool,
        /// Print one JSON document: `{agent, scope, files: [{file, action, detail}], next_steps}`.
        #[arg(long)]
        json: bool,
    },
    /// Remove what install added: byte for byte when nothing else changed.
    ///
    /// A file install created is deleted (and the directories it created,
    /// when empty); a file that was there is put back exactly, unless it
    /// changed since, in which case only git-session's hooks and MCP server
    /// are taken out of it.
    Uninstall {
        #[arg(value_enum)]
        agent: AgentName,
        /// Project (the top of the work tree) or user ($HOME).
        #[arg(long, value_enum, default_value_t)]
        scope: ScopeName,
        /// Print one JSON document, as install does.
        #[arg(long)]
        json: bool,
    },
    /// Show, per agent and scope, the hooks installed and the MCP registration.
    Status {
        /// Print one JSON document: `{agents: [{agent, scope, hooks_file, hooks, …}]}`.
        #[arg(long)]
        json: bool,
    },
}

/// The repository, when there is one: project scope needs it; user scope
/// and `status` work anywhere.
fn locations(need_repo: bool) -> Result<Locations> {
    let engine = Engine::open(
        Path::new("."),
        Options {
            session: None,
            progress: false,
            warnings: Rc::new(|text| eprintln!("warning: {}", esc(text))),
        },
    );
    let engine = match engine {
        Ok(engine) => Some(engine),
        Err(err) if need_repo => return Err(err),
        Err(_) => None,
    };
    let work_tree = engine.as_ref().and_then(|e| e.workdir()).map(Path::to_owned);
    Ok(Locations {
        project_records: engine
            .as_ref()
            .filter(|_| work_tree.is_some())
            .map(|e| e.private_dir().join("agent-install")),
        work_tree,
        home: std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from),
    })
}

fn say(quiet: bool, line: &str) {
    if !quiet {
        eprintln!("{}", esc(line));
    }
}

fn print_report(quiet: bool, verb: &str, report: &Report) {
    let scope = agent::scope_name(report.scope);
    say(quiet, &format!("{} ({scope} scope):", report.agent.title()));
    for f in &report.files {
        let what = match f.action {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
            Action::Restored => "restored",
            Action::Deleted => "deleted",
        };
        say(quiet, &format!("  {}: {what}: {}", f.file, f.detail));
    }
    if report.files.is_empty() {
        say(quiet, &format!("  nothing to {verb}"));
    }
    for step in &report.next_steps {
        say(quiet, &format!("next: {step}"));
    }
}

/// Runs `git session agent …` (after `-C`), with or without a repository.
pub(crate) fn run(args: &Args, quiet: bool) -> Result<()> {
    match &args.action {
        AgentAction::Install {
            agent,
            scope,
            mcp,
            json,
        } => {
            let scope = Scope::from(*scope);
            let loc = locations(scope == Scope::Project)?;
            let report = agent::install(&loc, Agent::from(*agent), scope, *mcp)?;
            if *json {
                return print_json(&report);
            }
            print_report(quiet, "install", &report);
        }
        AgentAction::Uninstall { agent, scope, json } => {
            let scope = Scope::from(*scope);
            let loc = locations(scope == Scope::Project)?;
            let report = agent::uninstall(&loc, Agent::from(*agent), scope)?;
            if *json {
                return print_json(&report);
            }
            print_report(quiet, "uninstall", &report);
        }
        AgentAction::Status { json } => {
            let loc = locations(false)?;
            let agents = agent::status(&loc);
            if *json {
                return print_json(&serde_json::json!({ "agents": agents }));
            }
            let mut text = String::new();
            if loc.work_tree.is_none() {
                text.push_str("(not in a work tree: user scope only)\n");
            }
            for s in &agents {
                let hooks = match s.hooks {
                    HooksState::Complete => "complete".to_owned(),
                    HooksState::Partial => format!("partial ({} of {} events)", s.installed, s.expected),
                    HooksState::Absent => "absent".to_owned(),
                };
                let mcp = match s.mcp {
                    McpState::Registered => "registered",
                    McpState::Absent => "not registered",
                    McpState::Other => "another server is named git-session",
                };
                text.push_str(&format!(
                    "{:<8} {:<8} hooks {hooks} in {}; MCP {mcp} in {}\n",
                    s.agent.name(),
                    agent::scope_name(s.scope),
                    s.hooks_file,
                    s.mcp_file
                ));
                for p in &s.problems {
                    text.push_str(&format!("  problem: {p}\n"));
                }
            }
            out(&esc(&text));
        }
    }
    Ok(())
}
