//! `git session agent install|uninstall|status`: the agents' own files
//! merged with what the user has there, installed once however often it
//! runs, taken back byte for byte (or, after the user's own edits, only our
//! entries), malformed files refused without a change, MCP registration in
//! JSON and in Codex's TOML (comments kept), and user scope under HOME.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

use crate::harness::TestRepo;

/// One agent as the tests see it: its project file, a user's own file
/// (a setting and a hook of theirs in an event we hook too) and what our
/// entries look like.
struct Case {
    agent: &'static str,
    file: &'static str,
    events: &'static [&'static str],
    existing: &'static str,
}

const CASES: &[Case] = &[
    Case {
        agent: "claude",
        file: ".claude/settings.json",
        events: &[
            "SessionStart",
            "UserPromptSubmit",
            "PreToolUse",
            "PreCompact",
            "Stop",
            "SessionEnd",
        ],
        existing: r#"{
    "model": "opus",
    "permissions": {"allow": ["Bash(ls)"]},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo mine"}]}
        ]
    }
}
"#,
    },
    Case {
        agent: "codex",
        file: ".codex/hooks.json",
        events: &[
            "SessionStart",
            "UserPromptSubmit",
            "PreToolUse",
            "PreCompact",
            "Stop",
            "SessionEnd",
        ],
        existing: r#"{"zeta": 1, "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo mine", "timeout": 5}]}]}}"#,
    },
    Case {
        agent: "gemini",
        file: ".gemini/settings.json",
        events: &[
            "SessionStart",
            "BeforeAgent",
            "BeforeTool",
            "PreCompress",
            "AfterAgent",
            "SessionEnd",
        ],
        existing: r#"{
  "theme": "GitHub",
  "hooks": {
    "BeforeTool": [
      {
        "matcher": "write_file",
        "hooks": [
          {
            "name": "mine",
            "type": "command",
            "command": "echo mine",
            "timeout": 1000
          }
        ]
      }
    ]
  }
}
"#,
    },
    Case {
        agent: "cursor",
        file: ".cursor/hooks.json",
        events: &[
            "sessionStart",
            "beforeSubmitPrompt",
            "beforeShellExecution",
            "afterFileEdit",
            "preCompact",
            "stop",
            "sessionEnd",
        ],
        existing: r#"{
	"version": 1,
	"hooks": {
		"afterFileEdit": [
			{
				"command": "echo mine"
			}
		]
	}
}
"#,
    },
    Case {
        agent: "copilot",
        file: ".github/hooks/git-session.json",
        events: &[
            "sessionStart",
            "userPromptSubmitted",
            "preToolUse",
            "agentStop",
            "sessionEnd",
        ],
        existing: r#"{"version": 1, "hooks": {"sessionStart": [{"type": "command", "bash": "echo mine", "timeoutSec": 5}]}}"#,
    },
];

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// Every hook entry (inside matcher groups or not) of `event`.
fn entries<'a>(doc: &'a Value, event: &str) -> Vec<&'a Value> {
    let Some(list) = doc["hooks"][event].as_array() else {
        return Vec::new();
    };
    list.iter()
        .flat_map(|item| match item["hooks"].as_array() {
            Some(inner) => inner.iter().collect(),
            None => vec![item],
        })
        .collect()
}

fn command_of(entry: &Value) -> Option<&str> {
    entry["command"].as_str().or(entry["bash"].as_str())
}

/// Our entries in `event`.
fn ours<'a>(doc: &'a Value, event: &str, agent: &str) -> Vec<&'a Value> {
    // Copilot CLI denies a tool whose hook fails: there, a missing binary must not fail it.
    let command = match agent {
        "copilot" => "git-session hook copilot || true".to_owned(),
        _ => format!("git-session hook {agent}"),
    };
    entries(doc, event)
        .into_iter()
        .filter(|e| command_of(e) == Some(command.as_str()))
        .collect()
}

