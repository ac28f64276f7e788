//! Naming a point of a session: `start`, a checkpoint label, an intent, an
//! event id (or its last 8 digits, as `log` and `status` show them), or an
//! event commit prefix.

use anyhow::Result;
use gix::ObjectId;

use crate::error::{fail, fail_with_hint};
use crate::session::{Event, EventKind};
use crate::store::StoredEvent;

/// A snapshot of a session, found by name.
#[derive(Clone, Debug)]
pub(crate) struct Point {
    pub event: Event,
    pub commit: ObjectId,
    pub tree: ObjectId,
}

impl Point {
    /// How the point is named in messages: `checkpoint 'label'` or `intent 'text'`.
    pub(crate) fn describe(&self) -> String {
        let summary = self.event.summary();
        let first = summary.lines().next().unwrap_or("");
        match self.event.known_kind() {
            Some(EventKind::Start | EventKind::Fork) => "the start of the session".to_owned(),
            _ if first.is_empty() => format!("{} {}", self.event.kind(), self.commit.to_hex_with_len(7)),
            _ => format!("{} '{first}'", self.event.kind()),
        }
    }
}

/// Finds the point `spec` names among `events` (in log order).
pub(crate) fn find(events: &[StoredEvent], spec: &str) -> Result<Point> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(fail("an empty name names no point of the session"));
    }
    let found = if spec == "start" {
        events
            .iter()
            .find(|e| matches!(e.event.known_kind(), Some(EventKind::Start | EventKind::Fork)))
            .or_else(|| events.iter().find(|e| e.event.tree().is_some()))
    } else {
        by_id(events, spec)?.or_else(|| by_text(events, spec))
    };
    let Some(stored) = found else {
        return Err(fail_with_hint(
            format!("no checkpoint, intent or event of this session is named '{spec}'"),
            "`git session log --ids` shows the checkpoints, intents and event ids",
        ));
    };
    let Some(tree) = stored.event.tree().and_then(|t| crate::store::object_id(t).ok()) else {
        return Err(fail_with_hint(
            format!(
                "the {} event '{}' carries no snapshot",
                stored.event.kind(),
                stored.event.summary()
            ),
            "name a checkpoint, an intent, a snapshot or `start` (`git session log --ids`)",
        ));
    };
    Ok(Point {
        event: stored.event.clone(),
        commit: stored.commit,
        tree,
    })
}

/// The event `spec` names among `events`: an event id prefix, its last
/// digits, or an event commit prefix (4+ hex digits).
pub(crate) fn find_event<'a>(events: &'a [StoredEvent], spec: &str) -> Result<&'a StoredEvent> {
    match by_id(events, spec.trim())? {
        Some(found) => Ok(found),
        None => Err(fail_with_hint(
            format!("no event of this session is named '{}'", spec.trim()),
            "`git session log --ids` shows the event ids",
        )),
    }
}

/// An event id prefix, its last digits, or an event commit prefix (4+ hex digits).
fn by_id<'a>(events: &'a [StoredEvent], spec: &str) -> Result<Option<&'a StoredEvent>> {
    let hex = spec.len() >= 4 && spec.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex {
        return Ok(None);
    }
    let spec = spec.to_ascii_lowercase();
    let matches: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| {
            e.event.id.as_str().starts_with(&spec)
                || e.event.id.as_str().ends_with(&spec)
                || e.commit.to_string().starts_with(&spec)
        })
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|e| {
                    format!(
                        "  {} {} {}",
                        e.commit.to_hex_with_len(12),
                        e.event.kind(),
                        e.event.summary()
                    )
                })
                .collect();
            Err(fail_with_hint(
                format!("'{spec}' names more than one event:\n{}", list.join("\n")),
                "give more digits",
            ))
        }
    }
}

/// The latest checkpoint, then the latest intent, whose text is `spec`.
fn by_text<'a>(events: &'a [StoredEvent], spec: &str) -> Option<&'a StoredEvent> {
    let latest = |kind: EventKind| {
        events
            .iter()
            .rev()
            .find(|e| e.event.known_kind() == Some(kind) && e.event.text().map(str::trim) == Some(spec))
    };
    latest(EventKind::Checkpoint).or_else(|| latest(EventKind::Intent))
}
