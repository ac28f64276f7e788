//! The tools of the MCP server: for each, its name, descriptions, input and
//! output schemas (JSON Schema, as `tools/list` shows them) and the call of
//! one operation. Arguments are parsed like a command line is (unknown
//! ones refused); what a tool returns is the operation's result as JSON,
//! the same document the verb prints with `--json`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Result;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{fail, UserError};
use crate::ops::{self, CommitsMode, ContextInput, Engine, NoteInput, NoteKind, Options, ResumeInput, StartInput};
use crate::session::event::AgentRef;

/// One tool.
pub(super) struct Tool {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// It changes nothing (MCP's `readOnlyHint`).
    read_only: bool,
    /// It can overwrite files of the work tree (`destructiveHint`).
    destructive: bool,
    input: fn() -> Value,
    output: fn() -> Value,
    run: fn(&Engine, Map<String, Value>) -> Result<Value>,
}

/// Every tool, in the order `tools/list` shows them.
static TOOLS: &[Tool] = &[
    Tool {
        name: "start",
        title: "Start a session",
        description: "Start a git-session session in this work tree: records a snapshot of the work tree and \
makes it the current session (a session current before is paused). Give it a name and what you set out to do. \
Started from Claude Code, the session records the Claude Code session it is for.",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "name": text("A unique name (spaces become dashes); default: <branch>-<date>."),
                    "intent": text("What you set out to do."),
                    "tasks": {"type": "array", "items": {"type": "string"}, "description": "Tasks the session works on (issue-tracker ids or tokens without spaces); sessions sharing one are trials of it."},
                }),
                &[],
            )
        },
        output: || landed(json!({"worktree": {"type": "string"}, "branch": {"type": "string"}})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                name: Option<String>,
                intent: Option<String>,
                #[serde(default)]
                tasks: Vec<String>,
            }
            let a: Args = parse(args)?;
            let started = ops::start(
                engine,
                &StartInput {
                    name: a.name,
                    intent: a.intent,
                    worktree: None,
                    branch: None,
                    agent: claude_session().map(|session| AgentRef {
                        name: "claude".into(),
                        session,
                    }),
                    tasks: a.tasks,
                },
            )?;
            to_json(&started)
        },
    },
    Tool {
        name: "resume",
        title: "Resume a session",
        description: "Get back into a session: pauses the current one, switches to the session's branch and \
restores its latest snapshot when it was last worked on elsewhere (refusing to overwrite unsaved work). \
Name the session, or set continue for the most recently updated open one.",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "session": text("Session id, name, or a unique prefix of either (default: the current one)."),
                    "continue": boolean("Resume the most recently updated open session."),
                    "fast_forward": boolean("Move the session's branch forward to the session's last commit even when no other ref has the commits in between."),
                    "local": boolean("Resume what this clone has, without asking the remotes for newer events."),
                }),
                &[],
            )
        },
        output: || {
            object(
                json!({
                    "session": {"type": "object", "description": "The session's header."},
                    "commit": {"type": "string"},
                    "switched_branch": {"type": ["string", "null"]},
                    "restored_files": {"type": ["integer", "null"]},
                }),
                &["session", "commit"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                session: Option<String>,
                #[serde(default, rename = "continue")]
                continue_last: bool,
                #[serde(default)]
                fast_forward: bool,
                #[serde(default)]
                local: bool,
            }
            let a: Args = parse(args)?;
            if a.session.is_some() && a.continue_last {
                return Err(fail("name a session or set continue, not both"));
            }
            let resumed = ops::resume(
                engine,
                &ResumeInput {
                    session: a.session,
                    continue_last: a.continue_last,
                    fast_forward: a.fast_forward,
                    confirm_fast_forward: None,
                    local: a.local,
                    plan_file: None,
                },
            )?;
            to_json(&resumed)
        },
    },
    Tool {
        name: "status",
        title: "Current session",
        description: "The current session's header: name, status, intent, objectives, blockers, counters, \
latest snapshot (session is null when there is none).",
        read_only: true,
        destructive: false,
        input: || object(json!({}), &[]),
        output: || {
            object(
                json!({
                    "session": {"type": ["object", "null"], "description": "The session's header."},
                    "commit": {"type": "string"},
                    "current": {"type": "boolean"},
                    "unrecorded_reflog_entries": {"type": "integer"},
                }),
                &["session"],
            )
        },
        run: |engine, args| {
            no_arguments(args)?;
            to_json(&ops::status(engine)?)
        },
    },
    Tool {
        name: "intent",
        title: "State an intent",
        description: "State the goal of the next stretch of edits; records a snapshot of the work tree, so \
`rewind` can go back to it. `writes` declares the files it will touch (git pathspecs from the top of \
the work tree, e.g. `src/auth/`, `*.md`, `:(exclude)vendor`): each commit made under it is then judged \
consistent, flagged (touched others) or unresolved.",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "text": text("What you are about to do."),
                    "writes": {"type": "array", "items": {"type": "string"}, "description": "The files it will touch: git pathspecs from the top of the work tree."}
                }),
                &["text"],
            )
        },
        output: || landed(json!({})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                text: String,
                #[serde(default)]
                writes: Vec<String>,
            }
            let a: Args = parse(args)?;
            to_json(&ops::intent(engine, &a.text, &a.writes)?)
        },
    },
    Tool {
        name: "snapshot",
        title: "Pre-edit snapshot",
        description: "Record a snapshot of the work tree before editing files, naming the files about to \
be edited (relative to the work tree, or absolute).",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({"paths": {"type": "array", "items": {"type": "string"}, "description": "Files about to be edited."}}),
                &[],
            )
        },
        output: || landed(json!({})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                #[serde(default)]
                paths: Vec<PathBuf>,
            }
            let a: Args = parse(args)?;
            to_json(&ops::snapshot(engine, &a.paths)?)
        },
    },
    Tool {
        name: "checkpoint",
        title: "Checkpoint",
        description: "Record a named milestone with a snapshot of the work tree (when something works): \
a point `rewind` can go back to by its label.",
        read_only: false,
        destructive: false,
        input: || object(json!({"label": text("The label (default: `checkpoint <n>`).")}), &[]),
        output: || landed(json!({})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                label: Option<String>,
            }
            let a: Args = parse(args)?;
            to_json(&ops::checkpoint(engine, a.label.as_deref())?)
        },
    },
    Tool {
        name: "note",
        title: "Note",
        description: "Record a note of a kind: `note` (default), `decision` (with its rationale and the \
alternatives set aside), `discovery` (something learned about the code or the problem), `blocker` \
(something that stops progress), `next` (a next step) or `progress` (where the work stands).",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "text": text("The text."),
                    "kind": {
                        "type": "string",
                        "enum": ["note", "decision", "discovery", "blocker", "next", "progress"],
                        "default": "note",
                    },
                    "rationale": text("Why the decision was made (kind decision only)."),
                    "alternatives": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Alternatives that were considered (kind decision only).",
                    },
                }),
                &["text"],
            )
        },
        output: || landed(json!({})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                text: String,
                #[serde(default)]
                kind: Kind,
                rationale: Option<String>,
                #[serde(default)]
                alternatives: Vec<String>,
            }
            #[derive(Deserialize, Default, PartialEq)]
            #[serde(rename_all = "lowercase")]
            enum Kind {
                #[default]
                Note,
                Decision,
                Discovery,
                Blocker,
                Next,
                Progress,
            }
            let a: Args = parse(args)?;
            if a.kind != Kind::Decision && (a.rationale.is_some() || !a.alternatives.is_empty()) {
                return Err(fail("rationale and alternatives go with kind decision"));
            }
            let kind = match a.kind {
                Kind::Note => NoteKind::Note,
                Kind::Decision => NoteKind::Decision {
                    rationale: a.rationale,
                    alternatives: a.alternatives,
                },
                Kind::Discovery => NoteKind::Discovery,
                Kind::Blocker => NoteKind::Blocker,
                Kind::Next => NoteKind::Next,
                Kind::Progress => NoteKind::Progress,
            };
            to_json(&ops::note(engine, &NoteInput { kind, text: a.text })?)
        },
    },
    Tool {
        name: "resolve",
        title: "Resolve a blocker",
        description: "Mark an open blocker resolved: its id prefix or words of its text, and how.",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "blocker": text("The blocker's id prefix or a unique part of its text."),
                    "how": text("How it was resolved."),
                }),
                &["blocker"],
            )
        },
        output: || landed(json!({"blocker": item()})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                blocker: String,
                how: Option<String>,
            }
            let a: Args = parse(args)?;
            let (landed, item) = ops::resolve(engine, &a.blocker, a.how.as_deref())?;
            with_item(to_json(&landed)?, "blocker", &item)
        },
    },
    Tool {
        name: "objective",
        title: "Objective",
        description: "Add an objective of the session (action add, with its text), or mark an open one \
done (action done, with its id prefix or words of its text).",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "action": {"type": "string", "enum": ["add", "done"]},
                    "text": text("The objective (add), or its id prefix or a unique part of its text (done)."),
                }),
                &["action", "text"],
            )
        },
        output: || landed(json!({"objective": item()})),
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                action: Action,
                text: String,
            }
            #[derive(Deserialize)]
            #[serde(rename_all = "lowercase")]
            enum Action {
                Add,
                Done,
            }
            let a: Args = parse(args)?;
            match a.action {
                Action::Add => to_json(&ops::objective_add(engine, &a.text)?),
                Action::Done => {
                    let (landed, item) = ops::objective_done(engine, &a.text)?;
                    with_item(to_json(&landed)?, "objective", &item)
                }
            }
        },
    },
    Tool {
        name: "summarize",
        title: "Summarize a session",
        description: "A session in one dense description: objectives, intents, checkpoints, commits, \
decisions, discoveries, blockers, next steps, rewinds and the files it changed.",
        read_only: true,
        destructive: false,
        input: || object(json!({"session": session_arg()}), &[]),
        output: || {
            object(
                json!({
                    "format": {"type": "integer"},
                    "session": {"type": "object"},
                    "events": {"type": "integer"},
                    "objectives": {"type": "array"},
                    "decisions": {"type": "array"},
                    "blockers": {"type": "array"},
                    "next_steps": {"type": "array"},
                }),
                &["format", "session"],
            )
        },
        run: |engine, args| {
            let a: SessionArg = parse(args)?;
            to_json(&ops::summarize(engine, a.session.as_deref())?)
        },
    },
    Tool {
        name: "compare",
        title: "Compare two trials",
        description: "Two sessions (trials of one task) side by side: each one's status, tasks, intent, \
objectives done, commits with their scope verdicts, checkpoints, active time and files changed, and the files \
that differ between their latest snapshots with lines added and removed. Changes nothing.",
        read_only: true,
        destructive: false,
        input: || {
            object(
                json!({
                    "a": text("The first trial: a session id, name or unique prefix (the diff's old side)."),
                    "b": text("The second trial (the diff's new side)."),
                }),
                &["a", "b"],
            )
        },
        output: || {
            object(
                json!({
                    "format": {"type": "integer"},
                    "a": {"type": "object", "description": "The first trial's numbers and commits."},
                    "b": {"type": "object", "description": "The second trial's."},
                    "diff": {"type": "object", "description": "from, to (trees), files [{path, status, binary, added, removed}], added, removed."},
                }),
                &["format", "a", "b", "diff"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                a: String,
                b: String,
            }
            let a: Args = parse(args)?;
            to_json(&ops::compare(
                engine,
                &ops::CompareInput {
                    a: a.a,
                    b: a.b,
                    format: ops::DiffFormat::Stat,
                    color: false,
                },
            )?)
        },
    },
    Tool {
        name: "context",
        title: "Onboarding brief",
        description: "The onboarding brief for whoever continues a session (call it when you start, resume or \
after a compaction): TL;DR, key decisions, what changed, recent commits, discoveries and the project's \
context files, within a character budget.",
        read_only: true,
        destructive: false,
        input: || {
            object(
                json!({
                    "session": session_arg(),
                    "max_chars": {"type": "integer", "minimum": 0, "description": "At most this many characters (default: session.contextLimit, else 10000)."},
                }),
                &[],
            )
        },
        output: || {
            object(
                json!({
                    "session": {"type": "string"},
                    "limit": {"type": "integer"},
                    "sections": {"type": "array", "items": {"type": "object"}},
                }),
                &["session", "limit", "sections"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                session: Option<String>,
                max_chars: Option<usize>,
            }
            let a: Args = parse(args)?;
            to_json(&ops::context(
                engine,
                &ContextInput {
                    session: a.session,
                    max_chars: a.max_chars,
                },
            )?)
        },
    },
    Tool {
        name: "plan_set",
        title: "Set the plan",
        description: "Set the plan the session works from: markdown, with its steps as a checklist (`- [ ] step`, checked `- [x] step`). Each call records a new version (the same text as the plan in force records nothing); `status`, `context` and a resume in another clone show it.",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "markdown": text("The plan, as markdown (at most 256 KiB)."),
                    "text": text("The same as markdown (give one of the two)."),
                }),
                &[],
            )
        },
        output: || {
            plan_recorded(
                "False: the plan was the one in force already; nothing was recorded.",
                json!({}),
                &[],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                markdown: Option<String>,
                text: Option<String>,
            }
            let a: Args = parse(args)?;
            let markdown = match (a.markdown, a.text) {
                (Some(m), None) | (None, Some(m)) => m,
                (Some(_), Some(_)) => return Err(fail("give markdown or text, not both")),
                (None, None) => return Err(fail("invalid arguments: give the plan as markdown")),
            };
            to_json(&ops::plan_set(
                engine,
                &ops::PlanSetInput {
                    markdown: markdown.into_bytes(),
                    source: Some("mcp".into()),
                },
            )?)
        },
    },
    Tool {
        name: "plan_done",
        title: "Check a step of the plan",
        description: "Check a step of the plan's checklist (or clear it with undone): a new version of the \
plan with that box changed. Name the step by its number (1-based, as plan_show numbers them) or a unique part \
of its text. A step already in that state records nothing (recorded is false).",
        read_only: false,
        destructive: false,
        input: || {
            object(
                json!({
                    "step": text("The step's number, or a unique part of its text (without case)."),
                    "undone": boolean("Clear the box instead of checking it."),
                }),
                &["step"],
            )
        },
        output: || {
            plan_recorded(
                "False: the step was in that state already; nothing was recorded.",
                json!({
                    "step": object(
                        json!({"number": {"type": "integer"}, "done": {"type": "boolean"}, "text": {"type": "string"}}),
                        &["number", "done", "text"],
                    ),
                }),
                &["step"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                step: String,
                #[serde(default)]
                undone: bool,
            }
            let a: Args = parse(args)?;
            to_json(&ops::plan_step(
                engine,
                &ops::PlanStepInput {
                    step: a.step,
                    done: !a.undone,
                    source: Some("mcp".into()),
                },
            )?)
        },
    },
    Tool {
        name: "plan_show",
        title: "Show the plan",
        description: "The plan the session works from: its markdown, its version and its checklist (each step numbered, done or not), the latest or the one in force at an event or version.",
        read_only: true,
        destructive: false,
        input: || {
            object(
                json!({
                    "at": text("The plan in force as of this event (id or commit prefix), or this version (`3`); default: the latest."),
                }),
                &[],
            )
        },
        output: || {
            object(
                json!({
                    "session": {"type": "string"},
                    "name": {"type": "string"},
                    "event": {"type": "string", "description": "The plan event that set it."},
                    "version": {"type": "integer"},
                    "title": {"type": "string"},
                    "done": {"type": "integer"},
                    "total": {"type": "integer"},
                    "markdown": {"type": "string"},
                    "steps": {"type": "array", "items": object(
                        json!({"number": {"type": "integer"}, "done": {"type": "boolean"}, "text": {"type": "string"}}),
                        &["number", "done", "text"],
                    )},
                }),
                &["session", "event", "version", "title", "done", "total", "markdown", "steps"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                at: Option<String>,
            }
            let a: Args = parse(args)?;
            to_json(&ops::plan_show(engine, &ops::PlanShowInput { at: a.at })?)
        },
    },
    Tool {
        name: "rewind",
        title: "Rewind the work tree",
        description: "Put the work tree back to a checkpoint, an intent, any snapshot or the start of the \
session, keeping changes that arrived from elsewhere. Without confirm: true it only reports what it \
would change; with it, it changes the files (undo takes it back).",
        read_only: false,
        destructive: true,
        input: || {
            object(
                json!({
                    "target": text("`start`, a checkpoint label, an intent, an event id (or its last digits) or an event commit prefix."),
                    "commits": {
                        "type": "string",
                        "enum": ["keep", "revert", "reset"],
                        "default": "keep",
                        "description": "The session's commits since the target: keep them, revert them, or reset the branch.",
                    },
                    "force": boolean("With commits reset: move the branch even over commits that are not the session's."),
                    "conflict_markers": boolean("Where the session's edits and changes from elsewhere touched the same lines, write both with conflict markers instead of stopping."),
                    "confirm": boolean("Really change the work tree (default: a dry run)."),
                }),
                &["target"],
            )
        },
        output: rewound,
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                target: String,
                #[serde(default)]
                commits: Commits,
                #[serde(default)]
                force: bool,
                #[serde(default)]
                conflict_markers: bool,
                #[serde(default)]
                confirm: bool,
            }
            #[derive(Deserialize, Default)]
            #[serde(rename_all = "lowercase")]
            enum Commits {
                #[default]
                Keep,
                Revert,
                Reset,
            }
            let a: Args = parse(args)?;
            let commits = match a.commits {
                Commits::Keep => CommitsMode::Keep,
                Commits::Revert => CommitsMode::Revert,
                Commits::Reset => CommitsMode::Reset,
            };
            to_json(&ops::rewind(
                engine,
                &ops::RewindInput {
                    target: a.target,
                    commits,
                    force: a.force,
                    conflict_markers: a.conflict_markers,
                    dry_run: !a.confirm,
                },
            )?)
        },
    },
    Tool {
        name: "undo",
        title: "Undo a rewind",
        description: "Take back the last rewind, restore or undo (or the one named). Without confirm: true it \
only reports what it would change.",
        read_only: false,
        destructive: true,
        input: || {
            object(
                json!({
                    "event": text("The rewind, restore or undo to take back: an event id (or its last digits) or an event commit prefix (default: the latest)."),
                    "confirm": boolean("Really change the work tree (default: a dry run)."),
                }),
                &[],
            )
        },
        output: rewound,
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                event: Option<String>,
                #[serde(default)]
                confirm: bool,
            }
            let a: Args = parse(args)?;
            to_json(&ops::undo(engine, a.event.as_deref(), !a.confirm)?)
        },
    },
    Tool {
        name: "list",
        title: "List sessions",
        description: "The sessions of this repository (open ones; all with all: true), oldest first.",
        read_only: true,
        destructive: false,
        input: || {
            object(
                json!({
                    "all": boolean("Include closed and abandoned sessions."),
                    "task": text("Only the sessions linked to this task (exact, case-sensitive)."),
                }),
                &[],
            )
        },
        output: || {
            object(
                json!({"sessions": {"type": "array", "items": object(json!({
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "status": {"type": "string"},
                    "current": {"type": "boolean"},
                }), &["id", "name", "status", "current"])}}),
                &["sessions"],
            )
        },
        run: |engine, args| {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Args {
                #[serde(default)]
                all: bool,
                task: Option<String>,
            }
            let a: Args = parse(args)?;
            // `--json` prints the array; structured content is an object.
            let listing = ops::list_task(engine, a.all, a.task.as_deref())?;
            Ok(json!({"sessions": to_json(&listing)?}))
        },
    },
    Tool {
        name: "log",
        title: "Session timeline",
        description: "The session's events, oldest first, each with the commit that records it (a name \
rewind accepts).",
        read_only: true,
        destructive: false,
        input: || object(json!({"session": session_arg()}), &[]),
        output: || {
            object(
                json!({"events": {"type": "array", "items": object(json!({
                    "commit": {"type": "string"},
                    "event": {"type": "object"},
                }), &["commit", "event"])}}),
                &["events"],
            )
        },
        run: |engine, args| {
            let a: SessionArg = parse(args)?;
            // `--json` prints the array; structured content is an object.
            Ok(json!({"events": to_json(&ops::log(engine, a.session.as_deref())?)?}))
        },
    },
];

