//! The real agent CLIs drive `git session hook`: Claude Code, Codex, Gemini
//! CLI and Copilot CLI, each installed from npm at a pinned version, run
//! headless, after `git session agent install AGENT`, in a test repository
//! against a scripted stand-in of their model API on 127.0.0.1
//! (`agents::standin`), and the session they leave behind is read back
//! through the CLI. (Cursor's agent CLI is not on npm, so it is not here.)
//! Every proxy variable points at the stand-in, which records a `CONNECT`:
//! an agent reaching for any other host fails its test.
//!
//! Beside the installed hooks each test adds a capture hook that appends
//! every payload to `<root>/payloads/<event>.jsonl`: the test checks that
//! the hooks fired at all (an agent that cannot parse its settings runs
//! without hooks and still exits 0), and with
//! `GIT_SESSION_TEST_CAPTURE=DIR` the payloads are copied to `DIR`, with the
//! temporary paths replaced by `/home/dev/project` and `/home/dev` — how the
//! fixtures under `tests/fixtures/agents/` were made.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Instant;

use serde_json::{json, Value};

use crate::agents::{self, anthropic, gemini, openai, standin::Standin, CLAUDE, CODEX, COPILOT, GEMINI};
use crate::harness::TestRepo;

/// How the context our SessionStart hook returns begins.
const BRIEF: &str = "git-session records this work as session '";

