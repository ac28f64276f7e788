//! One event of a session: `event.json` in an event commit's tree.
//!
//! The common fields (id, Lamport clock, time, author, HEAD and branch) are
//! typed and checked when read; the fields of each kind are a [`Body`]
//! variant. An event of a kind this version does not know (written by a
//! newer one) reads as [`Body::Unknown`], which keeps the document exactly
//! as it was written: it serialises back byte for byte.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::id::{EventId, Oid, SessionId};
use super::time::Timestamp;
use super::FORMAT;

/// Who recorded an event (the user's git identity).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// An untracked file that a snapshot left out because it was too large.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub size: u64,
}

/// The snapshot an event carries: the work tree as a tree (also the
/// `worktree/` entry of the event commit), the index when it differs from
/// both HEAD and the work tree, and the files left out.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Snapshot {
    pub tree: Oid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staged: Option<Oid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedFile>,
}

impl Snapshot {
    pub fn of(tree: Oid) -> Snapshot {
        Snapshot {
            tree,
            staged: None,
            skipped: Vec::new(),
        }
    }
}

/// The kinds this version knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Start,
    Intent,
    Snapshot,
    Checkpoint,
    Note,
    Decision,
    Discovery,
    Blocker,
    BlockerResolved,
    Objective,
    ObjectiveDone,
    Next,
    Progress,
    Commit,
    Branch,
    Pause,
    Resume,
    Rename,
    Fork,
    Rewind,
    Restore,
    Undo,
    Handoff,
    Close,
    Merge,
    Attach,
    Claim,
    Arrived,
    Prompt,
    Plan,
}

impl EventKind {
    pub const ALL: [EventKind; 30] = [
        EventKind::Start,
        EventKind::Intent,
        EventKind::Snapshot,
        EventKind::Checkpoint,
        EventKind::Note,
        EventKind::Decision,
        EventKind::Discovery,
        EventKind::Blocker,
        EventKind::BlockerResolved,
        EventKind::Objective,
        EventKind::ObjectiveDone,
        EventKind::Next,
        EventKind::Progress,
        EventKind::Commit,
        EventKind::Branch,
        EventKind::Pause,
        EventKind::Resume,
        EventKind::Rename,
        EventKind::Fork,
        EventKind::Rewind,
        EventKind::Restore,
        EventKind::Undo,
        EventKind::Handoff,
        EventKind::Close,
        EventKind::Merge,
        EventKind::Attach,
        EventKind::Claim,
        EventKind::Arrived,
        EventKind::Prompt,
        EventKind::Plan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Start => "start",
            EventKind::Intent => "intent",
            EventKind::Snapshot => "snapshot",
            EventKind::Checkpoint => "checkpoint",
            EventKind::Note => "note",
            EventKind::Decision => "decision",
            EventKind::Discovery => "discovery",
            EventKind::Blocker => "blocker",
            EventKind::BlockerResolved => "blocker-resolved",
            EventKind::Objective => "objective",
            EventKind::ObjectiveDone => "objective-done",
            EventKind::Next => "next",
            EventKind::Progress => "progress",
            EventKind::Commit => "commit",
            EventKind::Branch => "branch",
            EventKind::Pause => "pause",
            EventKind::Resume => "resume",
            EventKind::Rename => "rename",
            EventKind::Fork => "fork",
            EventKind::Rewind => "rewind",
            EventKind::Restore => "restore",
            EventKind::Undo => "undo",
            EventKind::Handoff => "handoff",
            EventKind::Close => "close",
            EventKind::Merge => "merge",
            EventKind::Attach => "attach",
            EventKind::Claim => "claim",
            EventKind::Arrived => "arrived",
            EventKind::Prompt => "prompt",
            EventKind::Plan => "plan",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `start`: the first event of a session.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Start {
    #[serde(default)]
    pub name: String,
    /// The work tree it was started in (absolute path, informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// The intent it was started with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The coding agent's session this one was started for (agent hooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// The tasks (issue-tracker ids or any tokens) the session works on:
    /// sessions sharing one are trials of it (`compare`, `promote`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// A coding agent's session: which agent (`claude`, `codex`, …) and its own id.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgentRef {
    pub name: String,
    pub session: String,
}

/// The attachment holding a coding agent's last message of a turn (agent hooks).
pub const LAST_MESSAGE: &str = "last-message.md";

/// `prompt`: what a person asked a coding agent, secrets redacted (agent hooks).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Prompt {
    #[serde(default)]
    pub text: String,
    /// The agent it was given to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The prompt became the session's intent (the first one of a session without one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intent: bool,
}

/// `plan`: a version of the plan the session works from. The markdown is
/// the event's attachment [`super::plan::PLAN_FILE`]; these fields say what
/// it holds, for the header and for readers that do not open it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlanSet {
    /// Its title: the first heading, else the first non-empty line (cut).
    #[serde(default)]
    pub text: String,
    /// 1 for the first plan of the session, then one more each time.
    #[serde(default)]
    pub version: u64,
    /// Checked and all checklist items (`- [x]`, `- [ ]`).
    #[serde(default)]
    pub done: u64,
    #[serde(default)]
    pub total: u64,
    /// The checklist item `plan done` (or `plan undone`) changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Who set it: `cli`, `mcp`, `claude`, `codex`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `fork`: the first event of a session forked from another.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fork {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_session: Option<SessionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_event: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// The fork's tasks: its parent's unless it was given its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// `intent` and `checkpoint`: a text (the intent, the label) and a snapshot.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Labelled {
    #[serde(default)]
    pub text: String,
    /// A checkpoint taken before an agent compacted its context: `manual` or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compaction: Option<String>,
    /// An intent's declared scope: git pathspecs relative to the top of the
    /// work tree (`git session intent --writes`), each as
    /// `diff::scope::declare` wrote it. Empty: no scope declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writes: Vec<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// `snapshot`: a pre-edit snapshot naming the files about to be edited.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PreEdit {
    /// `/`-separated, relative to the work tree.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// `note`, `discovery`, `blocker`, `next`, `progress`, `objective`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Text {
    #[serde(default)]
    pub text: String,
}

