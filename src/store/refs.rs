//! Every ref this program reads or writes is named here (docs/design.md §2),
//! and every ref it changes goes through [`Store::edit_ref`]: no other code
//! formats a `refs/…` name or builds a gix ref edit.

use anyhow::{Context, Result};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};
use gix::ObjectId;

use super::Store;

/// The prefix under which every session ref lives.
pub(crate) const SESSIONS_PREFIX: &str = "refs/aura/sessions/";

/// The prefix under which archived sessions live (`archive`, `gc`): kept
/// reachable, out of listings and of the default push and fetch refspecs.
pub(crate) const ARCHIVE_PREFIX: &str = "refs/aura/archive/";

/// The prefix of every remote's remote-tracking session refs.
pub(crate) const REMOTES_PREFIX: &str = "refs/aura/remotes/";

/// `HEAD` of the work tree.
pub(crate) const HEAD: &str = "HEAD";

/// The user's own history, which a push's secrets scan takes as public.
pub(crate) const USER_PREFIXES: [&str; 3] = ["refs/heads/", "refs/remotes/", "refs/tags/"];

/// `refs/aura/sessions/<id>`: the head of a session's event log.
pub(crate) fn session_ref(id: &str) -> String {
    format!("{SESSIONS_PREFIX}{id}")
}

/// The session id in a full ref name under [`SESSIONS_PREFIX`], if it is one.
pub(crate) fn session_id_of(full_name: &str) -> Option<&str> {
    full_name.strip_prefix(SESSIONS_PREFIX)
}

/// `refs/aura/archive/<id>`: the head of an archived session's event log.
pub(crate) fn archive_ref(id: &str) -> String {
    format!("{ARCHIVE_PREFIX}{id}")
}

/// The session id in a full ref name under [`ARCHIVE_PREFIX`], if it is one.
pub(crate) fn archive_id_of(full_name: &str) -> Option<&str> {
    full_name.strip_prefix(ARCHIVE_PREFIX)
}

/// `refs/aura/remotes/<remote>/sessions/`: where fetched session heads land.
pub(crate) fn remote_sessions_prefix(remote: &str) -> String {
    format!("{REMOTES_PREFIX}{remote}/sessions/")
}

/// `refs/aura/remotes/<remote>/sessions/<id>`.
pub(crate) fn remote_session_ref(remote: &str, id: &str) -> String {
    format!("{}{id}", remote_sessions_prefix(remote))
}

/// `refs/aura/remotes/<remote>/archive/<id>`: where `push`/`fetch` of a
/// named archived session note what the remote's `refs/aura/archive/<id>` holds.
pub(crate) fn remote_archive_ref(remote: &str, id: &str) -> String {
    format!("{REMOTES_PREFIX}{remote}/archive/{id}")
}

/// The fetch refspec for one archived session id (or every archived id
/// starting with a prefix): asked for only when a session is named.
pub(crate) fn fetch_archive_refspec(tracking: &str, id: &str, whole_id: bool) -> String {
    let to = format!("{REMOTES_PREFIX}{tracking}/archive/");
    if whole_id {
        format!("+{ARCHIVE_PREFIX}{id}:{to}{id}")
    } else {
        format!("+{ARCHIVE_PREFIX}{id}*:{to}{id}*")
    }
}

/// `(remote, id)` of a full remote-tracking session ref name.
pub(crate) fn remote_session_of(full_name: &str) -> Option<(&str, &str)> {
    full_name.strip_prefix(REMOTES_PREFIX)?.split_once("/sessions/")
}

/// `refs/heads/<branch>`.
pub(crate) fn branch_ref(branch: &str) -> String {
    format!("refs/heads/{branch}")
}

/// The fetch refspec that brings every session of `remote` beside the local ones.
pub(crate) fn fetch_all_refspec(tracking: &str) -> String {
    format!("+{SESSIONS_PREFIX}*:{}*", remote_sessions_prefix(tracking))
}

/// The fetch refspec for one session id (or every id starting with a prefix).
pub(crate) fn fetch_refspec(tracking: &str, id: &str, whole_id: bool) -> String {
    let to = remote_sessions_prefix(tracking);
    if whole_id {
        format!("+{SESSIONS_PREFIX}{id}:{to}{id}")
    } else {
        format!("+{SESSIONS_PREFIX}{id}*:{to}{id}*")
    }
}

/// The push refspec that carries every session under its own name.
pub(crate) fn push_all_refspec() -> String {
    format!("{SESSIONS_PREFIX}*:{SESSIONS_PREFIX}*")
}

/// What a ref must hold for an edit to happen.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect {
    Anything,
    Absent,
    Exactly(ObjectId),
}

/// What a ref becomes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NewValue<'a> {
    Object(ObjectId),
    /// A symbolic ref to this full name (HEAD to a branch).
    Symbolic(&'a str),
    Deleted,
}

