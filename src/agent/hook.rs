//! `git-session hook <agent>`: one hook call of a coding agent. Reads the
//! payload on stdin, calls the operation its event maps to (see
//! `ops::agent`), and prints what that agent takes back on stdout (the
//! brief as `additionalContext`, the TL;DR before a compaction).
//!
//! A hook must never break the agent: malformed input, events we do not
//! map and our own failures end with one line on stderr and exit status 0
//! (never 2, which blocks the agent's action); only keys each agent
//! documents are printed (Codex rejects unknown ones), and Cursor and
//! Copilot CLI, whose hooks take decisions from stdout, get nothing.
//! `GIT_SESSION_DISABLE=1` or `session.agentHooks=false` make the hook
//! return at once; a read-only tool returns before the repository is opened.

use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use anyhow::Result;
use serde_json::json;

use super::payload::{self, Event, Payload, Tool};
use super::Agent;
use crate::ops::{self, AgentCall, Engine, Options, Transcript};

/// The most of stdin read (a `Write` payload carries the whole file).
const MAX_INPUT: u64 = 256 << 20;

/// The brief's budget: Claude Code cuts hook output at 10,000 characters.
const BRIEF_CHARS: usize = 9_000;

/// Runs the hook for `agent`; always succeeds (failures are one line on stderr).
pub(crate) fn run(agent: Agent) -> Result<()> {
    if std::env::var_os("GIT_SESSION_DISABLE").is_some_and(|v| v != "0" && !v.is_empty()) {
        return Ok(());
    }
    let mut input = Vec::new();
    if let Err(err) = std::io::stdin().take(MAX_INPUT).read_to_end(&mut input) {
        eprintln!("git-session: {} hook: cannot read its input: {err}", agent.name());
        return Ok(());
    }
    let payload = match payload::parse(agent, &input) {
        Ok(p) => p,
        Err(err) => {
            eprintln!("git-session: {} hook: {err}", agent.name());
            return Ok(());
        }
    };
    match run_event(agent, &payload) {
        Ok(Some(output)) => println!("{output}"),
        Ok(None) => {}
        Err(err) => {
            let line = format!("{err:#}").replace('\n', " ");
            eprintln!("git-session: {} hook ({}): {line}", agent.name(), payload.name);
        }
    }
    Ok(())
}

/// Carries out the event; returns what to print for the agent.
fn run_event(agent: Agent, p: &Payload) -> Result<Option<String>> {
    if matches!(p.event, Event::Other | Event::Tool(Tool::Reads)) {
        return Ok(None);
    }
    let dir = p.cwd.as_deref().filter(|d| d.is_dir()).unwrap_or(Path::new("."));
    let engine = Engine::open(
        dir,
        Options {
            session: None,
            progress: false,
            warnings: Rc::new(|text| eprintln!("git-session: warning: {text}")),
        },
    )?;
    if !ops::agent_hooks_enabled(&engine)? {
        return Ok(None);
    }
    let call = AgentCall {
        agent: agent.name().to_owned(),
        session: p.session.clone(),
    };
    // Gemini CLI's transcript was documented as one JSON document; 0.61
    // writes JSON lines (`*.jsonl`): the name tells.
    let transcript = p.transcript.as_ref().map(|path| Transcript {
        path: path.clone(),
        whole_document: path.extension().is_some_and(|e| e == "json"),
    });
    match &p.event {
        Event::Begin(source) => {
            let begun = ops::agent_begin(&engine, &call, *source, BRIEF_CHARS)?;
            let verb = match (begun.started, begun.resumed) {
                (true, _) => "started",
                (_, true) => "resumed",
                _ => "continues",
            };
            let mut text = format!(
                "git-session records this work as session '{}' ({verb}; `git session status` shows it).\n",
                begun.name
            );
            if !begun.started {
                text.push('\n');
                text.push_str(&begun.brief.render());
            }
            Ok(context_output(agent, &p.name, &text))
        }
        Event::Prompt(prompt) => {
            let recorded = ops::agent_prompt(&engine, &call, prompt, BRIEF_CHARS)?;
            Ok(recorded
                .and_then(|r| r.brief)
                .and_then(|brief| context_output(agent, &p.name, &brief.render())))
        }
        Event::Tool(Tool::Edit(paths)) => {
            let edited = ops::agent_pre_edit(&engine, &call, paths)?;
            // Told as a fact, to the agents whose pre-tool hooks take context.
            Ok(edited
                .filter(|e| !e.outside_scope.is_empty() && matches!(agent, Agent::Claude | Agent::Gemini))
                .and_then(|e| {
                    let text = format!(
                        "git-session: {} {} outside the current intent's declared scope ({}); a commit that changes {} will be flagged.",
                        e.outside_scope.join(", "),
                        if e.outside_scope.len() == 1 { "is" } else { "are" },
                        e.scope.join(" "),
                        if e.outside_scope.len() == 1 { "it" } else { "them" },
                    );
                    context_output(agent, &p.name, &text)
                }))
        }
        Event::Tool(_) => {
            ops::agent_tool(&engine, &call)?;
            Ok(None)
        }
        Event::Compact(trigger) => {
            let landed = ops::agent_compact(&engine, &call, trigger, transcript.as_ref())?;
            let tldr = crate::render::tldr(&landed.header, crate::render::Palette::PLAIN);
            Ok(match agent {
                Agent::Claude | Agent::Codex => Some(tldr),
                Agent::Gemini => Some(json!({ "systemMessage": tldr }).to_string()),
                Agent::Cursor | Agent::Copilot => None,
            })
        }
        Event::Plan(markdown) => {
            ops::agent_plan(&engine, &call, markdown)?;
            Ok(None)
        }
        Event::PlanEdit(file, edits) => {
            if let Some(markdown) = edited_plan(file, edits, crate::session::plan::MAX_PLAN as u64) {
                ops::agent_plan(&engine, &call, &markdown)?;
            }
            Ok(None)
        }
        Event::Stop => {
            ops::agent_stop(&engine, &call, transcript.as_ref(), p.last_message.as_deref())?;
            Ok(None)
        }
        Event::End => {
            ops::agent_end(&engine, &call, transcript.as_ref())?;
            Ok(None)
        }
        Event::Other => Ok(None),
    }
}

/// `text` as context for the agent's model, in the form `agent` takes on
/// the event `name`; `None` for the agents that take none.
fn context_output(agent: Agent, name: &str, text: &str) -> Option<String> {
    match agent {
        Agent::Claude | Agent::Codex | Agent::Gemini => Some(
            json!({
                "hookSpecificOutput": {
                    "hookEventName": name,
                    "additionalContext": text,
                }
            })
            .to_string(),
        ),
        Agent::Cursor | Agent::Copilot => None,
    }
}

/// The plan file `path` after `edits` (applied in order, as Claude Code
/// applies them; an `old_string` that is not there leaves the text as it
/// is), or `None` when the file cannot be read as a plan: not a regular
/// file, larger than `limit`, not UTF-8.
fn edited_plan(path: &Path, edits: &[(String, String, bool)], limit: u64) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
    for (old, new, all) in edits {
        if old.is_empty() {
            continue;
        }
        text = if *all {
            text.replace(old.as_str(), new)
        } else {
            text.replacen(old.as_str(), new, 1)
        };
    }
    Some(text)
}
