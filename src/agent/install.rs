//! `git session agent install|uninstall|status`: the coding agents' hook
//! configuration and MCP registration, merged into their own files.
//!
//! One table ([`FACTS`]) says, per agent, which file holds its hooks in
//! each scope, how it lists them, which events to hook and where an MCP
//! server is registered. Every hook runs `git-session hook <agent>`
//! through PATH, and that command string is how our entries are told from
//! the user's: a user's own hooks, in the same event or matcher group,
//! are never touched.
//!
//! Installing records, per file, the bytes it found and the bytes it wrote
//! (project scope: `<git dir>/aura/agent-install/<agent>.json`, private to
//! the work tree; user scope: `$XDG_STATE_HOME/git-session/agent-install/`,
//! else `~/.local/state/git-session/agent-install/`). Uninstalling puts the
//! first back byte for byte when the file still holds the second (a file
//! that did not exist is deleted, with the directories created for it);
//! when something else changed in between, it removes only our entries and
//! keeps the rest. Every file is read and checked before any is written: a
//! file that cannot be parsed is an error that changes nothing.

mod document;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Agent;
use crate::error::fail_with_hint;
pub(crate) use document::McpState;
use document::{Document, HookSpec, Shape, PROGRAM};

impl Agent {
    fn facts(self) -> &'static Facts {
        FACTS
            .iter()
            .find(|f| f.agent == self)
            .expect("every agent has a row in FACTS")
    }

    /// The command our hooks run. Copilot CLI denies a tool whose
    /// `preToolUse` hook fails, so there a missing `git-session` (not on
    /// PATH, uninstalled) must not fail the hook: `|| true`. The other
    /// agents only report a failing hook (exit 2 alone blocks, and
    /// `git-session hook` never exits 2).
    fn command(self) -> String {
        match self {
            Agent::Copilot => format!("{PROGRAM} hook {} || true", self.name()),
            _ => format!("{PROGRAM} hook {}", self.name()),
        }
    }
}

/// An agent in JSON: its name.
fn agent_name<S: serde::Serializer>(agent: &Agent, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(agent.name())
}

/// Where a configuration lives: the project (the top of the work tree) or
/// the user's home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Scope {
    Project,
    User,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Project => "project",
            Scope::User => "user",
        }
    }
}

/// The directory a user-scope file is relative to.
enum Base {
    /// `$HOME`.
    Home,
    /// The variable's value when set, else `$HOME/<dir>` (`CODEX_HOME`, `COPILOT_HOME`).
    Env(&'static str, &'static str),
}

/// A file in both scopes.
struct Place {
    /// Relative to the top of the work tree.
    project: &'static str,
    user_base: Base,
    /// Relative to `user_base`.
    user: &'static str,
}

/// Where and how an agent registers MCP servers.
struct Mcp {
    place: Place,
    /// Codex's `config.toml` (else a JSON `mcpServers` object).
    toml: bool,
    /// The JSON entry (ignored for TOML, which gets `command` and `args`).
    entry: &'static str,
}

/// What git-session knows of one agent.
struct Facts {
    agent: Agent,
    hooks: Place,
    shape: Shape,
    events: &'static [HookSpec],
    mcp: Mcp,
}

const fn on(event: &'static str) -> HookSpec {
    HookSpec { event, matcher: None }
}

const fn tools(event: &'static str, matcher: &'static str) -> HookSpec {
    HookSpec {
        event,
        matcher: Some(matcher),
    }
}

/// The events Claude Code and Codex (which took Claude's names) are hooked on.
const CLAUDE_EVENTS: &[HookSpec] = &[
    on("SessionStart"),
    on("UserPromptSubmit"),
    tools("PreToolUse", "*"),
    on("PreCompact"),
    on("Stop"),
    on("SessionEnd"),
];

/// The stdio MCP entry of Claude Code's `.mcp.json`/`~/.claude.json`.
const MCP_STDIO: &str = r#"{"type":"stdio","command":"git-session","args":["mcp"]}"#;

