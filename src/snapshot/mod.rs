//! Work tree → tree: exact, incremental snapshots (docs/design.md invariants 1–3).
//!
//! [`capture()`] produces the tree `git add -A && git write-tree` would write on a copy of the
//! user's index, without touching the index, `HEAD`, refs or any work-tree file. It keeps a private
//! stat cache under `<git_dir>/aura/` (see `cache.rs` for the layout) that mirrors the last
//! snapshot, so a capture hashes only files whose stat data changed and edits the previous tree
//! instead of writing all trees again:
//!
//! 1. Load the cache. If the user's index changed since (its fingerprint), read it and merge:
//!    the cache keeps one entry per path of the user's index, and the user's entries become
//!    second references, trusted exactly when git would trust them (same stat data, not racy).
//! 2. Scan (`walk.rs`): list every directory holding tracked entries once, in parallel, and
//!    `fstatat()` the names in it against the cache; names nobody tracks are judged by the
//!    ignore rules, and untracked directories are walked by gix's directory walk as a whole-tree
//!    walk would. (Case-folding file systems use gix's walk for everything.)
//! 3. Hash what changed through the filter pipeline (`hash.rs`), edit the previous tree, write
//!    back the cache (a small overlay when few entries changed).
//!
//! When a `.gitattributes` file changed, or the cache is missing or does not fit, the capture is
//! redone from the user's index alone (as git would), writing all trees (`tree.rs`).
//!
//! Known differences from git: `.gitattributes` deleted from the work tree but still in the
//! index are not read from the index (git reads them only for paths it adds before it stages
//! the deletion, i.e. names sorting before `.gitattributes` in its directory); git's stat
//! comparison is assumed to be the default build's (whole seconds, no `USE_NSEC`).

mod cache;
/// Tree → work tree for `resume` (written by the session side; declared here).
pub mod checkout;
mod hash;
mod tree;
mod util;
mod walk;

#[cfg(all(test, unix))]
mod tests;

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{stat::Time, Flags, Mode, Stat};
use gix::ObjectId;

use cache::{Extras, UserEntry};
use util::{category, is_gitattributes, is_racy, is_zero_stat, mode_for, mode_to_kind, stat_matches, Caps, StatOpts};
use walk::{Alt, Outcome};

/// How to capture.
#[derive(Clone, Debug, Default)]
pub struct CaptureOptions {
    /// Untracked files larger than this (bytes) are left out and reported. None = no limit.
    pub max_untracked_size: Option<u64>,
}

/// An untracked file left out of the snapshot because of its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: BString,
    pub size: u64,
}

/// The result of [`capture()`].
#[derive(Clone, Debug)]
pub struct Capture {
    /// The snapshot tree: exactly what `GIT_INDEX_FILE=<copy of the index> git add -A && git write-tree` writes.
    pub tree: ObjectId,
    /// The user's index as a tree (what `git write-tree` on the real index gives); `None` when the
    /// index has conflicts (unmerged entries).
    pub index_tree: Option<ObjectId>,
    /// Untracked files left out because they are larger than `max_untracked_size`.
    pub skipped: Vec<SkippedFile>,
    /// How many files had to be hashed this time.
    pub hashed: usize,
}

/// Captures the work tree of `repo` (must have a work tree). Never modifies the user's index,
/// HEAD, refs or any work-tree file. Writes only objects and the private stat cache under
/// `repo.git_dir()/aura/` (per worktree: linked worktrees have their own git_dir).
pub fn capture(repo: &gix::Repository, opts: &CaptureOptions) -> Result<Capture> {
    let timer = Timer::new();
    let env = Env::new(repo).context("reading the repository configuration")?;
    timer.lap("configuration");
    if let Some(c) = run(repo, opts, &env, false, &timer)? {
        return Ok(c);
    }
    run(repo, opts, &env, true, &timer)?.ok_or_else(|| anyhow!("a full capture did not complete"))
}

/// [`capture()`] when only `paths` (`/`-separated, relative to the work tree) can have changed
/// since the last capture: the rest of the work tree is taken from the stat cache unlooked-at.
/// The result is the tree a full capture would write exactly when that premise holds; the
/// caller vouches for it (an agent whose only writes since the last full capture were its own
/// edit tools, which named these paths). `None` when it cannot be done that way and a full
/// capture is needed: no cache, a user's index changed since, a path that is a tracked
/// directory, a `.gitattributes` or `.gitignore`, or a file system that folds case.
pub fn capture_paths(repo: &gix::Repository, opts: &CaptureOptions, paths: &[BString]) -> Result<Option<Capture>> {
    let timer = Timer::new();
    let rules_file = |p: &BString| {
        let name = p.rsplit_str("/").next().unwrap_or_default();
        name == b".gitattributes" || name == b".gitignore" || name == b".git"
    };
    if paths.iter().any(|p| {
        p.is_empty()
            || rules_file(p)
            || p.split_str("/")
                .any(|c| c.is_empty() || c == b"." || c == b".." || c == b".git")
    }) {
        return Ok(None);
    }
    let env = Env::new(repo).context("reading the repository configuration")?;
    if !env.plain_names {
        return Ok(None);
    }
    let dir = cache::Dir::new(repo.git_dir());
    let t_start = dir.fs_now();
    let index_path = repo.index_path();
    let user_fp = cache::user_index_fingerprint(&index_path, env.object_hash)?;
    let Some(loaded) = dir
        .load(&env.config, env.object_hash)
        .filter(|l| repo.has_object(l.sidecar.tree))
    else {
        return Ok(None);
    };
    if loaded.sidecar.user_index != user_fp {
        return Ok(None);
    }
    let mut w = Working::from_cache(loaded, index_path, env.object_hash);
    timer.lap("loading the cache");

    // Sort the paths into tracked entries, untracked files in tracked
    // directories, and the topmost untracked directories they are in.
    let mut idxs = Vec::new();
    let mut files = Vec::new();
    let mut dirs: Vec<BString> = Vec::new();
    let mut scope: Vec<BString> = Vec::new();
    let tracked_under = |d: &[u8]| {
        let mut prefix = BString::from(d);
        prefix.push(b'/');
        w.tracked
            .prefixed_entries(prefix.as_bstr())
            .is_some_and(|e| !e.is_empty())
    };
    for path in paths {
        if let Ok(idx) = w.tracked.entry_index_by_path(path.as_bstr()) {
            idxs.push(idx);
            continue;
        }
        if tracked_under(path) {
            return Ok(None);
        }
        let untracked_dir = path
            .char_indices()
            .filter(|&(_, _, c)| c == '/')
            .map(|(i, _, _)| &path[..i])
            .find(|d| !tracked_under(d));
        let full = env.workdir.join(gix::path::from_bstr(path.as_bstr())?);
        match untracked_dir {
            Some(d) => {
                let root = env.workdir.join(gix::path::from_bstr(d.as_bstr())?);
                match std::fs::symlink_metadata(&root) {
                    Ok(md) if md.is_dir() => dirs.push(d.into()),
                    Ok(_) => return Ok(None),
                    Err(e) if walk::is_missing(&e) => {}
                    Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", root.display())),
                }
                scope.push(d.into());
            }
            None => {
                match std::fs::symlink_metadata(&full) {
                    Ok(md) if md.is_file() || md.file_type().is_symlink() => {
                        files.push((path.clone(), walk::FileInfo::from_std(&md)))
                    }
                    Ok(md) if md.is_dir() => dirs.push(path.clone()),
                    Ok(_) => {}
                    Err(e) if walk::is_missing(&e) => {}
                    Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", full.display())),
                }
                scope.push(path.clone());
            }
        }
    }
    idxs.sort_unstable();
    idxs.dedup();
    dirs.sort();
    dirs.dedup();
    let in_scope = |p: &BStr| {
        scope
            .iter()
            .any(|s| p == s.as_bstr() || (p.starts_with(s.as_slice()) && p.get(s.len()) == Some(&b'/')))
    };
    let candidates = classify_untracked(repo, &env.workdir, &w.tracked, files, dirs)?;
    let outcomes = walk::stat_some(&w.tracked, &idxs, None, &w.walk_ctx(&env))?;
    timer.lap("scan of the named paths");
    let mut next = NewSnapshot {
        untracked: w
            .untracked_prev
            .iter()
            .filter(|u| !in_scope(u.path.as_bstr()))
            .cloned()
            .collect(),
        ..NewSnapshot::default()
    };
    queue_untracked(opts, &env, &w, candidates, &mut next)?;
    queue_tracked(&env, &w, outcomes, &mut next);
    hash_queued(repo, &env, &w, &mut next)?;
    timer.lap("hashing");
    let edits = edits(&w, &next);
    if edits.attributes_changed {
        return Ok(None);
    }
    let tree = write_tree(repo, &w, &next, &edits)?;
    timer.lap("tree");
    let tracked_changed = !next.tracked.is_empty();
    update_tracked(&mut w, &next.tracked, env.object_hash);
    if w.must_save || tracked_changed || edits.untracked_changed || Some(tree) != w.prev_tree {
        let sidecar = new_sidecar(&env, &mut w, user_fp, t_start, tree);
        save_cache(&dir, &env, &w, &next, tracked_changed, sidecar);
    }
    timer.lap("cache update");
    Ok(Some(Capture {
        tree,
        index_tree: w.index_tree,
        skipped: next.skipped,
        hashed: next.hashed,
    }))
}

