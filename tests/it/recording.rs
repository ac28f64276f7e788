//! DESIGN.md invariants 1 and 7: recording touches nothing of the user's, and
//! plain git reads everything the tool writes.

use crate::harness::TestRepo;

/// Every command, recording or reading, leaves the index, HEAD, the branches
/// and every work-tree file byte-identical (and with the same mtime).
#[test]
fn recording_touches_nothing_of_the_users() {
    let t = TestRepo::new();
    t.fixture("make_mixed_worktree.sh", &[]);
    let commands: &[&[&str]] = &[
        &["start", "--name", "untouched", "--intent", "look but do not touch"],
        &["status"],
        &["intent", "edit main.rs"],
        &["snapshot", "src/main.rs", "src/lib.rs"],
        &["checkpoint", "-m", "first"],
        &["checkpoint"],
        &["note", "a note"],
        &["note", "--decision", "d", "--rationale", "r", "--alternative", "a"],
        &["note", "--discovery", "found"],
        &["note", "--blocker", "blocked"],
        &["note", "--next", "next"],
        &["note", "--progress", "progress"],
        &["objective", "add", "goal"],
        &["objective", "list"],
        &["objective", "done", "goal"],
        &["resolve", "blocked"],
        &["rename", "still-untouched"],
        &["list", "--all"],
        &["show"],
        &["log"],
        &["pause"],
        &["resume", "still-untouched"],
        &["fork", "--name", "forked"],
        &["resume", "-c"],
        &["start", "--name", "second"],
        &["close", "--abandon", "--reason", "why not"],
        &["close", "forked"],
        &["resume", "still-untouched"],
        &["close"],
    ];
    for args in commands {
        let before = t.user_state();
        t.ok(args);
        t.user_state()
            .assert_same(&before, &format!("git session {}", args.join(" ")));
    }
    t.fsck();
}

/// Each event is one commit: `event.json`, `session.json`, `worktree/` for
/// snapshot-carrying events, the previous event as first parent, HEAD as the
/// anchor, a subject `<kind>: <text>` and `Session-Id:`/`Event-Id:` trailers.
#[test]
fn event_commits_read_as_a_story_in_git_log() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "story", "-i", "tell it"]);
    let id = t.current_id();
    let refname = format!("refs/aura/sessions/{id}");
    t.write("lexer.rs", "fn lex() {}\n");
    t.ok(&["intent", "extract the lexer"]);
    t.ok(&["note", "--decision", "hand-written", "--rationale", "errors"]);
    t.ok(&["checkpoint", "-m", "lexer compiles"]);
    t.git(&["add", "lexer.rs"]);
    t.git(&["commit", "-q", "-m", "lexer: extract"]);
    let user_commit = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "committed"]);
    t.ok(&["close"]);

    let events = t.events(&id);
    assert_eq!(
        events
            .iter()
            .map(|(_, e)| e["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["start", "intent", "decision", "checkpoint", "commit", "note", "close"]
    );
    let mut previous: Option<String> = None;
    for (commit, event) in &events {
        let what = format!("{} event {commit}", event["kind"]);
        // Parents: previous event first, then the anchor.
        let parents: Vec<String> = t
            .git(&["rev-list", "--no-walk", "--parents", commit])
            .split(' ')
            .skip(1)
            .map(str::to_owned)
            .collect();
        if let Some(p) = &previous {
            assert_eq!(
                parents.first(),
                Some(p),
                "{what}: the first parent is the previous event"
            );
        }
        let anchored = event.get("tree").is_some() || event["kind"] == "commit";
        if anchored {
            let head = event["head"].as_str().unwrap().to_owned();
            assert!(
                parents.contains(&head),
                "{what}: HEAD {head} is an anchor parent: {parents:?}"
            );
        }
        let expected_parents = usize::from(previous.is_some()) + usize::from(anchored);
        assert_eq!(parents.len(), expected_parents, "{what}: parents {parents:?}");
        // The tree: event.json, session.json and the snapshot.
        let names = t.git(&["ls-tree", "--name-only", commit]);
        let mut want = vec!["event.json", "session.json"];
        if let Some(tree) = event.get("tree") {
            want.push("worktree");
            assert_eq!(
                t.git(&["rev-parse", &format!("{commit}:worktree")]),
                tree.as_str().unwrap(),
                "{what}"
            );
            assert_eq!(t.git(&["cat-file", "-t", &format!("{commit}:worktree")]), "tree");
        }
        assert_eq!(names.lines().collect::<Vec<_>>(), want, "{what}");
        let stored: serde_json::Value =
            serde_json::from_str(&t.git(&["show", &format!("{commit}:event.json")])).unwrap();
        assert_eq!(&stored, event, "{what}: event.json is what log --json shows");
        let header: serde_json::Value =
            serde_json::from_str(&t.git(&["show", &format!("{commit}:session.json")])).unwrap();
        assert_eq!(header["last_event"], event["id"], "{what}");
        assert_eq!(header["clock"], event["clock"], "{what}");
        assert_eq!(header["id"], id.as_str(), "{what}");
        // The message and identity.
        let subject = t.git(&["log", "-1", "--format=%s", commit]);
        let kind = event["kind"].as_str().unwrap();
        assert!(
            subject == kind || subject.starts_with(&format!("{kind}: ")),
            "{what}: subject {subject:?}"
        );
        let trailers = t.git(&["log", "-1", "--format=%(trailers:only,unfold)", commit]);
        assert_eq!(
            trailers,
            format!("Session-Id: {id}\nEvent-Id: {}", event["id"].as_str().unwrap()),
            "{what}"
        );
        assert_eq!(
            t.git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>|%aI", commit]),
            "Ada Tester <ada@example.com>|Ada Tester <ada@example.com>|2026-01-02T03:04:05Z"
        );
        previous = Some(commit.clone());
    }
    assert_eq!(previous.unwrap(), t.git(&["rev-parse", &refname]));

    // Plain git log reads the story; the user's commit is reachable from the session.
    let subjects = t.git(&["log", "--first-parent", "--format=%s", &refname]);
    let story: Vec<&str> = subjects.lines().take(7).collect();
    assert_eq!(
        story,
        [
            "close: closed",
            "note: committed",
            &*format!("commit: {} lexer: extract", &user_commit[..12]),
            "checkpoint: lexer compiles",
            "decision: hand-written",
            "intent: extract the lexer",
            "start: tell it"
        ]
    );
    t.git(&["merge-base", "--is-ancestor", &user_commit, &refname]);
    t.fsck();

    // gc keeps every live session and its snapshots (invariant 7).
    let log_before = t.json(&["log", &id, "--json"]);
    t.git(&["gc", "-q", "--prune=now"]);
    assert_eq!(t.json(&["log", &id, "--json"]), log_before);
    for (_, e) in &events {
        if let Some(tree) = e["tree"].as_str() {
            t.git(&["cat-file", "-e", tree]);
        }
    }
    t.fsck();
}

/// Session refs packed by `git pack-refs` (or `git gc`) are read, listed and
/// appended to like loose ones.
#[test]
fn packed_session_refs_keep_working() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "packed"]);
    let id = t.current_id();
    t.ok(&["note", "before packing"]);
    t.git(&["pack-refs", "--all"]);
    assert!(t.git(&["show-ref"]).contains(&format!("refs/aura/sessions/{id}")));
    assert!(
        !t.dir.join(".git/refs/aura/sessions").join(&id).exists(),
        "the ref is packed"
    );
    assert_eq!(t.json(&["list", "--json"])[0]["events"], 2);
    t.ok(&["note", "after packing"]);
    t.ok(&["checkpoint"]);
    assert_eq!(t.kinds(&id), ["start", "note", "note", "checkpoint"]);
    t.fsck();
}

