//! `git-session hook <agent>` driven by the payloads the real Claude Code
//! 2.1.332 sent (`../shared/agents/claude-code-2.1.332/`, copied into
//! `tests/fixtures/agents/`) and by the documented payloads of the other
//! agents. git is the oracle of every snapshot, the partial ones (inside a
//! trusted turn) above all.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{json, Value};

use crate::harness::{stderr, TestRepo};

const CLAUDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/agents/claude-code-2.1.332");

/// The captured payload `n` of `event`, with the capture's paths replaced by
/// this repository's and the transcript put under the test's HOME.
fn captured(t: &TestRepo, event: &str, n: usize) -> Value {
    let text = std::fs::read_to_string(Path::new(CLAUDE).join(format!("{event}.jsonl"))).unwrap();
    let line = text
        .lines()
        .nth(n)
        .unwrap_or_else(|| panic!("{event}.jsonl has no line {n}"));
    let line = line
        .replace("/home/dev/project", t.dir.to_str().unwrap())
        .replace("/home/dev", t.home.to_str().unwrap());
    serde_json::from_str(&line).unwrap()
}

/// Runs `git-session hook AGENT` with `input` on stdin; it must exit 0.
fn hook(t: &TestRepo, agent: &str, input: &[u8]) -> Output {
    hook_env(t, agent, input, &[])
}

fn hook_env(t: &TestRepo, agent: &str, input: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = t.cmd(&["hook", agent]);
    cmd.envs(env.iter().copied());
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a hook must never fail the agent: {}",
        stderr(&out)
    );
    out
}

fn hook_json(t: &TestRepo, agent: &str, payload: &Value) -> Output {
    hook(t, agent, payload.to_string().as_bytes())
}

/// The events of the only session, as `(kind, event)`.
fn events(t: &TestRepo) -> Vec<(String, Value)> {
    let list = t.json(&["list", "--all", "--json"]);
    let sessions = list.as_array().expect("list --json is an array");
    assert_eq!(sessions.len(), 1, "one session: {list}");
    let id = sessions[0]["id"].as_str().unwrap().to_owned();
    t.events(&id)
        .into_iter()
        .map(|(_, e)| (e["kind"].as_str().unwrap().to_owned(), e))
        .collect()
}

fn last<'a>(events: &'a [(String, Value)], kind: &str) -> &'a Value {
    &events
        .iter()
        .rev()
        .find(|(k, _)| k == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
        .1
}

fn context_of(out: &Output) -> String {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap_or_else(|| panic!("no additionalContext in {v}"))
        .to_owned()
}