/// `decision`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Decision {
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
}

/// `blocker-resolved`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlockerResolved {
    /// The blocker's event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolves: Option<EventId>,
    #[serde(default)]
    pub text: String,
}

/// `objective-done`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ObjectiveDone {
    /// The objective's event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<EventId>,
    #[serde(default)]
    pub text: String,
}

/// What tied a commit to the session beyond being made in its work tree.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// The message carries this session's `Session-Id` trailer.
    Trailer,
    /// A rebase pick or cherry-pick with the stable patch id of a commit the session recorded.
    PatchId,
    /// A squash message quoting commits the session recorded.
    Squash,
    /// A reason a newer version gave.
    #[serde(other)]
    Other,
}

/// `commit`: a commit made during the session.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitSeen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<Oid>,
    #[serde(default)]
    pub subject: String,
    /// The reflog message it was found by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflog: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_by: Option<Attribution>,
    /// The commit of the session it is a rewrite of (same patch id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewritten_from: Option<Oid>,
    /// The commits (ids as quoted, possibly abbreviated) a squash message quotes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub squashed: Vec<String>,
    /// A merge: the first parent it was made on, and the session's baseline
    /// afterwards (what the merge brought in is not the session's work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_onto: Option<Oid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_base: Option<Oid>,
}

/// `branch`: HEAD moved to another branch.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BranchMove {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The commits HEAD moved between (what the switch brought in is not
    /// the session's work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_commit: Option<Oid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_commit: Option<Oid>,
    /// The session's baseline after the switch (see [`Arrived::work_base`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_base: Option<Oid>,
}

/// `arrived`: HEAD moved to commits from elsewhere — a pull, a fast-forward
/// merge, the upstream a rebase starts from. What they changed is not the
/// session's work.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Arrived {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Oid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Oid>,
    /// The reflog message it was found by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflog: Option<String>,
    /// The session's baseline afterwards: its first snapshot with every
    /// change that arrived from elsewhere since applied. What the session
    /// did is the difference between this and its latest snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_base: Option<Oid>,
}

/// `resume`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Resume {
    /// The work tree it was resumed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
}

/// `rename`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rename {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
}

/// `handoff`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Handoff {
    /// The note for whoever picks it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// `close`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Close {
    /// `closed` or `abandoned`.
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
}