/// The agents, their files, their events. Every tool event hooks every
/// tool: the hook itself tells edit tools from the others, and must see a
/// shell tool so that the next snapshot is a full one.
const FACTS: &[Facts] = &[
    Facts {
        agent: Agent::Claude,
        hooks: Place {
            project: ".claude/settings.json",
            user_base: Base::Home,
            user: ".claude/settings.json",
        },
        shape: Shape::Grouped {
            timeout: 30,
            named: false,
        },
        events: CLAUDE_EVENTS,
        mcp: Mcp {
            place: Place {
                project: ".mcp.json",
                user_base: Base::Home,
                user: ".claude.json",
            },
            toml: false,
            entry: MCP_STDIO,
        },
    },
    Facts {
        agent: Agent::Codex,
        hooks: Place {
            project: ".codex/hooks.json",
            user_base: Base::Env("CODEX_HOME", ".codex"),
            user: "hooks.json",
        },
        shape: Shape::Grouped {
            timeout: 30,
            named: false,
        },
        events: CLAUDE_EVENTS,
        mcp: Mcp {
            place: Place {
                project: ".codex/config.toml",
                user_base: Base::Env("CODEX_HOME", ".codex"),
                user: "config.toml",
            },
            toml: true,
            entry: "",
        },
    },
    Facts {
        agent: Agent::Gemini,
        hooks: Place {
            project: ".gemini/settings.json",
            user_base: Base::Home,
            user: ".gemini/settings.json",
        },
        // Gemini CLI 0.61 runs a hook without a matcher for every tool
        // and every trigger (`matchesContext`); `*` would do the same.
        shape: Shape::Grouped {
            timeout: 30_000,
            named: true,
        },
        events: &[
            on("SessionStart"),
            on("BeforeAgent"),
            on("BeforeTool"),
            on("PreCompress"),
            on("AfterAgent"),
            on("SessionEnd"),
        ],
        mcp: Mcp {
            place: Place {
                project: ".gemini/settings.json",
                user_base: Base::Home,
                user: ".gemini/settings.json",
            },
            toml: false,
            entry: r#"{"command":"git-session","args":["mcp"]}"#,
        },
    },
    Facts {
        agent: Agent::Cursor,
        hooks: Place {
            project: ".cursor/hooks.json",
            user_base: Base::Home,
            user: ".cursor/hooks.json",
        },
        // Cursor's documented agent events (sessionStart/sessionEnd,
        // beforeSubmitPrompt, beforeShellExecution, afterFileEdit,
        // preCompact, stop): it has no event before an edit.
        shape: Shape::Cursor,
        events: &[
            on("sessionStart"),
            on("beforeSubmitPrompt"),
            on("beforeShellExecution"),
            on("afterFileEdit"),
            on("preCompact"),
            on("stop"),
            on("sessionEnd"),
        ],
        mcp: Mcp {
            place: Place {
                project: ".cursor/mcp.json",
                user_base: Base::Home,
                user: ".cursor/mcp.json",
            },
            toml: false,
            entry: r#"{"command":"git-session","args":["mcp"]}"#,
        },
    },
    Facts {
        agent: Agent::Copilot,
        // Copilot CLI 1.0.102 reads every `*.json` of `.github/hooks/` and of
        // `~/.copilot/hooks/` ("personal hooks"), so the file is ours alone.
        hooks: Place {
            project: ".github/hooks/git-session.json",
            user_base: Base::Env("COPILOT_HOME", ".copilot"),
            user: "hooks/git-session.json",
        },
        shape: Shape::Copilot,
        events: &[
            on("sessionStart"),
            on("userPromptSubmitted"),
            on("preToolUse"),
            on("agentStop"),
            on("sessionEnd"),
        ],
        // `copilot mcp --help`: user `~/.copilot/mcp-config.json`, workspace
        // `.mcp.json` or `.github/mcp.json` (the latter, to stay out of
        // Claude Code's file); the entry is what `copilot mcp add` writes.
        mcp: Mcp {
            place: Place {
                project: ".github/mcp.json",
                user_base: Base::Env("COPILOT_HOME", ".copilot"),
                user: "mcp-config.json",
            },
            toml: false,
            entry: r#"{"type":"local","command":"git-session","args":["mcp"],"tools":["*"]}"#,
        },
    },
];

/// Where the files are: what the front end found out about the repository
/// and the user.
pub(crate) struct Locations {
    /// The top of the work tree (project scope); `None` outside a repository.
    pub(crate) work_tree: Option<PathBuf>,
    /// Where project-scope installs are recorded (a directory private to the work tree).
    pub(crate) project_records: Option<PathBuf>,
    /// `$HOME`.
    pub(crate) home: Option<PathBuf>,
}

