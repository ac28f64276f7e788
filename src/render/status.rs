//! The TL;DR that `resume` and `status` print, and the details of `show`.

use std::fmt::Write;

use super::{duration_between, esc, esc_line, item_id, short_id, short_time, Palette};
use crate::session::SessionHeader;

/// What a person or agent needs to get back into flow: objective, progress,
/// current intent, blockers, next steps.
pub(crate) fn tldr(h: &SessionHeader, p: Palette) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}Session {}{} ({}, {})",
        p.bold,
        esc_line(&h.name),
        p.reset,
        h.status.as_str(),
        short_id(&h.id)
    );
    let branch = h.branch.as_deref().unwrap_or("(detached HEAD)");
    let since = duration_between(&h.created, &h.updated);
    let _ = writeln!(
        s,
        "  branch {branch}, started {}, last activity {} ({since} in all)",
        short_time(&h.created),
        short_time(&h.updated)
    );
    if !h.tasks.is_empty() {
        let _ = writeln!(s, "  tasks {}", esc_line(&h.tasks.join(", ")));
    }
    let c = &h.counters;
    let _ = writeln!(
        s,
        "  {} events: {} intents, {} checkpoints, {} commits, {} decisions, {} notes",
        c.events, c.intents, c.checkpoints, c.commits, c.decisions, c.notes
    );
    let objective = h
        .objectives
        .first()
        .map(|o| o.text.as_str())
        .unwrap_or("(none set: `git session objective add TEXT`)");
    let _ = writeln!(s, "{}Objective:{} {}", p.bold, p.reset, esc(objective));
    for o in h.objectives.iter().skip(1) {
        let _ = writeln!(s, "           {}", esc(&o.text));
    }
    if c.objectives_done > 0 {
        let _ = writeln!(s, "  ({} objective(s) done)", c.objectives_done);
    }
    if let Some(progress) = &h.progress {
        let _ = writeln!(s, "{}Progress:{}  {}", p.bold, p.reset, esc(&progress.text));
    }
    let intent = h.intent.as_ref().map(|i| i.text.as_str()).unwrap_or("(none)");
    let _ = writeln!(s, "{}Intent:{}    {}", p.bold, p.reset, esc(intent));
    if !h.scope.is_empty() {
        let _ = writeln!(s, "  {}writes:{} {}", p.dim, p.reset, esc_line(&h.scope.join(" ")));
    }
    if let Some(cp) = &h.checkpoint {
        let _ = writeln!(s, "{}Last checkpoint:{} {}", p.bold, p.reset, esc(&cp.text));
    }
    if h.blockers.is_empty() {
        let _ = writeln!(s, "{}Blockers:{}  none", p.bold, p.reset);
    } else {
        let _ = writeln!(s, "{}{}Blockers:{}", p.bold, p.red, p.reset);
        for b in &h.blockers {
            let _ = writeln!(s, "  - {} {}[{}]{}", esc(&b.text), p.dim, item_id(&b.id), p.reset);
        }
    }
    if !h.next.is_empty() {
        let _ = writeln!(s, "{}Next:{}", p.bold, p.reset);
        for n in h.next.iter().rev() {
            let _ = writeln!(s, "  - {}", esc(&n.text));
        }
    }
    if let Some(note) = &h.handoff {
        let by = esc_line(h.handoff_by.as_deref().unwrap_or("?"));
        let _ = writeln!(
            s,
            "{}Handoff note:{} {} {}(from {by}){}",
            p.bold,
            p.reset,
            esc(&note.text),
            p.dim,
            p.reset
        );
    }
    if !h.claims.is_empty() {
        let _ = writeln!(s, "{}Claims:{}    {}", p.bold, p.reset, esc_line(&h.claims.join(", ")));
    }
    if let Some(plan) = &h.plan {
        let _ = writeln!(
            s,
            "{}Plan:{}      {} (v{}, {}/{} done)",
            p.bold,
            p.reset,
            esc_line(&plan.title),
            plan.version,
            plan.done,
            plan.total
        );
    }
    s
}

/// Every header field, for `show`.
pub(crate) fn header_details(h: &SessionHeader, p: Palette) -> String {
    let mut s = tldr(h, p);
    let _ = writeln!(s, "id:              {}", h.id);
    if let Some(w) = &h.worktree {
        let _ = writeln!(s, "work tree:       {}", esc_line(w));
    }
    let field = |v: &Option<crate::session::Oid>| v.as_ref().map_or("-", |v| v.short(12)).to_owned();
    let _ = writeln!(s, "base commit:     {}", field(&h.base_commit));
    let _ = writeln!(s, "base snapshot:   {}", field(&h.base_snapshot));
    let _ = writeln!(s, "latest snapshot: {}", field(&h.latest_snapshot));
    if let Some(o) = &h.owner {
        let _ = writeln!(s, "owner:           {}", esc_line(o));
    }
    if let Some(f) = &h.forked_from {
        let _ = writeln!(s, "forked from:     {f}");
    }
    if let Some(r) = &h.reason {
        let _ = writeln!(s, "reason:          {}", esc_line(r));
    }
    s
}
