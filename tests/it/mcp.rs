//! `git session mcp`: the MCP server over a pipe. Hand-written exchanges
//! for each protocol era (the `initialize` handshake and the stateless
//! 2026-07-28 revision with `server/discover`), the protocol's error cases,
//! and a conversation with the official Python SDK's client in both eras —
//! each checked against the repository with the CLI and git as the oracle.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{TestRepo, BIN};

/// Every tool the server must offer.
const TOOLS: &[&str] = &[
    "start",
    "resume",
    "status",
    "intent",
    "snapshot",
    "checkpoint",
    "note",
    "resolve",
    "objective",
    "summarize",
    "compare",
    "context",
    "plan_set",
    "plan_done",
    "plan_show",
    "rewind",
    "undo",
    "list",
    "log",
];

/// The `_meta` of a 2026-07-28 request.
fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "it", "version": "1"},
    })
}

/// A running `git-session mcp`, its stdout read line by line.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
    next_id: i64,
}

impl Server {
    fn start(t: &TestRepo) -> Server {
        Server::start_in(t, &t.dir, &[])
    }

    fn start_in(t: &TestRepo, cwd: &Path, env: &[(&str, &str)]) -> Server {
        let mut cmd = t.cmd_in(cwd, &["mcp"]);
        cmd.envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("cannot run git-session mcp");
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Server {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr: Some(stderr),
            next_id: 0,
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// The next line of stdout, which must be one JSON-RPC message.
    fn reply(&mut self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute");
        let reply: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("stdout carries only JSON-RPC, got {line:?}: {e}"));
        assert_eq!(reply["jsonrpc"], "2.0", "{reply}");
        reply
    }

    /// Sends a request and returns the whole response, checking its id.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string());
        let reply = self.reply();
        assert_eq!(reply["id"], id, "{reply}");
        reply
    }

    /// The result of a request that must succeed.
    fn result(&mut self, method: &str, params: Value) -> Value {
        let reply = self.request(method, params);
        assert!(reply.get("error").is_none(), "{method} failed: {reply}");
        reply["result"].clone()
    }

    /// The error code of a request that must fail.
    fn error_code(&mut self, method: &str, params: Value) -> i64 {
        let reply = self.request(method, params);
        assert!(reply.get("result").is_none(), "{method} should fail: {reply}");
        reply["error"]["code"].as_i64().expect("an integer code")
    }

    /// Calls a tool (with `meta` as the request's `_meta`, if any) and returns its result.
    fn call(&mut self, name: &str, arguments: Value, meta: Option<Value>) -> Value {
        let mut params = json!({"name": name, "arguments": arguments});
        if let Some(meta) = meta {
            params["_meta"] = meta;
        }
        let result = self.result("tools/call", params);
        assert!(result["content"][0]["type"] == "text", "a text copy first: {result}");
        if result["isError"] == false {
            let structured = &result["structuredContent"];
            assert!(
                structured.is_object(),
                "{name}: structuredContent is an object: {result}"
            );
            let copy: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
            assert_eq!(
                &copy, structured,
                "{name}: the text is a copy of the structured content"
            );
        }
        result
    }

    /// A tool's structured result; the call must succeed.
    fn ok(&mut self, name: &str, arguments: Value) -> Value {
        let result = self.call(name, arguments, None);
        assert_eq!(result["isError"], false, "{name} failed: {result}");
        result["structuredContent"].clone()
    }

    /// Closes stdin; the server must exit 0 having written nothing more. Returns its stderr.
    fn finish(mut self) -> String {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "git-session mcp exited with {status}");
        let extra: Vec<String> = self.lines.try_iter().collect();
        assert!(extra.is_empty(), "unasked-for output: {extra:?}");
        self.stderr.take().unwrap().join().unwrap()
    }
}

