//! Recording: new events stamped with who, when and where, appended after
//! the `commit` and `branch` events that HEAD's reflog shows since the last
//! command (the one way to change a session, invariant 4).

use anyhow::Result;

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
    pub(crate) fn record(&self, target: &Target, events: Vec<Event>) -> Result<(SessionHead, Vec<Event>)> {
        let (mut all, offset) = match &target.current {
            Some(current) => {
                let (seen, offset) = self.head_reflog_since(current.reflog_offset)?;
                (self.reflog_events(&target.head, &seen)?, Some(offset))
            }
            None => (Vec::new(), None),
        };
        all.extend(events);
        let (head, landed) = if all.is_empty() {
            (target.head.clone(), Vec::new())
        } else {
            self.append(&target.head.id, None, &all)?
        };
        if let (Some(current), Some(offset)) = (&target.current, offset) {
            if offset != current.reflog_offset {
                self.set_current(&Current {
                    session: current.session.clone(),
                    reflog_offset: offset,
                })?;
            }
        }
        Ok((head, landed))
    }
}
