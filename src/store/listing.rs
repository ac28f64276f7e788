//! Listing sessions without reading three objects per session: a summary
//! cache in `<common dir>/aura/sessions.cache`, one line per session, valid
//! for as long as the session's ref still points at the commit it names.
//! A listing costs about what `git for-each-ref refs/aura/sessions` costs,
//! plus the objects of the sessions that changed since the last listing.

use std::collections::HashMap;

use anyhow::{Context, Result};
use gix::ObjectId;

use super::refs::{session_id_of, SESSIONS_PREFIX};
use super::Store;
use crate::session::{SessionHeader, SessionId, Status, Timestamp};

const CACHE_MAGIC: &str = "git-session sessions cache v4";

/// What a listing shows of a session (and what name resolution needs).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SessionSummary {
    pub id: SessionId,
    /// The head commit of the session's ref.
    #[serde(serialize_with = "serialize_oid")]
    pub commit: ObjectId,
    pub name: String,
    pub status: Status,
    pub branch: Option<String>,
    pub events: u64,
    pub updated: Timestamp,
    /// The first line of the current intent ("" when none).
    pub intent: String,
    /// The work tree the session was started in.
    pub worktree: Option<String>,
    /// The id of its latest event (time-ordered to the millisecond: what
    /// tells apart two sessions updated in the same second).
    pub last_event: Option<crate::session::EventId>,
    /// The tasks it works on (bounded like the header's).
    pub tasks: Vec<String>,
}

/// One entry of a listing: a healthy session, or a ref that cannot be read.
#[derive(Debug)]
pub(crate) enum Listed {
    Ok(SessionSummary),
    Broken {
        refname: String,
        error: String,
        /// The name in its `session.json`, when that much can be read.
        name: Option<String>,
    },
}

impl SessionSummary {
    pub fn from_header(commit: ObjectId, h: &SessionHeader) -> SessionSummary {
        let intent = h.intent.as_ref().map(|i| i.text.as_str()).unwrap_or("");
        SessionSummary {
            id: h.id.clone(),
            commit,
            name: h.name.clone(),
            status: h.status,
            branch: h.branch.clone(),
            events: h.counters.events,
            updated: h.updated.clone(),
            intent: intent.lines().next().unwrap_or("").replace('\t', " "),
            worktree: h.worktree.clone(),
            last_event: Some(h.last_event.clone()),
            tasks: h.tasks.clone(),
        }
    }

    /// One line of the cache: the summary as JSON, so that no text from a
    /// session (a name or a path with a newline, a tab) can split the line
    /// or pose as another session.
    pub(crate) fn to_line(&self) -> String {
        let line = CacheLine {
            id: self.id.clone(),
            commit: self.commit.to_string(),
            name: self.name.clone(),
            status: self.status,
            branch: self.branch.clone(),
            events: self.events,
            updated: self.updated.clone(),
            intent: self.intent.clone(),
            worktree: self.worktree.clone(),
            last_event: self.last_event.clone(),
            tasks: self.tasks.clone(),
        };
        let mut text = serde_json::to_string(&line).expect("a cache line serialises");
        text.push('\n');
        text
    }

    pub(crate) fn from_line(line: &str) -> Option<SessionSummary> {
        let line: CacheLine = serde_json::from_str(line).ok()?;
        Some(SessionSummary {
            id: line.id,
            commit: ObjectId::from_hex(line.commit.as_bytes()).ok()?,
            name: line.name,
            status: line.status,
            branch: line.branch,
            events: line.events,
            updated: line.updated,
            intent: line.intent,
            worktree: line.worktree,
            last_event: line.last_event,
            tasks: crate::session::task::bound_tasks(&line.tasks),
        })
    }
}

/// A line of `sessions.cache`.
#[derive(serde::Serialize, serde::Deserialize)]
struct CacheLine {
    id: SessionId,
    commit: String,
    name: String,
    status: Status,
    branch: Option<String>,
    events: u64,
    updated: Timestamp,
    intent: String,
    worktree: Option<String>,
    #[serde(default)]
    last_event: Option<crate::session::EventId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tasks: Vec<String>,
}