/// The handshake era: `initialize` (2025-06-18), `notifications/initialized`,
/// `tools/list`, tool calls that record into the session, a tool that fails,
/// an unknown tool, an unknown method and a line that is not JSON.
#[test]
fn handshake_era_exchange_records_into_the_session() {
    let t = TestRepo::new();
    let mut s = Server::start(&t);
    let init = s.result(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}),
    );
    assert_eq!(init["protocolVersion"], "2025-06-18");
    assert_eq!(init["serverInfo"]["name"], "git-session");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    assert!(
        init.get("resultType").is_none(),
        "no resultType before 2026-07-28: {init}"
    );
    s.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    assert_eq!(s.result("ping", json!({})), json!({}));

    let listed = s.result("tools/list", json!({}));
    let tools = listed["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    for name in TOOLS {
        assert!(names.contains(name), "tools/list offers {name}: {names:?}");
    }
    for tool in tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert_eq!(tool["outputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().is_some_and(|d| !d.is_empty()), "{tool}");
    }
    assert!(listed.get("resultType").is_none(), "{listed}");

    // A tool that ran and failed is a result, with the message and the hint.
    let failed = s.call("checkpoint", json!({}), None);
    assert_eq!(failed["isError"], true, "{failed}");
    let text = failed["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("no current session") && text.contains("hint: "), "{text}");
    assert!(failed.get("structuredContent").is_none(), "{failed}");

    // Protocol errors, and the server reads on after each.
    assert_eq!(s.error_code("tools/call", json!({"name": "no-such-tool"})), -32602);
    assert_eq!(s.error_code("resources/read", json!({"uri": "x"})), -32601);
    s.send("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    let parse = s.reply();
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    assert_eq!(parse["id"], Value::Null, "{parse}");

    let started = s.ok("start", json!({"name": "mcp-work", "intent": "serve the tools"}));
    let id = t.current_id();
    assert_eq!(started["session"], id.as_str());
    assert_eq!(started["name"], "mcp-work");
    assert_eq!(t.header()["intent"]["text"], "serve the tools");

    t.write("src.txt", "one\n");
    let snap = s.ok(
        "snapshot",
        json!({"paths": ["src.txt", t.path("README").to_str().unwrap()]}),
    );
    assert_eq!(snap["events"][0]["paths"], json!(["src.txt", "README"]));
    let decided = s.ok(
        "note",
        json!({"text": "hand-written protocol", "kind": "decision", "rationale": "small", "alternatives": ["rmcp", "jsonrpc crate"]}),
    );
    assert_eq!(decided["session"], id.as_str());
    for kind in ["note", "discovery", "blocker", "next", "progress"] {
        s.ok("note", json!({"text": format!("a {kind}"), "kind": kind}));
    }
    let bad = s.call("note", json!({"text": "x", "rationale": "only for decisions"}), None);
    assert_eq!(bad["isError"], true, "{bad}");
    s.ok("objective", json!({"action": "add", "text": "answer both eras"}));
    let done = s.ok("objective", json!({"action": "done", "text": "both eras"}));
    assert_eq!(done["objective"]["text"], "answer both eras");
    s.ok("resolve", json!({"blocker": "a blocker", "how": "it was not one"}));
    let checkpoint = s.ok("checkpoint", json!({"label": "tools answer"}));
    // git agrees on the snapshot the checkpoint took.
    assert_eq!(checkpoint["events"][0]["tree"], t.oracle_tree().as_str());

    // The CLI, as the oracle, sees every event with what the tools were given.
    let events = t.events(&id);
    let kinds: Vec<&str> = events.iter().map(|(_, e)| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "start",
            "snapshot",
            "decision",
            "note",
            "discovery",
            "blocker",
            "next",
            "progress",
            "objective",
            "objective-done",
            "blocker-resolved",
            "checkpoint"
        ]
    );
    let decision = &events[2].1;
    assert_eq!(decision["rationale"], "small");
    assert_eq!(decision["alternatives"], json!(["rmcp", "jsonrpc crate"]));
    assert_eq!(events.last().unwrap().1["text"], "tools answer");

    // Read tools return what the verbs' --json print.
    let log = s.ok("log", json!({}));
    assert_eq!(log["events"], t.json(&["log", "--json"]));
    let status = s.ok("status", json!({}));
    assert_eq!(status, t.json(&["status", "--json"]));
    let listed = s.ok("list", json!({"all": true}));
    assert_eq!(listed["sessions"], t.json(&["list", "--all", "--json"]));
    let summary = s.ok("summarize", json!({"session": "mcp-work"}));
    assert_eq!(summary, t.json(&["summarize", "mcp-work", "--json"]));
    let brief = s.ok("context", json!({"max_chars": 3000}));
    assert_eq!(brief, t.json(&["context", "--max-chars", "3000", "--json"]));
    let stderr = s.finish();
    assert!(stderr.is_empty(), "nothing to warn about: {stderr}");
    t.fsck();
}

/// `initialize` answers the version the client offered when it knows it,
/// else its newest handshake version.
#[test]
fn initialize_negotiates_the_version() {
    let t = TestRepo::new();
    for (offered, answered) in [
        ("2025-11-25", "2025-11-25"),
        ("2025-06-18", "2025-06-18"),
        ("2099-01-01", "2025-11-25"),
    ] {
        let mut s = Server::start(&t);
        let init = s.result(
            "initialize",
            json!({"protocolVersion": offered, "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}),
        );
        assert_eq!(init["protocolVersion"], answered, "offered {offered}");
        s.finish();
    }
}

/// The stateless era: `server/discover`, then requests carrying their
/// version and the client's capabilities in `_meta`, every result with
/// `resultType`; no `initialize` anywhere.
#[test]
fn stateless_era_exchange() {
    let t = TestRepo::new();
    let mut s = Server::start(&t);
    let discovered = s.result("server/discover", json!({"_meta": meta()}));
    assert_eq!(discovered["resultType"], "complete");
    let versions = discovered["supportedVersions"].as_array().unwrap();
    for v in ["2025-06-18", "2025-11-25", "2026-07-28"] {
        assert!(versions.contains(&json!(v)), "{discovered}");
    }
    assert!(discovered["capabilities"]["tools"].is_object(), "{discovered}");
    assert!(
        discovered["ttlMs"].is_u64() && discovered["cacheScope"].is_string(),
        "{discovered}"
    );
    assert_eq!(
        discovered["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "git-session"
    );

    let listed = s.result("tools/list", json!({"_meta": meta()}));
    assert_eq!(listed["resultType"], "complete");
    assert!(listed["ttlMs"].is_u64() && listed["cacheScope"].is_string(), "{listed}");
    assert_eq!(listed["tools"].as_array().unwrap().len(), TOOLS.len());

    let failed = s.call("status", json!({"verbose": true}), Some(meta()));
    assert_eq!(failed["isError"], true, "{failed}");
    assert_eq!(failed["resultType"], "complete");
    let started = s.call("start", json!({"name": "stateless"}), Some(meta()));
    assert_eq!(started["isError"], false, "{started}");
    assert_eq!(started["resultType"], "complete");
    assert_eq!(started["structuredContent"]["session"], t.current_id().as_str());
    let intent = s.call("intent", json!({"text": "go stateless"}), Some(meta()));
    assert_eq!(intent["resultType"], "complete");
    assert_eq!(t.header()["intent"]["text"], "go stateless");

    // An unsupported version is refused naming the supported ones; the
    // client's capabilities are required; ping is gone in this revision.
    let mut old = meta();
    old["io.modelcontextprotocol/protocolVersion"] = json!("2024-01-01");
    let refused = s.request("tools/list", json!({"_meta": old}));
    assert_eq!(refused["error"]["code"], -32022, "{refused}");
    assert_eq!(refused["error"]["data"]["requested"], "2024-01-01");
    assert!(refused["error"]["data"]["supported"]
        .as_array()
        .unwrap()
        .contains(&json!("2026-07-28")));
    let mut bare = meta();
    bare.as_object_mut()
        .unwrap()
        .remove("io.modelcontextprotocol/clientCapabilities");
    assert_eq!(s.error_code("tools/list", json!({"_meta": bare})), -32602);
    assert_eq!(s.error_code("ping", json!({"_meta": meta()})), -32601);
    assert_eq!(
        s.error_code("tools/call", json!({"name": "nope", "arguments": {}, "_meta": meta()})),
        -32602
    );
    s.send("not json at all");
    assert_eq!(s.reply()["error"]["code"], -32700);
    assert_eq!(
        s.result("tools/list", json!({"_meta": meta()}))["resultType"],
        "complete"
    );
    s.finish();
}

/// `rewind` and `undo` only report what they would do unless `confirm` is true.
#[test]
fn compare_puts_two_trials_side_by_side() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "one", "--task", "T-9"]);
    t.ok(&["intent", "docs", "--writes", "docs/"]);
    t.write("docs/a.md", "a\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "docs"]);
    t.ok(&["checkpoint", "-m", "one done"]);
    t.ok(&["start", "--name", "two", "--task", "T-9"]);
    t.write("b.txt", "b\n");
    t.ok(&["checkpoint", "-m", "two done"]);
    let mut s = Server::start(&t);
    s.result("server/discover", json!({"_meta": meta()}));
    let r = s.call("compare", json!({"a": "one", "b": "two"}), Some(meta()));
    assert_eq!(r["isError"], false, "{r}");
    let c = &r["structuredContent"];
    assert_eq!(c["a"]["name"], "one");
    assert_eq!(c["a"]["tasks"], json!(["T-9"]));
    assert_eq!(
        c["a"]["verdicts"],
        json!({"consistent": 1, "flagged": 0, "unresolved": 0})
    );
    assert_eq!(c["a"]["commits"][0]["verdict"]["verdict"], "consistent");
    let files: Vec<&str> = c["diff"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.join(" "),
        t.git(&[
            "diff",
            "--name-only",
            c["diff"]["from"].as_str().unwrap(),
            c["diff"]["to"].as_str().unwrap()
        ])
        .replace('\n', " ")
    );
    let r = s.call("compare", json!({"a": "one", "b": "nobody"}), Some(meta()));
    assert_eq!(r["isError"], true, "{r}");
    s.finish();
}

#[test]
fn an_intent_declares_its_scope() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "mcp"]);
    let mut s = Server::start(&t);
    s.result("server/discover", json!({"_meta": meta()}));
    let r = s.call(
        "intent",
        json!({"text": "tests", "writes": ["tests/", ":!tests/fixtures"]}),
        Some(meta()),
    );
    assert_eq!(r["isError"], false, "{r}");
    let r = s.call("intent", json!({"text": "bad", "writes": ["../x"]}), Some(meta()));
    assert_eq!(r["isError"], true, "{r}");
    s.finish();
    assert_eq!(t.header()["scope"], json!(["tests/", ":(exclude)tests/fixtures"]));
}