/// The arguments of the tools that read one session.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionArg {
    session: Option<String>,
}

/// The tool named `name`.
pub(super) fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.name == name)
}

/// What `tools/list` shows.
pub(super) fn list() -> Vec<Value> {
    TOOLS
        .iter()
        .map(|t| {
            let mut input = (t.input)();
            // Arguments are parsed with `deny_unknown_fields`.
            input["additionalProperties"] = json!(false);
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": input,
                "outputSchema": (t.output)(),
                "annotations": {
                    "title": t.title,
                    "readOnlyHint": t.read_only,
                    "destructiveHint": t.destructive,
                    "idempotentHint": t.read_only,
                    "openWorldHint": false,
                },
            })
        })
        .collect()
}

/// Runs `tool` against the repository of the current directory: its
/// result, or the failure as a result with `isError` (the message, its
/// causes and the hint, as the command line prints them). Warnings are
/// printed on stderr and given to the model too, after the result.
pub(super) fn call(tool: &Tool, arguments: Map<String, Value>) -> Value {
    let warnings = Rc::new(RefCell::new(Vec::new()));
    let outcome = open(Rc::clone(&warnings)).and_then(|engine| (tool.run)(&engine, arguments));
    let mut content = Vec::new();
    let mut result = Map::new();
    match outcome {
        Ok(value) => {
            let value = match value {
                Value::Object(map) => Value::Object(map),
                // Before 2026-07-28 structured content must be an object.
                other => json!({ "result": other }),
            };
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            content.push(json!({"type": "text", "text": text}));
            result.insert("structuredContent".into(), value);
            result.insert("isError".into(), json!(false));
        }
        Err(err) => {
            content.push(json!({"type": "text", "text": describe(&err)}));
            result.insert("isError".into(), json!(true));
        }
    }
    for warning in warnings.borrow().iter() {
        content.push(json!({"type": "text", "text": format!("warning: {warning}")}));
    }
    result.insert("content".into(), Value::Array(content));
    Value::Object(result)
}

