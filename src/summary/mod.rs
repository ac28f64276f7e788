//! `git session summarize`: a session folded into one dense description.
//!
//! [`fold`] walks the event log once (no git here) into a [`Summary`]; the
//! files and functions section is added by [`files_changed`] from the
//! changed lines between the base and the latest snapshot, which
//! `render::diff::changed_lines` computes with gix. [`functions`] names the
//! functions those lines are in.
//!
//! Every text item is cut to [`MAX_TEXT`] characters (with `…`): a summary
//! of a session with a 5 MB note stays readable. Nothing is dropped: events
//! of kinds this version does not know are listed raw in `other_events`.

mod brief;
pub(crate) mod functions;
pub(crate) mod plan;
mod text;
mod verdicts;

pub(crate) use brief::{brief, Brief};
pub(crate) use text::{summary_markdown, summary_text};
pub(crate) use verdicts::{counts_words, verdict_words, verdicts};
pub(crate) use verdicts::{Verdict, VerdictCounts, VerdictKind};

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use anyhow::Result;

use crate::diff::ChangedFile;
use crate::session::{Body, Event, EventId, SessionHeader, SessionId, Timestamp};
use crate::store::{SessionHead, Store};
use functions::{FunctionChange, Language};

/// Texts in a summary are cut to this many characters.
pub(crate) const MAX_TEXT: usize = 300;

/// The JSON document `git session summarize --format json` prints (schema
/// version 1; fields are only ever added).
///
/// ```text
/// {
///   "format": 1,
///   "session": {"id", "name", "status", "branch"|null},
///   "tasks": [task id],        the tasks it works on (`start --task`)
///   "started": RFC 3339|null, "ended": RFC 3339|null,   first and last event time
///   "duration_secs": n,        ended − started
///   "active_secs": n,          sum of the gaps between consecutive events, each capped at 1800
///   "events": n,               events in the log
///   "objectives":  [{"id", "time", "text", "done": bool, "done_time"|null, "done_text"|null}],
///   "intents":     [{"id", "time", "text"}],           in order (the start intent first)
///   "checkpoints": [{"id", "time", "text"}],           text is the label
///   "commits":     [{"id", "time", "commit", "short", "subject", "rewrites": [commit],  a rewrite replaces what it rewrote
///                    "verdict": {"verdict": "consistent"|"flagged"|"unresolved", "intent": event id|null,
///                                "scope": [pathspec], "outside": [path], "outside_count": n, "reason"}}],
///   "verdicts":    {"consistent": n, "flagged": n, "unresolved": n},   over "commits"
///   "decisions":   [{"id", "time", "text", "rationale"|null, "alternatives": [text]}],
///   "discoveries": [{"id", "time", "text"}],
///   "blockers":    [{"id", "time", "text", "resolved": bool, "resolved_time"|null, "resolution"|null}],
///   "next_steps":  [{"id", "time", "text"}],           no event closes a next step: all are open
///   "notes":       [{"id", "time", "text"}],
///   "progress":    [{"id", "time", "text"}],
///   "rewinds":     [{"id", "time", "kind": "rewind"|"restore"|"undo", "text"}],
///   "handoffs":    [{"id", "time", "text", "to"|null, "by"}],
///   "other_events": [event.json as written, strings cut],   kinds this version does not know
///   "base_snapshot": tree id|null, "latest_snapshot": tree id|null,
///   "files": null (no snapshot yet) | [{
///       "path", "status": "A"|"D"|"M"|"T", "binary": bool,
///       "added": n, "removed": n,      as git diff --numstat base latest (0 for binary)
///       "functions": [{"name", "change": "modified"|"added"|"removed"}]
///   }]
/// }
/// ```
///
/// Ids are event ids; times are RFC 3339 as recorded; texts are at most
/// [`MAX_TEXT`] characters.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub format: u32,
    pub session: SessionRef,
    /// The tasks the session works on (`start --task`).
    pub tasks: Vec<String>,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    pub duration_secs: u64,
    pub active_secs: u64,
    pub events: u64,
    pub objectives: Vec<Objective>,
    pub intents: Vec<Entry>,
    pub checkpoints: Vec<Entry>,
    pub commits: Vec<Commit>,
    /// How many of `commits` stayed inside their intent's scope.
    pub verdicts: VerdictCounts,
    pub decisions: Vec<Decision>,
    pub discoveries: Vec<Entry>,
    pub blockers: Vec<Blocker>,
    pub next_steps: Vec<Entry>,
    pub notes: Vec<Entry>,
    /// What people asked a coding agent (recorded by agent hooks, redacted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Entry>,
    pub progress: Vec<Entry>,
    pub rewinds: Vec<Rewind>,
    pub handoffs: Vec<Handoff>,
    pub other_events: Vec<Value>,
    pub base_snapshot: Option<String>,
    pub latest_snapshot: Option<String>,
    pub files: Option<Vec<FileSummary>>,
    /// The plan in force (the header's): event, version, title, counts, blob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::session::plan::PlanState>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SessionRef {
    pub id: SessionId,
    pub name: String,
    pub status: String,
    pub branch: Option<String>,
}