#[cfg(test)]
thread_local! {
    /// Tests of the fallback path (gix's directory walk plus a separate stat pass).
    static FORCE_GIX_WALK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn force_gix_walk() -> bool {
    FORCE_GIX_WALK.with(|f| f.get())
}

#[cfg(not(test))]
fn force_gix_walk() -> bool {
    false
}

/// Phase timings on stderr when `GIT_SESSION_SNAPSHOT_TIMING` is set (for benchmarks).
struct Timer(Option<std::cell::Cell<std::time::Instant>>);

impl Timer {
    fn new() -> Self {
        Timer(std::env::var_os("GIT_SESSION_SNAPSHOT_TIMING").map(|_| std::cell::Cell::new(std::time::Instant::now())))
    }
    fn lap(&self, what: &str) {
        if let Some(t) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!("snapshot: {what}: {:.1} ms", (now - t.get()).as_secs_f64() * 1000.0);
            t.set(now);
        }
    }
}

/// Configuration that stays the same for one capture.
struct Env {
    workdir: std::path::PathBuf,
    /// Case-folding or unicode-precomposing file systems take gix's directory walk, which knows
    /// how to match names there.
    plain_names: bool,
    caps: Caps,
    stat_opts: StatOpts,
    config: String,
    object_hash: gix::hash::Kind,
    threads: usize,
}

impl Env {
    fn new(repo: &gix::Repository) -> Result<Self> {
        let workdir = repo
            .workdir()
            .ok_or_else(|| anyhow!("the repository at {} has no work tree", repo.git_dir().display()))?
            .to_owned();
        let fs = repo
            .filesystem_options()
            .context("reading the file-system options (core.*)")?;
        let stat = repo
            .stat_options()
            .context("reading the stat options (core.trustCTime, core.checkStat)")?;
        let caps = Caps {
            executable_bit: fs.executable_bit,
            symlinks: fs.symlink,
        };
        let stat_opts = StatOpts {
            trust_ctime: stat.trust_ctime,
            check_stat: stat.check_stat,
        };
        let object_hash = repo.object_hash();
        let config = config_fingerprint(repo, &workdir, &fs, &stat)?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        Ok(Env {
            workdir,
            plain_names: !fs.ignore_case && !fs.precompose_unicode,
            caps,
            stat_opts,
            config,
            object_hash,
            threads,
        })
    }
}

/// Everything that changes how a file is turned into a blob, so a change of it invalidates the
/// cache: file-system capabilities, stat rules, `core.*` and `filter.*` configuration, global and
/// repository-wide attribute files, the work tree location.
fn config_fingerprint(
    repo: &gix::Repository,
    workdir: &Path,
    fs: &gix::fs::Capabilities,
    stat: &gix::index::entry::stat::Options,
) -> Result<String> {
    let mut s: Vec<u8> = Vec::new();
    s.extend_from_slice(format!("{fs:?}\n{stat:?}\n{:?}\n{:?}\n", repo.object_hash(), workdir).as_bytes());
    let config = repo.config_snapshot();
    for name in ["core", "filter"] {
        if let Some(sections) = config.plumbing().sections_by_name(name) {
            for section in sections {
                s.extend_from_slice(section.to_bstring().as_slice());
                s.push(b'\n');
            }
        }
    }
    let mut attribute_files = repo.attribute_global_paths().unwrap_or_default();
    attribute_files.push(repo.common_dir().join("info").join("attributes"));
    for path in attribute_files {
        s.extend_from_slice(format!("{path:?}:").as_bytes());
        if let Ok(content) = std::fs::read(&path) {
            s.extend_from_slice(&content);
        }
        s.push(b'\n');
    }
    let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, &s)
        .context("hashing the configuration fingerprint")?;
    Ok(id.to_string())
}

/// A snapshot entry of an untracked path, as recorded in the cache.
#[derive(Clone, Debug)]
struct Untracked {
    path: BString,
    stat: Stat,
    id: ObjectId,
    mode: Mode,
}

