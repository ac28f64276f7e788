//! Bringing a session's head from elsewhere (a fetch) into the local ref
//! (docs/design.md invariant 5): a new session is created, a head that contains
//! the local one is fast-forwarded to, and diverged heads are joined by a
//! `merge` event whose parents are both heads and whose header is the fold
//! of the union of their events, ordered by (Lamport clock, event id). No
//! local event is ever dropped, and the ref moves by compare-and-swap.

use std::collections::HashSet;

use anyhow::Result;
use gix::ObjectId;

use super::refs::session_ref;
use super::{oid, Store};
use crate::error::fail;
use crate::session::event::Merge;
use crate::session::{Body, Event, Person, SessionHeader, SessionId, Timestamp};

/// What [`Store::merge_in`] did to the local ref.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Merged {
    /// The local ref already contains the other head.
    UpToDate,
    /// The session was not here; the ref was created.
    Created,
    /// The other head contains the local one; the ref moved to it.
    FastForward,
    /// Both had events the other lacked; a `merge` event joins them.
    Merged {
        commit: String,
        /// Events that came from the other head.
        added: usize,
    },
}

/// How many times a merge is redone when the local ref moves meanwhile.
const ATTEMPTS: usize = 5;

impl Store {
    /// Brings `theirs` (an event commit of session `id`, fetched from
    /// `from`) into the local ref of the session.
    pub(crate) fn merge_in(
        &self,
        id: &SessionId,
        theirs: ObjectId,
        from: &str,
        author: &Person,
        time: &Timestamp,
    ) -> Result<Merged> {
        let refname = session_ref(id.as_str());
        for _ in 0..ATTEMPTS {
            let local = self.ref_target(&refname)?;
            let (result, new) = match local {
                // Archived here: it stays archived (docs/design.md, "Retention").
                None => match self.archived_contains(id, theirs)? {
                    Some(true) => return Ok(Merged::UpToDate),
                    Some(false) => return Err(crate::error::fail_with_hint(
                        format!("session {id} is archived here, and {from} has events the archive lacks; it was left as it was"),
                        format!("`git session unarchive {id}`, then fetch again, merges them"),
                    )),
                    None => (Merged::Created, theirs),
                },
                Some(ours) if ours == theirs => return Ok(Merged::UpToDate),
                Some(ours) => match self.merge_base(ours, theirs)? {
                    Some(base) if base == theirs => return Ok(Merged::UpToDate),
                    Some(base) if base == ours => {
                        self.check_new_events(id, theirs, ours)?;
                        (Merged::FastForward, theirs)
                    }
                    _ => {
                        let (commit, added) = self.write_merge(id, ours, theirs, from, author, time)?;
                        (
                            Merged::Merged {
                                commit: commit.to_string(),
                                added,
                            },
                            commit,
                        )
                    }
                },
            };
            // The other head must be a readable session of the same id before
            // it becomes ours.
            if new == theirs {
                let header = self.read_header_at(&refname, theirs)?;
                if header.id != *id {
                    return Err(fail(format!(
                        "{refname}: the fetched head {theirs} belongs to session {}, not {id}",
                        header.id
                    )));
                }
                check_name(&refname, &header.name)?;
            }
            match self.compare_and_swap(&refname, local, new)? {
                Ok(_) => return Ok(result),
                Err(_) if self.ref_target(&refname)? != local => continue,
                Err(err) => return Err(anyhow::Error::new(err).context(format!("cannot update {refname}"))),
            }
        }
        Err(fail(format!("cannot merge into {refname}: it kept moving")))
    }

    /// Checks the events of `theirs` that `ours` does not have before they
    /// become ours: their Lamport clocks cannot run further ahead of ours
    /// than there are new events (every event adds one to the clock of what
    /// it follows), and the names they give the session are names.
    fn check_new_events(&self, id: &SessionId, theirs: ObjectId, ours: ObjectId) -> Result<()> {
        let refname = session_ref(id.as_str());
        let local_clock = self.read_header_at(&refname, ours)?.clock;
        let new = self.events_between(id, theirs, ours)?;
        check_clocks(&refname, local_clock, new.iter().map(|e| e.event.clock))?;
        for e in &new {
            if let Body::Rename(r) = &e.event.body {
                check_name(&refname, &r.name)?;
            }
        }
        Ok(())
    }

    fn merge_base(&self, a: ObjectId, b: ObjectId) -> Result<Option<ObjectId>> {
        Ok(self.repo.merge_base(a, b).ok().flatten().map(|id| id.detach()))
    }

    /// Writes the merge event of two diverged heads; returns it and the
    /// number of events that came from `theirs`.
    fn write_merge(
        &self,
        id: &SessionId,
        ours: ObjectId,
        theirs: ObjectId,
        from: &str,
        author: &Person,
        time: &Timestamp,
    ) -> Result<(ObjectId, usize)> {
        let mine = self.events_at(id, ours)?;
        let other = self.events_at(id, theirs)?;
        let known: HashSet<&str> = mine.iter().map(|e| e.event.id.as_str()).collect();
        let mut union: Vec<&Event> = mine.iter().map(|e| &e.event).collect();
        let added: Vec<&Event> = other
            .iter()
            .map(|e| &e.event)
            .filter(|e| !known.contains(e.id.as_str()))
            .collect();
        let count = added.len();
        let local_clock = mine.iter().map(|e| e.event.clock).max().unwrap_or(0);
        check_clocks(&session_ref(id.as_str()), local_clock, added.iter().map(|e| e.clock))?;
        union.extend(added);
        let Some(mut header) = SessionHeader::fold(id, union) else {
            return Err(fail(format!("session {id} has no events")));
        };
        let mut merge = Event::new(
            Body::Merge(Merge {
                heads: vec![oid(ours), oid(theirs)],
                from: Some(from.to_owned()),
                added: count as u64,
                text: format!("{count} event{} from {from}", if count == 1 { "" } else { "s" }),
            }),
            time.clone(),
            author.clone(),
        );
        check_name(&session_ref(id.as_str()), &header.name)?;
        merge.clock = header
            .clock
            .checked_add(1)
            .filter(|c| *c <= crate::session::MAX_CLOCK)
            .ok_or_else(|| fail(format!("session {id}: its Lamport clock cannot grow any more")))?;
        header.apply(&merge);
        let commit = self.write_event_commit(id, &merge, &header, &[ours, theirs])?;
        Ok((commit, count))
    }
}

/// A name from elsewhere must be one this version would have accepted from
/// the user: no control characters, nothing git's ref rules refuse.
fn check_name(refname: &str, name: &str) -> Result<()> {
    if crate::session::normalize_name(name).ok().as_deref() == Some(name) {
        return Ok(());
    }
    Err(fail(format!(
        "{refname}: the session's name {:?} is not a valid session name; it was not merged",
        crate::session::text::prefix(name, 80)
    )))
}

/// The clocks of the events new to this clone cannot run further ahead of
/// the local clock than there are new events.
fn check_clocks(refname: &str, local_clock: u64, new: impl Iterator<Item = u64> + Clone) -> Result<()> {
    let count = new.clone().count() as u64;
    let bound = local_clock.saturating_add(count).saturating_add(1);
    match new.max() {
        Some(clock) if clock > bound => Err(fail(format!(
            "{refname}: a fetched event has the Lamport clock {clock}, far ahead of the {local_clock} here with {count} new events; it was not merged"
        ))),
        _ => Ok(()),
    }
}