#[test]
fn claude_code_payloads_record_the_turn_with_exact_snapshots() {
    let t = TestRepo::new();
    t.write("src/lib.rs", "fn a() {}\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "lib"]);
    let start = captured(&t, "SessionStart", 0);
    let agent_id = start["session_id"].as_str().unwrap().to_owned();
    let out = hook_json(&t, "claude", &start);
    assert!(context_of(&out).contains("git-session records this work as session"));

    let out = hook_json(&t, "claude", &captured(&t, "UserPromptSubmit", 0));
    assert!(out.stdout.is_empty(), "a plain prompt injects nothing");
    assert_eq!(
        t.header()["intent"]["text"],
        "create hello.txt",
        "the first prompt is the intent"
    );

    // Write: the pre-edit snapshot is taken before the file exists.
    let before = t.oracle_tree();
    hook_json(&t, "claude", &captured(&t, "PreToolUse", 0));
    t.write("hello.txt", "hello from the stand-in\n");
    // Edit: inside the trusted turn, only the named files are looked at —
    // and the tree is still exactly git's.
    let after_write = t.oracle_tree();
    let timing = [("GIT_SESSION_SNAPSHOT_TIMING", "1")];
    let out = hook_env(
        &t,
        "claude",
        captured(&t, "PreToolUse", 1).to_string().as_bytes(),
        &timing,
    );
    assert!(
        stderr(&out).contains("scan of the named paths"),
        "the second edit of a turn looks at the named files only: {}",
        stderr(&out)
    );
    t.write("hello.txt", "hello from the stand-in (edited)\n");
    hook_json(&t, "claude", &captured(&t, "Stop", 0));
    let at_stop = t.oracle_tree();
    hook_json(&t, "claude", &captured(&t, "SessionEnd", 0));

    let ev = events(&t);
    let kinds: Vec<&str> = ev.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["start", "prompt", "snapshot", "snapshot", "checkpoint", "pause"],
        "{ev:?}"
    );
    assert_eq!(ev[0].1["agent"], json!({"name": "claude", "session": agent_id}));
    assert_eq!(ev[1].1["text"], "create hello.txt");
    assert_eq!(ev[1].1["agent"], "claude");
    assert_eq!(ev[2].1["paths"], json!(["hello.txt"]));
    assert_eq!(
        ev[2].1["tree"],
        before.as_str(),
        "the first snapshot of a turn is git's tree"
    );
    assert_eq!(
        ev[3].1["tree"],
        after_write.as_str(),
        "the partial snapshot is git's tree"
    );
    assert_eq!(ev[4].1["tree"], at_stop.as_str());
    assert_eq!(ev[4].1["text"], "after: create hello.txt");
    t.fsck();

    // Claude Code resumed (`--resume`): the same session, resumed, and its brief.
    let out = hook_json(&t, "claude", &captured(&t, "SessionStart", 1));
    let brief = context_of(&out);
    assert!(brief.contains("## Recent prompts\n- create hello.txt"), "{brief}");
    assert!(
        brief.contains("## The agent's last message\nCreated hello.txt."),
        "Stop's last_assistant_message: {brief}"
    );
    assert_eq!(t.header()["status"], "active");
    // `/compact`: a checkpoint counted in the header, the TL;DR for the summary,
    // then the brief again for the compacted context.
    let out = hook_json(&t, "claude", &captured(&t, "PreCompact", 0));
    let tldr = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(tldr.contains("Session main-"), "{tldr}");
    let header = t.header();
    assert_eq!(header["counters"]["compactions"], 1);
    assert_eq!(header["checkpoint"]["text"], "before compaction (manual)");
    let out = hook_json(&t, "claude", &captured(&t, "SessionStart", 2));
    assert!(context_of(&out).contains("before compaction (manual)"));
    let ev = events(&t);
    assert_eq!(last(&ev, "checkpoint")["compaction"], "manual");
    assert_eq!(
        ev.iter().filter(|(k, _)| k == "start").count(),
        1,
        "one session throughout"
    );
}

#[test]
fn a_shell_tool_makes_the_next_snapshot_look_at_everything() {
    let t = TestRepo::new();
    let id = "0b0e2b5a-shell";
    let pre = |tool: &str, input: Value| json!({"session_id": id, "hook_event_name": "PreToolUse", "cwd": t.dir, "tool_name": tool, "tool_input": input});
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "SessionStart", "source": "startup"}),
    );
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "UserPromptSubmit", "prompt": "fix it"}),
    );
    hook_json(&t, "claude", &pre("Write", json!({"file_path": t.path("a.txt")})));
    t.write("a.txt", "a\n");
    // A shell writes a file no edit tool named.
    hook_json(&t, "claude", &pre("Bash", json!({"command": "echo b > b.txt"})));
    t.write("b.txt", "b\n");
    hook_json(&t, "claude", &pre("Edit", json!({"file_path": t.path("a.txt")})));
    let ev = events(&t);
    let snapshot = last(&ev, "snapshot");
    assert_eq!(snapshot["tree"], t.oracle_tree().as_str(), "b.txt is in the snapshot");
    // Between turns a person may edit anything: the next turn starts with a full snapshot.
    hook_json(&t, "claude", &json!({"session_id": id, "hook_event_name": "Stop"}));
    t.write("README", "edited by hand\n");
    t.write("c.txt", "by hand too\n");
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "UserPromptSubmit", "prompt": "more"}),
    );
    hook_json(&t, "claude", &pre("Write", json!({"file_path": t.path("a.txt")})));
    let ev = events(&t);
    assert_eq!(last(&ev, "snapshot")["tree"], t.oracle_tree().as_str());
    // Inside the turn, an edit in a new untracked directory and an ignored file.
    t.write(".gitignore", "*.log\n");
    t.git(&["add", ".gitignore"]);
    hook_json(&t, "claude", &json!({"session_id": id, "hook_event_name": "Stop"}));
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "UserPromptSubmit", "prompt": "again"}),
    );
    hook_json(
        &t,
        "claude",
        &pre("Write", json!({"file_path": t.path("new/dir/x.rs")})),
    );
    t.write("new/dir/x.rs", "x\n");
    hook_json(&t, "claude", &pre("Write", json!({"file_path": t.path("debug.log")})));
    t.write("debug.log", "ignored\n");
    hook_json(&t, "claude", &pre("Write", json!({"file_path": t.path("README")})));
    let ev = events(&t);
    assert_eq!(last(&ev, "snapshot")["tree"], t.oracle_tree().as_str());
    // The agent deletes a file it named (apply_patch's `*** Delete File`).
    hook_json(&t, "claude", &pre("Edit", json!({"file_path": t.path("a.txt")})));
    t.remove("a.txt");
    hook_json(&t, "claude", &pre("Edit", json!({"file_path": t.path("README")})));
    let ev = events(&t);
    assert_eq!(
        last(&ev, "snapshot")["tree"],
        t.oracle_tree().as_str(),
        "a deleted file the agent named earlier in the turn"
    );
}