fn status_of(t: &TestRepo, agent: &str, scope: &str) -> Value {
    let status = t.json(&["agent", "status", "--json"]);
    status["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agent"] == agent && s["scope"] == scope)
        .unwrap_or_else(|| panic!("no {agent} {scope} in {status:#}"))
        .clone()
}

/// Whether a directory is empty or absent.
fn empty_dir(path: &Path) -> bool {
    fs::read_dir(path).map(|mut d| d.next().is_none()).unwrap_or(true)
}

#[test]
fn install_keeps_the_users_settings_adds_nothing_twice_and_uninstall_restores_the_bytes() {
    for case in CASES {
        let t = TestRepo::new();
        t.write(case.file, case.existing);
        let user: Value = serde_json::from_str(case.existing).unwrap();
        let err = t.fails(&["agent", "install", case.agent], 0);
        assert!(
            err.contains(case.file) && err.contains("added"),
            "{}: {err}",
            case.agent
        );

        let doc = read_json(&t.path(case.file));
        // The user's keys first, in their order, with their values.
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        let user_keys: Vec<&String> = user.as_object().unwrap().keys().collect();
        assert_eq!(keys, user_keys, "{}", case.agent);
        for (key, value) in user.as_object().unwrap() {
            if key != "hooks" {
                assert_eq!(&doc[key], value, "{}: {key}", case.agent);
            }
        }
        // Their hook is still there, and ours is in every event, once.
        for (event, list) in user["hooks"].as_object().unwrap() {
            for entry in entries(&user, event) {
                assert!(
                    entries(&doc, event).contains(&entry),
                    "{}: {event} lost {entry}",
                    case.agent
                );
            }
            assert!(doc["hooks"][event]
                .as_array()
                .unwrap()
                .starts_with(list.as_array().unwrap()));
        }
        for event in case.events {
            assert_eq!(
                ours(&doc, event, case.agent).len(),
                1,
                "{}: {event} in {doc:#}",
                case.agent
            );
        }
        assert_eq!(
            doc["hooks"].as_object().unwrap().len(),
            case.events.len(),
            "{}",
            case.agent
        );
        let status = status_of(&t, case.agent, "project");
        assert_eq!(status["hooks"], "complete", "{status}");
        assert_eq!(status["hooks_file"], case.file);

        // Twice: not one byte more.
        let once = fs::read(t.path(case.file)).unwrap();
        let err = t.fails(&["agent", "install", case.agent], 0);
        assert!(err.contains("already installed"), "{err}");
        assert_eq!(fs::read(t.path(case.file)).unwrap(), once, "{}", case.agent);

        let err = t.fails(&["agent", "uninstall", case.agent], 0);
        assert!(err.contains("restored"), "{}: {err}", case.agent);
        assert_eq!(
            fs::read_to_string(t.path(case.file)).unwrap(),
            case.existing,
            "{}",
            case.agent
        );
        assert_eq!(status_of(&t, case.agent, "project")["hooks"], "absent");
        assert!(
            empty_dir(&t.path(".git/aura/agent-install")),
            "{}: the record stays",
            case.agent
        );
    }
}

