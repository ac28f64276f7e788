//! The plan (issue 14): `plan set/show/diff/done`, the plan in `status`,
//! `context` and `resume`, across a handoff between two clones, from a
//! hostile fetched session, through the MCP server and from Claude Code's
//! plan mode. git is the oracle: the markdown is the `attachments/plan.md`
//! blob of each plan event commit.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{json, Value};

use crate::harness::{stderr, TestRepo};
use crate::remotes::{clone, with_remote};

const V1: &str = "# Ship the parser\n\nWhy: the old one is slow.\n\n- [ ] write the lexer\n- [ ] write the parser\n  - [x] pick a name\n\n```\n- [ ] not a step\n```\n";

const V2: &str = "# Ship the parser\n\nWhy: the old one is slow.\n\n- [ ] write the lexer\n- [ ] write the parser\n  - [x] pick a name\n1. [ ] benchmark it\n\n```\n- [ ] not a step\n```\n";

/// Runs `git-session ARGS` in `dir` with `input` on stdin.
fn run_with_input(t: &TestRepo, dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut cmd = t.cmd_in(dir, args);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("cannot run git-session");
    // The command may refuse before reading everything: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

/// The `plan` events of a session, in log order, as `(commit, event)`.
fn plan_events(t: &TestRepo, dir: &Path, id: &str) -> Vec<(String, Value)> {
    let v = t.json_in(dir, &["log", id, "--json"]);
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "plan")
        .map(|e| (e["commit"].as_str().unwrap().to_owned(), e["event"].clone()))
        .collect()
}