/// One ref change.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RefChange<'a> {
    /// The full name.
    pub name: &'a str,
    pub expect: Expect,
    pub new: NewValue<'a>,
    /// The reflog message; `None` writes no reflog entry where git would not
    /// create one (custom refs).
    pub reflog: Option<&'a str>,
    /// Through a symbolic ref (HEAD) to the branch it names, so both reflogs say why.
    pub through: bool,
}

impl<'a> RefChange<'a> {
    /// `name` set to `new` when it holds `expect`.
    pub(crate) fn set(name: &'a str, expect: Expect, new: ObjectId) -> RefChange<'a> {
        RefChange {
            name,
            expect,
            new: NewValue::Object(new),
            reflog: None,
            through: false,
        }
    }

    pub(crate) fn logged(self, message: &'a str) -> RefChange<'a> {
        RefChange {
            reflog: Some(message),
            ..self
        }
    }
}

impl Store {
    /// The one way this program changes a ref. The outer error is a bad ref
    /// name; the inner one is gix's answer, whose `is_conflict()` tells a
    /// lost compare-and-swap.
    ///
    /// The objects written since the last ref change land first, as one
    /// pack (see `store/packs.rs`): a ref never names an object that is
    /// only in memory.
    pub(crate) fn edit_ref(&self, change: RefChange<'_>) -> Result<std::result::Result<(), gix::Error>> {
        let kept = self.write_pending_objects()?;
        let name: FullName = change
            .name
            .try_into()
            .with_context(|| format!("invalid ref name {:?}", change.name))?;
        let expected = match change.expect {
            Expect::Anything => PreviousValue::Any,
            Expect::Absent => PreviousValue::MustNotExist,
            Expect::Exactly(id) => PreviousValue::MustExistAndMatch(Target::Object(id)),
        };
        let log = match change.reflog {
            Some(message) => LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: message.into(),
            },
            None => LogChange::default(),
        };
        let change_ = match change.new {
            NewValue::Object(id) => Change::Update {
                log,
                expected,
                new: Target::Object(id),
            },
            NewValue::Symbolic(to) => Change::Update {
                log,
                expected,
                new: Target::Symbolic(to.try_into().with_context(|| format!("invalid ref name {to:?}"))?),
            },
            NewValue::Deleted => Change::Delete {
                expected,
                log: RefLog::AndReference,
            },
        };
        let edit = RefEdit {
            change: change_,
            name,
            deref: change.through,
        };
        // A reflog entry names the committer, which gix then reads from the
        // configuration; without one there is no need to.
        let result = if change.reflog.is_some() {
            self.repo.edit_references(Some(edit))
        } else {
            self.repo.edit_references_as(Some(edit), None)
        };
        let wrote = kept.wrote_pack();
        kept.release();
        if wrote {
            if let Err(err) = self.consolidate_packs() {
                self.warn(&format!("cannot combine the small packs of new objects: {err:#}"));
            }
        }
        Ok(result.map(|_| ()))
    }

    /// [`Store::edit_ref`] for callers that only need to know it failed.
    pub(crate) fn edit_ref_or_fail(&self, change: RefChange<'_>) -> Result<()> {
        let name = change.name.to_owned();
        self.edit_ref(change)?
            .map_err(|err| anyhow::Error::new(err).context(format!("cannot update {name}")))
    }

    /// The object a ref points at, `None` if the ref does not exist.
    pub(crate) fn ref_target(&self, refname: &str) -> Result<Option<ObjectId>> {
        let r = self
            .repo
            .try_find_reference(refname)
            .with_context(|| format!("cannot read {refname}"))?;
        Ok(r.and_then(|r| r.target().try_id().map(ToOwned::to_owned)))
    }

    /// Every `(full name, peeled id)` of the refs under `prefix`; refs that
    /// cannot be read are skipped.
    pub(super) fn refs_under(&self, prefix: &str) -> Result<Vec<(String, ObjectId)>> {
        let mut out = Vec::new();
        let refs = self.repo.references().context("cannot read the refs")?;
        for r in refs.prefixed(prefix).context("cannot read the refs")? {
            let Ok(mut r) = r else { continue };
            let full = r.name().as_bstr().to_string();
            if let Ok(id) = r.peel_to_id() {
                out.push((full, id.detach()));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(session_id_of(&session_ref("abc")), Some("abc"));
        assert_eq!(archive_id_of(&archive_ref("abc")), Some("abc"));
        assert_eq!(session_id_of(&archive_ref("abc")), None);
        assert_eq!(
            remote_session_of(&remote_session_ref("origin", "abc")),
            Some(("origin", "abc"))
        );
        assert_eq!(
            fetch_all_refspec("origin"),
            "+refs/aura/sessions/*:refs/aura/remotes/origin/sessions/*"
        );
    }
}
