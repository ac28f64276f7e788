//! One event of a session: `event.json` in an event commit's tree.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who recorded an event (the user's git identity).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// An untracked file that a snapshot left out because it was too large.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub size: u64,
}

/// The kinds this version knows. Events of other kinds (written by a newer
/// version) are kept as they are and shown raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

impl EventKind {
    pub const ALL: [EventKind; 27] = [
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
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event. The common fields are typed; the fields of each kind live in
/// `fields` so that an event of a kind this version does not know survives a
/// read-modify-write unchanged.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Event {
    pub format: u32,
    pub id: String,
    /// Lamport clock: greater than the clock of every event it follows.
    pub clock: u64,
    pub kind: String,
    /// RFC 3339.
    pub time: String,
    pub author: Person,
    /// HEAD of the work tree when the event was recorded (the anchor parent).
    pub head: Option<String>,
    pub branch: Option<String>,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Event {
    /// A new event of `kind` with a fresh id; `clock` is set when appended.
    pub fn new(kind: EventKind, time: String, author: Person) -> Event {
        Event {
            format: super::FORMAT,
            id: super::new_event_id(),
            clock: 0,
            kind: kind.as_str().to_owned(),
            time,
            author,
            head: None,
            branch: None,
            fields: Map::new(),
        }
    }

    pub fn known_kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    /// Sets a field of the kind (skipping `None`).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Event {
        let value = value.into();
        if !value.is_null() {
            self.fields.insert(key.to_owned(), value);
        }
        self
    }

    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    /// The free text of the event (note text, intent, label, …).
    pub fn text(&self) -> Option<&str> {
        self.str_field("text")
    }

    /// The snapshot tree this event carries, if any.
    pub fn tree(&self) -> Option<&str> {
        self.str_field("tree")
    }

    pub fn str_list(&self, key: &str) -> Vec<&str> {
        self.fields
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// One line describing the event for logs and commit subjects.
    pub fn summary(&self) -> String {
        let text = self
            .text()
            .or_else(|| self.str_field("subject"))
            .or_else(|| self.str_field("name"))
            .unwrap_or("");
        let first = text.lines().next().unwrap_or("");
        match self.known_kind() {
            Some(EventKind::Commit) => {
                let c = self.str_field("commit").unwrap_or("");
                format!("{} {}", &c[..c.len().min(12)], first)
            }
            Some(EventKind::Snapshot) if first.is_empty() => {
                let paths = self.str_list("paths");
                if paths.is_empty() {
                    "work tree".into()
                } else {
                    paths.join(", ")
                }
            }
            Some(EventKind::Rename) => format!(
                "{} → {}",
                self.str_field("old_name").unwrap_or("?"),
                self.str_field("name").unwrap_or("?")
            ),
            Some(EventKind::Branch) => format!(
                "{} → {}",
                self.str_field("from").unwrap_or("(detached)"),
                self.branch.as_deref().unwrap_or("(detached)")
            ),
            Some(EventKind::Claim) => self.str_list("paths").join(", "),
            Some(EventKind::Close) => {
                let status = self.str_field("status").unwrap_or("closed");
                match self.str_field("reason") {
                    Some(r) => format!("{status}: {r}"),
                    None => status.to_owned(),
                }
            }
            _ => first.to_owned(),
        }
    }
}
