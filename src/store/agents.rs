//! Local state of the agent hooks (never shared):
//!
//! - `<common dir>/aura/agents`: `agent<TAB>agent session id<TAB>session
//!   id<TAB>started|joined` lines binding a coding agent's session to a
//!   git-session session, which the hooks either started for it or found
//!   current and joined (the last line for a pair wins);
//! - `<worktree git dir>/aura/agent-turn`: what the hooks saw in the agent's
//!   current turn (JSON, [`AgentTurn`]), which decides whether a pre-edit
//!   snapshot may look at the named files only;
//! - `<common dir>/aura/transcripts/<session id>`: how much of the agent's
//!   transcript is attached already (JSON, [`TranscriptMark`]).
//!
//! Every value read back is checked like input from elsewhere: a damaged
//! file means "nothing known", never an error that stops an agent.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::journal::append_line;
use super::Store;
use crate::session::{Oid, SessionId};

/// The longest agent session id kept (agents use UUIDs).
const MAX_AGENT_ID: usize = 200;

/// What the hooks saw since the last full snapshot of an agent's turn.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct AgentTurn {
    /// The session the turn records into.
    pub session: Option<SessionId>,
    /// The tree of the last snapshot after which only the agent's edit
    /// tools wrote (set by a full snapshot inside a turn); `None`: the next
    /// snapshot must be a full one.
    #[serde(default)]
    pub trusted_tree: Option<Oid>,
    /// HEAD when `trusted_tree` was taken.
    #[serde(default)]
    pub head: Option<Oid>,
    /// Files the edit tools named since `trusted_tree`.
    #[serde(default)]
    pub edited: Vec<String>,
    /// A tool that may write ran since the session's latest snapshot.
    #[serde(default)]
    pub wrote: bool,
    /// The first line of the turn's prompt (for the label of the checkpoint at its end).
    #[serde(default)]
    pub prompt: Option<String>,
}

/// How much of an agent's transcript is attached to a session.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct TranscriptMark {
    /// The transcript file.
    pub path: String,
    /// Bytes attached so far.
    pub offset: u64,
    /// Parts attached so far (names the next attachment).
    pub parts: u64,
}

impl Store {
    fn agents_path(&self) -> PathBuf {
        self.shared_dir().join("agents")
    }

    /// The session bound to `agent`'s session `agent_session`, if any, and
    /// whether the hooks started it for that agent session.
    pub(crate) fn agent_binding(&self, agent: &str, agent_session: &str) -> Option<(SessionId, bool)> {
        let text = std::fs::read_to_string(self.agents_path()).ok()?;
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(4, '\t');
                Some((parts.next()?, parts.next()?, parts.next()?, parts.next()))
            })
            .filter(|(a, s, _, _)| *a == agent && *s == agent_session)
            .filter_map(|(_, _, id, how)| Some((SessionId::parse(id).ok()?, how == Some("started"))))
            .next_back()
    }

    /// Binds `agent`'s session `agent_session` to `session` (`started`: for
    /// it). An id that cannot be kept on one line, or is absurdly long, is
    /// not bound.
    pub(crate) fn bind_agent(
        &self,
        agent: &str,
        agent_session: &str,
        session: &SessionId,
        started: bool,
    ) -> Result<()> {
        let fits = |s: &str| !s.is_empty() && s.len() <= MAX_AGENT_ID && !s.chars().any(char::is_control);
        if !fits(agent) || !fits(agent_session) {
            return Ok(());
        }
        if self.agent_binding(agent, agent_session) == Some((session.clone(), started)) {
            return Ok(());
        }
        let how = if started { "started" } else { "joined" };
        append_line(
            &self.agents_path(),
            &format!("{agent}\t{agent_session}\t{session}\t{how}\n"),
        )
    }

    fn turn_path(&self) -> PathBuf {
        self.private_dir().join("agent-turn")
    }

    /// What the hooks saw in this work tree's current agent turn.
    pub(crate) fn agent_turn(&self) -> AgentTurn {
        std::fs::read(self.turn_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Replaces this work tree's agent turn state (atomically).
    pub(crate) fn set_agent_turn(&self, turn: &AgentTurn) -> Result<()> {
        write_atomically(&self.turn_path(), &serde_json::to_vec(turn)?)
    }

    fn mark_path(&self, session: &SessionId) -> PathBuf {
        self.shared_dir().join("transcripts").join(session.as_str())
    }

    /// How much of a transcript is attached to `session`.
    pub(crate) fn transcript_mark(&self, session: &SessionId) -> TranscriptMark {
        std::fs::read(self.mark_path(session))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Records how much of a transcript is attached to `session`.
    pub(crate) fn set_transcript_mark(&self, session: &SessionId, mark: &TranscriptMark) -> Result<()> {
        write_atomically(&self.mark_path(session), &serde_json::to_vec(mark)?)
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("state files live in aura/");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
