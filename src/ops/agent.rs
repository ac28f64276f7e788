//! What coding agents' hooks record (`git-session hook <agent>`, and the MCP
//! server finding the agent's session). Each function is one hook event of
//! an agent's turn, mapped onto the session model:
//!
//! - [`agent_begin`] (session start, resume, clear, compact): binds the
//!   agent's session id to a git-session session — the one bound before,
//!   else the work tree's current one (joined), else a new one started for
//!   it — and returns the brief for the agent's context;
//! - [`agent_prompt`]: a `prompt` event (redacted); the first prompt of a
//!   session without an intent becomes its intent; a continuation phrase
//!   ("continue", "where were we") returns the brief instead;
//! - [`agent_pre_edit`]: a pre-edit `snapshot` naming the files an edit
//!   tool is about to write; [`agent_tool`]: a tool that may write anywhere
//!   (a shell, a subagent, an MCP tool) ran;
//! - [`agent_compact`]: a checkpoint before the agent compacts its context;
//! - [`agent_stop`]: the end of a turn: a checkpoint when the turn wrote,
//!   the new part of the transcript attached;
//! - [`agent_end`]: the end of the agent's session: the same, then a pause
//!   when the session was started for it.
//!
//! **Which snapshots look at the named files only.** A full snapshot inside
//! a turn (the first pre-edit snapshot after a prompt) makes the turn
//! *trusted*: until the turn ends (stop, a new prompt), a tool that may write
//! anywhere runs, HEAD moves or the user's index changes, the only writers
//! are the agent's edit tools, whose paths the hooks saw. While it is
//! trusted, a snapshot re-reads just those paths and takes everything else
//! from the previous snapshot (`snapshot::capture_paths`): the same tree a
//! full capture gives. Between turns a person may edit anything, so the
//! first snapshot of every turn is a full one.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Engine, Landed, StartInput};
use crate::session::event::{AgentRef, Labelled, PreEdit, Prompt, Resume, LAST_MESSAGE};
use crate::session::{Body, Event, SessionId, Status};
use crate::store::{AgentTurn, Target, TranscriptMark};

/// The longest prompt kept (characters); longer ones are cut.
const MAX_PROMPT: usize = 8_000;

/// The longest last message kept (characters).
const MAX_LAST_MESSAGE: usize = 2_000;

/// The most of a transcript read at once; a larger increment is attached in
/// parts over the next hooks.
const MAX_TRANSCRIPT_PART: u64 = 256 << 20;

/// The agent's side of a hook call: which agent, and its session id.
#[derive(Clone, Debug)]
pub struct AgentCall {
    /// `claude`, `codex`, `gemini`, `cursor` or `copilot`.
    pub agent: String,
    /// The agent's own session id (`None` when the payload had none).
    pub session: Option<String>,
}

/// How an agent's session began (its `source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginSource {
    Startup,
    Resume,
    Clear,
    Compact,
}

/// The session an agent's session is recorded in.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AgentBegun {
    pub session: SessionId,
    pub name: String,
    /// Started now for the agent.
    pub started: bool,
    /// Was paused and is resumed.
    pub resumed: bool,
    /// The onboarding brief for the agent's context.
    pub brief: crate::summary::Brief,
}

/// Whether the agent hooks record anything here (`session.agentHooks`, default true).
pub fn agent_hooks_enabled(engine: &Engine) -> Result<bool> {
    Ok(engine.store.config_bool("session.agentHooks")? != Some(false))
}

/// The git-session session bound to `agent`'s session `agent_session`.
pub fn agent_session(engine: &Engine, agent: &str, agent_session: &str) -> Result<Option<SessionId>> {
    Ok(engine.store.agent_binding(agent, agent_session).map(|(id, _)| id))
}

/// Binds the agent's session to a git-session session and returns the
/// brief of it (at most `max_chars`).
pub fn agent_begin(engine: &Engine, call: &AgentCall, source: BeginSource, max_chars: usize) -> Result<AgentBegun> {
    let _ = source; // Every source finds the bound session first; a new id (startup, clear) has none.
    let (target, started, resumed) = session_for(engine, call)?;
    if !started {
        engine.store.set_agent_turn(&AgentTurn {
            session: Some(target.head.id.clone()),
            ..AgentTurn::default()
        })?;
    }
    let brief = super::context(
        engine,
        &super::ContextInput {
            session: Some(target.head.id.to_string()),
            max_chars: Some(max_chars),
        },
    )?;
    Ok(AgentBegun {
        session: target.head.id.clone(),
        name: target.head.header.name.clone(),
        started,
        resumed,
        brief,
    })
}

