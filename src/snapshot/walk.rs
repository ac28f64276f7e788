//! The stat pass: compare every tracked path with what the cache recorded, in parallel, and say
//! which ones need hashing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{anyhow, Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{stat::Time, Flags, Mode, Stat};
use gix::ObjectId;

use super::cache::Extras;
use super::util::{
    category, gitlink_head, is_racy, is_racy_secs, is_zero_stat, mode_for, stat_matches, stat_matches_git, Caps,
    StatOpts,
};

/// A second reference for a tracked path (from the user's index), or a forced result.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Alt {
    /// The user's entry: content `oid` for a file with stat data `stat`.
    Ref { stat: Stat, oid: ObjectId, mode: Mode },
    /// `git add -A` does not look at the work tree for this path (skip-worktree).
    Forced { oid: ObjectId, mode: Mode },
}

/// What became of a path.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Outcome {
    /// Not in the snapshot.
    Absent,
    /// In the snapshot with this mode and id; `stat` is what the id was computed from (zero if
    /// none); `user`: the id is the user's index entry's, trusted like git trusts it (not a hash
    /// of ours, so not to be trusted once that entry changes).
    Known {
        mode: Mode,
        oid: ObjectId,
        stat: Stat,
        user: bool,
    },
    /// The file (`link`: the symlink) must be hashed.
    Hash { mode: Mode, stat: Stat, link: bool },
}

pub(crate) struct Ctx<'a> {
    pub workdir: &'a Path,
    pub caps: Caps,
    pub stat_opts: StatOpts,
    /// The racy-git timestamp of the cache's stat data; `None` when the cache's stat data can't be trusted.
    pub cache_ts: Option<Time>,
    /// The racy-git timestamp of the user's index (for [`Alt::Ref`]).
    pub user_ts: Time,
    pub extras: &'a Extras,
    pub object_hash: gix::hash::Kind,
    /// Trust cache entries whose id came from the user's index ([`USER_REF`]): only while the
    /// user's index is the one they came from.
    pub trust_user_refs: bool,
}

/// In the private cache, marks an entry whose id is the user's index entry's rather than a hash
/// of ours (the bit is otherwise unused there).
pub(crate) const USER_REF: Flags = Flags::INTENT_TO_ADD;

/// Extended flags are only written when `EXTENDED` says so.
pub(crate) fn fix_extended(flags: &mut Flags) {
    let extended = flags.intersects(Flags::INTENT_TO_ADD | Flags::SKIP_WORKTREE);
    flags.set(Flags::EXTENDED, extended);
}

/// Checks that the directories leading to a path exist and are no symlinks, remembering the last
/// verified directory so each directory costs one `lstat` per chunk.
struct DirCheck {
    buf: Vec<u8>,
    root_len: usize,
    good: Vec<u8>,
    bad: Option<Vec<u8>>,
}

impl DirCheck {
    fn new(root: &Path) -> Result<Self> {
        let root = gix::path::into_bstr(root).context("work tree path")?.into_owned();
        let mut buf: Vec<u8> = root.into();
        while buf.len() > 1 && buf.ends_with(b"/") {
            buf.pop();
        }
        Ok(DirCheck {
            root_len: buf.len(),
            buf,
            good: Vec::new(),
            bad: None,
        })
    }

    /// `Ok(true)` if `dir` (slash-separated, relative) is a real directory reachable without symlinks.
    fn check(&mut self, dir: &[u8]) -> Result<bool> {
        if dir == self.good.as_slice() {
            return Ok(true);
        }
        if let Some(bad) = &self.bad {
            if dir.starts_with(bad) && (dir.len() == bad.len() || dir[bad.len()] == b'/') {
                return Ok(false);
            }
        }
        // Longest prefix of `dir`, by components, that is known to be good.
        let common = {
            let g = &self.good;
            let is_prefix = |n: usize| dir.len() >= n && dir[..n] == g[..n] && (dir.len() == n || dir[n] == b'/');
            if g.is_empty() {
                0
            } else if is_prefix(g.len()) {
                g.len()
            } else {
                let mut c = 0;
                for (i, b) in g.iter().enumerate() {
                    if *b == b'/' && is_prefix(i) {
                        c = i;
                    }
                }
                c
            }
        };
        let mut pos = common;
        while pos < dir.len() {
            let start = if pos == 0 { 0 } else { pos + 1 };
            let end = dir[start..].find_byte(b'/').map_or(dir.len(), |i| start + i);
            let component = &dir[..end];
            self.buf.truncate(self.root_len);
            self.buf.push(b'/');
            self.buf.extend_from_slice(component);
            let path = gix::path::from_byte_slice(&self.buf)?;
            match std::fs::symlink_metadata(path) {
                Ok(md) if md.is_dir() => {}
                Ok(_) => {
                    self.good.clear();
                    self.good.extend_from_slice(&dir[..pos]);
                    self.bad = Some(component.to_vec());
                    return Ok(false);
                }
                Err(e) if is_missing(&e) => {
                    self.good.clear();
                    self.good.extend_from_slice(&dir[..pos]);
                    self.bad = Some(component.to_vec());
                    return Ok(false);
                }
                Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", path.display())),
            }
            pos = end;
        }
        self.good.clear();
        self.good.extend_from_slice(dir);
        self.bad = None;
        Ok(true)
    }

