//! Remote-tracking session refs (`refs/aura/remotes/<remote>/sessions/<id>`)
//! and the tips of the user's own history, which a push's secrets scan
//! takes as already public.

use anyhow::Result;
use gix::ObjectId;

use super::refs::{
    remote_session_of, remote_session_ref, remote_sessions_prefix, Expect, NewValue, RefChange, REMOTES_PREFIX,
    USER_PREFIXES,
};
use super::Store;
use crate::session::{SessionHeader, SessionId};

/// A session known only from a remote (fetched, not merged here yet).
pub(crate) struct TrackedSession {
    pub remote: String,
    pub id: SessionId,
    pub commit: ObjectId,
    pub header: SessionHeader,
}

impl Store {
    /// Where session `id` was on `remote` at the last fetch or push.
    pub(crate) fn tracking(&self, remote: &str, id: &SessionId) -> Result<Option<ObjectId>> {
        self.ref_target(&remote_session_ref(remote, id.as_str()))
    }

    /// Records that session `id` is at `commit` on `remote`.
    pub(crate) fn set_tracking(&self, remote: &str, id: &SessionId, commit: ObjectId, why: &str) -> Result<()> {
        let name = remote_session_ref(remote, id.as_str());
        self.edit_ref_or_fail(RefChange::set(&name, Expect::Anything, commit).logged(why))
    }

    /// Forgets where session `id` is on `remote` (it is gone from there).
    pub(crate) fn delete_tracking(&self, remote: &str, id: &str) -> Result<()> {
        let name = remote_session_ref(remote, id);
        self.edit_ref_or_fail(RefChange {
            name: &name,
            expect: Expect::Anything,
            new: NewValue::Deleted,
            reflog: None,
            through: false,
        })
    }

    /// Every `(id, head)` under `refs/aura/remotes/<remote>/sessions/`
    /// (refs whose name is not a session id are skipped).
    pub(crate) fn tracked_sessions(&self, remote: &str) -> Result<Vec<(SessionId, ObjectId)>> {
        Ok(self
            .refs_under(&remote_sessions_prefix(remote))?
            .into_iter()
            .filter_map(|(full, commit)| Some((SessionId::parse(remote_session_of(&full)?.1).ok()?, commit)))
            .collect())
    }

    /// The names (what follows the prefix) of every ref under
    /// `refs/aura/remotes/<remote>/sessions/`, valid ids or not.
    pub(crate) fn tracked_names(&self, remote: &str) -> Result<Vec<String>> {
        Ok(self
            .refs_under(&remote_sessions_prefix(remote))?
            .into_iter()
            .filter_map(|(full, _)| Some(remote_session_of(&full)?.1.to_owned()))
            .collect())
    }

    /// Every `(remote, id, head)` under any remote's sessions.
    pub(crate) fn all_tracked_sessions(&self) -> Result<Vec<(String, SessionId, ObjectId)>> {
        Ok(self
            .refs_under(REMOTES_PREFIX)?
            .into_iter()
            .filter_map(|(full, commit)| {
                let (remote, id) = remote_session_of(&full)?;
                Some((remote.to_owned(), SessionId::parse(id).ok()?, commit))
            })
            .collect())
    }

    /// The commits of the user's branches, remote-tracking branches and
    /// tags: history that is shared already, whatever a session carries.
    pub(crate) fn user_tips(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        for prefix in USER_PREFIXES {
            out.extend(self.refs_under(prefix)?.into_iter().map(|(_, id)| id));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The fetched sessions of every remote whose id or name is `spec` or
    /// starts with it (one entry per session id, the first remote's).
    pub(crate) fn find_tracked(&self, spec: &str) -> Result<Vec<TrackedSession>> {
        let mut out: Vec<TrackedSession> = Vec::new();
        for (remote, id, commit) in self.all_tracked_sessions()? {
            if out.iter().any(|t| t.id == id) {
                continue;
            }
            let refname = remote_session_ref(&remote, id.as_str());
            let Ok(header) = self.read_header_at(&refname, commit) else {
                continue;
            };
            if id.as_str().starts_with(spec) || header.name.starts_with(spec) {
                out.push(TrackedSession {
                    remote,
                    id,
                    commit,
                    header,
                });
            }
        }
        if let Some(exact) = out.iter().position(|t| t.id == spec || t.header.name == spec) {
            let one = out.swap_remove(exact);
            return Ok(vec![one]);
        }
        Ok(out)
    }
}