impl Locations {
    fn work_tree(&self) -> Result<&Path> {
        self.work_tree.as_deref().ok_or_else(|| {
            fail_with_hint(
                "project scope needs a git work tree, and this is not one",
                "run it in a repository, or use `--scope user`",
            )
        })
    }

    fn home(&self) -> Result<&Path> {
        self.home
            .as_deref()
            .ok_or_else(|| fail_with_hint("HOME is not set", "set HOME, or use `--scope project`"))
    }

    fn path(&self, place: &Place, scope: Scope) -> Result<PathBuf> {
        match scope {
            Scope::Project => Ok(self.work_tree()?.join(place.project)),
            Scope::User => {
                let base = match place.user_base {
                    Base::Home => self.home()?.to_owned(),
                    Base::Env(var, dir) => match std::env::var_os(var).filter(|v| !v.is_empty()) {
                        Some(value) => PathBuf::from(value),
                        None => self.home()?.join(dir),
                    },
                };
                Ok(base.join(place.user))
            }
        }
    }

    /// `path` as the user knows it: relative to the work tree, or `~/…`.
    fn shown(&self, path: &Path) -> String {
        if let Some(rel) = self.work_tree.as_deref().and_then(|w| path.strip_prefix(w).ok()) {
            return rel.display().to_string();
        }
        if let Some(rel) = self.home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
            return format!("~/{}", rel.display());
        }
        path.display().to_string()
    }

    fn record_file(&self, agent: Agent, scope: Scope) -> Result<PathBuf> {
        let dir = match scope {
            Scope::Project => self.project_records.clone().ok_or_else(|| {
                fail_with_hint(
                    "project scope needs a git work tree, and this is not one",
                    "run it in a repository, or use `--scope user`",
                )
            })?,
            Scope::User => {
                let state = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
                    Some(dir) => PathBuf::from(dir),
                    None => self.home()?.join(".local/state"),
                };
                state.join("git-session").join("agent-install")
            }
        };
        Ok(dir.join(format!("{}.json", agent.name())))
    }
}

/// What install wrote into one file, so that uninstall can take exactly that back.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct FileRecord {
    path: PathBuf,
    /// The text before the first install (`None`: there was no file).
    before: Option<String>,
    /// Whether `before` is what the file was right before `after` was
    /// written (false once the file changed behind our back and we wrote again).
    exact: bool,
    /// The text install last wrote.
    after: String,
    /// Directories install created for the file, outermost first.
    created_dirs: Vec<PathBuf>,
    /// Whether install added the MCP server entry.
    mcp_added: bool,
}

/// The record of one agent in one scope.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Record {
    files: Vec<FileRecord>,
}

impl Record {
    /// The record at `path`; an unreadable one counts as none (uninstall
    /// then falls back to removing our entries by their command).
    fn load(path: &Path) -> Record {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn file(&self, path: &Path) -> Option<&FileRecord> {
        self.files.iter().find(|f| f.path == path)
    }

    fn save(&self, path: &Path) -> Result<()> {
        if self.files.is_empty() {
            match std::fs::remove_file(path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    return Err(err).with_context(|| format!("cannot remove {}", path.display()));
                }
                _ => {}
            }
            // `agent-install/` (and user scope's `git-session/`) when empty.
            let dir = path.parent();
            if dir.is_some_and(|d| std::fs::remove_dir(d).is_ok()) {
                if let Some(up) = dir.and_then(Path::parent).filter(|d| d.ends_with("git-session")) {
                    let _ = std::fs::remove_dir(up);
                }
            }
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    /// A new file.
    Created,
    /// Entries added to, or removed from, the file.
    Updated,
    /// Nothing to do.
    Unchanged,
    /// Put back exactly as it was before the install.
    Restored,
    /// Deleted: install had created it.
    Deleted,
}

/// One file `install` or `uninstall` looked at.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FileChange {
    /// As the user knows it (relative to the work tree, or `~/…`).
    pub(crate) file: String,
    pub(crate) action: Action,
    /// What changed in it, for the user.
    pub(crate) detail: String,
}

/// What `install` or `uninstall` did, and what the agent still needs.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Report {
    #[serde(serialize_with = "agent_name")]
    pub(crate) agent: Agent,
    pub(crate) scope: Scope,
    pub(crate) files: Vec<FileChange>,
    /// Steps left to the user before the agent runs the hooks.
    pub(crate) next_steps: Vec<String>,
}