/// `claim`: advisory claims on paths.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claim {
    #[serde(default)]
    pub paths: Vec<String>,
}

/// `merge`: two diverged heads of the session joined.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Merge {
    /// The two event commits joined (also the commit's parents).
    #[serde(default)]
    pub heads: Vec<Oid>,
    /// The remote the other head came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// How many events came from it.
    #[serde(default)]
    pub added: u64,
    #[serde(default)]
    pub text: String,
}

/// A commit a rewind reverted or dropped.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitLine {
    pub commit: String,
    #[serde(default)]
    pub subject: String,
}

/// `rewind`, `restore` and `undo`. The snapshot is the work tree the
/// operation replaced; `after` the one it left.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rewound {
    #[serde(flatten)]
    pub snapshot: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Oid>,
    /// The snapshot asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Oid>,
    /// The user's index, as a tree, before the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<Oid>,
    #[serde(default)]
    pub written: u64,
    #[serde(default)]
    pub removed: u64,
    #[serde(default)]
    pub text: String,
    /// `rewind`, `restore`: the event rewound to, and its commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_commit: Option<Oid>,
    /// `rewind`: `keep`, `revert` or `reset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<String>,
    /// `restore`: the paths brought back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// `undo`: the event taken back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<EventId>,
    /// When the branch moved: which ref, from where to where.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub refname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_before: Option<Oid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_after: Option<Oid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone: Option<Vec<CommitLine>>,
    /// The revert commits made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Vec<Oid>>,
}

/// An event of a kind this version does not know, exactly as written.
#[derive(Clone, Debug)]
pub struct Unknown {
    pub kind: String,
    /// Every field of the document, common ones included.
    pub fields: Map<String, Value>,
    raw: Box<RawValue>,
}

impl PartialEq for Unknown {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl Unknown {
    /// The document as it was read.
    pub fn raw(&self) -> &str {
        self.raw.get()
    }
}

/// The fields of each kind.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    Start(Start),
    Fork(Fork),
    Intent(Labelled),
    Checkpoint(Labelled),
    Snapshot(PreEdit),
    Note(Text),
    Decision(Decision),
    Discovery(Text),
    Blocker(Text),
    BlockerResolved(BlockerResolved),
    Objective(Text),
    ObjectiveDone(ObjectiveDone),
    Next(Text),
    Progress(Text),
    Commit(CommitSeen),
    Branch(BranchMove),
    Pause,
    Resume(Resume),
    Rename(Rename),
    Rewind(Rewound),
    Restore(Rewound),
    Undo(Rewound),
    Handoff(Handoff),
    Close(Close),
    Merge(Merge),
    Attach,
    Claim(Claim),
    Arrived(Arrived),
    Prompt(Prompt),
    Plan(PlanSet),
    /// Never serialised through this derive: [`Event`] writes it as read.
    #[serde(skip)]
    Unknown(Unknown),
}

impl Body {
    /// The kind, `None` for [`Body::Unknown`].
    pub fn known_kind(&self) -> Option<EventKind> {
        Some(match self {
            Body::Start(_) => EventKind::Start,
            Body::Fork(_) => EventKind::Fork,
            Body::Intent(_) => EventKind::Intent,
            Body::Checkpoint(_) => EventKind::Checkpoint,
            Body::Snapshot(_) => EventKind::Snapshot,
            Body::Note(_) => EventKind::Note,
            Body::Decision(_) => EventKind::Decision,
            Body::Discovery(_) => EventKind::Discovery,
            Body::Blocker(_) => EventKind::Blocker,
            Body::BlockerResolved(_) => EventKind::BlockerResolved,
            Body::Objective(_) => EventKind::Objective,
            Body::ObjectiveDone(_) => EventKind::ObjectiveDone,
            Body::Next(_) => EventKind::Next,
            Body::Progress(_) => EventKind::Progress,
            Body::Commit(_) => EventKind::Commit,
            Body::Branch(_) => EventKind::Branch,
            Body::Pause => EventKind::Pause,
            Body::Resume(_) => EventKind::Resume,
            Body::Rename(_) => EventKind::Rename,
            Body::Rewind(_) => EventKind::Rewind,
            Body::Restore(_) => EventKind::Restore,
            Body::Undo(_) => EventKind::Undo,
            Body::Handoff(_) => EventKind::Handoff,
            Body::Close(_) => EventKind::Close,
            Body::Merge(_) => EventKind::Merge,
            Body::Attach => EventKind::Attach,
            Body::Claim(_) => EventKind::Claim,
            Body::Arrived(_) => EventKind::Arrived,
            Body::Prompt(_) => EventKind::Prompt,
            Body::Plan(_) => EventKind::Plan,
            Body::Unknown(_) => return None,
        })
    }

