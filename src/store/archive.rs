//! Archived sessions (docs/design.md §2, "Retention"): a closed session
//! moved from `refs/aura/sessions/<id>` to `refs/aura/archive/<id>`, its
//! head commit unchanged, so it stays reachable (git's gc keeps it) but is
//! out of `list`, of name resolution among live sessions and of the default
//! push and fetch refspecs. Also the one rewrite of a session's history this
//! program does: `gc --squash` drops intermediate snapshots from an
//! archived session's event commits.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::merge::Merged;
use super::refs::{
    archive_id_of, archive_ref, remote_archive_ref, session_ref, Expect, NewValue, RefChange, ARCHIVE_PREFIX,
};
use super::{object_id, Listed, SessionHead, Store};
use crate::error::{fail, fail_with_hint};
use crate::session::{Body, Event, EventKind, Person, SessionId, Timestamp};

/// What `gc --squash` did to one archived session.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Squashed {
    /// Events whose snapshot was dropped (their `event.json` stays).
    pub snapshots_dropped: u64,
    /// Event commits written anew (the ones after the first dropped snapshot).
    pub commits_rewritten: u64,
    /// Trees and blobs only the dropped snapshots held, with the event
    /// commits they replace: what git's gc can prune once no other ref
    /// (a remote-tracking session ref, a stash) holds them.
    pub objects_freed: u64,
    /// Their size as git stores them uncompressed.
    pub bytes_freed: u64,
    /// The event commits and event trees written in their place (the net
    /// change in objects is `objects_freed − objects_written`).
    pub objects_written: u64,
}

impl Store {
    /// The head of the archived session `id`, or `None` when it is not archived.
    pub(crate) fn archived_head(&self, id: &SessionId) -> Result<Option<SessionHead>> {
        self.head_at(&archive_ref(id.as_str()), id)
    }

    /// Whether the archived session `id` has every event of the event commit `theirs`
    /// (`None`: it is not archived). What a fetch checks before it would
    /// bring back as live a session archived here.
    pub(crate) fn archived_contains(&self, id: &SessionId, theirs: ObjectId) -> Result<Option<bool>> {
        let Some(ours) = self.ref_target(&archive_ref(id.as_str()))? else {
            return Ok(None);
        };
        if ours == theirs {
            return Ok(Some(true));
        }
        // By event id, not commit: `gc --squash` rewrites the commits.
        let have: HashSet<String> = self
            .events_at(id, ours)?
            .into_iter()
            .map(|e| e.event.id.to_string())
            .collect();
        let theirs = self.events_at(id, theirs)?;
        Ok(Some(theirs.iter().all(|e| have.contains(e.event.id.as_str()))))
    }

    /// What `remote`'s `refs/aura/archive/<id>` held when last pushed to or fetched.
    pub(crate) fn archive_tracking(&self, remote: &str, id: &SessionId) -> Result<Option<ObjectId>> {
        self.ref_target(&remote_archive_ref(remote, id.as_str()))
    }

    /// Notes `commit` as what `remote`'s `refs/aura/archive/<id>` holds.
    pub(crate) fn set_archive_tracking(&self, remote: &str, id: &SessionId, commit: ObjectId) -> Result<()> {
        let name = remote_archive_ref(remote, id.as_str());
        self.edit_ref_or_fail(RefChange::set(&name, Expect::Anything, commit))
    }