/// The engine on the current directory, acting on the session bound to the
/// agent's session (`CLAUDE_CODE_SESSION_ID`) when one is, else on the work
/// tree's current session. Warnings go to stderr and into `warnings`.
fn open(warnings: Rc<RefCell<Vec<String>>>) -> Result<Engine> {
    let sink: Rc<dyn Fn(&str)> = Rc::new(move |text: &str| {
        eprintln!("warning: {}", crate::render::esc(text));
        warnings.borrow_mut().push(text.to_owned());
    });
    let options = |session: Option<String>| Options {
        session,
        progress: false,
        warnings: Rc::clone(&sink),
    };
    let engine = Engine::open(Path::new("."), options(None))?;
    let Some(agent) = claude_session() else {
        return Ok(engine);
    };
    match ops::agent_session(&engine, "claude", &agent)? {
        Some(session) => Engine::open(Path::new("."), options(Some(session.to_string()))),
        None => Ok(engine),
    }
}

/// The Claude Code session that started this server (`CLAUDE_CODE_SESSION_ID`).
fn claude_session() -> Option<String> {
    let id = std::env::var("CLAUDE_CODE_SESSION_ID").ok()?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// An error as the command line prints it: `error: …`, its causes, `hint: …`.
fn describe(err: &anyhow::Error) -> String {
    let mut text = format!("error: {err}");
    for cause in err.chain().skip(1) {
        if cause.downcast_ref::<UserError>().is_none() {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    let user = err.chain().find_map(|e| e.downcast_ref::<UserError>());
    if let Some(hint) = user.and_then(|u| u.hint.as_deref()) {
        text.push_str(&format!("\nhint: {hint}"));
    }
    text
}

/// The tool's arguments as `T`, or a failure naming what is wrong with them.
fn parse<T: DeserializeOwned>(arguments: Map<String, Value>) -> Result<T> {
    serde_json::from_value(Value::Object(arguments)).map_err(|err| fail(format!("invalid arguments: {err}")))
}

fn no_arguments(arguments: Map<String, Value>) -> Result<()> {
    match arguments.keys().next() {
        Some(key) => Err(fail(format!("invalid arguments: this tool takes none (got `{key}`)"))),
        None => Ok(()),
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<Value> {
    Ok(serde_json::to_value(value)?)
}

/// `landed` with the objective or blocker an event was about.
fn with_item(mut landed: Value, key: &str, item: &crate::session::Item) -> Result<Value> {
    if let Value::Object(map) = &mut landed {
        map.insert(key.into(), to_json(item)?);
    }
    Ok(landed)
}

/// The schema of an object with these properties, these required.
fn object(properties: Value, required: &[&str]) -> Value {
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn boolean(description: &str) -> Value {
    json!({"type": "boolean", "default": false, "description": description})
}

fn session_arg() -> Value {
    text("Session id, name, or a unique prefix of either (default: the current one).")
}

/// What `plan_set` and `plan_done` return: the session, whether a version
/// was recorded (`unrecorded` says what `false` means), the plan in force,
/// and `extra` properties (`required` among them).
fn plan_recorded(unrecorded: &str, extra: Value, required: &[&str]) -> Value {
    let mut properties = json!({
        "session": {"type": "string", "description": "The session's id."},
        "name": {"type": "string"},
        "commit": {"type": "string", "description": "The session's head commit."},
        "recorded": {"type": "boolean", "description": unrecorded},
        "plan": plan_state(),
        "event": {"type": "object", "description": "The plan event recorded."},
    });
    if let (Some(all), Value::Object(more)) = (properties.as_object_mut(), extra) {
        all.extend(more);
    }
    let mut needed = vec!["session", "name", "commit", "recorded", "plan"];
    needed.extend_from_slice(required);
    object(properties, &needed)
}

/// The plan in force as the header keeps it (`PlanState`).
fn plan_state() -> Value {
    object(
        json!({
            "id": {"type": "string", "description": "The plan event that set it."},
            "version": {"type": "integer"},
            "title": {"type": "string"},
            "done": {"type": "integer"},
            "total": {"type": "integer"},
            "blob": {"type": "string", "description": "The plan.md blob."},
        }),
        &["id", "version", "title", "done", "total"],
    )
}

fn item() -> Value {
    object(
        json!({"id": {"type": "string"}, "text": {"type": "string"}}),
        &["id", "text"],
    )
}

/// The result of the operations that record events (`ops::Landed`), with `extra` properties.
fn landed(extra: Value) -> Value {
    let mut properties = json!({
        "session": {"type": "string", "description": "The session's id."},
        "name": {"type": "string"},
        "commit": {"type": "string", "description": "The session's head commit after the append."},
        "events": {"type": "array", "items": {"type": "object"}, "description": "The events recorded."},
    });
    if let (Value::Object(p), Value::Object(extra)) = (&mut properties, extra) {
        p.extend(extra);
    }
    object(properties, &["session", "name", "commit", "events"])
}

/// The result of `rewind` and `undo` (`ops::Rewound`).
fn rewound() -> Value {
    let paths = json!({"type": "array", "items": {"type": "string"}});
    object(
        json!({
            "operation": {"type": "string"},
            "what": {"type": "string"},
            "dry_run": {"type": "boolean"},
            "session": {"type": "string"},
            "event": {"type": "object"},
            "write": paths,
            "add": paths,
            "remove": paths,
            "skipped": {"type": "array"},
        }),
        &["operation", "what", "dry_run", "write", "add", "remove"],
    )
}
