//! The name index: which sessions bear a name (compared without case), in
//! time that does not grow with the number of sessions, for `start`,
//! `fork` and `rename`, which must refuse a name that is taken.
//!
//! Two files in `<common dir>/aura/` (docs/design.md §2, "name index"):
//!
//! - `names`: a header line with a random token, then one fixed-width
//!   record per session, sorted: the 64-bit FNV-1a hash of the lowercased
//!   name (16 hex digits), a space, the id padded to 64 bytes, a space, a
//!   check of the record and the token (8 hex digits), a newline. A lookup
//!   is a binary search of records read with `pread`; every record read is
//!   checked (a damaged one means a rebuild), and a hash match is only a
//!   candidate, confirmed by the session's own header.
//! - `names.state`: what `names` is valid for — its token, the identity of
//!   `packed-refs` when it was read (device, inode, size, modification
//!   time), the value of every loose ref under `refs/aura/sessions/` then,
//!   and an overlay: sessions whose name changed since `names` was written
//!   (`id` → hash of the new name, or none when it is gone or unreadable).
//!
//! Validity: refs change either in `packed-refs` (always rewritten whole,
//! through a lock file and a rename) or in loose ref files. A `packed-refs`
//! whose identity differs, or whose modification time was not older than a
//! probe file written just before it was read (the racy-git rule: a rewrite
//! within the same clock tick could keep the time), means a rebuild from a
//! full listing. The loose session refs are read every time (after
//! `git pack-refs`, or the `git gc` that runs it, there are few) and each
//! whose value differs from the recorded one has its current head read and
//! its name put in the overlay. So an index that does not match the refs is
//! never trusted, whoever changed them (a fetch, a rename, `git update-ref`
//! behind our back), and a missing or corrupt file means a rebuild.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;

use anyhow::Result;
use gix::ObjectId;

use super::refs::{session_id_of, session_ref, SESSIONS_PREFIX};
use super::{Listed, Store};
use crate::session::SessionId;

const NAMES_MAGIC: &str = "git-session names v1";
const STATE_MAGIC: &str = "git-session names state v1";
/// Bytes of one record of `names`: key, space, id padded to 64, space,
/// check, newline.
const RECORD: u64 = 16 + 1 + 64 + 1 + 8 + 1;
/// Bytes of the header line of `names`: magic, space, 32-digit token, newline.
const HEADER: u64 = NAMES_MAGIC.len() as u64 + 1 + 32 + 1;

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The key of a name in the index: the hash of the name without case.
pub(crate) fn name_key(name: &str) -> u64 {
    fnv(name.to_lowercase().as_bytes())
}

/// The check of a record (`key id` as written, padding included) under `token`.
fn record_check(token: &str, record: &[u8]) -> u32 {
    let mut bytes = token.as_bytes().to_vec();
    bytes.extend_from_slice(record);
    (fnv(&bytes) >> 32) as u32
}

/// One record of `names`.
fn record_text(token: &str, key: u64, id: &str) -> String {
    let head = format!("{key:016x} {id:<64}");
    let check = record_check(token, head.as_bytes());
    format!("{head} {check:08x}\n")
}

/// The identity of `packed-refs` (absent: `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileStamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl FileStamp {
    fn of(path: &std::path::Path) -> std::io::Result<Option<FileStamp>> {
        match std::fs::metadata(path) {
            Ok(m) => Ok(Some(FileStamp::from_metadata(&m))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    #[cfg(unix)]
    fn from_metadata(m: &std::fs::Metadata) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
        }
    }

    #[cfg(not(unix))]
    fn from_metadata(m: &std::fs::Metadata) -> FileStamp {
        let since = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        FileStamp {
            dev: 0,
            ino: 0,
            size: m.len(),
            mtime: since.as_secs() as i64,
            mtime_nsec: i64::from(since.subsec_nanos()),
        }
    }

    fn time(&self) -> (i64, i64) {
        (self.mtime, self.mtime_nsec)
    }

    fn to_field(stamp: Option<FileStamp>) -> String {
        match stamp {
            Some(s) => format!("{} {} {} {} {}", s.dev, s.ino, s.size, s.mtime, s.mtime_nsec),
            None => "absent".to_owned(),
        }
    }

    fn from_field(text: &str) -> Option<Option<FileStamp>> {
        if text == "absent" {
            return Some(None);
        }
        let mut it = text.split(' ');
        let mut next = || it.next()?.parse::<i64>().ok();
        Some(Some(FileStamp {
            dev: next()? as u64,
            ino: next()? as u64,
            size: next()? as u64,
            mtime: next()?,
            mtime_nsec: next()?,
        }))
    }
}