impl Store {
    /// The listing of session `id` from its header at `commit` (of `refname`):
    /// broken when the header cannot be read or names another session.
    pub(crate) fn listed_at(&self, refname: String, id: &SessionId, commit: ObjectId) -> Listed {
        match self.read_header_at(&refname, commit) {
            Ok(header) if header.id == *id => Listed::Ok(SessionSummary::from_header(commit, &header)),
            Ok(header) => Listed::Broken {
                refname,
                error: format!("its session.json names another session ({})", header.id),
                name: None,
            },
            Err(err) => Listed::Broken {
                refname,
                error: format!("{err:#}"),
                name: self.lenient_name(commit),
            },
        }
    }

    fn cache_path(&self) -> std::path::PathBuf {
        self.shared_dir().join("sessions.cache")
    }

    fn read_cache(&self) -> HashMap<SessionId, SessionSummary> {
        let Ok(text) = std::fs::read_to_string(self.cache_path()) else {
            return HashMap::new();
        };
        let mut lines = text.lines();
        if lines.next() != Some(CACHE_MAGIC) {
            return HashMap::new();
        }
        lines
            .filter_map(SessionSummary::from_line)
            .map(|s| (s.id.clone(), s))
            .collect()
    }

    /// Writes the cache; failing to write it only costs speed next time.
    fn write_cache(&self, summaries: &[&SessionSummary]) {
        let path = self.cache_path();
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let mut text = String::with_capacity(summaries.len() * 160 + 40);
        text.push_str(CACHE_MAGIC);
        text.push('\n');
        for s in summaries {
            text.push_str(&s.to_line());
        }
        let tmp = dir.join(format!("sessions.cache.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Every ref under `refs/aura/sessions/`, sorted by id (so by creation time).
    pub(crate) fn list(&self) -> Result<Vec<Listed>> {
        let platform = self.repo.references().context("cannot read references")?;
        let iter = platform
            .prefixed(SESSIONS_PREFIX.trim_end_matches('/'))
            .context("cannot read references")?;
        let mut cache = self.read_cache();
        let mut dirty = false;
        let mut out = Vec::new();
        for r in iter {
            let r = match r {
                Ok(r) => r,
                Err(err) => {
                    out.push(Listed::Broken {
                        refname: SESSIONS_PREFIX.to_owned(),
                        error: err.to_string(),
                        name: None,
                    });
                    continue;
                }
            };
            let refname = r.name().as_bstr().to_string();
            let Some(id) = session_id_of(&refname) else {
                continue;
            };
            let id = match SessionId::parse(id) {
                Ok(id) => id,
                Err(err) => {
                    out.push(Listed::Broken {
                        refname,
                        error: err.to_string(),
                        name: None,
                    });
                    continue;
                }
            };
            let Some(commit) = r.target().try_id().map(ToOwned::to_owned) else {
                out.push(Listed::Broken {
                    refname,
                    error: "is a symbolic ref, not a session".into(),
                    name: None,
                });
                continue;
            };
            if let Some(s) = cache.remove(&id).filter(|s| s.commit == commit) {
                out.push(Listed::Ok(s));
                continue;
            }
            dirty = true;
            out.push(self.listed_at(refname, &id, commit));
        }
        out.sort_by(|a, b| sort_key(a).cmp(sort_key(b)));
        if dirty || !cache.is_empty() {
            let healthy: Vec<&SessionSummary> = out
                .iter()
                .filter_map(|l| match l {
                    Listed::Ok(s) => Some(s),
                    Listed::Broken { .. } => None,
                })
                .collect();
            self.write_cache(&healthy);
        }
        Ok(out)
    }
}

fn serialize_oid<S: serde::Serializer>(id: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn sort_key(l: &Listed) -> &str {
    match l {
        Listed::Ok(s) => s.id.as_str(),
        Listed::Broken { refname, .. } => refname,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lines_round_trip() {
        let s = SessionSummary {
            id: SessionId::parse("0190").unwrap(),
            commit: ObjectId::null(gix::hash::Kind::Sha1),
            name: "weekly-review".into(),
            status: Status::HandedOver,
            branch: None,
            events: 42,
            updated: Timestamp::parse("2026-11-24T07:00:00Z").unwrap(),
            intent: "split the parser: tokens first".into(),
            worktree: Some("/home/ada/src/with\ttab and space".into()),
            last_event: None,
            tasks: vec!["T-1".into(), "web".into()],
        };
        assert_eq!(
            SessionSummary::from_line(s.to_line().trim_end_matches('\n')),
            Some(s.clone())
        );
        let none = SessionSummary { worktree: None, ..s };
        assert_eq!(
            SessionSummary::from_line(none.to_line().trim_end_matches('\n')),
            Some(none)
        );
    }
}
