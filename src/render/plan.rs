//! The plan in force as `status` and `resume` show it: its title and
//! progress, its next open steps, and (for `resume`) its beginning.

use std::fmt::Write;

use super::{esc, esc_line, Palette};
use crate::session::plan::PlanExcerpt;

/// What follows the TL;DR's `Plan:` line: the next open steps, or with
/// `text` the beginning of the markdown and how to see the rest.
pub(crate) fn plan_excerpt(plan: &PlanExcerpt, text: bool, p: Palette) -> String {
    let mut s = String::new();
    if let Some(err) = &plan.error {
        let _ = writeln!(s, "  {}(the plan cannot be read: {}){}", p.red, esc_line(err), p.reset);
        return s;
    }
    if text {
        // Under the TL;DR's `Plan:` line, indented.
        for line in plan.text.lines() {
            if line.trim().is_empty() {
                s.push('\n');
            } else {
                let _ = writeln!(s, "  {}", esc(line));
            }
        }
        if plan.more_lines > 0 {
            let _ = writeln!(
                s,
                "  {}… ({} more lines: git session plan show){}",
                p.dim, plan.more_lines, p.reset
            );
        }
        return s;
    }
    for step in &plan.next {
        let _ = writeln!(s, "  [ ] {}. {}", step.number, esc_line(&step.text));
    }
    let open = plan.total.saturating_sub(plan.done) as usize;
    if open > plan.next.len() {
        let _ = writeln!(
            s,
            "  {}… and {} more open (`git session plan show`){}",
            p.dim,
            open - plan.next.len(),
            p.reset
        );
    }
    s
}
