//! The everyday commands, start to close, checked through their `--json`
//! output field by field.

use std::path::Path;
use std::process::Command;

use crate::harness::{event_of, stderr, TestRepo};

const T0: &str = "2026-01-02T03:04:05Z";

#[test]
fn start_records_a_session_with_a_snapshot_and_a_header() {
    let t = TestRepo::new();
    t.write("wip.txt", "untracked work\n");
    let head = t.git(&["rev-parse", "HEAD"]);
    let v = t.json(&[
        "start",
        "--name",
        "parser rewrite",
        "--intent",
        "split the parser",
        "--json",
    ]);
    let id = v["session"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "ids are 32 hex digits: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(v["name"], "parser-rewrite", "spaces become dashes");
    let start = event_of(&v, "start");
    assert_eq!(start["format"], 1);
    assert_eq!(start["clock"], 1);
    assert_eq!(start["text"], "split the parser");
    assert_eq!(start["head"], head.as_str());
    assert_eq!(start["branch"], "main");
    assert_eq!(start["time"], T0);
    assert_eq!(start["author"]["name"], "Ada Tester");
    assert_eq!(start["author"]["email"], "ada@example.com");
    assert_eq!(start["tree"], t.oracle_tree().as_str());
    assert_eq!(
        v["commit"],
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]).as_str()
    );

    let s = t.json(&["status", "--json"]);
    assert_eq!(s["current"], true);
    assert_eq!(s["unrecorded_reflog_entries"], 0);
    assert_eq!(s["commit"], v["commit"]);
    let h = &s["session"];
    assert_eq!(h["format"], 1);
    assert_eq!(h["id"], id.as_str());
    assert_eq!(h["name"], "parser-rewrite");
    assert_eq!(h["status"], "active");
    assert_eq!(h["branch"], "main");
    assert_eq!(h["worktree"], t.dir.to_str().unwrap());
    assert_eq!(h["base_commit"], head.as_str());
    assert_eq!(h["base_snapshot"], start["tree"]);
    assert_eq!(h["latest_snapshot"], start["tree"]);
    assert_eq!(h["intent"]["text"], "split the parser");
    assert_eq!(h["intent"]["id"], start["id"]);
    assert_eq!(h["counters"]["events"], 1);
    // The intent given to `start --intent` counts as the first intent.
    assert_eq!(h["counters"]["intents"], 1);
    assert_eq!(h["objectives"], serde_json::json!([]));
    assert_eq!(h["blockers"], serde_json::json!([]));
    assert_eq!(h["created"], T0);
    assert_eq!(h["updated"], T0);
    assert_eq!(h["clock"], 1);
    assert_eq!(h["last_event"], start["id"]);
}

#[test]
fn start_prints_what_it_did() {
    let t = TestRepo::new();
    let out = t.run(&["start", "--name", "tour"]);
    assert!(out.status.success());
    let id = t.current_id();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Started session 'tour' ({}) on main.\n", &id[..12])
    );
    assert!(
        stderr(&out).starts_with("Snapshot of the work tree: "),
        "{}",
        stderr(&out)
    );
    // --quiet silences the status line, not the result.
    let out = t.run(&["start", "--name", "tour2", "-q"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Started session 'tour2'"));
}

#[test]
fn default_names_are_branch_and_date_and_stay_unique() {
    let t = TestRepo::new();
    t.ok(&["start"]);
    assert_eq!(t.header()["name"], "main-2026-01-02");
    let out = t.run(&["start"]);
    assert!(out.status.success());
    assert_eq!(t.header()["name"], "main-2026-01-02-2");
    assert!(
        stderr(&out).contains("Paused session 'main-2026-01-02'."),
        "{}",
        stderr(&out)
    );
    let list = t.json(&["list", "--json"]);
    let statuses: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].clone(), s["status"].clone(), s["current"].clone()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("main-2026-01-02".into(), "paused".into(), false.into()),
            ("main-2026-01-02-2".into(), "active".into(), true.into()),
        ]
    );
}