#[test]
fn every_agent_s_edit_tools_name_their_files() {
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            "codex",
            json!({"hook_event_name": "SessionStart", "source": "startup", "session_id": "codex-1", "model": "gpt"}),
            json!({"hook_event_name": "PreToolUse", "session_id": "codex-1", "tool_name": "apply_patch", "turn_id": "t1",
                   "tool_input": {"command": "*** Begin Patch\n*** Add File: notes/a.md\n+hi\n*** Update File: README\n@@\n-hello\n+hi\n*** End Patch\n"}}),
        ),
        (
            "gemini",
            json!({"hook_event_name": "SessionStart", "source": "startup", "session_id": "gem-1", "timestamp": "2026-12-01T00:00:00Z"}),
            json!({"hook_event_name": "BeforeTool", "session_id": "gem-1", "tool_name": "write_file",
                   "tool_input": {"file_path": "notes/a.md", "content": "hi"}}),
        ),
        (
            "cursor",
            json!({"hook_event_name": "sessionStart", "conversation_id": "cur-1", "workspace_roots": []}),
            json!({"hook_event_name": "afterFileEdit", "conversation_id": "cur-1", "file_path": "notes/a.md", "edits": []}),
        ),
        (
            "copilot",
            json!({"hook_event_name": "sessionStart", "source": "new", "timestamp": 1}),
            json!({"hook_event_name": "preToolUse", "toolName": "create", "toolArgs": "{\"path\": \"notes/a.md\", \"file_text\": \"hi\"}"}),
        ),
    ];
    for (agent, start, edit) in cases {
        let t = TestRepo::new();
        let out = hook_json(&t, agent, &start);
        match agent {
            "codex" | "gemini" => {
                let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                // Codex rejects unknown keys: exactly these.
                assert_eq!(
                    v.as_object().unwrap().keys().collect::<Vec<_>>(),
                    ["hookSpecificOutput"]
                );
                let inner = v["hookSpecificOutput"].as_object().unwrap();
                let mut keys: Vec<_> = inner.keys().collect();
                keys.sort();
                assert_eq!(keys, ["additionalContext", "hookEventName"]);
            }
            _ => assert!(
                out.stdout.is_empty(),
                "{agent} takes decisions from stdout: nothing printed"
            ),
        }
        hook_json(&t, agent, &edit);
        let ev = events(&t);
        let snapshot = last(&ev, "snapshot");
        let expected = if agent == "codex" {
            json!(["notes/a.md", "README"])
        } else {
            json!(["notes/a.md"])
        };
        assert_eq!(snapshot["paths"], expected, "{agent}");
        assert_eq!(snapshot["tree"], t.oracle_tree().as_str(), "{agent}");
        if agent != "copilot" {
            assert_eq!(ev[0].1["agent"]["name"], agent);
        }
    }
}

