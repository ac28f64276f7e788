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

pub mod functions;

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::render::diff::ChangedFile;
use crate::session::{Event, EventKind, SessionHeader};
use functions::{FunctionChange, Language};

/// Texts in a summary are cut to this many characters.
pub const MAX_TEXT: usize = 300;

/// The JSON document `git session summarize --format json` prints (schema
/// version 1; fields are only ever added).
///
/// ```text
/// {
///   "format": 1,
///   "session": {"id", "name", "status", "branch"|null},
///   "started": RFC 3339|null, "ended": RFC 3339|null,   first and last event time
///   "duration_secs": n,        ended − started
///   "active_secs": n,          sum of the gaps between consecutive events, each capped at 1800
///   "events": n,               events in the log
///   "objectives":  [{"id", "time", "text", "done": bool, "done_time"|null, "done_text"|null}],
///   "intents":     [{"id", "time", "text"}],           in order (the start intent first)
///   "checkpoints": [{"id", "time", "text"}],           text is the label
///   "commits":     [{"id", "time", "commit", "short", "subject"}],
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
    pub started: Option<String>,
    pub ended: Option<String>,
    pub duration_secs: u64,
    pub active_secs: u64,
    pub events: u64,
    pub objectives: Vec<Objective>,
    pub intents: Vec<Entry>,
    pub checkpoints: Vec<Entry>,
    pub commits: Vec<Commit>,
    pub decisions: Vec<Decision>,
    pub discoveries: Vec<Entry>,
    pub blockers: Vec<Blocker>,
    pub next_steps: Vec<Entry>,
    pub notes: Vec<Entry>,
    pub progress: Vec<Entry>,
    pub rewinds: Vec<Rewind>,
    pub handoffs: Vec<Handoff>,
    pub other_events: Vec<Value>,
    pub base_snapshot: Option<String>,
    pub latest_snapshot: Option<String>,
    pub files: Option<Vec<FileSummary>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SessionRef {
    pub id: String,
    pub name: String,
    pub status: String,
    pub branch: Option<String>,
}