/// `names.state`, parsed.
#[derive(Debug, Default, PartialEq)]
struct State {
    token: String,
    /// Records in `names`.
    records: u64,
    packed: Option<FileStamp>,
    loose: BTreeMap<String, ObjectId>,
    /// Sessions whose entry in `names` is superseded: the key of their name now.
    overlay: BTreeMap<String, Option<u64>>,
}

impl State {
    fn to_text(&self) -> String {
        let mut text = format!(
            "{STATE_MAGIC}\ntoken {}\nrecords {}\npacked {}\n",
            self.token,
            self.records,
            FileStamp::to_field(self.packed)
        );
        for (id, commit) in &self.loose {
            text.push_str(&format!("loose {id} {commit}\n"));
        }
        for (id, key) in &self.overlay {
            match key {
                Some(key) => text.push_str(&format!("over {id} {key:016x}\n")),
                None => text.push_str(&format!("over {id} -\n")),
            }
        }
        let check = fnv(text.as_bytes());
        text.push_str(&format!("check {check:016x}\n"));
        text
    }

    fn parse(text: &str) -> Option<State> {
        // The last line checks the others: a damaged state is not trusted.
        let body = text.strip_suffix('\n')?;
        let (body, check) = body.rsplit_once('\n')?;
        let check = u64::from_str_radix(check.strip_prefix("check ")?, 16).ok()?;
        let body = &text[..body.len() + 1];
        if fnv(body.as_bytes()) != check {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != STATE_MAGIC {
            return None;
        }
        let mut state = State {
            token: lines.next()?.strip_prefix("token ")?.to_owned(),
            records: lines.next()?.strip_prefix("records ")?.parse().ok()?,
            packed: FileStamp::from_field(lines.next()?.strip_prefix("packed ")?)?,
            ..State::default()
        };
        for line in lines {
            let (kind, rest) = line.split_once(' ')?;
            let (id, value) = rest.split_once(' ')?;
            SessionId::parse(id).ok()?;
            match kind {
                "loose" => {
                    state
                        .loose
                        .insert(id.to_owned(), ObjectId::from_hex(value.as_bytes()).ok()?);
                }
                "over" => {
                    let key = match value {
                        "-" => None,
                        hex => Some(u64::from_str_radix(hex, 16).ok()?),
                    };
                    state.overlay.insert(id.to_owned(), key);
                }
                _ => return None,
            }
        }
        Some(state)
    }
}

/// A name index checked against the refs as they are now.
pub(crate) struct Names {
    records: Records,
    state: State,
}

/// Where the records of a name index are.
enum Records {
    /// `names`, read record by record.
    File(File),
    /// Sorted in memory, when `names` could not be written.
    Memory(Vec<(u64, String)>),
}

impl Names {
    /// The sessions whose name, without case, may be `name` (candidates:
    /// confirm with the session's header, as [`Store::name_taken`] does).
    fn candidates(&self, name: &str) -> Result<Vec<String>> {
        let key = name_key(name);
        let mut out: Vec<String> = self
            .state
            .overlay
            .iter()
            .filter(|(_, k)| **k == Some(key))
            .map(|(id, _)| id.clone())
            .collect();
        let found = match &self.records {
            Records::File(file) => find_records(file, &self.state.token, self.state.records, key)?,
            Records::Memory(records) => records
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, id)| id.clone())
                .collect(),
        };
        for id in found {
            if !self.state.overlay.contains_key(&id) && !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }
}