#[test]
fn notes_objectives_and_blockers_fold_into_the_header() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "fold"]);
    let id = t.current_id();
    t.ok(&["objective", "add", "tokenizer in its own module"]);
    t.ok(&["objective", "add", "tests green"]);
    t.ok(&["note", "plain note"]);
    let d = t.json(&[
        "note",
        "--decision",
        "hand-written lexer",
        "--rationale",
        "error messages",
        "--alternative",
        "logos",
        "--alternative",
        "nom",
        "--json",
    ]);
    t.ok(&["note", "--discovery", "the parser is quadratic"]);
    t.ok(&["note", "--blocker", "CI is red on main"]);
    t.ok(&["note", "--blocker", "waiting for review"]);
    t.ok(&["note", "--next", "split tokens"]);
    t.ok(&["note", "--next", "write fuzz tests"]);
    t.ok(&["note", "--progress", "half way"]);
    assert_eq!(
        t.ok(&["objective", "done", "tokenizer"]),
        "Objective done: tokenizer in its own module\n"
    );
    let r = t.json(&["resolve", "CI is red", "rebased on the fix", "--json"]);

    let decision = event_of(&d, "decision");
    assert_eq!(decision["text"], "hand-written lexer");
    assert_eq!(decision["rationale"], "error messages");
    assert_eq!(decision["alternatives"], serde_json::json!(["logos", "nom"]));
    let resolved = event_of(&r, "blocker-resolved");
    assert_eq!(resolved["text"], "rebased on the fix");

    let h = t.header();
    let texts = |key: &str| -> Vec<String> {
        h[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(texts("objectives"), ["tests green"]);
    assert_eq!(texts("blockers"), ["waiting for review"]);
    assert_eq!(texts("next"), ["split tokens", "write fuzz tests"]);
    assert_eq!(h["progress"]["text"], "half way");
    let c = &h["counters"];
    assert_eq!(c["events"], 13);
    assert_eq!(c["notes"], 3, "note, discovery and progress count as notes: {c}");
    assert_eq!(c["decisions"], 1);
    assert_eq!(c["objectives_done"], 1);
    assert_eq!(c["blockers_resolved"], 1);
    assert_eq!(c["intents"], 0);
    assert_eq!(c["checkpoints"], 0);
    assert_eq!(c["commits"], 0);
    assert_eq!(h["clock"], 13);
    assert_eq!(h["intent"], serde_json::Value::Null);

    // The resolved blocker's event points at the blocker it resolved.
    let events = t.events(&id);
    let blocker = events.iter().find(|(_, e)| e["text"] == "CI is red on main").unwrap();
    assert_eq!(resolved["resolves"], blocker.1["id"]);

    let open = t.json(&["objective", "list", "--json"]);
    assert_eq!(open, h["objectives"]);
    let item = h["objectives"][0]["id"].as_str().unwrap();
    assert_eq!(
        t.ok(&["objective", "list"]),
        format!("{} tests green\n", &item[item.len() - 8..])
    );
    // Done by id suffix, as `status` shows it.
    t.ok(&["objective", "done", &item[item.len() - 8..]]);
    assert_eq!(t.header()["objectives"], serde_json::json!([]));
    // Nothing left to match.
    let err = t.fails(&["objective", "done", "tests"], 1);
    assert!(
        err.contains("no open objective matches 'tests'") && err.contains("hint:"),
        "{err}"
    );
    let err = t.fails(&["resolve", "nothing like it"], 1);
    assert!(err.contains("no open blocker matches"), "{err}");
    // --rationale without --decision is a usage error; empty text fails.
    t.fails(&["note", "x", "--rationale", "y"], 2);
    t.fails(&["note", "--decision", "--blocker", "x"], 2);
    let err = t.fails(&["note", "   "], 1);
    assert!(err.contains("cannot be empty"), "{err}");
    assert_eq!(t.header()["counters"]["events"], 14);
}

#[test]
fn intent_checkpoint_and_snapshot_carry_snapshots() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "snaps"]);
    t.write("src/a.rs", "a\n");
    let i = t.json(&["intent", "move tokenize() to lexer.rs", "--json"]);
    let intent = event_of(&i, "intent");
    assert_eq!(intent["tree"], t.oracle_tree().as_str());
    assert_eq!(intent["text"], "move tokenize() to lexer.rs");

    t.write("src/b.rs", "b\n");
    let s = t.json(&["snapshot", "src/a.rs", "src/b.rs", "--json"]);
    let snap = event_of(&s, "snapshot");
    assert_eq!(snap["paths"], serde_json::json!(["src/a.rs", "src/b.rs"]));
    assert_eq!(snap["tree"], t.oracle_tree().as_str());

    t.write("src/c.rs", "c\n");
    assert!(t
        .ok(&["checkpoint"])
        .starts_with("Checkpoint 'checkpoint 1' recorded in 'snaps' (snapshot "));
    let c = t.json(&["checkpoint", "-m", "lexer compiles", "--json"]);
    let cp = event_of(&c, "checkpoint");
    assert_eq!(cp["text"], "lexer compiles");
    assert_eq!(cp["tree"], t.oracle_tree().as_str());

    let h = t.header();
    assert_eq!(h["intent"]["text"], "move tokenize() to lexer.rs");
    assert_eq!(h["checkpoint"]["text"], "lexer compiles");
    assert_eq!(h["latest_snapshot"], cp["tree"]);
    assert_ne!(h["base_snapshot"], cp["tree"]);
    let c = &h["counters"];
    assert_eq!(
        (
            c["events"].as_u64(),
            c["intents"].as_u64(),
            c["snapshots"].as_u64(),
            c["checkpoints"].as_u64()
        ),
        (Some(5), Some(1), Some(1), Some(2))
    );
    t.fails(&["checkpoint", "-m", ""], 1);
    t.fails(&["intent", ""], 1);
}