/// `git session agent install AGENT` in the repository (project scope),
/// with the binary under test on PATH as the hooks expect.
fn install(t: &TestRepo, agent: &str) {
    let mut cmd = t.cmd(&["agent", "install", agent]);
    let path = std::env::join_paths(
        std::iter::once(agents::bin_dir()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let out = cmd.env("PATH", path).output().expect("cannot run git-session");
    crate::harness::assert_status(&["agent", "install", agent], &out, 0);
}

/// Adds, beside the hooks installed in the agent's settings file `rel`, a
/// hook on each installed event and on each of `extra` that appends its
/// payload to `<root>/payloads/<event>.jsonl`.
fn add_capture_hooks(t: &TestRepo, rel: &str, extra: &[&str]) {
    let dir = t.root.join("payloads");
    fs::create_dir_all(&dir).unwrap();
    let mut settings: Value = serde_json::from_str(&fs::read_to_string(t.path(rel)).unwrap()).unwrap();
    let hooks = settings["hooks"].as_object_mut().expect("installed hooks");
    let mut events: Vec<String> = hooks.keys().cloned().collect();
    events.extend(extra.iter().map(|e| (*e).to_owned()));
    for event in events {
        let file = dir.join(format!("{event}.jsonl"));
        let mut capture =
            json!({"type": "command", "command": format!("{{ cat; echo; }} >> '{}'", file.display()), "timeout": 30});
        if rel.starts_with(".gemini") {
            capture["name"] = json!("capture");
            capture["timeout"] = json!(30_000);
        }
        let groups = hooks.entry(event).or_insert_with(|| json!([{"hooks": []}]));
        groups[0]["hooks"].as_array_mut().expect("a hook list").push(capture);
    }
    t.write(rel, serde_json::to_string_pretty(&settings).unwrap());
}

/// The payloads the capture hooks saw for `event`, in order.
fn payloads(t: &TestRepo, event: &str) -> Vec<Value> {
    let text = fs::read_to_string(t.root.join("payloads").join(format!("{event}.jsonl"))).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a {event} payload is not JSON ({e}): {l}")))
        .collect()
}

/// With `GIT_SESSION_TEST_CAPTURE=DIR`, copies the captured payloads and
/// `transcript` to `DIR/<agent>/` with the temporary paths replaced.
fn save_capture(t: &TestRepo, agent: &str, transcript: Option<&Path>) {
    let Some(dir) = std::env::var_os("GIT_SESSION_TEST_CAPTURE") else {
        return;
    };
    let dir = Path::new(&dir).join(agent);
    fs::create_dir_all(&dir).unwrap();
    let scrub = |text: String| {
        let root = t.root.to_str().unwrap();
        let text = text.replace(&format!("{root}/repo"), "/home/dev/project");
        let text = text.replace(&format!("{root}/home"), "/home/dev");
        // Claude Code names project directories after the path, `/` → `-`.
        let dashed = format!("{root}/repo").replace(['/', '.', '_'], "-");
        text.replace(&dashed, "-home-dev-project")
    };
    for entry in fs::read_dir(t.root.join("payloads")).unwrap() {
        let entry = entry.unwrap();
        fs::write(
            dir.join(entry.file_name()),
            scrub(fs::read_to_string(entry.path()).unwrap()),
        )
        .unwrap();
    }
    if let Some(transcript) = transcript {
        if let Ok(text) = fs::read_to_string(transcript) {
            fs::write(dir.join("transcript.jsonl"), scrub(text)).unwrap();
        }
    }
}

/// Asserts `out` succeeded and returns its stdout's JSON lines.
fn json_lines(what: &str, out: &Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what} printed a bad JSON line ({e}): {l}")))
        .collect()
}

/// Asserts that the agent asked the stand-in for nothing but the model API:
/// no `CONNECT` through the proxy, no other host.
fn assert_only_model_api(api: &Standin, routes: &[&str]) {
    for r in api.requests() {
        assert!(
            r.method != "CONNECT" && routes.iter().any(|route| r.route().ends_with(route)),
            "the agent asked for {} {} (headers {:?})",
            r.method,
            r.path,
            r.headers
        );
    }
}

/// Asserts what one turn of `agent` (session `agent_session`) that wrote
/// `hello.txt` left in git-session: a `start` bound to the agent's session,
/// the `prompt`, a pre-edit `snapshot` naming the file taken before it
/// existed, a `checkpoint` at the end of the turn that has it, the
/// transcript attached (when `transcript`), and a `pause` at the end of the
/// agent's session.
/// Returns the session id and its events.
fn assert_turn_recorded(t: &TestRepo, agent: &str, agent_session: &str, transcript: bool) -> (String, Vec<Value>) {
    let session = bound_session(t, agent, agent_session);
    let events = events(t, &session);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    eprintln!("{agent}: the session's events: {kinds:?}");
    let start = &events[0];
    assert_eq!(start["kind"], "start", "{kinds:?}");
    assert_eq!(
        start["agent"],
        json!({"name": agent, "session": agent_session}),
        "{start:#}"
    );
    let prompt = find(&events, "prompt", |_| true);
    assert_eq!(prompt["text"], "create hello.txt", "{prompt:#}");
    assert_eq!(prompt["agent"], agent, "{prompt:#}");
    let snapshot = find(&events, "snapshot", |e| {
        e["paths"].as_array().is_some_and(|p| !p.is_empty())
    });
    assert_eq!(snapshot["paths"], json!([anthropic::FILE]), "{snapshot:#}");
    assert!(
        !has_path(t, &snapshot["tree"], anthropic::FILE),
        "the pre-edit snapshot was taken after the edit: {snapshot:#}"
    );
    let order = |e: &Value| events.iter().position(|x| x == e).unwrap();
    assert!(order(prompt) < order(snapshot), "{kinds:?}");
    let after = &events[order(snapshot)..];
    let checkpoint = find(after, "checkpoint", |e| e["compaction"].is_null());
    assert!(
        has_path(t, &checkpoint["tree"], anthropic::FILE),
        "the checkpoint at the end of the turn lacks {}: {checkpoint:#}",
        anthropic::FILE
    );
    assert_eq!(checkpoint["tree"], t.oracle_tree().as_str());
    if transcript {
        let attached = attachments(t, &events);
        assert!(
            attached.contains("create hello.txt") && attached.contains(anthropic::DONE),
            "the transcript is not attached: {kinds:?}\n{attached}"
        );
    }
    assert_eq!(
        kinds.last(),
        Some(&"pause"),
        "SessionEnd did not pause the session: {kinds:?}"
    );

    (session, events)
}

/// The git-session session the hooks bound to `agent`'s session `id`
/// (`<git common dir>/aura/agents`, the last line for the pair wins).
fn bound_session(t: &TestRepo, agent: &str, id: &str) -> String {
    let common = t.dir.join(t.git(&["rev-parse", "--git-common-dir"]));
    let bindings = fs::read_to_string(common.join("aura/agents")).unwrap_or_default();
    bindings
        .lines()
        .rev()
        .filter_map(|l| {
            let mut fields = l.split('\t');
            if fields.next() == Some(agent) && fields.next() == Some(id) {
                fields.next().map(str::to_owned)
            } else {
                None
            }
        })
        .next()
        .unwrap_or_else(|| panic!("no session bound to {agent} {id}:\n{bindings}"))
}

/// Each hook `events` fired, every payload naming the agent's session
/// `agent_session` in its field `key`.
fn assert_hooks_fired(t: &TestRepo, events: &[&str], key: &str, agent_session: &str) {
    for event in events {
        let seen = payloads(t, event);
        assert!(!seen.is_empty(), "the {event} hook did not fire");
        assert!(seen.iter().all(|p| p[key] == agent_session), "{seen:#?}");
    }
}

/// The first of `events` of `kind` that `wanted` accepts.
fn find<'a>(events: &'a [Value], kind: &str, wanted: impl Fn(&Value) -> bool) -> &'a Value {
    events
        .iter()
        .find(|e| e["kind"] == kind && wanted(e))
        .unwrap_or_else(|| panic!("no such {kind} event among {events:#?}"))
}

