//! Tasks and trials (issue 14): `start --task` links sessions to tasks,
//! `list --task` finds them, `compare` puts two trials side by side and
//! `promote` brings one onto the branch and closes the others.

use std::path::Path;

use serde_json::Value;

use crate::harness::TestRepo;

/// Every ref under `refs/aura/` with its value: what changes when anything is recorded.
fn aura_refs(t: &TestRepo) -> String {
    t.git(&["for-each-ref", "--format=%(refname) %(objectname)", "refs/aura"])
}

fn header_of(t: &TestRepo, session: &str) -> Value {
    t.json(&["show", session, "--json"])["header"].clone()
}

/// `git commit -a` in `dir` as `who`.
fn commit_as(t: &TestRepo, dir: &Path, who: &str, message: &str) -> String {
    t.git_in(dir, &["add", "-A"]);
    let email = format!("user.email={}@example.com", who.to_lowercase());
    let name = format!("user.name={who}");
    t.git_in(dir, &["-c", &name, "-c", &email, "commit", "-q", "-m", message]);
    t.git_in(dir, &["rev-parse", "HEAD"])
}

#[test]
fn trials_start_with_tasks_and_are_listed_shown_and_summarized_by_them() {
    let t = TestRepo::new();
    let started = t.json(&["start", "-n", "alpha", "--task", "T-1", "--task", "web", "--json"]);
    assert_eq!(started["events"][0]["tasks"], serde_json::json!(["T-1", "web"]));
    assert_eq!(t.header()["tasks"], serde_json::json!(["T-1", "web"]));
    t.ok(&["start", "--worktree", "../beta", "-n", "beta", "--task", "t-1"]);
    t.ok(&["start", "--worktree", "../gamma", "-n", "gamma"]);

    // list --task: exact and case-sensitive.
    let only = t.json(&["list", "--task", "T-1", "--json"]);
    let names: Vec<&str> = only
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha"]);
    let lower = t.json(&["list", "--task", "t-1", "--json"]);
    assert_eq!(lower.as_array().unwrap().len(), 1);
    assert_eq!(lower[0]["name"], "beta");
    assert_eq!(t.json(&["list", "--task", "nope", "--json"]), serde_json::json!([]));
    let text = t.ok(&["list", "--task", "T-1"]);
    assert!(
        text.contains("alpha") && !text.contains("beta") && !text.contains("gamma"),
        "{text}"
    );
    // A second listing reads the cache: tasks survive it.
    for _ in 0..2 {
        let all = t.json(&["list", "--json"]);
        let alpha = all.as_array().unwrap().iter().find(|s| s["name"] == "alpha").unwrap();
        assert_eq!(alpha["tasks"], serde_json::json!(["T-1", "web"]));
        let gamma = all.as_array().unwrap().iter().find(|s| s["name"] == "gamma").unwrap();
        assert_eq!(gamma["tasks"], serde_json::json!([]));
    }
    let cache = std::fs::read_to_string(t.path(".git/aura/sessions.cache")).unwrap();
    assert!(cache.starts_with("git-session sessions cache v4\n"), "{cache}");
    // A cache of the format before tasks (v3: its lines have none) is rebuilt, not trusted.
    let old_lines: Vec<String> = cache
        .lines()
        .skip(1)
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("tasks");
            v.to_string()
        })
        .collect();
    std::fs::write(
        t.path(".git/aura/sessions.cache"),
        format!("git-session sessions cache v3\n{}\n", old_lines.join("\n")),
    )
    .unwrap();
    let all = t.json(&["list", "--json"]);
    let alpha = all.as_array().unwrap().iter().find(|s| s["name"] == "alpha").unwrap();
    assert_eq!(
        alpha["tasks"],
        serde_json::json!(["T-1", "web"]),
        "an old cache was trusted"
    );

    // show, summarize (json, markdown, text) and context name them.
    let shown = t.ok(&["show", "alpha"]);
    assert!(shown.contains("tasks T-1, web"), "{shown}");
    let summary = t.json(&["summarize", "alpha", "--format", "json"]);
    assert_eq!(summary["tasks"], serde_json::json!(["T-1", "web"]));
    assert_eq!(
        t.json(&["summarize", "gamma", "--format", "json"])["tasks"],
        serde_json::json!([])
    );
    let markdown = t.ok(&["summarize", "alpha", "--format", "markdown"]);
    assert!(markdown.contains("- Tasks: `T-1`, `web`"), "{markdown}");
    let plain = t.ok(&["summarize", "alpha"]);
    assert!(plain.contains("tasks: T-1, web"), "{plain}");
    let context = t.ok(&["context", "alpha"]);
    assert!(context.contains("tasks T-1, web"), "{context}");

    // A fork inherits its parent's tasks unless given its own.
    t.ok(&["fork", "-n", "alpha-2"]);
    assert_eq!(t.header()["tasks"], serde_json::json!(["T-1", "web"]));
    t.ok(&["fork", "-n", "alpha-3", "--task", "T-9"]);
    assert_eq!(t.header()["tasks"], serde_json::json!(["T-9"]));

    // A bad token is refused and nothing is recorded.
    let before = aura_refs(&t);
    for bad in ["two words", "", "tab\there", "esc\u{1b}[2J"] {
        let err = t.fails(&["start", "-n", "delta", "--task", bad], 1);
        assert!(err.contains("task id"), "{bad:?}: {err}");
    }
    let long = "x".repeat(101);
    let err = t.fails(&["start", "-n", "delta", "--task", &long], 1);
    assert!(err.contains("longer than 100"), "{err}");
    assert_eq!(aura_refs(&t), before, "a refused start recorded something");
    t.fsck();
}

