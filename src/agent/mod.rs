//! The coding agents' front end: `git-session hook <agent>` (what the
//! agents' hooks run, [`hook`]) reading each agent's payloads
//! ([`payload`]), and `git session agent install|uninstall|status` (the
//! agents' configuration files, [`install`]). Like the command line, it opens an [`crate::ops::Engine`]
//! and calls the operations; it never fails the agent.

pub(crate) mod hook;
pub(crate) mod install;
pub(crate) mod payload;

/// The coding agents git-session knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Agent {
    Claude,
    Codex,
    Gemini,
    Cursor,
    Copilot,
}

#[allow(dead_code)] // `title` and `parse` are for `agent install`.
impl Agent {
    pub(crate) const ALL: [Agent; 5] = [
        Agent::Claude,
        Agent::Codex,
        Agent::Gemini,
        Agent::Cursor,
        Agent::Copilot,
    ];

    /// The name on the command line and in the binding file.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Cursor => "cursor",
            Agent::Copilot => "copilot",
        }
    }

    /// How people call it.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Agent::Claude => "Claude Code",
            Agent::Codex => "Codex CLI",
            Agent::Gemini => "Gemini CLI",
            Agent::Cursor => "Cursor",
            Agent::Copilot => "GitHub Copilot CLI",
        }
    }

    /// The agent named `name`.
    pub(crate) fn parse(name: &str) -> Option<Agent> {
        Agent::ALL.into_iter().find(|a| a.name() == name)
    }
}