    /// Brings `theirs`, an archived session's head fetched from `from`,
    /// here: into the live session when it is live here (a merge as any
    /// fetch does), else into `refs/aura/archive/<id>` — created, left when
    /// it has every event of `theirs`, moved when `theirs` has every event
    /// of it; two archives that each lack events of the other (one was
    /// squashed and the other appended to) are left as they are.
    pub(crate) fn land_archived(
        &self,
        id: &SessionId,
        theirs: ObjectId,
        from: &str,
        author: &Person,
        time: &Timestamp,
    ) -> Result<Merged> {
        if self.ref_target(&session_ref(id.as_str()))?.is_some() {
            return self.merge_in(id, theirs, from, author, time);
        }
        let refname = archive_ref(id.as_str());
        let header = self.read_header_at(&refname, theirs)?;
        if header.id != *id {
            return Err(fail(format!(
                "{refname}: the fetched head {theirs} belongs to session {}, not {id}",
                header.id
            )));
        }
        let Some(ours) = self.ref_target(&refname)? else {
            self.edit_ref_or_fail(RefChange::set(&refname, Expect::Absent, theirs))?;
            return Ok(Merged::Created);
        };
        if self.archived_contains(id, theirs)? == Some(true) {
            return Ok(Merged::UpToDate);
        }
        let theirs_ids: HashSet<String> = self
            .events_at(id, theirs)?
            .into_iter()
            .map(|e| e.event.id.to_string())
            .collect();
        if self
            .events_at(id, ours)?
            .iter()
            .all(|e| theirs_ids.contains(e.event.id.as_str()))
        {
            self.edit_ref_or_fail(RefChange::set(&refname, Expect::Exactly(ours), theirs))?;
            return Ok(Merged::FastForward);
        }
        Err(fail_with_hint(
            format!(
                "the archived session {id} here and on {from} each have events the other lacks; it was left as it was"
            ),
            format!("`git session unarchive {id}`, then fetch it again, merges them"),
        ))
    }

    /// Every ref under `refs/aura/archive/`, sorted by id. Archived sessions
    /// are read without the listing cache: they are listed only on request.
    pub(crate) fn list_archived(&self) -> Result<Vec<Listed>> {
        let mut out = Vec::new();
        for (refname, commit) in self.refs_under(ARCHIVE_PREFIX)? {
            let Some(id) = archive_id_of(&refname) else { continue };
            let id = match SessionId::parse(id) {
                Ok(id) => id,
                Err(err) => {
                    out.push(Listed::Broken {
                        refname,
                        error: err.to_string(),
                        name: None,
                    });
                    continue;
                }
            };
            out.push(self.listed_at(refname, &id, commit));
        }
        out.sort_by(|a, b| key(a).cmp(key(b)));
        Ok(out)
    }

    /// The archived session `spec` names (its id, name, or a unique prefix
    /// of either), `None` when it names none; an ambiguous prefix is an error.
    pub(crate) fn resolve_archived(&self, spec: &str) -> Result<Option<SessionHead>> {
        // A whole id needs one ref read, not every archived header.
        if let Ok(id) = SessionId::parse(spec) {
            if let Some(head) = self.archived_head(&id)? {
                return Ok(Some(head));
            }
        }
        let listed = self.list_archived()?;
        let candidates: Vec<(&str, &str)> = listed
            .iter()
            .filter_map(|l| match l {
                Listed::Ok(s) => Some((s.id.as_str(), s.name.as_str())),
                Listed::Broken { .. } => None,
            })
            .collect();
        let exact: Vec<&(&str, &str)> = candidates.iter().filter(|(id, _)| *id == spec).collect();
        let named: Vec<&(&str, &str)> = candidates.iter().filter(|(_, name)| *name == spec).collect();
        let prefixed: Vec<&(&str, &str)> = candidates
            .iter()
            .filter(|(id, name)| id.starts_with(spec) || (!name.is_empty() && name.starts_with(spec)))
            .collect();
        let found = [exact, named, prefixed].into_iter().find(|m| !m.is_empty());
        match found.as_deref() {
            None => Ok(None),
            Some([(id, _)]) => {
                let id = SessionId::parse(id).map_err(|err| fail(format!("{}: {err}", archive_ref(id))))?;
                self.archived_head(&id)
            }
            Some(many) => {
                let names: Vec<String> = many.iter().map(|(id, name)| format!("  {id} {name}")).collect();
                Err(fail_with_hint(
                    format!(
                        "'{spec}' is ambiguous; it matches these archived sessions:\n{}",
                        names.join("\n")
                    ),
                    "give more characters of the id or the name",
                ))
            }
        }
    }