fn read_text(path: &Path, shown: &str) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => document::text_of(bytes, shown).map(Some),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {shown}")),
    }
}

/// A file to write, once every file has been checked.
struct Write {
    path: PathBuf,
    shown: String,
    current: Option<String>,
    /// The new text; `None` deletes the file.
    new: Option<String>,
    change: FileChange,
    mcp_added: bool,
    /// Directories to remove when empty, after a delete.
    remove_dirs: Vec<PathBuf>,
}

/// Creates the missing directories above `path`, returning them outermost first.
fn create_parents(path: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_owned());
        dir = d.parent();
    }
    missing.reverse();
    for d in &missing {
        std::fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    Ok(missing)
}

impl Write {
    /// Carries out the write; returns the directories created.
    fn apply(&self) -> Result<Vec<PathBuf>> {
        match &self.new {
            Some(text) => {
                let created = create_parents(&self.path)?;
                std::fs::write(&self.path, text).with_context(|| format!("cannot write {}", self.shown))?;
                Ok(created)
            }
            None => {
                std::fs::remove_file(&self.path).with_context(|| format!("cannot remove {}", self.shown))?;
                Ok(Vec::new())
            }
        }
    }
}

/// The files of `agent` in `scope`: the hooks file, and the MCP file when
/// `mcp` (one entry when they are the same file).
fn files(loc: &Locations, agent: Agent, scope: Scope, mcp: bool) -> Result<Vec<(PathBuf, bool, bool, bool)>> {
    let facts = agent.facts();
    let hooks = loc.path(&facts.hooks, scope)?;
    let mut out = vec![(hooks.clone(), false, true, false)];
    if mcp {
        let path = loc.path(&facts.mcp.place, scope)?;
        if path == hooks {
            out[0].3 = true;
        } else {
            out.push((path, facts.mcp.toml, false, true));
        }
    }
    Ok(out)
}

/// Installs `agent`'s hooks (and, with `mcp`, registers the MCP server) in `scope`.
pub(crate) fn install(loc: &Locations, agent: Agent, scope: Scope, mcp: bool) -> Result<Report> {
    let facts = agent.facts();
    let command = agent.command();
    let record_file = loc.record_file(agent, scope)?;
    let mut record = Record::load(&record_file);
    let mut writes = Vec::new();
    let mut next_steps = Vec::new();
    for (path, toml, hooks, with_mcp) in files(loc, agent, scope, mcp)? {
        let shown = loc.shown(&path);
        let current = read_text(&path, &shown)?;
        let mut doc = Document::parse(current.as_deref(), toml, &shown)?;
        let mut what = Vec::new();
        if hooks {
            let added = document::add_hooks(&mut doc, facts.shape, facts.events, &command, &shown)?;
            if added > 0 {
                what.push(format!("added {added} hook{}", if added == 1 { "" } else { "s" }));
            }
        }
        let mut mcp_added = false;
        if with_mcp {
            let entry: Value = serde_json::from_str(if toml { "{}" } else { facts.mcp.entry })
                .expect("the MCP entries of FACTS are JSON");
            mcp_added = document::add_mcp(&mut doc, &entry, &shown)?;
            match document::mcp_state(&doc) {
                _ if mcp_added => what.push("registered the MCP server `git-session mcp`".to_owned()),
                McpState::Other => next_steps.push(format!(
                    "{shown} already has an MCP server named `git-session` that runs something else; it was left as it is"
                )),
                _ => {}
            }
        }
        let new = if what.is_empty() { None } else { Some(doc.render()) };
        let action = match (&new, &current) {
            (None, _) => Action::Unchanged,
            (Some(_), None) => Action::Created,
            (Some(_), Some(_)) => Action::Updated,
        };
        let detail = if what.is_empty() {
            "already installed".to_owned()
        } else {
            what.join(", ")
        };
        writes.push(Write {
            path,
            shown: shown.clone(),
            current,
            new,
            change: FileChange {
                file: shown,
                action,
                detail,
            },
            mcp_added,
            remove_dirs: Vec::new(),
        });
    }
    // Everything checked: write.
    let mut changed = false;
    for w in &writes {
        let Some(new) = &w.new else { continue };
        let created_dirs = w.apply()?;
        changed = true;
        let fresh = FileRecord {
            path: w.path.clone(),
            before: w.current.clone(),
            exact: true,
            after: new.clone(),
            created_dirs: created_dirs.clone(),
            mcp_added: w.mcp_added,
        };
        match record.files.iter_mut().find(|f| f.path == w.path) {
            None => record.files.push(fresh),
            // The user deleted the file since: start over.
            Some(r) if w.current.is_none() => *r = fresh,
            Some(r) => {
                // Still exactly what we wrote: the original stays restorable.
                r.exact &= w.current.as_deref() == Some(r.after.as_str());
                r.after = new.clone();
                r.mcp_added |= w.mcp_added;
                r.created_dirs.extend(created_dirs);
            }
        }
    }
    if changed {
        record.save(&record_file)?;
    }
    next_steps.extend(switched_off(loc, agent, &writes));
    next_steps.extend(steps_after_install(agent, scope, mcp));
    Ok(Report {
        agent,
        scope,
        files: writes.into_iter().map(|w| w.change).collect(),
        next_steps,
    })
}