/// What git says the plan event commit `commit` carries as `plan.md`.
fn attached_plan(t: &TestRepo, dir: &Path, commit: &str) -> String {
    let out = t.git_output_in(dir, &["show", &format!("{commit}:attachments/plan.md")], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn plan_set_show_diff_and_done_record_versions_git_can_read() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "parser"]);
    let id = t.current_id();
    let before = t.user_state();
    let plan_file = t.root.join("plan-v1.md");
    std::fs::write(&plan_file, V1).unwrap();

    // v1 from a file.
    let v = t.json(&["plan", "set", plan_file.to_str().unwrap(), "--json"]);
    assert_eq!(v["recorded"], true, "{v}");
    assert_eq!(v["plan"]["version"], 1);
    assert_eq!(v["plan"]["title"], "Ship the parser");
    assert_eq!(
        (v["plan"]["done"].as_u64(), v["plan"]["total"].as_u64()),
        (Some(1), Some(3))
    );
    let event = &v["event"];
    assert_eq!(event["kind"], "plan");
    assert_eq!(event["source"], "cli");
    assert_eq!(event["text"], "Ship the parser");
    let plans = plan_events(&t, &t.dir, &id);
    assert_eq!(plans.len(), 1);
    let (first_commit, first) = plans[0].clone();
    assert_eq!(attached_plan(&t, &t.dir, &first_commit), V1, "git reads the plan");
    assert_eq!(
        t.git(&["log", "-1", "--format=%s", &format!("refs/aura/sessions/{id}")]),
        "plan: v1 Ship the parser (1/3 done)"
    );
    assert_eq!(t.ok(&["plan", "show"]), V1);
    assert_eq!(t.ok(&["plan"]), V1, "`plan` alone is `plan show`");

    // The same text again records nothing.
    let events = t.events(&id).len();
    let out = t.ok(&["plan", "set", plan_file.to_str().unwrap()]);
    assert!(
        out.contains("unchanged") && out.contains("nothing was recorded"),
        "{out}"
    );
    assert_eq!(t.events(&id).len(), events);

    // v2 from stdin.
    let out = run_with_input(&t, &t.dir, &["plan", "set", "-", "--json"], V2.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plan"]["version"], 2);
    assert_eq!(t.ok(&["plan", "show"]), V2);

    // The diff is git's diff of the two blobs.
    let diff = t.ok(&["plan", "diff"]);
    let plans = plan_events(&t, &t.dir, &id);
    let git_diff = t.git(&[
        "diff",
        &format!("{}:attachments/plan.md", plans[0].0),
        &format!("{}:attachments/plan.md", plans[1].0),
    ]);
    let body = |d: &str| {
        d.lines()
            .skip_while(|l| !l.starts_with("@@"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(diff.contains("+1. [ ] benchmark it"), "{diff}");
    assert_eq!(body(&diff), body(&git_diff), "the same hunks as git diff");
    assert_eq!(t.ok(&["plan", "diff", "1", "2"]), diff);
    let colored = t.ok(&["plan", "diff", "--color", "always"]);
    assert!(
        colored.contains("\x1b[32m+\x1b[m\x1b[32m1. [ ] benchmark it"),
        "{colored:?}"
    );
    assert_eq!(t.ok(&["plan", "diff", "v2", "v2"]), "", "a version against itself");

    // The plan as of the first plan event (by id, by commit) and by version.
    let first_id = first["id"].as_str().unwrap();
    assert_eq!(t.ok(&["plan", "show", "--at", first_id]), V1);
    assert_eq!(t.ok(&["plan", "show", "--at", &first_commit[..10]]), V1);
    assert_eq!(t.ok(&["plan", "show", "--at", "v1"]), V1);
    let shown = t.json(&["plan", "show", "--at", "1", "--json"]);
    assert_eq!(shown["version"], 1);
    assert_eq!(shown["steps"].as_array().unwrap().len(), 3);
    // Before any plan: none in force.
    let start = t.events(&id)[0].1["id"].as_str().unwrap().to_owned();
    let err = t.fails(&["plan", "show", "--at", &start], 1);
    assert!(err.contains("no plan yet"), "{err}");
    let err = t.fails(&["plan", "show", "--at", "9"], 1);
    assert!(err.contains("no version 9"), "{err}");

    // The header and status carry the counts and the next open steps.
    let status = t.json(&["status", "--json"]);
    let header_plan = &status["session"]["plan"];
    assert_eq!(header_plan["version"], 2);
    assert_eq!(
        (header_plan["done"].as_u64(), header_plan["total"].as_u64()),
        (Some(1), Some(4))
    );
    assert_eq!(
        header_plan["blob"],
        t.git(&["rev-parse", &format!("{}:attachments/plan.md", plans[1].0)])
    );
    let next: Vec<&str> = status["plan"]["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(next, ["write the lexer", "write the parser", "benchmark it"]);
    let summary = t.json(&["summarize", "--format", "json"]);
    assert_eq!(summary["plan"], *header_plan, "summarize carries the header's plan");
    assert!(t
        .ok(&["summarize", "--format", "markdown"])
        .contains("- Plan: Ship the parser (v2, 1/4 steps done)"));
    let human = t.ok(&["status"]);
    assert!(human.contains("Plan:      Ship the parser (v2, 1/4 done)"), "{human}");
    assert!(human.contains("[ ] 4. benchmark it"), "{human}");

    // Two open steps start with "write", two contain "the": ambiguous, nothing recorded.
    let events = t.events(&id);
    let err = t.fails(&["plan", "done", "write"], 1);
    assert!(
        err.contains("matches 2 steps") && err.contains("1. [ ] write the lexer"),
        "{err}"
    );
    let err = t.fails(&["plan", "done", "the"], 1);
    assert!(err.contains("matches 2 steps"), "{err}");
    assert_eq!(t.events(&id), events);

    // `plan done 2` checks the second item, `plan done <text>` another one.
    let v = t.json(&["plan", "done", "2", "--json"]);
    assert_eq!(v["step"]["text"], "write the parser");
    assert_eq!(v["plan"]["version"], 3);
    assert_eq!(v["event"]["step"], "write the parser");
    let v3 = t.ok(&["plan", "show"]);
    assert_eq!(v3, V2.replace("- [ ] write the parser", "- [x] write the parser"));
    let out = t.ok(&["plan", "done", "BENCH"]);
    assert!(out.contains("4. [x] benchmark it") && out.contains("v4"), "{out}");
    assert_eq!(
        t.ok(&["plan", "show"]),
        v3.replace("1. [ ] benchmark", "1. [x] benchmark")
    );
    assert_eq!(t.json(&["status", "--json"])["session"]["plan"]["done"], 3);
    // Already done: said, exit 0, nothing recorded.
    let events = t.events(&id);
    let out = t.ok(&["plan", "done", "2"]);
    assert!(
        out.contains("Already done") && out.contains("nothing was recorded"),
        "{out}"
    );
    assert_eq!(t.events(&id), events);
    // Ambiguous and unknown steps fail and record nothing.
    let err = t.fails(&["plan", "done", "deploy to mars"], 1);
    assert!(err.contains("no step of the plan") && err.contains("hint:"), "{err}");
    let err = t.fails(&["plan", "done", "7"], 1);
    assert!(err.contains("it has 4 steps"), "{err}");
    assert_eq!(t.events(&id), events);
    // `undone` clears a box.
    let v = t.json(&["plan", "undone", "benchmark", "--json"]);
    assert_eq!(
        (v["plan"]["version"].as_u64(), v["plan"]["done"].as_u64()),
        (Some(5), Some(2))
    );

    // Empty, too large, not UTF-8: refused, nothing recorded.
    let events = t.events(&id);
    for (input, why) in [
        (&b""[..], "empty"),
        (b"  \n\t\n", "empty"),
        (&[b'x'; 256 * 1024 + 1][..], "256 KiB"),
        (b"# plan\n\xff\xfe\n", "not UTF-8"),
        (b"# plan\n\0\n", "NUL"),
    ] {
        let out = run_with_input(&t, &t.dir, &["plan", "set", "-"], input);
        assert_eq!(out.status.code(), Some(1), "{why}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(why) && stderr(&out).contains("nothing was recorded"),
            "{}",
            stderr(&out)
        );
    }
    let err = t.fails(&["plan", "set", "no-such-file.md"], 1);
    assert!(err.contains("no such file"), "{err}");
    assert_eq!(t.events(&id), events);

    // The log tells the story; the user's repository is untouched.
    assert_eq!(plan_events(&t, &t.dir, &id).len(), 5);
    before.assert_same(&t.user_state(), "plan commands");
    t.fsck();
}

#[test]
fn plan_commands_without_a_plan_or_a_session_say_what_to_do() {
    let t = TestRepo::new();
    let err = t.fails(&["plan", "show"], 1);
    assert!(err.contains("no current session"), "{err}");
    t.ok(&["start", "--name", "bare"]);
    for args in [
        &["plan"][..],
        &["plan", "show"],
        &["plan", "diff"],
        &["plan", "done", "1"],
    ] {
        let err = t.fails(args, 1);
        assert!(
            err.contains("has no plan") && err.contains("hint: set one with `git session plan set FILE`"),
            "{args:?}: {err}"
        );
    }
    assert!(t.json(&["status", "--json"]).get("plan").is_none());
    assert!(!t.ok(&["status"]).contains("Plan:"));
    // A plan without a checklist: `done` says how to write one.
    let out = run_with_input(&t, &t.dir, &["plan", "set", "-"], b"Just prose, no steps.\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = t.fails(&["plan", "done", "1"], 1);
    assert!(err.contains("no checklist") && err.contains("- [ ]"), "{err}");
    assert_eq!(t.json(&["plan", "show", "--json"])["title"], "Just prose, no steps.");
    // Control characters in a plan never reach the terminal, coloured or not.
    let out = run_with_input(
        &t,
        &t.dir,
        &["plan", "set", "-"],
        b"# Title]0;pwned
- [ ] a[2J
",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [
        &["plan", "show"][..],
        &["plan", "diff", "--color", "always"],
        &["status"],
        &["context"],
    ] {
        let shown = t.ok(args);
        assert!(!shown.contains(['\x1b', '\x07']), "{args:?}: {shown:?}");
    }
    assert_eq!(
        t.json(&["plan", "show", "--json"])["markdown"],
        "# Title\x1b]0;pwned\x07\n- [ ] a\x1b[2J\n"
    );
}

#[test]
fn a_plan_set_in_one_clone_is_shown_after_handoff_and_resume_in_another() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let b = clone(&t, &bare, "b");

    t.ok(&["start", "--name", "relay", "-i", "parser work"]);
    let long: String = (1..=60).map(|i| format!("- [ ] step {i}\n")).collect();
    let plan = format!("# Relay plan\n\n{long}");
    let out = run_with_input(&t, &t.dir, &["plan", "set", "-"], plan.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    t.ok(&["plan", "done", "step 7"]);
    let plan = plan.replace("- [ ] step 7\n", "- [x] step 7\n");
    let v = t.json(&["handoff", "-m", "plan inside", "--json"]);
    assert_eq!(v["pushed"]["result"], "pushed", "{v}");
    let handoff_md = t.git(&[
        "show",
        &format!("{}:attachments/handoff.md", v["commit"].as_str().unwrap()),
    ]);
    assert!(handoff_md.contains("## Plan (v2, 1/60 done)"), "{handoff_md}");

    // B fetches and resumes: the plan is in resume's TL;DR, bounded.
    t.ok_in(&b, &["fetch"]);
    let before = t.user_state_in(&b);
    // A file in the way with other content: refused, nothing changed.
    t.write_in(&b, "plan.md", "my own notes\n");
    let err = t.fails_in(&b, &["resume", "relay", "--plan-file", "plan.md"], 1);
    assert!(err.contains("plan.md exists") && !err.contains("rm "), "{err}");
    assert_eq!(std::fs::read_to_string(b.join("plan.md")).unwrap(), "my own notes\n");
    std::fs::remove_file(b.join("plan.md")).unwrap();
    before.assert_same(&t.user_state_in(&b), "a refused resume");
    assert!(t.json_in(&b, &["status", "--json"])["session"].is_null(), "not resumed");

    let sub = b.join("docs");
    std::fs::create_dir_all(&sub).unwrap();
    let out = t.ok_in(&sub, &["resume", "relay", "--plan-file", "plan.md"]);
    assert!(out.contains("Plan:      Relay plan (v2, 1/60 done)"), "{out}");
    assert!(
        out.contains("- [ ] step 1\n") && out.contains("- [x] step 7\n"),
        "{out}"
    );
    assert!(!out.contains("step 60"), "bounded: {out}");
    assert!(out.contains("more lines: git session plan show"), "{out}");
    assert_eq!(
        std::fs::read(sub.join("plan.md")).unwrap(),
        plan.as_bytes(),
        "the exact bytes, relative to the cwd"
    );
    assert!(!b.join("plan.md").exists());

    // `context` (the brief) and its JSON carry it; `plan show` gives all of it.
    let brief = t.ok_in(&b, &["context"]);
    assert!(
        brief.contains("## Plan (v2, 1/60 done)") && brief.contains("- [ ] step 1"),
        "{brief}"
    );
    let sections = t.json_in(&b, &["context", "--json"])["sections"].clone();
    let plan_section = sections
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().starts_with("Plan"))
        .expect("a plan section");
    assert!(plan_section["items"][0].as_str().unwrap().chars().count() <= 4_200);
    assert_eq!(t.ok_in(&b, &["plan", "show"]), plan);
    // The same file again is fine (it holds the plan already).
    t.ok_in(&sub, &["resume", "relay", "--plan-file", "plan.md"]);
    t.fsck();
}

#[test]
fn resume_without_a_plan_warns_and_resumes() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "one"]);
    t.ok(&["start", "--name", "two"]);
    let out = t.run(&["resume", "one", "--plan-file", "plan.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("has no plan"), "{}", stderr(&out));
    assert!(!t.path("plan.md").exists());
    assert_eq!(t.json(&["status", "--json"])["session"]["name"], "one");
}

/// Appends a hand-made `plan` event to session `id`: `attachment` is the
/// `plan.md` blob (or none), `header_blob` what the header's `plan.blob` names.
fn forge_plan(t: &TestRepo, id: &str, attachment: Option<&str>, header_blob: &str) {
    let reference = format!("refs/aura/sessions/{id}");
    let head = t.git(&["rev-parse", &reference]);
    let previous: Value = serde_json::from_str(&t.git(&["show", &format!("{head}:event.json")])).unwrap();
    let mut header: Value = serde_json::from_str(&t.git(&["show", &format!("{head}:session.json")])).unwrap();
    let clock = header["clock"].as_u64().unwrap() + 1;
    let event_id = format!("0190aaaa{clock:024x}");
    let mut event = json!({
        "format": 1, "id": event_id, "clock": clock, "kind": "plan",
        "time": "2026-01-02T03:04:05Z",
        "author": {"name": "Mallory Attacker", "email": "mallory@example.com"},
        "head": previous["head"], "branch": previous["branch"],
        "text": "forged\u{1b}[2J plan", "version": 9, "done": 99, "total": 3,
    });
    if let Some(blob) = attachment {
        event["attachments"] = json!({"plan.md": blob});
    }
    header["clock"] = clock.into();
    header["last_event"] = event_id.clone().into();
    header["plan"] = json!({"id": event_id, "version": 9, "title": "forged\u{1b}]0;pwned\u{7}", "done": 2, "total": 3, "blob": header_blob});
    let blob = |bytes: &[u8]| t.git_input_in(&t.dir, &["hash-object", "-w", "--stdin"], bytes);
    let mut lines = vec![
        format!("100644 blob {}\tsession.json", blob(header.to_string().as_bytes())),
        format!("100644 blob {}\tevent.json", blob(event.to_string().as_bytes())),
    ];
    if let Some(b) = attachment {
        // A tree entry must name an object git has; a missing one is forged in the header only.
        if t.git_output_in(&t.dir, &["cat-file", "-e", b], &[]).status.success() {
            let kind = t.git(&["cat-file", "-t", b]);
            let mode = if kind == "tree" { "040000" } else { "100644" };
            let attachments = t.git_input_in(&t.dir, &["mktree"], format!("{mode} {kind} {b}\tplan.md\n").as_bytes());
            lines.push(format!("040000 tree {attachments}\tattachments"));
        }
    }
    let tree = t.git_input_in(&t.dir, &["mktree"], format!("{}\n", lines.join("\n")).as_bytes());
    let commit = t.git(&["commit-tree", &tree, "-p", &head, "-m", "plan: forged"]);
    t.git(&["update-ref", &reference, &commit, &head]);
}

#[test]
fn a_hostile_plan_never_panics_and_stays_bounded() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    let blob = |bytes: &[u8]| t.git_input_in(&t.dir, &["hash-object", "-w", "--stdin"], bytes);
    let huge = blob(&vec![b'a'; 3 << 20]);
    let binary = blob(b"# plan\n\xff\xfe\xfd\n- [ ] x\n");
    let tree = t.git(&["rev-parse", "HEAD^{tree}"]);
    let missing = "0123456789abcdef0123456789abcdef01234567";
    for (what, attachment, header_blob) in [
        ("huge", Some(huge.as_str()), huge.as_str()),
        ("not UTF-8", Some(binary.as_str()), binary.as_str()),
        ("a tree", Some(tree.as_str()), tree.as_str()),
        ("missing", None, missing),
    ] {
        forge_plan(&t, &id, attachment, header_blob);
        let status = t.json(&["status", "--json"]);
        let error = status["plan"]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {status}"));
        assert!(error.contains("plan"), "{what}: {error}");
        assert!(status.to_string().len() < 20_000, "{what}: bounded");
        let human = t.ok(&["status"]);
        assert!(
            human.contains("the plan cannot be read") && !human.contains('\u{1b}'),
            "{what}: {human}"
        );
        let brief = t.ok(&["context"]);
        assert!(
            brief.contains("the plan cannot be read") && brief.len() < 20_000,
            "{what}: {brief}"
        );
        let err = t.fails(&["plan", "show"], 1);
        assert!(err.contains("the plan") && err.len() < 2_000, "{what}: {err}");
        let err = t.fails(&["plan", "done", "1"], 1);
        assert!(err.contains("the plan"), "{what}: {err}");
        t.fails(&["plan", "diff"], 1);
        // A good plan replaces it.
        let out = run_with_input(&t, &t.dir, &["plan", "set", "-"], b"# fixed\n- [ ] a\n");
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        assert_eq!(t.ok(&["plan", "show"]), "# fixed\n- [ ] a\n");
        assert_eq!(t.json(&["status", "--json"])["session"]["plan"]["version"], 10);
    }
}

#[test]
fn mcp_plan_set_and_plan_show_round_trip() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "agent"]);
    let plan = "# From the model\n\n- [x] read\n- [ ] write\n";
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "plan_set", "arguments": {"markdown": plan}}}),
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "plan_set", "arguments": {"text": plan}}}),
        json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "plan_show", "arguments": {}}}),
        json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "plan_set", "arguments": {"markdown": ""}}}),
        json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "plan_show", "arguments": {"at": "v7"}}}),
        json!({"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "plan_done", "arguments": {"step": "WRI"}}}),
        json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "plan_done", "arguments": {"step": "1"}}}),
        json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "plan_done", "arguments": {"step": "read", "undone": true}}}),
    ];
    let input: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let out = run_with_input(&t, &t.dir, &["mcp"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let replies: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reply = |id: i64| {
        replies
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no reply {id}"))
    };
    let tools = reply(2)["result"]["tools"].as_array().unwrap();
    for name in ["plan_set", "plan_show"] {
        let tool = tools.iter().find(|t| t["name"] == name).expect(name);
        assert_eq!(tool["outputSchema"]["type"], "object");
    }
    let set = &reply(3)["result"];
    assert_eq!(set["isError"], false, "{set}");
    assert_eq!(set["structuredContent"]["recorded"], true);
    assert_eq!(set["structuredContent"]["event"]["source"], "mcp");
    assert_eq!(reply(4)["result"]["structuredContent"]["recorded"], false, "same text");
    let shown = &reply(5)["result"]["structuredContent"];
    assert_eq!(shown["markdown"], plan);
    assert_eq!((shown["done"].as_u64(), shown["total"].as_u64()), (Some(1), Some(2)));
    assert_eq!(shown["steps"][1]["text"], "write");
    assert_eq!(
        shown,
        &t.json(&["plan", "show", "--at", "v1", "--json"]),
        "the tool returns what --json prints"
    );
    assert_eq!(reply(6)["result"]["isError"], true);
    let text = reply(7)["result"]["content"][0]["text"].as_str().unwrap().to_owned();
    assert!(
        reply(7)["result"]["isError"] == true && text.contains("no version 7"),
        "{text}"
    );
    let done = &reply(8)["result"]["structuredContent"];
    assert_eq!(
        (done["recorded"].as_bool(), done["step"]["number"].as_u64()),
        (Some(true), Some(2)),
        "{done}"
    );
    assert_eq!(done["plan"]["done"], 2);
    assert_eq!(
        reply(9)["result"]["structuredContent"]["recorded"],
        false,
        "already done"
    );
    let undone = &reply(10)["result"]["structuredContent"];
    assert_eq!(
        (undone["plan"]["version"].as_u64(), undone["plan"]["done"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(t.ok(&["plan", "show"]), "# From the model\n\n- [ ] read\n- [x] write\n");
    let plans = plan_events(&t, &t.dir, &t.current_id());
    assert_eq!(plans.len(), 3);
    assert!(plans.iter().all(|(_, e)| e["source"] == "mcp"));
}

fn hook(t: &TestRepo, agent: &str, payload: &Value) -> Output {
    let out = run_with_input(t, &t.dir, &["hook", agent], payload.to_string().as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "a hook never fails the agent: {}",
        stderr(&out)
    );
    out
}

#[test]
fn claude_plan_mode_and_codex_update_plan_set_the_plan_redacted() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "agentic"]);
    let id = t.current_id();
    let token = format!("ghp_{}", "Zq7Lw2Xk9Vb4Nm1Rt6Yp3Hs8Jd5Fg0Ca2Ue7Wi");
    let plan =
        format!("# Plan: add the cache\n\n- [ ] export GITHUB_TOKEN={token} for the test\n- [ ] write the cache\n");
    let payload = |event: &str, tool: &str, input: Value| {
        json!({
            "session_id": "claude-1", "transcript_path": "", "cwd": t.dir, "hook_event_name": event,
            "tool_name": tool, "tool_input": input, "tool_use_id": "toolu_1",
        })
    };
    hook(
        &t,
        "claude",
        &payload("PreToolUse", "ExitPlanMode", json!({"plan": plan})),
    );
    let plans = plan_events(&t, &t.dir, &id);
    assert_eq!(plans.len(), 1, "{plans:?}");
    assert_eq!(plans[0].1["source"], "claude");
    let stored = attached_plan(&t, &t.dir, &plans[0].0);
    assert!(!stored.contains(&token) && stored.contains("[REDACTED:"), "{stored}");
    assert!(stored.contains("- [ ] write the cache"), "{stored}");
    // The same plan after the tool ran records nothing more.
    hook(
        &t,
        "claude",
        &payload("PostToolUse", "ExitPlanMode", json!({"plan": plan})),
    );
    assert_eq!(plan_events(&t, &t.dir, &id).len(), 1);

    // Hostile and malformed payloads: exit 0, nothing recorded.
    let events = t.events(&id).len();
    for input in [
        json!({"plan": 42}),
        json!({"plan": ""}),
        json!("plan"),
        json!({"plan": "x".repeat(300 * 1024)}),
    ] {
        hook(&t, "claude", &payload("PreToolUse", "ExitPlanMode", input));
    }
    let out = run_with_input(
        &t,
        &t.dir,
        &["hook", "claude"],
        b"{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"ExitPlanMode\", \"tool_input\": {\"plan\": \"\xff\"}}",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(t.events(&id).len(), events);

    // Codex's update_plan becomes a checklist.
    let codex = json!({
        "session_id": "codex-1", "cwd": t.dir, "hook_event_name": "PreToolUse", "tool_name": "update_plan",
        "tool_input": {"explanation": "Cache first.", "plan": [
            {"step": "read the code", "status": "completed"},
            {"step": "write\nthe cache", "status": "in_progress"},
            {"step": "ship", "status": "pending"},
            {"status": "pending"},
        ]},
    });
    hook(&t, "codex", &codex);
    let shown = t.json(&["plan", "show", "--json"]);
    assert_eq!(
        shown["markdown"],
        "# Plan\n\nCache first.\n\n- [x] read the code\n- [ ] write the cache (in progress)\n- [ ] ship\n"
    );
    assert_eq!((shown["done"].as_u64(), shown["total"].as_u64()), (Some(1), Some(3)));
    assert_eq!(plan_events(&t, &t.dir, &id).last().unwrap().1["source"], "codex");
    t.fsck();
}

/// Claude Code's plan file (`~/.claude/plans/<slug>.md`): a `Write` gives
/// the plan, an `Edit` is applied to the file as it is; the file is read
/// only when it is a regular `.md` file right in a `.claude/plans/`
/// directory and at most 256 KiB, so a payload cannot make the hook read
/// (and record) another file.
#[test]
fn claude_plan_file_edits_set_the_plan_and_nothing_else_is_read() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "plan-file"]);
    let id = t.current_id();
    let plans_dir = t.home.join(".claude/plans");
    std::fs::create_dir_all(&plans_dir).unwrap();
    let file = plans_dir.join("tidy-otter.md");
    let tool = |name: &str, input: Value| {
        json!({
            "session_id": "claude-2", "cwd": t.dir, "hook_event_name": "PreToolUse",
            "permission_mode": "plan", "tool_name": name, "tool_input": input,
        })
    };
    let first = "# Tidy up\n\n- [ ] sort imports\n- [ ] drop dead code\n";
    hook(
        &t,
        "claude",
        &tool("Write", json!({"file_path": file, "content": first})),
    );
    assert_eq!(t.ok(&["plan", "show"]), first);
    // Claude Code writes the file after the hook; the Edit applies to it.
    std::fs::write(&file, first).unwrap();
    hook(
        &t,
        "claude",
        &tool(
            "MultiEdit",
            json!({"file_path": file, "edits": [
                {"old_string": "- [ ] sort imports", "new_string": "- [x] sort imports"},
                {"old_string": "dead", "new_string": "unused", "replace_all": true},
            ]}),
        ),
    );
    assert_eq!(
        t.ok(&["plan", "show"]),
        "# Tidy up\n\n- [x] sort imports\n- [ ] drop unused code\n"
    );
    let before = t.events(&id).len();

    // Not a plan file, a symlink to a secret, a directory, too large: nothing read or recorded.
    let secret = t.root.join("secret.md");
    std::fs::write(&secret, "- [ ] the secret\n").unwrap();
    let link = plans_dir.join("link.md");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let big = plans_dir.join("big.md");
    std::fs::write(&big, "x".repeat(300 * 1024)).unwrap();
    std::fs::create_dir_all(plans_dir.join("dir.md")).unwrap();
    for path in [
        secret.clone(),
        link,
        big,
        plans_dir.join("dir.md"),
        plans_dir.join("missing.md"),
    ] {
        hook(
            &t,
            "claude",
            &tool("Edit", json!({"file_path": path, "old_string": "x", "new_string": "y"})),
        );
    }
    hook(
        &t,
        "claude",
        &tool(
            "Write",
            json!({"file_path": plans_dir.join("x.txt"), "content": "- [ ] no"}),
        ),
    );
    hook(&t, "claude", &tool("Edit", json!({"file_path": file, "old_string": 7})));
    let after: Vec<Value> = t.events(&id).into_iter().skip(before).map(|(_, e)| e).collect();
    assert!(after.iter().all(|e| e["kind"] != "plan"), "{after:#?}");
    assert!(!t.ok(&["plan", "show"]).contains("secret"));
    t.fsck();
}