#[test]
fn rewind_and_undo_are_dry_runs_unless_confirmed() {
    let t = TestRepo::new();
    let mut s = Server::start(&t);
    s.ok("start", json!({"name": "careful"}));
    t.write("a.txt", "first\n");
    s.ok("checkpoint", json!({"label": "first"}));
    t.write("a.txt", "second\n");

    let before = t.user_state();
    let dry = s.ok("rewind", json!({"target": "first"}));
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(dry["write"], json!(["a.txt"]), "{dry}");
    before.assert_same(&t.user_state(), "rewind without confirm");

    let done = s.ok("rewind", json!({"target": "first", "confirm": true}));
    assert_eq!(done["dry_run"], false, "{done}");
    assert_eq!(std::fs::read_to_string(t.path("a.txt")).unwrap(), "first\n");

    let after_rewind = t.user_state();
    let dry = s.ok("undo", json!({}));
    assert_eq!(dry["dry_run"], true, "{dry}");
    after_rewind.assert_same(&t.user_state(), "undo without confirm");
    s.ok("undo", json!({"confirm": true}));
    assert_eq!(std::fs::read_to_string(t.path("a.txt")).unwrap(), "second\n");
    assert_eq!(
        t.kinds(&t.current_id()),
        ["start", "checkpoint", "rewind", "undo"],
        "dry runs record nothing"
    );
    s.finish();
}

