//! `git session log`: the event log drawn as a tree. Milestones (start,
//! checkpoints, pauses, …) are roots; intents hang under them, edits
//! (snapshots) under intents, and commits, notes and decisions under the edit
//! they follow: checkpoint → intent → edit → commit.

use std::fmt::Write;

use super::{short_time, Palette};
use crate::session::{Event, EventKind};

/// The nesting level of a kind: lower levels contain higher ones.
fn level(event: &Event) -> usize {
    match event.known_kind() {
        Some(EventKind::Intent) => 1,
        Some(EventKind::Snapshot) => 2,
        Some(
            EventKind::Start
            | EventKind::Checkpoint
            | EventKind::Pause
            | EventKind::Resume
            | EventKind::Rename
            | EventKind::Fork
            | EventKind::Rewind
            | EventKind::Restore
            | EventKind::Undo
            | EventKind::Handoff
            | EventKind::Close
            | EventKind::Merge
            | EventKind::Branch,
        ) => 0,
        // commits, notes, decisions, …: under the edit (snapshot) they follow
        _ => 3,
    }
}

fn marker(event: &Event) -> &'static str {
    match event.known_kind() {
        Some(EventKind::Start) => "●",
        Some(EventKind::Checkpoint) => "◆",
        Some(EventKind::Close) => "■",
        Some(EventKind::Pause) => "‖",
        Some(EventKind::Resume) => "▶",
        Some(EventKind::Rewind | EventKind::Restore) => "↺",
        Some(EventKind::Undo) => "↻",
        _ => "○",
    }
}

/// Draws `events` (in log order) as a tree, one line each, each line
/// preceded by the event's id in `ids` when given (the names `rewind`,
/// `restore`, `diff` and `undo` accept) and followed by its note in
/// `notes` (a commit's verdict), when there is one.
pub(crate) fn timeline(events: &[Event], ids: Option<&[String]>, notes: &[Option<String>], p: Palette) -> String {
    // Depth of each event: pop open ancestors that are leaves (notes and the
    // like contain nothing) or not strictly higher-level.
    let mut depths = Vec::with_capacity(events.len());
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for e in events {
        let l = level(e);
        while stack.last().is_some_and(|&(top, leaf)| leaf || top >= l) {
            stack.pop();
        }
        depths.push(stack.len());
        let leaf = l == 3;
        stack.push((l, leaf));
    }
    // An event is the last of its siblings when the next event at its depth
    // or shallower is shallower.
    let is_last: Vec<bool> = (0..events.len())
        .map(|i| {
            depths[i + 1..]
                .iter()
                .find(|&&d| d <= depths[i])
                .is_none_or(|&d| d < depths[i])
        })
        .collect();
    let mut s = String::new();
    let mut open_last: Vec<bool> = Vec::new(); // is_last of the ancestor at each depth
    for (i, e) in events.iter().enumerate() {
        let d = depths[i];
        open_last.truncate(d);
        let mut prefix = String::new();
        for &last in open_last.iter().skip(1) {
            prefix.push_str(if last { "   " } else { "│  " });
        }
        if d > 0 {
            prefix.push_str(if is_last[i] { "└─ " } else { "├─ " });
        }
        let colour = match e.known_kind() {
            Some(EventKind::Checkpoint | EventKind::Start) => p.green,
            Some(EventKind::Intent) => p.cyan,
            Some(EventKind::Commit) => p.yellow,
            Some(EventKind::Blocker) => p.red,
            None => p.dim,
            _ => "",
        };
        let summary = e.summary();
        let summary =
            super::esc_line(crate::session::text::prefix(summary.lines().next().unwrap_or(""), 80)).into_owned();
        let label = if summary.is_empty() {
            String::new()
        } else {
            format!(" {summary}")
        };
        if let Some(ids) = ids {
            let id = ids.get(i).map(String::as_str).unwrap_or("");
            let _ = write!(s, "{}{}{} ", p.yellow, crate::session::text::prefix(id, 7), p.reset);
        }
        let note = match notes.get(i) {
            Some(Some(note)) => format!(" [{}]", super::esc_line(note)),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{prefix}{colour}{} {}{}{label}{note}  {}{}{}",
            marker(e),
            super::esc_line(e.kind()),
            // Only what was coloured is reset.
            if colour.is_empty() { "" } else { p.reset },
            p.dim,
            short_time(&e.time),
            p.reset
        );
        open_last.push(is_last[i]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Person;

    fn ev(kind: &str, text: &str) -> Event {
        let me = Person {
            name: "A".into(),
            email: "a@example.com".into(),
        };
        // A commit's line shows its subject, a snapshot's the paths it
        // names; every other kind its text.
        let event = Event::of_kind(kind, "2026-01-01T10:00:00Z", me);
        match kind {
            "commit" => event.with("subject", text),
            "snapshot" => event.with("paths", vec![text]),
            _ => event.with("text", text),
        }
    }

    #[test]
    fn draws_checkpoint_intent_edit_commit() {
        let events = [
            ev("start", "s"),
            ev("intent", "i1"),
            ev("snapshot", "edit"),
            ev("commit", "c1"),
            ev("note", "n"),
            ev("commit", "c2"),
            ev("checkpoint", "cp"),
            ev("intent", "i2"),
            ev("hologram", "future kind"),
        ];
        let out = timeline(&events, None, &[], Palette::PLAIN);
        let expected = "\
● start s  2026-01-01 10:00
└─ ○ intent i1  2026-01-01 10:00
   └─ ○ snapshot edit  2026-01-01 10:00
      ├─ ○ commit  c1  2026-01-01 10:00
      ├─ ○ note n  2026-01-01 10:00
      └─ ○ commit  c2  2026-01-01 10:00
◆ checkpoint cp  2026-01-01 10:00
└─ ○ intent i2  2026-01-01 10:00
   └─ ○ hologram future kind  2026-01-01 10:00
";
        assert_eq!(out, expected);
    }
}