/// A setting that turns all of an agent's hooks off.
struct Switch {
    agent: Agent,
    place: Place,
    toml: bool,
    /// A dotted path (`hooksConfig.enabled`).
    key: &'static str,
    /// The value that turns the hooks off.
    off: bool,
}

const SWITCHES: &[Switch] = &[
    Switch {
        agent: Agent::Claude,
        place: Place {
            project: ".claude/settings.json",
            user_base: Base::Home,
            user: ".claude/settings.json",
        },
        toml: false,
        key: "disableAllHooks",
        off: true,
    },
    Switch {
        agent: Agent::Claude,
        place: Place {
            project: ".claude/settings.local.json",
            user_base: Base::Home,
            user: ".claude/settings.json",
        },
        toml: false,
        key: "disableAllHooks",
        off: true,
    },
    Switch {
        agent: Agent::Codex,
        place: Place {
            project: ".codex/config.toml",
            user_base: Base::Env("CODEX_HOME", ".codex"),
            user: "config.toml",
        },
        toml: true,
        key: "features.hooks",
        off: false,
    },
    Switch {
        agent: Agent::Codex,
        place: Place {
            project: ".codex/config.toml",
            user_base: Base::Env("CODEX_HOME", ".codex"),
            user: "config.toml",
        },
        toml: true,
        key: "features.codex_hooks",
        off: false,
    },
    Switch {
        agent: Agent::Gemini,
        place: Place {
            project: ".gemini/settings.json",
            user_base: Base::Home,
            user: ".gemini/settings.json",
        },
        toml: false,
        key: "hooksConfig.enabled",
        off: false,
    },
    Switch {
        agent: Agent::Copilot,
        place: Place {
            project: ".github/copilot/settings.json",
            user_base: Base::Env("COPILOT_HOME", ".copilot"),
            user: "settings.json",
        },
        toml: false,
        key: "disableAllHooks",
        off: true,
    },
    Switch {
        agent: Agent::Copilot,
        place: Place {
            project: ".github/copilot/settings.local.json",
            user_base: Base::Env("COPILOT_HOME", ".copilot"),
            user: "settings.json",
        },
        toml: false,
        key: "disableAllHooks",
        off: true,
    },
];

/// The settings, in either scope, that keep `agent` from running any hook
/// (git-session leaves them to the user). `written` are the files just
/// written, read as they are now.
fn switched_off(loc: &Locations, agent: Agent, written: &[Write]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for switch in SWITCHES.iter().filter(|s| s.agent == agent) {
        for scope in [Scope::Project, Scope::User] {
            let Ok(path) = loc.path(&switch.place, scope) else {
                continue;
            };
            let shown = loc.shown(&path);
            let text = match written.iter().find(|w| w.path == path) {
                Some(w) => w.new.clone().or_else(|| w.current.clone()),
                None => read_text(&path, &shown).ok().flatten(),
            };
            let Some(doc) = text.and_then(|t| Document::parse(Some(&t), switch.toml, &shown).ok()) else {
                continue;
            };
            let line = format!(
                "{shown} turns every hook off (`{} = {}`): change it, or the hooks never run",
                switch.key, switch.off
            );
            if document::bool_at(&doc, switch.key) == Some(switch.off) && !found.contains(&line) {
                found.push(line);
            }
        }
    }
    found
}

