//! The one way to change a session: build the event commits on the head that
//! was read, then move the ref by compare-and-swap; on a lost race, re-base
//! the events onto the new head and try again (DESIGN.md invariant 4).

use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit};
use gix::refs::Target;
use gix::ObjectId;

use super::refs::session_ref;
use super::{SessionHead, Store};
use crate::error::{fail, fail_with_hint};
use crate::session::{Event, SessionHeader};

/// How long appends keep retrying a busy or moving ref, unless
/// `session.lockTimeout` (milliseconds) says otherwise.
const RETRY_FOR: Duration = Duration::from_secs(30);
/// A ref lock older than this has lost its writer (ref updates take milliseconds).
const STALE_LOCK: Duration = Duration::from_secs(10);

impl Store {
    /// Appends `events`, in order, to session `id` and returns the new head.
    ///
    /// With `seed`, the session is created: the ref must not exist yet and the
    /// header starts from `seed`. Each event gets the next Lamport clock value
    /// at the moment it lands; its other fields are kept as given.
    pub fn append(
        &self,
        id: &str,
        seed: Option<&SessionHeader>,
        events: &[Event],
    ) -> Result<(SessionHead, Vec<Event>)> {
        let refname = session_ref(id);
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
                (None, None) => {
                    return Err(fail(format!("session {id} does not exist (its ref {refname} is gone)")));
                }
                (Some(commit), None) => (self.read_header_at(&refname, commit)?, Some(commit)),
            };
            let mut landed = Vec::with_capacity(events.len());
            for event in events {
                let mut event = event.clone();
                event.clock = header.clock + 1;
                header.apply(&event);
                let parents: Vec<ObjectId> = tip.into_iter().collect();
                tip = Some(self.write_event_commit(id, &event, &header, &parents)?);
                landed.push(event);
            }
            let new = tip.context("no event to append")?;
            let err = match self.compare_and_swap(&refname, prev, new)? {
                Ok(_) => {
                    let head = SessionHead {
                        id: id.to_owned(),
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
                    eprintln!(
                        "warning: removed the stale lock {} left by an interrupted writer",
                        lock.display()
                    );
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
        let edit = RefEdit {
            change: Change::Update {
                log: LogChange::default(),
                expected: match expected {
                    Some(p) => PreviousValue::MustExistAndMatch(Target::Object(p)),
                    None => PreviousValue::MustNotExist,
                },
                new: Target::Object(new),
            },
            name: refname.try_into().context("invalid session ref name")?,
            deref: false,
        };
        Ok(self.repo.edit_references_as(Some(edit), None).map(|_| ()))
    }

    /// Writes the commit of one event on top of `parents` (the previous
    /// event commit; two heads for a merge) and returns its id.
    pub(super) fn write_event_commit(
        &self,
        session_id: &str,
        event: &Event,
        header: &SessionHeader,
        parents: &[ObjectId],
    ) -> Result<ObjectId> {
        use gix::objs::tree::{Entry, EntryKind};
        let blob = |bytes: Vec<u8>| -> Result<ObjectId> {
            Ok(self.repo.write_blob(bytes).context("cannot write an object")?.detach())
        };
        let mut entries = vec![
            Entry {
                mode: EntryKind::Blob.into(),
                filename: "event.json".into(),
                oid: blob(serde_json::to_vec_pretty(event)?)?,
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
        for (field, dir) in [
            ("tree", "worktree"),
            ("staged", "staged"),
            ("after", "after"),
            ("index", "index"),
        ] {
            if let Some(hex) = event.str_field(field) {
                entries.push(Entry {
                    mode: EntryKind::Tree.into(),
                    filename: dir.into(),
                    oid: ObjectId::from_hex(hex.as_bytes()).with_context(|| format!("bad {field} id {hex}"))?,
                });
            }
        }
        // `attachments`: {file name: blob id} → an `attachments/` directory.
        if let Some(files) = event.fields.get("attachments").and_then(serde_json::Value::as_object) {
            let mut files: Vec<Entry> = files
                .iter()
                .filter(|(name, _)| !name.is_empty() && !name.contains('/') && *name != "." && *name != "..")
                .filter_map(|(name, oid)| {
                    let oid = ObjectId::from_hex(oid.as_str()?.as_bytes()).ok()?;
                    Some(Entry {
                        mode: EntryKind::Blob.into(),
                        filename: name.as_str().into(),
                        oid,
                    })
                })
                .collect();
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
        if event.tree().is_some() || event.known_kind() == Some(crate::session::EventKind::Commit) {
            if let Some(head) = event.head.as_deref() {
                parents.push(ObjectId::from_hex(head.as_bytes()).with_context(|| format!("bad head id {head}"))?);
            }
        }
        let time = super::parse_rfc3339(&event.time).unwrap_or_else(gix::date::Time::now_local_or_utc);
        let signature = gix::actor::Signature {
            name: event.author.name.as_str().into(),
            email: event.author.email.as_str().into(),
            time,
        };
        let summary: String = event.summary().chars().take(72).collect();
        let subject = if summary.is_empty() {
            event.kind.clone()
        } else {
            format!("{}: {summary}", event.kind)
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

fn lock_age(path: &std::path::Path) -> Option<Duration> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    SystemTime::now().duration_since(modified).ok()
}