/// What the stat pass and the merge start from.
struct Working {
    tracked: gix::index::State,
    alts: Option<Vec<Option<Alt>>>,
    extras: Extras,
    untracked_prev: Vec<Untracked>,
    prev_tree: Option<ObjectId>,
    cache_ts: Option<Time>,
    user_ts: Time,
    user_index: hash::LazyIndex,
    index_tree: Option<ObjectId>,
    /// The tracked cache files on disk (`index`, `changes`) hold `tracked`.
    on_disk: Option<(cache::FileId, Option<cache::FileId>)>,
    /// Entries of `tracked` that differ from the `index` file (they are in `changes`).
    overlaid: Vec<usize>,
    /// The cache must be written even if no entry changed.
    must_save: bool,
    /// Entries changed by merging a changed user index (they go to the overlay).
    refreshed: bool,
}

/// Returns `None` when the capture has to be redone without trusting the cache (`full`).
fn run(repo: &gix::Repository, opts: &CaptureOptions, env: &Env, full: bool, timer: &Timer) -> Result<Option<Capture>> {
    let dir = cache::Dir::new(repo.git_dir());
    let t_start = dir.fs_now();
    let index_path = repo.index_path();
    let user_fp = cache::user_index_fingerprint(&index_path, env.object_hash)?;
    // New objects reach the object database in one pack once a ref names
    // them (store/packs.rs): a cache whose tree never got there names blobs
    // that did not either, and is not trusted.
    let loaded = if full {
        None
    } else {
        dir.load(&env.config, env.object_hash)
            .filter(|l| repo.has_object(l.sidecar.tree))
    };
    timer.lap("loading the cache");

    let mut w = match loaded {
        Some(l) if !full && l.sidecar.user_index == user_fp => Working::from_cache(l, index_path, env.object_hash),
        l => {
            let old = if full { None } else { l.as_ref() };
            Working::from_user_index(repo, env, index_path, old, timer)?
        }
    };
    let Scanned { outcomes, candidates } = scan_work_tree(repo, env, &w, timer)?;
    let mut next = NewSnapshot::default();
    queue_untracked(opts, env, &w, candidates, &mut next)?;
    queue_tracked(env, &w, outcomes, &mut next);
    timer.lap("untracked files");
    hash_queued(repo, env, &w, &mut next)?;
    timer.lap("hashing");
    let edits = edits(&w, &next);
    if edits.attributes_changed && !full && w.cache_ts.is_some() {
        // Hashes in the cache were computed under other attributes: do what git does instead.
        return Ok(None);
    }
    let tree = write_tree(repo, &w, &next, &edits)?;
    timer.lap("tree");
    let tracked_changed = !next.tracked.is_empty() || w.refreshed;
    update_tracked(&mut w, &next.tracked, env.object_hash);
    if w.must_save || tracked_changed || edits.untracked_changed || Some(tree) != w.prev_tree {
        let sidecar = new_sidecar(env, &mut w, user_fp, t_start, tree);
        save_cache(&dir, env, &w, &next, tracked_changed, sidecar);
    }
    timer.lap("cache update");
    Ok(Some(Capture {
        tree,
        index_tree: w.index_tree,
        skipped: next.skipped,
        hashed: next.hashed,
    }))
}

impl Working {
    /// What the stat pass compares the work tree with.
    fn walk_ctx<'a>(&'a self, env: &'a Env) -> walk::Ctx<'a> {
        walk::Ctx {
            workdir: &env.workdir,
            caps: env.caps,
            stat_opts: env.stat_opts,
            cache_ts: self.cache_ts,
            user_ts: self.user_ts,
            extras: &self.extras,
            object_hash: env.object_hash,
            // Ids from the user's index are trusted only while it is the one they came from.
            trust_user_refs: self.alts.is_none(),
        }
    }

    /// Starts from the cache as it is, for a user's index that has not changed since the cache
    /// was written (same fingerprint): the cache's entries and second references stand, and the
    /// user's index is read only if hashing needs it.
    fn from_cache(l: cache::Loaded, index_path: std::path::PathBuf, object_hash: gix::hash::Kind) -> Working {
        Working {
            untracked_prev: untracked_from_state(&l.untracked),
            tracked: l.tracked,
            alts: None,
            extras: l.sidecar.extras,
            prev_tree: Some(l.sidecar.tree),
            cache_ts: Some(l.sidecar.timestamp),
            user_ts: Time::default(),
            user_index: hash::LazyIndex::new(index_path, object_hash),
            index_tree: l.sidecar.index_tree,
            on_disk: Some((l.sidecar.tracked, l.sidecar.changes)),
            overlaid: l.overlaid,
            must_save: false,
            refreshed: false,
        }
    }

    /// Starts from the user's index, merged with the cache `old` when there is one (see
    /// [`merge()`]), and writes the index as a tree. When the merged entries differ from `old`'s
    /// in few places, `old`'s tracked files on disk are kept and those entries marked for the
    /// overlay; otherwise the tracked cache is to be written whole. The cache is always saved.
    fn from_user_index(
        repo: &gix::Repository,
        env: &Env,
        index_path: std::path::PathBuf,
        old: Option<&cache::Loaded>,
        timer: &Timer,
    ) -> Result<Working> {
        let user = hash::read_user_index(&index_path, env.object_hash)?;
        timer.lap("reading the user's index");
        let user_ts = Time::from(user.timestamp());
        let (tracked, alts, extras, untracked_prev) = merge(&user, old, user_ts);
        timer.lap("merging the user's index");
        let index_tree = index_tree(repo, &user)?;
        timer.lap("the user's index as a tree");
        // A user index that changed only here and there (`git status`
        // refreshing stat data, `git add` of a few files) leaves most of
        // the cache as it is on disk: keep its files and write the
        // entries that differ to the overlay, instead of rewriting 100k.
        let (on_disk, overlaid, refreshed) = match old {
            Some(l) => match entries_that_differ(&l.tracked, &tracked) {
                Some(mut differ) if differ.len() + l.overlaid.len() <= overlay_limit(&tracked) => {
                    let refreshed = !differ.is_empty();
                    differ.extend(l.overlaid.iter().copied());
                    differ.sort_unstable();
                    differ.dedup();
                    (Some((l.sidecar.tracked, l.sidecar.changes)), differ, refreshed)
                }
                _ => (None, Vec::new(), false),
            },
            None => (None, Vec::new(), false),
        };
        Ok(Working {
            tracked,
            alts: Some(alts),
            extras,
            untracked_prev,
            prev_tree: old.map(|l| l.sidecar.tree),
            cache_ts: old.map(|l| l.sidecar.timestamp),
            user_ts,
            user_index: hash::LazyIndex::with(index_path, user),
            index_tree,
            on_disk,
            overlaid,
            must_save: true,
            refreshed,
        })
    }
}

/// What [`scan_work_tree()`] found.
struct Scanned {
    /// The outcomes of the tracked entries that differ from the cache, by position in the
    /// tracked cache, in order.
    outcomes: Vec<(usize, Outcome)>,
    /// The untracked, not ignored paths `git add -A` would add.
    candidates: Vec<Candidate>,
}

