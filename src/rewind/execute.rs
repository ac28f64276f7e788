//! Carrying out a planned rewind, restore or undo, in the order that makes
//! it undoable at every step (invariant 6): the event that records the work
//! tree being replaced lands first, then the branch moves, then files are
//! removed and written, then the index follows.

use anyhow::Result;
use bstr::BString;
use gix::ObjectId;

use super::commits::Move;
use super::Plan;
use crate::session::event::CommitLine;
use crate::session::{Body, Event};
use crate::store::{oid, SessionHead, Store, Target};

/// What to carry out.
pub(crate) struct Execution<'a> {
    /// The `rewind`, `restore` or `undo` event, its snapshot (the work tree
    /// it replaces) and its own fields set; what the plan and the branch
    /// move say is added here.
    pub event: Event,
    /// The user's index as a tree before the operation.
    pub index_tree: Option<ObjectId>,
    pub plan: &'a Plan,
    pub moves: Option<&'a Move>,
    /// The tree the index entries of the changed paths come from (undo: the
    /// index the undone event replaced); HEAD's tree, after the move, when `None`.
    pub index_source: Option<ObjectId>,
}

/// What a finished operation did.
pub(crate) struct Done {
    pub head: SessionHead,
    pub event: Event,
}

/// Records the event (the work tree it replaces, the plan, the branch move),
/// then moves the branch, writes the files and updates the index.
pub(crate) fn execute(store: &Store, target: &Target, run: Execution<'_>) -> Result<Done> {
    store.check_index_unlocked()?;
    let Execution {
        mut event,
        index_tree,
        plan,
        moves,
        index_source,
    } = run;
    if let Body::Rewind(r) | Body::Restore(r) | Body::Undo(r) = &mut event.body {
        r.after = Some(oid(plan.after));
        r.index = index_tree.map(oid);
        r.written = plan.write.len() as u64;
        r.removed = plan.remove.len() as u64;
        if let Some(m) = moves {
            r.refname = Some(m.refname.clone());
            r.head_before = Some(oid(m.before));
            r.head_after = Some(oid(m.after));
            r.undone = Some(
                m.undone
                    .iter()
                    .map(|c| CommitLine {
                        commit: c.commit.clone(),
                        subject: c.subject.clone(),
                    })
                    .collect(),
            );
            r.created = Some(m.created.iter().copied().map(oid).collect());
        }
    }
    let (head, landed) = store.record(target, vec![event])?;
    let event = landed.into_iter().last().expect("the event just recorded");

    let mut index_paths: Vec<BString> = plan.changed_paths();
    if let Some(m) = moves {
        let why = format!("git-session {}: {}", event.kind(), event.summary());
        store.move_head(&m.refname, m.before, m.after, &why)?;
        index_paths.extend(super::changed_paths(
            store,
            store.tree_of(m.before)?,
            store.tree_of(m.after)?,
        )?);
        index_paths.sort();
        index_paths.dedup();
    }
    super::apply(store, plan)?;
    let source = match index_source {
        Some(tree) => Some(tree),
        None => store.head_tree()?,
    };
    super::index::follow(store, &index_paths, source, plan.after)?;
    Ok(Done { head, event })
}