#[test]
fn log_json_is_in_clock_order_and_covers_every_event() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "ordered", "-i", "first"]);
    let id = t.current_id();
    t.ok(&["objective", "add", "o"]);
    t.ok(&["intent", "i"]);
    t.ok(&["note", "n"]);
    t.ok(&["checkpoint", "-m", "c"]);
    t.ok(&["rename", "renamed"]);
    t.ok(&["pause"]);
    t.ok(&["resume", "renamed"]);
    t.ok(&["close"]);
    let events = t.events(&id);
    let kinds: Vec<&str> = events.iter().map(|(_, e)| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "start",
            "objective",
            "intent",
            "note",
            "checkpoint",
            "rename",
            "pause",
            "resume",
            "close"
        ]
    );
    let clocks: Vec<u64> = events.iter().map(|(_, e)| e["clock"].as_u64().unwrap()).collect();
    assert_eq!(clocks, (1..=9).collect::<Vec<_>>());
    // The last entry is the ref's head; every entry's commit holds that event.
    assert_eq!(
        events.last().unwrap().0,
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")])
    );
    let rename = &events[5].1;
    assert_eq!(
        (rename["name"].as_str(), rename["old_name"].as_str()),
        (Some("renamed"), Some("ordered"))
    );
    // `log` without a session is the current one; after close there is none.
    let err = t.fails(&["log"], 1);
    assert!(err.contains("no current session") && err.contains("hint:"), "{err}");
    // But naming it works, by name or id.
    assert_eq!(t.json(&["log", "renamed", "--json"]), t.json(&["log", &id, "--json"]));
}