/// Compares the work tree with `w`'s tracked entries and finds the untracked paths
/// `git add -A` would add. Plain-name file systems take one parallel scan of the tracked
/// directories; others a stat pass beside gix's directory walk.
fn scan_work_tree(repo: &gix::Repository, env: &Env, w: &Working, timer: &Timer) -> Result<Scanned> {
    let walk_ctx = w.walk_ctx(env);
    if env.plain_names && !force_gix_walk() {
        // One parallel pass lists each tracked directory and stats its entries.
        let scan = walk::scan(&w.tracked, w.alts.as_deref(), &walk_ctx, env.threads)?;
        timer.lap("scan");
        let candidates = classify_untracked(repo, &env.workdir, &w.tracked, scan.files, scan.dirs)?;
        timer.lap("untracked classification");
        Ok(Scanned {
            outcomes: scan.outcomes,
            candidates,
        })
    } else {
        // Stat pass and gix's untracked-file walk, side by side.
        std::thread::scope(|s| -> Result<_> {
            let repo2 = repo.clone();
            let tracked = &w.tracked;
            let walker = s.spawn(move || untracked_candidates(&repo2, tracked));
            let outcomes = walk::stat_tracked(&w.tracked, w.alts.as_deref(), &walk_ctx, env.threads);
            timer.lap("stat pass");
            let candidates = walker.join().map_err(|_| anyhow!("the directory walk panicked"))?;
            timer.lap("directory walk");
            Ok(Scanned {
                outcomes: outcomes?,
                candidates: candidates?,
            })
        })
    }
}

/// The new snapshot as the phases after the scan build it up.
#[derive(Default)]
struct NewSnapshot {
    /// New entries of the tracked paths whose outcome differs from the cache, in index order.
    tracked: Vec<Tracked>,
    /// The untracked entries (sorted by path once hashed).
    untracked: Vec<Untracked>,
    /// Untracked files left out because of their size.
    skipped: Vec<SkippedFile>,
    /// Files to hash, each for an entry of `tracked` or `untracked` (null id until hashed).
    jobs: Vec<Job>,
    /// How many files were hashed.
    hashed: usize,
}

/// Turns the untracked candidates into untracked entries of `next`: a nested repository becomes
/// a gitlink to its `HEAD` (none without one); a file larger than `max_untracked_size` goes to
/// `next.skipped`; a file whose stat data matches the cache's, not racily, keeps the cache's id;
/// any other file gets a null id and a job. Candidates that are tracked, vanished or are neither
/// files nor symlinks are left out.
fn queue_untracked(
    opts: &CaptureOptions,
    env: &Env,
    w: &Working,
    candidates: Vec<Candidate>,
    next: &mut NewSnapshot,
) -> Result<()> {
    for Candidate { path, kind, info } in candidates {
        if w.tracked.entry_by_path(path.as_bstr()).is_some() {
            continue;
        }
        let rela = gix::path::from_bstr(path.as_bstr())?;
        let full_path = env.workdir.join(&rela);
        if kind == gix::dir::entry::Kind::Repository {
            if let Some(id) = util::gitlink_head(&full_path, env.object_hash) {
                next.untracked.push(Untracked {
                    path,
                    stat: Stat::default(),
                    id,
                    mode: Mode::COMMIT,
                });
            }
            continue;
        }
        let info = match info {
            Some(info) => info,
            None => match std::fs::symlink_metadata(&full_path) {
                Ok(md) if md.is_file() || md.file_type().is_symlink() => walk::FileInfo::from_std(&md),
                Ok(_) => continue,
                Err(e) if walk::is_missing(&e) => continue,
                Err(e) => return Err(e).with_context(|| format!("reading metadata of {}", full_path.display())),
            },
        };
        if !info.symlink && opts.max_untracked_size.is_some_and(|max| info.len > max) {
            next.skipped.push(SkippedFile { path, size: info.len });
            continue;
        }
        let stat = info.stat;
        let mode = mode_for(None, info.symlink, info.executable, env.caps);
        let prev = w
            .untracked_prev
            .binary_search_by(|u| u.path.as_bstr().cmp(path.as_bstr()))
            .ok()
            .map(|i| &w.untracked_prev[i]);
        if let (Some(prev), Some(ts)) = (prev, w.cache_ts) {
            if category(prev.mode) == category(mode)
                && !is_zero_stat(&prev.stat)
                && stat_matches(&stat, &prev.stat, env.stat_opts)
                && !is_racy(&prev.stat, ts)
            {
                next.untracked.push(Untracked {
                    path,
                    stat: prev.stat,
                    id: prev.id,
                    mode,
                });
                continue;
            }
        }
        next.jobs.push(Job {
            target: Target::Untracked(next.untracked.len()),
            path: path.clone(),
            link: info.symlink,
        });
        next.untracked.push(Untracked {
            path,
            stat,
            id: ObjectId::null(env.object_hash),
            mode,
        });
    }
    Ok(())
}

/// Turns the scan's `outcomes` into `next.tracked`, one entry each in the same order: absent,
/// known (mode and id), or to be hashed (null id and a job).
fn queue_tracked(env: &Env, w: &Working, outcomes: Vec<(usize, Outcome)>, next: &mut NewSnapshot) {
    next.tracked.reserve_exact(outcomes.len());
    for (idx, o) in outcomes {
        match o {
            Outcome::Absent => next.tracked.push(Tracked {
                idx,
                new: None,
                stat: Stat::default(),
                user: false,
            }),
            Outcome::Known { mode, oid, stat, user } => next.tracked.push(Tracked {
                idx,
                new: Some((mode, oid)),
                stat,
                user,
            }),
            Outcome::Hash { mode, stat, link } => {
                next.jobs.push(Job {
                    target: Target::Tracked(next.tracked.len()),
                    path: w.tracked.entries()[idx].path(&w.tracked).to_owned(),
                    link,
                });
                next.tracked.push(Tracked {
                    idx,
                    new: Some((mode, ObjectId::null(env.object_hash))),
                    stat,
                    user: false,
                });
            }
        }
    }
}

