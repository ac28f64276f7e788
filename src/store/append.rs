//! The one way to change a session: build the event commits on the head that
//! was read, then move the ref by compare-and-swap; on a lost race, re-base
//! the events onto the new head and try again (docs/design.md invariant 4).

use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::refs::{session_ref, Expect, RefChange};
use super::{object_id, SessionHead, Store};
use crate::error::{fail, fail_with_hint};
use crate::session::{Body, Event, SessionHeader, SessionId};

/// How long appends keep retrying a busy or moving ref, unless
/// `session.lockTimeout` (milliseconds) says otherwise.
const RETRY_FOR: Duration = Duration::from_secs(30);
/// A ref lock older than this has lost its writer (ref updates take milliseconds).
const STALE_LOCK: Duration = Duration::from_secs(10);

/// The largest `event.json` this version writes. Readers accept up to
/// [`super::read::MAX_JSON`], so what one version writes every version reads.
const MAX_EVENT: usize = 256 << 10;

/// The Lamport clock after `clock`; a clock that cannot grow is refused
/// (readers refuse clocks above [`crate::session::MAX_CLOCK`]).
fn next_clock(clock: u64, id: &SessionId) -> Result<u64> {
    match clock.checked_add(1) {
        Some(next) if next <= crate::session::MAX_CLOCK => Ok(next),
        _ => Err(fail(format!(
            "session {id} has a Lamport clock of {clock}, too large to record another event; it was forged or damaged"
        ))),
    }
}

