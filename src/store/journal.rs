//! What this clone did, kept where no fetch can write: `<common dir>/aura/`.
//!
//! Sessions arrive from other people's remotes, so an event in a session ref
//! proves nothing about who recorded it. Before this clone acts on its own
//! past — `undo` takes back a rewind, `rewind --commits` reverts the
//! session's commits, `close --remove-worktree` deletes a directory — it
//! checks that the past is its own:
//!
//! - `journal`: one line per event commit this clone wrote whose kind it may
//!   act on later (`start`, `fork`, `commit`, `rewind`, `restore`, `undo`):
//!   `<commit id> <kind> <git dir of the work tree>`. A commit id is the
//!   hash of the event and its history, so a forged event cannot take the
//!   place of one listed here.
//! - `worktrees`: `<session id>\t<path>` for each linked worktree
//!   `start --worktree` created.
//! - `shared`: `<remote>\t<session id>` for each session the user chose to
//!   share with a remote (pushed there), which the `pre-push` hook keeps
//!   pushing along with plain `git push`.
//!
//! Lines are appended with one write each (atomic for lines this short);
//! a line that cannot be read is skipped.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gix::ObjectId;

use super::Store;
use crate::session::{EventKind, SessionId};

/// The kinds of event the journal lists.
pub(super) fn journaled(kind: Option<EventKind>) -> bool {
    matches!(
        kind,
        Some(
            EventKind::Start
                | EventKind::Fork
                | EventKind::Commit
                | EventKind::Rewind
                | EventKind::Restore
                | EventKind::Undo
        )
    )
}

/// The event commits this clone wrote, and in which work tree.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    written: HashMap<ObjectId, String>,
    here: String,
}

impl Journal {
    /// Whether this clone wrote the event commit `commit`.
    pub(crate) fn by_this_clone(&self, commit: ObjectId) -> bool {
        self.written.contains_key(&commit)
    }

    /// Whether this work tree wrote the event commit `commit`.
    pub(crate) fn by_this_worktree(&self, commit: ObjectId) -> bool {
        self.written.get(&commit).is_some_and(|w| *w == self.here)
    }
}

impl Store {
    fn journal_path(&self) -> PathBuf {
        self.shared_dir().join("journal")
    }

    /// This work tree's git dir as the journal names it.
    fn worktree_key(&self) -> String {
        let dir = self.repo.git_dir();
        std::fs::canonicalize(dir)
            .unwrap_or_else(|_| dir.to_owned())
            .display()
            .to_string()
    }

    /// Notes that this clone, in this work tree, wrote the event commits `written`.
    pub(super) fn journal_written(&self, written: &[(ObjectId, String)]) -> Result<()> {
        if written.is_empty() {
            return Ok(());
        }
        let here = self.worktree_key();
        let text: String = written
            .iter()
            .map(|(commit, kind)| format!("{commit} {kind} {here}\n"))
            .collect();
        append_line(&self.journal_path(), &text)
    }

    /// Notes that the event commits `rewritten` (`(old, new, kind)`, by
    /// `gc --squash`) stand for the old ones: a new commit is journaled,
    /// with the old one's work tree, when the old one was.
    pub(super) fn journal_rewritten(&self, rewritten: &[(ObjectId, ObjectId, String)]) -> Result<()> {
        let journal = self.journal();
        let text: String = rewritten
            .iter()
            .filter_map(|(old, new, kind)| {
                let worktree = journal.written.get(old)?;
                Some(format!("{new} {kind} {worktree}\n"))
            })
            .collect();
        if text.is_empty() {
            return Ok(());
        }
        append_line(&self.journal_path(), &text)
    }

    /// What the journal says this clone wrote.
    pub(crate) fn journal(&self) -> Journal {
        let mut journal = Journal {
            written: HashMap::new(),
            here: self.worktree_key(),
        };
        let Ok(text) = std::fs::read_to_string(self.journal_path()) else {
            return journal;
        };
        for line in text.lines() {
            let mut parts = line.splitn(3, ' ');
            let (Some(commit), Some(_kind), Some(worktree)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if let Ok(commit) = ObjectId::from_hex(commit.as_bytes()) {
                journal.written.insert(commit, worktree.to_owned());
            }
        }
        journal
    }

    fn worktrees_path(&self) -> PathBuf {
        self.shared_dir().join("worktrees")
    }

    /// Notes that `start --worktree` created `path` for session `id`.
    pub(crate) fn register_worktree(&self, id: &SessionId, path: &Path) -> Result<()> {
        if path.display().to_string().contains(['\n', '\t']) {
            return Ok(());
        }
        append_line(&self.worktrees_path(), &format!("{id}\t{}\n", path.display()))
    }

    /// Whether this clone created the linked worktree `path` for session `id`.
    pub(crate) fn created_worktree(&self, id: &SessionId, path: &Path) -> bool {
        let Ok(text) = std::fs::read_to_string(self.worktrees_path()) else {
            return false;
        };
        let wanted = canonical(path);
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .any(|(i, p)| i == id.as_str() && canonical(Path::new(p)) == wanted)
    }

    fn shared_path(&self) -> PathBuf {
        self.shared_dir().join("shared")
    }

    /// Notes that the user shared session `id` with `remote` (a configured remote's name).
    pub(crate) fn register_shared(&self, remote: &str, id: &SessionId) -> Result<()> {
        if remote.contains(['\n', '\t']) || self.shared_with(remote).contains(id) {
            return Ok(());
        }
        append_line(&self.shared_path(), &format!("{remote}\t{id}\n"))
    }

    /// The sessions the user shared with `remote`.
    pub(crate) fn shared_with(&self, remote: &str) -> Vec<SessionId> {
        let Ok(text) = std::fs::read_to_string(self.shared_path()) else {
            return Vec::new();
        };
        let mut out: Vec<SessionId> = Vec::new();
        for (r, id) in text.lines().filter_map(|l| l.split_once('\t')) {
            if r == remote {
                if let Ok(id) = SessionId::parse(id) {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Appends `text` (whole lines) to `path` with one write, creating it.
pub(super) fn append_line(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().expect("journal files live in aura/");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