/// The done-when story: two trials of one task in their own worktrees, one
/// that commits and one that only checkpoints, compared, then the first
/// promoted from the main work tree and the second closed.
#[test]
fn two_trials_of_a_task_are_compared_and_one_is_promoted() {
    let t = TestRepo::new();
    t.write("app.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
    t.git(&["add", "app.txt"]);
    t.git(&["commit", "-q", "-m", "add app"]);
    t.ok(&["start", "-n", "integrate"]);
    t.ok(&[
        "start",
        "--worktree",
        "../one",
        "-n",
        "one",
        "--task",
        "T",
        "-i",
        "fix it in place",
    ]);
    t.ok(&[
        "start",
        "--worktree",
        "../two",
        "-n",
        "two",
        "--task",
        "T",
        "-i",
        "fix it anew",
    ]);
    let (one, two) = (t.root.join("one"), t.root.join("two"));
    let base = t.git(&["rev-parse", "HEAD"]);

    // Trial one commits twice, as Bob: the first outside its intent's
    // declared scope (one.txt), the second inside.
    t.ok_in(&one, &["intent", "fix line two", "--writes", "app.txt"]);
    t.write_in(&one, "app.txt", "one\nTWO (one)\nthree\nfour\nfive\nsix\nseven\n");
    t.write_in(&one, "one.txt", "by one\n");
    let c1 = commit_as(&t, &one, "Bob", "one: fix two");
    t.ok_in(&one, &["checkpoint", "-m", "fixed"]);
    t.ok_in(&one, &["intent", "more of one.txt", "--writes", "one.txt"]);
    t.write_in(&one, "one.txt", "by one\nand more\n");
    let c2 = commit_as(&t, &one, "Bob", "one: more");
    t.ok_in(&one, &["checkpoint", "-m", "more"]);
    // Trial two only checkpoints.
    t.write_in(&two, "app.txt", "one\ntwo\nthree\nfour\nfive\nsix\nSEVEN (two)\n");
    t.write_in(&two, "two.txt", "by two\n");
    t.ok_in(&two, &["checkpoint", "-m", "two's way"]);
    // Meanwhile the main branch moves on elsewhere.
    t.write("other.txt", "unrelated\n");
    t.git(&["add", "other.txt"]);
    t.git(&["commit", "-q", "-m", "unrelated"]);
    let before = t.git(&["rev-parse", "HEAD"]);

    // compare: the stat is git's, the table both summaries.
    let tree_one = header_of(&t, "one")["latest_snapshot"].as_str().unwrap().to_owned();
    let tree_two = header_of(&t, "two")["latest_snapshot"].as_str().unwrap().to_owned();
    assert_eq!(tree_one, t.oracle_tree_in(&one));
    assert_eq!(tree_two, t.oracle_tree_in(&two));
    let text = t.ok(&["compare", "one", "two"]);
    let stat = t.git(&["diff", "--stat", &tree_one, &tree_two]);
    assert!(text.starts_with(&format!("{stat}\n")), "{text}\n--- git:\n{stat}");
    for row in [
        "status",
        "tasks",
        "objectives done",
        "commits",
        "checkpoints",
        "active time",
        "files changed",
        "verdicts",
    ] {
        assert!(text.lines().any(|l| l.starts_with(row)), "no row {row}: {text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("commits") && l.contains(" 2 ") && l.ends_with(" 0")),
        "{text}"
    );
    let names = t.ok(&["compare", "one", "two", "--name-only"]);
    assert_eq!(
        names.split("\n\n").next().unwrap(),
        t.git(&["diff", "--name-only", &tree_one, &tree_two])
    );
    let v = t.json(&["compare", "one", "two", "--json"]);
    assert_eq!(v["format"], 1);
    assert_eq!(v["a"]["name"], "one");
    assert_eq!(v["b"]["name"], "two");
    assert_eq!(v["a"]["tasks"], serde_json::json!(["T"]));
    assert_eq!(v["a"]["commits"].as_array().unwrap().len(), 2);
    assert_eq!(v["a"]["commits"][0]["commit"], c1.as_str());
    assert_eq!(v["b"]["commits"].as_array().unwrap().len(), 0);
    assert_eq!(v["a"]["checkpoints"], 2);
    assert_eq!(v["b"]["checkpoints"], 1);
    assert_eq!(v["a"]["files_changed"], 2);
    assert_eq!(v["b"]["files_changed"], 2);
    assert_eq!(v["a"]["status"], "active");
    assert_eq!(
        v["a"]["verdicts"],
        serde_json::json!({"consistent": 1, "flagged": 1, "unresolved": 0})
    );
    assert_eq!(
        v["a"]["commits"][0]["verdict"]["outside"],
        serde_json::json!(["one.txt"])
    );
    assert_eq!(
        v["b"]["verdicts"],
        serde_json::json!({"consistent": 0, "flagged": 0, "unresolved": 0})
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("verdicts") && l.contains("1 consistent, 1 flagged, 0 unresolved")),
        "{text}"
    );
    assert_eq!(v["diff"]["from"], tree_one.as_str());
    assert_eq!(v["diff"]["to"], tree_two.as_str());
    let numstat = t.git(&["diff", "--numstat", "--no-renames", &tree_one, &tree_two]);
    let ours: Vec<String> = v["diff"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}\t{}\t{}", f["added"], f["removed"], f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(ours.join("\n"), numstat);

    // The oracle: git cherry-picks the same commits onto the same HEAD.
    t.git(&["worktree", "add", "-q", "--detach", "../oracle", &before]);
    let oracle = t.root.join("oracle");
    t.git_in(&oracle, &["cherry-pick", &c1, &c2]);
    let oracle_tree = t.git_in(&oracle, &["rev-parse", "HEAD^{tree}"]);

    let dry = t.json(&["promote", "one", "--dry-run", "--json"]);
    assert_eq!(dry["how"], "cherry-pick");
    assert_eq!(t.git(&["rev-parse", "HEAD"]), before, "a dry run moved HEAD");
    assert_eq!(header_of(&t, "two")["status"], "active");

    let done = t.json(&["promote", "one", "--json"]);
    assert_eq!(done["how"], "cherry-pick");
    assert_eq!(done["branch"], "main");
    assert_eq!(done["before"], before.as_str());
    let head = t.git(&["rev-parse", "HEAD"]);
    assert_eq!(done["after"], head.as_str());
    assert_eq!(done["commits"].as_array().unwrap().len(), 2);
    assert_eq!(done["commits"][0]["from"], c1.as_str());
    assert_eq!(done["commits"][1]["from"], c2.as_str());
    assert_eq!(done["commits"][1]["commit"], head.as_str());
    // The branch gained both commits, authors and messages kept, on top of `unrelated`.
    let log = t.git(&["log", "--format=%an <%ae>|%cn|%s", &format!("{before}..HEAD")]);
    assert_eq!(
        log,
        "Bob <bob@example.com>|Ada Tester|one: more\nBob <bob@example.com>|Ada Tester|one: fix two"
    );
    assert_eq!(t.git(&["rev-parse", "HEAD~2"]), before);
    assert_eq!(t.git(&["rev-parse", "HEAD^{tree}"]), oracle_tree);
    assert_eq!(t.git(&["diff", &base, &c2]), t.git(&["diff", "HEAD~2", "HEAD"]));
    // The work tree and the index are the new HEAD.
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    assert_eq!(t.oracle_tree(), oracle_tree);
    assert_eq!(
        std::fs::read_to_string(t.path("one.txt")).unwrap(),
        "by one\nand more\n"
    );
    assert!(t
        .git(&["reflog", "-1", "--format=%gs", "main"])
        .contains("git-session promote one"));

    // One is closed, two abandoned, integrate (the current session) untouched but for the commits.
    let h1 = header_of(&t, "one");
    assert_eq!(h1["status"], "closed");
    assert_eq!(h1["reason"], "promoted onto main");
    let h2 = header_of(&t, "two");
    assert_eq!(h2["status"], "abandoned");
    assert_eq!(h2["reason"], "trial one promoted");
    assert_eq!(
        h2["branch"], "session/two",
        "closing from here moved the trial's branch"
    );
    let closed: Vec<(&str, &str)> = done["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(closed, [("one", "closed"), ("two", "abandoned")]);
    assert_eq!(t.header()["name"], "integrate");
    assert_eq!(t.header()["status"], "active");
    let recorded: Vec<String> = t
        .events("integrate")
        .iter()
        .filter(|(_, e)| e["kind"] == "commit")
        .map(|(_, e)| e["commit"].as_str().unwrap().to_owned())
        .collect();
    assert!(recorded.contains(&head), "{recorded:?}");
    assert!(recorded.contains(&t.git(&["rev-parse", "HEAD~1"])), "{recorded:?}");
    // Promoting again is refused: the trial is closed.
    let err = t.fails(&["promote", "one"], 1);
    assert!(err.contains("closed already"), "{err}");
    t.fsck();
}

#[test]
fn a_trial_without_commits_is_promoted_as_one_commit_of_its_snapshot() {
    let t = TestRepo::new();
    t.ok(&[
        "start",
        "--worktree",
        "../solo",
        "-n",
        "solo",
        "--task",
        "S-7",
        "-i",
        "make it solo",
    ]);
    let solo = t.root.join("solo");
    t.ok_in(&solo, &["objective", "add", "write the solo file"]);
    t.ok_in(&solo, &["objective", "done", "solo file"]);
    t.write_in(&solo, "solo.txt", "solo\n");
    t.write_in(&solo, "README", "hello from solo\n");
    t.ok_in(&solo, &["checkpoint", "-m", "solo done"]);
    let latest = header_of(&t, "solo")["latest_snapshot"].as_str().unwrap().to_owned();
    assert_eq!(latest, t.oracle_tree_in(&solo));
    let id = header_of(&t, "solo")["id"].as_str().unwrap().to_owned();
    let before = t.git(&["rev-parse", "HEAD"]);

    let done = t.json(&["promote", "solo", "--json"]);
    assert_eq!(done["how"], "snapshot");
    assert_eq!(done["commits"].as_array().unwrap().len(), 1);
    assert_eq!(t.git(&["rev-parse", "HEAD^"]), before);
    assert_eq!(t.git(&["rev-parse", "HEAD^{tree}"]), latest);
    assert_eq!(t.git(&["log", "-1", "--format=%s"]), "make it solo");
    let body = t.git(&["log", "-1", "--format=%b"]);
    assert!(body.contains("Objectives done:\n- write the solo file"), "{body}");
    assert!(body.contains("M README") && body.contains("A solo.txt"), "{body}");
    assert_eq!(
        t.git(&["log", "-1", "--format=%(trailers:key=Session-Id,valueonly)"]),
        id
    );
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    assert_eq!(std::fs::read_to_string(t.path("solo.txt")).unwrap(), "solo\n");
    assert_eq!(header_of(&t, "solo")["status"], "closed");
    t.fsck();
}

#[test]
fn promote_refuses_unsaved_work_and_conflicts_changing_nothing() {
    let t = TestRepo::new();
    t.ok(&["start", "--worktree", "../a", "-n", "a", "--task", "X"]);
    t.ok(&["start", "--worktree", "../b", "-n", "b", "--task", "X"]);
    let a = t.root.join("a");
    t.write_in(&a, "README", "hello from a\n");
    commit_as(&t, &a, "Bob", "a: readme");
    t.ok_in(&a, &["checkpoint", "-m", "a done"]);

    // A change in the main work tree that no snapshot holds.
    t.write("README", "unsaved here\n");
    let state = t.user_state();
    let refs = aura_refs(&t);
    let err = t.fails(&["promote", "a"], 1);
    assert!(
        err.contains("no snapshot holds") && err.contains("Nothing was changed"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    state.assert_same(&t.user_state(), "a refused promote");
    assert_eq!(aura_refs(&t), refs, "a refused promote recorded something");

    // A commit on main that touches the same line: the cherry-pick conflicts.
    t.git(&["commit", "-q", "-am", "main: readme"]);
    let state = t.user_state();
    let refs = aura_refs(&t);
    let err = t.fails(&["promote", "a"], 1);
    assert!(err.contains("conflicts") && err.contains("README"), "{err}");
    state.assert_same(&t.user_state(), "a conflicting promote");
    assert_eq!(aura_refs(&t), refs, "a conflicting promote recorded something");
    assert_eq!(header_of(&t, "a")["status"], "active");
    assert_eq!(header_of(&t, "b")["status"], "active");

    // The trial's own work tree: its current session is not promoted onto itself.
    let err = t.fails_in(&a, &["promote", "a"], 1);
    assert!(err.contains("current session"), "{err}");
    // An unknown side cannot be compared.
    let err = t.fails(&["compare", "a", "nosuch"], 1);
    assert!(err.contains("nosuch"), "{err}");
    t.fsck();
}

#[test]
fn a_trial_ahead_of_the_branch_is_promoted_by_fast_forward() {
    let t = TestRepo::new();
    t.ok(&["start", "--worktree", "../ff", "-n", "ff", "--task", "F"]);
    t.ok(&["start", "--worktree", "../other", "-n", "other", "--task", "F"]);
    t.ok(&["start", "--worktree", "../elsewhere", "-n", "elsewhere", "--task", "G"]);
    let ff = t.root.join("ff");
    t.write_in(&ff, "ff.txt", "fast\n");
    commit_as(&t, &ff, "Bob", "ff: one");
    t.write_in(&ff, "ff.txt", "fast\nforward\n");
    let tip = commit_as(&t, &ff, "Bob", "ff: two");
    t.write_in(&ff, "draft.txt", "never committed\n");
    t.ok_in(&ff, &["checkpoint", "-m", "both committed, a draft left"]);

    // The session current here shares the task, but the result lands in it: it stays open.
    t.ok(&["start", "-n", "here", "--task", "F"]);
    let done = t.json(&["promote", "ff", "--json"]);
    assert_eq!(done["how"], "fast-forward");
    assert_eq!(t.header()["name"], "here");
    assert_eq!(t.header()["status"], "active");
    assert!(t.kinds("here").contains(&"arrived".to_owned()), "{:?}", t.kinds("here"));
    assert_eq!(done["uncommitted"], serde_json::json!(["draft.txt"]));
    assert!(!t.path("draft.txt").exists(), "uncommitted work was promoted");
    assert_eq!(t.git(&["rev-parse", "HEAD"]), tip);
    assert_eq!(done["after"], tip.as_str());
    assert_eq!(done["commits"].as_array().unwrap().len(), 2);
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    assert_eq!(std::fs::read_to_string(t.path("ff.txt")).unwrap(), "fast\nforward\n");
    let text = t.ok(&["show", "other", "--json"]);
    assert!(text.contains("trial ff promoted"), "{text}");
    assert_eq!(
        header_of(&t, "elsewhere")["status"],
        "active",
        "another task's session was closed"
    );
    assert_eq!(header_of(&t, "ff")["status"], "closed");
    t.fsck();
}

/// Appends a note to `session` whose `session.json` is the genuine one
/// edited by `edit`, as a fetch from a hostile remote could deliver it.
fn forge_header(t: &TestRepo, id: &str, edit: impl FnOnce(&mut Value)) {
    let head = t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]);
    let blob = |path: &str| -> Value { serde_json::from_str(&t.git(&["show", &format!("{head}:{path}")])).unwrap() };
    let previous = blob("event.json");
    let mut header = blob("session.json");
    let clock = header["clock"].as_u64().unwrap() + 1;
    let event_id = format!("0190aaaa00007000800000000000{clock:04x}");
    let event = serde_json::json!({
        "format": 1, "id": event_id, "clock": clock, "kind": "note",
        "time": "2026-01-02T03:04:05Z", "author": previous["author"],
        "head": previous["head"], "branch": previous["branch"], "text": "under a forged header",
    });
    edit(&mut header);
    header["clock"] = clock.into();
    header["last_event"] = event_id.into();
    let (event_file, header_file) = (t.root.join("forged-event.json"), t.root.join("forged-session.json"));
    std::fs::write(&event_file, event.to_string()).unwrap();
    std::fs::write(&header_file, header.to_string()).unwrap();
    t.fixture(
        "forge_event.sh",
        &[id, event_file.to_str().unwrap(), header_file.to_str().unwrap()],
    );
}

/// A fetched header is untrusted: whatever task list its `session.json`
/// says, readers keep at most 20 ids of at most 100 characters, without
/// white space or control characters.
#[test]
fn a_forged_task_list_is_bounded_by_every_reader() {
    let t = TestRepo::new();
    t.ok(&["start", "-n", "forged", "--task", "T-1"]);
    t.ok(&["note", "a genuine note"]);
    let id = t.current_id();
    let mut forged: Vec<String> = vec!["\u{1b}]0;pwned\u{7}".into(), "has space".into(), "x".repeat(5000)];
    forged.extend((0..500).map(|i| format!("F-{i}")));
    forge_header(&t, &id, |header| header["tasks"] = serde_json::json!(forged));

    let tasks = t.header()["tasks"].clone();
    let tasks: Vec<&str> = tasks.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(tasks.len(), 20, "{tasks:?}");
    assert_eq!(tasks[0].chars().count(), 100);
    assert_eq!(tasks[1], "F-0");
    let listed = t.json(&["list", "--task", "F-3", "--json"]);
    assert_eq!(listed[0]["tasks"].as_array().unwrap().len(), 20);
    assert_eq!(t.json(&["list", "--task", "F-400", "--json"]), serde_json::json!([]));
    for args in [&["show"][..], &["list"][..], &["context"][..], &["summarize"][..]] {
        let out = t.ok(args);
        assert!(!out.contains('\u{1b}') && !out.contains("has space"), "{args:?}: {out}");
    }
}

/// The MCP server's `start` takes tasks and its `list` filters by one, as the verbs do.
#[test]
fn the_mcp_tools_start_with_tasks_and_list_by_task() {
    use std::io::Write;
    let t = TestRepo::new();
    t.ok(&["start", "--worktree", "../other", "-n", "other", "--task", "T-2"]);
    let requests = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "it", "version": "0"}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "start", "arguments": {"name": "via-mcp", "tasks": ["T-1", "web"]}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "list", "arguments": {"task": "T-1"}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
            "name": "start", "arguments": {"name": "bad", "tasks": ["two words"]}}}),
    ];
    let mut child = t
        .cmd(&["mcp"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for r in &requests {
        writeln!(stdin, "{r}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let replies: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_id = |id: u64| {
        replies
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{replies:?}"))
    };
    assert_eq!(by_id(2)["result"]["isError"], false, "{replies:?}");
    assert_eq!(t.header()["tasks"], serde_json::json!(["T-1", "web"]));
    let listed = &by_id(3)["result"]["structuredContent"]["sessions"];
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["via-mcp"]);
    assert_eq!(by_id(4)["result"]["isError"], true, "{replies:?}");
    let err = by_id(4)["result"]["content"][0]["text"].as_str().unwrap();
    assert!(err.contains("task id"), "{err}");
}

#[test]
fn a_trial_without_a_snapshot_cannot_be_compared_or_promoted() {
    let t = TestRepo::new();
    t.ok(&["start", "--worktree", "../with", "-n", "with", "--task", "N"]);
    t.ok(&["start", "-n", "without", "--task", "N"]);
    let id = t.current_id();
    forge_header(&t, &id, |header| header["latest_snapshot"] = Value::Null);
    let err = t.fails(&["compare", "with", "without"], 1);
    assert!(
        err.contains("'without' has no snapshot yet") && err.contains("hint:"),
        "{err}"
    );
    let err = t.fails(&["compare", "without", "with", "--json"], 1);
    assert!(err.contains("no snapshot"), "{err}");
    let err = t.fails_in(&t.root.join("with"), &["promote", "without"], 1);
    assert!(err.contains("no snapshot"), "{err}");
}

/// A trial this clone did not start — a teammate's, fetched — is never
/// closed by a promote here: it is named in a warning and stays open, its
/// events untouched; the local trials of the task are closed as usual.
#[test]
fn promote_leaves_a_fetched_trial_of_the_task_open() {
    let t = TestRepo::new();
    let bare = crate::remotes::with_remote(&t);
    let b = crate::remotes::clone(&t, &bare, "teammate");
    t.ok_in(&b, &["start", "-n", "theirs", "--task", "T-7"]);
    t.write_in(&b, "theirs.txt", "theirs\n");
    t.ok_in(&b, &["checkpoint", "-m", "their way"]);
    t.ok_in(&b, &["push"]);
    t.ok(&["fetch"]);
    let theirs_before = header_of(&t, "theirs");
    t.ok(&["start", "-n", "integrate"]);
    t.ok(&["start", "--worktree", "../mine", "-n", "mine", "--task", "T-7"]);
    t.ok(&["start", "--worktree", "../other", "-n", "other", "--task", "T-7"]);
    let mine = t.root.join("mine");
    t.write_in(&mine, "mine.txt", "mine\n");
    t.ok_in(&mine, &["checkpoint", "-m", "my way"]);
    let out = t.run(&["promote", "mine"]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    let err = crate::harness::stderr(&out);
    assert!(
        err.contains("session 'theirs' shares a task with 'mine' but was not started in this clone"),
        "{err}"
    );
    assert_eq!(header_of(&t, "mine")["status"], "closed");
    assert_eq!(header_of(&t, "other")["status"], "abandoned");
    assert_eq!(
        header_of(&t, "theirs"),
        theirs_before,
        "the teammate's trial is untouched"
    );
    t.fsck();
}
