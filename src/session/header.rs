//! `session.json`: the small, bounded state of a session after an event, and
//! the fold that computes it from the previous header and the next event.

use serde::{Deserialize, Serialize};

use super::{Event, EventKind};

/// How many open objectives, open blockers and next steps the header keeps.
/// Older ones are still in the event log; the header must stay bounded.
const MAX_ITEMS: usize = 20;
/// Texts in the header are cut to this many characters.
const MAX_TEXT: usize = 300;

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Active,
    Paused,
    Closed,
    Abandoned,
    HandedOver,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Closed => "closed",
            Status::Abandoned => "abandoned",
            Status::HandedOver => "handed-over",
        }
    }

    /// Closed and abandoned sessions are hidden from `list` without `--all`.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Abandoned)
    }
}

/// Something the header refers to by the id of the event that created it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Counters {
    pub events: u64,
    pub intents: u64,
    pub snapshots: u64,
    pub checkpoints: u64,
    pub notes: u64,
    pub decisions: u64,
    pub commits: u64,
    pub objectives_done: u64,
    pub blockers_resolved: u64,
}

/// The header of a session after some event. Every field is bounded in size.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionHeader {
    pub format: u32,
    pub id: String,
    pub name: String,
    pub status: Status,
    pub branch: Option<String>,
    /// The work tree the session was started in (absolute path, informative).
    #[serde(default)]
    pub worktree: Option<String>,
    pub base_commit: Option<String>,
    pub base_snapshot: Option<String>,
    pub latest_snapshot: Option<String>,
    #[serde(default)]
    pub intent: Option<Item>,
    #[serde(default)]
    pub checkpoint: Option<Item>,
    #[serde(default)]
    pub progress: Option<Item>,
    #[serde(default)]
    pub objectives: Vec<Item>,
    #[serde(default)]
    pub blockers: Vec<Item>,
    #[serde(default)]
    pub next: Vec<Item>,
    #[serde(default)]
    pub counters: Counters,
    /// Seconds of work: the gaps between consecutive events, each counted up
    /// to [`IDLE_AFTER`] (a longer gap is a break).
    #[serde(default)]
    pub active_seconds: u64,
    #[serde(default)]
    pub forked_from: Option<String>,
    /// Who started the session (`Name <email>`).
    #[serde(default)]
    pub owner: Option<String>,
    /// The note of the latest handoff, and who wrote it.
    #[serde(default)]
    pub handoff: Option<Item>,
    #[serde(default)]
    pub handoff_by: Option<String>,
    /// Paths claimed with `git session claim` (bounded).
    #[serde(default)]
    pub claims: Vec<String>,
    #[serde(default)]
    pub reason: Option<String>,
    pub created: String,
    pub updated: String,
    pub clock: u64,
    pub last_event: String,
}

/// A gap between two events longer than this (seconds) is a break, not work.
pub const IDLE_AFTER: i64 = 30 * 60;

/// The work between two events at `prev` and `now` (seconds): the gap, up to
/// [`IDLE_AFTER`]; nothing when the clock went back.
pub fn active_gap(prev: i64, now: i64) -> u64 {
    (now - prev).clamp(0, IDLE_AFTER) as u64
}