#[test]
fn bad_input_and_disabled_hooks_change_nothing_and_exit_zero() {
    let t = TestRepo::new();
    let before = t.user_state();
    for input in [
        &b""[..],
        b"not json",
        b"[1,2]",
        b"{\"hook_event_name\": \"Nope\"}",
        b"\xff\xfe{",
    ] {
        let out = hook(&t, "claude", input);
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).lines().count() <= 1, "one line at most: {}", stderr(&out));
    }
    let start = json!({"session_id": "x", "hook_event_name": "SessionStart", "source": "startup"});
    let mut off = TestRepo::new();
    off.set_env("GIT_SESSION_DISABLE", "1");
    let out = hook_json(&off, "claude", &start);
    assert!(out.stdout.is_empty());
    t.git(&["config", "session.agentHooks", "false"]);
    let out = hook_json(&t, "claude", &start);
    assert!(out.stdout.is_empty());
    t.user_state().assert_same(&before, "bad input and disabled hooks");
    assert!(
        t.git(&["for-each-ref", "refs/aura"]).is_empty(),
        "no session was written"
    );
    // A hook a newer version installed (another agent, more arguments) never blocks.
    for args in [&["hook", "nope"][..], &["hook", "claude", "preToolUse", "--x"][..]] {
        let out = t.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    // Outside a repository: one line, exit 0.
    let out = {
        let mut cmd = t.cmd_in(&t.root, &["hook", "claude"]);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(start.to_string().as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn a_user_s_own_session_is_joined_and_not_paused_by_the_agent() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "mine", "--intent", "refactor the parser"]);
    let id = "joined-1";
    let out = hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "SessionStart", "source": "startup"}),
    );
    let brief = context_of(&out);
    assert!(brief.contains("session 'mine'"), "{brief}");
    assert!(brief.contains("refactor the parser"), "{brief}");
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "UserPromptSubmit", "prompt": "go"}),
    );
    assert_eq!(
        t.header()["intent"]["text"],
        "refactor the parser",
        "the user's intent stays"
    );
    hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "SessionEnd", "reason": "other"}),
    );
    assert_eq!(t.header()["status"], "active", "the user's session stays current");
    // A continuation phrase brings the brief.
    let out = hook_json(
        &t,
        "claude",
        &json!({"session_id": id, "hook_event_name": "UserPromptSubmit", "prompt": "where were we?"}),
    );
    assert!(context_of(&out).contains("refactor the parser"));
}

#[test]
fn transcripts_attach_only_what_is_new() {
    let t = TestRepo::new();
    let id = "tr-1";
    let transcript = t.home.join("transcript.jsonl");
    let base = json!({"session_id": id, "transcript_path": transcript});
    let with = |name: &str| {
        let mut v = base.clone();
        v["hook_event_name"] = json!(name);
        v
    };
    std::fs::write(
        &transcript,
        "{\"type\":\"user\",\"n\":1}\n{\"type\":\"assistant\",\"n\":2}\n",
    )
    .unwrap();
    hook_json(&t, "claude", &with("SessionStart"));
    hook_json(&t, "claude", &with("Stop"));
    // A half-written line waits for the next attachment.
    let mut f = std::fs::OpenOptions::new().append(true).open(&transcript).unwrap();
    f.write_all(b"{\"type\":\"user\",\"n\":3}\n{\"type\":\"assis").unwrap();
    hook_json(&t, "claude", &with("Stop"));
    f.write_all(b"tant\",\"n\":4}\n").unwrap();
    hook_json(&t, "claude", &with("Stop"));
    hook_json(&t, "claude", &with("Stop"));
    let ev = events(&t);
    let attached: Vec<String> = ev
        .iter()
        .filter_map(|(_, e)| e.get("attachments"))
        .flat_map(|a| a.as_object().unwrap().values().map(|v| v.as_str().unwrap().to_owned()))
        .map(|blob| t.git(&["cat-file", "-p", &blob]))
        .collect();
    assert_eq!(
        attached,
        [
            "{\"type\":\"user\",\"n\":1}\n{\"type\":\"assistant\",\"n\":2}",
            "{\"type\":\"user\",\"n\":3}",
            "{\"type\":\"assistant\",\"n\":4}",
        ]
    );
    assert_eq!(
        ev.iter().filter(|(k, _)| k == "attach").count(),
        3,
        "an idle stop with nothing new writes nothing"
    );
    // Turned off: nothing attached.
    t.git(&["config", "session.attachTranscripts", "false"]);
    std::fs::write(&transcript, "{\"more\":1}\n{\"more\":2}\n{\"more\":3}\n").unwrap();
    hook_json(&t, "claude", &with("Stop"));
    assert_eq!(events(&t).len(), ev.len());
}