/// A snapshot of a work tree whose index differs from both HEAD and the work
/// tree also records the index as `staged` (and `staged/` in the commit).
#[test]
fn staged_changes_are_recorded_beside_the_snapshot() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "staged"]);
    t.write("README", "staged\n");
    t.git(&["add", "README"]);
    t.write("README", "staged, then edited\n");
    let v = t.json(&["checkpoint", "--json"]);
    let cp = crate::harness::event_of(&v, "checkpoint");
    assert_eq!(cp["tree"], t.oracle_tree().as_str());
    let index_tree = t.git(&["write-tree"]);
    assert_eq!(cp["staged"], index_tree.as_str());
    assert_eq!(
        t.git(&["rev-parse", &format!("{}:staged", v["commit"].as_str().unwrap())]),
        index_tree
    );
    // Index equal to HEAD: no staged tree.
    t.git(&["reset", "-q"]);
    let v = t.json(&["checkpoint", "--json"]);
    assert!(crate::harness::event_of(&v, "checkpoint").get("staged").is_none());
}

/// An untracked file above `session.maxUntrackedSize` is left out, named in
/// the event and in a warning.
#[test]
fn large_untracked_files_are_left_out_and_named() {
    let t = TestRepo::new();
    t.git(&["config", "session.maxUntrackedSize", "1k"]);
    t.ok(&["start", "--name", "big"]);
    t.write("dump.bin", vec![b'x'; 4096]);
    t.write("small.txt", "small\n");
    let out = t.run(&["checkpoint", "--json"]);
    assert!(out.status.success());
    let err = crate::harness::stderr(&out);
    assert!(
        err.contains("warning: left dump.bin (4096 bytes) out of the snapshot"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cp = crate::harness::event_of(&v, "checkpoint");
    assert_eq!(cp["skipped"], serde_json::json!([{ "path": "dump.bin", "size": 4096 }]));
    t.remove("dump.bin");
    assert_eq!(cp["tree"], t.oracle_tree().as_str());
}
