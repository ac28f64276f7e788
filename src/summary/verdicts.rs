//! Intent verdicts: whether each commit of a session stayed inside the scope
//! its intent declared (`git session intent TEXT --writes PATHSPEC…`).
//!
//! A commit is judged against the intent in force when it was recorded —
//! the latest `intent` (or `start` with a text, or a prompt that became the
//! intent) before it in log order — by the files it changed against its
//! first parent, read from the commit itself: a verdict is never taken from
//! what a session says about itself, so a fetched session cannot claim a
//! commit was consistent. **consistent**: every file inside the scope;
//! **flagged**: some outside (listed); **unresolved**: no intent, an intent
//! without a scope, a merge, a scope that does not parse, or a commit this
//! repository does not have.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;

use crate::diff::scope::Scope;
use crate::session::{bounded_scope, Body, Event, EventId};
use crate::store::Store;

/// How many paths outside the scope a verdict lists.
const MAX_OUTSIDE: usize = 50;

/// The verdict on one commit.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Verdict {
    /// `consistent`, `flagged` or `unresolved`.
    pub verdict: VerdictKind,
    /// The intent it was judged against (its event id), if any.
    pub intent: Option<EventId>,
    /// That intent's scope (empty: none declared).
    pub scope: Vec<String>,
    /// Flagged: the files outside the scope (at most 50) …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outside: Vec<String>,
    /// … and how many there are in all.
    #[serde(skip_serializing_if = "is_zero")]
    pub outside_count: usize,
    /// Unresolved: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    Consistent,
    Flagged,
    Unresolved,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Consistent => "consistent",
            VerdictKind::Flagged => "flagged",
            VerdictKind::Unresolved => "unresolved",
        }
    }
}

/// How many commits got each verdict.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct VerdictCounts {
    pub consistent: u64,
    pub flagged: u64,
    pub unresolved: u64,
}

impl VerdictCounts {
    pub(crate) fn of<'a>(verdicts: impl IntoIterator<Item = &'a Verdict>) -> VerdictCounts {
        let mut counts = VerdictCounts::default();
        for v in verdicts {
            match v.verdict {
                VerdictKind::Consistent => counts.consistent += 1,
                VerdictKind::Flagged => counts.flagged += 1,
                VerdictKind::Unresolved => counts.unresolved += 1,
            }
        }
        counts
    }
}

impl Verdict {
    fn unresolved(intent: Option<&EventId>, scope: &[String], reason: &str) -> Verdict {
        Verdict {
            verdict: VerdictKind::Unresolved,
            intent: intent.cloned(),
            scope: scope.to_vec(),
            outside: Vec::new(),
            outside_count: 0,
            reason: Some(reason.to_owned()),
        }
    }

    /// Judges the files `changed` against `scope` (declared by `intent`).
    pub(crate) fn judge(intent: Option<&EventId>, scope: &[String], changed: &[String]) -> Verdict {
        if intent.is_none() {
            return Verdict::unresolved(None, scope, "no intent");
        }
        if scope.is_empty() {
            return Verdict::unresolved(intent, scope, "the intent declared no scope");
        }
        let Ok(mut matcher) = Scope::parse(scope) else {
            return Verdict::unresolved(intent, scope, "the intent's scope does not parse");
        };
        let outside = matcher.outside(changed.iter().map(String::as_str));
        Verdict {
            verdict: if outside.is_empty() {
                VerdictKind::Consistent
            } else {
                VerdictKind::Flagged
            },
            intent: intent.cloned(),
            scope: scope.to_vec(),
            outside_count: outside.len(),
            outside: outside.into_iter().take(MAX_OUTSIDE).map(str::to_owned).collect(),
            reason: None,
        }
    }
}

/// The verdict on every `commit` event of `events` (in log order), by the
/// commit event's id.
pub(crate) fn verdicts<'a>(
    store: &Store,
    events: impl IntoIterator<Item = &'a Event>,
) -> Result<HashMap<EventId, Verdict>> {
    let mut out = HashMap::new();
    let mut intent: Option<&EventId> = None;
    let mut scope: Vec<String> = Vec::new();
    for event in events {
        match &event.body {
            Body::Start(start) if start.text.is_some() => {
                intent = Some(&event.id);
                scope.clear();
            }
            Body::Prompt(prompt) if prompt.intent => {
                intent = Some(&event.id);
                scope.clear();
            }
            Body::Intent(i) => {
                intent = Some(&event.id);
                scope = bounded_scope(&i.writes);
            }
            Body::Commit(c) => {
                let verdict = match &c.commit {
                    _ if c.merged_onto.is_some() => Verdict::unresolved(intent, &scope, "a merge"),
                    None => Verdict::unresolved(intent, &scope, "the event names no commit"),
                    Some(_) if intent.is_none() || scope.is_empty() => Verdict::judge(intent, &scope, &[]),
                    Some(commit) => match store.commit_paths(commit)? {
                        Some(paths) => Verdict::judge(intent, &scope, &paths),
                        None => Verdict::unresolved(intent, &scope, "the commit is not in this repository"),
                    },
                };
                out.insert(event.id.clone(), verdict);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A verdict in a few words: `consistent`, `flagged: a.txt, b.txt (+3
/// more)`, `unresolved (no intent)`. Paths are as recorded; callers escape
/// the line for a terminal.
pub(crate) fn verdict_words(v: &Verdict) -> String {
    match v.verdict {
        VerdictKind::Consistent => "consistent".to_owned(),
        VerdictKind::Flagged => {
            const SHOWN: usize = 3;
            let mut words = format!(
                "flagged: {}",
                v.outside
                    .iter()
                    .take(SHOWN)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if v.outside_count > SHOWN {
                words.push_str(&format!(" (+{} more)", v.outside_count - SHOWN));
            }
            words
        }
        VerdictKind::Unresolved => format!("unresolved ({})", v.reason.as_deref().unwrap_or("no scope")),
    }
}

/// The counts in one line: `2 consistent, 1 flagged, 0 unresolved`.
pub(crate) fn counts_words(c: &VerdictCounts) -> String {
    format!(
        "{} consistent, {} flagged, {} unresolved",
        c.consistent, c.flagged, c.unresolved
    )
}
