//! The onboarding brief for whoever continues a session, a coding agent or
//! a person, within a character budget (`git session context`, and the
//! `handoff.md` a handoff attaches).
//!
//! Sections go in order of importance (TL;DR, key decisions, what changed,
//! recent commits, discoveries, the project's own context files), each item
//! newest first; when the budget runs out, a section ends with how many
//! items were left out, and later sections are dropped whole.

use anyhow::Result;

use super::session_files;
use crate::render::{tldr, Palette};
use crate::session::{text, Body, EventKind};
use crate::store::{SessionHead, Store};

/// Room kept for the line that says how much of a section was left out.
const NOTE_ROOM: usize = 64;

/// One section of the brief: a title and items, most important first.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Section {
    pub title: String,
    pub items: Vec<String>,
}

/// The brief of a session: its sections within `limit` characters.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Brief {
    pub session: crate::session::SessionId,
    pub limit: usize,
    pub sections: Vec<Section>,
}

impl Brief {
    /// The brief as markdown: `## title`, then its items; control
    /// characters from the session's texts are escaped.
    pub(crate) fn render(&self) -> String {
        crate::render::esc(&render(&self.sections)).into_owned()
    }
}

/// The brief of `head` within `limit` characters; `context_files` are the
/// project's own context files (path and text) to end with.
pub(crate) fn brief(
    store: &Store,
    head: &SessionHead,
    limit: usize,
    context_files: Vec<(String, String)>,
) -> Result<Brief> {
    Ok(Brief {
        session: head.id.clone(),
        limit,
        sections: fit(sections(store, head, context_files)?, limit),
    })
}

/// Every section of the brief, before the budget is applied.
fn sections(store: &Store, head: &SessionHead, context_files: Vec<(String, String)>) -> Result<Vec<Section>> {
    let events = store.events(head)?;
    let newest = |kind: EventKind| events.iter().rev().filter(move |e| e.event.known_kind() == Some(kind));

    let mut sections = vec![Section {
        title: "TL;DR".into(),
        items: vec![tldr(&head.header, Palette::PLAIN).trim_end().to_owned()],
    }];
    // The plan the session works from, bounded (all of it: `plan show`).
    if let Some(state) = &head.header.plan {
        let plan = super::plan::plan_excerpt(store, state, super::plan::EXCERPT_LINES, super::plan::EXCERPT_CHARS, 0);
        let mut text = match &plan.error {
            Some(err) => format!("(the plan cannot be read: {err})"),
            None => plan.text.trim_end().to_owned(),
        };
        if plan.more_lines > 0 {
            text.push_str(&format!(
                "\n… ({} more lines: `git session plan show`)",
                plan.more_lines
            ));
        }
        sections.push(Section {
            title: format!("Plan (v{}, {}/{} done)", plan.version, plan.done, plan.total),
            items: vec![text],
        });
    }
    // What the coding agent said last, and what it was asked (agent hooks).
    let last_message = events
        .iter()
        .rev()
        .take(200)
        .find_map(|e| e.event.attachments.get(crate::session::event::LAST_MESSAGE));
    if let Some(blob) = last_message {
        if let Some(bytes) = store.read_blob(blob, 64 * 1024)? {
            sections.push(Section {
                title: "The agent's last message".into(),
                items: vec![String::from_utf8_lossy(&bytes).trim().to_owned()],
            });
        }
    }
    sections.push(Section {
        title: "Recent prompts".into(),
        items: newest(EventKind::Prompt)
            .take(10)
            .filter_map(|e| e.event.text())
            .map(|t| format!("- {}", text::cut(t.lines().next().unwrap_or(""), 200)))
            .collect(),
    });
    sections.push(Section {
        title: "Key decisions".into(),
        items: newest(EventKind::Decision)
            .filter_map(|e| match &e.event.body {
                Body::Decision(d) => Some(d),
                _ => None,
            })
            .map(|d| {
                let mut s = format!("- {}", d.text);
                if let Some(r) = &d.rationale {
                    s.push_str(&format!(" (because {r})"));
                }
                if !d.alternatives.is_empty() {
                    s.push_str(&format!("; set aside: {}", d.alternatives.join(", ")));
                }
                s
            })
            .collect(),
    });
    // What changed, with line counts and the functions touched, from the
    // first to the latest snapshot (as `summarize` computes it).
    sections.push(Section {
        title: "What changed (first → latest snapshot)".into(),
        items: session_files(store, &head.header)?
            .iter()
            .map(|f| {
                let counts = if f.binary {
                    "binary".to_owned()
                } else {
                    format!("+{} -{}", f.added, f.removed)
                };
                let functions: Vec<String> = f
                    .functions
                    .iter()
                    .map(|x| format!("{} ({})", x.name, x.change.as_str()))
                    .collect();
                if functions.is_empty() {
                    format!("- {} ({}, {counts})", f.path, f.status)
                } else {
                    format!("- {} ({}, {counts}): {}", f.path, f.status, functions.join(", "))
                }
            })
            .collect(),
    });
    // A commit rewritten later (amend, rebase) is shown as its latest version only.
    let rewritten: std::collections::HashSet<&crate::session::Oid> = events
        .iter()
        .filter_map(|e| match &e.event.body {
            Body::Commit(c) => c.rewritten_from.as_ref(),
            _ => None,
        })
        .collect();
    let judged = super::verdicts(store, events.iter().map(|e| &e.event))?;
    let listed: Vec<(&crate::session::event::CommitSeen, Option<&super::Verdict>)> = newest(EventKind::Commit)
        .filter_map(|e| match &e.event.body {
            Body::Commit(c) if !c.commit.as_ref().is_some_and(|c| rewritten.contains(c)) => {
                Some((c, judged.get(&e.event.id)))
            }
            _ => None,
        })
        .collect();
    sections.push(Section {
        title: "Recent commits".into(),
        items: listed
            .iter()
            .map(|(c, verdict)| {
                let commit = c.commit.as_ref().map_or("", |c| c.short(10));
                match verdict {
                    Some(v) if v.verdict != super::VerdictKind::Unresolved => {
                        format!("- {commit} {} [{}]", c.subject, v.verdict.as_str())
                    }
                    _ => format!("- {commit} {}", c.subject),
                }
            })
            .collect(),
    });
    // The current intent's scope and how the commits kept to theirs.
    let mut scope = Vec::new();
    if !head.header.scope.is_empty() {
        scope.push(format!("- the current intent writes: {}", head.header.scope.join(" ")));
    }
    if listed.iter().any(|(_, v)| v.is_some_and(|v| !v.scope.is_empty())) {
        let counts = super::VerdictCounts::of(listed.iter().filter_map(|(_, v)| *v));
        scope.push(format!("- commits: {}", super::counts_words(&counts)));
    }
    for (c, v) in &listed {
        if let Some(v) = v.filter(|v| v.verdict == super::VerdictKind::Flagged) {
            let commit = c.commit.as_ref().map_or("", |c| c.short(10));
            scope.push(format!("- {commit} {}: {}", c.subject, super::verdict_words(v)));
        }
    }
    sections.push(Section {
        title: "Scope".into(),
        items: scope,
    });
    sections.push(Section {
        title: "Discoveries and notes".into(),
        items: events
            .iter()
            .rev()
            .filter(|e| matches!(e.event.known_kind(), Some(EventKind::Discovery | EventKind::Note)))
            .map(|e| format!("- {}: {}", e.event.kind(), e.event.text().unwrap_or("")))
            .collect(),
    });
    for (path, text) in context_files {
        sections.push(Section {
            title: format!("Project context: {path}"),
            items: vec![text],
        });
    }
    Ok(sections)
}

