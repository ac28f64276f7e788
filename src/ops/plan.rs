//! The plan a session works from (`git session plan`, the MCP tools
//! `plan_set` and `plan_show`, the plans coding agents write through their
//! hooks). Each version is a `plan` event whose attachment `plan.md` holds
//! the markdown, so the history of the plan is the event log and it
//! travels with push, fetch and handoff like every event. The header keeps
//! the plan in force (`SessionHeader::plan`).
//!
//! A plan the same as the one in force records nothing; `plan done` of a
//! step already checked records nothing either (the result says so, and it
//! is no error).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Engine;
use crate::error::{fail, fail_with_hint};
use crate::session::event::PlanSet;
use crate::session::plan::{self, PlanExcerpt, PlanState, Step, MAX_PLAN, PLAN_FILE};
use crate::session::{text, Body, Event, EventKind, SessionId};
use crate::store::{SessionHead, StoredEvent, Target};
use crate::summary::plan::{plan_excerpt, plan_markdown, EXCERPT_CHARS, EXCERPT_LINES};

/// How many open steps `status` lists.
const NEXT_STEPS: usize = 3;

/// A plan to set.
#[derive(Clone, Debug, Default)]
pub struct PlanSetInput {
    /// The markdown, as read (checked here: not empty, UTF-8, at most 256 KiB).
    pub markdown: Vec<u8>,
    /// Who sets it: `cli`, `mcp`, `claude`, …
    pub source: Option<String>,
}

/// A plan recorded, or found the same as the one in force.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanRecorded {
    pub session: SessionId,
    pub name: String,
    /// The session's head commit.
    pub commit: String,
    /// False when nothing was recorded: the plan was the one in force, or
    /// the step was already in the state asked for.
    pub recorded: bool,
    /// The plan in force now.
    pub plan: PlanState,
    /// The `plan` event recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// `plan done`/`plan undone`: the step, as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
}

/// Sets the plan of the target session.
pub fn plan_set(engine: &Engine, input: &PlanSetInput) -> Result<PlanRecorded> {
    let markdown = checked_markdown(&input.markdown)?;
    let target = engine.target()?;
    record_plan(engine, &target, markdown, input.source.clone(), None)
}

/// The markdown of a plan to set, refused (nothing recorded) when it is
/// empty, too large, not UTF-8 or binary.
pub(super) fn checked_markdown(bytes: &[u8]) -> Result<String> {
    if bytes.len() > MAX_PLAN {
        return Err(fail(format!(
            "the plan is {} KiB, more than the {} KiB a plan may have; nothing was recorded",
            bytes.len().div_ceil(1024),
            MAX_PLAN / 1024
        )));
    }
    let markdown = std::str::from_utf8(bytes).map_err(|err| {
        fail(format!(
            "the plan is not UTF-8 text (a bad byte at offset {}); nothing was recorded",
            err.valid_up_to()
        ))
    })?;
    if markdown.contains('\0') {
        return Err(fail(
            "the plan holds a NUL byte, so it is not text; nothing was recorded",
        ));
    }
    if markdown.trim().is_empty() {
        return Err(fail("the plan is empty; nothing was recorded"));
    }
    Ok(markdown.to_owned())
}

/// Records `markdown` as the next version of `target`'s plan, unless it is
/// the plan in force.
pub(super) fn record_plan(
    engine: &Engine,
    target: &Target,
    markdown: String,
    source: Option<String>,
    step: Option<Step>,
) -> Result<PlanRecorded> {
    let header = &target.head.header;
    if let Some(current) = &header.plan {
        // A plan in force that cannot be read is simply replaced.
        if plan_markdown(&engine.store, current).is_ok_and(|m| m == markdown) {
            return Ok(unchanged(&target.head, current.clone(), step));
        }
    }
    let version = header.plan.as_ref().map_or(0, |p| p.version).saturating_add(1);
    let (done, total) = plan::counts(&plan::checklist(&markdown));
    let mut event = engine.event(Body::Plan(PlanSet {
        text: plan::title(&markdown),
        version,
        done,
        total,
        step: step.as_ref().map(|s| text::cut(&s.text, 300)),
        source,
    }))?;
    event
        .attachments
        .insert(PLAN_FILE.into(), engine.store.write_blob(markdown.as_bytes())?);
    let (head, events) = engine.store.record(target, vec![event])?;
    let state = head
        .header
        .plan
        .clone()
        .context("the plan just recorded is not in the session's header")?;
    Ok(PlanRecorded {
        session: head.id.clone(),
        name: head.header.name.clone(),
        commit: head.commit.to_string(),
        recorded: true,
        plan: state,
        event: events.into_iter().next(),
        step,
    })
}