#[test]
fn hostile_payloads_write_nothing_outside_and_spoof_no_binding() {
    let t = TestRepo::new();
    let outside = t.root.join("outside.txt");
    std::fs::write(&outside, "outside\n").unwrap();
    let before_outside = t.outside_state();
    let evil = "evil\tid\nclaude\tother\t0123";
    hook_json(
        &t,
        "claude",
        &json!({"session_id": evil, "hook_event_name": "SessionStart", "source": "startup"}),
    );
    let agents = std::fs::read_to_string(t.dir.join(".git/aura/agents")).unwrap_or_default();
    assert!(
        !agents.contains("evil"),
        "an id with tabs or newlines is never bound: {agents:?}"
    );
    // Paths outside the work tree are not the session's: no snapshot names them.
    for path in [
        outside.to_str().unwrap(),
        "../outside.txt",
        "/etc/passwd",
        ".git/config",
    ] {
        hook_json(
            &t,
            "claude",
            &json!({"session_id": evil, "hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": {"file_path": path}}),
        );
    }
    // A transcript that is a directory, a device, or missing: nothing attached.
    for transcript in [t.root.to_str().unwrap(), "/dev/zero", "/nonexistent/x.jsonl"] {
        hook_json(
            &t,
            "claude",
            &json!({"session_id": evil, "hook_event_name": "Stop", "transcript_path": transcript}),
        );
    }
    let ev = events(&t);
    for (kind, e) in &ev {
        if kind == "snapshot" {
            for p in e["paths"].as_array().unwrap() {
                assert!(!p.as_str().unwrap().contains(".."), "{e}");
                assert_ne!(p, "etc/passwd");
                assert!(!p.as_str().unwrap().starts_with(".git/"), "{e}");
            }
        }
        assert!(e.get("attachments").is_none(), "nothing attached: {e}");
    }
    assert_eq!(
        t.outside_state(),
        before_outside,
        "nothing outside the work tree changed"
    );
    t.fsck();
}

/// Every blob reachable from the session's ref, as text.
fn reachable_blobs(t: &TestRepo) -> Vec<String> {
    let objects = t.git(&[
        "rev-list",
        "--objects",
        "--no-object-names",
        "--glob=refs/aura/sessions/*",
    ]);
    objects
        .lines()
        .filter(|o| t.git(&["cat-file", "-t", o]) == "blob")
        .map(|o| t.git(&["cat-file", "-p", o]))
        .collect()
}

