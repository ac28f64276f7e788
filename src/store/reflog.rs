//! Commits made during a session, found in the work tree's HEAD reflog at
//! command boundaries, so attribution needs no git hook.

use std::io::{Read, Seek, SeekFrom};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::Store;

/// One HEAD reflog entry that moved HEAD.
#[derive(Clone, Debug)]
pub(crate) struct SeenCommit {
    pub previous: Option<ObjectId>,
    pub new: ObjectId,
    /// The reflog message, e.g. `commit: fix parser` or `checkout: moving from a to b`.
    pub message: String,
}

impl Store {
    fn head_reflog_path(&self) -> std::path::PathBuf {
        self.repo.git_dir().join("logs").join("HEAD")
    }

    /// The current length of the HEAD reflog in bytes (where the next entry starts).
    pub(crate) fn head_reflog_len(&self) -> u64 {
        std::fs::metadata(self.head_reflog_path()).map(|m| m.len()).unwrap_or(0)
    }

    /// HEAD reflog entries written after byte `offset`, and the new offset.
    /// A reflog that shrank (expired, rewritten) yields nothing and restarts at its end.
    pub(crate) fn head_reflog_since(&self, offset: u64) -> Result<(Vec<SeenCommit>, u64)> {
        let path = self.head_reflog_path();
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        let len = file.metadata()?.len();
        if len < offset {
            return Ok((Vec::new(), len));
        }
        if len == offset {
            return Ok((Vec::new(), offset));
        }
        file.seek(SeekFrom::Start(offset))?;
        let mut bytes = Vec::with_capacity((len - offset) as usize);
        file.read_to_end(&mut bytes)?;
        // Only complete lines count; a line being written is read next time.
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let mut out = Vec::new();
        for line in bytes[..complete].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(entry) = gix::refs::file::log::LineRef::from_bytes(line) else {
                continue;
            };
            let Ok(new) = ObjectId::from_hex(entry.new_oid) else {
                continue;
            };
            let previous = ObjectId::from_hex(entry.previous_oid).ok().filter(|id| !id.is_null());
            out.push(SeenCommit {
                previous,
                new,
                message: entry.message.to_string(),
            });
        }
        Ok((out, offset + complete as u64))
    }
}