/// What the user still has to do before `agent` runs the hooks.
fn steps_after_install(agent: Agent, scope: Scope, mcp: bool) -> Vec<String> {
    let mut steps = Vec::new();
    if !on_path(PROGRAM) {
        steps.push(format!(
            "`{PROGRAM}` is not on PATH, and the hooks run it by name: add its directory to PATH (or `cargo install` it)"
        ));
    }
    match (agent, scope) {
        (Agent::Claude, _) => {
            steps.push("Claude Code reads hooks when a session starts: restart running sessions".to_owned());
            if mcp && scope == Scope::Project {
                steps.push(
                    "Claude Code asks once before it starts a server of `.mcp.json`: approve `git-session`".to_owned(),
                );
            }
        }
        (Agent::Codex, _) => {
            steps.push(
                "Codex runs new hooks only once you have approved them: open Codex and review them with `/hooks`"
                    .to_owned(),
            );
            if scope == Scope::Project {
                steps
                    .push("Codex reads `.codex/` only in a trusted project: trust this one when Codex asks".to_owned());
            }
        }
        (Agent::Gemini, Scope::Project) => {
            steps.push(
                "Gemini CLI reads `.gemini/settings.json` only in a trusted folder: trust this one when it asks"
                    .to_owned(),
            );
        }
        (Agent::Gemini, Scope::User) => {}
        (Agent::Cursor, _) => steps.push("Cursor reads hooks.json at start: restart Cursor".to_owned()),
        (Agent::Copilot, _) => steps.push(
            "Copilot CLI loads hooks when a session starts; `disableAllHooks` in its settings turns them off"
                .to_owned(),
        ),
    }
    steps
}

/// Whether an executable named `program` is in a directory of PATH.
fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program)).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Removes what `install` added for `agent` in `scope`: byte for byte
/// when nothing else changed, else our entries only.
pub(crate) fn uninstall(loc: &Locations, agent: Agent, scope: Scope) -> Result<Report> {
    let command = agent.command();
    let record_file = loc.record_file(agent, scope)?;
    let record = Record::load(&record_file);
    let known = !record.files.is_empty();
    // The files install wrote; without a record, the agent's usual ones.
    let mut paths: Vec<(PathBuf, bool)> = record
        .files
        .iter()
        .map(|f| (f.path.clone(), f.path.extension().is_some_and(|e| e == "toml")))
        .collect();
    if !known {
        for (path, toml, _, _) in files(loc, agent, scope, true)? {
            paths.push((path, toml));
        }
    }
    let mut writes = Vec::new();
    for (path, toml) in paths {
        let shown = loc.shown(&path);
        let rec = record.file(&path);
        let Some(current) = read_text(&path, &shown)? else {
            if rec.is_some() {
                writes.push(Write {
                    path,
                    shown: shown.clone(),
                    current: None,
                    new: None,
                    change: FileChange {
                        file: shown,
                        action: Action::Unchanged,
                        detail: "already gone".to_owned(),
                    },
                    mcp_added: false,
                    remove_dirs: Vec::new(),
                });
            }
            continue;
        };
        let remove_dirs = rec.map(|r| r.created_dirs.clone()).unwrap_or_default();
        if let Some(r) = rec.filter(|r| r.exact && r.after == current) {
            let (action, detail) = match &r.before {
                Some(_) => (Action::Restored, "put back as it was before the install"),
                None => (Action::Deleted, "the install had created it"),
            };
            writes.push(Write {
                path,
                shown: shown.clone(),
                current: Some(current),
                new: r.before.clone(),
                change: FileChange {
                    file: shown,
                    action,
                    detail: detail.to_owned(),
                },
                mcp_added: false,
                remove_dirs,
            });
            continue;
        }
        let mut doc = Document::parse(Some(&current), toml, &shown)?;
        let mut what = Vec::new();
        if !toml {
            let removed = document::remove_hooks(&mut doc, &command);
            if removed > 0 {
                what.push(format!("removed {removed} hook{}", if removed == 1 { "" } else { "s" }));
            }
        }
        if (!known || rec.is_some_and(|r| r.mcp_added)) && document::remove_mcp(&mut doc) {
            what.push("removed the MCP server `git-session`".to_owned());
        }
        let created = rec.is_some_and(|r| r.before.is_none());
        let (new, action, detail) = if what.is_empty() {
            (
                Some(current.clone()),
                Action::Unchanged,
                "nothing of git-session's in it".to_owned(),
            )
        } else if created && doc.is_empty() {
            (
                None,
                Action::Deleted,
                format!("{}; nothing else was left, so it is deleted", what.join(", ")),
            )
        } else {
            let detail = format!("{}; the rest is kept", what.join(", "));
            (Some(doc.render()), Action::Updated, detail)
        };
        if action == Action::Unchanged && rec.is_none() {
            continue;
        }
        writes.push(Write {
            path,
            shown: shown.clone(),
            current: Some(current),
            new,
            change: FileChange {
                file: shown,
                action,
                detail,
            },
            mcp_added: false,
            remove_dirs,
        });
    }
    let mut dirs = Vec::new();
    for w in &writes {
        if w.change.action != Action::Unchanged {
            w.apply()?;
        }
        if w.change.action == Action::Deleted {
            dirs.extend(w.remove_dirs.iter().cloned());
        }
    }
    // The directories install created, deepest first, and only when empty:
    // the user may have put something there since.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in dirs {
        let _ = std::fs::remove_dir(dir);
    }
    Record::default().save(&record_file)?;
    Ok(Report {
        agent,
        scope,
        files: writes.into_iter().map(|w| w.change).collect(),
        next_steps: Vec::new(),
    })
}