    /// Moves a live session to `refs/aura/archive/<id>`: the archive ref is
    /// created first (the head is reachable at every moment), then the live
    /// ref is deleted if it still holds `head.commit`; when it moved, the
    /// archive ref is taken back and nothing has changed.
    ///
    /// A move interrupted after the archive ref was written leaves both refs;
    /// when the archived copy holds every event of the live one (it may have
    /// been squashed since), archiving again finishes the move: only the
    /// live ref is deleted.
    pub(crate) fn archive(&self, head: &SessionHead) -> Result<()> {
        let live = session_ref(head.id.as_str());
        let archived = archive_ref(head.id.as_str());
        let already = self.ref_target(&archived)?;
        if already.is_some_and(|c| c != head.commit) && self.archived_contains(&head.id, head.commit)? == Some(true) {
            return self
                .edit_ref_or_fail(RefChange {
                    name: &live,
                    expect: Expect::Exactly(head.commit),
                    new: NewValue::Deleted,
                    reflog: None,
                    through: false,
                })
                .with_context(|| format!("cannot archive session '{}'", head.header.name));
        }
        self.move_ref(&live, &archived, head)
            .with_context(|| format!("cannot archive session '{}'", head.header.name))
    }

    /// Moves an archived session back to `refs/aura/sessions/<id>`, the same way.
    pub(crate) fn unarchive(&self, head: &SessionHead) -> Result<()> {
        let live = session_ref(head.id.as_str());
        let archived = archive_ref(head.id.as_str());
        if self.ref_target(&live)?.is_some() {
            return Err(fail_with_hint(
                format!(
                    "session '{}' is archived, and {live} exists too (a fetch brought it back); nothing was changed",
                    head.header.name
                ),
                format!("compare them with `git log {live} {archived}`"),
            ));
        }
        self.move_ref(&archived, &live, head)
            .with_context(|| format!("cannot unarchive session '{}'", head.header.name))
    }

    fn move_ref(&self, from: &str, to: &str, head: &SessionHead) -> Result<()> {
        match self.ref_target(to)? {
            None => self.edit_ref_or_fail(RefChange::set(to, Expect::Absent, head.commit))?,
            Some(c) if c == head.commit => {}
            Some(_) => {
                return Err(fail(format!(
                    "{to} exists already and holds another commit; nothing was changed"
                )))
            }
        }
        let delete = RefChange {
            name: from,
            expect: Expect::Exactly(head.commit),
            new: NewValue::Deleted,
            reflog: None,
            through: false,
        };
        if let Err(err) = self.edit_ref(delete)? {
            let undo = RefChange {
                name: to,
                expect: Expect::Exactly(head.commit),
                new: NewValue::Deleted,
                reflog: None,
                through: false,
            };
            let _ = self.edit_ref(undo);
            return Err(anyhow::Error::new(err).context(format!(
                "{from} moved while it was being moved to {to}; nothing was changed"
            )));
        }
        Ok(())
    }

    /// Deletes the archived session's ref (if it still holds `head.commit`).
    /// Its objects are left to git's gc.
    pub(crate) fn delete_archived(&self, head: &SessionHead) -> Result<()> {
        let name = archive_ref(head.id.as_str());
        self.edit_ref_or_fail(RefChange {
            name: &name,
            expect: Expect::Exactly(head.commit),
            new: NewValue::Deleted,
            reflog: None,
            through: false,
        })
    }