    /// The kind as written in `event.json`.
    pub fn kind(&self) -> &str {
        match self {
            Body::Unknown(u) => &u.kind,
            known => known.known_kind().map_or("", EventKind::as_str),
        }
    }

    /// The snapshot this event carries, if any.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Body::Start(b) => b.snapshot.as_ref(),
            Body::Fork(b) => b.snapshot.as_ref(),
            Body::Intent(b) | Body::Checkpoint(b) => b.snapshot.as_ref(),
            Body::Snapshot(b) => b.snapshot.as_ref(),
            Body::Rewind(b) | Body::Restore(b) | Body::Undo(b) => b.snapshot.as_ref(),
            Body::Handoff(b) => b.snapshot.as_ref(),
            Body::Close(b) => b.snapshot.as_ref(),
            _ => None,
        }
    }

    /// A mutable handle on the snapshot slot of the kinds that can carry one.
    pub fn snapshot_slot(&mut self) -> Option<&mut Option<Snapshot>> {
        match self {
            Body::Start(b) => Some(&mut b.snapshot),
            Body::Fork(b) => Some(&mut b.snapshot),
            Body::Intent(b) | Body::Checkpoint(b) => Some(&mut b.snapshot),
            Body::Snapshot(b) => Some(&mut b.snapshot),
            Body::Rewind(b) | Body::Restore(b) | Body::Undo(b) => Some(&mut b.snapshot),
            Body::Handoff(b) => Some(&mut b.snapshot),
            Body::Close(b) => Some(&mut b.snapshot),
            _ => None,
        }
    }

    /// The free text of the event (note text, intent, label, …).
    pub fn text(&self) -> Option<&str> {
        match self {
            Body::Start(b) => b.text.as_deref(),
            Body::Intent(b) | Body::Checkpoint(b) => Some(&b.text),
            Body::Note(b)
            | Body::Discovery(b)
            | Body::Blocker(b)
            | Body::Next(b)
            | Body::Progress(b)
            | Body::Objective(b) => Some(&b.text),
            Body::Decision(b) => Some(&b.text),
            Body::BlockerResolved(b) => Some(&b.text),
            Body::ObjectiveDone(b) => Some(&b.text),
            Body::Rewind(b) | Body::Restore(b) | Body::Undo(b) => Some(&b.text),
            Body::Handoff(b) => b.text.as_deref(),
            Body::Merge(b) => Some(&b.text),
            Body::Prompt(b) => Some(&b.text),
            Body::Plan(b) => Some(&b.text),
            Body::Unknown(u) => u.fields.get("text").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// One event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub format: u32,
    pub id: EventId,
    /// Lamport clock: greater than the clock of every event it follows.
    pub clock: u64,
    pub time: Timestamp,
    pub author: Person,
    /// HEAD of the work tree when the event was recorded (the anchor parent).
    pub head: Option<Oid>,
    pub branch: Option<String>,
    /// Files stored beside the event (`attachments/` of its commit): name → blob.
    pub attachments: BTreeMap<String, Oid>,
    pub body: Body,
}

/// Why an `event.json` (or `session.json`) cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a document this version can make sense of.
    Corrupt(String),
    /// Written in a newer format than [`FORMAT`].
    Future(u64),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Corrupt(why) => write!(f, "is corrupt: {why}"),
            ReadError::Future(n) => write!(f, "has format {n}, newer than the {FORMAT} this git-session reads"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Parses a JSON document that carries `"format"`, refusing future formats
/// and documents that do not fit `T`.
pub fn read_versioned<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ReadError> {
    let value = versioned_value(bytes)?;
    serde_json::from_value(Value::Object(value)).map_err(|err| ReadError::Corrupt(err.to_string()))
}

fn versioned_value(bytes: &[u8]) -> Result<Map<String, Value>, ReadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| ReadError::Corrupt(err.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ReadError::Corrupt("not a JSON object".into()));
    };
    match map.get("format").and_then(Value::as_u64) {
        Some(f) if f > u64::from(FORMAT) => Err(ReadError::Future(f)),
        Some(_) => Ok(map),
        None => Err(ReadError::Corrupt("no \"format\" field".into())),
    }
}