/// An intent, checkpoint, note, discovery, next step or progress report.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: EventId,
    pub time: Timestamp,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    pub id: EventId,
    pub time: Timestamp,
    pub text: String,
    pub done: bool,
    pub done_time: Option<Timestamp>,
    pub done_text: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Commit {
    pub id: EventId,
    pub time: Timestamp,
    pub commit: String,
    pub short: String,
    pub subject: String,
    /// The earlier versions this commit rewrote (amend, rebase,
    /// cherry-pick), newest first; they are not listed on their own.
    pub rewrites: Vec<String>,
    /// Whether it stayed inside its intent's scope (`None` only before
    /// [`summarize`] judged it).
    pub verdict: Option<Verdict>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub id: EventId,
    pub time: Timestamp,
    pub text: String,
    pub rationale: Option<String>,
    pub alternatives: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Blocker {
    pub id: EventId,
    pub time: Timestamp,
    pub text: String,
    pub resolved: bool,
    pub resolved_time: Option<Timestamp>,
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rewind {
    pub id: EventId,
    pub time: Timestamp,
    pub kind: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Handoff {
    pub id: EventId,
    pub time: Timestamp,
    pub text: String,
    pub to: Option<String>,
    pub by: String,
}

/// A file changed between the base and the latest snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub status: String,
    pub binary: bool,
    pub added: u64,
    pub removed: u64,
    pub functions: Vec<FunctionSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionSummary {
    pub name: String,
    pub change: FunctionChange,
}

impl Summary {
    /// Whether any commit was made under an intent that declared a scope
    /// (the text forms show the Scope section only then).
    pub(crate) fn any_scope(&self) -> bool {
        self.commits
            .iter()
            .any(|c| c.verdict.as_ref().is_some_and(|v| !v.scope.is_empty()))
    }
}

/// `text` cut to [`MAX_TEXT`] characters, with `…` when something was cut.
pub(crate) fn cut(text: &str) -> String {
    crate::session::text::cut(text, MAX_TEXT)
}

/// Folds a session's events (in log order) and its header into a summary
/// without the files section (see [`files_changed`]).
pub(crate) fn fold(header: &SessionHeader, events: &[Event]) -> Summary {
    let mut s = Summary {
        format: 1,
        session: SessionRef {
            id: header.id.clone(),
            name: header.name.clone(),
            status: header.status.as_str().to_owned(),
            branch: header.branch.clone(),
        },
        tasks: header.tasks.clone(),
        started: None,
        ended: None,
        duration_secs: 0,
        active_secs: 0,
        events: events.len() as u64,
        objectives: Vec::new(),
        intents: Vec::new(),
        checkpoints: Vec::new(),
        commits: Vec::new(),
        verdicts: VerdictCounts::default(),
        decisions: Vec::new(),
        discoveries: Vec::new(),
        blockers: Vec::new(),
        next_steps: Vec::new(),
        notes: Vec::new(),
        prompts: Vec::new(),
        progress: Vec::new(),
        rewinds: Vec::new(),
        handoffs: Vec::new(),
        other_events: Vec::new(),
        base_snapshot: header.base_snapshot.as_ref().map(ToString::to_string),
        latest_snapshot: header.latest_snapshot.as_ref().map(ToString::to_string),
        files: None,
        plan: header.plan.clone(),
    };
    // The first and the last event time.
    let mut first: Option<&Timestamp> = None;
    let mut last: Option<&Timestamp> = None;
    let mut previous: Option<i64> = None;
    // Where each objective and blocker is, by event id.
    let mut objectives: HashMap<&str, usize> = HashMap::new();
    let mut blockers: HashMap<&str, usize> = HashMap::new();
    for event in events {
        let t = event.time.seconds();
        if first.is_none_or(|f| t < f.seconds()) {
            first = Some(&event.time);
        }
        if last.is_none_or(|l| t >= l.seconds()) {
            last = Some(&event.time);
        }
        if let Some(p) = previous {
            s.active_secs += crate::session::active_gap(p, t);
        }
        previous = Some(t);
        let id = || event.id.clone();
        let time = || event.time.clone();
        let entry = || Entry {
            id: id(),
            time: time(),
            text: cut(event.text().unwrap_or("")),
        };
        match &event.body {
            Body::Start(start) => {
                if start.text.as_deref().is_some_and(|t| !t.is_empty()) {
                    s.intents.push(entry());
                }
            }
            Body::Intent(_) => s.intents.push(entry()),
            Body::Prompt(p) => {
                if p.intent {
                    s.intents.push(entry());
                }
                s.prompts.push(entry());
            }
            Body::Checkpoint(_) => s.checkpoints.push(entry()),
            Body::Note(_) => s.notes.push(entry()),
            Body::Discovery(_) => s.discoveries.push(entry()),
            Body::Next(_) => s.next_steps.push(entry()),
            Body::Progress(_) => s.progress.push(entry()),
            Body::Decision(d) => s.decisions.push(Decision {
                id: id(),
                time: time(),
                text: cut(&d.text),
                rationale: d.rationale.as_deref().map(cut),
                alternatives: d.alternatives.iter().map(|a| cut(a)).collect(),
            }),
            Body::Objective(o) => {
                objectives.insert(event.id.as_str(), s.objectives.len());
                s.objectives.push(Objective {
                    id: id(),
                    time: time(),
                    text: cut(&o.text),
                    done: false,
                    done_time: None,
                    done_text: None,
                });
            }
            Body::ObjectiveDone(done) => {
                let text = Some(done.text.as_str()).filter(|t| !t.is_empty()).map(cut);
                let at = done.objective.as_ref().and_then(|id| objectives.get(id.as_str()));
                match at {
                    Some(&i) => {
                        let o = &mut s.objectives[i];
                        o.done = true;
                        o.done_time = Some(time());
                        o.done_text = text;
                    }
                    // Its objective is not in this log (cut off by a fork):
                    // still a done objective.
                    None => s.objectives.push(Objective {
                        id: done.objective.clone().unwrap_or_else(id),
                        time: time(),
                        text: text.clone().unwrap_or_default(),
                        done: true,
                        done_time: Some(time()),
                        done_text: text,
                    }),
                }
            }
            Body::Blocker(b) => {
                blockers.insert(event.id.as_str(), s.blockers.len());
                s.blockers.push(Blocker {
                    id: id(),
                    time: time(),
                    text: cut(&b.text),
                    resolved: false,
                    resolved_time: None,
                    resolution: None,
                });
            }
            Body::BlockerResolved(resolved) => {
                let text = Some(resolved.text.as_str()).filter(|t| !t.is_empty()).map(cut);
                let at = resolved.resolves.as_ref().and_then(|id| blockers.get(id.as_str()));
                match at {
                    Some(&i) => {
                        let b = &mut s.blockers[i];
                        b.resolved = true;
                        b.resolved_time = Some(time());
                        b.resolution = text;
                    }
                    None => s.blockers.push(Blocker {
                        id: resolved.resolves.clone().unwrap_or_else(id),
                        time: time(),
                        text: text.clone().unwrap_or_default(),
                        resolved: true,
                        resolved_time: Some(time()),
                        resolution: text,
                    }),
                }
            }
            Body::Commit(c) => {
                let commit = c.commit.as_ref().map(ToString::to_string).unwrap_or_default();
                // A rewrite takes the place of what it rewrote.
                let mut rewrites = Vec::new();
                if let Some(old) = &c.rewritten_from {
                    if let Some(at) = s.commits.iter().position(|x| x.commit == old.as_str()) {
                        let replaced = s.commits.remove(at);
                        rewrites.push(replaced.commit);
                        rewrites.extend(replaced.rewrites);
                    } else {
                        rewrites.push(old.to_string());
                    }
                }
                s.commits.push(Commit {
                    id: id(),
                    time: time(),
                    short: crate::session::text::prefix(&commit, 12).to_owned(),
                    commit,
                    subject: cut(&c.subject),
                    rewrites,
                    verdict: None,
                });
            }
            Body::Rewind(_) | Body::Restore(_) | Body::Undo(_) => s.rewinds.push(Rewind {
                id: id(),
                time: time(),
                kind: event.kind().to_owned(),
                text: cut(&event.summary()),
            }),
            Body::Handoff(h) => s.handoffs.push(Handoff {
                id: id(),
                time: time(),
                text: cut(h.text.as_deref().unwrap_or("")),
                to: h.to.as_deref().map(cut),
                by: event.author.to_string(),
            }),
            Body::Unknown(_) => s.other_events.push(raw(event)),
            Body::Fork(_)
            | Body::Plan(_)
            | Body::Arrived(_)
            | Body::Snapshot(_)
            | Body::Branch(_)
            | Body::Pause
            | Body::Resume(_)
            | Body::Rename(_)
            | Body::Close(_)
            | Body::Merge(_)
            | Body::Attach
            | Body::Claim(_) => {}
        }
    }
    if let (Some(from), Some(to)) = (first, last) {
        s.started = Some(from.clone());
        s.ended = Some(to.clone());
        s.duration_secs = (to.seconds() - from.seconds()).max(0) as u64;
    }
    s
}

/// An event of an unknown kind as written, with every string cut.
fn raw(event: &Event) -> Value {
    fn cut_strings(value: &mut Value) {
        match value {
            Value::String(s) if s.chars().nth(MAX_TEXT).is_some() => *s = cut(s),
            Value::Array(items) => items.iter_mut().for_each(cut_strings),
            Value::Object(map) => map.values_mut().for_each(cut_strings),
            _ => {}
        }
    }
    let mut value = match &event.body {
        Body::Unknown(unknown) => Value::Object(unknown.fields.clone()),
        _ => serde_json::to_value(event).unwrap_or(Value::Null),
    };
    cut_strings(&mut value);
    value
}

/// The files section: each changed file with its line counts and, for a
/// text file in a known language, the functions its changed lines are in.
pub(crate) fn files_changed(changed: &[ChangedFile]) -> Vec<FileSummary> {
    changed
        .iter()
        .map(|file| {
            let functions = match Language::for_path(&file.path) {
                Some(lang) if !file.binary => functions::changed_functions(
                    lang,
                    &String::from_utf8_lossy(&file.old_text),
                    &String::from_utf8_lossy(&file.new_text),
                    &file.hunks,
                )
                .into_iter()
                .map(|(name, change)| FunctionSummary { name, change })
                .collect(),
                _ => Vec::new(),
            };
            FileSummary {
                path: file.path.clone(),
                status: file.status.to_string(),
                binary: file.binary,
                added: file.added,
                removed: file.removed,
                functions,
            }
        })
        .collect()
}

/// What a session changed, by definition (docs/design.md, "What a session
/// did"): the difference between its baseline — its first snapshot with
/// what arrived from elsewhere since applied — and its latest snapshot.
fn span(header: &SessionHeader) -> Option<(&crate::session::Oid, &crate::session::Oid)> {
    Some((header.baseline()?, header.latest_snapshot.as_ref()?))
}

/// The files a session changed (see [`span`]), with their line counts and
/// the functions the changes are in.
pub(crate) fn session_files(store: &Store, header: &SessionHeader) -> Result<Vec<FileSummary>> {
    match span(header) {
        Some((base, latest)) => Ok(files_changed(&store.changed_lines(base, latest)?)),
        None => Ok(Vec::new()),
    }
}

/// The paths of the files a session changed (see [`span`]), without
/// reading their contents.
pub(crate) fn session_paths(store: &Store, header: &SessionHeader) -> Result<Vec<String>> {
    match span(header) {
        Some((base, latest)) => store.changed_paths(base, latest),
        None => Ok(Vec::new()),
    }
}

/// The summary of a session: one walk of its log folded, and the files it changed.
pub(crate) fn summarize(store: &Store, head: &SessionHead) -> Result<Summary> {
    let events: Vec<Event> = store.events(head)?.into_iter().map(|e| e.event).collect();
    let mut summary = fold(&head.header, &events);
    let mut judged = verdicts(store, &events)?;
    for commit in &mut summary.commits {
        commit.verdict = judged.remove(&commit.id);
    }
    summary.verdicts = VerdictCounts::of(summary.commits.iter().filter_map(|c| c.verdict.as_ref()));
    if span(&head.header).is_some() {
        summary.files = Some(session_files(store, &head.header)?);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests;
