//! What `rewind`, `restore` and `undo` print: the files line by line for a
//! dry run, a summary otherwise, and how the branch moved.

use crate::rewind::commits::Listed;
use crate::rewind::report::Rewound;
use crate::session::text;

/// The report of one operation, for stdout.
pub(crate) fn rewound(r: &Rewound) -> String {
    let mut s = String::new();
    let verb = match r.operation {
        "rewind" => "Rewound",
        "restore" => "Restored",
        _ => "Undid",
    };
    if r.dry_run {
        s.push_str(&format!("Would {} {}:\n", r.operation, super::esc_line(&r.what)));
        for (tag, list) in [("write", &r.write), ("add", &r.add), ("remove", &r.remove)] {
            for p in list {
                s.push_str(&format!("  {tag:<7} {}\n", super::esc_line(p)));
            }
        }
        if r.changes() == 0 {
            s.push_str("  no file changes\n");
        }
    } else if r.event.is_none() {
        s.push_str(&format!(
            "Nothing to {}: the work tree already matches {}.\n",
            r.operation,
            super::esc_line(r.what.strip_prefix("to ").unwrap_or(&r.what))
        ));
    } else {
        s.push_str(&format!(
            "{verb} {}: {} written, {} removed.\n",
            super::esc_line(&r.what),
            plural(r.write.len() + r.add.len(), "file"),
            r.remove.len()
        ));
    }
    for skip in &r.skipped {
        s.push_str(&format!(
            "  left alone: {} ({})\n",
            super::esc_line(&skip.path),
            skip.why
        ));
    }
    if let Some(c) = &r.commits {
        let (revert, moved) = if r.dry_run {
            ("would revert", "would move")
        } else {
            ("reverted", "moved")
        };
        let (reference, before, after) = (&c.refname, text::prefix(&c.before, 7), text::prefix(&c.after, 7));
        if !c.created.is_empty() {
            s.push_str(&format!(
                "Commits: {revert} {} of this session:\n",
                plural(c.undone.len(), "commit")
            ));
        } else if !c.undone.is_empty() {
            s.push_str(&format!(
                "Commits: {moved} {reference} from {before} to {after}, dropping {}:\n",
                plural(c.undone.len(), "commit")
            ));
        } else {
            s.push_str(&format!("Commits: {moved} {reference} from {before} to {after}.\n"));
        }
        for commit in &c.undone {
            s.push_str(&format!("  {}\n", one_commit(commit)));
        }
        for commit in &c.left {
            s.push_str(&format!(
                "  left alone (not this session's, or a merge): {}\n",
                one_commit(commit)
            ));
        }
    }
    s
}

fn one_commit(c: &Listed) -> String {
    format!("{} {}", text::prefix(&c.commit, 7), super::esc_line(&c.subject))
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
