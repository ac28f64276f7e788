//! The script of the Anthropic Messages API stand-in that Claude Code talks
//! to: a `Write` of `hello.txt`, then a text answer, and a summary when
//! asked to compact. Streaming answers are server-sent events in the order
//! the real API sends them (`message_start`, `content_block_start`,
//! `content_block_delta`, `content_block_stop`, `message_delta`,
//! `message_stop`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::standin::{Request, Response};

/// The file the scripted model creates.
pub(crate) const FILE: &str = "hello.txt";
/// What it writes there.
pub(crate) const CONTENT: &str = "hello from the stand-in\n";
/// Its answer once the tool ran.
pub(crate) const DONE: &str = "Created hello.txt.";
/// Its summary when asked to compact the conversation.
pub(crate) const SUMMARY: &str = "The user asked for hello.txt; it was created with a greeting.";

/// The plan the scripted model proposes in plan mode (`ExitPlanMode`).
pub(crate) const PLAN: &str = "# Greet the reader\n\n- [ ] write hello.txt\n- [ ] say hello in the README\n";

/// The script for a repository at `repo`: what the model answers to each request.
pub(crate) fn script(repo: &Path) -> impl Fn(&Request, &[Request]) -> Response + Send + Sync + 'static {
    let repo: PathBuf = repo.to_owned();
    move |request, _before| answer(&repo, request, false)
}

/// The script of plan mode: the model writes [`PLAN`] to the plan file
/// Claude Code names (or, asked to "tick", checks its first step with an
/// `Edit`), then answers [`DONE`].
pub(crate) fn plan_script(repo: &Path) -> impl Fn(&Request, &[Request]) -> Response + Send + Sync + 'static {
    let repo: PathBuf = repo.to_owned();
    move |request, _before| answer(&repo, request, true)
}

fn answer(repo: &Path, request: &Request, plan: bool) -> Response {
    let route = request.route();
    if route.ends_with("/count_tokens") {
        return Response::json(&json!({ "input_tokens": 100 }));
    }
    if request.method != "POST" || route != "/v1/messages" {
        return Response::error(
            404,
            &json!({"type": "error", "error": {"type": "not_found_error", "message": format!("no {route} here")}}),
        );
    }
    let body = request.json();
    let block = match turn(&body) {
        // Plan mode: Claude Code asks for the plan in a plan file under
        // ~/.claude/plans/ (the one file it may write); the first prompt
        // writes it, a prompt that says "tick" checks its first step.
        Turn::Task if plan => match plan_file(&body) {
            Some(file) if last_prompt(&body).contains("tick") => json!({
                "type": "tool_use",
                "id": "toolu_01standintick",
                "name": "Edit",
                "input": {"file_path": file, "old_string": "- [ ] write hello.txt", "new_string": "- [x] write hello.txt"},
            }),
            Some(file) => json!({
                "type": "tool_use",
                "id": "toolu_01standinplan",
                "name": "Write",
                "input": {"file_path": file, "content": PLAN},
            }),
            None => text("No plan file was named."),
        },
        Turn::Summary => text(&format!("<analysis>Short.</analysis>\n<summary>{SUMMARY}</summary>")),
        Turn::ToolDone => text(DONE),
        Turn::Task if offers_tool(&body, "Write") => json!({
            "type": "tool_use",
            "id": "toolu_01standin",
            "name": "Write",
            "input": {
                "file_path": repo.join(FILE).to_str().expect("a UTF-8 path"),
                "content": CONTENT,
            },
        }),
        Turn::Task => text("Nothing to do."),
    };
    let stop_reason = if block["type"] == "tool_use" {
        "tool_use"
    } else {
        "end_turn"
    };
    let model = body["model"].as_str().unwrap_or("claude-standin").to_owned();
    if body["stream"] != true {
        return Response::json(&json!({
            "id": "msg_standin", "type": "message", "role": "assistant", "model": model,
            "content": [block], "stop_reason": stop_reason, "stop_sequence": null,
            "usage": {"input_tokens": 100, "output_tokens": 10},
        }));
    }
    Response::sse(stream(&model, &block, stop_reason))
}

/// What the last user turn asks for.
enum Turn {
    /// The conversation's first task (the prompt).
    Task,
    /// A tool ran; its result came back.
    ToolDone,
    /// Compaction: summarise the conversation.
    Summary,
}

fn turn(body: &Value) -> Turn {
    let empty = Vec::new();
    let messages = body["messages"].as_array().unwrap_or(&empty);
    let Some(last) = messages.iter().rev().find(|m| m["role"] == "user") else {
        return Turn::Task;
    };
    let blocks = match &last["content"] {
        Value::String(s) => vec![json!({"type": "text", "text": s})],
        Value::Array(blocks) => blocks.clone(),
        _ => Vec::new(),
    };
    // Claude Code sends the compaction request in the same user turn as
    // the last tool result: look for it first.
    let asks_summary = |b: &Value| {
        b["text"]
            .as_str()
            .is_some_and(|t| t.contains("summary of the conversation"))
    };
    if blocks.iter().any(asks_summary) {
        Turn::Summary
    } else if blocks.iter().any(|b| b["type"] == "tool_result") {
        Turn::ToolDone
    } else {
        Turn::Task
    }
}

/// The plan file Claude Code names to the model in plan mode (a path
/// ending in `.md` under `/.claude/plans/`), wherever the request says it.
fn plan_file(body: &Value) -> Option<String> {
    let text = body.to_string();
    let at = text.find("/.claude/plans/")?;
    let start = text[..at]
        .rfind(|c: char| c.is_whitespace() || c == '"')
        .map_or(0, |i| i + 1);
    let end = at + text[at..].find(".md")? + 3;
    Some(text[start..end].to_owned())
}

/// The text of the last user message (its last text block).
fn last_prompt(body: &Value) -> String {
    let empty = Vec::new();
    let messages = body["messages"].as_array().unwrap_or(&empty);
    let Some(last) = messages.iter().rev().find(|m| m["role"] == "user") else {
        return String::new();
    };
    match &last["content"] {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .rev()
            .find_map(|b| b["text"].as_str())
            .unwrap_or("")
            .to_owned(),
        _ => String::new(),
    }
}

fn offers_tool(body: &Value, name: &str) -> bool {
    body["tools"]
        .as_array()
        .is_some_and(|tools| tools.iter().any(|t| t["name"] == name))
}

fn text(text: &str) -> Value {
    json!({"type": "text", "text": text})
}

/// The server-sent events of a one-block streamed message.
fn stream(model: &str, block: &Value, stop_reason: &str) -> Vec<(&'static str, Value)> {
    let (start, delta) = if block["type"] == "tool_use" {
        (
            json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}),
            json!({"type": "input_json_delta", "partial_json": block["input"].to_string()}),
        )
    } else {
        (
            json!({"type": "text", "text": ""}),
            json!({"type": "text_delta", "text": block["text"]}),
        )
    };
    vec![
        (
            "message_start",
            json!({"type": "message_start", "message": {
                "id": "msg_standin", "type": "message", "role": "assistant", "model": model,
                "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": 100, "output_tokens": 1},
            }}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": start}),
        ),
        ("ping", json!({"type": "ping"})),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        ),
        ("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
                   "usage": {"output_tokens": 10}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]
}

/// Every text the model was shown in `request`: the system prompt and the
/// text of every message (strings, text blocks, tool results), one per line.
pub(crate) fn shown(request: &Request) -> String {
    let body = request.json();
    let mut out = String::new();
    super::texts(&body["system"], &mut out);
    super::texts(&body["messages"], &mut out);
    out
}