/// Hashes the files of `next.jobs` and gives each id to the entry its job is for. A tracked
/// file that vanished meanwhile becomes absent; a vanished untracked one is dropped. Afterwards
/// `next.untracked` is sorted by path and `next.hashed` counts the jobs.
fn hash_queued(repo: &gix::Repository, env: &Env, w: &Working, next: &mut NewSnapshot) -> Result<()> {
    let mut vanished_untracked = Vec::new();
    if !next.jobs.is_empty() {
        // `.gitattributes` missing from the work tree are read from the index only for
        // skip-worktree entries: `git add -A` removes any other from its index before it looks
        // at attributes of the files it adds (see `attribute_index`).
        let attr_index = attribute_index(&w.tracked, w.alts.as_deref());
        let ids = hash_all(repo, &attr_index, &w.user_index, &next.jobs, env.threads)?;
        next.hashed = next.jobs.len();
        for (job, id) in next.jobs.iter().zip(ids) {
            match (job.target, id) {
                (Target::Tracked(i), Some(id)) => {
                    if let Some((_, oid)) = &mut next.tracked[i].new {
                        *oid = id;
                    }
                }
                (Target::Tracked(i), None) => {
                    next.tracked[i].new = None;
                    next.tracked[i].stat = Stat::default();
                }
                (Target::Untracked(i), Some(id)) => next.untracked[i].id = id,
                (Target::Untracked(i), None) => vanished_untracked.push(i),
            }
        }
    }
    if !vanished_untracked.is_empty() {
        let mut i = 0;
        next.untracked.retain(|_| {
            let keep = !vanished_untracked.contains(&i);
            i += 1;
            keep
        });
    }
    next.untracked.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(())
}

/// How the new snapshot differs from the previous one.
struct Edits {
    /// Paths to take out of the previous tree.
    removals: Vec<BString>,
    /// Entries to add to it or replace in it.
    upserts: Vec<(BString, Mode, ObjectId)>,
    /// A `.gitattributes` file is among the removals or upserts.
    attributes_changed: bool,
    /// The untracked entries differ from the cache's, stat data included.
    untracked_changed: bool,
}