#[test]
fn plans_set_in_two_clones_while_apart_merge_into_one_history() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let b = clone(&t, &bare, "b");
    t.ok(&["start", "--name", "apart"]);
    let id = t.current_id();
    let set = |dir: &Path, text: &str| {
        let out = run_with_input(&t, dir, &["plan", "set", "-"], text.as_bytes());
        assert!(out.status.success(), "{}", stderr(&out));
    };
    set(&t.dir, "# Together\n- [ ] one\n");
    t.ok(&["push"]);
    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["resume", "apart"]);
    set(&b, "# B's way\n- [ ] one\n- [ ] two\n");
    t.ok_in(&b, &["push"]);
    set(&t.dir, "# A's way\n- [x] one\n");
    t.ok(&["fetch"]);

    // A holds all three versions; the plan in force is the later in log order (B's, after its resume).
    let plans = plan_events(&t, &t.dir, &id);
    let texts: Vec<&str> = plans.iter().map(|(_, e)| e["text"].as_str().unwrap()).collect();
    assert_eq!(plans.len(), 3, "{texts:?}");
    assert!(texts.contains(&"A's way") && texts.contains(&"B's way"), "{texts:?}");
    let header = t.json(&["status", "--json"])["session"]["plan"].clone();
    assert_eq!(header["title"], "B's way", "{header}");
    assert_eq!(t.ok(&["plan", "show"]), "# B's way\n- [ ] one\n- [ ] two\n");
    let mine = plans.iter().find(|(_, e)| e["text"] == "A's way").unwrap();
    assert_eq!(
        t.ok(&["plan", "show", "--at", mine.1["id"].as_str().unwrap()]),
        "# A's way\n- [x] one\n"
    );
    assert_eq!(attached_plan(&t, &t.dir, &mine.0), "# A's way\n- [x] one\n");
    // The next version goes on from the plan in force.
    set(&t.dir, "# Merged\n- [x] one\n- [ ] two\n");
    assert_eq!(t.json(&["status", "--json"])["session"]["plan"]["version"], 3);
    t.fsck();
}