#[test]
fn the_entries_have_each_agents_shape() {
    let t = TestRepo::new();
    for case in CASES {
        t.ok(&["agent", "install", case.agent, "-q"]);
    }
    let claude = read_json(&t.path(".claude/settings.json"));
    assert_eq!(
        claude["hooks"]["PreToolUse"],
        json!([{"matcher": "*", "hooks": [{"type": "command", "command": "git-session hook claude", "timeout": 30}]}])
    );
    assert_eq!(
        claude["hooks"]["Stop"],
        json!([{"hooks": [{"type": "command", "command": "git-session hook claude", "timeout": 30}]}])
    );
    let codex = read_json(&t.path(".codex/hooks.json"));
    assert_eq!(codex["hooks"]["PreToolUse"][0]["matcher"], "*");
    assert_eq!(codex["hooks"]["PreToolUse"][0]["hooks"][0]["timeout"], 30);
    let gemini = read_json(&t.path(".gemini/settings.json"));
    assert_eq!(
        gemini["hooks"]["BeforeTool"],
        json!([{"hooks": [{"name": "git-session", "type": "command", "command": "git-session hook gemini", "timeout": 30000}]}])
    );
    let cursor = read_json(&t.path(".cursor/hooks.json"));
    assert_eq!(cursor["version"], 1);
    assert_eq!(cursor["hooks"]["stop"], json!([{"command": "git-session hook cursor"}]));
    let copilot = read_json(&t.path(".github/hooks/git-session.json"));
    assert_eq!(copilot["version"], 1);
    assert_eq!(
        copilot["hooks"]["preToolUse"],
        json!([{"type": "command", "bash": "git-session hook copilot || true", "timeoutSec": 30}])
    );
    // The key order is the one written: `version` first.
    let text = fs::read_to_string(t.path(".cursor/hooks.json")).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,\n  \"hooks\""), "{text}");

    // Files the install created go, with the directories it created.
    for case in CASES {
        let err = t.fails(&["agent", "uninstall", case.agent], 0);
        assert!(err.contains("deleted"), "{err}");
        assert!(!t.path(case.file).exists());
    }
    for dir in [".claude", ".codex", ".gemini", ".cursor", ".github"] {
        assert!(!t.path(dir).exists(), "{dir} is left");
    }
    assert_eq!(t.git(&["status", "--porcelain"]), "");
}

#[test]
fn uninstall_after_the_user_changed_the_file_keeps_their_change() {
    for case in CASES {
        let t = TestRepo::new();
        t.write(case.file, case.existing);
        t.ok(&["agent", "install", case.agent, "-q"]);
        let mut doc = read_json(&t.path(case.file));
        doc.as_object_mut().unwrap().insert("added_later".into(), json!(true));
        t.write(case.file, serde_json::to_string_pretty(&doc).unwrap());

        let err = t.fails(&["agent", "uninstall", case.agent], 0);
        assert!(err.contains("the rest is kept"), "{}: {err}", case.agent);
        let after = read_json(&t.path(case.file));
        let mut expected: Value = serde_json::from_str(case.existing).unwrap();
        expected
            .as_object_mut()
            .unwrap()
            .insert("added_later".into(), json!(true));
        assert_eq!(after, expected, "{}", case.agent);
        // Ours only: a second uninstall finds nothing.
        let again = t.fails(&["agent", "uninstall", case.agent], 0);
        assert!(!again.contains("removed"), "{again}");
    }
}

#[test]
fn the_users_hook_in_our_group_and_event_is_never_touched() {
    let t = TestRepo::new();
    t.ok(&["agent", "install", "claude", "-q"]);
    // The user adds their own hook to our matcher group, and another group.
    let mut doc = read_json(&t.path(".claude/settings.json"));
    doc["hooks"]["PreToolUse"][0]["hooks"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "command", "command": "echo mine"}));
    doc["hooks"]["Stop"]
        .as_array_mut()
        .unwrap()
        .push(json!({"hooks": [{"type": "command", "command": "echo stop"}]}));
    t.write(".claude/settings.json", serde_json::to_string_pretty(&doc).unwrap());
    t.ok(&["agent", "uninstall", "claude", "-q"]);
    let after = read_json(&t.path(".claude/settings.json"));
    assert_eq!(
        after,
        json!({"hooks": {
            "PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "echo mine"}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "echo stop"}]}],
        }})
    );
}

