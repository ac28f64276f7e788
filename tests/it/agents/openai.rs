//! The script of the OpenAI Responses API stand-in that Codex talks to
//! (`POST /v1/responses`, streamed): an `apply_patch` adding `hello.txt`,
//! then a text answer. Events as the real API streams them:
//! `response.created`, `response.output_item.added`/`.done` per item,
//! `response.completed` with the usage.

use serde_json::{json, Value};

use super::anthropic::{CONTENT, DONE, FILE};
use super::standin::{Request, Response};

/// The patch the scripted model applies.
pub(crate) fn patch() -> String {
    let added: String = CONTENT.lines().map(|l| format!("+{l}\n")).collect();
    format!("*** Begin Patch\n*** Add File: {FILE}\n{added}*** End Patch\n")
}

/// What the model answers when Codex asks it to compact the conversation.
pub(crate) const SUMMARY: &str = "hello.txt was created as asked; nothing is left to do.";

/// The script: what the model answers to each request. The answer that
/// ends the first turn reports `done_tokens` input tokens, so that a
/// `model_auto_compact_token_limit` below it makes Codex compact before
/// the next turn.
pub(crate) fn script(done_tokens: u64) -> impl Fn(&Request, &[Request]) -> Response + Send + Sync + 'static {
    move |request, before| answer(request, before, done_tokens)
}

/// Whether `request` asks the model for a compaction summary.
pub(crate) fn asks_summary(request: &Request) -> bool {
    shown(request).contains("CONTEXT CHECKPOINT COMPACTION")
}

fn answer(request: &Request, before: &[Request], done_tokens: u64) -> Response {
    if request.method != "POST" || request.route() != "/v1/responses" {
        return Response::error(
            404,
            &json!({"error": {"type": "invalid_request_error", "message": format!("no {} here", request.path)}}),
        );
    }
    let body = request.json();
    let empty = Vec::new();
    let input = body["input"].as_array().unwrap_or(&empty);
    let tool_ran = input
        .iter()
        .any(|i| i["type"] == "custom_tool_call_output" || i["type"] == "function_call_output");
    let message = |text: &str| {
        json!({"type": "message", "role": "assistant", "id": "msg_standin", "status": "completed",
               "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    let (item, tokens) = if asks_summary(request) {
        (message(SUMMARY), 100)
    } else if tool_ran {
        (message(DONE), done_tokens)
    } else if before.iter().any(|r| r.route() == "/v1/responses") {
        // A later turn (the file exists already).
        (message(DONE), 100)
    } else {
        (apply_patch(&body), 100)
    };
    Response::sse(stream(&item, tokens))
}

/// The `apply_patch` call in the form the request offers the tool: a
/// freeform (custom) tool takes the patch as its input, a function tool as
/// the `input` argument.
fn apply_patch(body: &Value) -> Value {
    let freeform = body["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["name"] == "apply_patch" && t["type"] == "custom");
    if freeform {
        json!({"type": "custom_tool_call", "id": "ctc_standin", "status": "completed",
               "call_id": "call_standin", "name": "apply_patch", "input": patch()})
    } else {
        json!({"type": "function_call", "id": "fc_standin", "status": "completed",
               "call_id": "call_standin", "name": "apply_patch",
               "arguments": json!({"input": patch()}).to_string()})
    }
}

fn stream(item: &Value, input_tokens: u64) -> Vec<(&'static str, Value)> {
    let response = |status: &str, output: Value| {
        json!({"id": "resp_standin", "object": "response", "status": status, "output": output,
               "usage": {"input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": 0},
                         "output_tokens": 10, "output_tokens_details": {"reasoning_tokens": 0},
                         "total_tokens": input_tokens + 10}})
    };
    vec![
        (
            "response.created",
            json!({"type": "response.created", "response": response("in_progress", json!([]))}),
        ),
        (
            "response.output_item.added",
            json!({"type": "response.output_item.added", "output_index": 0, "item": item}),
        ),
        (
            "response.output_item.done",
            json!({"type": "response.output_item.done", "output_index": 0, "item": item}),
        ),
        (
            "response.completed",
            json!({"type": "response.completed", "response": response("completed", json!([item]))}),
        ),
    ]
}

/// Every text the model was shown in `request` (instructions and input).
pub(crate) fn shown(request: &Request) -> String {
    let body = request.json();
    let mut out = String::new();
    super::texts(&body["instructions"], &mut out);
    super::texts(&body["input"], &mut out);
    out
}