/// Warnings go to stderr and, after the result, to the model; stdout
/// carries only protocol messages.
#[test]
fn warnings_go_to_stderr_and_to_the_model() {
    let t = TestRepo::new();
    t.git(&["config", "session.maxUntrackedSize", "10"]);
    let mut s = Server::start(&t);
    s.ok("start", json!({}));
    t.write("big.bin", "x".repeat(100));
    let result = s.call("checkpoint", json!({}), None);
    assert_eq!(result["isError"], false, "{result}");
    let warning = result["content"][1]["text"].as_str().unwrap();
    assert!(
        warning.starts_with("warning: ") && warning.contains("big.bin"),
        "{result}"
    );
    let stderr = s.finish();
    assert!(stderr.contains("warning: ") && stderr.contains("big.bin"), "{stderr}");
}

/// Outside a repository the server still answers; tools fail as results.
#[test]
fn outside_a_repository_tools_fail_as_results() {
    let t = TestRepo::bare_dir();
    std::fs::create_dir_all(&t.dir).unwrap();
    let mut s = Server::start(&t);
    assert_eq!(
        s.result("tools/list", json!({}))["tools"].as_array().unwrap().len(),
        TOOLS.len()
    );
    let failed = s.call("status", json!({}), None);
    assert_eq!(failed["isError"], true, "{failed}");
    s.finish();
}