/// Whether the tree `tree` (an id) holds `path`.
fn has_path(t: &TestRepo, tree: &Value, path: &str) -> bool {
    let tree = tree.as_str().expect("a tree id");
    !t.git(&["ls-tree", "--name-only", tree, "--", path]).is_empty()
}

/// The text of every attachment of `events`, concatenated.
fn attachments(t: &TestRepo, events: &[Value]) -> String {
    let mut text = String::new();
    for e in events {
        for blob in e["attachments"].as_object().into_iter().flat_map(|a| a.values()) {
            text.push_str(&t.git(&["cat-file", "blob", blob.as_str().expect("a blob id")]));
            text.push('\n');
        }
    }
    text
}

/// The `additionalContext` that `git-session hook claude` printed for the
/// hook `name` (`SessionStart:startup`), as Claude Code recorded it in its
/// transcript (the last such record).
fn hook_context(transcript: &Path, name: &str) -> String {
    let text = fs::read_to_string(transcript).expect("the transcript");
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["attachment"]["type"] == "hook_success" && l["attachment"]["hookName"] == name)
        .filter_map(|l| {
            let stdout: Value = serde_json::from_str(l["attachment"]["stdout"].as_str()?).ok()?;
            Some(stdout["hookSpecificOutput"]["additionalContext"].as_str()?.to_owned())
        })
        .next()
        .unwrap_or_else(|| panic!("no {name} hook printed additionalContext:\n{text}"))
}

/// The session's events (`log --json`), oldest first.
fn events(t: &TestRepo, session: &str) -> Vec<Value> {
    t.events(session).into_iter().map(|(_, e)| e).collect()
}

/// Claude Code, headless, against the Messages API stand-in: one turn that
/// writes `hello.txt`, then `/compact` of the same conversation with
/// `--resume`. The session must show the agent's start, the prompt, the
/// pre-edit snapshot taken before the file existed, the checkpoint at Stop,
/// the transcript, the pause at SessionEnd and the compaction; the brief
/// returned by SessionStart must reach the model, at startup and after
/// compaction, and the one a continuation phrase ("where were we?") brings
/// on the turn after.
/// Claude Code headless against the stand-in `api`, none of its own
/// traffic beside the model's.
fn claude_command(t: &TestRepo, claude: &Path, api: &Standin) -> std::process::Command {
    let mut cmd = agents::command(t, claude, api);
    cmd.env("ANTHROPIC_BASE_URL", api.url())
        .env("ANTHROPIC_API_KEY", "dummy")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("DISABLE_UPDATES", "1")
        .env("DISABLE_TELEMETRY", "1")
        .env("DISABLE_ERROR_REPORTING", "1")
        .env("DISABLE_GROWTHBOOK", "1")
        .env("DISABLE_INSTALLATION_CHECKS", "1")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("CLAUDE_CODE_DISABLE_FEATURE_FLAGS", "1")
        .env("CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY", "1")
        .env("CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL", "1");
    cmd
}