/// The edits from the previous snapshot to `next`: the tracked paths whose mode or id changed
/// (in index order), then the untracked paths that went, came or changed (in path order).
fn edits(w: &Working, next: &NewSnapshot) -> Edits {
    let mut removals: Vec<BString> = Vec::new();
    let mut upserts: Vec<(BString, Mode, ObjectId)> = Vec::new();
    let mut attributes_changed = false;
    for Tracked { idx, new, .. } in &next.tracked {
        let e = &w.tracked.entries()[*idx];
        let prev = (!e.id.is_null()).then_some((e.mode, e.id));
        if prev != *new {
            let path = e.path(&w.tracked);
            attributes_changed |= is_gitattributes(path);
            match new {
                None => removals.push(path.to_owned()),
                Some((mode, id)) => upserts.push((path.to_owned(), *mode, *id)),
            }
        }
    }
    let mut untracked_changed = false;
    let (mut a, mut b) = (0, 0);
    let (old, new) = (&w.untracked_prev, &next.untracked);
    while a < old.len() || b < new.len() {
        let ord = match (old.get(a), new.get(b)) {
            (Some(o), Some(n)) => o.path.cmp(&n.path),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match ord {
            std::cmp::Ordering::Less => {
                untracked_changed = true;
                attributes_changed |= is_gitattributes(old[a].path.as_bstr());
                removals.push(old[a].path.clone());
                a += 1;
            }
            std::cmp::Ordering::Greater => {
                untracked_changed = true;
                attributes_changed |= is_gitattributes(new[b].path.as_bstr());
                upserts.push((new[b].path.clone(), new[b].mode, new[b].id));
                b += 1;
            }
            std::cmp::Ordering::Equal => {
                let (o, n) = (&old[a], &new[b]);
                if o.mode != n.mode || o.id != n.id {
                    attributes_changed |= is_gitattributes(n.path.as_bstr());
                    upserts.push((n.path.clone(), n.mode, n.id));
                }
                if o.mode != n.mode || o.id != n.id || o.stat != n.stat {
                    untracked_changed = true;
                }
                a += 1;
                b += 1;
            }
        }
    }
    Edits {
        removals,
        upserts,
        attributes_changed,
        untracked_changed,
    }
}

/// The new snapshot tree, in the object database: the previous tree itself when nothing
/// changed, the previous tree with `edits` applied when it is still there, else all trees
/// written afresh.
fn write_tree(repo: &gix::Repository, w: &Working, next: &NewSnapshot, edits: &Edits) -> Result<ObjectId> {
    let prev_tree = w.prev_tree.filter(|t| repo.has_object(t));
    match prev_tree {
        Some(prev) if edits.removals.is_empty() && edits.upserts.is_empty() => Ok(prev),
        Some(prev) => edit_tree(repo, prev, edits),
        None => write_all_trees(repo, w, next),
    }
}

/// Applies `edits` to the tree `prev`, writing the trees that change; returns the new root.
fn edit_tree(repo: &gix::Repository, prev: ObjectId, edits: &Edits) -> Result<ObjectId> {
    let mut editor = repo
        .edit_tree(prev)
        .context("loading the previous snapshot tree")?
        .detach();
    for path in &edits.removals {
        editor
            .remove(tree_path(path.as_bstr()).split_str("/"))
            .with_context(|| format!("removing {path} from the snapshot tree"))?;
    }
    for (path, mode, id) in &edits.upserts {
        editor
            .upsert(tree_path(path.as_bstr()).split_str("/"), mode_to_kind(*mode), *id)
            .with_context(|| format!("adding {path} to the snapshot tree"))?;
    }
    editor
        .write(|tree| repo.write_object(tree).map(gix::Id::detach))
        .context("writing the snapshot tree")
}

/// Writes every tree of the new snapshot: the tracked cache's entries, with `next.tracked` in
/// place of the ones it changes and absent ones left out, merged in path order with
/// `next.untracked`; returns the root.
fn write_all_trees(repo: &gix::Repository, w: &Working, next: &NewSnapshot) -> Result<ObjectId> {
    let mut writer = tree::Writer::new(repo);
    let mut r = next.tracked.iter().peekable();
    let mut u = next.untracked.iter().peekable();
    for (idx, e) in w.tracked.entries().iter().enumerate() {
        let path = e.path(&w.tracked);
        let result = match r.peek() {
            Some(t) if t.idx == idx => {
                let new = t.new;
                r.next();
                new
            }
            _ => (!e.id.is_null()).then_some((e.mode, e.id)),
        };
        let Some((mode, id)) = result else { continue };
        while let Some(n) = u.peek() {
            if n.path.as_bstr() < path {
                writer.push(n.path.as_bstr(), mode_to_kind(n.mode), n.id)?;
                u.next();
            } else {
                break;
            }
        }
        writer.push(tree_path(path), mode_to_kind(mode), id)?;
    }
    for n in u {
        writer.push(n.path.as_bstr(), mode_to_kind(n.mode), n.id)?;
    }
    writer.finish()
}

/// Puts the new tracked entries `results` into `w.tracked`: mode, id and stat data (a null id,
/// zero stat data and the user's mode for an absent path) and the [`walk::USER_REF`] bit; keeps
/// `w.extras` holding the user's entry exactly where it differs from the snapshot's in mode, is
/// a gitlink or is assume-valid.
fn update_tracked(w: &mut Working, results: &[Tracked], object_hash: gix::hash::Kind) {
    let user_modes: Vec<Mode> = results
        .iter()
        .map(|t| {
            let e = &w.tracked.entries()[t.idx];
            w.extras.get(e.path(&w.tracked)).map_or(e.mode, |u| u.mode)
        })
        .collect();
    let (entries, backing) = w.tracked.entries_mut_and_pathbacking();
    for (Tracked { idx, new, stat, user }, user_mode) in results.iter().zip(user_modes) {
        let e = &mut entries[*idx];
        e.flags.set(walk::USER_REF, *user && new.is_some());
        walk::fix_extended(&mut e.flags);
        match new {
            Some((mode, id)) => {
                e.mode = *mode;
                e.id = *id;
                e.stat = *stat;
            }
            None => {
                e.mode = user_mode;
                e.id = ObjectId::null(object_hash);
                e.stat = Stat::default();
            }
        }
        let path = e.path_in(backing);
        let needed = user_mode != e.mode || user_mode == Mode::COMMIT || e.flags.contains(Flags::ASSUME_VALID);
        if needed {
            let id = w.extras.get(path).map_or(ObjectId::null(object_hash), |u| u.id);
            w.extras.insert(path.to_owned(), UserEntry { mode: user_mode, id });
        } else {
            w.extras.remove(path);
        }
    }
}

/// The sidecar of the new cache: this capture's configuration, user index fingerprint
/// (`user_index`), start time (`timestamp`) and trees, the tracked files on disk it keeps, and
/// the user's entries (moved out of `w.extras`).
fn new_sidecar(env: &Env, w: &mut Working, user_index: String, timestamp: Time, tree: ObjectId) -> cache::Sidecar {
    let mut sidecar = cache::Sidecar {
        config: env.config.clone(),
        user_index,
        timestamp,
        tree,
        index_tree: w.index_tree,
        tracked: cache::FileId {
            ino: 0,
            size: 0,
            mtime_ns: 0,
        },
        changes: None,
        untracked: cache::FileId {
            ino: 0,
            size: 0,
            mtime_ns: 0,
        },
        extras: std::mem::take(&mut w.extras),
    };
    if let Some((tracked, changes)) = w.on_disk {
        sidecar.tracked = tracked;
        sidecar.changes = changes;
    }
    sidecar
}

/// Writes the new cache: the tracked part kept as it is on disk when unchanged, as an overlay
/// when few entries differ from the `index` file, else whole; the untracked entries of `next`;
/// and `sidecar`. A cache that cannot be written is no error.
fn save_cache(
    dir: &cache::Dir,
    env: &Env,
    w: &Working,
    next: &NewSnapshot,
    tracked_changed: bool,
    sidecar: cache::Sidecar,
) {
    let mut untracked_state = gix::index::State::new(env.object_hash);
    for u in &next.untracked {
        untracked_state.dangerously_push_entry(u.stat, u.id, Flags::empty(), u.mode, u.path.as_bstr());
    }
    // Few changed entries go to the small overlay file instead of rewriting the whole cache.
    let mut dirty: Vec<usize> = w.overlaid.clone();
    dirty.extend(next.tracked.iter().map(|t| t.idx));
    dirty.sort_unstable();
    dirty.dedup();
    let overlay;
    let save = match w.on_disk {
        Some(_) if !tracked_changed => cache::TrackedSave::Keep,
        Some(_) if dirty.len() <= overlay_limit(&w.tracked) => {
            let mut changes = gix::index::State::new(env.object_hash);
            for &idx in &dirty {
                let e = &w.tracked.entries()[idx];
                changes.dangerously_push_entry(e.stat, e.id, e.flags, e.mode, e.path(&w.tracked));
            }
            overlay = changes;
            cache::TrackedSave::Overlay(&overlay)
        }
        _ => cache::TrackedSave::Full(&w.tracked),
    };
    // Losing the cache update is fine (another process holds the lock, or the disk is full):
    // the next capture does more work, never a wrong one.
    let _ = dir.save(save, &untracked_state, sidecar);
}

/// How many changed entries go to the overlay file before the whole cache is rewritten.
fn overlay_limit(tracked: &gix::index::State) -> usize {
    1000.max(tracked.entries().len() / 32)
}

/// The positions of the entries of `new` that differ from `old` in id, mode,
/// stat or flags, when both hold the same paths in the same order.
fn entries_that_differ(old: &gix::index::State, new: &gix::index::State) -> Option<Vec<usize>> {
    if old.entries().len() != new.entries().len() {
        return None;
    }
    let mut differ = Vec::new();
    for (i, (a, b)) in old.entries().iter().zip(new.entries()).enumerate() {
        if a.path(old) != b.path(new) {
            return None;
        }
        if a.id != b.id || a.mode != b.mode || a.stat != b.stat || a.flags != b.flags {
            differ.push(i);
        }
    }
    Some(differ)
}

/// The new snapshot entry of a tracked path (index `idx` in the tracked cache).
struct Tracked {
    idx: usize,
    new: Option<(Mode, ObjectId)>,
    stat: Stat,
    user: bool,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Tracked(usize),
    Untracked(usize),
}

struct Job {
    target: Target,
    path: BString,
    link: bool,
}

/// Hash the files of `jobs` (in parallel when there are many), returning their ids in order;
/// `None` for a file that vanished.
fn hash_all(
    repo: &gix::Repository,
    attr_index: &gix::index::State,
    user_index: &hash::LazyIndex,
    jobs: &[Job],
    threads: usize,
) -> Result<Vec<Option<ObjectId>>> {
    const PER_THREAD: usize = 32;
    let threads = threads.min(jobs.len() / PER_THREAD).max(1);
    if threads == 1 {
        let mut hasher = hash::Hasher::new(repo, attr_index, user_index)?;
        return jobs
            .iter()
            .map(|job| hasher.blob(job.path.as_bstr(), job.link))
            .collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|s| -> Result<Vec<Option<ObjectId>>> {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                let mut repo = repo.clone();
                // Its own object memory, handed back to `repo`'s below.
                repo.objects.set_object_memory(Default::default());
                s.spawn(move || -> Result<(Vec<Option<ObjectId>>, _)> {
                    let mut hasher = hash::Hasher::new(&repo, attr_index, user_index)?;
                    let ids = part
                        .iter()
                        .map(|job| hasher.blob(job.path.as_bstr(), job.link))
                        .collect::<Result<_>>()?;
                    drop(hasher);
                    Ok((ids, repo.objects.take_object_memory()))
                })
            })
            .collect();
        let mut ids = Vec::with_capacity(jobs.len());
        for h in handles {
            let (part, memory) = h.join().map_err(|_| anyhow!("a hashing thread panicked"))??;
            ids.extend(part);
            for (id, (kind, data)) in memory.iter().flat_map(|m| m.iter()) {
                gix::objs::Write::write_buf_with_known_id(&repo.objects, *kind, data, *id)
                    .context("keeping a hashed blob")?;
            }
        }
        Ok(ids)
    })
}

