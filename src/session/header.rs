//! `session.json`: the small, bounded state of a session after an event, and
//! the fold that computes it from the previous header and the next event.

use serde::{Deserialize, Serialize};

use super::plan::PlanState;
use super::{Body, Event, EventId, Oid, SessionId, Timestamp};

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
    pub id: EventId,
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
    /// Prompts recorded by agent hooks.
    pub prompts: u64,
    /// Times an agent compacted its context during the session.
    pub compactions: u64,
}

/// The header of a session after some event. Every field is bounded in size.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionHeader {
    pub format: u32,
    pub id: SessionId,
    pub name: String,
    pub status: Status,
    pub branch: Option<String>,
    /// The work tree the session was started in (absolute path, informative).
    #[serde(default)]
    pub worktree: Option<String>,
    pub base_commit: Option<Oid>,
    pub base_snapshot: Option<Oid>,
    pub latest_snapshot: Option<Oid>,
    /// The session's baseline when changes arrived from elsewhere since it
    /// started (pulls, merges, switches of branch): `base_snapshot` with
    /// those changes applied. `None` while nothing arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_base: Option<Oid>,
    #[serde(default)]
    pub intent: Option<Item>,
    /// The current intent's declared scope (`intent --writes`: git
    /// pathspecs from the top of the work tree); empty when it declared none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
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
    pub forked_from: Option<SessionId>,
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
    /// The tasks the session works on, from its `start` or `fork` (at most
    /// 20, each at most 100 characters, whatever a fetched header says).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "bounded_tasks")]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The plan in force: the latest `plan` event's version, title, counts
    /// and markdown blob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanState>,
    pub created: Timestamp,
    pub updated: Timestamp,
    #[serde(deserialize_with = "bounded_clock")]
    pub clock: u64,
    pub last_event: EventId,
}

/// A task list cut to what [`super::task::bound_tasks`] keeps.
fn bounded_tasks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let tasks = Vec::<String>::deserialize(d)?;
    Ok(super::task::bound_tasks(&tasks))
}

/// A clock no larger than [`super::MAX_CLOCK`].
fn bounded_clock<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let clock = u64::deserialize(d)?;
    if clock > super::MAX_CLOCK {
        return Err(serde::de::Error::custom(format!(
            "the Lamport clock {clock} is above {}",
            super::MAX_CLOCK
        )));
    }
    Ok(clock)
}

/// A gap between two events longer than this (seconds) is a break, not work.
pub const IDLE_AFTER: i64 = 30 * 60;

/// The work between two events at `prev` and `now` (seconds): the gap, up to
/// [`IDLE_AFTER`]; nothing when the clock went back.
pub fn active_gap(prev: i64, now: i64) -> u64 {
    (now - prev).clamp(0, IDLE_AFTER) as u64
}

fn cut(text: &str) -> String {
    super::text::cut(text, MAX_TEXT)
}

/// How many pathspecs an intent's scope may declare (`intent --writes`).
pub const MAX_SCOPE: usize = 64;

/// An intent's scope as the header keeps it: a scope from elsewhere with more
/// than [`MAX_SCOPE`] patterns, or one longer than [`MAX_TEXT`], was not
/// written by this tool and is dropped whole (a part of a scope would be a
/// narrower one), so its commits are judged unresolved.
pub fn bounded_scope(writes: &[String]) -> Vec<String> {
    if writes.len() > MAX_SCOPE || writes.iter().any(|w| w.chars().nth(MAX_TEXT).is_some()) {
        return Vec::new();
    }
    writes.to_vec()
}

fn push_bounded(list: &mut Vec<Item>, item: Item) {
    list.push(item);
    if list.len() > MAX_ITEMS {
        list.remove(0);
    }
}

impl SessionHeader {
    /// What the session's work is measured from: its first snapshot with
    /// what arrived from elsewhere since applied (docs/design.md, "What a
    /// session did"). The difference between this and `latest_snapshot` is
    /// the session's own work.
    pub fn baseline(&self) -> Option<&Oid> {
        self.work_base.as_ref().or(self.base_snapshot.as_ref())
    }