/// Plan mode in the real Claude Code (issue 14): the model writes its plan
/// to the plan file Claude Code names (`~/.claude/plans/<slug>.md`, the one
/// file plan mode lets it write) and the PreToolUse hook `agent install`
/// wrote makes it the session's plan; a second turn (`--resume`) edits the
/// file to tick a step, and the plan gets a second version with it checked.
#[test]
fn claude_code_plan_mode_sets_the_sessions_plan() {
    let Some(claude) = CLAUDE.find() else { return };
    let t = TestRepo::new();
    install(&t, "claude");
    add_capture_hooks(&t, ".claude/settings.json", &[]);
    let api = Standin::start(anthropic::plan_script(&t.dir));
    let run = |args: &[&str]| {
        let mut cmd = claude_command(&t, &claude, &api);
        cmd.args(args).args([
            "--permission-mode",
            "plan",
            "--setting-sources",
            "project",
            "--output-format",
            "stream-json",
            "--verbose",
        ]);
        let out = agents::output(&mut cmd);
        json_lines(&format!("claude {}", args.join(" ")), &out)
    };
    let lines = run(&["-p", "plan a greeting"]);
    let result = lines.iter().find(|l| l["type"] == "result").expect("a result line");
    let agent_session = result["session_id"].as_str().expect("Claude's session id").to_owned();
    let written: Vec<Value> = payloads(&t, "PreToolUse")
        .into_iter()
        .filter(|p| p["tool_name"] == "Write")
        .collect();
    assert_eq!(written.len(), 1, "the model wrote its plan once: {written:#?}");
    let plan_file = written[0]["tool_input"]["file_path"].as_str().unwrap().to_owned();
    assert!(plan_file.contains("/.claude/plans/"), "{plan_file}");
    assert_eq!(
        fs::read_to_string(&plan_file).unwrap(),
        anthropic::PLAN,
        "Claude Code wrote it"
    );
    let session = bound_session(&t, "claude", &agent_session);
    assert_eq!(t.ok(&["plan", "show", "-s", &session]), anthropic::PLAN);
    let plan = &t.json(&["status", "--json", "-s", &session])["plan"];
    assert_eq!(plan["title"], "Greet the reader", "{plan:#}");
    assert_eq!(
        (plan["done"].as_u64(), plan["total"].as_u64()),
        (Some(0), Some(2)),
        "{plan:#}"
    );
    assert!(
        !t.path(anthropic::FILE).exists(),
        "plan mode wrote nothing in the work tree"
    );

    // A second turn ticks the first step with an Edit of the plan file.
    run(&["-p", "tick the first step", "--resume", &agent_session]);
    let ticked = anthropic::PLAN.replace("- [ ] write hello.txt", "- [x] write hello.txt");
    assert_eq!(fs::read_to_string(&plan_file).unwrap(), ticked, "Claude Code edited it");
    assert_eq!(t.ok(&["plan", "show", "-s", &session]), ticked);
    let plans: Vec<Value> = events(&t, &session)
        .into_iter()
        .filter(|e| e["kind"] == "plan")
        .collect();
    assert_eq!(plans.len(), 2, "{plans:#?}");
    assert_eq!(plans[1]["version"], 2);
    assert_eq!(
        (plans[1]["done"].as_u64(), plans[1]["total"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(plans.iter().all(|p| p["source"] == "claude"), "{plans:#?}");
    assert_only_model_api(&api, &["/v1/messages", "/count_tokens"]);
    t.fsck();
}

/// A declared scope reaches the real Claude Code at edit time: its Write of
/// a file outside the current intent's `--writes` gets the PreToolUse
/// hook's `additionalContext`, which Claude Code hands to the model with
/// the tool's result; the commit-time verdict is then no surprise.
#[test]
fn claude_code_hears_of_an_edit_outside_the_declared_scope() {
    let Some(claude) = CLAUDE.find() else { return };
    let t = TestRepo::new();
    install(&t, "claude");
    t.ok(&["start", "--name", "scoped"]);
    t.ok(&["intent", "only the docs", "--writes", "docs/"]);
    let api = Standin::start(anthropic::script(&t.dir));
    let mut cmd = claude_command(&t, &claude, &api);
    cmd.args([
        "-p",
        "create hello.txt",
        "--permission-mode",
        "acceptEdits",
        "--setting-sources",
        "project",
        "--output-format",
        "stream-json",
        "--verbose",
    ]);
    let out = agents::output(&mut cmd);
    json_lines("claude -p create hello.txt", &out);
    assert_eq!(fs::read_to_string(t.path(anthropic::FILE)).unwrap(), anthropic::CONTENT);
    let told = "git-session: hello.txt is outside the current intent's declared scope (docs/)";
    let shown: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| r.route().ends_with("/v1/messages"))
        .map(anthropic::shown)
        .collect();
    assert!(
        shown.iter().any(|s| s.contains(told)),
        "the model was told: {:#?}",
        shown.last()
    );
    assert_only_model_api(&api, &["/v1/messages"]);
}

#[test]
fn claude_code_records_its_session_through_the_hooks() {
    let Some(claude) = CLAUDE.find() else { return };
    let t = TestRepo::new();
    install(&t, "claude");
    add_capture_hooks(&t, ".claude/settings.json", &["PostToolUse", "PostCompact"]);
    let api = Standin::start(anthropic::script(&t.dir));
    let run = |args: &[&str]| {
        let mut cmd = claude_command(&t, &claude, &api);
        cmd.args(args).args([
            "--permission-mode",
            "acceptEdits",
            "--setting-sources",
            "project",
            "--output-format",
            "stream-json",
            "--verbose",
        ]);
        let started = Instant::now();
        let out = agents::output(&mut cmd);
        let took = started.elapsed();
        let lines = json_lines(&format!("claude {}", args.join(" ")), &out);
        (lines, took)
    };

    // ---- the first turn: Write hello.txt, then answer ----
    let (lines, took) = run(&["-p", "create hello.txt"]);
    let result = lines.iter().find(|l| l["type"] == "result").expect("a result line");
    assert_eq!(result["result"], anthropic::DONE, "{result:#}");
    assert_eq!(fs::read_to_string(t.path(anthropic::FILE)).unwrap(), anthropic::CONTENT);
    let agent_session = result["session_id"].as_str().expect("Claude's session id").to_owned();
    assert_hooks_fired(
        &t,
        &["SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"],
        "session_id",
        &agent_session,
    );
    let transcript = payloads(&t, "SessionStart")[0]["transcript_path"]
        .as_str()
        .expect("a transcript path")
        .to_owned();
    let asked = api.requests().len();
    let fixtures = format!("claude-code-{}", CLAUDE.version);
    save_capture(&t, &fixtures, Some(Path::new(&transcript)));

    let (session, events) = assert_turn_recorded(&t, "claude", &agent_session, true);

    // The brief our SessionStart hook returned reached the model.
    let brief = hook_context(Path::new(&transcript), "SessionStart:startup");
    assert!(
        anthropic::shown(&api.requests()[0]).contains(&format!("SessionStart hook additional context: {brief}")),
        "the brief did not reach the model:\n{brief}"
    );

    // ---- /compact of the same conversation ----
    let (lines, took_compact) = run(&["-p", "/compact", "--resume", &agent_session]);
    assert!(lines.iter().any(|l| l["type"] == "result"), "{lines:#?}");
    let compaction = &api.requests()[asked..];
    assert!(
        compaction
            .iter()
            .any(|r| anthropic::shown(r).contains("summary of the conversation")),
        "/compact did not ask the model for a summary"
    );
    save_capture(&t, &fixtures, Some(Path::new(&transcript)));
    assert_compaction_seen(&t, "claude", &agent_session, &session, "manual");
    let events_now = self::events(&t, &session);
    let before_compaction = find(&events_now[events.len()..], "checkpoint", |_| true);
    assert_eq!(
        before_compaction["text"], "before compaction (manual)",
        "{before_compaction:#}"
    );
    let header = t.json(&["show", &session, "--json"]);
    assert_eq!(header["header"]["counters"]["compactions"], 1, "{header:#}");

    // The brief SessionStart(compact) returned reaches the model on the
    // next turn, a continuation phrase.
    let brief = hook_context(Path::new(&transcript), "SessionStart:compact");
    let asked = api.requests().len();
    run(&["-p", "where were we?", "--resume", &agent_session]);
    let next = anthropic::shown(&api.requests()[asked]);
    assert!(
        next.contains(anthropic::SUMMARY),
        "the resumed turn lost the summary:\n{next}"
    );
    assert!(
        next.contains(&format!("SessionStart hook additional context: {brief}")),
        "the brief after compaction did not reach the model:\n{brief}"
    );
    // A continuation phrase brings the brief along with the prompt.
    assert!(
        next.contains("UserPromptSubmit hook additional context: ") && next.contains("## TL;DR"),
        "the continuation prompt came without the brief:\n{next}"
    );

    assert_only_model_api(&api, &["/v1/messages", "/count_tokens"]);
    eprintln!("claude -p took {took:?}, /compact {took_compact:?}");
    save_capture(&t, &fixtures, Some(Path::new(&transcript)));
}

/// Codex, headless (`codex exec`), against the Responses API stand-in, with
/// a custom model provider in `$CODEX_HOME/config.toml`: one turn that adds
/// `hello.txt` with `apply_patch`, then a resumed turn that Codex begins by
/// compacting (the stand-in reports more tokens than the auto-compaction
/// limit). Project hooks run only in a trusted
/// project and only once their hash is trusted (in the TUI's `/hooks`);
/// `--dangerously-bypass-hook-trust` stands in for that approval.
#[test]
fn codex_records_its_session_through_the_hooks() {
    let Some(codex) = CODEX.find() else { return };
    let t = TestRepo::new();
    install(&t, "codex");
    add_capture_hooks(&t, ".codex/hooks.json", &["PostToolUse", "PostCompact"]);
    // The answer that ends the first turn reports more tokens than the
    // auto-compaction limit: Codex compacts before the next turn.
    let api = Standin::start(openai::script(50_000));
    let codex_home = t.home.join(".codex");
    fs::create_dir_all(&codex_home).unwrap();
    // A model Codex knows (its metadata offers `apply_patch`), served by the stand-in.
    let config = format!(
        r#"model = "gpt-5.5"
model_provider = "standin"
model_auto_compact_token_limit = 10000
check_for_update_on_startup = false

[model_providers.standin]
name = "stand-in"
base_url = "{}/v1"
wire_api = "responses"
env_key = "STANDIN_API_KEY"

[analytics]
enabled = false

# The plugin and app catalogues sync from github.com at startup.
[features]
plugins = false
remote_plugin = false
apps = false
in_app_updates = false

[projects."{}"]
trust_level = "trusted"
"#,
        api.url(),
        t.dir.display()
    );
    fs::write(codex_home.join("config.toml"), config).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = agents::command(&t, &codex, &api);
        cmd.arg("exec")
            .args([
                "--json",
                "--dangerously-bypass-hook-trust",
                "--sandbox",
                "workspace-write",
            ])
            .args(args)
            .env("CODEX_HOME", &codex_home)
            .env("STANDIN_API_KEY", "dummy");
        let started = Instant::now();
        let out = agents::output(&mut cmd);
        (
            json_lines(&format!("codex exec {}", args.join(" ")), &out),
            started.elapsed(),
        )
    };

    // ---- the first turn: apply_patch adding hello.txt, then answer ----
    let (lines, took) = run(&["create hello.txt"]);
    assert!(
        lines
            .iter()
            .any(|l| l["item"]["type"] == "agent_message" && l["item"]["text"] == anthropic::DONE),
        "{lines:#?}"
    );
    assert_eq!(fs::read_to_string(t.path(anthropic::FILE)).unwrap(), anthropic::CONTENT);
    let agent_session = lines
        .iter()
        .find_map(|l| l["thread_id"].as_str())
        .expect("Codex's thread id")
        .to_owned();
    assert_hooks_fired(
        &t,
        &["SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"],
        "session_id",
        &agent_session,
    );
    let pre_tool = &payloads(&t, "PreToolUse")[0];
    assert_eq!(pre_tool["tool_name"], "apply_patch", "{pre_tool:#}");
    assert_eq!(pre_tool["tool_input"]["command"], openai::patch(), "{pre_tool:#}");
    assert_only_model_api(&api, &["/v1/responses"]);
    let first = openai::shown(&api.requests()[0]);
    assert!(
        first.contains("create hello.txt"),
        "the prompt did not reach the model:\n{first}"
    );
    assert!(
        first.contains(BRIEF),
        "the SessionStart context did not reach the model:\n{first}"
    );
    let transcript = payloads(&t, "SessionStart")[0]["transcript_path"]
        .as_str()
        .map(str::to_owned);
    save_capture(
        &t,
        &format!("codex-{}", CODEX.version),
        transcript.as_deref().map(Path::new),
    );
    let (session, events) = assert_turn_recorded(&t, "codex", &agent_session, true);

    // ---- the next turn, resumed: Codex compacts first ----
    let asked = api.requests().len();
    let (lines, took_next) = run(&["resume", &agent_session, "what next?"]);
    assert!(lines.iter().any(|l| l["type"] == "turn.completed"), "{lines:#?}");
    save_capture(
        &t,
        &format!("codex-{}", CODEX.version),
        transcript.as_deref().map(Path::new),
    );
    let next = &api.requests()[asked..];
    assert!(next.iter().any(openai::asks_summary), "Codex did not compact");
    assert_compaction_seen(&t, "codex", &agent_session, &session, "auto");
    let later = self::events(&t, &session);
    let before_compaction = find(&later[events.len()..], "checkpoint", |_| true);
    assert_eq!(
        before_compaction["text"], "before compaction (auto)",
        "{before_compaction:#}"
    );
    let header = t.json(&["show", &session, "--json"]);
    assert_eq!(header["header"]["counters"]["compactions"], 1, "{header:#}");
    // The turn after the compaction shows the model the summary and our context.
    let after = openai::shown(next.last().expect("a request after the compaction"));
    assert!(
        after.contains(openai::SUMMARY),
        "the compaction summary is lost:\n{after}"
    );
    assert!(
        after.contains(BRIEF),
        "the SessionStart(compact) context did not reach the model:\n{after}"
    );
    assert!(after.contains("what next?"), "{after}");
    assert_only_model_api(&api, &["/v1/responses"]);
    eprintln!("codex exec took {took:?}, the resumed turn {took_next:?}");
}

/// Gemini CLI, headless (`gemini -p`), against the Gemini API stand-in
/// (`GOOGLE_GEMINI_BASE_URL`): one turn that writes `hello.txt` with
/// `write_file`. Project hooks run only in a trusted folder
/// (`~/.gemini/trustedFolders.json`); with `GOOGLE_GEMINI_BASE_URL` set,
/// 0.61.0 picks the `gateway` auth type, which its own validation then
/// refuses, so the user settings select the API-key type.
#[test]
fn gemini_cli_records_its_session_through_the_hooks() {
    let Some(gemini) = GEMINI.find() else { return };
    let t = TestRepo::new();
    install(&t, "gemini");
    add_capture_hooks(&t, ".gemini/settings.json", &["AfterTool"]);
    let api = Standin::start(gemini::script(&t.dir));
    let user = t.home.join(".gemini");
    fs::create_dir_all(&user).unwrap();
    let settings = json!({
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "privacy": {"usageStatisticsEnabled": false},
        "telemetry": {"enabled": false},
        "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
    });
    fs::write(user.join("settings.json"), settings.to_string()).unwrap();
    let trusted = json!({ t.dir.to_str().unwrap(): "TRUST_FOLDER" });
    fs::write(user.join("trustedFolders.json"), trusted.to_string()).unwrap();
    let mut cmd = agents::command(&t, &gemini, &api);
    cmd.args([
        "-p",
        "create hello.txt",
        "--model",
        "gemini-2.5-pro",
        "--approval-mode",
        "auto_edit",
        "--output-format",
        "stream-json",
    ])
    .env("GOOGLE_GEMINI_BASE_URL", api.url())
    .env("GEMINI_API_KEY", "dummy")
    .env("GEMINI_TELEMETRY_ENABLED", "false")
    .env("GEMINI_CLI_NO_RELAUNCH", "true");
    let started = Instant::now();
    let out = agents::output(&mut cmd);
    let took = started.elapsed();
    let lines = json_lines("gemini -p", &out);
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "message" && l["role"] == "assistant" && l["content"] == anthropic::DONE),
        "{lines:#?}"
    );
    assert_eq!(fs::read_to_string(t.path(anthropic::FILE)).unwrap(), anthropic::CONTENT);
    let agent_session = lines
        .iter()
        .find_map(|l| (l["type"] == "init").then(|| l["session_id"].as_str()).flatten())
        .expect("Gemini's session id")
        .to_owned();
    assert_hooks_fired(
        &t,
        &["SessionStart", "BeforeAgent", "BeforeTool", "AfterAgent", "SessionEnd"],
        "session_id",
        &agent_session,
    );
    let before_tool = &payloads(&t, "BeforeTool")[0];
    assert_eq!(before_tool["tool_name"], "write_file", "{before_tool:#}");
    assert_only_model_api(&api, &[":streamGenerateContent", ":generateContent", ":countTokens"]);
    let asked: Vec<String> = api.requests().iter().map(gemini::shown).collect();
    assert!(
        asked.iter().any(|r| r.contains("create hello.txt")),
        "the prompt did not reach the model:\n{asked:#?}"
    );
    assert!(
        asked.iter().any(|r| r.contains(BRIEF)),
        "the SessionStart context did not reach the model:\n{asked:#?}"
    );
    let transcript = payloads(&t, "SessionStart")[0]["transcript_path"]
        .as_str()
        .map(str::to_owned);
    save_capture(
        &t,
        &format!("gemini-cli-{}", GEMINI.version),
        transcript.as_deref().map(Path::new),
    );
    eprintln!("gemini -p took {took:?}");

    let (session, _) = assert_turn_recorded(&t, "gemini", &agent_session, true);
    // Gemini CLI fires PreCompress (trigger auto) before every model call,
    // compressing or not: those are not compactions.
    assert!(
        payloads(&t, "PreCompress").len() >= 2,
        "PreCompress fired less often than Gemini does"
    );
    let header = t.json(&["show", &session, "--json"]);
    assert_eq!(header["header"]["counters"]["compactions"], 0, "{header:#}");
}

