//! Forged sessions with multi-byte text never make a reader panic
//! (STYLE.md §10). Sessions are fetched from other people's remotes, so
//! `event.json` and `session.json` can hold anything a JSON string can; a
//! reader that cuts a string by byte index (the first 12 digits of a commit,
//! the last 8 of an event id, the first 16 bytes of a time) panics when the
//! cut lands inside a character. Every reader must either show the forged
//! text or refuse it with an `error:`; never exit 101.
//!
//! The events are forged with git plumbing (`fixtures/forge_event.sh`), the
//! way a newer or a hostile writer would leave them.

use std::fs;
use std::process::Output;

use serde_json::{json, Value};

use crate::harness::TestRepo;

/// Ids whose byte offsets 7, 8, 12 and `len - 8` fall inside a character,
/// between them.
fn multi_byte_ids() -> Vec<String> {
    vec![
        "日本語日本語日本語日本語日本語日本".to_owned(),
        "é".repeat(32),
        format!("x{}", "é".repeat(16)),
    ]
}

/// Times whose 16th byte is inside a character or that are not digits.
fn multi_byte_times() -> Vec<String> {
    vec![
        "2026-01-02T03:0é:05Z".to_owned(),
        "２０２６-01-02T03:04:05Z".to_owned(),
        "日本語日本語日本語日本語".to_owned(),
    ]
}

/// Commit ids that are not hex and whose 7th, 10th or 12th byte is inside a
/// character.
fn multi_byte_commits() -> Vec<String> {
    vec!["ü".repeat(20), format!("x{}", "ü".repeat(20)), "日本語".repeat(5)]
}

/// A started session, current in its work tree, with one more event on top.
struct Forgery {
    t: TestRepo,
    id: String,
}

impl Forgery {
    fn new() -> Forgery {
        let t = TestRepo::new();
        t.ok(&["start", "--name", "forged", "--intent", "be read by others"]);
        let id = t.current_id();
        t.ok(&["note", "a genuine note"]);
        Forgery { t, id }
    }

    fn head(&self) -> String {
        self.t.git(&["rev-parse", &format!("refs/aura/sessions/{}", self.id)])
    }

    fn blob(&self, path: &str) -> Value {
        let text = self.t.git(&["show", &format!("{}:{path}", self.head())]);
        serde_json::from_str(&text).expect("the genuine blob is JSON")
    }

    /// A well-formed event of `kind` after the current head, and the header
    /// a writer would fold from it, for the caller to forge further.
    fn next(&self, kind: &str) -> (Value, Value) {
        let previous = self.blob("event.json");
        let mut header = self.blob("session.json");
        let clock = header["clock"].as_u64().expect("clock") + 1;
        let id = format!("0190aaaa00007000800000000000{clock:04x}");
        let event = json!({
            "format": 1,
            "id": id,
            "clock": clock,
            "kind": kind,
            "time": "2026-01-02T03:04:05Z",
            "author": previous["author"],
            "head": previous["head"],
            "branch": previous["branch"],
        });
        header["clock"] = clock.into();
        header["last_event"] = id.into();
        header["updated"] = event["time"].clone();
        let events = header["counters"]["events"].as_u64().expect("events") + 1;
        header["counters"]["events"] = events.into();
        (event, header)
    }

    /// Writes `event` and `header` as the session's new head.
    fn forge(&self, event: &Value, header: &Value) {
        let event_file = self.t.root.join("forged-event.json");
        let header_file = self.t.root.join("forged-session.json");
        fs::write(&event_file, event.to_string()).unwrap();
        fs::write(&header_file, header.to_string()).unwrap();
        self.t.fixture(
            "forge_event.sh",
            &[&self.id, event_file.to_str().unwrap(), header_file.to_str().unwrap()],
        );
    }

    /// Runs every reader on the forged session; returns what went wrong,
    /// one line per command (empty when all of them behaved).
    fn read_everything(&self, what: &str) -> Vec<String> {
        let id = self.id.as_str();
        let readers: [&[&str]; 17] = [
            &["log", id],
            &["log", id, "--ids"],
            &["log", id, "--json"],
            &["show", id],
            &["status"],
            &["status", "--json"],
            &["summarize", id],
            &["summarize", id, "--format", "markdown"],
            &["summarize", id, "--format", "json"],
            &["context", id],
            &["export", id],
            &["export", id, "--format", "json"],
            &["list", "--all"],
            &["history"],
            &["rewind", "--dry-run", "start"],
            &["resume", id],
            &["status"],
        ];
        readers
            .iter()
            .filter_map(|args| {
                let out = self.t.cmd(args).output().expect("cannot run git-session");
                misbehaviour(&out).map(|why| {
                    format!(
                        "{what}: `git-session {}` {why}\n    stderr: {}",
                        args.join(" "),
                        String::from_utf8_lossy(&out.stderr)
                            .trim_end()
                            .replace('\n', "\n            ")
                    )
                })
            })
            .collect()
    }
}

