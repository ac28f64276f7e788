//! Sessions as git objects: ref names, reading heads and event logs, and the
//! one append path (objects first, then a compare-and-swap of the ref).
//!
//! This and `snapshot` are the only modules that talk to gix.

mod append;
mod claims;
mod current;
pub mod hooks;
mod listing;
pub mod merge;
mod read;
mod reflog;
pub mod refs;
mod tracking;
pub mod worktree;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::{fail, fail_with_hint};
use crate::session::Person;

pub use current::Current;
pub use listing::{Listed, SessionSummary};
pub use read::{SessionHead, StoredEvent};
pub use reflog::SeenCommit;
pub use tracking::TrackedSession;

/// An open repository and the operations on its sessions.
pub struct Store {
    pub repo: gix::Repository,
}

/// Where HEAD of the work tree is.
#[derive(Clone, Debug, Default)]
pub struct HeadState {
    /// The commit HEAD points at; `None` in a repository without commits.
    pub commit: Option<gix::ObjectId>,
    /// The short branch name; `None` when detached.
    pub branch: Option<String>,
}

impl Store {
    /// Opens the repository containing `dir`, honouring `GIT_DIR`,
    /// `GIT_WORK_TREE` and the other variables git honours.
    pub fn discover(dir: &Path) -> Result<Store> {
        let dir = if dir.is_absolute() {
            dir.to_owned()
        } else {
            std::env::current_dir()
                .context("cannot read the current directory")?
                .join(dir)
        };
        match gix::ThreadSafeRepository::discover_with_environment_overrides(&dir) {
            Ok(repo) => Ok(Store {
                repo: repo.to_thread_local(),
            }),
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

    /// The work tree, or an error for a bare repository.
    pub fn workdir(&self) -> Result<&Path> {
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

    /// `<git dir of this worktree>/aura`, the tool's private per-worktree state.
    pub fn private_dir(&self) -> PathBuf {
        self.repo.git_dir().join("aura")
    }

    /// The user's git identity and the current time, resolved as git does:
    /// `GIT_COMMITTER_NAME`/`_EMAIL`, `committer.*`, `user.*`, `EMAIL`, and
    /// `GIT_COMMITTER_DATE` or now.
    ///
    /// Not `repo.committer()`: gix computes the local time zone there by
    /// walking the whole zoneinfo database, which costs more than the rest of
    /// a `note` together. The offset comes from the C library instead.
    pub fn identity(&self) -> Result<(Person, gix::date::Time)> {
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
            Some(date) => gix::date::parse(&date, None)
                .map_err(|err| fail(format!("cannot read GIT_COMMITTER_DATE '{date}': {err}")))?,
            None => now(),
        };
        Ok((Person { name, email }, time))
    }

    /// HEAD of the work tree: its commit (if born) and branch (if not detached).
    pub fn head_state(&self) -> Result<HeadState> {
        let head = self.repo.head().context("cannot read HEAD")?;
        let branch = head.referent_name().map(|n| n.shorten().to_string());
        let commit = head.id().map(|id| id.detach());
        Ok(HeadState { commit, branch })
    }

    /// The tree of HEAD's commit, `None` in a repository without commits.
    pub fn head_tree(&self) -> Result<Option<gix::ObjectId>> {
        let Some(commit) = self.head_state()?.commit else {
            return Ok(None);
        };
        let commit = self.repo.find_commit(commit).context("cannot read HEAD's commit")?;
        Ok(Some(commit.tree_id().context("cannot read HEAD's tree")?.detach()))
    }

    /// A git config value as a string (`session.*` and friends).
    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo.config_snapshot().string(key).map(|s| s.to_string())
    }

    /// A git config integer, with git's `k`/`m`/`g` suffixes.
    pub fn config_integer(&self, key: &str) -> Result<Option<i64>> {
        match self.repo.config_snapshot().try_integer(key) {
            Ok(v) => Ok(v),
            Err(err) => Err(fail(format!("bad config value for {key}: {err}"))),
        }
    }
}

/// The current time in the local offset (UTC when it cannot be known).
fn now() -> gix::date::Time {
    let utc = time::OffsetDateTime::now_utc();
    let offset = time::UtcOffset::current_local_offset().map_or(0, |o| o.whole_seconds());
    gix::date::Time {
        seconds: utc.unix_timestamp(),
        offset,
    }
}

/// Formats a git time as RFC 3339 in its own offset.
pub fn rfc3339(time: gix::date::Time) -> String {
    let fmt = &time::format_description::well_known::Rfc3339;
    let utc = time::OffsetDateTime::from_unix_timestamp(time.seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let offset = time::UtcOffset::from_whole_seconds(time.offset).unwrap_or(time::UtcOffset::UTC);
    utc.to_offset(offset)
        .format(fmt)
        .unwrap_or_else(|_| time.seconds.to_string())
}

/// Parses RFC 3339 back into a git time.
pub fn parse_rfc3339(s: &str) -> Option<gix::date::Time> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(gix::date::Time {
        seconds: t.unix_timestamp(),
        offset: t.offset().whole_seconds(),
    })
}