    /// The header of a session whose first event is `first` (a `start` or `fork`).
    pub fn new(id: &SessionId, name: &str, first: &Event) -> SessionHeader {
        SessionHeader {
            format: super::FORMAT,
            id: id.clone(),
            name: name.to_owned(),
            status: Status::Active,
            branch: first.branch.clone(),
            worktree: None,
            base_commit: first.head.clone(),
            base_snapshot: None,
            latest_snapshot: None,
            work_base: None,
            intent: None,
            scope: Vec::new(),
            checkpoint: None,
            progress: None,
            objectives: Vec::new(),
            blockers: Vec::new(),
            next: Vec::new(),
            counters: Counters::default(),
            active_seconds: 0,
            forked_from: None,
            owner: Some(first.author.to_string()),
            handoff: None,
            handoff_by: None,
            claims: Vec::new(),
            tasks: Vec::new(),
            reason: None,
            plan: None,
            created: first.time.clone(),
            updated: first.time.clone(),
            clock: 0,
            last_event: first.id.clone(),
        }
    }

    /// The header of session `id` whose log holds `events`, delivered in
    /// any order: they are folded in log order (Lamport clock, then event
    /// id), from the first of them (its `start` or `fork` names the
    /// session). `None` when there are no events.
    pub fn fold<'a>(id: &SessionId, events: impl IntoIterator<Item = &'a Event>) -> Option<SessionHeader> {
        let mut events: Vec<&Event> = events.into_iter().collect();
        events.sort_by(|a, b| (a.clock, &a.id).cmp(&(b.clock, &b.id)));
        let first = events.first()?;
        let name = match &first.body {
            Body::Start(s) => s.name.as_str(),
            Body::Fork(f) => f.name.as_str(),
            _ => id.as_str(),
        };
        let mut header = SessionHeader::new(id, name, first);
        for event in &events {
            header.apply(event);
        }
        Some(header)
    }

    /// Folds `event` into the header. The event's clock must already be set.
    pub fn apply(&mut self, event: &Event) {
        self.clock = self.clock.max(event.clock);
        self.active_seconds =
            (self.active_seconds).saturating_add(active_gap(self.updated.seconds(), event.time.seconds()));
        self.updated = event.time.clone();
        self.last_event = event.id.clone();
        self.counters.events = self.counters.events.saturating_add(1);
        if event.branch.is_some() {
            self.branch = event.branch.clone();
        }
        // A rewind, restore or undo carries the tree it replaced and the one
        // it left (`after`); the latter is the latest state of the work tree.
        if let Some(tree) = event.tree_after() {
            if self.base_snapshot.is_none() {
                self.base_snapshot = Some(tree.clone());
            }
            self.latest_snapshot = Some(tree.clone());
        }
        if let Some(base) = event.body.work_base() {
            self.work_base = Some(base.clone());
        }
        let item = || Item {
            id: event.id.clone(),
            text: cut(event.text().unwrap_or("")),
        };
        match &event.body {
            Body::Start(start) => {
                if let Some(w) = &start.worktree {
                    self.worktree = Some(w.clone());
                }
                self.tasks = super::task::bound_tasks(&start.tasks);
                if start.text.is_some() {
                    self.intent = Some(item());
                    self.scope.clear();
                    self.counters.intents = self.counters.intents.saturating_add(1);
                }
            }
            Body::Fork(fork) => {
                if let Some(w) = &fork.worktree {
                    self.worktree = Some(w.clone());
                }
                if let Some(from) = &fork.from_session {
                    self.forked_from = Some(from.clone());
                }
                self.tasks = super::task::bound_tasks(&fork.tasks);
            }
            Body::Intent(intent) => {
                self.counters.intents = self.counters.intents.saturating_add(1);
                self.intent = Some(item());
                self.scope = bounded_scope(&intent.writes);
            }
            Body::Snapshot(_) => self.counters.snapshots = self.counters.snapshots.saturating_add(1),
            Body::Checkpoint(checkpoint) => {
                if checkpoint.compaction.is_some() {
                    self.counters.compactions = self.counters.compactions.saturating_add(1);
                }
                self.counters.checkpoints = self.counters.checkpoints.saturating_add(1);
                self.checkpoint = Some(item());
            }
            Body::Note(_) | Body::Discovery(_) => self.counters.notes = self.counters.notes.saturating_add(1),
            Body::Decision(_) => self.counters.decisions = self.counters.decisions.saturating_add(1),
            Body::Progress(_) => {
                self.counters.notes = self.counters.notes.saturating_add(1);
                self.progress = Some(item());
            }
            Body::Next(_) => push_bounded(&mut self.next, item()),
            Body::Blocker(_) => push_bounded(&mut self.blockers, item()),
            Body::BlockerResolved(resolved) => {
                if let Some(target) = &resolved.resolves {
                    self.blockers.retain(|b| b.id != *target);
                }
                self.counters.blockers_resolved = self.counters.blockers_resolved.saturating_add(1);
            }
            Body::Objective(_) => push_bounded(&mut self.objectives, item()),
            Body::ObjectiveDone(done) => {
                if let Some(target) = &done.objective {
                    self.objectives.retain(|o| o.id != *target);
                }
                self.counters.objectives_done = self.counters.objectives_done.saturating_add(1);
            }
            Body::Prompt(prompt) => {
                self.counters.prompts = self.counters.prompts.saturating_add(1);
                if prompt.intent {
                    self.counters.intents = self.counters.intents.saturating_add(1);
                    self.intent = Some(item());
                    self.scope.clear();
                }
            }
            Body::Commit(_) => self.counters.commits = self.counters.commits.saturating_add(1),
            Body::Pause => self.status = Status::Paused,
            Body::Resume(resume) => {
                self.status = Status::Active;
                if let Some(w) = &resume.worktree {
                    self.worktree = Some(w.clone());
                }
            }
            Body::Rename(rename) => {
                if !rename.name.is_empty() {
                    self.name = rename.name.clone();
                }
            }
            Body::Handoff(handoff) => {
                self.status = Status::HandedOver;
                self.handoff = handoff.text.as_ref().map(|_| item());
                self.handoff_by = Some(event.author.to_string());
            }
            Body::Claim(claim) => {
                for path in &claim.paths {
                    if !self.claims.iter().any(|c| c == path) {
                        self.claims.push(cut(path));
                    }
                }
                while self.claims.len() > MAX_ITEMS {
                    self.claims.remove(0);
                }
            }
            Body::Close(close) => {
                self.status = match close.status.as_str() {
                    "abandoned" => Status::Abandoned,
                    _ => Status::Closed,
                };
                self.reason = close.reason.clone();
            }
            Body::Plan(plan) => {
                self.plan = Some(PlanState {
                    id: event.id.clone(),
                    version: plan.version,
                    title: cut(&plan.text),
                    done: plan.done.min(plan.total),
                    total: plan.total,
                    blob: event.attachments.get(super::plan::PLAN_FILE).cloned(),
                });
            }
            Body::Branch(_)
            | Body::Rewind(_)
            | Body::Restore(_)
            | Body::Undo(_)
            | Body::Merge(_)
            | Body::Attach
            | Body::Arrived(_)
            | Body::Unknown(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::event::{BlockerResolved, Close, ObjectiveDone, Start, Text};
    use crate::session::Person;

    fn ev(body: Body) -> Event {
        let me = Person {
            name: "A".into(),
            email: "a@example.com".into(),
        };
        Event::new(body, Timestamp::parse("2026-01-01T00:00:00Z").unwrap(), me)
    }

    fn text(text: &str) -> Text {
        Text { text: text.into() }
    }

    fn sid() -> SessionId {
        SessionId::parse("s").unwrap()
    }

    #[test]
    fn fold_tracks_open_items_and_status() {
        let start = ev(Body::Start(Start {
            text: Some("do it".into()),
            ..Start::default()
        }));
        let mut h = SessionHeader::new(&sid(), "n", &start);
        h.apply(&start);
        let obj = ev(Body::Objective(text("ship")));
        h.apply(&obj);
        let blk = ev(Body::Blocker(text("CI red")));
        h.apply(&blk);
        assert_eq!(h.objectives.len(), 1);
        assert_eq!(h.blockers.len(), 1);
        h.apply(&ev(Body::BlockerResolved(BlockerResolved {
            resolves: Some(blk.id.clone()),
            text: "fixed".into(),
        })));
        h.apply(&ev(Body::ObjectiveDone(ObjectiveDone {
            objective: Some(obj.id.clone()),
            text: String::new(),
        })));
        assert!(h.blockers.is_empty() && h.objectives.is_empty());
        assert_eq!(h.counters.blockers_resolved, 1);
        h.apply(&ev(Body::Close(Close {
            status: "abandoned".into(),
            ..Close::default()
        })));
        assert_eq!(h.status, Status::Abandoned);
        assert_eq!(h.counters.events, 6);
    }

    #[test]
    fn active_time_counts_gaps_up_to_a_break() {
        let at = |t: &str| {
            let mut e = ev(Body::Note(text("n")));
            e.time = Timestamp::parse(&format!("2026-01-01T{t}Z")).unwrap();
            e
        };
        let first = at("10:00:00");
        let mut h = SessionHeader::new(&sid(), "n", &first);
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
        let start = ev(Body::Start(Start::default()));
        let mut h = SessionHeader::new(&sid(), "n", &start);
        let long = "x".repeat(10_000);
        for _ in 0..1000 {
            h.apply(&ev(Body::Blocker(text(&long))));
            h.apply(&ev(Body::Next(text(&long))));
        }
        let size = serde_json::to_string(&h).unwrap().len();
        assert!(size < 30_000, "header grew to {size} bytes");
    }

    #[test]
    fn the_latest_plan_event_is_the_plan_in_force() {
        use crate::session::event::PlanSet;
        let start = ev(Body::Start(Start::default()));
        let mut h = SessionHeader::new(&sid(), "n", &start);
        h.apply(&start);
        assert!(h.plan.is_none());
        let blob = Oid::parse("4b825dc642cb6eb9a060e54bf8d69288fbef4904").unwrap();
        let mut plan = ev(Body::Plan(PlanSet {
            text: "é".repeat(1_000),
            version: 2,
            done: 7,
            total: 3,
            ..PlanSet::default()
        }));
        plan.attachments.insert("plan.md".into(), blob.clone());
        h.apply(&plan);
        let state = h.plan.clone().unwrap();
        assert_eq!((state.id, state.version, state.blob), (plan.id.clone(), 2, Some(blob)));
        assert_eq!(
            (state.done, state.total),
            (3, 3),
            "a forged count stays within the total"
        );
        assert!(state.title.chars().count() <= MAX_TEXT + 1);
        // Other events leave it; a plan without its attachment has no blob.
        h.apply(&ev(Body::Note(text("n"))));
        assert_eq!(h.plan.as_ref().unwrap().version, 2);
        h.apply(&ev(Body::Plan(PlanSet {
            text: "next".into(),
            version: 3,
            ..PlanSet::default()
        })));
        assert_eq!(h.plan.as_ref().map(|p| (p.version, p.blob.is_none())), Some((3, true)));
        // An old header without the field reads, and a header without a plan writes none.
        let mut json = serde_json::to_value(&h).unwrap();
        json.as_object_mut().unwrap().remove("plan");
        let old: SessionHeader = serde_json::from_value(json).unwrap();
        assert!(old.plan.is_none());
        assert!(!serde_json::to_string(&old).unwrap().contains("\"plan\""));
    }

    #[test]
    fn tasks_come_from_the_start_and_stay_bounded() {
        let start = ev(Body::Start(Start {
            tasks: vec!["T-1".into(), "web".into()],
            ..Start::default()
        }));
        let mut h = SessionHeader::new(&sid(), "n", &start);
        h.apply(&start);
        assert_eq!(h.tasks, ["T-1", "web"]);
        let mut json = serde_json::to_value(&h).unwrap();
        let forged: Vec<String> = (0..500).map(|i| format!("{i}{}", "x".repeat(500))).collect();
        json["tasks"] = serde_json::json!(forged);
        let read: SessionHeader = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(read.tasks.len(), 20);
        assert!(read.tasks.iter().all(|t| t.chars().count() == 100));
        json.as_object_mut().unwrap().remove("tasks");
        let old: SessionHeader = serde_json::from_value(json).unwrap();
        assert!(old.tasks.is_empty());
    }

    #[test]
    fn unknown_kinds_are_counted_not_dropped() {
        let start = ev(Body::Start(Start::default()));
        let mut h = SessionHeader::new(&sid(), "n", &start);
        let e = Event::from_json(
            br#"{"format": 1, "id": "0190aaaa0000700080000000000000ff", "clock": 2, "kind": "hologram", "time": "2026-01-02T03:04:05Z", "author": {"name": "Z", "email": "z@example.com"}, "head": null, "branch": null, "text": "future"}"#,
        )
        .unwrap();
        h.apply(&e);
        assert_eq!(h.counters.events, 1);
        assert_eq!(h.last_event, e.id);
    }
}
