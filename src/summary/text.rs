//! `git session summarize`: a [`Summary`] as compact terminal text or as
//! markdown ready to paste as a pull-request description. (The JSON form is
//! the serde form of [`Summary`].)

use std::fmt::Write;

use super::{counts_words, verdict_words, FileSummary, Summary, VerdictKind};
use crate::render::{duration, item_id, short_time, Palette};
use crate::session::{Timestamp, IDLE_AFTER};

/// A text on one line: line breaks and runs of white space become one space,
/// and control characters are escaped (the text may come from a fetch).
fn one_line(text: &str) -> String {
    crate::render::esc_line(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

/// The functions of a file as `name (added)`, `name`, … (modified ones plain).
fn function_list(file: &FileSummary, quote: &str) -> String {
    file.functions
        .iter()
        .map(|f| match f.change {
            super::functions::FunctionChange::Modified => format!("{quote}{}{quote}", f.name),
            other => format!("{quote}{}{quote} ({})", f.name, other.as_str()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts(file: &FileSummary) -> String {
    if file.binary {
        "binary".to_owned()
    } else {
        format!("+{} -{}", file.added, file.removed)
    }
}

/// The compact terminal form.
pub(crate) fn summary_text(s: &Summary, p: Palette) -> String {
    let mut o = String::new();
    let (b, d, r) = (p.bold, p.dim, p.reset);
    let _ = writeln!(
        o,
        "{b}{}{r} {d}({}{}, {}){r}",
        s.session.name,
        s.session.status,
        s.session
            .branch
            .as_deref()
            .map(|b| format!(", on {b}"))
            .unwrap_or_default(),
        s.session.id
    );
    if !s.tasks.is_empty() {
        let _ = writeln!(o, "tasks: {}", s.tasks.join(", "));
    }
    if let (Some(from), Some(to)) = (&s.started, &s.ended) {
        let _ = writeln!(
            o,
            "{} → {}, {} ({} active), {} events",
            short_time(from),
            short_time(to),
            duration(s.duration_secs),
            duration(s.active_secs),
            s.events
        );
    }
    if let Some(plan) = &s.plan {
        let _ = writeln!(
            o,
            "{b}Plan{r} {} (v{}, {}/{} done)",
            one_line(&plan.title),
            plan.version,
            plan.done,
            plan.total
        );
    }
    let section = |o: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(o, "{b}{title}{r}");
        for line in lines {
            let _ = writeln!(o, "  {line}");
        }
    };
    let time = |t: &Timestamp| short_time(t).get(11..).unwrap_or_default().to_owned();
    section(
        &mut o,
        "Objectives",
        s.objectives
            .iter()
            .map(|x| format!("[{}] {}", if x.done { "x" } else { " " }, one_line(&x.text)))
            .collect(),
    );
    section(
        &mut o,
        "Intents",
        s.intents
            .iter()
            .map(|x| format!("{d}{}{r} {}", time(&x.time), one_line(&x.text)))
            .collect(),
    );
    section(
        &mut o,
        "Checkpoints",
        s.checkpoints
            .iter()
            .map(|x| format!("{d}{}{r} {}", time(&x.time), one_line(&x.text)))
            .collect(),
    );
    section(
        &mut o,
        "Commits",
        s.commits
            .iter()
            .map(|c| format!("{}{}{r} {}", p.yellow, c.short, one_line(&c.subject)))
            .collect(),
    );
    if s.any_scope() {
        let _ = writeln!(o, "{b}Scope{r} {}", counts_words(&s.verdicts));
        for c in &s.commits {
            if let Some(v) = &c.verdict {
                let colour = match v.verdict {
                    VerdictKind::Consistent => p.green,
                    VerdictKind::Flagged => p.red,
                    VerdictKind::Unresolved => p.dim,
                };
                let _ = writeln!(
                    o,
                    "  {}{}{r} {colour}{}{r}",
                    p.yellow,
                    c.short,
                    one_line(&verdict_words(v))
                );
            }
        }
    }
    section(
        &mut o,
        "Decisions",
        s.decisions
            .iter()
            .map(|x| {
                let mut line = one_line(&x.text);
                if let Some(why) = &x.rationale {
                    let _ = write!(line, " — {}", one_line(why));
                }
                if !x.alternatives.is_empty() {
                    let _ = write!(line, " {d}(not: {}){r}", one_line(&x.alternatives.join("; ")));
                }
                line
            })
            .collect(),
    );
    section(
        &mut o,
        "Discoveries",
        s.discoveries.iter().map(|x| one_line(&x.text)).collect(),
    );
    section(
        &mut o,
        "Blockers",
        s.blockers
            .iter()
            .map(|x| match (&x.resolved, &x.resolution) {
                (false, _) => format!("{}[open]{r} {}", p.red, one_line(&x.text)),
                (true, Some(how)) if how != &x.text => {
                    format!("{}[resolved]{r} {} → {}", p.green, one_line(&x.text), one_line(how))
                }
                (true, _) => format!("{}[resolved]{r} {}", p.green, one_line(&x.text)),
            })
            .collect(),
    );
    section(&mut o, "Next", s.next_steps.iter().map(|x| one_line(&x.text)).collect());
    section(
        &mut o,
        "Progress",
        s.progress.iter().map(|x| one_line(&x.text)).collect(),
    );
    section(&mut o, "Notes", s.notes.iter().map(|x| one_line(&x.text)).collect());
    section(
        &mut o,
        "Rewinds",
        s.rewinds
            .iter()
            .map(|x| format!("{} {}", x.kind, one_line(&x.text)))
            .collect(),
    );
    section(
        &mut o,
        "Handoffs",
        s.handoffs
            .iter()
            .map(|x| format!("{} {}", one_line(&x.by), one_line(&x.text)))
            .collect(),
    );
    section(&mut o, "Other events", s.other_events.iter().map(other_event).collect());
    if let Some(files) = &s.files {
        let lines = files
            .iter()
            .map(|f| {
                let mut line = format!("{} {} {}", f.status, one_line(&f.path), counts(f));
                if !f.functions.is_empty() {
                    let _ = write!(line, "  {}", function_list(f, ""));
                }
                line
            })
            .collect::<Vec<_>>();
        if lines.is_empty() {
            let _ = writeln!(o, "{b}Files{r} none changed");
        }
        section(&mut o, "Files", lines);
    }
    o
}

/// An event of an unknown kind in one line: its kind and its JSON.
fn other_event(value: &serde_json::Value) -> String {
    let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
    format!("{}: {value}", one_line(kind))
}

/// Escapes what would break a markdown table cell or start markup.
fn md(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// The markdown form: a title, then Summary, Changes, Functions, Commits,
/// Decisions, Open questions and blockers, Next steps and Notes; empty
/// sections are left out.
pub(crate) fn summary_markdown(s: &Summary) -> String {
    let mut o = String::new();
    let title = s
        .intents
        .first()
        .map(|i| i.text.as_str())
        .or_else(|| s.objectives.first().map(|x| x.text.as_str()))
        .unwrap_or(&s.session.name);
    let _ = writeln!(o, "# {}\n", md(title));

    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- Session `{}` ({}), {}{}",
        s.session.name,
        item_id(&s.session.id),
        s.session.status,
        s.session
            .branch
            .as_deref()
            .map(|b| format!(", branch `{b}`"))
            .unwrap_or_default()
    );
    if !s.tasks.is_empty() {
        let tasks: Vec<String> = s.tasks.iter().map(|t| format!("`{}`", t.replace('`', "'"))).collect();
        let _ = writeln!(o, "- Tasks: {}", tasks.join(", "));
    }
    if let (Some(from), Some(to)) = (&s.started, &s.ended) {
        let _ = writeln!(
            o,
            "- {} → {}: {}, {} active ({} events; a pause over {} minutes counts as {})",
            short_time(from),
            short_time(to),
            duration(s.duration_secs),
            duration(s.active_secs),
            s.events,
            IDLE_AFTER / 60,
            IDLE_AFTER / 60,
        );
    }
    if let Some(plan) = &s.plan {
        let _ = writeln!(
            o,
            "- Plan: {} (v{}, {}/{} steps done)",
            md(&plan.title),
            plan.version,
            plan.done,
            plan.total
        );
    }
    for x in &s.objectives {
        let _ = writeln!(o, "- [{}] {}", if x.done { "x" } else { " " }, md(&x.text));
    }
    if !s.intents.is_empty() {
        let _ = writeln!(o, "\nIntents, in order:\n");
        for (n, x) in s.intents.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", n + 1, md(&x.text));
        }
    }
    if !s.checkpoints.is_empty() {
        let _ = writeln!(o, "\nCheckpoints:\n");
        for x in &s.checkpoints {
            let _ = writeln!(o, "- {} ({})", md(&x.text), short_time(&x.time));
        }
    }

    if let Some(files) = &s.files {
        let _ = writeln!(o, "\n## Changes\n");
        if files.is_empty() {
            let _ = writeln!(o, "No file changed.");
        } else {
            let _ = writeln!(o, "| File | Status | Added | Removed |\n|---|:-:|--:|--:|");
            for f in files {
                let (a, r) = if f.binary {
                    ("binary".to_owned(), String::new())
                } else {
                    (f.added.to_string(), f.removed.to_string())
                };
                let _ = writeln!(o, "| `{}` | {} | {a} | {r} |", md(&f.path), f.status);
            }
        }
        let with_functions: Vec<&FileSummary> = files.iter().filter(|f| !f.functions.is_empty()).collect();
        if !with_functions.is_empty() {
            let _ = writeln!(o, "\n## Functions\n");
            for f in with_functions {
                let _ = writeln!(o, "- `{}`: {}", md(&f.path), function_list(f, "`"));
            }
        }
    }

    if !s.commits.is_empty() {
        let _ = writeln!(o, "\n## Commits\n");
        for c in &s.commits {
            let _ = writeln!(o, "- `{}` {}", c.short, md(&c.subject));
        }
    }
    if s.any_scope() {
        let _ = writeln!(o, "\n## Scope\n\n{}\n", counts_words(&s.verdicts));
        for c in &s.commits {
            if let Some(v) = &c.verdict {
                let _ = writeln!(o, "- `{}` {}", c.short, md(&verdict_words(v)));
            }
        }
    }
    if !s.decisions.is_empty() {
        let _ = writeln!(o, "\n## Decisions\n");
        for x in &s.decisions {
            let mut line = format!("- **{}**", md(&x.text));
            if let Some(why) = &x.rationale {
                let _ = write!(line, ": {}", md(why));
            }
            if !x.alternatives.is_empty() {
                let alts: Vec<String> = x.alternatives.iter().map(|a| md(a)).collect();
                let _ = write!(line, " (considered: {})", alts.join("; "));
            }
            let _ = writeln!(o, "{line}");
        }
    }
    if !s.blockers.is_empty() {
        let _ = writeln!(o, "\n## Open questions and blockers\n");
        for x in &s.blockers {
            match (&x.resolved, &x.resolution) {
                (false, _) => {
                    let _ = writeln!(o, "- [ ] {}", md(&x.text));
                }
                (true, Some(how)) if how != &x.text => {
                    let _ = writeln!(o, "- [x] {} (resolved: {})", md(&x.text), md(how));
                }
                (true, _) => {
                    let _ = writeln!(o, "- [x] {}", md(&x.text));
                }
            }
        }
    }
    if !s.next_steps.is_empty() {
        let _ = writeln!(o, "\n## Next steps\n");
        for x in &s.next_steps {
            let _ = writeln!(o, "- [ ] {}", md(&x.text));
        }
    }
    let mut notes: Vec<String> = Vec::new();
    notes.extend(s.discoveries.iter().map(|x| format!("Discovery: {}", md(&x.text))));
    notes.extend(s.progress.iter().map(|x| format!("Progress: {}", md(&x.text))));
    notes.extend(s.notes.iter().map(|x| md(&x.text)));
    notes.extend(s.rewinds.iter().map(|x| format!("{}: {}", x.kind, md(&x.text))));
    notes.extend(
        s.handoffs
            .iter()
            .map(|x| format!("Handoff by {}: {}", md(&x.by), md(&x.text))),
    );
    notes.extend(
        s.other_events
            .iter()
            .map(|v| format!("`{}`", other_event(v).replace('`', "'"))),
    );
    if !notes.is_empty() {
        let _ = writeln!(o, "\n## Notes\n");
        for n in notes {
            let _ = writeln!(o, "- {n}");
        }
    }
    o
}