/// With `CLAUDE_CODE_SESSION_ID` set and bound to no session, the tools act
/// on the work tree's current session.
#[test]
fn an_unbound_agent_session_uses_the_current_session() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "by-hand"]);
    let mut s = Server::start_in(&t, &t.dir, &[("CLAUDE_CODE_SESSION_ID", "0b6e4b0c-unbound")]);
    let noted = s.ok("note", json!({"text": "from the agent"}));
    assert_eq!(noted["name"], "by-hand");
    s.finish();
}

/// With `CLAUDE_CODE_SESSION_ID` bound (by the Claude Code hooks) to a
/// session, the tools act on that session, whichever is current here; a
/// session started through the server records the Claude Code session.
#[test]
fn the_claude_code_session_finds_its_session() {
    let t = TestRepo::new();
    let payload = json!({
        "session_id": "5e55-claude-1",
        "cwd": t.dir.to_str().unwrap(),
        "hook_event_name": "SessionStart",
        "source": "startup",
    });
    let mut hook = t.cmd(&["hook", "claude"]);
    let mut child = hook.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let bound = t.current_id();
    t.ok(&["start", "--name", "by-hand"]);
    let by_hand = t.current_id();
    assert_ne!(bound, by_hand);

    let mut s = Server::start_in(&t, &t.dir, &[("CLAUDE_CODE_SESSION_ID", "5e55-claude-1")]);
    let noted = s.ok("note", json!({"text": "from the agent"}));
    assert_eq!(noted["session"], bound.as_str());
    s.finish();
    assert_eq!(t.events(&bound).last().unwrap().1["text"], "from the agent");
    assert_eq!(t.kinds(&by_hand), ["start"]);

    let mut s = Server::start_in(&t, &t.dir, &[("CLAUDE_CODE_SESSION_ID", "5e55-claude-2")]);
    let started = s.ok("start", json!({"name": "via-mcp"}));
    s.finish();
    let start = &t.events(started["session"].as_str().unwrap())[0].1;
    assert_eq!(start["agent"], json!({"name": "claude", "session": "5e55-claude-2"}));
}

// ---- the official Python SDK ----

/// A Python with the MCP SDK (2.x): the venv `.ci/run` makes under
/// `target/`, else `python3` if it has it. CI sets
/// `GIT_SESSION_TEST_MCP_SDK=require`, so there a missing SDK fails.
fn sdk_python() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python");
    let candidates = [venv, PathBuf::from("python3")];
    let found = candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import mcp, mcp.client.stdio; from mcp import Client"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("GIT_SESSION_TEST_MCP_SDK").as_deref() != Ok("require"),
            "the MCP Python SDK is required by GIT_SESSION_TEST_MCP_SDK=require \
             (python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install 'mcp>=2,<3')"
        );
        eprintln!(
            "NOTE: the MCP Python SDK is not installed; the SDK conversation checks NOTHING here \
             (python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install 'mcp>=2,<3')"
        );
    }
    found
}

/// Runs tests/it/mcp_client.py in `mode` against the repository; what the client saw.
fn sdk_conversation(t: &TestRepo, python: &Path, mode: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/mcp_client.py");
    let mut cmd = Command::new(python);
    t.seal(&mut cmd);
    let out = cmd
        .arg(&script)
        .arg(BIN)
        .arg(&t.dir)
        .arg(mode)
        .current_dir(&t.dir)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run python");
    assert!(
        out.status.success(),
        "the SDK conversation failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the client prints one JSON document")
}