#[test]
fn rename_pause_resume_and_close() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "one"]);
    let one = t.current_id();
    t.ok(&["start", "--name", "two"]);
    let two = t.current_id();

    assert_eq!(t.ok(&["rename", "second  take"]), "Renamed 'two' to 'second-take'.\n");
    assert_eq!(t.header()["name"], "second-take");
    t.ok(&["rename", "one", "first"]);
    let err = t.fails(&["rename", "first"], 1);
    assert!(err.contains("a session named 'first' exists already"), "{err}");
    let names: Vec<String> = t
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["first", "second-take"]);

    assert_eq!(
        t.ok(&["pause"]),
        "Paused session 'second-take'. Resume it with `git session resume second-take`.\n"
    );
    assert_eq!(t.json(&["status", "--json"]), serde_json::json!({ "session": null }));
    let err = t.fails(&["note", "nowhere"], 1);
    assert!(err.contains("hint:"), "{err}");

    // resume NAME prints the TL;DR and makes the session current again.
    let out = t.ok(&["resume", "first"]);
    assert!(
        out.starts_with(&format!("Session first (active, {})\n", &one[..12])),
        "{out}"
    );
    assert!(
        out.contains("Objective: ") && out.contains("Intent:") && out.contains("Blockers:"),
        "{out}"
    );
    assert_eq!(t.current_id(), one);
    // resume with --json: the header and no branch switch.
    let v = t.json(&["resume", &two, "--json"]);
    assert_eq!(v["session"]["id"], two.as_str());
    assert_eq!(v["session"]["status"], "active");
    assert_eq!(v["switched_branch"], serde_json::Value::Null);
    let list = t.json(&["list", "--json"]);
    assert_eq!(
        list[0]["status"], "paused",
        "resuming another session pauses the current one"
    );
    assert_eq!(list[1]["current"], true);

    // close: final snapshot, status closed, no current session, hidden from list.
    let c = t.json(&["close", "--json"]);
    let close = event_of(&c, "close");
    assert_eq!(close["status"], "closed");
    assert_eq!(
        close["tree"],
        t.oracle_tree().as_str(),
        "closing the current session snapshots the work tree"
    );
    assert_eq!(t.json(&["status", "--json"]), serde_json::json!({ "session": null }));
    let open: Vec<String> = t
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(open, std::slice::from_ref(&one));
    let all = t.json(&["list", "--all", "--json"]);
    assert_eq!(all[1]["status"], "closed");
    let err = t.fails(&["close", &two], 1);
    assert!(err.contains("is closed already"), "{err}");

    // close --abandon --reason of a session that is not current: no snapshot.
    let a = t.json(&[
        "close",
        "first",
        "--abandon",
        "--reason",
        "superseded by upstream",
        "--json",
    ]);
    let close = event_of(&a, "close");
    assert_eq!(close["status"], "abandoned");
    assert_eq!(close["reason"], "superseded by upstream");
    assert!(close.get("tree").is_none(), "{close}");
    let shown = t.json(&["show", "first", "--json"]);
    assert_eq!(shown["header"]["status"], "abandoned");
    assert_eq!(shown["header"]["reason"], "superseded by upstream");
    assert_eq!(t.json(&["list", "--json"]), serde_json::json!([]));
    assert_eq!(t.json(&["list", "-a", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn resume_continue_takes_the_most_recently_updated_open_session() {
    let mut t = TestRepo::new();
    t.ok(&["start", "--name", "older"]);
    t.set_env("GIT_COMMITTER_DATE", "2026-01-02 04:00:00 +0000");
    t.ok(&["start", "--name", "newer"]);
    t.ok(&["pause"]);
    t.set_env("GIT_COMMITTER_DATE", "2026-01-02 05:00:00 +0000");
    t.ok(&["note", "--session", "older", "touched last"]);
    let out = t.ok(&["resume", "-c"]);
    assert!(out.starts_with("Session older (active,"), "{out}");
    // A resume with neither a session nor --continue, and none current, is a usage error.
    t.ok(&["pause"]);
    let err = t.fails(&["resume"], 2);
    assert!(err.contains("--continue"), "{err}");
    t.fails(&["resume", "older", "-c"], 2);
    t.ok(&["close", "older"]);
    t.ok(&["close", "newer"]);
    let err = t.fails(&["resume", "-c"], 1);
    assert!(err.contains("no open session") && err.contains("hint:"), "{err}");
}

#[test]
fn show_json_has_the_header_and_recent_events() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "shown"]);
    let id = t.current_id();
    for i in 0..5 {
        t.ok(&["note", &format!("n{i}")]);
    }
    let v = t.json(&["show", "shown", "--events", "3", "--json"]);
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["header"]["counters"]["events"], 6);
    assert_eq!(
        v["commit"],
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]).as_str()
    );
    let texts: Vec<&str> = v["recent_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["n2", "n3", "n4"]);
    let text = t.ok(&["show"]);
    assert!(text.contains(&format!("id:              {id}\n")), "{text}");
    assert!(text.contains("Last 6 event(s):"), "{text}");
}