/// The wire form: the common fields, then the kind and its fields.
#[derive(Serialize, Deserialize)]
struct Wire<B> {
    format: u32,
    id: EventId,
    clock: u64,
    time: Timestamp,
    author: Person,
    #[serde(default)]
    head: Option<Oid>,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attachments: BTreeMap<String, Oid>,
    #[serde(flatten)]
    body: B,
}

/// What every event has, read from an event of an unknown kind.
#[derive(Deserialize)]
struct Common {}

impl Body {
    /// The session's baseline after this event, for the events that move it.
    pub fn work_base(&self) -> Option<&Oid> {
        match self {
            Body::Arrived(a) => a.work_base.as_ref(),
            Body::Branch(b) => b.work_base.as_ref(),
            Body::Commit(c) => c.work_base.as_ref(),
            _ => None,
        }
    }

    /// The move of HEAD from elsewhere this event records (`from`, `to`):
    /// a pull, a switch of branch, a merge (from its first parent).
    pub fn foreign_move(&self) -> Option<(&Oid, &Oid)> {
        match self {
            Body::Arrived(a) => Some((a.from.as_ref()?, a.to.as_ref()?)),
            Body::Branch(b) => Some((b.from_commit.as_ref()?, b.to_commit.as_ref()?)),
            Body::Commit(c) => Some((c.merged_onto.as_ref()?, c.commit.as_ref()?)),
            _ => None,
        }
    }
}

impl Event {
    /// A new event with a fresh id; `clock` is set when it is appended, HEAD
    /// and branch by whoever stamps it.
    pub fn new(body: Body, time: Timestamp, author: Person) -> Event {
        Event {
            format: FORMAT,
            id: EventId::generate(),
            clock: 0,
            time,
            author,
            head: None,
            branch: None,
            attachments: BTreeMap::new(),
            body,
        }
    }