fn render(sections: &[Section]) -> String {
    let mut s = String::new();
    for section in sections.iter().filter(|s| !s.items.is_empty()) {
        s.push_str(&format!("## {}\n", section.title));
        for item in &section.items {
            s.push_str(item);
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

/// Keeps sections in order and items in order while the rendered brief
/// stays within `limit` characters; a cut section says how much was left out.
fn fit(sections: Vec<Section>, limit: usize) -> Vec<Section> {
    let mut used = 0;
    let mut out = Vec::new();
    for section in sections {
        if section.items.is_empty() {
            continue;
        }
        let header = section.title.chars().count() + 5;
        if used + header + NOTE_ROOM > limit {
            break;
        }
        used += header;
        let total = section.items.len();
        let mut kept = Vec::new();
        for item in section.items {
            let len = item.chars().count() + 1;
            let room = limit.saturating_sub(used + NOTE_ROOM);
            if len <= room {
                used += len;
                kept.push(item);
            } else {
                // A long item (a context file) is cut rather than dropped.
                if kept.is_empty() && room > 200 {
                    let cut = text::prefix(&item, room - 20);
                    used += cut.chars().count() + 2;
                    kept.push(format!("{cut}…"));
                }
                break;
            }
        }
        let left = total - kept.len();
        if left > 0 {
            let note = format!("… and {left} more (`git session log` has everything)");
            used += note.chars().count() + 1;
            kept.push(note);
        }
        out.push(Section {
            title: section.title,
            items: kept,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_stays_within_its_budget_and_keeps_the_most_important() {
        let sections = [
            Section {
                title: "TL;DR".into(),
                items: vec!["x".repeat(300)],
            },
            Section {
                title: "Key decisions".into(),
                items: (0..100).map(|i| format!("- decision {i} {}", "y".repeat(50))).collect(),
            },
            Section {
                title: "Project context: AGENTS.md".into(),
                items: vec!["z".repeat(5000)],
            },
        ];
        for limit in [500, 2_000, 10_000] {
            let text = render(&fit(sections.to_vec(), limit));
            assert!(text.chars().count() <= limit, "{} > {limit}", text.chars().count());
            assert!(text.starts_with("## TL;DR\n"), "{text}");
            assert!(text.contains("- decision 0 "), "the newest decision is kept: {text}");
        }
    }
}
