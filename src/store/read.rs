//! Reading sessions: heads, the header of each, and the event log.

use anyhow::{Context, Result};
use gix::ObjectId;

use super::refs::{session_id_of, session_ref};
use super::Listed;
use super::Store;
use crate::error::{fail, fail_with_hint};
use crate::session::{Event, SessionHeader, FORMAT};

/// `event.json` and `session.json` larger than this are refused as corrupt.
const MAX_JSON: u64 = 1 << 20;

/// A session's head commit and the header stored in it.
#[derive(Clone, Debug)]
pub struct SessionHead {
    pub id: String,
    pub commit: ObjectId,
    pub header: SessionHeader,
}

/// An event together with the commit that carries it.
#[derive(Clone, Debug)]
pub struct StoredEvent {
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
    pub fn head(&self, id: &str) -> Result<Option<SessionHead>> {
        let refname = session_ref(id);
        let Some(commit) = self.ref_target(&refname)? else {
            return Ok(None);
        };
        let header = self.read_header_at(&refname, commit)?;
        Ok(Some(SessionHead {
            id: id.to_owned(),
            commit,
            header,
        }))
    }

    /// The commit a ref points at, `None` if the ref does not exist.
    pub(super) fn ref_target(&self, refname: &str) -> Result<Option<ObjectId>> {
        let r = self
            .repo
            .try_find_reference(refname)
            .with_context(|| format!("cannot read {refname}"))?;
        Ok(r.and_then(|r| r.target().try_id().map(ToOwned::to_owned)))
    }

    /// Finds a session by id, name, or a unique prefix of either.
    pub fn resolve(&self, spec: &str) -> Result<SessionHead> {
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
            self.head(id)?
                .ok_or_else(|| fail(format!("session {id} disappeared while it was being read")))
        };
        if let Some((id, _)) = candidates.iter().find(|(id, name)| *id == spec || *name == spec) {
            return load(id);
        }
        let matches: Vec<&(&str, &str)> = candidates
            .iter()
            .filter(|(id, name)| id.starts_with(spec) || (!name.is_empty() && name.starts_with(spec)))
            .collect();
        match matches.as_slice() {
            [(id, _)] => load(id),
            [] => Err(fail_with_hint(
                format!("no session matches '{spec}'"),
                "see the sessions with `git session list --all`",
            )),
            many => {
                let names: Vec<String> = many.iter().map(|(id, name)| format!("  {id} {name}")).collect();
                Err(fail_with_hint(
                    format!("'{spec}' is ambiguous; it matches:\n{}", names.join("\n")),
                    "give more characters of the id or the name",
                ))
            }
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

    /// The header stored in the event commit `commit` of `refname`.
    /// The header in the event commit `commit` (read for the ref `refname`,
    /// which names it in errors).
    pub fn header_at(&self, refname: &str, commit: ObjectId) -> Result<SessionHeader> {
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
                format!("if it belongs to another tool, move it out of refs/aura/sessions/ (`git update-ref -d {refname}` deletes it)"),
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
        let event_blob = self.json_blob(refname, commit, &tree, "event.json")?;
        let Some(event_bytes) = event_blob else {
            return Err(not_ours("no event.json"));
        };
        let event = parse_versioned::<Event>(refname, commit, "event.json", &event_bytes)?;
        let header = if with_header {
            match self.json_blob(refname, commit, &tree, "session.json")? {
                Some(bytes) => Some(parse_versioned::<SessionHeader>(
                    refname,
                    commit,
                    "session.json",
                    &bytes,
                )?),
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
    pub fn events(&self, head: &SessionHead) -> Result<Vec<StoredEvent>> {
        self.events_at(&head.id, head.commit)
    }

    /// The events of session `id` from the event commit `tip`, in log order.
    pub fn events_at(&self, id: &str, tip: ObjectId) -> Result<Vec<StoredEvent>> {
        let refname = session_ref(id);
        let mut out = Vec::new();
        let mut seen = gix::hashtable::HashSet::default();
        let mut todo = vec![tip];
        while let Some(commit) = todo.pop() {
            if !seen.insert(commit) {
                continue;
            }
            let parts = self.read_event_commit(&refname, commit, false)?;
            let anchor = parts
                .event
                .head
                .as_deref()
                .and_then(|h| ObjectId::from_hex(h.as_bytes()).ok());
            for parent in parts.parents {
                if Some(parent) != anchor {
                    todo.push(parent);
                }
            }
            out.push(StoredEvent {
                commit,
                event: parts.event,
            });
        }
        out.sort_by(|a, b| (a.event.clock, &a.event.id).cmp(&(b.event.clock, &b.event.id)));
        Ok(out)
    }
}

/// Parses a JSON document that carries `"format"`, refusing future formats
/// and corrupt data with a message naming the ref and commit.
fn parse_versioned<T: serde::de::DeserializeOwned>(
    refname: &str,
    commit: ObjectId,
    name: &str,
    bytes: &[u8],
) -> Result<T> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|err| fail(format!("{refname}: {name} of {commit} is corrupt: {err}")))?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    match format {
        Some(f) if f > u64::from(FORMAT) => {
            return Err(fail_with_hint(
                format!("{refname}: {name} of {commit} has format {f}, newer than the {FORMAT} this git-session reads"),
                "upgrade git-session",
            ))
        }
        None => {
            return Err(fail(format!(
                "{refname}: {name} of {commit} is corrupt: no \"format\" field"
            )))
        }
        _ => {}
    }
    serde_json::from_value(value).map_err(|err| fail(format!("{refname}: {name} of {commit} is corrupt: {err}")))
}