fn unchanged(head: &SessionHead, state: PlanState, step: Option<Step>) -> PlanRecorded {
    PlanRecorded {
        session: head.id.clone(),
        name: head.header.name.clone(),
        commit: head.commit.to_string(),
        recorded: false,
        plan: state,
        event: None,
        step,
    }
}

/// Which step to check or clear.
#[derive(Clone, Debug)]
pub struct PlanStepInput {
    /// Its number (1-based) or a unique part of its text (without case).
    pub step: String,
    /// Check it (`plan done`) or clear it (`plan undone`).
    pub done: bool,
    pub source: Option<String>,
}

/// Checks (or clears) one checklist item of the plan in force: a new
/// version with that box changed and `step` set. A step already in that
/// state records nothing.
pub fn plan_step(engine: &Engine, input: &PlanStepInput) -> Result<PlanRecorded> {
    let target = engine.target()?;
    let state = in_force(&target.head)?;
    let markdown = plan_markdown(&engine.store, &state)?;
    let steps = plan::checklist(&markdown);
    if steps.is_empty() {
        return Err(fail_with_hint(
            format!("the plan of '{}' has no checklist", target.head.header.name),
            "write its steps as `- [ ] step` and set it again with `git session plan set FILE`",
        ));
    }
    let step = match plan::find_step(&steps, &input.step, input.done) {
        Ok(step) => step.clone(),
        Err(many) if many.is_empty() => {
            return Err(fail_with_hint(
                format!(
                    "no step of the plan is '{}' (it has {} steps)",
                    input.step.trim(),
                    steps.len()
                ),
                "`git session plan show` lists them; name one by its number or a part of its text",
            ))
        }
        Err(many) => {
            let list: Vec<String> = many.iter().map(|s| format!("  {}", step_line(s))).collect();
            return Err(fail_with_hint(
                format!(
                    "'{}' matches {} steps of the plan:\n{}",
                    input.step.trim(),
                    many.len(),
                    list.join("\n")
                ),
                "name the step by its number",
            ));
        }
    };
    let changed = Step {
        done: input.done,
        ..step.clone()
    };
    if step.done == input.done {
        return Ok(unchanged(&target.head, state, Some(changed)));
    }
    let markdown = plan::with_step(&markdown, &step, input.done);
    record_plan(engine, &target, markdown, input.source.clone(), Some(changed))
}

/// `2. [x] write docs`
pub fn step_line(step: &Step) -> String {
    let mark = if step.done { 'x' } else { ' ' };
    format!("{}. [{mark}] {}", step.number, step.text)
}

/// The plan in force of `head`, or the refusal that says how to set one.
fn in_force(head: &SessionHead) -> Result<PlanState> {
    head.header.plan.clone().ok_or_else(|| no_plan(head))
}

fn no_plan(head: &SessionHead) -> anyhow::Error {
    fail_with_hint(
        format!("session '{}' has no plan", head.header.name),
        "set one with `git session plan set FILE` (or `-` for stdin)",
    )
}

/// Which plan to show.
#[derive(Clone, Debug, Default)]
pub struct PlanShowInput {
    /// The plan in force as of this event (an event id or commit prefix,
    /// any kind), or this version (`3`, `v3`); default: the latest.
    pub at: Option<String>,
}

/// A plan, whole.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanShown {
    pub session: SessionId,
    pub name: String,
    /// The `plan` event that set it.
    pub event: crate::session::EventId,
    pub version: u64,
    pub title: String,
    /// Checked and all checklist items, counted in the markdown.
    pub done: u64,
    pub total: u64,
    pub markdown: String,
    pub steps: Vec<Step>,
}