/// A path as a tree path: sparse directory entries of the index end with a slash.
fn tree_path(path: &BStr) -> &BStr {
    path.strip_suffix(b"/").unwrap_or(path).as_bstr()
}

fn untracked_from_state(state: &gix::index::State) -> Vec<Untracked> {
    state
        .entries()
        .iter()
        .map(|e| Untracked {
            path: e.path(state).to_owned(),
            stat: e.stat,
            id: e.id,
            mode: e.mode,
        })
        .collect()
}

/// The index entries that provide `.gitattributes` files absent from the work tree: the
/// skip-worktree ones. (`git add -A` stages the deletion of any other before it needs attributes
/// for the files that follow it in index order, and its attribute stack is built lazily; a
/// modified file sorting before the deleted `.gitattributes` in its directory, like `-x.txt`,
/// would make git use the stale rules: not reproduced.)
fn attribute_index(tracked: &gix::index::State, alts: Option<&[Option<Alt>]>) -> gix::index::State {
    let mut out = gix::index::State::new(tracked.object_hash());
    for (idx, e) in tracked.entries().iter().enumerate() {
        if !e.flags.contains(Flags::SKIP_WORKTREE) {
            continue;
        }
        let path = e.path(tracked);
        if !is_gitattributes(path) {
            continue;
        }
        let id = match alts.and_then(|a| a.get(idx).copied().flatten()) {
            Some(Alt::Forced { oid, .. }) => oid,
            _ => e.id,
        };
        if !id.is_null() {
            out.dangerously_push_entry(Stat::default(), id, Flags::empty(), Mode::FILE, path);
        }
    }
    out
}

/// Build the tracked set from the user's index: one entry per path, carrying the previous
/// snapshot's id, mode and stat data from `old` (the cache) where it had the path; the user's
/// entries become second references, used when their stat data matches like git uses them.
fn merge(
    user: &gix::index::State,
    old: Option<&cache::Loaded>,
    user_ts: Time,
) -> (gix::index::State, Vec<Option<Alt>>, Extras, Vec<Untracked>) {
    let object_hash = user.object_hash();
    let mut tracked = gix::index::State::new(object_hash);
    let mut alts = Vec::with_capacity(user.entries().len());
    let mut extras = Extras::new();
    let mut untracked_prev = Vec::new();
    let empty = gix::index::State::new(object_hash);
    let old_t = old.map_or(&empty, |l| &l.tracked);
    let old_u = old.map_or(&empty, |l| &l.untracked);
    let mut used_u = vec![false; old_u.entries().len()];
    let mut tcur = 0;
    let old_entries = old_t.entries();
    let entries = user.entries();
    let mut i = 0;
    // An id that came from the user's index is no hash of ours: git hashes an untracked file afresh.
    let move_to_untracked = |e: &gix::index::Entry, state: &gix::index::State, out: &mut Vec<Untracked>| {
        if !e.id.is_null() {
            out.push(Untracked {
                path: e.path(state).to_owned(),
                stat: if e.flags.contains(walk::USER_REF) {
                    Stat::default()
                } else {
                    e.stat
                },
                id: e.id,
                mode: e.mode,
            });
        }
    };
    while i < entries.len() {
        let path = entries[i].path(user);
        let mut j = i + 1;
        while j < entries.len() && entries[j].path(user) == path {
            j += 1;
        }
        let group = &entries[i..j];
        let conflicted = group.iter().any(|e| e.stage_raw() != 0);
        // git's index_name_pos_also_unmerged(): stage 0, else stage 2 if stages 1 and 2 exist, else the first.
        let e0 = if group.len() > 1 && group[0].stage_raw() == 1 && group[1].stage_raw() == 2 {
            &group[1]
        } else {
            &group[0]
        };
        while tcur < old_entries.len() && old_entries[tcur].path(old_t) < path {
            move_to_untracked(&old_entries[tcur], old_t, &mut untracked_prev);
            tcur += 1;
        }
        let c = if tcur < old_entries.len() && old_entries[tcur].path(old_t) == path {
            tcur += 1;
            Some(&old_entries[tcur - 1])
        } else if let Ok(k) = old_u.entry_index_by_path(path) {
            used_u[k] = true;
            Some(&old_u.entries()[k])
        } else {
            None
        };
        let c = c.filter(|c| !c.id.is_null());
        let mut flags = if conflicted {
            Flags::empty()
        } else {
            e0.flags & (Flags::SKIP_WORKTREE | Flags::ASSUME_VALID)
        };
        if c.is_some_and(|c| c.flags.contains(walk::USER_REF)) {
            flags |= walk::USER_REF;
        }
        walk::fix_extended(&mut flags);
        let (mode, id, stat) = match c {
            Some(c) => (c.mode, c.id, c.stat),
            None => (e0.mode, ObjectId::null(object_hash), Stat::default()),
        };
        tracked.dangerously_push_entry(stat, id, flags, mode, path);
        alts.push(if flags.contains(Flags::SKIP_WORKTREE) {
            Some(Alt::Forced {
                oid: e0.id,
                mode: e0.mode,
            })
        } else if conflicted
            || e0.flags.contains(Flags::INTENT_TO_ADD)
            || is_zero_stat(&e0.stat)
            || util::is_racy_secs(&e0.stat, user_ts)
        {
            None
        } else {
            Some(Alt::Ref {
                stat: e0.stat,
                oid: e0.id,
                mode: e0.mode,
            })
        });
        if e0.mode != mode || e0.mode == Mode::COMMIT || flags.contains(Flags::ASSUME_VALID) {
            extras.insert(
                path.to_owned(),
                UserEntry {
                    mode: e0.mode,
                    id: e0.id,
                },
            );
        }
        i = j;
    }
    for e in &old_entries[tcur..] {
        move_to_untracked(e, old_t, &mut untracked_prev);
    }
    for (k, e) in old_u.entries().iter().enumerate() {
        if !used_u[k] {
            move_to_untracked(e, old_u, &mut untracked_prev);
        }
    }
    untracked_prev.sort_by(|a, b| a.path.cmp(&b.path));
    (tracked, alts, extras, untracked_prev)
}

/// The user's index as a tree: `None` with conflicts; else its cache tree (TREE extension) where
/// valid, and trees written from its entries where not (intent-to-add entries left out, as
/// `git write-tree` does).
fn index_tree(repo: &gix::Repository, user: &gix::index::State) -> Result<Option<ObjectId>> {
    if user.entries().iter().any(|e| e.stage_raw() != 0) {
        return Ok(None);
    }
    let id = index_subtree(repo, user, 0..user.entries().len(), 0, user.tree())?;
    Ok(Some(match id {
        Some(id) => id,
        None => repo
            .write_object(gix::objs::Tree::empty())
            .context("writing the empty tree")?
            .detach(),
    }))
}