    /// Reads `event.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Event, ReadError> {
        let map = versioned_value(bytes)?;
        let corrupt = |err: serde_json::Error| ReadError::Corrupt(err.to_string());
        let Some(kind) = map.get("kind").and_then(Value::as_str).map(str::to_owned) else {
            return Err(ReadError::Corrupt("no \"kind\" field".into()));
        };
        if map
            .get("clock")
            .and_then(Value::as_u64)
            .is_some_and(|c| c > super::MAX_CLOCK)
        {
            return Err(ReadError::Corrupt(format!(
                "its Lamport clock is above {}",
                super::MAX_CLOCK
            )));
        }
        if EventKind::parse(&kind).is_some() {
            let wire: Wire<Body> = serde_json::from_value(Value::Object(map)).map_err(corrupt)?;
            return Ok(Event {
                format: wire.format,
                id: wire.id,
                clock: wire.clock,
                time: wire.time,
                author: wire.author,
                head: wire.head,
                branch: wire.branch,
                attachments: wire.attachments,
                body: wire.body,
            });
        }
        let common: Wire<Common> = serde_json::from_value(Value::Object(map.clone())).map_err(corrupt)?;
        let raw = RawValue::from_string(String::from_utf8_lossy(bytes).trim().to_owned()).map_err(corrupt)?;
        Ok(Event {
            format: common.format,
            id: common.id,
            clock: common.clock,
            time: common.time,
            author: common.author,
            head: common.head,
            branch: common.branch,
            attachments: common.attachments,
            body: Body::Unknown(Unknown { kind, fields: map, raw }),
        })
    }

    /// The document as JSON (pretty, as it is stored); an event of an
    /// unknown kind comes out exactly as it was read.
    pub fn to_json(&self) -> Vec<u8> {
        match &self.body {
            Body::Unknown(u) => u.raw.get().as_bytes().to_vec(),
            _ => serde_json::to_vec_pretty(self).expect("an event serialises"),
        }
    }

    pub fn known_kind(&self) -> Option<EventKind> {
        self.body.known_kind()
    }

    /// The kind as written.
    pub fn kind(&self) -> &str {
        self.body.kind()
    }

    /// The free text of the event (note text, intent, label, …).
    pub fn text(&self) -> Option<&str> {
        self.body.text()
    }

    /// The snapshot tree this event carries, if any.
    pub fn tree(&self) -> Option<&Oid> {
        self.body.snapshot().map(|s| &s.tree)
    }

    /// The tree the work tree had after this event: `after` for a rewind,
    /// restore or undo, else the snapshot it carries.
    pub fn tree_after(&self) -> Option<&Oid> {
        match &self.body {
            Body::Rewind(r) | Body::Restore(r) | Body::Undo(r) => r.after.as_ref().or(self.tree()),
            _ => self.tree(),
        }
    }

    /// One line describing the event for logs and commit subjects.
    pub fn summary(&self) -> String {
        let first = |text: &str| text.lines().next().unwrap_or("").to_owned();
        match &self.body {
            Body::Commit(c) => {
                let commit = c.commit.as_ref().map_or("", |c| c.short(12));
                format!("{commit} {}", first(&c.subject))
            }
            Body::Snapshot(s) if s.paths.is_empty() => "work tree".into(),
            Body::Snapshot(s) => s.paths.join(", "),
            Body::Start(s) => first(s.text.as_deref().unwrap_or(&s.name)),
            Body::Fork(f) => first(&f.name),
            Body::Rename(r) => format!("{} → {}", r.old_name.as_deref().unwrap_or("?"), r.name),
            Body::Branch(b) => format!(
                "{} → {}",
                b.from.as_deref().unwrap_or("(detached)"),
                b.to.as_deref().or(self.branch.as_deref()).unwrap_or("(detached)")
            ),
            Body::Arrived(a) => {
                let to = a.to.as_ref().map_or("", |c| c.short(12));
                format!("{to} {}", first(a.reflog.as_deref().unwrap_or("")))
            }
            Body::Claim(c) => c.paths.join(", "),
            Body::Plan(p) => {
                let step = p.step.as_deref().map(|s| format!(", {}", first(s))).unwrap_or_default();
                format!("v{} {} ({}/{} done{step})", p.version, first(&p.text), p.done, p.total)
            }
            Body::Close(c) => {
                let status = if c.status.is_empty() { "closed" } else { &c.status };
                match &c.reason {
                    Some(r) => format!("{status}: {r}"),
                    None => status.to_owned(),
                }
            }
            Body::Unknown(u) => {
                let text = ["text", "subject", "name"]
                    .iter()
                    .find_map(|k| u.fields.get(*k).and_then(Value::as_str))
                    .unwrap_or("");
                first(text)
            }
            other => first(other.text().unwrap_or("")),
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Body::Unknown(u) = &self.body {
            return u.raw.serialize(s);
        }
        WireRef {
            format: self.format,
            id: &self.id,
            clock: self.clock,
            time: &self.time,
            author: &self.author,
            head: &self.head,
            branch: &self.branch,
            attachments: &self.attachments,
            body: &self.body,
        }
        .serialize(s)
    }
}

/// [`Wire`] by reference, for serialising.
#[derive(Serialize)]
struct WireRef<'a> {
    format: u32,
    id: &'a EventId,
    clock: u64,
    time: &'a Timestamp,
    author: &'a Person,
    head: &'a Option<Oid>,
    branch: &'a Option<String>,
    #[serde(skip_serializing_if = "no_attachments")]
    attachments: &'a BTreeMap<String, Oid>,
    #[serde(flatten)]
    body: &'a Body,
}

fn no_attachments(a: &&BTreeMap<String, Oid>) -> bool {
    a.is_empty()
}

