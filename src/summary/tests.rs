//! The fold of events into a summary.

use super::*;
use crate::session::{EventKind, Person};

fn ev(kind: EventKind, time: &str, text: &str) -> Event {
    let me = Person {
        name: "A".into(),
        email: "a@example.com".into(),
    };
    Event::of_kind(kind.as_str(), time, me).with("text", text)
}

fn header(first: &Event) -> SessionHeader {
    let mut h = SessionHeader::new(&crate::session::SessionId::parse("s1").unwrap(), "work", first);
    h.apply(first);
    h
}

#[test]
fn active_time_caps_each_gap_at_thirty_minutes() {
    let start = ev(EventKind::Start, "2026-01-01T10:00:00Z", "go");
    let events = vec![
        start.clone(),
        ev(EventKind::Note, "2026-01-01T10:10:00Z", "a"),
        // Three hours away: counts as 30 minutes.
        ev(EventKind::Note, "2026-01-01T13:10:00+00:00", "b"),
        ev(EventKind::Note, "2026-01-01T14:15:00+01:00", "c"),
    ];
    let s = fold(&header(&start), &events);
    assert_eq!(s.duration_secs, 3 * 3600 + 15 * 60);
    assert_eq!(s.active_secs, 10 * 60 + 30 * 60 + 5 * 60);
    assert_eq!(s.started.as_ref().map(|t| t.as_str()), Some("2026-01-01T10:00:00Z"));
    assert_eq!(s.ended.as_ref().map(|t| t.as_str()), Some("2026-01-01T14:15:00+01:00"));
    assert_eq!(s.intents.len(), 1);
}

#[test]
fn items_are_tied_to_what_closes_them() {
    let t = "2026-01-01T10:00:00Z";
    let start = ev(EventKind::Start, t, "");
    let obj = ev(EventKind::Objective, t, "ship");
    let open = ev(EventKind::Objective, t, "document");
    let blk = ev(EventKind::Blocker, t, "CI red");
    let events = vec![
        start.clone(),
        obj.clone(),
        open,
        blk.clone(),
        ev(EventKind::BlockerResolved, t, "pinned the runner").with("resolves", blk.id.as_str()),
        ev(EventKind::ObjectiveDone, t, "").with("objective", obj.id.as_str()),
        ev(EventKind::Decision, t, "regex")
            .with("rationale", "cheap")
            .with("alternatives", vec!["tree-sitter"]),
        ev(EventKind::Commit, t, "")
            .with("commit", "0123456789abcdef0123456789abcdef01234567")
            .with("subject", "lexer: split"),
    ];
    let s = fold(&header(&start), &events);
    assert!(s.intents.is_empty());
    assert_eq!(
        s.objectives
            .iter()
            .map(|o| (o.text.as_str(), o.done))
            .collect::<Vec<_>>(),
        [("ship", true), ("document", false)]
    );
    assert!(s.blockers[0].resolved);
    assert_eq!(s.blockers[0].resolution.as_deref(), Some("pinned the runner"));
    assert_eq!(s.decisions[0].alternatives, ["tree-sitter"]);
    assert_eq!(s.commits[0].short, "0123456789ab");
}

#[test]
fn unknown_kinds_are_kept_and_texts_are_cut() {
    let t = "2026-01-01T10:00:00Z";
    let start = ev(EventKind::Start, t, "");
    let future = ev(EventKind::Note, t, &"y".repeat(1000)).with("kind", "hologram");
    let huge = ev(EventKind::Note, t, &"é".repeat(100_000));
    let s = fold(&header(&start), &[start.clone(), future, huge]);
    assert_eq!(s.other_events.len(), 1);
    assert_eq!(s.other_events[0]["kind"], "hologram");
    let text = s.other_events[0]["text"].as_str().unwrap();
    assert_eq!(text.chars().count(), MAX_TEXT + 1);
    assert!(text.ends_with('…'));
    assert_eq!(s.notes[0].text.chars().count(), MAX_TEXT + 1);
}

#[test]
fn an_empty_session_summarises_to_nothing_much() {
    let start = ev(EventKind::Start, "2026-01-01T10:00:00Z", "");
    let s = fold(&header(&start), std::slice::from_ref(&start));
    assert_eq!((s.events, s.duration_secs, s.active_secs), (1, 0, 0));
    assert!(s.files.is_none() && s.other_events.is_empty());
}