#[test]
fn a_malformed_file_is_an_error_that_changes_nothing() {
    for case in CASES {
        let bad = [
            "{\"hooks\": {\"Stop\": [}\n".to_owned(),
            "[1, 2]\n".to_owned(),
            "{\"hooks\": [\"not an object\"]}\n".to_owned(),
            format!("{{\"hooks\": {{\"{}\": {{\"not\": \"a list\"}}}}}}\n", case.events[0]),
        ];
        for text in &bad {
            let t = TestRepo::new();
            t.write(case.file, text);
            let before = t.outside_state();
            let err = t.fails(&["agent", "install", case.agent, "--mcp"], 1);
            assert!(
                err.contains(case.file) && err.contains("nothing was changed") && err.contains("hint:"),
                "{}: {err}",
                case.agent
            );
            assert_eq!(&fs::read_to_string(t.path(case.file)).unwrap(), text);
            assert_eq!(
                t.git(&["status", "--porcelain", "--untracked-files=all"])
                    .lines()
                    .count(),
                1
            );
            assert_eq!(t.outside_state(), before);
            assert!(empty_dir(&t.path(".git/aura/agent-install")));
            // Status reports it, without failing.
            let status = status_of(&t, case.agent, "project");
            assert!(status["problems"][0].as_str().unwrap().contains(case.file), "{status}");
        }
    }
    // Uninstall refuses a malformed file too (after the user broke it).
    let t = TestRepo::new();
    t.write(".claude/settings.json", "{\"a\": 1}\n");
    t.ok(&["agent", "install", "claude", "-q"]);
    t.write(".claude/settings.json", "{\"a\": 1,\n");
    let err = t.fails(&["agent", "uninstall", "claude"], 1);
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(
        fs::read_to_string(t.path(".claude/settings.json")).unwrap(),
        "{\"a\": 1,\n"
    );
}

