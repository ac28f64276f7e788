//! The private stat cache under `<git_dir>/aura/`.
//!
//! * `index`: git index format; one stage-0 entry per path of the user's index (conflicts
//!   collapsed). Its id and mode are what the last snapshot tree holds at that path, and its stat
//!   data is the file version that id was computed from. A path the last snapshot does not hold
//!   (deleted file) has a null id, zero stat data and the user's mode.
//! * `changes`: optional, git index format; entries that replace the same paths of `index`, so
//!   that a capture that changed a few entries does not rewrite the whole file. Folded into
//!   `index` once it grows past a few percent of it.
//! * `untracked`: git index format; the untracked files the last snapshot holds, same meaning.
//! * `state`: a small text file written last: format, configuration fingerprint, fingerprint of the
//!   user's index the `index` file mirrors, racy-git timestamp, the snapshot tree and the user's
//!   index tree, the identity of the two index files (so a mix of two writers is detected), and the
//!   user's mode/id for the few paths where they differ from the snapshot's (`x` lines).
//!
//! Every file is written to a temporary name and renamed; writers serialise on `lock` and give up
//! (losing only their cache update) when another process holds it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{stat::Time, Mode};
use gix::ObjectId;

const MAGIC: &str = "git-session snapshot cache 2";

/// The user's mode and id at a path, kept where they cannot be derived from the cache entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UserEntry {
    pub mode: Mode,
    pub id: ObjectId,
}

pub(crate) type Extras = HashMap<BString, UserEntry>;

/// Identity of a file as written, to detect that it was replaced behind our back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileId {
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
}

impl FileId {
    pub(super) fn of(md: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let ino = {
            use std::os::unix::fs::MetadataExt;
            md.ino()
        };
        #[cfg(not(unix))]
        let ino = 0;
        let mtime_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(-1);
        FileId {
            ino,
            size: md.len(),
            mtime_ns,
        }
    }

    fn to_line(self) -> String {
        format!("{} {} {}", self.ino, self.size, self.mtime_ns)
    }

    fn parse(s: &str) -> Option<Self> {
        let mut it = s.split(' ');
        let id = FileId {
            ino: it.next()?.parse().ok()?,
            size: it.next()?.parse().ok()?,
            mtime_ns: it.next()?.parse().ok()?,
        };
        it.next().is_none().then_some(id)
    }
}

/// The content of `state`.
#[derive(Clone, Debug)]
pub(crate) struct Sidecar {
    pub config: String,
    pub user_index: String,
    pub timestamp: Time,
    pub tree: ObjectId,
    pub index_tree: Option<ObjectId>,
    pub tracked: FileId,
    /// The overlay of `tracked`, if any.
    pub changes: Option<FileId>,
    pub untracked: FileId,
    pub extras: Extras,
}

impl Sidecar {
    fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC.as_bytes());
        out.push(b'\n');
        let mut line = |k: &str, v: &str| {
            out.extend_from_slice(k.as_bytes());
            out.push(b' ');
            out.extend_from_slice(v.as_bytes());
            out.push(b'\n');
        };
        line("config", &self.config);
        line("user-index", &self.user_index);
        line(
            "timestamp",
            &format!("{} {}", self.timestamp.secs, self.timestamp.nsecs),
        );
        line("tree", &self.tree.to_string());
        line(
            "index-tree",
            &self.index_tree.map_or_else(|| "none".to_string(), |t| t.to_string()),
        );
        line("tracked", &self.tracked.to_line());
        line(
            "changes",
            &self.changes.map_or_else(|| "none".to_string(), |c| c.to_line()),
        );
        line("untracked", &self.untracked.to_line());
        let mut extras: Vec<_> = self.extras.iter().collect();
        extras.sort_by(|a, b| a.0.cmp(b.0));
        for (path, e) in extras {
            line("x", &format!("{:o} {} {}", e.mode.bits(), e.id, hex(path.as_bstr())));
        }
        out.extend_from_slice(b"end\n");
        out
    }

    fn parse(data: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(data).ok()?;
        let mut lines = text.split('\n');
        if lines.next()? != MAGIC {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            let l = lines.next()?;
            l.strip_prefix(name)?.strip_prefix(' ').map(ToOwned::to_owned)
        };
        let config = field("config")?;
        let user_index = field("user-index")?;
        let ts = field("timestamp")?;
        let mut ts = ts.split(' ');
        let timestamp = Time {
            secs: ts.next()?.parse().ok()?,
            nsecs: ts.next()?.parse().ok()?,
        };
        let tree = ObjectId::from_hex(field("tree")?.as_bytes()).ok()?;
        let index_tree = match field("index-tree")?.as_str() {
            "none" => None,
            hex => Some(ObjectId::from_hex(hex.as_bytes()).ok()?),
        };
        let tracked = FileId::parse(&field("tracked")?)?;
        let changes = match field("changes")?.as_str() {
            "none" => None,
            id => Some(FileId::parse(id)?),
        };
        let untracked = FileId::parse(&field("untracked")?)?;
        let mut extras = Extras::new();
        loop {
            let l = lines.next()?;
            if l == "end" {
                break;
            }
            let rest = l.strip_prefix("x ")?;
            let mut parts = rest.split(' ');
            let mode = u32::from_str_radix(parts.next()?, 8).ok()?;
            let mode = Mode::from_bits(mode)?;
            let id = ObjectId::from_hex(parts.next()?.as_bytes()).ok()?;
            let path = unhex(parts.next()?)?;
            extras.insert(path, UserEntry { mode, id });
        }
        Some(Sidecar {
            config,
            user_index,
            timestamp,
            tree,
            index_tree,
            tracked,
            changes,
            untracked,
            extras,
        })
    }
}