/// The plan of the target session: the one in force, or the one in force
/// as of an event or a version.
pub fn plan_show(engine: &Engine, input: &PlanShowInput) -> Result<PlanShown> {
    let head = engine.target()?.head;
    let state = match input.at.as_deref() {
        None => in_force(&head)?,
        Some(spec) => {
            let events = engine.store.events(&head)?;
            plan_state(&events[..=plan_at(&head, &events, spec)?])
        }
    };
    let markdown = plan_markdown(&engine.store, &state)?;
    let steps = plan::checklist(&markdown);
    let (done, total) = plan::counts(&steps);
    Ok(PlanShown {
        session: head.id.clone(),
        name: head.header.name.clone(),
        event: state.id,
        version: state.version,
        title: plan::title(&markdown),
        done,
        total,
        markdown,
        steps,
    })
}

/// The state of the last `plan` event of `events` (which must hold one).
fn plan_state(events: &[StoredEvent]) -> PlanState {
    let stored = events
        .iter()
        .rev()
        .find(|e| e.event.known_kind() == Some(EventKind::Plan))
        .expect("the events end with a plan event");
    let (version, title, done, total) = match &stored.event.body {
        Body::Plan(p) => (p.version, text::cut(&p.text, 300), p.done.min(p.total), p.total),
        _ => (0, String::new(), 0, 0),
    };
    PlanState {
        id: stored.event.id.clone(),
        version,
        title,
        done,
        total,
        blob: stored.event.attachments.get(PLAN_FILE).cloned(),
    }
}

/// The index in `events` of the `plan` event in force as of `spec`: a
/// version (`3`, `v3`: its latest event) or any event (the last plan event
/// at or before it).
fn plan_at(head: &SessionHead, events: &[StoredEvent], spec: &str) -> Result<usize> {
    let spec = spec.trim();
    let is_plan = |e: &StoredEvent| e.event.known_kind() == Some(EventKind::Plan);
    let digits = spec.strip_prefix(['v', 'V']).unwrap_or(spec);
    if !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let version: u64 = digits.parse().unwrap_or(0);
        return events
            .iter()
            .rposition(|e| matches!(&e.event.body, Body::Plan(p) if p.version == version))
            .ok_or_else(|| {
                let latest = head.header.plan.as_ref().map_or(0, |p| p.version);
                fail_with_hint(
                    format!("the plan of '{}' has no version {version}", head.header.name),
                    format!("its versions go from 1 to {latest}; `git session log` shows the plan events"),
                )
            });
    }
    let at = crate::rewind::target::find_event(events, spec)?;
    let index = events
        .iter()
        .position(|e| e.commit == at.commit)
        .context("the event found is not in the log")?;
    events[..=index].iter().rposition(is_plan).ok_or_else(|| {
        fail_with_hint(
            format!("the session had no plan yet at event '{spec}'"),
            "`git session log` shows when the plan was set",
        )
    })
}

/// Which versions to compare.
#[derive(Clone, Debug, Default)]
pub struct PlanDiffInput {
    /// The older plan (a version or an event, as for `plan show --at`);
    /// default: the version before `to`.
    pub from: Option<String>,
    /// The newer plan; default: the one in force.
    pub to: Option<String>,
    pub color: bool,
}

/// One side of a plan diff.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanVersion {
    pub event: crate::session::EventId,
    pub version: u64,
}

/// The difference between two versions of the plan.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanDiff {
    /// `null`: `to` is the first plan, compared with nothing.
    pub from: Option<PlanVersion>,
    pub to: PlanVersion,
    /// The unified diff of `plan.md`, as `git diff` prints it (empty when
    /// the two are the same).
    pub patch: String,
    /// The patch has colours (asked for, and neither plan holds control
    /// characters): print it as it is; else escape it.
    #[serde(skip)]
    pub colored: bool,
}