/// Why `out` is not an acceptable answer to a forged session: a panic, an
/// exit code other than 0 or 1, or a failure that is not an `error:`.
fn misbehaviour(out: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        _ if stderr.contains("panicked") => Some(format!("panicked (exit {:?})", out.status.code())),
        Some(0) => None,
        Some(1) if stderr.starts_with("error:") => None,
        Some(1) => Some("exited 1 without an `error:`".to_owned()),
        Some(code) => Some(format!("exited {code}")),
        None => Some(format!("was killed ({:?})", out.status)),
    }
}

/// Fails with every misbehaving reader of every forgery at once.
fn assert_all_behaved(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} reader(s) misbehaved on forged sessions:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn event_ids_of_multi_byte_characters_never_panic() {
    let mut failures = Vec::new();
    for forged_id in multi_byte_ids() {
        let f = Forgery::new();
        let (mut event, mut header) = f.next("note");
        event["id"] = forged_id.clone().into();
        event["text"] = "a note with a forged id".into();
        header["last_event"] = forged_id.clone().into();
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("event id {forged_id:?}")));
    }
    assert_all_behaved(failures);
}

#[test]
fn event_times_with_multi_byte_characters_never_panic() {
    let mut failures = Vec::new();
    for time in multi_byte_times() {
        let f = Forgery::new();
        let (mut event, mut header) = f.next("note");
        event["time"] = time.clone().into();
        event["text"] = "a note at a forged time".into();
        header["updated"] = time.clone().into();
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("event time {time:?}")));
    }
    assert_all_behaved(failures);
}

#[test]
fn commit_events_with_multi_byte_commit_ids_never_panic() {
    let mut failures = Vec::new();
    for commit in multi_byte_commits() {
        let f = Forgery::new();
        let (mut event, mut header) = f.next("commit");
        event["commit"] = commit.clone().into();
        event["subject"] = "a forged commit".into();
        event["reflog"] = "commit: a forged commit".into();
        let commits = header["counters"]["commits"].as_u64().unwrap_or(0) + 1;
        header["counters"]["commits"] = commits.into();
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("commit {commit:?}")));
    }
    assert_all_behaved(failures);
}

/// An objective or a blocker whose id (the event id that `status` and
/// `resume` print the last digits of) is multi-byte.
#[test]
fn objectives_and_blockers_with_multi_byte_ids_never_panic() {
    let mut failures = Vec::new();
    for forged_id in multi_byte_ids() {
        for (kind, list) in [("objective", "objectives"), ("blocker", "blockers")] {
            let f = Forgery::new();
            let (mut event, mut header) = f.next(kind);
            event["id"] = forged_id.clone().into();
            event["text"] = format!("a forged {kind}").into();
            header["last_event"] = forged_id.clone().into();
            header[list]
                .as_array_mut()
                .expect("a list of items")
                .push(json!({ "id": forged_id, "text": format!("a forged {kind}") }));
            f.forge(&event, &header);
            failures.extend(f.read_everything(&format!("{kind} id {forged_id:?}")));
        }
    }
    assert_all_behaved(failures);
}

#[test]
fn heads_that_are_not_hex_never_panic() {
    let mut failures = Vec::new();
    let mut heads = vec!["not a commit".to_owned(), "g".repeat(40)];
    heads.extend(multi_byte_commits());
    for head in heads {
        let f = Forgery::new();
        let (mut event, header) = f.next("note");
        event["head"] = head.clone().into();
        event["text"] = "a note on a forged head".into();
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("head {head:?}")));
    }
    assert_all_behaved(failures);
}

/// A genuine event under a `session.json` whose `last_event`, `updated` or
/// `created` is multi-byte.
#[test]
fn headers_with_multi_byte_ids_and_times_never_panic() {
    let mut failures = Vec::new();
    let mut cases: Vec<(&str, String)> = Vec::new();
    cases.extend(multi_byte_ids().into_iter().map(|v| ("last_event", v)));
    cases.extend(multi_byte_times().into_iter().map(|v| ("updated", v)));
    cases.extend(multi_byte_times().into_iter().map(|v| ("created", v)));
    for (field, value) in cases {
        let f = Forgery::new();
        let (mut event, mut header) = f.next("note");
        event["text"] = format!("a note under a forged {field}").into();
        header[field] = value.clone().into();
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("session.json {field} {value:?}")));
    }
    assert_all_behaved(failures);
}

/// A genuine event under a `session.json` whose intent, objective, blocker
/// and next-step items have multi-byte ids.
#[test]
fn header_items_with_multi_byte_ids_never_panic() {
    let mut failures = Vec::new();
    for forged_id in multi_byte_ids() {
        let f = Forgery::new();
        let (mut event, mut header) = f.next("note");
        event["text"] = "a note under forged items".into();
        header["intent"] = json!({ "id": forged_id, "text": "a forged intent" });
        header["checkpoint"] = json!({ "id": forged_id, "text": "a forged checkpoint" });
        for list in ["objectives", "blockers", "next"] {
            header[list] = json!([{ "id": forged_id, "text": format!("a forged item of {list}") }]);
        }
        f.forge(&event, &header);
        failures.extend(f.read_everything(&format!("session.json item ids {forged_id:?}")));
    }
    assert_all_behaved(failures);
}