/// The session the agent's events go to, found or started: `(target,
/// started now, resumed now)`.
fn session_for(engine: &Engine, call: &AgentCall) -> Result<(Target, bool, bool)> {
    let current = engine.store.current()?;
    if let Some(agent_session) = &call.session {
        if let Some((id, _)) = engine.store.agent_binding(&call.agent, agent_session) {
            if let Some(head) = engine.store.head(&id)? {
                if head.header.status.is_open() {
                    let current = current.filter(|c| c.session == id);
                    if current.is_some() && head.header.status == Status::Active {
                        return Ok((Target { head, current }, false, false));
                    }
                    // Bound but not current here (paused at the end of the
                    // agent's last session, or the work tree moved on).
                    engine.pause_current(Some(&id))?;
                    let here = engine.store.workdir()?.display().to_string();
                    let target = Target { head, current: None };
                    let event = engine.event(Body::Resume(Resume { worktree: Some(here) }))?;
                    let (head, _) = engine.store.record(&target, vec![event])?;
                    engine.make_current(&head.id)?;
                    let current = engine.store.current()?;
                    return Ok((Target { head, current }, false, true));
                }
            }
        }
    }
    if let Some(c) = current {
        if let Some(head) = engine.store.head(&c.session)? {
            if head.header.status == Status::Active {
                if let Some(agent_session) = &call.session {
                    engine.store.bind_agent(&call.agent, agent_session, &head.id, false)?;
                }
                return Ok((Target { head, current: Some(c) }, false, false));
            }
        }
    }
    let started = super::start(
        engine,
        &StartInput {
            agent: call.session.as_ref().map(|s| AgentRef {
                name: call.agent.clone(),
                session: s.clone(),
            }),
            ..StartInput::default()
        },
    )?;
    let id = started.landed.session.clone();
    engine.store.set_agent_turn(&AgentTurn {
        session: Some(id.clone()),
        ..AgentTurn::default()
    })?;
    let head = engine
        .store
        .head(&id)?
        .context("the session just started cannot be read")?;
    let current = engine.store.current()?;
    Ok((Target { head, current }, true, false))
}

/// A prompt recorded.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PromptRecorded {
    #[serde(flatten)]
    pub landed: Landed,
    /// The prompt asks to continue: the brief is for the agent.
    pub continuation: bool,
    /// It became the session's intent.
    pub intent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<crate::summary::Brief>,
}

