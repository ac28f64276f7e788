//! The table of `git session list`.

use std::fmt::Write;
use std::path::Path;

use super::{short_id, short_time, Palette};
use crate::store::SessionSummary;

/// One line per session; `current` gets a `*`. A session started in another
/// work tree than `here` says which (relative to `cwd` when below it).
pub(crate) fn list_table(
    sessions: &[&SessionSummary],
    current: Option<&str>,
    here: Option<&Path>,
    cwd: &Path,
    p: Palette,
) -> String {
    let width = sessions
        .iter()
        .map(|h| h.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = String::new();
    for h in sessions {
        let mark = if Some(h.id.as_str()) == current { "*" } else { " " };
        let status = h.status.as_str();
        let colour = match status {
            "active" => p.green,
            "paused" => p.yellow,
            _ => p.dim,
        };
        let intent = super::esc_line(crate::session::text::prefix(&h.intent, 50)).into_owned();
        let elsewhere = h
            .worktree
            .as_deref()
            .map(Path::new)
            .filter(|w| Some(*w) != here)
            .map(|w| {
                let shown = w.strip_prefix(cwd).map(|r| r.display().to_string());
                let shown = shown.unwrap_or_else(|_| w.display().to_string());
                format!("  {}[worktree {}]{}", p.cyan, super::esc_line(&shown), p.reset)
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{mark} {}{:<width$}{} {}{:<11}{} {} {:<16} {:>4} ev  {}  {}{elsewhere}",
            p.bold,
            h.name,
            p.reset,
            colour,
            status,
            p.reset,
            short_id(&h.id),
            h.branch.as_deref().unwrap_or("(detached)"),
            h.events,
            short_time(&h.updated),
            intent,
        );
    }
    s
}