#[test]
fn mcp_registration_for_claude_codex_and_gemini() {
    let t = TestRepo::new();
    let config = "# my Codex settings\nmodel = \"o3\"  # the model\n\n[mcp_servers.other]\ncommand = \"other\"\n";
    t.write(".codex/config.toml", config);
    t.write(".mcp.json", r#"{"mcpServers": {"theirs": {"command": "theirs"}}}"#);
    for agent in ["claude", "codex", "gemini"] {
        let err = t.fails(&["agent", "install", agent, "--mcp"], 0);
        assert!(err.contains("registered the MCP server"), "{agent}: {err}");
    }
    let mcp = read_json(&t.path(".mcp.json"));
    assert_eq!(mcp["mcpServers"]["theirs"], json!({"command": "theirs"}));
    assert_eq!(
        mcp["mcpServers"]["git-session"],
        json!({"type": "stdio", "command": "git-session", "args": ["mcp"]})
    );
    let toml = fs::read_to_string(t.path(".codex/config.toml")).unwrap();
    assert!(toml.starts_with(config), "{toml}");
    assert!(
        toml.contains("[mcp_servers.git-session]\ncommand = \"git-session\"\nargs = [\"mcp\"]\n"),
        "{toml}"
    );
    let gemini = read_json(&t.path(".gemini/settings.json"));
    assert_eq!(
        gemini["mcpServers"]["git-session"],
        json!({"command": "git-session", "args": ["mcp"]})
    );
    assert!(gemini["hooks"]["BeforeAgent"].is_array());
    for agent in ["claude", "codex", "gemini"] {
        assert_eq!(status_of(&t, agent, "project")["mcp"], "registered", "{agent}");
        // Twice: nothing more.
        let err = t.fails(&["agent", "install", agent, "--mcp"], 0);
        assert!(!err.contains("registered the MCP"), "{err}");
    }
    assert_eq!(fs::read_to_string(t.path(".codex/config.toml")).unwrap(), toml);

    // Uninstall: byte for byte.
    for agent in ["claude", "codex", "gemini"] {
        t.ok(&["agent", "uninstall", agent, "-q"]);
    }
    assert_eq!(fs::read_to_string(t.path(".codex/config.toml")).unwrap(), config);
    assert_eq!(
        fs::read_to_string(t.path(".mcp.json")).unwrap(),
        r#"{"mcpServers": {"theirs": {"command": "theirs"}}}"#
    );
    assert!(!t.path(".gemini").exists());
    assert!(!t.path(".codex/hooks.json").exists());

    // After the user edited config.toml: their edit and comments stay, ours goes.
    t.ok(&["agent", "install", "codex", "--mcp", "-q"]);
    let edited =
        fs::read_to_string(t.path(".codex/config.toml")).unwrap() + "\n# added later\n[tui]\nnotifications = true\n";
    t.write(".codex/config.toml", &edited);
    t.ok(&["agent", "uninstall", "codex", "-q"]);
    let toml = fs::read_to_string(t.path(".codex/config.toml")).unwrap();
    assert!(toml.starts_with(config), "{toml}");
    assert!(toml.contains("# added later\n[tui]\nnotifications = true\n"), "{toml}");
    assert!(!toml.contains("git-session"), "{toml}");
}

#[test]
fn an_mcp_server_of_the_users_by_our_name_is_left_alone() {
    let t = TestRepo::new();
    let theirs = r#"{"mcpServers": {"git-session": {"command": "/opt/my-git-session", "args": ["mcp"]}}}"#;
    t.write(".mcp.json", theirs);
    let err = t.fails(&["agent", "install", "claude", "--mcp"], 0);
    assert!(err.contains("left as it is"), "{err}");
    assert_eq!(fs::read_to_string(t.path(".mcp.json")).unwrap(), theirs);
    assert_eq!(status_of(&t, "claude", "project")["mcp"], "other");
    t.ok(&["agent", "uninstall", "claude", "-q"]);
    assert_eq!(fs::read_to_string(t.path(".mcp.json")).unwrap(), theirs);
}

#[test]
fn user_scope_writes_under_home() {
    let t = TestRepo::new();
    t.write_in(&t.home, ".claude/settings.json", "{\"theme\": \"dark\"}\n");
    for case in CASES {
        t.ok(&["agent", "install", case.agent, "--scope", "user", "--mcp", "-q"]);
    }
    let claude = read_json(&t.home.join(".claude/settings.json"));
    assert_eq!(claude["theme"], "dark");
    assert_eq!(ours(&claude, "PreToolUse", "claude").len(), 1);
    assert_eq!(
        read_json(&t.home.join(".claude.json"))["mcpServers"]["git-session"]["command"],
        "git-session"
    );
    assert_eq!(
        ours(&read_json(&t.home.join(".codex/hooks.json")), "Stop", "codex").len(),
        1
    );
    assert!(fs::read_to_string(t.home.join(".codex/config.toml"))
        .unwrap()
        .contains("[mcp_servers.git-session]"));
    assert_eq!(
        ours(
            &read_json(&t.home.join(".gemini/settings.json")),
            "BeforeTool",
            "gemini"
        )
        .len(),
        1
    );
    assert_eq!(
        ours(&read_json(&t.home.join(".cursor/hooks.json")), "stop", "cursor").len(),
        1
    );
    assert!(t.home.join(".cursor/mcp.json").is_file());
    assert_eq!(
        ours(
            &read_json(&t.home.join(".copilot/hooks/git-session.json")),
            "agentStop",
            "copilot"
        )
        .len(),
        1
    );
    assert_eq!(
        read_json(&t.home.join(".copilot/mcp-config.json"))["mcpServers"]["git-session"]["type"],
        "local"
    );
    // Nothing in the repository.
    assert_eq!(t.git(&["status", "--porcelain", "--untracked-files=all"]), "");
    for case in CASES {
        let s = status_of(&t, case.agent, "user");
        assert_eq!(s["hooks"], "complete", "{s}");
        assert_eq!(s["mcp"], "registered", "{s}");
        assert_eq!(status_of(&t, case.agent, "project")["hooks"], "absent");
    }
    // Outside any repository too.
    let outside = t.root.join("elsewhere");
    fs::create_dir_all(&outside).unwrap();
    let text = t.ok_in(&outside, &["agent", "status"]);
    assert!(text.contains("user scope only"), "{text}");
    assert!(
        text.contains("copilot  user     hooks complete in ~/.copilot/hooks/git-session.json"),
        "{text}"
    );
    let err = t.fails_in(&outside, &["agent", "install", "claude"], 1);
    assert!(err.contains("hint:"), "{err}");

    for case in CASES {
        t.ok_in(&outside, &["agent", "uninstall", case.agent, "--scope", "user", "-q"]);
    }
    assert_eq!(
        fs::read_to_string(t.home.join(".claude/settings.json")).unwrap(),
        "{\"theme\": \"dark\"}\n"
    );
    let left: Vec<_> = fs::read_dir(&t.home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // `.local/state/git-session/agent-install` keeps no record.
    for name in &left {
        assert!(name == ".claude" || name == ".local", "{left:?}");
    }
    assert!(empty_dir(&t.home.join(".local/state/git-session/agent-install")));
}

#[test]
fn status_counts_partial_installs() {
    let t = TestRepo::new();
    t.ok(&["agent", "install", "codex", "-q"]);
    let mut doc = read_json(&t.path(".codex/hooks.json"));
    doc["hooks"].as_object_mut().unwrap().shift_remove("Stop");
    t.write(".codex/hooks.json", serde_json::to_string(&doc).unwrap());
    let s = status_of(&t, "codex", "project");
    assert_eq!(
        (s["hooks"].as_str(), s["installed"].as_u64(), s["expected"].as_u64()),
        (Some("partial"), Some(5), Some(6))
    );
    let text = t.ok(&["agent", "status"]);
    assert!(
        text.contains("codex    project  hooks partial (5 of 6 events) in .codex/hooks.json"),
        "{text}"
    );
    // Install completes it; uninstall then removes ours and keeps nothing else.
    t.ok(&["agent", "install", "codex", "-q"]);
    assert_eq!(status_of(&t, "codex", "project")["hooks"], "complete");
    let err = t.fails(&["agent", "install", "codex"], 0);
    assert!(err.contains("/hooks") && err.contains("trusted"), "{err}");
    t.ok(&["agent", "uninstall", "codex", "-q"]);
    assert!(!t.path(".codex").exists());
}

#[test]
fn settings_that_turn_hooks_off_are_named_and_left_alone() {
    let t = TestRepo::new();
    t.write(".gemini/settings.json", "{\"hooksConfig\": {\"enabled\": false}}\n");
    t.write(".codex/config.toml", "[features]\nhooks = false # not yet\n");
    t.write_in(&t.home, ".claude/settings.json", "{\"disableAllHooks\": true}\n");
    let gemini = t.json(&["agent", "install", "gemini", "--json"]);
    let steps = gemini["next_steps"].to_string();
    assert!(
        steps.contains(".gemini/settings.json turns every hook off (`hooksConfig.enabled = false`)"),
        "{steps}"
    );
    assert_eq!(gemini["files"][0]["action"], "updated");
    assert_eq!(
        read_json(&t.path(".gemini/settings.json"))["hooksConfig"],
        json!({"enabled": false})
    );
    let codex = t.json(&["agent", "install", "codex", "--json"]);
    assert!(
        codex["next_steps"]
            .to_string()
            .contains(".codex/config.toml turns every hook off (`features.hooks = false`)"),
        "{codex}"
    );
    assert_eq!(
        fs::read_to_string(t.path(".codex/config.toml")).unwrap(),
        "[features]\nhooks = false # not yet\n"
    );
    let claude = t.json(&["agent", "install", "claude", "--json"]);
    assert!(
        claude["next_steps"]
            .to_string()
            .contains("~/.claude/settings.json turns every hook off"),
        "{claude}"
    );
    assert_eq!(
        claude["files"],
        json!([{"file": ".claude/settings.json", "action": "created", "detail": "added 6 hooks"}])
    );
    let gone = t.json(&["agent", "uninstall", "claude", "--json"]);
    assert_eq!(gone["files"][0]["action"], "deleted");
}