/// The tree of the entries in `range`, which all start with the same directory prefix of
/// `prefix_len` bytes; `None` if it would be empty.
fn index_subtree(
    repo: &gix::Repository,
    user: &gix::index::State,
    range: std::ops::Range<usize>,
    prefix_len: usize,
    cached: Option<&gix::index::extension::Tree>,
) -> Result<Option<ObjectId>> {
    if let Some(t) = cached {
        if t.num_entries.is_some() && repo.has_object(t.id) {
            return Ok(Some(t.id));
        }
    }
    let entries = user.entries();
    let mut tree = gix::objs::Tree::empty();
    let mut i = range.start;
    while i < range.end {
        let path = entries[i].path(user);
        let rel = &path[prefix_len..];
        match rel.find_byte(b'/').filter(|&slash| slash + 1 < rel.len()) {
            Some(slash) => {
                let name = &rel[..slash];
                let sub_len = prefix_len + slash + 1;
                let mut j = i + 1;
                while j < range.end && {
                    let p = entries[j].path(user);
                    p.len() > sub_len && p[..sub_len] == path[..sub_len]
                } {
                    j += 1;
                }
                let child = cached.and_then(|t| t.children.iter().find(|c| c.name.as_slice() == name));
                if let Some(id) = index_subtree(repo, user, i..j, sub_len, child)? {
                    tree.entries.push(gix::objs::tree::Entry {
                        mode: gix::objs::tree::EntryKind::Tree.into(),
                        filename: name.into(),
                        oid: id,
                    });
                }
                i = j;
            }
            None => {
                let e = &entries[i];
                if !e.flags.contains(Flags::INTENT_TO_ADD) {
                    // A sparse directory entry ends with a slash.
                    let name = rel.strip_suffix(b"/").unwrap_or(rel);
                    tree.entries.push(gix::objs::tree::Entry {
                        mode: mode_to_kind(e.mode).into(),
                        filename: name.into(),
                        oid: e.id,
                    });
                }
                i += 1;
            }
        }
    }
    if tree.entries.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        repo.write_object(&tree)
            .context("writing a tree of the user's index")?
            .detach(),
    ))
}

/// Untracked, not ignored files and nested repositories, as `git add -A` finds them.
fn untracked_candidates(repo: &gix::Repository, tracked: &gix::index::State) -> Result<Vec<Candidate>> {
    let options = walk_options(repo)?;
    let mut collect = Collect(Vec::new());
    repo.dirwalk(
        tracked,
        None::<&BStr>,
        &gix::interrupt::IS_INTERRUPTED,
        options,
        &mut collect,
    )
    .context("walking the work tree for untracked files")?;
    Ok(collect.0)
}

/// An untracked, not ignored path `git add -A` adds.
struct Candidate {
    path: BString,
    kind: gix::dir::entry::Kind,
    /// Its stat data, when already known.
    info: Option<walk::FileInfo>,
}

struct Collect(Vec<Candidate>);

impl gix::dir::walk::Delegate for Collect {
    fn emit(
        &mut self,
        entry: gix::dir::EntryRef<'_>,
        _collapsed_directory_status: Option<gix::dir::entry::Status>,
    ) -> gix::dir::walk::Action {
        if entry.status == gix::dir::entry::Status::Untracked {
            if let Some(kind) = entry.disk_kind {
                self.0.push(Candidate {
                    path: entry.rela_path.into_owned(),
                    kind,
                    info: None,
                });
            }
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// Directory-walk options matching what `git add -A` considers.
fn walk_options(repo: &gix::Repository) -> Result<gix::dirwalk::Options> {
    Ok(repo
        .dirwalk_options()
        .context("reading the directory-walk options")?
        .emit_untracked(gix::dir::walk::EmissionMode::Matching)
        .emit_ignored(None)
        .emit_tracked(false)
        .emit_pruned(false)
        .emit_empty_directories(false)
        .recurse_repositories(false)
        .classify_untracked_bare_repositories(false))
}

/// Decide which of the names the scan found in tracked directories `git add -A` would add:
/// files that no ignore rule excludes, and what gix's directory walk finds below each
/// untracked directory (walked from the work tree's root to it, so ignore rules, nested
/// repositories and everything else are judged exactly as in a whole-tree walk).
fn classify_untracked(
    repo: &gix::Repository,
    workdir: &Path,
    tracked: &gix::index::State,
    mut files: Vec<(BString, walk::FileInfo)>,
    mut dirs: Vec<BString>,
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    if files.is_empty() && dirs.is_empty() {
        return Ok(out);
    }
    let mut excludes = repo
        .excludes(
            tracked,
            None,
            gix::worktree::stack::state::ignore::Source::WorktreeThenIdMappingIfNotSkipped,
        )
        .context("reading ignore rules")?
        .detach();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, info) in files {
        let excluded = excludes
            .at_entry(path.as_bstr(), Some(Mode::FILE), &repo.objects)
            .with_context(|| format!("reading ignore rules for {path}"))?
            .excluded_kind()
            .is_some();
        if !excluded {
            out.push(Candidate {
                kind: if info.symlink {
                    gix::dir::entry::Kind::Symlink
                } else {
                    gix::dir::entry::Kind::File
                },
                path,
                info: Some(info),
            });
        }
    }
    if dirs.is_empty() {
        return Ok(out);
    }
    dirs.sort();
    let (mut pathspec, _) = repo
        .pathspec(
            false,
            None::<&BStr>,
            true,
            tracked,
            gix::worktree::stack::state::attributes::Source::WorktreeThenIdMapping,
        )
        .context("setting up the directory walk's pathspec")?
        .into_parts();
    let git_dir_realpath =
        gix::path::realpath_opts(repo.git_dir(), repo.current_dir(), gix::path::realpath::MAX_SYMLINKS)
            .with_context(|| format!("resolving the path of {}", repo.git_dir().display()))?;
    let options = gix::dir::walk::Options::from(walk_options(repo)?);
    let mut collect = Collect(Vec::new());
    for dir in dirs {
        let root = workdir.join(gix::path::from_bstr(dir.as_bstr())?);
        gix::dir::walk(
            workdir,
            gix::dir::walk::Context {
                should_interrupt: Some(&gix::interrupt::IS_INTERRUPTED),
                git_dir_realpath: &git_dir_realpath,
                current_dir: repo.current_dir(),
                index: tracked,
                ignore_case_index_lookup: None,
                pathspec: &mut pathspec,
                pathspec_attributes: &mut |_, _, _, _| false,
                excludes: Some(&mut excludes),
                objects: &repo.objects,
                explicit_traversal_root: Some(&root),
            },
            options,
            &mut collect,
        )
        .with_context(|| format!("walking {dir} for untracked files"))?;
    }
    out.extend(collect.0);
    Ok(out)
}
