//! DESIGN.md invariant 9: bad input gets a clear error, the right exit
//! status, and changes nothing; the binary never panics.

use std::fs;

use crate::harness::{stderr, TestRepo};

#[test]
fn outside_a_repository_fails_with_a_hint() {
    let t = TestRepo::bare_dir();
    let plain = t.root.join("plain");
    fs::create_dir_all(&plain).unwrap();
    for args in [&["status"][..], &["list"], &["start"], &["note", "x"]] {
        let err = t.fails_in(&plain, args, 1);
        assert!(err.contains("not a git repository"), "{args:?}: {err}");
        assert!(err.contains("hint: run `git init` first"), "{args:?}: {err}");
    }
    let err = t.fails_in(&plain, &["-C", "does-not-exist", "list"], 1);
    assert!(
        err.contains("does-not-exist") && err.contains("no such directory"),
        "{err}"
    );
}

#[test]
fn a_bare_repository_lists_but_does_not_record() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "travels"]);
    let bare = t.root.join("bare.git");
    t.git(&[
        "clone",
        "-q",
        "--mirror",
        t.dir.to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let list = t.json_in(&bare, &["list", "--json"]);
    assert_eq!(list[0]["name"], "travels");
    assert_eq!(list[0]["current"], false);
    t.ok_in(&bare, &["log", "travels"]);
    let err = t.fails_in(&bare, &["start", "--name", "nope"], 1);
    assert!(err.contains("bare"), "{err}");
    let err = t.fails_in(&bare, &["checkpoint", "--session", "travels"], 1);
    assert!(err.contains("bare"), "{err}");
    assert_eq!(
        t.json_in(&bare, &["list", "--json"])[0]["events"],
        1,
        "nothing was recorded"
    );
}

#[test]

fn checkpoint_in_a_bare_repository_says_it_is_bare() {
    let t = TestRepo::bare_dir();
    t.git_in(&t.root, &["init", "-q", "--bare", "bare.git"]);
    let bare = t.root.join("bare.git");
    for args in [&["checkpoint"][..], &["intent", "x"], &["snapshot"]] {
        let err = t.fails_in(&bare, args, 1);
        assert!(err.contains("bare repository"), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_identity_fails_with_a_hint() {
    let t = TestRepo::new();
    t.git(&["config", "--unset", "user.name"]);
    t.git(&["config", "--unset", "user.email"]);
    let err = t.fails(&["start"], 1);
    assert!(
        err.contains("identity") && err.contains("hint: set it with `git config"),
        "{err}"
    );
    assert_eq!(t.git(&["for-each-ref", "refs/aura"]), "");
}

#[test]
fn usage_errors_exit_2() {
    let t = TestRepo::new();
    for args in [
        &["frobnicate"][..],
        &["note"],
        &["intent"],
        &["rename"],
        &["objective"],
        &["objective", "done"],
        &["completions", "tcsh"],
        &["list", "--bogus"],
        &["note", "x", "--decision", "--next"],
    ] {
        let err = t.fails(args, 2);
        assert!(
            err.contains("Usage:") || err.contains("error: invalid value"),
            "{args:?}: {err}"
        );
    }
    let out = t.run(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn recording_without_a_current_session_fails_with_a_hint() {
    let t = TestRepo::new();
    for args in [
        &["note", "x"][..],
        &["intent", "x"],
        &["checkpoint"],
        &["snapshot"],
        &["objective", "add", "x"],
        &["resolve", "x"],
        &["pause"],
        &["close"],
        &["fork"],
        &["log"],
        &["show"],
    ] {
        let err = t.fails(args, 1);
        assert!(err.contains("no current session in this work tree"), "{args:?}: {err}");
        assert!(
            err.contains("hint: start one with `git session start`"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(t.ok(&["status"]), "No current session in this work tree.\n");
    assert_eq!(t.git(&["for-each-ref", "refs/aura"]), "");
}

#[test]
fn a_current_session_whose_ref_is_gone_is_reported() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "gone"]);
    let id = t.current_id();
    t.git(&["update-ref", "-d", &format!("refs/aura/sessions/{id}")]);
    let err = t.fails(&["note", "x"], 1);
    assert!(
        err.contains(&format!("the current session {id} no longer exists")) && err.contains("hint:"),
        "{err}"
    );
    // Starting afresh works.
    t.ok(&["start", "--name", "fresh"]);
}

#[test]
fn a_foreign_ref_does_not_hide_the_healthy_sessions() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "healthy"]);
    t.git(&["update-ref", "refs/aura/sessions/foreign", "HEAD"]);
    let out = t.run(&["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("healthy"));
    assert!(
        stderr(&out).contains("warning: cannot read refs/aura/sessions/foreign"),
        "{}",
        stderr(&out)
    );
    let out = t.run(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints only JSON on stdout");
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(stderr(&out).contains("refs/aura/sessions/foreign"));

    let err = t.fails(&["show", "foreign"], 1);
    assert!(err.contains("refs/aura/sessions/foreign"), "{err}");
    let err = t.fails(&["log", "foreign"], 1);
    assert!(err.contains("refs/aura/sessions/foreign"), "{err}");
    // Recording into the healthy session still works.
    t.ok(&["note", "still fine"]);
    t.ok(&["show", "healthy"]);
    // A ref that points at a blob, and a symbolic ref, are reported too.
    let blob = t.git(&["hash-object", "-w", "README"]);
    t.git(&["update-ref", "refs/aura/sessions/blob", &blob]);
    t.git(&["symbolic-ref", "refs/aura/sessions/symbolic", "refs/heads/main"]);
    let out = t.run(&["list", "--all"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("refs/aura/sessions/blob") && err.contains("refs/aura/sessions/symbolic"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("healthy"));
}

/// Writes `event` (a JSON text or raw bytes) as a new head of the session with `fixtures/forge_event.sh`.
fn forge(t: &TestRepo, id: &str, event: &[u8]) -> String {
    let file = t.root.join("forged-event.json");
    fs::write(&file, event).unwrap();
    t.fixture("forge_event.sh", &[id, file.to_str().unwrap()])
}

#[test]
fn an_event_from_a_future_format_is_refused_clearly() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "future"]);
    let id = t.current_id();
    let event = r#"{"format": 99, "id": "0190aaaa0000700080000000000000ff", "clock": 2, "kind": "hologram", "time": "2030-01-01T00:00:00Z", "author": {"name": "Z", "email": "z@example.com"}, "head": null, "branch": null}"#;
    let head = forge(&t, &id, event.as_bytes());
    for args in [&["log"][..], &["note", "x"], &["checkpoint"], &["status"]] {
        let err = t.fails(args, 1);
        assert!(err.contains("format 99"), "{args:?}: {err}");
        assert!(err.contains("hint: upgrade git-session"), "{args:?}: {err}");
    }
    for args in [&["log", &id][..], &["show", &id], &["note", "--session", &id, "x"]] {
        let err = t.fails(args, 1);
        assert!(err.contains("format 99"), "{args:?}: {err}");
    }
    let out = t.run(&["list"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("format 99"), "{}", stderr(&out));
    assert_eq!(
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]),
        head,
        "a refused command leaves the ref alone"
    );
}

#[test]

fn a_session_from_a_future_format_is_named_by_its_name_too() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "future"]);
    let id = t.current_id();
    let event = r#"{"format": 99, "id": "0190aaaa0000700080000000000000ff", "clock": 2, "kind": "hologram", "time": "2030-01-01T00:00:00Z", "author": {"name": "Z", "email": "z@example.com"}, "head": null, "branch": null}"#;
    forge(&t, &id, event.as_bytes());
    for args in [&["show", "future"][..], &["log", "fut"], &["show", &id]] {
        let err = t.fails(args, 1);
        assert!(err.contains("format 99"), "{args:?}: {err}");
        assert!(err.contains("hint: upgrade git-session"), "{args:?}: {err}");
    }
}

#[test]
fn a_header_from_a_future_format_is_reported_by_list() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "future-header"]);
    let id = t.current_id();
    t.ok(&["start", "--name", "ok"]);
    let commit = t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]);
    let mut header: serde_json::Value =
        serde_json::from_str(&t.git(&["show", &format!("{commit}:session.json")])).unwrap();
    header["format"] = 99.into();
    let event = t.git(&["show", &format!("{commit}:event.json")]);
    let header_file = t.root.join("header.json");
    fs::write(&header_file, header.to_string()).unwrap();
    let event_file = t.root.join("event.json");
    fs::write(&event_file, event).unwrap();
    t.fixture(
        "forge_event.sh",
        &[&id, event_file.to_str().unwrap(), header_file.to_str().unwrap()],
    );
    let out = t.run(&["list"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("format 99"), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
    let err = t.fails(&["show", &id], 1);
    assert!(err.contains("format 99"), "{err}");
}

#[test]
fn a_corrupt_event_is_refused_clearly() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "corrupt"]);
    let id = t.current_id();
    let head = forge(&t, &id, b"this is { not json");
    for args in [&["log"][..], &["note", "x"], &["checkpoint"]] {
        let err = t.fails(args, 1);
        assert!(
            err.contains("event.json") && err.contains("corrupt") && err.contains(&head),
            "{args:?}: {err}"
        );
    }
    // Valid JSON without a format is corrupt too.
    forge(&t, &id, br#"{"kind": "note"}"#);
    let err = t.fails(&["log"], 1);
    assert!(err.contains("corrupt") && err.contains("format"), "{err}");
}