#[test]
fn list_json_has_one_summary_per_session() {
    let t = TestRepo::new();
    assert_eq!(t.json(&["list", "--json"]), serde_json::json!([]));
    let err = t.fails(&["list"], 0);
    assert!(err.contains("No open sessions"), "{err}");
    t.ok(&["start", "--name", "a", "-i", "first line\nsecond line"]);
    let a = t.current_id();
    t.ok(&["note", "x"]);
    t.ok(&["start", "--name", "b"]);
    let b = t.current_id();
    let v = t.json(&["list", "--json"]);
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], a.as_str());
    assert_eq!(arr[0]["name"], "a");
    assert_eq!(arr[0]["status"], "paused");
    assert_eq!(arr[0]["branch"], "main");
    assert_eq!(arr[0]["events"], 3);
    assert_eq!(arr[0]["intent"], "first line");
    assert_eq!(arr[0]["updated"], T0);
    assert_eq!(arr[0]["current"], false);
    assert_eq!(
        arr[0]["commit"],
        t.git(&["rev-parse", &format!("refs/aura/sessions/{a}")]).as_str()
    );
    assert_eq!(arr[1]["id"], b.as_str());
    assert_eq!(arr[1]["current"], true);
    // The listing is the same on a second run (served from the summary cache).
    assert_eq!(t.json(&["list", "--json"]), v);
    // And it follows a session updated behind the cache's back.
    t.ok(&["note", "--session", "a", "later"]);
    assert_eq!(t.json(&["list", "--json"])[0]["events"], 4);
}