/// GitHub Copilot CLI, headless (`copilot -p`), with a custom model
/// provider (`COPILOT_PROVIDER_BASE_URL`, the Responses API stand-in) in
/// offline mode: one turn that adds `hello.txt` with `apply_patch`.
/// `--trust-folder` lets it load the repository's hooks for this run.
/// Copilot's payloads name no event, so the capture hooks live in a file
/// of their own, one command per event.
#[test]
fn copilot_cli_records_its_session_through_the_hooks() {
    let Some(copilot) = COPILOT.find() else { return };
    let t = TestRepo::new();
    install(&t, "copilot");
    let dir = t.root.join("payloads");
    fs::create_dir_all(&dir).unwrap();
    let mut capture = serde_json::Map::new();
    for event in [
        "sessionStart",
        "userPromptSubmitted",
        "preToolUse",
        "postToolUse",
        "agentStop",
        "sessionEnd",
    ] {
        let file = dir.join(format!("{event}.jsonl"));
        capture.insert(
            event.into(),
            json!([{"type": "command", "bash": format!("{{ cat; echo; }} >> '{}'", file.display()), "timeoutSec": 30}]),
        );
    }
    t.write(
        ".github/hooks/capture.json",
        json!({"version": 1, "hooks": capture}).to_string(),
    );
    let api = Standin::start(openai::script(100));
    let mut cmd = agents::command(&t, &copilot, &api);
    cmd.args([
        "-p",
        "create hello.txt",
        "--trust-folder",
        "--allow-all-tools",
        "--disable-client-telemetry",
    ])
    .env("COPILOT_OFFLINE", "true")
    .env("COPILOT_AUTO_UPDATE", "false")
    .env("COPILOT_PROVIDER_BASE_URL", format!("{}/v1", api.url()))
    .env("COPILOT_PROVIDER_WIRE_API", "responses")
    .env("COPILOT_PROVIDER_API_KEY", "dummy")
    .env("COPILOT_MODEL", "gpt-5.5");
    let started = Instant::now();
    let out = agents::output(&mut cmd);
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(anthropic::DONE),
        "copilot -p failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(t.path(anthropic::FILE)).unwrap(), anthropic::CONTENT);
    let agent_session = payloads(&t, "sessionStart")
        .first()
        .and_then(|p| p["sessionId"].as_str().map(str::to_owned))
        .expect("the sessionStart hook did not fire");
    assert_hooks_fired(
        &t,
        &["userPromptSubmitted", "preToolUse", "agentStop", "sessionEnd"],
        "sessionId",
        &agent_session,
    );
    let pre_tool = &payloads(&t, "preToolUse")[0];
    assert_eq!(pre_tool["toolName"], "apply_patch", "{pre_tool:#}");
    assert_eq!(pre_tool["toolArgs"], openai::patch(), "{pre_tool:#}");
    assert_only_model_api(&api, &["/v1/responses"]);
    let first = openai::shown(&api.requests()[0]);
    assert!(
        first.contains("create hello.txt"),
        "the prompt did not reach the model:\n{first}"
    );
    let transcript = payloads(&t, "agentStop")[0]["transcriptPath"]
        .as_str()
        .map(str::to_owned);
    save_capture(
        &t,
        &format!("copilot-{}", COPILOT.version),
        transcript.as_deref().map(Path::new),
    );
    eprintln!("copilot -p took {took:?}");

    // Copilot CLI writes its transcript (`events.jsonl`) only when it
    // exits, after the last hook: no hook finds the file (checked by hand
    // at every event), so there is nothing to attach.
    assert_turn_recorded(&t, "copilot", &agent_session, false);
}

/// One compaction with `trigger` reached the hooks, the sessions started,
/// resumed and compacted, and the agent's session stayed bound to `session`.
fn assert_compaction_seen(t: &TestRepo, agent: &str, agent_session: &str, session: &str, trigger: &str) {
    let pre_compact = payloads(t, "PreCompact");
    assert_eq!(pre_compact.len(), 1, "{pre_compact:#?}");
    assert_eq!(pre_compact[0]["trigger"], trigger);
    let sources: Vec<Value> = payloads(t, "SessionStart")
        .iter()
        .map(|p| p["source"].clone())
        .collect();
    assert_eq!(sources, ["startup", "resume", "compact"]);
    assert_eq!(
        bound_session(t, agent, agent_session),
        session,
        "after the compaction {agent} found another session"
    );
}
