//! Sessions as git objects: ref names, reading heads and event logs, the one
//! append path (objects first, then a compare-and-swap of the ref), the
//! commits a session is credited with, and every change this program makes
//! to the user's repository (HEAD, branches, config, the index through the
//! rewind machinery).
//!
//! The repository is private to this module: the layers above (`ops`,
//! `cmd`) see sessions, events and object ids, never gix. The git-facing
//! machinery (`snapshot`, `diff`, `rewind`, `remote`, `secrets`) reaches the
//! repository through [`Store::repo`].

mod agents;
mod append;
mod archive;
mod attribution;
mod claims;
mod config;
mod current;
pub(crate) mod delta;
mod head;
pub(crate) mod hooks;
mod journal;
mod listing;
pub(crate) mod merge;
mod names;
mod packs;
#[cfg(test)]
mod props;
mod read;
mod record;
mod reflog;
pub(crate) mod refs;
mod scope;
mod tracking;
mod trees;
pub(crate) mod worktree;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::{fail, fail_with_hint};
use crate::session::{Oid, Person, SkippedFile, Snapshot, Timestamp};

pub(crate) use agents::{AgentTurn, TranscriptMark};
pub(crate) use archive::Squashed;
pub(crate) use claims::overlaps;
pub(crate) use current::Current;
/// The object id of the repository's objects (commits, trees), for the
/// layers above that hold one without looking inside.
pub(crate) use gix::ObjectId;
pub(crate) use journal::Journal;
pub(crate) use listing::{Listed, SessionSummary};
pub(crate) use packs::deflate_all;
pub(crate) use read::{SessionHead, StoredEvent};
pub(crate) use record::Target;
pub(crate) use reflog::SeenCommit;
pub(crate) use trees::{conflict_paths, OnConflict};

/// An open repository and the operations on its sessions.
pub(crate) struct Store {
    repo: gix::Repository,
    /// Where warnings go (the front end decides: stderr, a tool result).
    warnings: std::rc::Rc<dyn Fn(&str)>,
}

/// Default for `session.maxUntrackedSize`: untracked files above it are left out of snapshots.
const DEFAULT_MAX_UNTRACKED: u64 = 50 << 20;

impl Store {
    /// Opens the repository containing `dir`, honouring `GIT_DIR`,
    /// `GIT_WORK_TREE` and the other variables git honours.
    pub(crate) fn discover(dir: &Path) -> Result<Store> {
        let dir = if dir.is_absolute() {
            dir.to_owned()
        } else {
            std::env::current_dir()
                .context("cannot read the current directory")?
                .join(dir)
        };
        // `git -c key=value session …` (and `--config-env`) hands the
        // values down in `GIT_CONFIG_PARAMETERS`, which gix does not read:
        // they are given to it as what they are, command-line overrides.
        let overrides = config::command_line_overrides();
        let mut trust = gix::sec::trust::Mapping::<gix::open::Options>::default();
        let slots = packs::object_store_slots();
        trust.full = trust.full.cli_overrides(overrides.clone()).object_store_slots(slots);
        trust.reduced = trust.reduced.cli_overrides(overrides).object_store_slots(slots);
        match gix::ThreadSafeRepository::discover_with_environment_overrides_opts(&dir, Default::default(), trust) {
            Ok(repo) => Ok(Store {
                repo: with_object_memory(repo.to_thread_local()),
                warnings: std::rc::Rc::new(|text| eprintln!("warning: {text}")),
            }),
            Err(_) if object_format_of(&dir).is_some() => Err(fail(format!(
                "this git repository uses {} object ids, which git-session does not support yet (only SHA-1)",
                object_format_of(&dir).unwrap_or_default()
            ))),
            Err(_) if dir.is_dir() => Err(fail_with_hint(
                format!(
                    "not a git repository (or any of the parent directories): {}",
                    dir.display()
                ),
                "run `git init` first, or `cd` into a repository",
            )),
            Err(_) => Err(fail(format!("cannot change to '{}': no such directory", dir.display()))),
        }
    }

    /// A store over an open repository (for tests that open it themselves).
    #[cfg(test)]
    pub(crate) fn from_repo(repo: gix::Repository) -> Store {
        Store {
            repo: with_object_memory(repo),
            warnings: std::rc::Rc::new(|text| eprintln!("warning: {text}")),
        }
    }

    /// The repository, for the git-facing machinery (`snapshot`, `diff`,
    /// `rewind`, `remote`, `secrets`); the layers above never call it.
    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// Sends warnings to `sink` instead of stderr.
    pub(crate) fn set_warnings(&mut self, sink: std::rc::Rc<dyn Fn(&str)>) {
        self.warnings = sink;
    }

    /// Where this store's warnings go.
    pub(crate) fn warnings(&self) -> std::rc::Rc<dyn Fn(&str)> {
        self.warnings.clone()
    }

    /// A warning for the user: something went wrong that did not stop the operation.
    pub(crate) fn warn(&self, text: &str) {
        (self.warnings)(text);
    }