/// Records a prompt (redacted, cut to [`MAX_PROMPT`] characters) and starts
/// a new turn. The first prompt of a session that has no intent becomes its
/// intent, unless it is a continuation phrase or a slash command.
pub fn agent_prompt(engine: &Engine, call: &AgentCall, text: &str, max_chars: usize) -> Result<Option<PromptRecorded>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (target, _, _) = session_for(engine, call)?;
    let redacted = redact_text(text);
    let text = crate::session::text::cut(&redacted, MAX_PROMPT);
    let continuation = is_continuation(&text);
    let intent = target.head.header.intent.is_none() && !continuation && !text.starts_with('/');
    let event = engine.event(Body::Prompt(Prompt {
        text: text.clone(),
        agent: Some(call.agent.clone()),
        intent,
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    engine.store.set_agent_turn(&AgentTurn {
        session: Some(head.id.clone()),
        prompt: text.lines().next().map(|l| crate::session::text::cut(l, 60)),
        ..AgentTurn::default()
    })?;
    let brief = if continuation {
        Some(super::context(
            engine,
            &super::ContextInput {
                session: Some(head.id.to_string()),
                max_chars: Some(max_chars),
            },
        )?)
    } else {
        None
    };
    Ok(Some(PromptRecorded {
        landed: Landed::new(&head, events),
        continuation,
        intent,
        brief,
    }))
}

/// Records the plan an agent wrote (Claude Code's plan mode, Codex's
/// `update_plan`), secrets redacted, as the session's plan with the agent
/// as its source; the same plan as the one in force records nothing.
pub fn agent_plan(engine: &Engine, call: &AgentCall, markdown: &str) -> Result<super::PlanRecorded> {
    let markdown = super::plan::checked_markdown(&redact_bytes(markdown.as_bytes()))?;
    let (target, _, _) = session_for(engine, call)?;
    super::plan::record_plan(engine, &target, markdown, Some(call.agent.clone()), None)
}

/// Whether a prompt only asks to pick the work up again.
pub fn is_continuation(text: &str) -> bool {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let phrase = words.join(" ");
    const PHRASES: &[&str] = &[
        "continue",
        "go on",
        "keep going",
        "carry on",
        "resume",
        "where were we",
        "where did we leave off",
        "where did we stop",
        "pick up where we left off",
        "what were we doing",
        "what was i doing",
    ];
    let phrase = phrase
        .trim_start_matches("please ")
        .trim_end_matches(" please")
        .trim_start_matches("ok ")
        .trim_start_matches("okay ");
    PHRASES.iter().any(|p| {
        phrase == *p
            || phrase
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(' ') && rest.split(' ').count() <= 3)
    })
}

/// A pre-edit snapshot recorded (or not, when no named file is in the work tree).
#[derive(Clone, Debug, serde::Serialize)]
pub struct PreEdited {
    #[serde(flatten)]
    pub landed: Landed,
    /// Only the named files were looked at (see the module's documentation).
    pub partial: bool,
    /// The named files outside the current intent's declared scope (`intent
    /// --writes`): a commit of them would be flagged.
    pub outside_scope: Vec<String>,
    /// That scope.
    pub scope: Vec<String>,
}

/// A pre-edit snapshot naming `paths` (absolute, or relative to the
/// engine's directory) that an edit tool is about to write. Paths outside
/// the work tree (or inside `.git`) are left out; with none left, nothing is
/// recorded.
pub fn agent_pre_edit(engine: &Engine, call: &AgentCall, paths: &[PathBuf]) -> Result<Option<PreEdited>> {
    let paths: Vec<String> = paths
        .iter()
        .filter_map(|p| engine.repo_path(p).ok())
        .filter(|p| !p.is_empty() && !p.split('/').any(|c| c == ".git"))
        .collect();
    if paths.is_empty() {
        return Ok(None);
    }
    let (target, _, _) = session_for(engine, call)?;
    let scope = target.head.header.scope.clone();
    let outside_scope = match &target.head.header.intent {
        Some(intent) if !scope.is_empty() => crate::summary::Verdict::judge(Some(&intent.id), &scope, &paths).outside,
        _ => Vec::new(),
    };
    let mut turn = turn_of(engine, &target);
    let (snapshot, partial) = agent_capture(engine, &target, &turn, &paths)?;
    let tree = snapshot.tree.clone();
    let event = engine.event(Body::Snapshot(PreEdit {
        paths: paths.clone(),
        snapshot: Some(snapshot),
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    turn.trusted_tree = Some(tree);
    turn.head = engine.store.head_state()?.commit.map(crate::store::oid);
    turn.edited = paths;
    turn.wrote = true;
    engine.store.set_agent_turn(&turn)?;
    Ok(Some(PreEdited {
        landed: Landed::new(&head, events),
        partial,
        outside_scope,
        scope,
    }))
}

/// A tool that may write anywhere is about to run: nothing is recorded, but
/// the next snapshot looks at the whole work tree.
pub fn agent_tool(engine: &Engine, call: &AgentCall) -> Result<()> {
    let mut turn = engine.store.agent_turn();
    let bound = match &call.session {
        Some(s) => engine.store.agent_binding(&call.agent, s).map(|(id, _)| id),
        None => engine.store.current()?.map(|c| c.session),
    };
    if turn.session.is_some() && turn.session != bound {
        turn = AgentTurn {
            session: bound,
            ..AgentTurn::default()
        };
    }
    turn.trusted_tree = None;
    turn.edited.clear();
    turn.wrote = true;
    engine.store.set_agent_turn(&turn)
}

/// The turn state for `target`, a fresh one when it was another session's.
fn turn_of(engine: &Engine, target: &Target) -> AgentTurn {
    let turn = engine.store.agent_turn();
    if turn.session.as_ref() == Some(&target.head.id) {
        turn
    } else {
        AgentTurn {
            session: Some(target.head.id.clone()),
            ..AgentTurn::default()
        }
    }
}

/// A snapshot of the work tree for an agent's event: of `paths` and the
/// files edited since only, while the turn is trusted (see the module's
/// documentation), else of everything. Also whether it was partial.
fn agent_capture(
    engine: &Engine,
    target: &Target,
    turn: &AgentTurn,
    paths: &[String],
) -> Result<(crate::session::Snapshot, bool)> {
    let head_now = engine.store.head_state()?.commit.map(crate::store::oid);
    let trusted =
        turn.trusted_tree.is_some() && turn.trusted_tree == target.head.header.latest_snapshot && turn.head == head_now;
    let mut capture = None;
    if trusted {
        let mut scope: Vec<String> = turn.edited.iter().chain(paths).cloned().collect();
        scope.sort();
        scope.dedup();
        capture = engine.store.capture_paths(&scope)?;
    }
    let partial = capture.is_some();
    let capture = match capture {
        Some(c) => c,
        None => engine.store.capture()?,
    };
    let snapshot = engine.store.snapshot_of(&capture)?;
    for s in &snapshot.skipped {
        engine.warn(&format!(
            "left {} ({} bytes) out of the snapshot: it is untracked and larger than session.maxUntrackedSize",
            s.path, s.size
        ));
    }
    Ok((snapshot, partial))
}

/// Where an agent's transcript is and what kind of document it is.
#[derive(Clone, Debug)]
pub struct Transcript {
    pub path: PathBuf,
    /// One JSON document (Gemini) rather than JSON lines.
    pub whole_document: bool,
}

/// A checkpoint before the agent compacts its context (`trigger`: `manual`
/// or `auto`), with the new part of the transcript; the header counts it.
pub fn agent_compact(
    engine: &Engine,
    call: &AgentCall,
    trigger: &str,
    transcript: Option<&Transcript>,
) -> Result<Landed> {
    let trigger = match trigger {
        "manual" | "auto" => trigger,
        _ => "auto",
    };
    let (target, _, _) = session_for(engine, call)?;
    let mut turn = turn_of(engine, &target);
    let (snapshot, _) = agent_capture(engine, &target, &turn, &[])?;
    let tree = snapshot.tree.clone();
    let mut event = engine.event(Body::Checkpoint(Labelled {
        text: format!("before compaction ({trigger})"),
        compaction: Some(trigger.to_owned()),
        writes: Vec::new(),
        snapshot: Some(snapshot),
    }))?;
    let part = transcript_part(engine, &target.head.id, transcript, false)?;
    let mut mark = None;
    if let Some((name, blob, m)) = part {
        event.attachments.insert(name, blob);
        mark = Some(m);
    }
    let (head, events) = engine.store.record(&target, vec![event])?;
    if let Some(mark) = mark {
        engine.store.set_transcript_mark(&head.id, &mark)?;
    }
    if turn.trusted_tree.is_some() {
        turn.trusted_tree = Some(tree);
        turn.edited.clear();
    }
    turn.wrote = false;
    engine.store.set_agent_turn(&turn)?;
    Ok(Landed::new(&head, events))
}

/// The end of an agent's turn: a checkpoint when a tool that may write ran
/// since the last snapshot, the new part of the transcript attached (on an
/// `attach` event when nothing else is recorded). `None` when there was
/// nothing to record.
pub fn agent_stop(
    engine: &Engine,
    call: &AgentCall,
    transcript: Option<&Transcript>,
    last_message: Option<&str>,
) -> Result<Option<Landed>> {
    let (target, _, _) = session_for(engine, call)?;
    let turn = turn_of(engine, &target);
    let mut events = Vec::new();
    if turn.wrote {
        events.push(turn_checkpoint(engine, &target, &turn)?);
    }
    finish(engine, target, events, transcript, last_message, false)
}

/// The end of an agent's session: [`agent_stop`], then a pause when the
/// session was started for this agent session (one the agent joined stays
/// current).
pub fn agent_end(engine: &Engine, call: &AgentCall, transcript: Option<&Transcript>) -> Result<Option<Landed>> {
    let (target, _, _) = session_for(engine, call)?;
    let turn = turn_of(engine, &target);
    let mut events = Vec::new();
    if turn.wrote {
        events.push(turn_checkpoint(engine, &target, &turn)?);
    }
    let started_for_it = call
        .session
        .as_ref()
        .and_then(|s| engine.store.agent_binding(&call.agent, s))
        .is_some_and(|(id, started)| started && id == target.head.id);
    if started_for_it {
        events.push(engine.event(Body::Pause)?);
    }
    let pausing = started_for_it && target.current.is_some();
    let landed = finish(engine, target, events, transcript, None, true)?;
    if pausing {
        engine.store.clear_current()?;
    }
    Ok(landed)
}

/// The checkpoint at the end of a turn that wrote.
fn turn_checkpoint(engine: &Engine, target: &Target, turn: &AgentTurn) -> Result<Event> {
    let (snapshot, _) = agent_capture(engine, target, turn, &[])?;
    let label = match &turn.prompt {
        Some(p) => format!("after: {p}"),
        None => "end of an agent turn".to_owned(),
    };
    engine.event(Body::Checkpoint(Labelled {
        text: label,
        compaction: None,
        writes: Vec::new(),
        snapshot: Some(snapshot),
    }))
}

/// Records `events` with the transcript's new part attached to the last of
/// them (or to an `attach` event of its own), and ends the turn. The agent's
/// last message (redacted, cut) rides along as `last-message.md` when
/// something is recorded anyway.
fn finish(
    engine: &Engine,
    target: Target,
    mut events: Vec<Event>,
    transcript: Option<&Transcript>,
    last_message: Option<&str>,
    last: bool,
) -> Result<Option<Landed>> {
    let part = transcript_part(engine, &target.head.id, transcript, last)?;
    let mut mark = None;
    if let Some((name, blob, m)) = part {
        if events.is_empty() {
            events.push(engine.event(Body::Attach)?);
        }
        if let Some(event) = events.last_mut() {
            event.attachments.insert(name, blob);
        }
        mark = Some(m);
    }
    if let (Some(text), Some(event)) = (last_message.map(str::trim).filter(|t| !t.is_empty()), events.last_mut()) {
        let text = crate::session::text::cut(&redact_text(text), MAX_LAST_MESSAGE);
        event
            .attachments
            .insert(LAST_MESSAGE.to_owned(), engine.store.write_blob(text.as_bytes())?);
    }
    let ended = AgentTurn {
        session: Some(target.head.id.clone()),
        ..AgentTurn::default()
    };
    if engine.store.agent_turn() != ended {
        engine.store.set_agent_turn(&ended)?;
    }
    if events.is_empty() {
        return Ok(None);
    }
    let (head, events) = engine.store.record(&target, events)?;
    if let Some(mark) = mark {
        engine.store.set_transcript_mark(&head.id, &mark)?;
    }
    Ok(Some(Landed::new(&head, events)))
}

/// What is new in the transcript since the last attachment, redacted and
/// written as a blob: its attachment name, the blob and the mark to record
/// once the event carrying it landed.
/// JSON lines are taken up to the last complete line (the agent may be
/// writing the next), unless `last`; a whole document is attached whole
/// each time it changed. Off with `session.attachTranscripts=false`.
fn transcript_part(
    engine: &Engine,
    session: &SessionId,
    transcript: Option<&Transcript>,
    last: bool,
) -> Result<Option<(String, crate::session::Oid, TranscriptMark)>> {
    let Some(transcript) = transcript else {
        return Ok(None);
    };
    if engine.store.config_bool("session.attachTranscripts")? == Some(false) {
        return Ok(None);
    }
    let path = transcript.path.display().to_string();
    let Ok(md) = std::fs::metadata(&transcript.path) else {
        return Ok(None);
    };
    if !md.is_file() {
        return Ok(None);
    }
    let mut mark = engine.store.transcript_mark(session);
    if mark.path != path || md.len() < mark.offset || transcript.whole_document {
        if transcript.whole_document && mark.path == path && md.len() == mark.offset {
            return Ok(None);
        }
        mark.path = path;
        mark.offset = 0;
    }
    if md.len() == mark.offset {
        return Ok(None);
    }
    let want = (md.len() - mark.offset).min(MAX_TRANSCRIPT_PART);
    let mut bytes = read_range(&transcript.path, mark.offset, want)?;
    if !transcript.whole_document && !last {
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(end) => bytes.truncate(end + 1),
            None => return Ok(None),
        }
    }
    let redacted = redact_bytes(&bytes);
    let blob = engine.store.write_blob(&redacted)?;
    mark.parts += 1;
    let name = if transcript.whole_document {
        "transcript.json".to_owned()
    } else {
        format!("transcript-{:04}.jsonl", mark.parts)
    };
    mark.offset = if transcript.whole_document {
        md.len()
    } else {
        mark.offset + bytes.len() as u64
    };
    Ok(Some((name, blob, mark)))
}

/// `len` bytes of `path` from `offset`.
fn read_range(path: &Path, offset: u64, len: u64) -> Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    file.seek(SeekFrom::Start(offset))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(len)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// `text` with every secret the push scan would find replaced by a marker.
fn redact_text(text: &str) -> String {
    String::from_utf8_lossy(&redact_bytes(text.as_bytes())).into_owned()
}

/// `bytes` with every secret the push scan would find replaced by a marker
/// ([`crate::secrets::redact`]).
fn redact_bytes(bytes: &[u8]) -> Vec<u8> {
    crate::secrets::redact(bytes).bytes.into_owned()
}
