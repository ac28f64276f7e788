//! Reading sessions: heads, the header of each, and the event log.

use anyhow::{Context, Result};
use gix::ObjectId;

use super::refs::{session_id_of, session_ref};
use super::Listed;
use super::Store;
use crate::error::{fail, fail_with_hint};
use crate::session::{read_versioned, Event, ReadError, SessionHeader, SessionId};

/// `event.json` and `session.json` larger than this are refused as corrupt
/// (a writer keeps events far smaller: `append::MAX_EVENT`; older versions
/// wrote events of a few megabytes, which stay readable).
pub(super) const MAX_JSON: u64 = 16 << 20;

/// A session's head commit and the header stored in it.
#[derive(Clone, Debug)]
pub(crate) struct SessionHead {
    pub id: SessionId,
    pub commit: ObjectId,
    pub header: SessionHeader,
}

/// An event together with the commit that carries it.
#[derive(Clone, Debug)]
pub(crate) struct StoredEvent {
    pub commit: ObjectId,
    pub event: Event,
}

/// The parts of an event commit.
pub(super) struct EventCommit {
    pub parents: Vec<ObjectId>,
    pub event: Event,
    pub header: Option<SessionHeader>,
}

impl Store {
    /// The head of session `id`, or `None` if there is no such ref.
    pub(crate) fn head(&self, id: &SessionId) -> Result<Option<SessionHead>> {
        self.head_at(&session_ref(id.as_str()), id)
    }

    /// The head of session `id` that `refname` points at, or `None` if there is no such ref.
    pub(crate) fn head_at(&self, refname: &str, id: &SessionId) -> Result<Option<SessionHead>> {
        let Some(commit) = self.ref_target(refname)? else {
            return Ok(None);
        };
        let header = self.read_header_at(refname, commit)?;
        Ok(Some(SessionHead {
            id: id.clone(),
            commit,
            header,
        }))
    }

    /// Finds a session by id, name, or a unique prefix of either. A full id
    /// wins over a name.
    pub(crate) fn resolve(&self, spec: &str) -> Result<SessionHead> {
        self.resolve_archived_too(spec, true)
    }

    /// [`Store::resolve`] without the warning that a session is archived,
    /// for `push` and `fetch`, which carry archived sessions when named.
    pub(crate) fn resolve_quietly(&self, spec: &str) -> Result<SessionHead> {
        self.resolve_archived_too(spec, false)
    }