    /// The work tree, or an error for a bare repository.
    pub(crate) fn workdir(&self) -> Result<&Path> {
        self.repo.workdir().ok_or_else(|| {
            fail_with_hint(
                format!(
                    "this command needs a work tree, and {} is a bare repository",
                    self.repo.git_dir().display()
                ),
                "run it in a clone or a linked worktree (`git worktree add`)",
            )
        })
    }

    /// Whether the repository has a work tree.
    pub(crate) fn has_workdir(&self) -> bool {
        self.repo.workdir().is_some()
    }

    /// `<git dir of this worktree>/aura`, the tool's private per-worktree state.
    pub(crate) fn private_dir(&self) -> PathBuf {
        self.repo.git_dir().join("aura")
    }

    /// `<common dir>/aura`, the tool's private state shared by all work trees.
    fn shared_dir(&self) -> PathBuf {
        self.repo.common_dir().join("aura")
    }

    /// The user's git identity and the current time, resolved as git does:
    /// `GIT_COMMITTER_NAME`/`_EMAIL`, `committer.*`, `user.*`, `EMAIL`, and
    /// `GIT_COMMITTER_DATE` or now.
    ///
    /// Not `repo.committer()`: gix computes the local time zone there by
    /// walking the whole zoneinfo database, which costs more than the rest of
    /// a `note` together. The offset comes from the C library instead.
    pub(crate) fn identity(&self) -> Result<(Person, Timestamp)> {
        let config = self.repo.config_snapshot();
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let conf = |key: &str| config.string(key).map(|v| v.to_string()).filter(|v| !v.is_empty());
        let name = env("GIT_COMMITTER_NAME")
            .or_else(|| conf("committer.name"))
            .or_else(|| conf("user.name"));
        let email = env("GIT_COMMITTER_EMAIL")
            .or_else(|| conf("committer.email"))
            .or_else(|| conf("user.email"))
            .or_else(|| env("EMAIL"));
        let (Some(name), Some(email)) = (name, email) else {
            return Err(fail_with_hint(
                "your git identity (user.name and user.email) is not set",
                "set it with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`",
            ));
        };
        let time = match env("GIT_COMMITTER_DATE") {
            Some(date) => {
                let t = gix::date::parse(&date, None)
                    .map_err(|err| fail(format!("cannot read GIT_COMMITTER_DATE '{date}': {err}")))?;
                Timestamp::from_unix(t.seconds, t.offset)
            }
            None => Timestamp::now(),
        };
        Ok((Person { name, email }, time))
    }

    /// A git config value as a string (`session.*` and friends).
    pub(crate) fn config_string(&self, key: &str) -> Option<String> {
        self.repo.config_snapshot().string(key).map(|s| s.to_string())
    }

    /// A git config boolean (`true`, `yes`, `on`, `1`, …); `None` when unset.
    pub(crate) fn config_bool(&self, key: &str) -> Result<Option<bool>> {
        self.repo
            .config_snapshot()
            .try_boolean(key)
            .map_err(|err| fail(format!("bad config value for {key}: {err}")))
    }

    /// A git config integer, with git's `k`/`m`/`g` suffixes.
    pub(crate) fn config_integer(&self, key: &str) -> Result<Option<i64>> {
        match self.repo.config_snapshot().try_integer(key) {
            Ok(v) => Ok(v),
            Err(err) => Err(fail(format!("bad config value for {key}: {err}"))),
        }
    }

    /// A capture of the work tree with the configured options (objects only; nothing recorded).
    pub(crate) fn capture(&self) -> Result<crate::snapshot::Capture> {
        self.workdir()?;
        crate::snapshot::capture(&self.repo, &self.capture_options()?)
    }

    /// A capture looking only at `paths` (work-tree relative, `/`-separated),
    /// for a caller that knows nothing else changed since the last capture
    /// (see [`crate::snapshot::capture_paths`]); `None` when a full capture is needed.
    pub(crate) fn capture_paths(&self, paths: &[String]) -> Result<Option<crate::snapshot::Capture>> {
        self.workdir()?;
        let paths: Vec<bstr::BString> = paths.iter().map(|p| p.as_str().into()).collect();
        crate::snapshot::capture_paths(&self.repo, &self.capture_options()?, &paths)
    }

    fn capture_options(&self) -> Result<crate::snapshot::CaptureOptions> {
        let max = match self.config_integer("session.maxUntrackedSize")? {
            Some(v) if v > 0 => Some(v as u64),
            Some(_) => None,
            None => Some(DEFAULT_MAX_UNTRACKED),
        };
        Ok(crate::snapshot::CaptureOptions {
            max_untracked_size: max,
        })
    }

    /// A capture of every untracked file, whatever its size (for telling
    /// whether a work tree is clean).
    pub(crate) fn capture_all(&self) -> Result<crate::snapshot::Capture> {
        self.workdir()?;
        crate::snapshot::capture(
            &self.repo,
            &crate::snapshot::CaptureOptions {
                max_untracked_size: None,
            },
        )
    }

