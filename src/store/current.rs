//! `<worktree git dir>/aura/current`: which session this work tree is in.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::Store;
use crate::session::SessionId;

/// The current session of a work tree and how far its HEAD reflog was read.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Current {
    pub session: SessionId,
    /// Bytes of `logs/HEAD` already turned into events; `None` (a file
    /// written without it) means none to import: reading starts at the end.
    #[serde(default)]
    pub reflog_offset: Option<u64>,
    /// The new commit of the reflog entry ending at `reflog_offset`, which
    /// tells a stale offset from a good one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflog_last: Option<String>,
}

impl Current {
    /// How far its HEAD reflog was read.
    pub(crate) fn position(&self) -> Option<super::reflog::ReflogPosition> {
        self.reflog_offset.map(|offset| super::reflog::ReflogPosition {
            offset,
            last: self.reflog_last.clone(),
        })
    }

    /// `session`, its reflog read up to `position`.
    pub(crate) fn at(session: SessionId, position: super::reflog::ReflogPosition) -> Current {
        Current {
            session,
            reflog_offset: Some(position.offset),
            reflog_last: position.last,
        }
    }
}

impl Store {
    fn current_path(&self) -> std::path::PathBuf {
        self.private_dir().join("current")
    }

    /// The current session of this work tree, if any.
    pub(crate) fn current(&self) -> Result<Option<Current>> {
        let path = self.current_path();
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(c) => Ok(Some(c)),
                Err(_) => {
                    self.warn(&format!("ignoring unreadable {}", path.display()));
                    Ok(None)
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Makes `current` the current session of this work tree (atomically).
    pub(crate) fn set_current(&self, current: &Current) -> Result<()> {
        let path = self.current_path();
        let dir = self.private_dir();
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = dir.join(format!("current.{}.tmp", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec(current)?)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Leaves this work tree without a current session.
    pub(crate) fn clear_current(&self) -> Result<()> {
        let path = self.current_path();
        match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                Err(err).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    }
}