/// The difference between two versions of the target session's plan,
/// as a `git diff` of `plan.md`.
pub fn plan_diff(engine: &Engine, input: &PlanDiffInput) -> Result<PlanDiff> {
    let head = engine.target()?.head;
    if head.header.plan.is_none() {
        return Err(no_plan(&head));
    }
    let events = engine.store.events(&head)?;
    let is_plan = |e: &StoredEvent| e.event.known_kind() == Some(EventKind::Plan);
    let to = match input.to.as_deref() {
        Some(spec) => plan_at(&head, &events, spec)?,
        None => events.iter().rposition(is_plan).ok_or_else(|| no_plan(&head))?,
    };
    let from = match input.from.as_deref() {
        Some(spec) => Some(plan_at(&head, &events, spec)?),
        None => events[..to].iter().rposition(is_plan),
    };
    let to = plan_state(&events[..=to]);
    let from = from.map(|i| plan_state(&events[..=i]));
    // Both sides are read first: bounded, and a clear error for a blob
    // that is missing or not text. Colours only for plans without control
    // characters: the front end prints a coloured patch as it is and
    // escapes a plain one.
    let safe = |markdown: String| matches!(text::escape_controls(&markdown), std::borrow::Cow::Borrowed(_));
    let mut color = safe(plan_markdown(&engine.store, &to)?) && input.color;
    if let Some(from) = &from {
        color &= safe(plan_markdown(&engine.store, from)?);
    }
    let opts = crate::diff::DiffOptions {
        color,
        ..crate::diff::DiffOptions::default()
    };
    let mut patch = Vec::new();
    engine
        .store
        .write_blob_diff(
            PLAN_FILE,
            from.as_ref().and_then(|f| f.blob.as_ref()),
            to.blob.as_ref(),
            &opts,
            &mut patch,
        )
        .context("cannot compare the plans")?;
    let version = |s: &PlanState| PlanVersion {
        event: s.id.clone(),
        version: s.version,
    };
    Ok(PlanDiff {
        from: from.as_ref().map(version),
        to: version(&to),
        patch: String::from_utf8_lossy(&patch).into_owned(),
        colored: color,
    })
}

/// The plan in force of `head`, bounded, for `status`, `resume` and `context`.
pub(super) fn excerpt(engine: &Engine, head: &SessionHead) -> Option<PlanExcerpt> {
    let state = head.header.plan.as_ref()?;
    Some(plan_excerpt(
        &engine.store,
        state,
        EXCERPT_LINES,
        EXCERPT_CHARS,
        NEXT_STEPS,
    ))
}

/// Where `resume --plan-file` writes the plan, checked before the resume
/// changes anything: `path` (relative to the engine's directory) must not
/// exist, or hold the plan already.
pub(super) struct PlanFile {
    path: PathBuf,
    markdown: String,
}

/// Checks that the plan of `head` can be written to `path`; `None` (with a
/// warning) when the session has no plan or it cannot be read.
pub(super) fn plan_file(engine: &Engine, head: &SessionHead, path: &Path) -> Result<Option<PlanFile>> {
    let Some(state) = &head.header.plan else {
        engine.warn(&format!(
            "session '{}' has no plan, so {} was not written",
            head.header.name,
            path.display()
        ));
        return Ok(None);
    };
    let markdown = match plan_markdown(&engine.store, state) {
        Ok(m) => m,
        Err(err) => {
            engine.warn(&format!("{err:#}, so {} was not written", path.display()));
            return Ok(None);
        }
    };
    let file = PlanFile {
        path: engine.cwd().join(path),
        markdown,
    };
    file.check()?;
    Ok(Some(file))
}

impl PlanFile {
    /// Refuses a path that holds something other than the plan.
    fn check(&self) -> Result<()> {
        let parent = self.path.parent().filter(|p| !p.as_os_str().is_empty());
        if parent.is_some_and(|p| !p.is_dir()) {
            return Err(fail(format!(
                "cannot write the plan to {}: no such directory; nothing was changed",
                self.path.display()
            )));
        }
        match std::fs::symlink_metadata(&self.path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(fail(format!("cannot look at {}: {err}", self.path.display()))),
            Ok(meta) if meta.is_file() && std::fs::read(&self.path).is_ok_and(|b| b == self.markdown.as_bytes()) => {
                Ok(())
            }
            Ok(_) => Err(fail_with_hint(
                format!(
                    "{} exists and is not the session's plan; nothing was changed",
                    self.path.display()
                ),
                "name another path with `--plan-file PATH`",
            )),
        }
    }

    /// Writes the plan (after the resume); returns the path written.
    pub(super) fn write(&self) -> Result<String> {
        self.check()?;
        std::fs::write(&self.path, self.markdown.as_bytes())
            .with_context(|| format!("cannot write the plan to {}", self.path.display()))?;
        Ok(self.path.display().to_string())
    }
}