    /// The snapshot fields of an event for `capture`: its tree, the index as
    /// a tree when it differs from both HEAD's tree and the work tree, and
    /// the files left out.
    pub(crate) fn snapshot_of(&self, capture: &crate::snapshot::Capture) -> Result<Snapshot> {
        let head_tree = self.head_tree()?;
        let staged = capture
            .index_tree
            .filter(|t| Some(*t) != head_tree && *t != capture.tree)
            .map(oid);
        Ok(Snapshot {
            tree: oid(capture.tree),
            staged,
            skipped: capture
                .skipped
                .iter()
                .map(|s| SkippedFile {
                    path: s.path.to_string(),
                    size: s.size,
                })
                .collect(),
        })
    }

    /// Writes `bytes` as a blob (an attachment) and returns its id.
    pub(crate) fn write_blob(&self, bytes: &[u8]) -> Result<Oid> {
        Ok(oid(self
            .repo
            .write_blob(bytes)
            .context("cannot write an object")?
            .detach()))
    }

    /// The blob `id` (an attachment), when it is one of at most `max` bytes.
    pub(crate) fn read_blob(&self, id: &Oid, max: u64) -> Result<Option<Vec<u8>>> {
        let Ok(id) = ObjectId::from_hex(id.as_str().as_bytes()) else {
            return Ok(None);
        };
        match self.repo.find_header(id) {
            Ok(h) if h.kind() == gix::object::Kind::Blob && h.size() <= max => {}
            _ => return Ok(None),
        }
        let blob = self.repo.find_blob(id).context("cannot read an attachment")?;
        Ok(Some(blob.data.clone()))
    }

    /// The empty tree of this repository's hash.
    pub(crate) fn empty_tree(&self) -> ObjectId {
        ObjectId::empty_tree(self.repo.object_hash())
    }

    /// Whether `id` names a commit in this repository.
    pub(crate) fn has_commit(&self, id: ObjectId) -> bool {
        self.repo.find_commit(id).is_ok()
    }

    /// Switches a clean work tree (its files and index equal HEAD's tree) to
    /// the tree of `commit`, writing only what differs; HEAD is moved by the caller.
    pub(crate) fn checkout_clean(&self, commit: ObjectId) -> Result<crate::snapshot::checkout::Switched> {
        crate::snapshot::checkout::checkout_clean_worktree(&self.repo, commit)
    }

    /// Fails, with a hint, while another git process holds the user's index
    /// lock: a rewind or a promote refuses to work past it.
    pub(crate) fn check_index_unlocked(&self) -> Result<()> {
        let lock = self.repo.index_path().with_extension("lock");
        if lock.exists() {
            return Err(fail_with_hint(
                format!(
                    "{} exists: another git process is using the index; nothing was changed",
                    lock.display()
                ),
                "wait for it to finish, or remove the file if that process is gone",
            ));
        }
        Ok(())
    }
}

/// `repo` writing new objects to memory, so that [`Store::edit_ref`] can
/// write them as one pack (`store/packs.rs`).
fn with_object_memory(mut repo: gix::Repository) -> gix::Repository {
    repo.objects.enable_object_memory();
    repo
}

impl Drop for Store {
    /// Objects written and not yet named by a ref (a capture that recorded
    /// nothing, whose stat cache names them) are written for good.
    fn drop(&mut self) {
        if let Err(err) = self.flush_objects() {
            self.warn(&format!("cannot write new objects: {err:#}"));
        }
    }
}

/// Seconds since the epoch of a date as git reads one (`yesterday`, `2 weeks
/// ago`, `2026-11-01`, an RFC 2822 or ISO 8601 time, `@<seconds>`); `None`
/// when it is not a date.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .ok()
        .map(|t| t.seconds)
}

/// The object format of the repository at or above `dir` when it is not
/// SHA-1 (`extensions.objectFormat` in its config): what this build cannot
/// open, said plainly instead of "not a git repository".
fn object_format_of(dir: &Path) -> Option<String> {
    let (path, _) = gix::discover::upwards(dir).ok()?;
    let (git_dir, _) = path.into_repository_and_work_tree_directories();
    let config = gix::config::File::from_path_no_includes(git_dir.join("config"), gix::config::Source::Local).ok()?;
    let format = config.string("extensions.objectformat")?.to_string();
    (!format.eq_ignore_ascii_case("sha1")).then_some(format)
}

/// A gix object id as the domain's [`Oid`].
pub(crate) fn oid(id: ObjectId) -> Oid {
    Oid::parse(&id.to_string()).expect("gix writes object ids in hex")
}

/// The domain's [`Oid`] as a gix object id; an id of another hash than this
/// build's (SHA-1) is refused.
pub(crate) fn object_id(id: &Oid) -> Result<ObjectId> {
    ObjectId::from_hex(id.as_str().as_bytes()).map_err(|_| fail(format!("{id} is not a SHA-1 object id")))
}