    fn resolve_archived_too(&self, spec: &str, warn: bool) -> Result<SessionHead> {
        // A whole id needs no listing: it wins over names anyway.
        if let Ok(id) = SessionId::parse(spec) {
            if self.ref_target(&session_ref(spec))?.is_some() {
                if let Some(head) = self.head(&id)? {
                    return Ok(head);
                }
            }
        }
        let listed = self.list()?;
        // (id, name) of every session, readable or not: a session that
        // cannot be read is still found, and `head` then reports why.
        let candidates: Vec<(&str, &str)> = listed
            .iter()
            .filter_map(|l| match l {
                Listed::Ok(h) => Some((h.id.as_str(), h.name.as_str())),
                Listed::Broken { refname, name, .. } => {
                    session_id_of(refname).map(|id| (id, name.as_deref().unwrap_or("")))
                }
            })
            .collect();
        let load = |id: &str| -> Result<SessionHead> {
            let id = SessionId::parse(id).map_err(|err| fail(format!("{}: {err}", session_ref(id))))?;
            self.head(&id)?
                .ok_or_else(|| fail(format!("session {id} disappeared while it was being read")))
        };
        if let Some((id, _)) = candidates.iter().find(|(id, _)| *id == spec) {
            return load(id);
        }
        // A name is unique among the sessions started here, but a fetch can
        // bring another of the same name: then it names neither.
        let named: Vec<&(&str, &str)> = candidates.iter().filter(|(_, name)| *name == spec).collect();
        match named.as_slice() {
            [(id, _)] => return load(id),
            [] => {}
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|(id, name)| format!("  {id} {name} ({})", self.origin(id)))
                    .collect();
                return Err(fail_with_hint(
                    format!("'{spec}' names more than one session:\n{}", names.join("\n")),
                    "name it by its id (or a unique prefix of the id)",
                ));
            }
        }
        let matches: Vec<&(&str, &str)> = candidates
            .iter()
            .filter(|(id, name)| id.starts_with(spec) || (!name.is_empty() && name.starts_with(spec)))
            .collect();
        match matches.as_slice() {
            [(id, _)] => load(id),
            [] => match self.resolve_archived(spec)? {
                Some(head) if !warn => Ok(head),
                Some(head) => {
                    self.warn(&format!(
                        "session '{}' is archived ({}); `git session unarchive {}` brings it back",
                        head.header.name,
                        super::refs::archive_ref(head.id.as_str()),
                        head.id
                    ));
                    Ok(head)
                }
                None => Err(fail_with_hint(
                    format!("no session matches '{spec}'"),
                    "see the sessions with `git session list --all`",
                )),
            },
            many => {
                let names: Vec<String> = many.iter().map(|(id, name)| format!("  {id} {name}")).collect();
                Err(fail_with_hint(
                    format!("'{spec}' is ambiguous; it matches:\n{}", names.join("\n")),
                    "give more characters of the id or the name",
                ))
            }
        }
    }

    /// Where the session `id` comes from, for people: `started here` when
    /// this clone wrote its first event, else the remotes that have it.
    fn origin(&self, id: &str) -> String {
        let Ok(id) = SessionId::parse(id) else {
            return "unreadable".into();
        };
        let journal = self.journal();
        let first = self
            .head(&id)
            .ok()
            .flatten()
            .and_then(|head| self.events(&head).ok())
            .and_then(|events| events.into_iter().next());
        if first.is_some_and(|e| journal.by_this_clone(e.commit)) {
            return "started here".into();
        }
        let remotes: Vec<String> = self
            .all_tracked_sessions()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, i, _)| *i == id)
            .map(|(remote, _, _)| remote)
            .collect();
        if remotes.is_empty() {
            "fetched".into()
        } else {
            format!("from {}", remotes.join(", "))
        }
    }

    /// The `name` in a session head's `session.json`, read leniently, for
    /// naming a session whose head cannot be read in full.
    pub(super) fn lenient_name(&self, commit: ObjectId) -> Option<String> {
        let tree = self.repo.find_commit(commit).ok()?.tree().ok()?;
        let entry = tree.find_entry("session.json")?;
        let blob = entry.object().ok()?;
        let value: serde_json::Value = serde_json::from_slice(&blob.data).ok()?;
        value.get("name")?.as_str().map(str::to_owned)
    }

    /// The header in the event commit `commit` (read for the ref `refname`,
    /// which names it in errors).
    pub(crate) fn header_at(&self, refname: &str, commit: ObjectId) -> Result<SessionHeader> {
        self.read_header_at(refname, commit)
    }

    pub(super) fn read_header_at(&self, refname: &str, commit: ObjectId) -> Result<SessionHeader> {
        let parts = self.read_event_commit(refname, commit, true)?;
        parts
            .header
            .ok_or_else(|| fail(format!("{refname}: commit {commit} has no session.json")))
    }

    /// Reads and validates an event commit.
    pub(super) fn read_event_commit(&self, refname: &str, commit: ObjectId, with_header: bool) -> Result<EventCommit> {
        let not_ours = |why: &str| {
            fail_with_hint(
                format!("{refname} is not a git-session ref ({why} at {commit})"),
                format!("git-session leaves it as it is; `git log {refname}` shows what it holds"),
            )
        };
        let object = self
            .repo
            .find_object(commit)
            .with_context(|| format!("{refname}: cannot read commit {commit}"))?;
        let commit_obj = object.try_into_commit().map_err(|_| not_ours("not a commit"))?;
        let parents: Vec<ObjectId> = commit_obj.parent_ids().map(|id| id.detach()).collect();
        let tree = commit_obj
            .tree()
            .with_context(|| format!("{refname}: cannot read the tree of {commit}"))?;
        let Some(event_bytes) = self.json_blob(refname, commit, &tree, "event.json")? else {
            return Err(not_ours("no event.json"));
        };
        let event = Event::from_json(&event_bytes).map_err(|err| read_error(refname, commit, "event.json", err))?;
        let header = if with_header {
            match self.json_blob(refname, commit, &tree, "session.json")? {
                Some(bytes) => Some(
                    read_versioned::<SessionHeader>(&bytes)
                        .map_err(|err| read_error(refname, commit, "session.json", err))?,
                ),
                None => return Err(not_ours("no session.json")),
            }
        } else {
            None
        };
        Ok(EventCommit { parents, event, header })
    }

    fn json_blob(&self, refname: &str, commit: ObjectId, tree: &gix::Tree<'_>, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(entry) = tree.find_entry(name) else {
            return Ok(None);
        };
        let blob = entry
            .object()
            .with_context(|| format!("{refname}: cannot read {name} of {commit}"))?;
        if blob.data.len() as u64 > MAX_JSON {
            return Err(fail(format!(
                "{refname}: {name} of {commit} is {} bytes, more than the {MAX_JSON} a valid one can have",
                blob.data.len()
            )));
        }
        Ok(Some(blob.detach().data))
    }

    /// The session's events in log order (Lamport clock, then event id),
    /// oldest first. Walks the event parents, never the anchor commits.
    pub(crate) fn events(&self, head: &SessionHead) -> Result<Vec<StoredEvent>> {
        self.events_at(&head.id, head.commit)
    }

    /// The events of session `id` from the event commit `tip`, in log order.
    ///
    /// The event at `tip` must be readable. An older event commit that is
    /// not (no `event.json`, a corrupt or oversized one, a future format)
    /// does not make the session unreadable: it is read around, shown as a
    /// `damaged` event, and the walk goes on through its parents.
    pub(crate) fn events_at(&self, id: &SessionId, tip: ObjectId) -> Result<Vec<StoredEvent>> {
        self.walk_events(id, tip, None)
    }

    /// The events reachable from `from` that are not `stop` or behind it on
    /// the way (the events of `from` that a session at `stop` lacks, when
    /// `from` contains `stop`), in log order.
    pub(super) fn events_between(&self, id: &SessionId, from: ObjectId, stop: ObjectId) -> Result<Vec<StoredEvent>> {
        self.walk_events(id, from, Some(stop))
    }

    fn walk_events(&self, id: &SessionId, tip: ObjectId, stop: Option<ObjectId>) -> Result<Vec<StoredEvent>> {
        let refname = session_ref(id.as_str());
        let mut out = Vec::new();
        let mut seen = gix::hashtable::HashSet::default();
        // (commit, the clock of the event that led here)
        let mut todo = vec![(tip, None::<u64>)];
        while let Some((commit, child_clock)) = todo.pop() {
            if Some(commit) == stop || !seen.insert(commit) {
                continue;
            }
            let (parents, event) = match self.read_event_commit(&refname, commit, false) {
                Ok(parts) => (parts.parents, parts.event),
                Err(err) if commit != tip => self.damaged(commit, child_clock, &err)?,
                Err(err) => return Err(err),
            };
            let anchor = event
                .head
                .as_ref()
                .and_then(|h| ObjectId::from_hex(h.as_str().as_bytes()).ok());
            for parent in parents {
                if Some(parent) != anchor {
                    todo.push((parent, Some(event.clock)));
                }
            }
            out.push(StoredEvent { commit, event });
        }
        out.sort_by(|a, b| (a.event.clock, &a.event.id).cmp(&(b.event.clock, &b.event.id)));
        Ok(out)
    }

    /// The stand-in for an event commit that cannot be read: kind
    /// `damaged`, the reason as its text, the commit's own time, and a clock
    /// just below the event that follows it. Its parents are the commit's
    /// event parents (an anchor cannot be told apart without `event.json`:
    /// it is followed only while it still reads as an event commit).
    fn damaged(
        &self,
        commit: ObjectId,
        child_clock: Option<u64>,
        why: &anyhow::Error,
    ) -> Result<(Vec<ObjectId>, Event)> {
        let object = self
            .repo
            .find_commit(commit)
            .with_context(|| format!("cannot read the event commit {commit}"))?;
        let time = object
            .time()
            .map(|t| crate::session::Timestamp::from_unix(t.seconds, t.offset))
            .unwrap_or_else(|_| crate::session::Timestamp::from_unix(0, 0));
        let parents: Vec<ObjectId> = object
            .parent_ids()
            .map(|p| p.detach())
            .filter(|p| self.is_event_commit(*p))
            .collect();
        let json = serde_json::json!({
            "format": crate::session::FORMAT,
            "id": commit.to_string(),
            "clock": child_clock.map_or(0, |c| c.saturating_sub(1)),
            "kind": "damaged",
            "time": time.to_string(),
            "author": {"name": "", "email": ""},
            "head": null,
            "branch": null,
            "text": format!("this event cannot be read: {}", format!("{why:#}").lines().next().unwrap_or("")),
        });
        let event = Event::from_json(json.to_string().as_bytes()).map_err(|err| fail(format!("{err}")))?;
        Ok((parents, event))
    }

    /// Whether `commit` looks like an event commit (its tree has `event.json` or `session.json`).
    fn is_event_commit(&self, commit: ObjectId) -> bool {
        let Ok(commit) = self.repo.find_commit(commit) else {
            return false;
        };
        let Ok(tree) = commit.tree() else {
            return false;
        };
        tree.find_entry("event.json").is_some() || tree.find_entry("session.json").is_some()
    }
}

/// A document that cannot be read, named by ref, commit and file.
fn read_error(refname: &str, commit: ObjectId, name: &str, err: ReadError) -> anyhow::Error {
    match err {
        ReadError::Future(_) => fail_with_hint(format!("{refname}: {name} of {commit} {err}"), "upgrade git-session"),
        ReadError::Corrupt(_) => fail(format!("{refname}: {name} of {commit} {err}")),
    }
}
