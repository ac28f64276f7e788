//! Recording: new events stamped with who, when and where, appended after
//! the `commit` and `branch` events that HEAD's reflog shows since the last
//! command (the one way to change a session, invariant 4).

use anyhow::{Context, Result};

use super::{oid, Current, SessionHead, Store};
use crate::session::{Body, Event};

/// The session a recording goes to.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub head: SessionHead,
    /// Set when it is this work tree's current session (its reflog is followed).
    pub current: Option<Current>,
}

impl Store {
    /// A new event stamped with the user, the time, HEAD and branch.
    pub(crate) fn stamp(&self, body: Body) -> Result<Event> {
        let (author, time) = self.identity()?;
        let head = self.head_state()?;
        let mut event = Event::new(body, time, author);
        event.head = head.commit.map(oid);
        event.branch = head.branch;
        Ok(event)
    }

    /// Appends `events` to the target session, preceded by `commit` and
    /// `branch` events for what HEAD's reflog shows since the last command.
    /// With no events and nothing new in the reflog, nothing is written.
    ///
    /// Reflog entries are imported under a lock of the work tree
    /// (`aura/record.lock`), re-read once it is held: of several commands
    /// started at once after a commit, one records it, the others find it
    /// recorded.
    pub(crate) fn record(&self, target: &Target, events: Vec<Event>) -> Result<(SessionHead, Vec<Event>)> {
        let Some(current) = &target.current else {
            return self.append_all(&target.head, events);
        };
        let (seen, position) = self.head_reflog_since(current.position().as_ref())?;
        if seen.is_empty() {
            let landed = self.append_all(&target.head, events)?;
            if Some(&position) != current.position().as_ref() {
                self.set_current(&Current::at(current.session.clone(), position))?;
            }
            return Ok(landed);
        }
        let _lock = RecordLock::take(self)?;
        // Another command may have imported the entries meanwhile.
        let current = self
            .current()?
            .filter(|c| c.session == target.head.id)
            .unwrap_or_else(|| current.clone());
        let (seen, position) = self.head_reflog_since(current.position().as_ref())?;
        let head = self.head(&target.head.id)?.unwrap_or_else(|| target.head.clone());
        let mut all = self.reflog_events(&head, &seen)?;
        all.extend(events);
        let landed = self.append_all(&head, all)?;
        self.set_current(&Current::at(current.session, position))?;
        Ok(landed)
    }

    fn append_all(&self, head: &SessionHead, events: Vec<Event>) -> Result<(SessionHead, Vec<Event>)> {
        if events.is_empty() {
            return Ok((head.clone(), Vec::new()));
        }
        self.append(&head.id, None, &events)
    }
}

/// `<worktree git dir>/aura/record.lock`, held while reflog entries become events.
struct RecordLock {
    path: std::path::PathBuf,
}

/// A lock older than this lost its holder (importing takes milliseconds).
const STALE_RECORD_LOCK: std::time::Duration = std::time::Duration::from_secs(10);

impl RecordLock {
    fn take(store: &Store) -> Result<RecordLock> {
        let dir = store.private_dir();
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("record.lock");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(RecordLock { path }),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    if age.is_some_and(|a| a > STALE_RECORD_LOCK) {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if std::time::Instant::now() > deadline {
                        return Err(crate::error::fail_with_hint(
                            format!("{} stayed locked for 30 s", path.display()),
                            "if no other git-session is running, remove it",
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                Err(err) => return Err(err).with_context(|| format!("cannot create {}", path.display())),
            }
        }
    }
}

impl Drop for RecordLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