/// Readers take `event.json` up to 16 MiB (older versions wrote events of a
/// few megabytes, which must stay readable); a larger one is refused.
#[test]
fn an_oversized_event_is_refused() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "huge"]);
    let id = t.current_id();
    let mut big = br#"{"format": 1, "pad": ""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 17 << 20));
    big.extend(br#""}"#);
    forge(&t, &id, &big);
    let err = t.fails(&["log"], 1);
    assert!(err.contains("event.json") && err.contains("bytes"), "{err}");
}

/// A kind this version does not know (written by a newer one) is kept and
/// shown raw, never dropped — also after more events are appended on top.
#[test]
fn an_unknown_event_kind_is_kept_and_shown_raw() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "newer"]);
    let id = t.current_id();
    let event = r#"{"format": 1, "id": "0190aaaa0000700080000000000000ff", "clock": 2, "kind": "hologram", "time": "2026-01-02T03:04:05Z", "author": {"name": "Z", "email": "z@example.com"}, "head": null, "branch": null, "text": "from the future", "shiny": {"nested": [1, 2]}}"#;
    let file = t.root.join("unknown.json");
    fs::write(&file, event).unwrap();
    // session.json as a newer writer would have left it: the fold of the new event.
    let commit = t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]);
    let mut header: serde_json::Value =
        serde_json::from_str(&t.git(&["show", &format!("{commit}:session.json")])).unwrap();
    header["clock"] = 2.into();
    header["last_event"] = "0190aaaa0000700080000000000000ff".into();
    header["counters"]["events"] = 2.into();
    let header_file = t.root.join("unknown-header.json");
    fs::write(&header_file, header.to_string()).unwrap();
    t.fixture(
        "forge_event.sh",
        &[&id, file.to_str().unwrap(), header_file.to_str().unwrap()],
    );
    t.ok(&["note", "on top"]);
    let events = t.events(&id);
    let kinds: Vec<&str> = events.iter().map(|(_, e)| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start", "hologram", "note"]);
    assert_eq!(
        events[1].1["shiny"],
        serde_json::json!({ "nested": [1, 2] }),
        "unknown fields survive"
    );
    assert_eq!(events[2].1["clock"], 3);
    assert!(t.ok(&["log"]).contains("○ hologram from the future"));
}

/// A reader that goes away (`git session log | head -0`) ends the program
/// quietly with exit 0, as git and ripgrep do, never with a panic.
#[test]
fn a_closed_stdout_exits_zero_without_a_panic() {
    use std::process::Stdio;
    let t = TestRepo::new();
    t.ok(&["start", "--name", "piped"]);
    for args in [&["log"][..], &["list", "--json"], &["completions", "bash"]] {
        let mut child = t
            .cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}: {}", stderr(&out));
    }
}