    /// Drops the intermediate snapshots of an archived session: the
    /// `worktree/` and `staged/` entries of its `snapshot`, `handoff` and
    /// `close` event commits, except the latest snapshot, the base snapshot,
    /// and every snapshot a `rewind`, `restore` or `undo` refers to (its
    /// target event, the tree it asked for, replaced or left). `start`,
    /// `fork`, `intent`, `checkpoint`, `rewind`, `restore` and `undo` keep
    /// theirs, so each of them can still be rewound to. Every `event.json`
    /// and `session.json` stays byte for byte; commits before the first
    /// dropped snapshot keep their ids, later ones are written anew with the
    /// same author, committer and message (a signature is dropped), and the
    /// archive ref moves by compare-and-swap. With `dry_run` nothing is
    /// written and the counts say what would be freed.
    pub(crate) fn squash_archived(&self, head: &SessionHead, dry_run: bool) -> Result<Squashed> {
        let refname = archive_ref(head.id.as_str());
        let events = self.events_at(&head.id, head.commit)?;
        let drop = snapshots_to_drop(&events, head);
        let mut result = Squashed::default();
        if drop.is_empty() {
            return Ok(result);
        }
        let by_commit: HashMap<ObjectId, &Event> = events.iter().map(|e| (e.commit, &e.event)).collect();
        // Rewrite parents before children, without recursion (a session may
        // hold many thousands of events).
        let mut rewritten: HashMap<ObjectId, ObjectId> = HashMap::new();
        // The commits that change (written anew, or that would be on a dry run).
        let mut dirty: HashSet<ObjectId> = HashSet::new();
        let mut replaced_bytes = 0;
        let mut todo = vec![(head.commit, false)];
        while let Some((commit, parents_done)) = todo.pop() {
            if rewritten.contains_key(&commit) {
                continue;
            }
            let object = self
                .repo
                .find_commit(commit)
                .with_context(|| format!("cannot read the event commit {commit}"))?;
            let mut owned = object
                .decode()
                .and_then(|c| c.into_owned())
                .with_context(|| format!("cannot read the event commit {commit}"))?;
            if !parents_done {
                todo.push((commit, true));
                for p in owned.parents.iter().filter(|p| by_commit.contains_key(*p)) {
                    todo.push((*p, false));
                }
                continue;
            }
            let mut changed = false;
            for p in owned.parents.iter_mut() {
                changed |= dirty.contains(p);
                if let Some(new) = rewritten.get(p) {
                    *p = *new;
                }
            }
            let mut tree = None;
            if drop.contains(&commit) {
                let mut t = self
                    .repo
                    .find_tree(owned.tree)
                    .context("cannot read an event tree")?
                    .decode()
                    .context("cannot read an event tree")?
                    .into_owned();
                let before = t.entries.len();
                t.entries.retain(|e| e.filename != "worktree" && e.filename != "staged");
                // Squashed before: nothing left to drop.
                tree = (t.entries.len() != before).then_some(t);
            }
            if let Some(tree) = tree {
                owned.tree = if dry_run {
                    owned.tree
                } else {
                    self.repo
                        .write_object(&tree)
                        .context("cannot write an object")?
                        .detach()
                };
                result.snapshots_dropped += 1;
                replaced_bytes += self
                    .repo
                    .find_header(object.tree_id()?.detach())
                    .map(|h| h.size())
                    .unwrap_or(0);
                changed = true;
            }
            let new = if !changed {
                commit
            } else {
                result.commits_rewritten += 1;
                dirty.insert(commit);
                replaced_bytes += object.data.len() as u64;
                owned
                    .extra_headers
                    .retain(|(k, _)| k != "gpgsig" && k != "gpgsig-sha256");
                if dry_run {
                    commit
                } else {
                    self.repo
                        .write_object(&owned)
                        .context("cannot write an object")?
                        .detach()
                }
            };
            rewritten.insert(commit, new);
        }
        let (objects, bytes) = self.freed_by(&events, &drop)?;
        result.objects_freed = objects + result.commits_rewritten + result.snapshots_dropped;
        result.objects_written = result.commits_rewritten + result.snapshots_dropped;
        result.bytes_freed = bytes + replaced_bytes;
        if dry_run {
            return Ok(result);
        }
        // Before the ref moves, as for every append: what the journal vouched
        // for (undo, rewind --commits) it vouches for in the new commits too.
        let journaled: Vec<(ObjectId, ObjectId, String)> = rewritten
            .iter()
            .filter(|(old, new)| old != new)
            .filter_map(|(old, new)| Some((*old, *new, by_commit.get(old)?.kind().to_owned())))
            .collect();
        self.journal_rewritten(&journaled)?;
        let new_head = rewritten.get(&head.commit).copied().unwrap_or(head.commit);
        self.edit_ref_or_fail(RefChange::set(&refname, Expect::Exactly(head.commit), new_head))?;
        Ok(result)
    }

