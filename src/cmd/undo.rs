//! `git session undo`: take back the last rewind, restore or undo.
//!
//! Each of those events carries the work tree it replaced (`tree`), the one
//! it left (`after`), the index it replaced and how it moved the branch. Undo
//! puts back the paths that differ between `after` and `tree`, the index
//! entries of those paths and the branch, and is itself recorded the same
//! way: undoing an undo redoes, as in jj and StGit.

use std::collections::HashSet;

use anyhow::Result;
use gix::ObjectId;

use super::rewind::{carry_out, report, Report};
use super::Ctx;
use crate::error::{fail, fail_with_hint};
use crate::rewind::commits::Move;
use crate::rewind::{self, Scope};
use crate::session::{Event, EventKind};
use crate::store::StoredEvent;

/// Arguments of `git session undo` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The rewind, restore or undo to take back: an event id (or its last
    /// digits) or an event commit prefix (default: the latest).
    pub event: Option<String>,
    /// Print what would change and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

fn undoable(e: &StoredEvent) -> bool {
    matches!(
        e.event.known_kind(),
        Some(EventKind::Rewind | EventKind::Restore | EventKind::Undo)
    )
}

fn oid(event: &Event, key: &str) -> Option<ObjectId> {
    event.str_field(key).and_then(|s| ObjectId::from_hex(s.as_bytes()).ok())
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    ctx.store.workdir()?;
    let target = ctx.target()?;
    let events = ctx.store.events(&target.head)?;
    let undone = match &args.event {
        None => events.iter().rev().find(|e| undoable(e)).ok_or_else(|| {
            fail_with_hint(
                format!("session '{}' has nothing to undo", target.head.header.name),
                "undo takes back a `git session rewind`, `restore` or `undo`",
            )
        })?,
        Some(spec) => {
            let spec = spec.trim().to_ascii_lowercase();
            let found: Vec<&StoredEvent> = events
                .iter()
                .filter(|e| {
                    spec.len() >= 4
                        && (e.event.id.starts_with(&spec)
                            || e.event.id.ends_with(&spec)
                            || e.commit.to_string().starts_with(&spec))
                })
                .collect();
            match found.as_slice() {
                [one] if undoable(one) => *one,
                [one] => {
                    return Err(fail(format!(
                        "'{spec}' is a {} event; undo takes back a rewind, restore or undo",
                        one.event.kind
                    )))
                }
                [] => return Err(fail(format!("no event of this session is named '{spec}'"))),
                _ => return Err(fail_with_hint(format!("'{spec}' names more than one event"), "give more digits")),
            }
        }
    };
    let e = &undone.event;
    let (Some(before), Some(after)) = (oid(e, "tree"), oid(e, "after")) else {
        return Err(fail(format!(
            "the {} event {} does not say what it replaced; it cannot be undone",
            e.kind,
            &undone.commit.to_string()[..12]
        )));
    };

    let (event, capture) = ctx.snapshot_event_with_capture(EventKind::Undo)?;
    let repo = &ctx.store.repo;
    let paths: HashSet<_> = rewind::changed_paths(repo, after, before)?.into_iter().collect();
    let plan = rewind::plan(repo, capture.tree, before, &Scope::Paths(paths))?;

    let mut moves = None;
    if let (Some(refname), Some(head_before), Some(head_after)) =
        (e.str_field("ref"), oid(e, "head_before"), oid(e, "head_after"))
    {
        let now = ctx.store.head_state()?.commit;
        if now == Some(head_after) {
            moves = Some(Move {
                refname: refname.to_owned(),
                before: head_after,
                after: head_before,
                undone: Vec::new(),
                created: Vec::new(),
                left: Vec::new(),
            });
        } else {
            eprintln!(
                "warning: {refname} moved since the {}; it stays where it is (it was at {} before)",
                e.kind,
                &head_before.to_string()[..12]
            );
        }
    }

    let what = format!("the {} {}", e.kind, e.text().unwrap_or(""));
    let what = what.trim_end().to_owned();
    let text = format!("of {what}");
    if args.dry_run {
        return report(ctx, &Report::dry("undo", &what, &plan, moves.as_ref()), args.json);
    }
    let event = event
        .with("text", text)
        .with("undoes", e.id.as_str())
        .with("to", before.to_string());
    let done = carry_out(
        ctx,
        &target,
        event,
        capture.index_tree,
        &plan,
        moves.as_ref(),
        oid(e, "index"),
    )?;
    report(ctx, &Report::done("undo", &what, &plan, moves.as_ref(), &done), args.json)
}