impl Store {
    /// Appends `events`, in order, to session `id` and returns the new head.
    ///
    /// With `seed`, the session is created: the ref must not exist yet and the
    /// header starts from `seed`. Each event gets the next Lamport clock value
    /// at the moment it lands; its other fields are kept as given.
    pub(crate) fn append(
        &self,
        id: &SessionId,
        seed: Option<&SessionHeader>,
        events: &[Event],
    ) -> Result<(SessionHead, Vec<Event>)> {
        let refname = session_ref(id.as_str());
        let retry_for = match self.config_integer("session.lockTimeout")? {
            Some(ms) if ms >= 0 => Duration::from_millis(ms as u64),
            _ => RETRY_FOR,
        };
        let deadline = Instant::now() + retry_for;
        let mut pause = Duration::from_millis(1);
        loop {
            let prev = self.ref_target(&refname)?;
            let (mut header, mut tip) = match (prev, seed) {
                (None, Some(seed)) => (seed.clone(), None),
                (Some(_), Some(_)) => return Err(fail(format!("session {id} exists already"))),
                (None, None) if self.ref_target(&super::refs::archive_ref(id.as_str()))?.is_some() => {
                    return Err(fail_with_hint(
                        format!("session {id} is archived; nothing was recorded"),
                        format!("bring it back with `git session unarchive {id}`"),
                    ));
                }
                (None, None) => {
                    return Err(fail(format!("session {id} does not exist (its ref {refname} is gone)")));
                }
                (Some(commit), None) => (self.read_header_at(&refname, commit)?, Some(commit)),
            };
            let mut landed = Vec::with_capacity(events.len());
            let mut written = Vec::new();
            for event in events {
                let mut event = event.clone();
                event.clock = next_clock(header.clock, id)?;
                header.apply(&event);
                let parents: Vec<ObjectId> = tip.into_iter().collect();
                let commit = self.write_event_commit(id, &event, &header, &parents)?;
                if super::journal::journaled(event.known_kind()) {
                    written.push((commit, event.kind().to_owned()));
                }
                tip = Some(commit);
                landed.push(event);
            }
            let new = tip.context("no event to append")?;
            // Before the ref moves: a commit that lands is always journaled
            // (one that loses the race is never in the log, so its line is moot).
            self.journal_written(&written)?;
            let err = match self.compare_and_swap(&refname, prev, new)? {
                Ok(_) => {
                    let head = SessionHead {
                        id: id.clone(),
                        commit: new,
                        header,
                    };
                    return Ok((head, landed));
                }
                Err(err) => err,
            };
            let lock = self.repo.common_dir().join(format!("{refname}.lock"));
            let lost_race = err.is_conflict() || self.ref_target(&refname)? != prev;
            if !lost_race && !lock.exists() {
                return Err(anyhow::Error::new(err).context(format!("cannot update {refname}")));
            }
            if lock.exists() && lock_age(&lock) > Some(STALE_LOCK) {
                // Its writer is gone: a live writer holds a ref lock for milliseconds.
                if std::fs::remove_file(&lock).is_ok() {
                    self.warn(&format!(
                        "removed the stale lock {} left by an interrupted writer",
                        lock.display()
                    ));
                }
                continue;
            }
            if Instant::now() > deadline {
                return Err(fail_with_hint(
                    format!(
                        "cannot update {refname}: it stayed locked or kept moving for {:.1}s",
                        retry_for.as_secs_f64()
                    ),
                    format!("if no other git-session is running, remove {}", lock.display()),
                ));
            }
            if !lost_race {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
        }
    }

    /// Moves `refname` from `expected` (`None`: it must not exist) to `new`
    /// in one atomic ref update. The outer error is a bad ref name; the
    /// inner one is gix's answer (a lost race among others).
    pub(super) fn compare_and_swap(
        &self,
        refname: &str,
        expected: Option<ObjectId>,
        new: ObjectId,
    ) -> Result<std::result::Result<(), gix::Error>> {
        let expect = match expected {
            Some(p) => Expect::Exactly(p),
            None => Expect::Absent,
        };
        self.edit_ref(RefChange::set(refname, expect, new))
    }

    /// Writes the commit of one event on top of `parents` (the previous
    /// event commit; two heads for a merge) and returns its id.
    pub(super) fn write_event_commit(
        &self,
        session_id: &SessionId,
        event: &Event,
        header: &SessionHeader,
        parents: &[ObjectId],
    ) -> Result<ObjectId> {
        use gix::objs::tree::{Entry, EntryKind};
        let blob = |bytes: Vec<u8>| -> Result<ObjectId> {
            Ok(self.repo.write_blob(bytes).context("cannot write an object")?.detach())
        };
        let json = event.to_json();
        if json.len() > MAX_EVENT {
            return Err(fail_with_hint(
                format!(
                    "this {} event would be {} bytes, more than the {MAX_EVENT} a session event may hold; nothing was recorded",
                    event.kind(),
                    json.len()
                ),
                "keep notes short (a long text belongs in a file of the work tree, which snapshots carry), and claim directories rather than every file",
            ));
        }
        let mut entries = vec![
            Entry {
                mode: EntryKind::Blob.into(),
                filename: "event.json".into(),
                oid: blob(json)?,
            },
            Entry {
                mode: EntryKind::Blob.into(),
                filename: "session.json".into(),
                oid: blob(serde_json::to_vec_pretty(header)?)?,
            },
        ];
        // Every tree an event names is in its commit's tree, so it is
        // reachable (gc keeps it, push and fetch carry it): the snapshot, the
        // staged index, and for rewind/restore/undo the tree they left and
        // the index they replaced.
        let snapshot = event.body.snapshot();
        let (after, index) = match &event.body {
            Body::Rewind(r) | Body::Restore(r) | Body::Undo(r) => (r.after.as_ref(), r.index.as_ref()),
            _ => (None, None),
        };
        for (tree, dir) in [
            (snapshot.map(|s| &s.tree), "worktree"),
            (snapshot.and_then(|s| s.staged.as_ref()), "staged"),
            (after, "after"),
            (index, "index"),
        ] {
            if let Some(tree) = tree {
                entries.push(Entry {
                    mode: EntryKind::Tree.into(),
                    filename: dir.into(),
                    oid: object_id(tree)?,
                });
            }
        }
        // `attachments`: {file name: blob id} → an `attachments/` directory.
        let mut files: Vec<Entry> = event
            .attachments
            .iter()
            .filter(|(name, _)| !name.is_empty() && !name.contains('/') && *name != "." && *name != "..")
            .map(|(name, id)| {
                Ok(Entry {
                    mode: EntryKind::Blob.into(),
                    filename: name.as_str().into(),
                    oid: object_id(id)?,
                })
            })
            .collect::<Result<_>>()?;
        if !files.is_empty() {
            files.sort();
            let oid = self
                .repo
                .write_object(gix::objs::Tree { entries: files })
                .context("cannot write an object")?
                .detach();
            entries.push(Entry {
                mode: EntryKind::Tree.into(),
                filename: "attachments".into(),
                oid,
            });
        }
        entries.sort();
        let tree = self
            .repo
            .write_object(gix::objs::Tree { entries })
            .context("cannot write an object")?
            .detach();

        let mut parents: Vec<ObjectId> = parents.to_vec();
        // The anchor keeps the user's commits reachable: snapshot-carrying
        // events anchor HEAD, `commit` events the commit they record.
        if snapshot.is_some() || matches!(event.body, Body::Commit(_)) {
            if let Some(head) = &event.head {
                parents.push(object_id(head)?);
            }
        }
        let signature = gix::actor::Signature {
            name: event.author.name.as_str().into(),
            email: event.author.email.as_str().into(),
            time: gix::date::Time {
                seconds: event.time.seconds(),
                offset: event.time.offset_seconds(),
            },
        };
        let summary: String = crate::session::text::prefix(&event.summary(), 72).to_owned();
        let subject = if summary.is_empty() {
            event.kind().to_owned()
        } else {
            format!("{}: {summary}", event.kind())
        };
        let message = format!("{subject}\n\nSession-Id: {session_id}\nEvent-Id: {}\n", event.id);
        let commit = gix::objs::Commit {
            tree,
            parents: parents.into(),
            author: signature.clone(),
            committer: signature,
            encoding: None,
            message: message.into(),
            extra_headers: Vec::new(),
        };
        Ok(self
            .repo
            .write_object(&commit)
            .context("cannot write an object")?
            .detach())
    }
}

impl Store {
    /// Removes the stale locks of session refs, live and archived (see
    /// [`Store::remove_stale_ref_locks`]), which the ref updates of archive
    /// and gc do not retry past.
    pub(crate) fn remove_stale_session_locks(&self) {
        self.remove_stale_ref_locks(super::refs::SESSIONS_PREFIX);
        self.remove_stale_ref_locks(super::refs::ARCHIVE_PREFIX);
    }

    /// Removes the ref locks under `prefix` (a directory of refs, e.g. the
    /// remote-tracking refs a fetch writes) whose writer is gone: older
    /// than [`STALE_LOCK`], as [`Store::append`] does for a session's ref.
    /// A fetch killed while gix updated the tracking refs leaves them, and
    /// every later fetch would fail on them.
    pub(crate) fn remove_stale_ref_locks(&self, prefix: &str) {
        let dir = self.repo.common_dir().join(prefix.trim_end_matches('/'));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let lock = entry.path();
            let is_lock = lock.extension().is_some_and(|e| e == "lock");
            if is_lock && lock_age(&lock) > Some(STALE_LOCK) && std::fs::remove_file(&lock).is_ok() {
                self.warn(&format!(
                    "removed the stale lock {} left by an interrupted git-session",
                    lock.display()
                ));
            }
        }
    }
}

fn lock_age(path: &std::path::Path) -> Option<Duration> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    SystemTime::now().duration_since(modified).ok()
}