/// How many of an agent's hooks are installed in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum HooksState {
    /// Every event.
    Complete,
    /// Some events.
    Partial,
    /// None.
    Absent,
}

/// What is installed for one agent in one scope.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AgentStatus {
    #[serde(serialize_with = "agent_name")]
    pub(crate) agent: Agent,
    pub(crate) scope: Scope,
    /// The hooks file (relative to the work tree, or `~/…`).
    pub(crate) hooks_file: String,
    pub(crate) hooks: HooksState,
    /// Events hooked, of `expected`.
    pub(crate) installed: usize,
    pub(crate) expected: usize,
    /// The file MCP servers are registered in.
    pub(crate) mcp_file: String,
    pub(crate) mcp: McpState,
    /// Files that could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) problems: Vec<String>,
}

/// What is installed for every agent: project scope when in a work tree,
/// user scope when HOME is set. Files that cannot be read are reported,
/// never fatal.
pub(crate) fn status(loc: &Locations) -> Vec<AgentStatus> {
    let mut out = Vec::new();
    for scope in [Scope::Project, Scope::User] {
        for agent in Agent::ALL {
            let facts = agent.facts();
            let (Ok(hooks_path), Ok(mcp_path)) = (loc.path(&facts.hooks, scope), loc.path(&facts.mcp.place, scope))
            else {
                continue;
            };
            let read = |path: &Path, toml: bool| -> Result<Document> {
                let shown = loc.shown(path);
                let doc = Document::parse(read_text(path, &shown)?.as_deref(), toml, &shown)?;
                if !toml {
                    document::check_hooks(&doc, facts.events, &shown)?;
                }
                Ok(doc)
            };
            let mut problems = Vec::new();
            let installed = match read(&hooks_path, false) {
                Ok(doc) => document::count_hooks(&doc, facts.events, &agent.command()),
                Err(err) => {
                    problems.push(err.to_string());
                    0
                }
            };
            let mcp = if mcp_path == hooks_path && !problems.is_empty() {
                McpState::Absent
            } else {
                match read(&mcp_path, facts.mcp.toml) {
                    Ok(doc) => document::mcp_state(&doc),
                    Err(err) => {
                        problems.push(err.to_string());
                        McpState::Absent
                    }
                }
            };
            let expected = facts.events.len();
            out.push(AgentStatus {
                agent,
                scope,
                hooks_file: loc.shown(&hooks_path),
                hooks: match installed {
                    0 => HooksState::Absent,
                    n if n == expected => HooksState::Complete,
                    _ => HooksState::Partial,
                },
                installed,
                expected,
                mcp_file: loc.shown(&mcp_path),
                mcp,
                problems,
            });
        }
    }
    out
}

/// The scope's name, for messages.
pub(crate) fn scope_name(scope: Scope) -> &'static str {
    scope.name()
}
