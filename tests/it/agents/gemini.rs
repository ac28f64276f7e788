//! The script of the Gemini API stand-in that Gemini CLI talks to
//! (`POST /v1beta/models/<model>:streamGenerateContent?alt=sse`): a
//! `write_file` of `hello.txt`, then a text answer, each as one
//! server-sent `data:` chunk of a `GenerateContentResponse`.

use serde_json::{json, Value};

use std::path::{Path, PathBuf};

use super::anthropic::{CONTENT, DONE, FILE};
use super::standin::{Request, Response};

/// The script for a repository at `repo`: what the model answers to each request.
pub(crate) fn script(repo: &Path) -> impl Fn(&Request, &[Request]) -> Response + Send + Sync + 'static {
    let repo: PathBuf = repo.to_owned();
    move |request, _before| answer(&repo, request)
}

fn answer(repo: &Path, request: &Request) -> Response {
    let route = request.route();
    if request.method != "POST" || !route.starts_with("/v1beta/models/") {
        return Response::error(
            404,
            &json!({"error": {"code": 404, "message": format!("no {route} here"), "status": "NOT_FOUND"}}),
        );
    }
    if route.ends_with(":countTokens") {
        return Response::json(&json!({"totalTokens": 100}));
    }
    let body = request.json();
    let tool_ran = body["contents"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(|last| last["parts"].as_array())
        .is_some_and(|parts| parts.iter().any(|p| p.get("functionResponse").is_some()));
    let part = if tool_ran {
        json!({"text": DONE})
    } else {
        json!({"functionCall": {"name": "write_file", "args": {
            "file_path": repo.join(FILE).to_str().expect("a UTF-8 path"),
            "content": CONTENT,
        }}})
    };
    let chunk = json!({
        "candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 100, "candidatesTokenCount": 10, "totalTokenCount": 110},
        "modelVersion": "gemini-standin",
    });
    if route.ends_with(":streamGenerateContent") {
        Response::sse([("", chunk)])
    } else {
        Response::json(&chunk)
    }
}

/// Every text the model was shown in `request` (system instruction and contents).
pub(crate) fn shown(request: &Request) -> String {
    let body: Value = request.json();
    let mut out = String::new();
    super::texts(&body["systemInstruction"], &mut out);
    super::texts(&body["contents"], &mut out);
    out
}