/// An intent, checkpoint, note, discovery, next step or progress report.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: String,
    pub time: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    pub id: String,
    pub time: String,
    pub text: String,
    pub done: bool,
    pub done_time: Option<String>,
    pub done_text: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Commit {
    pub id: String,
    pub time: String,
    pub commit: String,
    pub short: String,
    pub subject: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub id: String,
    pub time: String,
    pub text: String,
    pub rationale: Option<String>,
    pub alternatives: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Blocker {
    pub id: String,
    pub time: String,
    pub text: String,
    pub resolved: bool,
    pub resolved_time: Option<String>,
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rewind {
    pub id: String,
    pub time: String,
    pub kind: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Handoff {
    pub id: String,
    pub time: String,
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

/// `text` cut to [`MAX_TEXT`] characters, with `…` when something was cut.
pub fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Folds a session's events (in log order) and its header into a summary
/// without the files section (see [`files_changed`]).
pub fn fold(header: &SessionHeader, events: &[Event]) -> Summary {
    let mut s = Summary {
        format: 1,
        session: SessionRef {
            id: header.id.clone(),
            name: header.name.clone(),
            status: header.status.as_str().to_owned(),
            branch: header.branch.clone(),
        },
        started: None,
        ended: None,
        duration_secs: 0,
        active_secs: 0,
        events: events.len() as u64,
        objectives: Vec::new(),
        intents: Vec::new(),
        checkpoints: Vec::new(),
        commits: Vec::new(),
        decisions: Vec::new(),
        discoveries: Vec::new(),
        blockers: Vec::new(),
        next_steps: Vec::new(),
        notes: Vec::new(),
        progress: Vec::new(),
        rewinds: Vec::new(),
        handoffs: Vec::new(),
        other_events: Vec::new(),
        base_snapshot: header.base_snapshot.clone(),
        latest_snapshot: header.latest_snapshot.clone(),
        files: None,
    };
    // The first and the last event time, as seconds and as written.
    let mut first: Option<(i64, &str)> = None;
    let mut last: Option<(i64, &str)> = None;
    let mut previous: Option<i64> = None;
    // Where each objective and blocker is, by event id.
    let mut objectives: HashMap<&str, usize> = HashMap::new();
    let mut blockers: HashMap<&str, usize> = HashMap::new();
    for event in events {
        if let Some(t) = crate::session::seconds(&event.time) {
            if first.is_none_or(|(f, _)| t < f) {
                first = Some((t, &event.time));
            }
            if last.is_none_or(|(l, _)| t >= l) {
                last = Some((t, &event.time));
            }
            if let Some(p) = previous {
                s.active_secs += crate::session::active_gap(p, t);
            }
            previous = Some(t);
        }
        let entry = || Entry {
            id: event.id.clone(),
            time: event.time.clone(),
            text: cut(event.text().unwrap_or("")),
        };
        let Some(kind) = event.known_kind() else {
            s.other_events.push(raw(event));
            continue;
        };
        match kind {
            EventKind::Start | EventKind::Fork => {
                if event.text().is_some_and(|t| !t.is_empty()) {
                    s.intents.push(entry());
                }
            }
            EventKind::Intent => s.intents.push(entry()),
            EventKind::Checkpoint => s.checkpoints.push(entry()),
            EventKind::Note => s.notes.push(entry()),
            EventKind::Discovery => s.discoveries.push(entry()),
            EventKind::Next => s.next_steps.push(entry()),
            EventKind::Progress => s.progress.push(entry()),
            EventKind::Decision => s.decisions.push(Decision {
                id: event.id.clone(),
                time: event.time.clone(),
                text: cut(event.text().unwrap_or("")),
                rationale: event.str_field("rationale").map(cut),
                alternatives: event.str_list("alternatives").into_iter().map(cut).collect(),
            }),
            EventKind::Objective => {
                objectives.insert(&event.id, s.objectives.len());
                s.objectives.push(Objective {
                    id: event.id.clone(),
                    time: event.time.clone(),
                    text: cut(event.text().unwrap_or("")),
                    done: false,
                    done_time: None,
                    done_text: None,
                });
            }
            EventKind::ObjectiveDone => {
                let text = event.text().filter(|t| !t.is_empty()).map(cut);
                let at = event.str_field("objective").and_then(|id| objectives.get(id));
                match at {
                    Some(&i) => {
                        let o = &mut s.objectives[i];
                        o.done = true;
                        o.done_time = Some(event.time.clone());
                        o.done_text = text;
                    }
                    // Its objective is not in this log (cut off by a fork):
                    // still a done objective.
                    None => s.objectives.push(Objective {
                        id: event.str_field("objective").unwrap_or(&event.id).to_owned(),
                        time: event.time.clone(),
                        text: text.clone().unwrap_or_default(),
                        done: true,
                        done_time: Some(event.time.clone()),
                        done_text: text,
                    }),
                }
            }
            EventKind::Blocker => {
                blockers.insert(&event.id, s.blockers.len());
                s.blockers.push(Blocker {
                    id: event.id.clone(),
                    time: event.time.clone(),
                    text: cut(event.text().unwrap_or("")),
                    resolved: false,
                    resolved_time: None,
                    resolution: None,
                });
            }
            EventKind::BlockerResolved => {
                let text = event.text().filter(|t| !t.is_empty()).map(cut);
                let at = event.str_field("resolves").and_then(|id| blockers.get(id));
                match at {
                    Some(&i) => {
                        let b = &mut s.blockers[i];
                        b.resolved = true;
                        b.resolved_time = Some(event.time.clone());
                        b.resolution = text;
                    }
                    None => s.blockers.push(Blocker {
                        id: event.str_field("resolves").unwrap_or(&event.id).to_owned(),
                        time: event.time.clone(),
                        text: text.clone().unwrap_or_default(),
                        resolved: true,
                        resolved_time: Some(event.time.clone()),
                        resolution: text,
                    }),
                }
            }
            EventKind::Commit => {
                let commit = event.str_field("commit").unwrap_or("").to_owned();
                s.commits.push(Commit {
                    id: event.id.clone(),
                    time: event.time.clone(),
                    short: commit[..commit.len().min(12)].to_owned(),
                    commit,
                    subject: cut(event.str_field("subject").unwrap_or("")),
                });
            }
            EventKind::Rewind | EventKind::Restore | EventKind::Undo => s.rewinds.push(Rewind {
                id: event.id.clone(),
                time: event.time.clone(),
                kind: event.kind.clone(),
                text: cut(&event.summary()),
            }),
            EventKind::Handoff => s.handoffs.push(Handoff {
                id: event.id.clone(),
                time: event.time.clone(),
                text: cut(event.text().unwrap_or("")),
                to: event.str_field("to").map(cut),
                by: format!("{} <{}>", event.author.name, event.author.email),
            }),
            EventKind::Snapshot
            | EventKind::Branch
            | EventKind::Pause
            | EventKind::Resume
            | EventKind::Rename
            | EventKind::Close
            | EventKind::Merge
            | EventKind::Attach
            | EventKind::Claim => {}
        }
    }
    if let (Some((from, from_text)), Some((to, to_text))) = (first, last) {
        s.started = Some(from_text.to_owned());
        s.ended = Some(to_text.to_owned());
        s.duration_secs = (to - from).max(0) as u64;
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
    let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
    cut_strings(&mut value);
    value
}

/// The files section: each changed file with its line counts and, for a
/// text file in a known language, the functions its changed lines are in.
pub fn files_changed(changed: &[ChangedFile]) -> Vec<FileSummary> {
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

#[cfg(test)]
mod tests;