#[test]
fn fork_inherits_the_state_and_pauses_the_source() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "base", "-i", "the intent"]);
    let base = t.current_id();
    t.ok(&["objective", "add", "ship it"]);
    t.ok(&["note", "--blocker", "flaky test"]);
    t.ok(&["note", "--next", "bisect"]);
    t.write("fork.txt", "forked\n");
    let out = t.run(&["fork", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Paused session 'base'."), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "base-fork");
    let fork = event_of(&v, "fork");
    assert_eq!(fork["from_session"], base.as_str());
    assert_eq!(fork["tree"], t.oracle_tree().as_str());
    let h = t.header();
    assert_eq!(h["id"], v["session"]);
    assert_eq!(h["forked_from"], base.as_str());
    assert_eq!(h["intent"]["text"], "the intent");
    assert_eq!(h["objectives"][0]["text"], "ship it");
    assert_eq!(h["blockers"][0]["text"], "flaky test");
    assert_eq!(h["next"][0]["text"], "bisect");
    assert_eq!(h["status"], "active");
    let src = t.json(&["show", "base", "--json"]);
    assert_eq!(src["header"]["status"], "paused");
    // The fork's clock continues the source's (Lamport): later than the event it forks from.
    let from = t
        .events(&base)
        .into_iter()
        .find(|(_, e)| e["id"] == fork["from_event"])
        .expect("from_event is an event of the source");
    assert!(
        fork["clock"].as_u64().unwrap() > from.1["clock"].as_u64().unwrap(),
        "{fork} vs {}",
        from.1
    );
    // Default names stay unique; --name is checked.
    t.ok(&["resume", "base"]);
    assert_eq!(t.json(&["fork", "--json"])["name"], "base-fork-2");
    t.ok(&["resume", "base"]);
    let err = t.fails(&["fork", "--name", "base-fork"], 1);
    assert!(err.contains("exists already"), "{err}");
    t.fails(&["fork", "--name", "a..b"], 1);
}

#[test]
fn start_in_a_repository_without_commits() {
    let t = TestRepo::empty();
    t.write("first.txt", "one\n");
    let v = t.json(&["start", "--name", "genesis", "--json"]);
    let start = event_of(&v, "start");
    assert_eq!(start["head"], serde_json::Value::Null);
    assert_eq!(start["branch"], "main");
    assert_eq!(start["tree"], t.oracle_tree().as_str());
    assert!(!t.dir.join(".git/index").exists(), "recording created the user's index");
    let h = t.header();
    assert_eq!(h["base_commit"], serde_json::Value::Null);
    // The first commit of the repository is seen as a commit event.
    t.git(&["add", "first.txt"]);
    t.git(&["commit", "-q", "-m", "root commit"]);
    let n = t.json(&["note", "after the first commit", "--json"]);
    let commit = event_of(&n, "commit");
    assert_eq!(commit["commit"], t.git(&["rev-parse", "HEAD"]).as_str());
    assert_eq!(commit["subject"], "root commit");
}

#[test]
fn works_as_git_session_through_path() {
    let t = TestRepo::new();
    let out = t.run_via_git(&["session", "start", "--name", "via-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = t.run_via_git(&["session", "status"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Session via-git (active,"));
    let out = t.run_via_git(&["session", "note", "--bogus-flag", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage: git session note"), "{}", stderr(&out));
    let out = t.run_via_git(&["session", "-h"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("checkpoint"));
}

/// `git help session` and `git session --help` find the installed man page.
#[test]
fn git_help_session_shows_the_man_page() {
    if Command::new("man").arg("--version").output().is_err() {
        eprintln!("skipped: no `man` on this machine");
        return;
    }
    let t = TestRepo::new();
    let man1 = t.root.join("man/man1");
    std::fs::create_dir_all(&man1).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("man/git-session.1"),
        man1.join("git-session.1"),
    )
    .unwrap();
    let env = [
        ("MANPATH", t.root.join("man").to_str().unwrap().to_owned()),
        ("MANPAGER", "cat".into()),
        ("PAGER", "cat".into()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for args in [&["help", "session"][..], &["session", "--help"]] {
        let out = t.run_via_git_env(args, &env);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("git-session - Record work sessions"),
            "git {args:?}:\n{text}{}",
            stderr(&out)
        );
    }
}

/// `session.json` is bounded: at most 20 open items per list, texts cut at
/// 300 characters; the full story stays in the events.
#[test]
fn the_header_stays_bounded() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "bounded"]);
    let id = t.current_id();
    for i in 0..25 {
        t.ok(&["note", "--next", &format!("step {i}")]);
    }
    let long = "x".repeat(400);
    t.ok(&["note", "--blocker", &long]);
    let h = t.header();
    let next: Vec<&str> = h["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(next.len(), 20);
    assert_eq!(next[0], "step 5");
    assert_eq!(next[19], "step 24");
    let blocker = h["blockers"][0]["text"].as_str().unwrap();
    assert_eq!(blocker.chars().count(), 301);
    assert!(blocker.ends_with("x…"));
    let events = t.events(&id);
    assert_eq!(events.len(), 27);
    assert_eq!(events[1].1["text"], "step 0", "the events keep everything");
    assert_eq!(events[26].1["text"], long.as_str());
}