#[cfg(test)]
impl Event {
    /// Test builder: an event of `kind` (any text) at `time`, with no fields yet.
    pub(crate) fn of_kind(kind: &str, time: &str, author: Person) -> Event {
        let value = serde_json::json!({
            "format": FORMAT, "id": EventId::generate(), "clock": 0, "kind": kind,
            "time": time, "author": author, "head": null, "branch": null,
        });
        Event::from_json(value.to_string().as_bytes()).expect("a valid test event")
    }

    /// Test builder: the event as if it had been written with `key` set to `value`.
    pub(crate) fn with(self, key: &str, value: impl Into<Value>) -> Event {
        let Ok(Value::Object(mut map)) = serde_json::to_value(&self) else {
            panic!("an event serialises to an object");
        };
        let value = value.into();
        if !value.is_null() {
            map.insert(key.to_owned(), value);
        }
        Event::from_json(Value::Object(map).to_string().as_bytes()).expect("a valid test event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> Person {
        Person {
            name: "A".into(),
            email: "a@example.com".into(),
        }
    }

    fn at() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
    }

    #[test]
    fn events_round_trip_through_json() {
        let tree = Oid::parse("4b825dc642cb6eb9a060e54bf8d69288fbef4904").unwrap();
        let mut snapshot = Snapshot::of(tree.clone());
        snapshot.skipped.push(SkippedFile {
            path: "big.bin".into(),
            size: 1 << 30,
        });
        for body in [
            Body::Checkpoint(Labelled {
                text: "cp".into(),
                compaction: Some("auto".into()),
                snapshot: Some(snapshot),
                writes: Vec::new(),
            }),
            Body::Prompt(Prompt {
                text: "do it".into(),
                agent: Some("claude".into()),
                intent: true,
            }),
            Body::Pause,
            Body::Plan(PlanSet {
                text: "Ship it".into(),
                version: 3,
                done: 1,
                total: 2,
                step: Some("write docs".into()),
                source: Some("cli".into()),
            }),
            Body::Note(Text { text: "n".into() }),
            Body::Rewind(Rewound {
                snapshot: Some(Snapshot::of(tree.clone())),
                after: Some(tree.clone()),
                refname: Some("refs/heads/main".into()),
                undone: Some(vec![]),
                ..Rewound::default()
            }),
        ] {
            let mut event = Event::new(body, at(), me());
            event.head = Some(tree.clone());
            let json = event.to_json();
            let back = Event::from_json(&json).unwrap();
            assert_eq!(back, event, "{}", String::from_utf8_lossy(&json));
        }
    }

    #[test]
    fn an_unknown_kind_comes_back_byte_for_byte() {
        let text = r#"{"format": 1, "id": "0190aaaa0000700080000000000000ff", "clock": 2,  "kind": "hologram", "time": "2026-01-02T03:04:05Z", "author": {"name": "Z", "email": "z@example.com"}, "head": null, "branch": null, "text": "from the future", "shiny": {"nested": [1, 2]}}"#;
        let event = Event::from_json(text.as_bytes()).unwrap();
        assert_eq!(event.kind(), "hologram");
        assert_eq!(event.text(), Some("from the future"));
        assert_eq!(event.to_json(), text.as_bytes());
        assert_eq!(serde_json::to_string(&event).unwrap(), text);
    }

    #[test]
    fn forged_common_fields_are_refused_clearly() {
        let base = serde_json::json!({
            "format": 1, "id": "0190aaaa0000700080000000000000ff", "clock": 2, "kind": "note",
            "time": "2026-01-02T03:04:05Z", "author": {"name": "Z", "email": "z@example.com"},
            "head": null, "branch": null, "text": "hi",
        });
        assert!(Event::from_json(base.to_string().as_bytes()).is_ok());
        for (field, value) in [
            ("id", serde_json::json!("日本語日本語日本語日本語")),
            ("time", serde_json::json!("2026-01-02T03:04:05Zé")),
            ("head", serde_json::json!("é".repeat(40))),
            ("clock", serde_json::json!(-1)),
        ] {
            let mut forged = base.clone();
            forged[field] = value;
            match Event::from_json(forged.to_string().as_bytes()) {
                Err(ReadError::Corrupt(_)) => {}
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut commit = base.clone();
        commit["kind"] = "commit".into();
        commit["commit"] = "ü".repeat(20).into();
        assert!(Event::from_json(commit.to_string().as_bytes()).is_err());
    }
}