/// The conversation of tests/it/mcp_client.py, checked against the repository.
fn check_sdk_conversation(t: &TestRepo, seen: &Value, mode: &str) {
    for name in TOOLS {
        assert_eq!(
            seen["tools"][name]["output_schema"], true,
            "{name} has an outputSchema: {seen}"
        );
    }
    let calls = &seen["calls"];
    let failed = &calls["checkpoint_before_start"];
    assert_eq!(failed["isError"], true, "{failed}");
    assert!(
        failed["text"][0].as_str().unwrap().contains("no current session"),
        "{failed}"
    );
    assert_eq!(calls["bad_arguments"]["isError"], true);
    let undo = &calls["undo"];
    assert_eq!(undo["isError"], true, "the rewind was a dry run: {undo}");
    assert!(undo["text"][0].as_str().unwrap().contains("nothing to undo"), "{undo}");
    assert_eq!(seen["unknown_tool"]["code"], -32602, "{seen}");
    for (key, call) in calls.as_object().unwrap() {
        if !matches!(key.as_str(), "checkpoint_before_start" | "bad_arguments" | "undo") {
            assert_eq!(call["isError"], false, "{key}: {call}");
        }
    }

    let id = t.current_id();
    assert_eq!(calls["start"]["structured"]["session"], id.as_str());
    assert_eq!(t.header()["name"], format!("sdk-{mode}").as_str());
    let events = t.events(&id);
    let kinds: Vec<&str> = events.iter().map(|(_, e)| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "start",
            "intent",
            "snapshot",
            "decision",
            "discovery",
            "objective",
            "checkpoint",
            "blocker",
            "blocker-resolved",
            "objective-done",
            "resume"
        ],
        "the rewind was a dry run and recorded nothing"
    );
    assert_eq!(events[2].1["paths"], json!(["hello.txt"]));
    assert_eq!(events[3].1["rationale"], "six methods");
    assert_eq!(events[3].1["alternatives"], json!(["rmcp"]));
    assert_eq!(events[6].1["text"], "hello written");
    let status = &calls["status"]["structured"];
    assert_eq!(status["session"]["id"], id.as_str());
    assert_eq!(status["session"]["intent"]["text"], "write hello.txt");
    let logged: Vec<&Value> = calls["log"]["structured"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["commit"])
        .collect();
    // `log` ran after the checkpoint, the seventh event.
    let commits: Vec<Value> = events.iter().take(7).map(|(c, _)| json!(c)).collect();
    assert_eq!(logged, commits.iter().collect::<Vec<_>>());
    assert_eq!(calls["resolve"]["structured"]["blocker"]["text"], "flaky network");
    assert_eq!(
        calls["objective_done"]["structured"]["objective"]["text"],
        "ship the server"
    );
    let listed = calls["list"]["structured"]["sessions"].as_array().unwrap();
    assert!(
        listed.iter().any(|l| l["id"] == id.as_str() && l["current"] == true),
        "{listed:?}"
    );
    assert_eq!(calls["summarize"]["structured"]["session"]["id"], id.as_str());
    assert_eq!(calls["resume"]["structured"]["session"]["id"], id.as_str());
    let rewind = &calls["rewind"]["structured"];
    assert_eq!(rewind["dry_run"], true);
    assert_eq!(rewind["write"], json!(["hello.txt"]));
    assert_eq!(
        std::fs::read_to_string(t.path("hello.txt")).unwrap(),
        "changed after the checkpoint\n",
        "a rewind without confirm changes nothing"
    );
    assert_eq!(calls["context"]["structured"]["session"], id.as_str());
    t.fsck();
}

/// The official SDK's client over the `initialize` handshake.
#[test]
fn python_sdk_conversation_over_the_handshake() {
    let Some(python) = sdk_python() else { return };
    let t = TestRepo::new();
    let seen = sdk_conversation(&t, &python, "legacy");
    assert_eq!(seen["protocol_version"], "2025-11-25");
    assert_eq!(seen["server_name"], "git-session");
    check_sdk_conversation(&t, &seen, "legacy");
}

/// The official SDK's client in its default mode: it probes
/// `server/discover` and, finding 2026-07-28, goes stateless.
#[test]
fn python_sdk_conversation_stateless() {
    let Some(python) = sdk_python() else { return };
    let t = TestRepo::new();
    let seen = sdk_conversation(&t, &python, "auto");
    assert_eq!(seen["protocol_version"], "2026-07-28");
    check_sdk_conversation(&t, &seen, "auto");
}