    /// The trees and blobs (count, bytes) under the dropped snapshots that no
    /// kept tree of the session and no commit it anchors holds.
    fn freed_by(&self, events: &[crate::store::StoredEvent], drop: &HashSet<ObjectId>) -> Result<(u64, u64)> {
        let mut kept = HashSet::new();
        let mut gone_roots = Vec::new();
        for e in events {
            let mut trees: Vec<ObjectId> = Vec::new();
            if let Some(s) = e.event.body.snapshot() {
                let t: Vec<ObjectId> = std::iter::once(&s.tree)
                    .chain(s.staged.as_ref())
                    .filter_map(|t| object_id(t).ok())
                    .collect();
                if drop.contains(&e.commit) {
                    gone_roots.extend(t);
                } else {
                    trees.extend(t);
                }
            }
            if let Body::Rewind(r) | Body::Restore(r) | Body::Undo(r) = &e.event.body {
                trees.extend(
                    [&r.after, &r.to, &r.index]
                        .into_iter()
                        .flatten()
                        .filter_map(|t| object_id(t).ok()),
                );
            }
            if let Some(anchor) = e.event.head.as_ref().and_then(|h| object_id(h).ok()) {
                if let Ok(c) = self.repo.find_commit(anchor) {
                    if let Ok(t) = c.tree_id() {
                        trees.push(t.detach());
                    }
                }
            }
            for t in trees {
                self.collect_objects(t, &mut kept);
            }
        }
        let mut gone = HashSet::new();
        for t in gone_roots {
            self.collect_objects(t, &mut gone);
        }
        let mut bytes = 0;
        let mut count = 0;
        for id in gone.difference(&kept) {
            count += 1;
            bytes += self.repo.find_header(*id).map(|h| h.size()).unwrap_or(0);
        }
        Ok((count, bytes))
    }

    /// Adds `tree` and every tree and blob under it to `into` (subtrees
    /// already there are not walked again; missing objects are skipped).
    fn collect_objects(&self, tree: ObjectId, into: &mut HashSet<ObjectId>) {
        let mut todo = vec![tree];
        while let Some(id) = todo.pop() {
            if !into.insert(id) {
                continue;
            }
            let Ok(tree) = self.repo.find_tree(id) else { continue };
            let Ok(decoded) = tree.decode() else { continue };
            for entry in &decoded.entries {
                let oid = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    todo.push(oid);
                } else if entry.mode.is_blob() || entry.mode.is_link() {
                    into.insert(oid);
                }
            }
        }
    }
}

/// The event commits whose snapshot `gc --squash` drops (see
/// [`Store::squash_archived`]).
fn snapshots_to_drop(events: &[crate::store::StoredEvent], head: &SessionHead) -> HashSet<ObjectId> {
    let mut protected_trees: HashSet<String> = HashSet::new();
    let mut protected_events: HashSet<String> = HashSet::new();
    let h = &head.header;
    for t in [&h.latest_snapshot, &h.base_snapshot, &h.work_base]
        .into_iter()
        .flatten()
    {
        protected_trees.insert(t.to_string());
    }
    for e in events {
        if let Body::Rewind(r) | Body::Restore(r) | Body::Undo(r) = &e.event.body {
            for t in [&r.after, &r.to, &r.index].into_iter().flatten() {
                protected_trees.insert(t.to_string());
            }
            if let Some(s) = &r.snapshot {
                protected_trees.insert(s.tree.to_string());
            }
            for id in [&r.target, &r.undoes].into_iter().flatten() {
                protected_events.insert(id.to_string());
            }
        }
    }
    // The latest snapshot-carrying event keeps its snapshot too.
    let latest = events
        .iter()
        .rev()
        .find(|e| e.event.body.snapshot().is_some())
        .map(|e| e.commit);
    events
        .iter()
        .filter(|e| {
            matches!(
                e.event.known_kind(),
                Some(EventKind::Snapshot | EventKind::Handoff | EventKind::Close)
            )
        })
        .filter(|e| Some(e.commit) != latest && !protected_events.contains(e.event.id.as_str()))
        .filter(|e| {
            e.event
                .body
                .snapshot()
                .is_some_and(|s| !protected_trees.contains(&s.tree.to_string()))
        })
        .map(|e| e.commit)
        .collect()
}

fn key(l: &Listed) -> &str {
    match l {
        Listed::Ok(s) => s.id.as_str(),
        Listed::Broken { refname, .. } => refname,
    }
}