/// Reads record `i` of `names`: its key and id (an error when it is damaged).
fn record(file: &File, token: &str, i: u64) -> Result<(u64, String)> {
    let mut buf = [0u8; RECORD as usize];
    read_exact_at(file, &mut buf, HEADER + i * RECORD)?;
    let corrupt = || anyhow::anyhow!("the name index is corrupt");
    let (head, tail) = buf.split_at(16 + 1 + 64);
    let check = std::str::from_utf8(tail)
        .ok()
        .and_then(|t| t.strip_prefix(' ')?.strip_suffix('\n'))
        .and_then(|t| u32::from_str_radix(t, 16).ok())
        .ok_or_else(corrupt)?;
    if check != record_check(token, head) {
        return Err(corrupt());
    }
    let (key, rest) = head.split_at(16);
    let key = std::str::from_utf8(key)
        .ok()
        .and_then(|k| u64::from_str_radix(k, 16).ok())
        .ok_or_else(corrupt)?;
    let [b' ', id @ ..] = rest else {
        return Err(corrupt());
    };
    let id = std::str::from_utf8(id).map_err(|_| corrupt())?;
    Ok((key, id.trim_end().to_owned()))
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek};
    file.seek(std::io::SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// The ids of the records whose key is `key` (binary search).
fn find_records(file: &File, token: &str, records: u64, key: u64) -> Result<Vec<String>> {
    let (mut lo, mut hi) = (0u64, records);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if record(file, token, mid)?.0 < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut out = Vec::new();
    let mut i = lo;
    while i < records {
        let (k, id) = record(file, token, i)?;
        if k != key {
            break;
        }
        out.push(id);
        i += 1;
    }
    Ok(out)
}

impl Store {
    fn names_path(&self) -> PathBuf {
        self.shared_dir().join("names")
    }

    fn names_state_path(&self) -> PathBuf {
        self.shared_dir().join("names.state")
    }

    /// `packed-refs` of the common dir.
    fn packed_refs_path(&self) -> PathBuf {
        self.repo.common_dir().join("packed-refs")
    }

    /// The loose refs under `refs/aura/sessions/` that name a session: id → value.
    fn loose_session_refs(&self) -> Result<BTreeMap<String, ObjectId>> {
        let prefix: &gix::path::RelativePath = SESSIONS_PREFIX
            .try_into()
            .map_err(|err| anyhow::anyhow!("{SESSIONS_PREFIX}: {err}"))?;
        let mut out = BTreeMap::new();
        let iter = match self.repo.refs.loose_iter_prefixed(prefix) {
            Ok(iter) => iter,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(err) => return Err(anyhow::Error::new(err).context("cannot read the session refs")),
        };
        for r in iter {
            // A loose file that is not a ref cannot be a session: skipped
            // here as the listing reports it.
            let Ok(r) = r else { continue };
            let name = r.name.as_bstr().to_string();
            let (Some(id), Some(commit)) = (session_id_of(&name), r.target.try_id()) else {
                continue;
            };
            if SessionId::parse(id).is_ok() {
                out.insert(id.to_owned(), commit.to_owned());
            }
        }
        Ok(out)
    }

    /// Touches the probe file and returns its modification time: a time of
    /// the file system's own clock no later than anything written after.
    fn probe_time(&self) -> Option<(i64, i64)> {
        let path = self.shared_dir().join("names.probe");
        std::fs::write(&path, b"probe\n").ok()?;
        FileStamp::of(&path).ok().flatten().map(|s| s.time())
    }

    /// The name index, valid for the refs as they are now: loaded and brought
    /// up to date when it can be, rebuilt from a full listing when not.
    pub(crate) fn names(&self) -> Result<Names> {
        if let Some(names) = self.names_checked()? {
            return Ok(names);
        }
        self.rebuild_names()
    }

    /// The index on disk, if it is whole and `packed-refs` is as it was;
    /// loose refs that changed are folded into the overlay (and the state
    /// rewritten). `None`: rebuild.
    fn names_checked(&self) -> Result<Option<Names>> {
        let Some(mut state) = std::fs::read_to_string(self.names_state_path())
            .ok()
            .and_then(|t| State::parse(&t))
        else {
            return Ok(None);
        };
        let Ok(file) = File::open(self.names_path()) else {
            return Ok(None);
        };
        let mut header = vec![0u8; HEADER as usize];
        if read_exact_at(&file, &mut header, 0).is_err()
            || header != format!("{NAMES_MAGIC} {}\n", state.token).as_bytes()
            || file.metadata().map(|m| m.len()).ok() != Some(HEADER + state.records * RECORD)
        {
            return Ok(None);
        }
        // A racy stamp was recorded so that it cannot match (see `rebuild_names`).
        if FileStamp::of(&self.packed_refs_path())? != state.packed {
            return Ok(None);
        }
        let loose = self.loose_session_refs()?;
        if loose != state.loose {
            let mut changed: Vec<&String> = loose
                .iter()
                .filter(|(id, commit)| state.loose.get(*id) != Some(commit))
                .map(|(id, _)| id)
                .collect();
            changed.extend(state.loose.keys().filter(|id| !loose.contains_key(*id)));
            for id in changed {
                let key = self.current_name_key(id)?;
                state.overlay.insert(id.clone(), key);
            }
            state.loose = loose;
            if state.overlay.len() as u64 > (state.records / 32).max(1000) {
                return Ok(None);
            }
            self.write_names_state(&state);
        }
        Ok(Some(Names {
            records: Records::File(file),
            state,
        }))
    }

    /// The key of the name session `id` has now (`None`: no such session,
    /// or one that cannot be read, which names nothing, as in a listing).
    fn current_name_key(&self, id: &str) -> Result<Option<u64>> {
        let refname = session_ref(id);
        let Some(commit) = self.ref_target(&refname)? else {
            return Ok(None);
        };
        Ok(self
            .read_header_at(&refname, commit)
            .ok()
            .filter(|h| h.id.as_str() == id)
            .map(|h| name_key(&h.name)))
    }

    /// Builds the index from a full listing and writes it (failing to write
    /// only costs speed next time).
    fn rebuild_names(&self) -> Result<Names> {
        let probe = self.probe_time();
        let packed = FileStamp::of(&self.packed_refs_path())?;
        let loose = self.loose_session_refs()?;
        let listed = self.list()?;
        let mut records: Vec<(u64, String)> = listed
            .iter()
            .filter_map(|l| match l {
                Listed::Ok(s) => Some((name_key(&s.name), s.id.to_string())),
                Listed::Broken { .. } => None,
            })
            .filter(|(_, id)| id.len() <= 64)
            .collect();
        records.sort();
        let token = SessionId::generate().to_string();
        let mut text = String::with_capacity(HEADER as usize + records.len() * RECORD as usize);
        text.push_str(&format!("{NAMES_MAGIC} {token}\n"));
        for (key, id) in &records {
            text.push_str(&record_text(&token, *key, id));
        }
        // A packed-refs written in the tick of the probe or later might be
        // rewritten unseen in that tick: recorded as different, so the next
        // lookup rebuilds.
        let trusted = match (packed, probe) {
            (None, _) => true,
            (Some(p), Some(t)) => p.time() < t,
            (Some(_), None) => false,
        };
        let state = State {
            token,
            records: records.len() as u64,
            packed: if trusted {
                packed
            } else {
                packed.map(|p| FileStamp { size: u64::MAX, ..p })
            },
            loose,
            overlay: BTreeMap::new(),
        };
        write_atomically(&self.names_path(), text.as_bytes());
        self.write_names_state(&state);
        Ok(Names {
            records: Records::Memory(records),
            state,
        })
    }

    fn write_names_state(&self, state: &State) {
        write_atomically(&self.names_state_path(), state.to_text().as_bytes());
    }

    /// The session other than `except` whose name equals `name` without
    /// case, with its name as written: what makes `name` taken.
    pub(crate) fn name_taken(&self, name: &str, except: Option<&SessionId>) -> Result<Option<(SessionId, String)>> {
        let names = self.names()?;
        // A damaged record is never read as an answer: the index is rebuilt.
        let candidates = match names.candidates(name) {
            Ok(found) => found,
            Err(_) => self.rebuild_names()?.candidates(name)?,
        };
        let lower = name.to_lowercase();
        for id in candidates {
            let Ok(id) = SessionId::parse(&id) else { continue };
            if Some(&id) == except {
                continue;
            }
            if let Ok(Some(head)) = self.head(&id) {
                if head.header.name.to_lowercase() == lower {
                    return Ok(Some((id, head.header.name)));
                }
            }
        }
        Ok(None)
    }
}

/// Writes `path` through a temporary file and a rename.
fn write_atomically(path: &std::path::Path, data: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Some(file_name) = path.file_name() else { return };
    let tmp = dir.join(format!("{}.{}.tmp", file_name.to_string_lossy(), std::process::id()));
    if std::fs::write(&tmp, data).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case() {
        assert_eq!(name_key("Weekly-Review"), name_key("weekly-review"));
        assert_ne!(name_key("weekly-review"), name_key("weekly-reviews"));
    }

    #[test]
    fn state_round_trips_and_rejects_damage() {
        let mut state = State {
            token: "0123456789abcdef0123456789abcdef".into(),
            records: 3,
            packed: Some(FileStamp {
                dev: 1,
                ino: 2,
                size: 3,
                mtime: 4,
                mtime_nsec: 5,
            }),
            ..State::default()
        };
        state.loose.insert("abc".into(), ObjectId::null(gix::hash::Kind::Sha1));
        state.overlay.insert("abc".into(), Some(0xfeed));
        state.overlay.insert("abd".into(), None);
        assert_eq!(State::parse(&state.to_text()), Some(state));
        assert_eq!(
            State::parse("git-session names state v1\ntoken x\nrecords z\npacked absent\n"),
            None
        );
        assert_eq!(State::parse("nonsense"), None);
        assert_eq!(
            State::parse("git-session names state v1\ntoken x\nrecords 0\npacked absent\nover a/b -\n"),
            None
        );
    }
}