#[test]
fn secrets_in_prompts_and_transcripts_reach_no_object() {
    let t = TestRepo::new();
    // Built from pieces so that this file holds no secret itself.
    let github = format!("ghp_{}", "Zq7Lw2Xk9Vb4Nm1Rt6Yp3Hs8Jd5Fg0Ca2Ue7Wi");
    let aws_id = format!("AKIA{}", "Q7ZR4MXW2KJ9PLTB");
    let aws_secret = format!("{}{}", "wJ7rXUtnFEMI/K7MDENG/bPxRfiCYz", "Q4bR8sLm2T");
    let key_body = format!(
        "{}{}",
        "MIIEowIBAAKCAQEA2a2rwplBQLzHPZe5TNJNgBvv7JRrU0vWGGbF0pL8", "sYQxmX0jLr3Qp4cWx9kZbN8T"
    );
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{key_body}\n{key_body}\n-----END RSA PRIVATE KEY-----\n");
    let transcript = t.home.join("t.jsonl");
    let lines = [
        json!({"type": "user", "message": {"role": "user", "content": format!("use {github} to push")}}),
        json!({"type": "assistant", "message": {"role": "assistant", "content": [
            {"type": "tool_use", "name": "Write", "input": {"file_path": "k.pem", "content": pem}}]}}),
        json!({"type": "user", "message": {"content": format!("aws_secret_access_key = {aws_secret}")}}),
    ];
    let text: String =
        lines.iter().map(|l| format!("{l}\n")).collect::<String>() + "not json but AKIA" + &aws_id[4..] + "\n";
    std::fs::write(&transcript, text).unwrap();
    let base = |event: &str| json!({"session_id": "sec-1", "hook_event_name": event, "transcript_path": transcript});
    hook_json(&t, "claude", &base("SessionStart"));
    let mut prompt = base("UserPromptSubmit");
    prompt["prompt"] = json!(format!("deploy with key {aws_id} and token {github}"));
    hook_json(&t, "claude", &prompt);
    let mut stop = base("Stop");
    stop["last_assistant_message"] = json!(format!("I used {github}."));
    hook_json(&t, "claude", &stop);
    hook_json(&t, "claude", &base("PreCompact"));
    let ev = events(&t);
    assert!(
        ev.iter().any(|(_, e)| e.get("attachments").is_some()),
        "the transcript was attached: {ev:?}"
    );
    let prompt = last(&ev, "prompt");
    assert!(prompt["text"].as_str().unwrap().contains("[REDACTED:"), "{prompt}");
    let blobs = reachable_blobs(&t);
    let everything = blobs.join("\n");
    assert!(everything.contains("[REDACTED:"), "the markers are there");
    for secret in [&github, &aws_id, &aws_secret, &key_body] {
        assert!(!everything.contains(secret.as_str()), "{secret} reached an object");
    }
    // The redacted transcript lines are still JSON.
    for blob in &blobs {
        if blob.contains("\"tool_use\"") {
            for line in blob.lines().filter(|l| l.starts_with('{')) {
                serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            }
        }
    }
}

/// An edit outside the current intent's declared scope is told to the
/// agent as a fact (`additionalContext`) by the agents whose pre-tool hooks
/// take context (Claude Code, Gemini CLI); one inside it, or without a
/// scope, prints nothing; Codex, whose schemas reject what they do not
/// document there, gets nothing. The pre-edit snapshot is taken either way.
#[test]
fn an_edit_outside_the_declared_scope_is_told_to_the_agent() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "scoped"]);
    let id = t.current_id();
    let claude = |file: &str| {
        json!({
            "session_id": "c-1", "transcript_path": "", "cwd": t.dir, "hook_event_name": "PreToolUse",
            "tool_name": "Write", "tool_input": {"file_path": t.dir.join(file), "content": "x"},
        })
    };
    // No scope yet: silent.
    assert!(hook_json(&t, "claude", &claude("a.txt")).stdout.is_empty());
    t.ok(&["intent", "docs only", "--writes", "docs/", "README"]);
    assert!(hook_json(&t, "claude", &claude("docs/a.md")).stdout.is_empty());
    let out = hook_json(&t, "claude", &claude("src/x.rs"));
    let told: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(told["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    assert_eq!(
        told["hookSpecificOutput"]["additionalContext"],
        "git-session: src/x.rs is outside the current intent's declared scope (docs/ README); a commit that changes it will be flagged."
    );
    let gemini = json!({
        "session_id": "g-1", "cwd": t.dir, "hook_event_name": "BeforeTool", "tool_name": "write_file",
        "tool_input": {"file_path": t.dir.join("lib.rs"), "content": "x"},
    });
    let out = hook_json(&t, "gemini", &gemini);
    let told: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(told["hookSpecificOutput"]["hookEventName"], "BeforeTool");
    assert!(told["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap()
        .contains("lib.rs is outside"));
    let codex = json!({
        "session_id": "x-1", "cwd": t.dir, "hook_event_name": "PreToolUse", "tool_name": "apply_patch",
        "tool_input": {"command": "*** Begin Patch\n*** Add File: z.txt\n+z\n*** End Patch\n"},
    });
    assert!(hook_json(&t, "codex", &codex).stdout.is_empty());
    let snapshots = t
        .events(&id)
        .into_iter()
        .filter(|(_, e)| e["kind"] == "snapshot")
        .count();
    assert_eq!(snapshots, 5, "every edit took its pre-edit snapshot");
}
