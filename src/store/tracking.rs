//! Remote-tracking session refs (`refs/aura/remotes/<remote>/sessions/<id>`)
//! and the tips of the user's own history, which a push's secrets scan
//! takes as already public.

use anyhow::{Context, Result};
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::Target;
use gix::ObjectId;

use super::refs::{remote_session_ref, remote_sessions_prefix};
use super::Store;

impl Store {
    /// Where session `id` was on `remote` at the last fetch or push.
    pub fn tracking(&self, remote: &str, id: &str) -> Result<Option<ObjectId>> {
        self.ref_target(&remote_session_ref(remote, id))
    }

    /// Records that session `id` is at `commit` on `remote`.
    pub fn set_tracking(&self, remote: &str, id: &str, commit: ObjectId, why: &str) -> Result<()> {
        let name = remote_session_ref(remote, id);
        self.repo
            .edit_reference(RefEdit {
                change: Change::Update {
                    log: LogChange {
                        mode: RefLog::AndReference,
                        force_create_reflog: false,
                        message: why.into(),
                    },
                    expected: PreviousValue::Any,
                    new: Target::Object(commit),
                },
                name: name.as_str().try_into().context("invalid ref name")?,
                deref: false,
            })
            .with_context(|| format!("cannot update {name}"))?;
        Ok(())
    }

    /// Every `(id, head)` under `refs/aura/remotes/<remote>/sessions/`.
    pub fn tracked_sessions(&self, remote: &str) -> Result<Vec<(String, ObjectId)>> {
        let prefix = remote_sessions_prefix(remote);
        self.ids_under(&prefix)
    }

    /// Every `(id, head)` under any remote's sessions, with the remote's name.
    pub fn all_tracked_sessions(&self) -> Result<Vec<(String, String, ObjectId)>> {
        let mut out = Vec::new();
        let refs = self.repo.references().context("cannot read the refs")?;
        for r in refs.prefixed("refs/aura/remotes/").context("cannot read the refs")? {
            let Ok(mut r) = r else { continue };
            let full = r.name().as_bstr().to_string();
            let Some(rest) = full.strip_prefix("refs/aura/remotes/") else {
                continue;
            };
            let Some((remote, id)) = rest.split_once("/sessions/") else {
                continue;
            };
            if let Ok(id_) = r.peel_to_id() {
                out.push((remote.to_owned(), id.to_owned(), id_.detach()));
            }
        }
        Ok(out)
    }

    fn ids_under(&self, prefix: &str) -> Result<Vec<(String, ObjectId)>> {
        let mut out = Vec::new();
        let refs = self.repo.references().context("cannot read the refs")?;
        for r in refs.prefixed(prefix).context("cannot read the refs")? {
            let Ok(mut r) = r else { continue };
            let full = r.name().as_bstr().to_string();
            if let Ok(id) = r.peel_to_id() {
                out.push((full[prefix.len()..].to_owned(), id.detach()));
            }
        }
        Ok(out)
    }

    /// The commits of the user's branches, remote-tracking branches and
    /// tags: history that is shared already, whatever a session carries.
    pub fn user_tips(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        let refs = self.repo.references().context("cannot read the refs")?;
        for prefix in ["refs/heads/", "refs/remotes/", "refs/tags/"] {
            for r in refs.prefixed(prefix).context("cannot read the refs")? {
                let Ok(mut r) = r else { continue };
                if let Ok(id) = r.peel_to_id() {
                    out.push(id.detach());
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// A session known only from a remote (fetched, not merged here yet).
pub struct TrackedSession {
    pub remote: String,
    pub id: String,
    pub commit: ObjectId,
    pub header: crate::session::SessionHeader,
}

impl Store {
    /// The fetched sessions of every remote whose id or name is `spec` or
    /// starts with it (one entry per session id, the first remote's).
    pub fn find_tracked(&self, spec: &str) -> Result<Vec<TrackedSession>> {
        let mut out: Vec<TrackedSession> = Vec::new();
        for (remote, id, commit) in self.all_tracked_sessions()? {
            if out.iter().any(|t| t.id == id) {
                continue;
            }
            let refname = super::refs::remote_session_ref(&remote, &id);
            let Ok(header) = self.read_header_at(&refname, commit) else {
                continue;
            };
            if id.starts_with(spec) || header.name.starts_with(spec) {
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