/// Seconds since the epoch of an RFC 3339 time.
pub fn seconds(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn push_bounded(list: &mut Vec<Item>, item: Item) {
    list.push(item);
    if list.len() > MAX_ITEMS {
        list.remove(0);
    }
}

impl SessionHeader {
    /// The header of a session whose first event is `first` (a `start` or `fork`).
    pub fn new(id: &str, name: &str, first: &Event) -> SessionHeader {
        SessionHeader {
            format: super::FORMAT,
            id: id.to_owned(),
            name: name.to_owned(),
            status: Status::Active,
            branch: first.branch.clone(),
            worktree: None,
            base_commit: first.head.clone(),
            base_snapshot: None,
            latest_snapshot: None,
            intent: None,
            checkpoint: None,
            progress: None,
            objectives: Vec::new(),
            blockers: Vec::new(),
            next: Vec::new(),
            counters: Counters::default(),
            active_seconds: 0,
            forked_from: None,
            owner: Some(format!("{} <{}>", first.author.name, first.author.email)),
            handoff: None,
            handoff_by: None,
            claims: Vec::new(),
            reason: None,
            created: first.time.clone(),
            updated: first.time.clone(),
            clock: 0,
            last_event: String::new(),
        }
    }

    /// Folds `event` into the header. The event's clock must already be set.
    pub fn apply(&mut self, event: &Event) {
        self.clock = self.clock.max(event.clock);
        if let (Some(prev), Some(now)) = (seconds(&self.updated), seconds(&event.time)) {
            self.active_seconds += active_gap(prev, now);
        }
        self.updated = event.time.clone();
        self.last_event = event.id.clone();
        self.counters.events += 1;
        if event.branch.is_some() {
            self.branch = event.branch.clone();
        }
        // A rewind, restore or undo carries the tree it replaced and the one
        // it left (`after`); the latter is the latest state of the work tree.
        if let Some(tree) = event.str_field("after").or(event.tree()) {
            if self.base_snapshot.is_none() {
                self.base_snapshot = Some(tree.to_owned());
            }
            self.latest_snapshot = Some(tree.to_owned());
        }
        let item = || Item {
            id: event.id.clone(),
            text: cut(event.text().unwrap_or("")),
        };
        let Some(kind) = event.known_kind() else {
            return;
        };
        match kind {
            EventKind::Start | EventKind::Fork => {
                if let Some(w) = event.str_field("worktree") {
                    self.worktree = Some(w.to_owned());
                }
                if let Some(from) = event.str_field("from_session") {
                    self.forked_from = Some(from.to_owned());
                }
                if event.text().is_some() {
                    self.intent = Some(item());
                }
            }
            EventKind::Intent => {
                self.counters.intents += 1;
                self.intent = Some(item());
            }
            EventKind::Snapshot => self.counters.snapshots += 1,
            EventKind::Checkpoint => {
                self.counters.checkpoints += 1;
                self.checkpoint = Some(item());
            }
            EventKind::Note | EventKind::Discovery => self.counters.notes += 1,
            EventKind::Decision => self.counters.decisions += 1,
            EventKind::Progress => {
                self.counters.notes += 1;
                self.progress = Some(item());
            }
            EventKind::Next => push_bounded(&mut self.next, item()),
            EventKind::Blocker => push_bounded(&mut self.blockers, item()),
            EventKind::BlockerResolved => {
                if let Some(target) = event.str_field("resolves") {
                    self.blockers.retain(|b| b.id != target);
                }
                self.counters.blockers_resolved += 1;
            }
            EventKind::Objective => push_bounded(&mut self.objectives, item()),
            EventKind::ObjectiveDone => {
                if let Some(target) = event.str_field("objective") {
                    self.objectives.retain(|o| o.id != target);
                }
                self.counters.objectives_done += 1;
            }
            EventKind::Commit => self.counters.commits += 1,
            EventKind::Pause => self.status = Status::Paused,
            EventKind::Resume => {
                self.status = Status::Active;
                if let Some(w) = event.str_field("worktree") {
                    self.worktree = Some(w.to_owned());
                }
            }
            EventKind::Rename => {
                if let Some(name) = event.str_field("name") {
                    self.name = name.to_owned();
                }
            }
            EventKind::Handoff => {
                self.status = Status::HandedOver;
                self.handoff = event.text().map(|_| item());
                self.handoff_by = Some(format!("{} <{}>", event.author.name, event.author.email));
            }
            EventKind::Claim => {
                for path in event.str_list("paths") {
                    if !self.claims.iter().any(|c| c == path) {
                        self.claims.push(cut(path));
                    }
                }
                while self.claims.len() > MAX_ITEMS {
                    self.claims.remove(0);
                }
            }
            EventKind::Close => {
                self.status = match event.str_field("status") {
                    Some("abandoned") => Status::Abandoned,
                    _ => Status::Closed,
                };
                self.reason = event.str_field("reason").map(str::to_owned);
            }
            EventKind::Branch
            | EventKind::Rewind
            | EventKind::Restore
            | EventKind::Undo
            | EventKind::Merge
            | EventKind::Attach => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Person;

    fn ev(kind: EventKind, text: &str) -> Event {
        let me = Person {
            name: "A".into(),
            email: "a@example.com".into(),
        };
        Event::new(kind, "2026-01-01T00:00:00Z".into(), me).with("text", text)
    }

    #[test]
    fn fold_tracks_open_items_and_status() {
        let start = ev(EventKind::Start, "do it");
        let mut h = SessionHeader::new("s", "n", &start);
        h.apply(&start);
        let obj = ev(EventKind::Objective, "ship");
        h.apply(&obj);
        let blk = ev(EventKind::Blocker, "CI red");
        h.apply(&blk);
        assert_eq!(h.objectives.len(), 1);
        assert_eq!(h.blockers.len(), 1);
        h.apply(&ev(EventKind::BlockerResolved, "fixed").with("resolves", blk.id.as_str()));
        h.apply(&ev(EventKind::ObjectiveDone, "").with("objective", obj.id.as_str()));
        assert!(h.blockers.is_empty() && h.objectives.is_empty());
        assert_eq!(h.counters.blockers_resolved, 1);
        h.apply(&ev(EventKind::Close, "").with("status", "abandoned"));
        assert_eq!(h.status, Status::Abandoned);
        assert_eq!(h.counters.events, 6);
    }

    #[test]
    fn active_time_counts_gaps_up_to_a_break() {
        let at = |t: &str| {
            let mut e = ev(EventKind::Note, "n");
            e.time = format!("2026-01-01T{t}Z");
            e
        };
        let first = at("10:00:00");
        let mut h = SessionHeader::new("s", "n", &first);
        for e in [
            &first,
            &at("10:10:00"),
            &at("12:10:00"),
            &at("12:15:00"),
            &at("12:14:00"),
        ] {
            h.apply(e);
        }
        // 10 minutes, a break counted as 30, 5 minutes; a clock going back adds nothing.
        assert_eq!(h.active_seconds, 45 * 60);
    }

    #[test]
    fn header_stays_bounded() {
        let start = ev(EventKind::Start, "");
        let mut h = SessionHeader::new("s", "n", &start);
        let long = "x".repeat(10_000);
        for _ in 0..1000 {
            h.apply(&ev(EventKind::Blocker, &long));
            h.apply(&ev(EventKind::Next, &long));
        }
        let size = serde_json::to_string(&h).unwrap().len();
        assert!(size < 30_000, "header grew to {size} bytes");
    }

    #[test]
    fn unknown_kinds_are_counted_not_dropped() {
        let start = ev(EventKind::Start, "");
        let mut h = SessionHeader::new("s", "n", &start);
        let mut e = ev(EventKind::Note, "future");
        e.kind = "hologram".into();
        h.apply(&e);
        assert_eq!(h.counters.events, 1);
        assert_eq!(h.last_event, e.id);
    }
}
