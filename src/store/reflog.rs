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

/// How far a work tree's HEAD reflog was turned into events: the byte
/// offset after the last entry read, and that entry's new commit, which
/// must still be the entry ending there for the offset to be trusted.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReflogPosition {
    pub offset: u64,
    /// The new commit of the entry ending at `offset` (none at offset 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

impl Store {
    fn head_reflog_path(&self) -> std::path::PathBuf {
        self.repo.git_dir().join("logs").join("HEAD")
    }

    /// The position after the last entry of the HEAD reflog (where the next entry starts).
    pub(crate) fn head_reflog_end(&self) -> ReflogPosition {
        let path = self.head_reflog_path();
        let Ok(mut file) = std::fs::File::open(&path) else {
            return ReflogPosition::default();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let last = last_entry_before(&mut file, len);
        ReflogPosition { offset: len, last }
    }

    /// HEAD reflog entries written after `from`, and the position after them.
    ///
    /// A position that no longer matches the reflog (it shrank or was
    /// rewritten, or the entry ending there is another one: a stale or
    /// copied `aura/current`) yields nothing and restarts at the end, so old
    /// commits are never imported twice. No position at all does the same.
    pub(crate) fn head_reflog_since(&self, from: Option<&ReflogPosition>) -> Result<(Vec<SeenCommit>, ReflogPosition)> {
        let path = self.head_reflog_path();
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), ReflogPosition::default()))
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        let len = file.metadata()?.len();
        let Some(from) = from else {
            return Ok((Vec::new(), self.head_reflog_end()));
        };
        let stale = match (&from.last, from.offset) {
            // No entry ends at 0.
            (Some(_), 0) => true,
            (Some(_), offset) => last_entry_before(&mut file, offset) != from.last,
            // An offset from a version that did not note the entry: it must
            // at least end a line.
            (None, 0) => false,
            (None, offset) => !ends_line(&mut file, offset),
        };
        if len < from.offset || stale {
            return Ok((Vec::new(), self.head_reflog_end()));
        }
        let offset = from.offset;
        if len == offset {
            return Ok((Vec::new(), from.clone()));
        }
        file.seek(SeekFrom::Start(offset))?;
        let mut bytes = Vec::with_capacity((len - offset) as usize);
        file.read_to_end(&mut bytes)?;
        // Only complete lines count; a line being written is read next time.
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let mut out = Vec::new();
        let mut last = from.last.clone();
        for line in bytes[..complete].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(entry) = gix::refs::file::log::LineRef::from_bytes(line) else {
                continue;
            };
            let Ok(new) = ObjectId::from_hex(entry.new_oid) else {
                continue;
            };
            last = Some(new.to_string());
            let previous = ObjectId::from_hex(entry.previous_oid).ok().filter(|id| !id.is_null());
            out.push(SeenCommit {
                previous,
                new,
                message: entry.message.to_string(),
            });
        }
        Ok((
            out,
            ReflogPosition {
                offset: offset + complete as u64,
                last,
            },
        ))
    }
}

/// The new commit of the reflog entry that ends at byte `end` of `file`.
fn last_entry_before(file: &mut std::fs::File, end: u64) -> Option<String> {
    if end == 0 {
        return None;
    }
    let start = end.saturating_sub(4096);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut bytes = vec![0; (end - start) as usize];
    file.read_exact(&mut bytes).ok()?;
    let body = bytes.strip_suffix(b"\n")?;
    let line = match body.iter().rposition(|b| *b == b'\n') {
        Some(at) => &body[at + 1..],
        None => body,
    };
    let entry = gix::refs::file::log::LineRef::from_bytes(line).ok()?;
    ObjectId::from_hex(entry.new_oid).ok().map(|id| id.to_string())
}

/// Whether byte `end - 1` of `file` is a newline (an entry ends at `end`).
fn ends_line(file: &mut std::fs::File, end: u64) -> bool {
    let mut byte = [0u8; 1];
    file.seek(SeekFrom::Start(end - 1)).is_ok() && file.read_exact(&mut byte).is_ok() && byte[0] == b'\n'
}
