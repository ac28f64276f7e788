//! The table of `git session list`.

use std::fmt::Write;

use super::{short_id, short_time, Palette};
use crate::store::SessionHead;

/// One line per session; `current` gets a `*`.
pub fn list_table(sessions: &[&SessionHead], current: Option<&str>, p: Palette) -> String {
    let width = sessions.iter().map(|h| h.header.name.chars().count()).max().unwrap_or(4).max(4);
    let mut s = String::new();
    for h in sessions {
        let mark = if Some(h.id.as_str()) == current { "*" } else { " " };
        let status = h.header.status.as_str();
        let colour = match status {
            "active" => p.green,
            "paused" => p.yellow,
            _ => p.dim,
        };
        let intent = h.header.intent.as_ref().map(|i| i.text.as_str()).unwrap_or("");
        let intent: String = intent.lines().next().unwrap_or("").chars().take(50).collect();
        let _ = writeln!(
            s,
            "{mark} {}{:<width$}{} {}{:<11}{} {} {:<16} {:>4} ev  {}  {}",
            p.bold,
            h.header.name,
            p.reset,
            colour,
            status,
            p.reset,
            short_id(&h.id),
            h.header.branch.as_deref().unwrap_or("(detached)"),
            h.header.counters.events,
            short_time(&h.header.updated),
            intent,
        );
    }
    s
}
