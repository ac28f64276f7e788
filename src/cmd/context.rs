//! `git session context`: the onboarding brief for whoever continues a
//! session, a coding agent or a person, within a character budget.
//!
//! Sections go in order of importance (TL;DR, key decisions, what changed,
//! recent commits, discoveries, the project's own context files), each item
//! newest first; when the budget runs out, a section ends with how many
//! items were left out, and later sections are dropped whole.

use anyhow::Result;
use gix::ObjectId;

use super::{print_json, Ctx};
use crate::render::diff::changed_lines;
use crate::render::{out, tldr, Palette};
use crate::session::EventKind;
use crate::store::SessionHead;
use crate::summary::files_changed;

/// Arguments of `git session context` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// At most this many characters (default: `session.contextLimit`, else 10000).
    #[arg(long, value_name = "N")]
    pub max_chars: Option<usize>,
    /// Print the sections as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Files read when the repository has them, unless `session.contextFiles`
/// (a space- or comma-separated list of paths) says otherwise.
const DEFAULT_CONTEXT_FILES: &[&str] = &["AGENTS.md", "CLAUDE.md", "GEMINI.md", ".github/copilot-instructions.md"];

const DEFAULT_LIMIT: usize = 10_000;

/// Room kept for the line that says how much of a section was left out.
const NOTE_ROOM: usize = 64;

/// One section of the brief: a title and items, most important first.
#[derive(Debug, serde::Serialize)]
struct Section {
    title: String,
    items: Vec<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let head = ctx.named_or_target(args.session.as_deref())?;
    let limit = match args.max_chars {
        Some(n) => n,
        None => ctx
            .store
            .config_integer("session.contextLimit")?
            .filter(|n| *n > 0)
            .map_or(DEFAULT_LIMIT, |n| n as usize),
    };
    let sections = fit(sections(ctx, &head)?, limit);
    if args.json {
        return print_json(&serde_json::json!({ "session": head.id, "limit": limit, "sections": sections }));
    }
    out(&render(&sections));
    Ok(())
}

/// The brief of `head` within `limit` characters (what `handoff` attaches).
pub fn brief(ctx: &Ctx, head: &SessionHead, limit: usize) -> Result<String> {
    Ok(render(&fit(sections(ctx, head)?, limit)))
}

/// Every section of the brief, before the budget is applied.
fn sections(ctx: &Ctx, head: &SessionHead) -> Result<Vec<Section>> {
    let events = ctx.store.events(head)?;
    let newest = |kind: EventKind| events.iter().rev().filter(move |e| e.event.known_kind() == Some(kind));

    let mut sections = vec![Section {
        title: "TL;DR".into(),
        items: vec![tldr(&head.header, Palette::PLAIN).trim_end().to_owned()],
    }];
    sections.push(Section {
        title: "Key decisions".into(),
        items: newest(EventKind::Decision)
            .map(|e| {
                let ev = &e.event;
                let mut s = format!("- {}", ev.text().unwrap_or(""));
                if let Some(r) = ev.str_field("rationale") {
                    s.push_str(&format!(" (because {r})"));
                }
                let alts = ev.str_list("alternatives");
                if !alts.is_empty() {
                    s.push_str(&format!("; set aside: {}", alts.join(", ")));
                }
                s
            })
            .collect(),
    });
    // What changed, with line counts and the functions touched, from the
    // first to the latest snapshot (as `summarize` computes it).
    let files = match (&head.header.base_snapshot, &head.header.latest_snapshot) {
        (Some(a), Some(b)) => {
            let tree = |t: &str| ObjectId::from_hex(t.as_bytes()).ok();
            match (tree(a), tree(b)) {
                (Some(a), Some(b)) => files_changed(&changed_lines(&ctx.store.repo, a, b)?),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    sections.push(Section {
        title: "What changed (first → latest snapshot)".into(),
        items: files
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
    sections.push(Section {
        title: "Recent commits".into(),
        items: newest(EventKind::Commit)
            .map(|e| {
                let c = e.event.str_field("commit").unwrap_or("");
                format!(
                    "- {} {}",
                    &c[..c.len().min(10)],
                    e.event.str_field("subject").unwrap_or("")
                )
            })
            .collect(),
    });
    sections.push(Section {
        title: "Discoveries and notes".into(),
        items: events
            .iter()
            .rev()
            .filter(|e| matches!(e.event.known_kind(), Some(EventKind::Discovery | EventKind::Note)))
            .map(|e| format!("- {}: {}", e.event.kind, e.event.text().unwrap_or("")))
            .collect(),
    });
    for (path, text) in context_files(ctx) {
        sections.push(Section {
            title: format!("Project context: {path}"),
            items: vec![text],
        });
    }

    Ok(sections)
}

/// The project's context files that exist in the work tree.
fn context_files(ctx: &Ctx) -> Vec<(String, String)> {
    let Some(workdir) = ctx.store.repo.workdir() else {
        return Vec::new();
    };
    let configured = ctx.store.config_string("session.contextFiles");
    let names: Vec<String> = match &configured {
        Some(list) => list
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => DEFAULT_CONTEXT_FILES.iter().map(|s| (*s).to_owned()).collect(),
    };
    names
        .into_iter()
        .filter(|n| !n.split('/').any(|c| c == ".." || c.eq_ignore_ascii_case(".git")))
        .filter_map(|n| {
            let text = std::fs::read(workdir.join(&n)).ok()?;
            Some((n, String::from_utf8_lossy(&text).trim_end().to_owned()))
        })
        .collect()
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
                    let cut: String = item.chars().take(room - 20).collect();
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
            let text = render(&fit(
                sections
                    .iter()
                    .map(|s| Section {
                        title: s.title.clone(),
                        items: s.items.clone(),
                    })
                    .collect(),
                limit,
            ));
            assert!(text.chars().count() <= limit, "{} > {limit}", text.chars().count());
            assert!(text.starts_with("## TL;DR\n"), "{text}");
            assert!(text.contains("- decision 0 "), "the newest decision is kept: {text}");
        }
    }
}