fn hex(b: &BStr) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for byte in b.iter() {
        s.push_str(&format!("{byte:02x}"));
    }
    s
}

fn unhex(s: &str) -> Option<BString> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 2);
    for i in (0..s.len()).step_by(2) {
        out.push(u8::from_str_radix(s.get(i..i + 2)?, 16).ok()?);
    }
    Some(out.into())
}

/// A cache as found on disk, consistent with its sidecar.
pub(crate) struct Loaded {
    pub sidecar: Sidecar,
    pub tracked: gix::index::State,
    /// Entries of `tracked` that came from the `changes` overlay.
    pub overlaid: Vec<usize>,
    pub untracked: gix::index::State,
}

/// How to write the tracked part of the cache.
pub(crate) enum TrackedSave<'a> {
    /// Keep `index` and `changes` as they are.
    Keep,
    /// Keep `index`, write these entries as `changes`.
    Overlay(&'a gix::index::State),
    /// Write `index` from this, without `changes`.
    Full(&'a gix::index::State),
}

pub(crate) struct Dir {
    pub path: PathBuf,
}

impl Dir {
    pub(super) fn new(git_dir: &Path) -> Self {
        Dir {
            path: git_dir.join("aura"),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The current time as the file system that holds the cache sees it (the clock that stamps
    /// file mtimes), taken by writing a tiny file; any file modified later has an mtime at least
    /// this. Falls back to the system clock minus a second.
    pub(super) fn fs_now(&self) -> Time {
        let probe = || -> std::io::Result<std::time::SystemTime> {
            std::fs::create_dir_all(&self.path)?;
            let mut f = std::fs::File::create(self.file("clock"))?;
            f.write_all(b"x")?;
            f.metadata()?.modified()
        };
        let t = probe().unwrap_or_else(|_| std::time::SystemTime::now() - std::time::Duration::from_secs(1));
        super::util::time_from_system(t)
    }

    /// Load the cache; any inconsistency or corruption gives `None` (a full capture follows).
    pub(super) fn load(&self, config: &str, object_hash: gix::hash::Kind) -> Option<Loaded> {
        let data = std::fs::read(self.file("state")).ok()?;
        let sidecar = Sidecar::parse(&data)?;
        if sidecar.config != config {
            return None;
        }
        let mut tracked = self.read_index("index", sidecar.tracked, object_hash)?;
        let untracked = self.read_index("untracked", sidecar.untracked, object_hash)?;
        if tracked.entries().iter().any(|e| e.stage_raw() != 0)
            || untracked.entries().iter().any(|e| e.stage_raw() != 0)
        {
            return None;
        }
        let mut overlaid = Vec::new();
        if let Some(changes_id) = sidecar.changes {
            let changes = self.read_index("changes", changes_id, object_hash)?;
            for c in changes.entries() {
                let idx =
                    tracked.entry_index_by_path_and_stage(c.path(&changes), gix::index::entry::Stage::Unconflicted)?;
                let e = &mut tracked.entries_mut()[idx];
                e.stat = c.stat;
                e.id = c.id;
                e.mode = c.mode;
                e.flags = c.flags;
                overlaid.push(idx);
            }
            overlaid.sort_unstable();
        }
        Some(Loaded {
            sidecar,
            tracked,
            overlaid,
            untracked,
        })
    }

    fn read_index(&self, name: &str, expected: FileId, object_hash: gix::hash::Kind) -> Option<gix::index::State> {
        let path = self.file(name);
        let before = FileId::of(&std::fs::metadata(&path).ok()?);
        if before != expected {
            return None;
        }
        let file = gix::index::File::at(&path, object_hash, true, Default::default()).ok()?;
        let after = FileId::of(&std::fs::metadata(&path).ok()?);
        if after != expected {
            return None;
        }
        let (state, _) = file.into_parts();
        Some(state)
    }

    /// Write the cache; `sidecar.tracked` and `sidecar.changes` must name the files to keep for
    /// [`TrackedSave::Keep`] and [`TrackedSave::Overlay`]. Returns `Ok(false)` when another
    /// process holds the lock.
    pub(super) fn save(
        &self,
        tracked: TrackedSave<'_>,
        untracked: &gix::index::State,
        mut sidecar: Sidecar,
    ) -> Result<bool> {
        std::fs::create_dir_all(&self.path).with_context(|| format!("creating {}", self.path.display()))?;
        let Some(_lock) = Lock::acquire(self.file("lock"))? else {
            return Ok(false);
        };
        let on_disk = |name: &str| std::fs::metadata(self.file(name)).ok().map(|m| FileId::of(&m));
        match tracked {
            TrackedSave::Keep => {
                if on_disk("index") != Some(sidecar.tracked)
                    || sidecar.changes.is_some_and(|c| on_disk("changes") != Some(c))
                {
                    bail!("the stat cache was replaced concurrently");
                }
            }
            TrackedSave::Overlay(changes) => {
                if on_disk("index") != Some(sidecar.tracked) {
                    bail!("the stat cache was replaced concurrently");
                }
                sidecar.changes = Some(self.write_index("changes", changes)?);
            }
            TrackedSave::Full(state) => {
                sidecar.tracked = self.write_index("index", state)?;
                sidecar.changes = None;
            }
        }
        sidecar.untracked = self.write_index("untracked", untracked)?;
        self.write_atomically("state", &sidecar.serialize())?;
        if sidecar.changes.is_none() {
            let _ = std::fs::remove_file(self.file("changes"));
        }
        Ok(true)
    }

    fn write_index(&self, name: &str, state: &gix::index::State) -> Result<FileId> {
        let tmp = self.file(&format!("{name}.tmp"));
        let file = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
        let index = gix::index::File::from_state(state.clone(), &tmp);
        index
            .write_to(
                &mut out,
                gix::index::write::Options {
                    extensions: gix::index::write::Extensions::None,
                    skip_hash: true,
                },
            )
            .with_context(|| format!("writing {}", tmp.display()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        let id = FileId::of(&file.metadata()?);
        drop(file);
        let dest = self.file(name);
        std::fs::rename(&tmp, &dest).with_context(|| format!("renaming to {}", dest.display()))?;
        Ok(id)
    }

    fn write_atomically(&self, name: &str, data: &[u8]) -> Result<()> {
        let tmp = self.file(&format!("{name}.tmp"));
        std::fs::write(&tmp, data).with_context(|| format!("writing {}", tmp.display()))?;
        let dest = self.file(name);
        std::fs::rename(&tmp, &dest).with_context(|| format!("renaming to {}", dest.display()))?;
        Ok(())
    }
}

/// An exclusive lock file, removed on drop. A lock older than a minute is taken over (its owner
/// died: writing the cache takes milliseconds).
struct Lock(PathBuf);

impl Lock {
    fn acquire(path: PathBuf) -> Result<Option<Lock>> {
        for attempt in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(Some(Lock(path))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > std::time::Duration::from_secs(60));
                    if stale && attempt == 0 {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    return Ok(None);
                }
                Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
            }
        }
        Ok(None)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A fingerprint of the user's index file: stat data plus its trailing checksum.
pub(crate) fn user_index_fingerprint(path: &Path, object_hash: gix::hash::Kind) -> Result<String> {
    let md = match std::fs::metadata(path) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok("none".into()),
        Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", path.display())),
    };
    let id = FileId::of(&md);
    #[cfg(unix)]
    let ctime = {
        use std::os::unix::fs::MetadataExt;
        format!("{}.{}", md.ctime(), md.ctime_nsec())
    };
    #[cfg(not(unix))]
    let ctime = String::new();
    let mut trailer = String::new();
    let len = object_hash.len_in_bytes() as u64;
    if md.len() >= len {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        f.seek(SeekFrom::End(-(len as i64)))?;
        let mut buf = vec![0u8; len as usize];
        f.read_exact(&mut buf)?;
        trailer = hex(buf.as_bstr());
    }
    Ok(format!("{} {} {}", id.to_line(), ctime, trailer))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn sidecar_roundtrip() {
        let mut extras = Extras::new();
        extras.insert(
            "a b/ü\n".into(),
            UserEntry {
                mode: Mode::COMMIT,
                id: ObjectId::empty_tree(gix::hash::Kind::Sha1),
            },
        );
        let s = Sidecar {
            config: "abc".into(),
            user_index: "1 2 3 4.5 ff".into(),
            timestamp: Time { secs: 5, nsecs: 6 },
            tree: ObjectId::empty_tree(gix::hash::Kind::Sha1),
            index_tree: None,
            tracked: FileId {
                ino: 1,
                size: 2,
                mtime_ns: 3,
            },
            changes: None,
            untracked: FileId {
                ino: 4,
                size: 5,
                mtime_ns: 6,
            },
            extras,
        };
        let parsed = Sidecar::parse(&s.serialize()).expect("parses");
        assert_eq!(parsed.serialize(), s.serialize());
        let data = s.serialize();
        assert!(Sidecar::parse(&data[..data.len() - 4]).is_none(), "truncated");
    }
}