    fn full_path(&mut self, rela: &[u8]) -> Result<&Path> {
        self.buf.truncate(self.root_len);
        self.buf.push(b'/');
        self.buf.extend_from_slice(rela);
        Ok(gix::path::from_byte_slice(&self.buf)?)
    }
}

pub(crate) fn is_missing(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(20 /* ENOTDIR */)
}

/// Run the stat pass over all entries of `state`, returning the outcome for every entry whose
/// snapshot entry or stat data changed.
pub(crate) fn stat_tracked(
    state: &gix::index::State,
    alts: Option<&[Option<Alt>]>,
    ctx: &Ctx<'_>,
    threads: usize,
) -> Result<Vec<(usize, Outcome)>> {
    let entries = state.entries();
    const CHUNK: usize = 1024;
    let num_chunks = entries.len().div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = threads.clamp(1, num_chunks.max(1));
    let work = || -> Result<Vec<(usize, Outcome)>> {
        let mut out = Vec::new();
        let mut dirs = DirCheck::new(ctx.workdir)?;
        loop {
            if failed.load(Ordering::Relaxed) {
                break;
            }
            let chunk = next.fetch_add(1, Ordering::Relaxed);
            if chunk >= num_chunks {
                break;
            }
            let start = chunk * CHUNK;
            let end = (start + CHUNK).min(entries.len());
            for idx in start..end {
                match stat_entry(state, idx, alts, ctx, &mut dirs) {
                    Ok(Some(o)) => out.push((idx, o)),
                    Ok(None) => {}
                    Err(e) => {
                        failed.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
        }
        Ok(out)
    };
    let results = on_threads(threads, "stat", &work);
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|(idx, _)| *idx);
    Ok(all)
}

/// The stat pass over the entries `idxs` of `state` only (an agent's edit
/// tools named them): the outcome for each whose snapshot entry or stat data changed.
pub(crate) fn stat_some(
    state: &gix::index::State,
    idxs: &[usize],
    alts: Option<&[Option<Alt>]>,
    ctx: &Ctx<'_>,
) -> Result<Vec<(usize, Outcome)>> {
    let mut dirs = DirCheck::new(ctx.workdir)?;
    let mut out = Vec::new();
    for &idx in idxs {
        if let Some(o) = stat_entry(state, idx, alts, ctx, &mut dirs)? {
            out.push((idx, o));
        }
    }
    out.sort_by_key(|(idx, _)| *idx);
    Ok(out)
}

/// The outcome of entry `idx` of `state` against the work tree, `None` when
/// it leaves the cache entry as it is.
fn stat_entry(
    state: &gix::index::State,
    idx: usize,
    alts: Option<&[Option<Alt>]>,
    ctx: &Ctx<'_>,
    dirs: &mut DirCheck,
) -> Result<Option<Outcome>> {
    let entry = &state.entries()[idx];
    let path = entry.path(state);
    let alt = alts.and_then(|a| a.get(idx).copied().flatten());
    let probe = || -> Result<Probe> {
        let dir = path.rfind_byte(b'/').map_or(&path[..0], |i| &path[..i]);
        if !dir.is_empty() && !dirs.check(dir)? {
            return Ok(Probe::Missing);
        }
        let full = dirs.full_path(path)?;
        match gix::index::fs::Metadata::from_path_no_follow(full) {
            Ok(md) => Ok(Probe::from_gix(&md, full)),
            Err(e) if is_missing(&e) => Ok(Probe::Missing),
            Err(e) => Err(e).with_context(|| format!("reading metadata of {}", full.display())),
        }
    };
    evaluate(entry, path, alt, ctx, probe).map(|o| changed(entry, o))
}

/// What the work tree has at a tracked path.
pub(crate) enum Probe {
    Missing,
    /// A directory (a submodule's work tree, or a file replaced by a directory) at this full path.
    Dir(std::path::PathBuf),
    /// Something git can't track (fifo, socket, device).
    Other,
    File(FileInfo),
}

/// The stat data and type of a regular file or symlink.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileInfo {
    pub stat: Stat,
    pub symlink: bool,
    pub executable: bool,
    pub len: u64,
}

impl Probe {
    fn from_gix(md: &gix::index::fs::Metadata, full: &Path) -> Probe {
        if md.is_dir() {
            Probe::Dir(full.to_owned())
        } else if md.is_file() || md.is_symlink() {
            Probe::File(FileInfo {
                stat: Stat::from_fs(md).unwrap_or_default(),
                symlink: md.is_symlink(),
                executable: md.is_executable(),
                len: md.len(),
            })
        } else {
            Probe::Other
        }
    }

    /// From `lstat()` data obtained through `std` (e.g. `DirEntry::metadata()`, an `fstatat()`).
    pub(crate) fn from_std(md: &std::fs::Metadata, full: impl FnOnce() -> std::path::PathBuf) -> Probe {
        let ft = md.file_type();
        if ft.is_dir() {
            Probe::Dir(full())
        } else if ft.is_file() || ft.is_symlink() {
            Probe::File(FileInfo::from_std(md))
        } else {
            Probe::Other
        }
    }
}

impl FileInfo {
    /// The same stat data as `gix_index::entry::Stat::from_fs()` computes.
    pub(crate) fn from_std(md: &std::fs::Metadata) -> FileInfo {
        #[cfg(unix)]
        let (stat, executable) = {
            use std::os::unix::fs::MetadataExt;
            let time = |secs: i64, nsecs: i64| {
                if secs < 0 {
                    gix::index::entry::stat::Time::default()
                } else {
                    gix::index::entry::stat::Time {
                        secs: secs as u32,
                        nsecs: nsecs as u32,
                    }
                }
            };
            (
                Stat {
                    mtime: time(md.mtime(), md.mtime_nsec()),
                    ctime: time(md.ctime(), md.ctime_nsec()),
                    dev: md.dev() as u32,
                    ino: md.ino() as u32,
                    uid: md.uid(),
                    gid: md.gid(),
                    size: md.size() as u32,
                },
                md.file_type().is_file() && md.mode() & 0o100 != 0,
            )
        };
        #[cfg(not(unix))]
        let (stat, executable) = {
            let time = |t: std::io::Result<std::time::SystemTime>| {
                t.ok().map(super::util::time_from_system).unwrap_or_default()
            };
            (
                Stat {
                    mtime: time(md.modified()),
                    ctime: time(md.created()),
                    dev: 0,
                    ino: 0,
                    uid: 0,
                    gid: 0,
                    size: md.len() as u32,
                },
                false,
            )
        };
        FileInfo {
            stat,
            symlink: md.file_type().is_symlink(),
            executable,
            len: md.len(),
        }
    }
}

/// `None` if `o` leaves the cache entry as it is.
pub(crate) fn changed(entry: &gix::index::Entry, o: Outcome) -> Option<Outcome> {
    let present = !entry.id.is_null();
    match o {
        Outcome::Absent if !present => None,
        Outcome::Known { mode, oid, stat, .. }
            if present && mode == entry.mode && oid == entry.id && stat == entry.stat =>
        {
            None
        }
        o => Some(o),
    }
}

/// What `git add -A` makes of the tracked path `path` (cache entry `entry`), given what the
/// work tree has there (`probe`, only called when needed).
pub(crate) fn evaluate(
    entry: &gix::index::Entry,
    path: &BStr,
    alt: Option<Alt>,
    ctx: &Ctx<'_>,
    probe: impl FnOnce() -> Result<Probe>,
) -> Result<Outcome> {
    let present = !entry.id.is_null();
    let keep = || {
        if present {
            Outcome::Known {
                mode: entry.mode,
                oid: entry.id,
                stat: entry.stat,
                user: entry.flags.contains(USER_REF),
            }
        } else {
            Outcome::Absent
        }
    };
    if let Some(Alt::Forced { oid, mode }) = alt {
        return Ok(Outcome::Known {
            mode,
            oid,
            stat: Stat::default(),
            user: true,
        });
    }
    if entry.flags.contains(Flags::SKIP_WORKTREE) {
        return Ok(keep());
    }
    let user = if ctx.extras.is_empty() {
        None
    } else {
        ctx.extras.get(path).copied()
    };
    let user_mode = user.map_or(entry.mode, |u| u.mode);
    let info = match probe()? {
        Probe::Missing | Probe::Other => return Ok(Outcome::Absent),
        Probe::Dir(full) => {
            // A submodule (or a file replaced by a repository): the gitlink at its HEAD; an
            // unpopulated submodule keeps the recorded commit.
            return Ok(match (gitlink_head(&full, ctx.object_hash), user) {
                (Some(oid), _) => Outcome::Known {
                    mode: Mode::COMMIT,
                    oid,
                    stat: Stat::default(),
                    user: false,
                },
                (None, Some(u)) if u.mode == Mode::COMMIT => Outcome::Known {
                    mode: Mode::COMMIT,
                    oid: u.id,
                    stat: Stat::default(),
                    user: true,
                },
                (None, _) => Outcome::Absent,
            });
        }
        Probe::File(info) => info,
    };
    let stat = info.stat;
    if entry.flags.contains(Flags::ASSUME_VALID) {
        if let Some(u) = user {
            return Ok(Outcome::Known {
                mode: u.mode,
                oid: u.id,
                stat: Stat::default(),
                user: true,
            });
        }
    }
    let mode = mode_for(Some(user_mode), info.symlink, info.executable, ctx.caps);
    if let Some(Alt::Ref {
        stat: astat,
        oid,
        mode: amode,
    }) = alt
    {
        // git re-adds (and so re-hashes) an entry whose mode changed, like an exec-bit flip.
        if amode == mode && stat_matches_git(&stat, &astat, ctx.stat_opts) && !is_racy_secs(&astat, ctx.user_ts) {
            return Ok(Outcome::Known {
                mode,
                oid,
                stat,
                user: true,
            });
        }
    }
    // An id of the user's is only as good as git's trust in it: not once the mode changed.
    let user_ref = entry.flags.contains(USER_REF);
    let trusted = !user_ref || (ctx.trust_user_refs && entry.mode == mode);
    if present && trusted && !is_zero_stat(&entry.stat) && category(entry.mode) == category(mode) {
        if let Some(ts) = ctx.cache_ts {
            if stat_matches(&stat, &entry.stat, ctx.stat_opts) && !is_racy(&entry.stat, ts) {
                return Ok(Outcome::Known {
                    mode,
                    oid: entry.id,
                    stat: entry.stat,
                    user: user_ref,
                });
            }
        }
    }
    Ok(Outcome::Hash {
        mode,
        stat,
        link: info.symlink,
    })
}

/// The result of [`scan()`].
pub(crate) struct Scan {
    /// Changed tracked entries, by index in the tracked cache.
    pub outcomes: Vec<(usize, Outcome)>,
    /// Names in tracked directories that no tracked entry claims: files and symlinks…
    pub files: Vec<(BString, FileInfo)>,
    /// …and directories (to be walked the way git looks for untracked files).
    pub dirs: Vec<BString>,
}

/// A directory holding tracked entries.
struct Node {
    path: BString,
    /// Tracked entries directly in it, by name.
    files: Vec<usize>,
    /// Sub-directories holding tracked entries, by name (indices into the node list).
    subdirs: Vec<usize>,
}

fn last_component(path: &BStr) -> &[u8] {
    let path = path.strip_suffix(b"/").unwrap_or(path);
    path.rfind_byte(b'/').map_or(path, |i| &path[i + 1..])
}

/// The directories of the tracked entries, parents before children.
fn directories(state: &gix::index::State) -> Vec<Node> {
    let mut nodes = vec![Node {
        path: BString::default(),
        files: Vec::new(),
        subdirs: Vec::new(),
    }];
    let mut stack: Vec<usize> = vec![0];
    for (idx, e) in state.entries().iter().enumerate() {
        let path = e.path(state);
        let trimmed = path.strip_suffix(b"/").unwrap_or(path);
        let dir = trimmed.rfind_byte(b'/').map_or(&trimmed[..0], |i| &trimmed[..i]);
        loop {
            let top = &nodes[stack[stack.len() - 1]].path;
            let is_prefix = top.is_empty()
                || (dir.len() >= top.len()
                    && dir[..top.len()] == top[..]
                    && (dir.len() == top.len() || dir[top.len()] == b'/'));
            if is_prefix || stack.len() == 1 {
                break;
            }
            stack.pop();
        }
        loop {
            let top = stack[stack.len() - 1];
            let top_len = nodes[top].path.len();
            if top_len == dir.len() {
                break;
            }
            let start = if top_len == 0 { 0 } else { top_len + 1 };
            let end = dir[start..].find_byte(b'/').map_or(dir.len(), |i| start + i);
            let id = nodes.len();
            nodes.push(Node {
                path: dir[..end].into(),
                files: Vec::new(),
                subdirs: Vec::new(),
            });
            nodes[top].subdirs.push(id);
            stack.push(id);
        }
        let top = stack[stack.len() - 1];
        nodes[top].files.push(idx);
    }
    nodes
}

struct NodeScan {
    /// The directory could be listed.
    listed: bool,
    outcomes: Vec<(usize, Outcome)>,
    files: Vec<(BString, FileInfo)>,
    dirs: Vec<BString>,
    /// Per sub-directory: it is a real directory (no symlink, no file).
    subdir_ok: Vec<bool>,
}

fn join(dir: &BStr, name: &[u8]) -> BString {
    let mut p = BString::from(dir);
    if !p.is_empty() {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// List one directory and match its names against the tracked entries it should hold.
fn scan_node(
    node: &Node,
    nodes: &[Node],
    state: &gix::index::State,
    alts: Option<&[Option<Alt>]>,
    ctx: &Ctx<'_>,
) -> Result<NodeScan> {
    let full = ctx.workdir.join(gix::path::from_bstr(node.path.as_bstr())?);
    let mut out = NodeScan {
        listed: false,
        outcomes: Vec::new(),
        files: Vec::new(),
        dirs: Vec::new(),
        subdir_ok: vec![false; node.subdirs.len()],
    };
    let read = match std::fs::read_dir(&full) {
        Ok(r) => r,
        Err(e) if is_missing(&e) => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("listing {}", full.display())),
    };
    out.listed = true;
    let mut names: Vec<(BString, std::fs::DirEntry)> = Vec::new();
    for de in read {
        let de = de.with_context(|| format!("listing {}", full.display()))?;
        let name = gix::path::os_string_into_bstring(de.file_name())?;
        if name == ".git" {
            continue;
        }
        names.push((name, de));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));

    // Children in name order: files (entry index) and directories (position in `subdirs`).
    enum Child {
        File(usize),
        Dir(usize),
    }
    let entries = state.entries();
    let mut children: Vec<(&[u8], Child)> = Vec::with_capacity(node.files.len() + node.subdirs.len());
    children.extend(
        node.files
            .iter()
            .map(|&i| (last_component(entries[i].path(state)), Child::File(i))),
    );
    children.extend(
        node.subdirs
            .iter()
            .enumerate()
            .map(|(k, &n)| (last_component(nodes[n].path.as_bstr()), Child::Dir(k))),
    );
    children.sort_by(|a, b| a.0.cmp(b.0));

    let evaluate_file = |idx: usize, de: Option<&std::fs::DirEntry>, out: &mut NodeScan| -> Result<()> {
        let entry = &entries[idx];
        let path = entry.path(state);
        let alt = alts.and_then(|a| a.get(idx).copied().flatten());
        let probe = || -> Result<Probe> {
            let Some(de) = de else { return Ok(Probe::Missing) };
            match de.metadata() {
                Ok(md) => Ok(Probe::from_std(&md, || de.path())),
                Err(e) if is_missing(&e) => Ok(Probe::Missing),
                Err(e) => Err(e).with_context(|| format!("reading metadata of {}", de.path().display())),
            }
        };
        let o = evaluate(entry, path, alt, ctx, probe)?;
        // A file replaced by a plain directory: its content is untracked now.
        if matches!(o, Outcome::Absent) && de.is_some_and(|de| de.file_type().is_ok_and(|t| t.is_dir())) {
            out.dirs.push(path.to_owned());
        }
        if let Some(o) = changed(entry, o) {
            out.outcomes.push((idx, o));
        }
        Ok(())
    };
    let untracked = |name: &BStr, de: &std::fs::DirEntry, out: &mut NodeScan| -> Result<()> {
        let ft = de
            .file_type()
            .with_context(|| format!("reading the type of {}", de.path().display()))?;
        if ft.is_dir() {
            out.dirs.push(join(node.path.as_bstr(), name));
        } else if ft.is_file() || ft.is_symlink() {
            match de.metadata() {
                Ok(md) => out
                    .files
                    .push((join(node.path.as_bstr(), name), FileInfo::from_std(&md))),
                Err(e) if is_missing(&e) => {}
                Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", de.path().display())),
            }
        }
        Ok(())
    };

    let (mut a, mut b) = (0, 0);
    while a < names.len() || b < children.len() {
        let ord = match (names.get(a), children.get(b)) {
            (Some(n), Some(c)) => n.0.as_slice().cmp(c.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match ord {
            std::cmp::Ordering::Less => {
                untracked(names[a].0.as_bstr(), &names[a].1, &mut out)?;
                a += 1;
            }
            std::cmp::Ordering::Greater => {
                match children[b].1 {
                    Child::File(idx) => evaluate_file(idx, None, &mut out)?,
                    Child::Dir(_) => {}
                }
                b += 1;
            }
            std::cmp::Ordering::Equal => {
                let de = &names[a].1;
                match children[b].1 {
                    Child::File(idx) => evaluate_file(idx, Some(de), &mut out)?,
                    Child::Dir(k) => {
                        let is_dir = de.file_type().is_ok_and(|t| t.is_dir());
                        out.subdir_ok[k] = is_dir;
                        if !is_dir {
                            untracked(names[a].0.as_bstr(), de, &mut out)?;
                        }
                    }
                }
                a += 1;
                b += 1;
            }
        }
    }
    Ok(out)
}

/// Compare all tracked entries with the work tree by listing each directory that holds tracked
/// entries once (in parallel) and `fstatat()`-ing the names in it, collecting on the way the
/// names no tracked entry claims. Directories reached through a symlink, or gone, make all
/// tracked entries below them absent.
pub(crate) fn scan(
    state: &gix::index::State,
    alts: Option<&[Option<Alt>]>,
    ctx: &Ctx<'_>,
    threads: usize,
) -> Result<Scan> {
    let nodes = directories(state);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = threads.clamp(1, nodes.len());
    let work = || -> Result<Vec<(usize, NodeScan)>> {
        let mut out = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= nodes.len() {
                break;
            }
            match scan_node(&nodes[n], &nodes, state, alts, ctx) {
                Ok(r) => out.push((n, r)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(out)
    };
    let results = on_threads(threads, "scan", &work);
    let mut scans: Vec<Option<NodeScan>> = (0..nodes.len()).map(|_| None).collect();
    for r in results {
        for (n, s) in r? {
            scans[n] = Some(s);
        }
    }
    // A directory counts only if its parent listed it as a real directory.
    let mut valid = vec![false; nodes.len()];
    valid[0] = scans[0].as_ref().is_some_and(|s| s.listed);
    let mut result = Scan {
        outcomes: Vec::new(),
        files: Vec::new(),
        dirs: Vec::new(),
    };
    for (n, node) in nodes.iter().enumerate() {
        let Some(scan) = scans[n].take() else {
            return Err(anyhow!("directory {} was not scanned", node.path));
        };
        if valid[n] && scan.listed {
            for (k, &child) in node.subdirs.iter().enumerate() {
                valid[child] = scan.subdir_ok[k];
            }
            result.outcomes.extend(scan.outcomes);
            result.files.extend(scan.files);
            result.dirs.extend(scan.dirs);
        } else {
            valid[n] = false;
            for &idx in &node.files {
                let entry = &state.entries()[idx];
                let alt = alts.and_then(|a| a.get(idx).copied().flatten());
                let o = evaluate(entry, entry.path(state), alt, ctx, || Ok(Probe::Missing))?;
                if let Some(o) = changed(entry, o) {
                    result.outcomes.push((idx, o));
                }
            }
        }
    }
    result.outcomes.sort_by_key(|(idx, _)| *idx);
    Ok(result)
}

/// Runs `work` on `threads` threads (inline for one) and returns what each returned.
fn on_threads<T: Send>(threads: usize, what: &str, work: &(dyn Fn() -> Result<Vec<T>> + Sync)) -> Vec<Result<Vec<T>>> {
    if threads <= 1 {
        return vec![work()];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow!("a {what} worker panicked"))))
            .collect()
    })
}
