//! Reading many sessions: `list` (here and on a remote), `history`,
//! `report` and `who`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use super::Engine;
use crate::error::usage;
use crate::session::{seconds, SessionHeader, SessionId, Status, Timestamp};
use crate::store::{overlaps, Listed, SessionSummary};

/// One session of a listing.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ListedSession {
    #[serde(flatten)]
    pub summary: SessionSummary,
    /// Whether it is this work tree's current session.
    pub current: bool,
}

/// The sessions of this repository (a JSON array).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct Listing {
    pub sessions: Vec<ListedSession>,
    /// This work tree (canonical), to tell sessions of other work trees.
    #[serde(skip)]
    pub here: Option<PathBuf>,
}

/// The open sessions (all with `all`), oldest first. Refs that cannot be
/// read are warned about and do not hide the others.
pub fn list(engine: &Engine, all: bool) -> Result<Listing> {
    list_task(engine, all, None)
}

/// [`list`], only the sessions linked to `task` (exact, case-sensitive, as
/// issue trackers compare ids) when one is given.
pub fn list_task(engine: &Engine, all: bool, task: Option<&str>) -> Result<Listing> {
    let listed = engine.store.list()?;
    let current = engine.store.current()?.map(|c| c.session);
    let mut sessions = Vec::new();
    for l in listed {
        match l {
            Listed::Ok(h) if task.is_some_and(|t| !h.tasks.iter().any(|x| x == t)) => {}
            Listed::Ok(h) if all || h.status.is_open() => sessions.push(ListedSession {
                current: current.as_ref() == Some(&h.id),
                summary: h,
            }),
            Listed::Ok(_) => {}
            Listed::Broken { refname, error, .. } => engine.warn(&format!("cannot read {refname}: {error}")),
        }
    }
    Ok(Listing {
        sessions,
        here: engine.workdir().and_then(|w| std::fs::canonicalize(w).ok()),
    })
}

/// A session as a remote has it (as of the last fetch).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RemoteSession {
    pub id: SessionId,
    pub commit: String,
    pub name: String,
    pub status: Status,
    pub owner: Option<String>,
    pub branch: Option<String>,
    pub events: u64,
    pub updated: Timestamp,
    pub intent: Option<String>,
    /// The local head of the same session, when it is here too.
    pub here: Option<String>,
}

/// The sessions on a remote (a JSON array).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct RemoteListing {
    pub sessions: Vec<RemoteSession>,
    /// The remote's name under `refs/aura/remotes/`.
    #[serde(skip)]
    pub remote: String,
    /// Sessions of the remote left out by the limit (older by id; not read).
    #[serde(skip)]
    pub more: usize,
}

/// How many sessions `list --remote` reads and shows unless told otherwise.
pub const REMOTE_LIST_LIMIT: usize = 100;

/// The sessions under `refs/aura/remotes/<remote>/sessions/`, oldest
/// update first: at most `limit` (0: all), the newest by id (ids are
/// time-ordered), so a remote of 100,000 sessions costs the headers of
/// `limit`. With `refresh`, the remote is asked for its session refs and
/// the newest `limit` are fetched first (nothing is merged).
pub fn list_remote(engine: &Engine, remote: &str, all: bool, refresh: bool, limit: usize) -> Result<RemoteListing> {
    let (name, advertised) = if refresh {
        let newest = crate::remote::fetch::fetch_newest(&engine.store, remote, limit, engine.progress)?;
        (newest.fetched.remote, Some(newest.advertised))
    } else {
        let name = crate::remote::fetch::open(&engine.store, remote)
            .map(|(_, name)| name)
            .unwrap_or_else(|_| remote.to_owned());
        (name, None)
    };
    let mut tracked = engine.store.tracked_sessions(&name)?;
    tracked.sort_by(|a, b| b.0.cmp(&a.0));
    let mut sessions = Vec::new();
    let mut read = 0;
    for (id, commit) in &tracked {
        if limit > 0 && sessions.len() == limit {
            break;
        }
        read += 1;
        let refname = crate::store::refs::remote_session_ref(&name, id.as_str());
        match engine.store.header_at(&refname, *commit) {
            Ok(h) if all || h.status.is_open() => sessions.push(RemoteSession {
                commit: commit.to_string(),
                name: h.name,
                status: h.status,
                owner: h.owner,
                branch: h.branch,
                events: h.counters.events,
                updated: h.updated,
                intent: h.intent.map(|i| i.text),
                here: engine.store.head(id).ok().flatten().map(|l| l.commit.to_string()),
                id: id.clone(),
            }),
            Ok(_) => {}
            Err(err) => engine.warn(&format!("cannot read {refname}: {err}")),
        }
    }
    sessions.sort_by(|a, b| a.updated.cmp(&b.updated));
    let more = advertised.unwrap_or(tracked.len()).saturating_sub(read);
    Ok(RemoteListing {
        sessions,
        remote: name,
        more,
    })
}

/// One session in a history or a report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HistoryRow {
    pub id: SessionId,
    pub name: String,
    pub status: &'static str,
    pub owner: Option<String>,
    pub branch: Option<String>,
    pub created: Timestamp,
    pub updated: Timestamp,
    /// Seconds from the first to the last event.
    pub duration_seconds: i64,
    /// Seconds of work (gaps between events up to 30 minutes each).
    pub active_seconds: u64,
    pub events: u64,
    pub checkpoints: u64,
    pub commits: u64,
    /// Files the session changed (first → latest snapshot).
    pub files: usize,
}

/// The sessions of a period (a JSON array).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct History {
    pub rows: Vec<HistoryRow>,
}

/// Seconds since the epoch of `when` — an age (`3d`, `2w`, `12h`, relative
/// to `now`), a date (`2026-11-01`, midnight UTC), an RFC 3339 time, or any
/// date git reads (`yesterday`, `2 weeks ago`, `last friday`).
pub(super) fn parse_since(when: &str, now: i64) -> Result<i64> {
    let w = when.trim();
    let digits = |n: &&str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let age = |n: &str, unit: i64| {
        n.parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(unit))
            .and_then(|ago| now.checked_sub(ago))
    };
    let parsed = if let Some(n) = w.strip_suffix('h').filter(digits) {
        age(n, 3600)
    } else if let Some(n) = w.strip_suffix('d').filter(digits) {
        age(n, 86_400)
    } else if let Some(n) = w.strip_suffix('w').filter(digits) {
        age(n, 7 * 86_400)
    } else if w.len() == 10 && w.as_bytes().get(4) == Some(&b'-') {
        seconds(&format!("{w}T00:00:00Z"))
    } else {
        seconds(w).or_else(|| crate::store::parse_date(w))
    };
    parsed.ok_or_else(|| {
        usage(format!(
            "'{when}' is not a date (2026-11-01, yesterday, 2 weeks ago), a time (RFC 3339) or an age (3d, 2w, 12h)"
        ))
    })
}

fn now() -> i64 {
    Timestamp::now().seconds()
}

/// The row of a session; `files` needs a tree diff of its snapshots.
fn row(engine: &Engine, h: &SessionHeader) -> Result<HistoryRow> {
    Ok(HistoryRow {
        id: h.id.clone(),
        name: h.name.clone(),
        status: h.status.as_str(),
        owner: h.owner.clone(),
        branch: h.branch.clone(),
        created: h.created.clone(),
        updated: h.updated.clone(),
        duration_seconds: (h.updated.seconds() - h.created.seconds()).max(0),
        active_seconds: h.active_seconds,
        events: h.counters.events,
        checkpoints: h.counters.checkpoints,
        commits: h.counters.commits,
        files: crate::summary::session_paths(&engine.store, h)?.len(),
    })
}

/// Every session of this repository active since `since` (seconds), oldest first.
fn rows(engine: &Engine, since: Option<i64>) -> Result<Vec<HistoryRow>> {
    let mut out = Vec::new();
    for listed in engine.store.list()? {
        let Listed::Ok(s) = listed else { continue };
        if since.is_some_and(|t| s.updated.seconds() < t) {
            continue;
        }
        if let Some(head) = engine.store.head(&s.id)? {
            out.push(row(engine, &head.header)?);
        }
    }
    out.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    Ok(out)
}

/// The sessions active since `since` (see [`parse_since`]; all when `None`).
pub fn history(engine: &Engine, since: Option<&str>) -> Result<History> {
    let since = since.map(|w| parse_since(w, now())).transpose()?;
    Ok(History {
        rows: rows(engine, since)?,
    })
}

/// Which sessions a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportPeriod {
    /// Those active in the last 7 days.
    Week,
    /// Every session of the repository.
    Project,
}

/// The figures of a report.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub period: String,
    pub sessions: usize,
    pub open: usize,
    pub closed: usize,
    pub abandoned: usize,
    pub handed_over: usize,
    pub active_seconds: u64,
    pub events: u64,
    pub commits: u64,
    pub checkpoints: u64,
    pub files: usize,
    /// Commits per active hour (0 without active time).
    pub commits_per_hour: f64,
    pub checkpoints_per_hour: f64,
    /// Closed / (closed + abandoned), when any session ended.
    pub completion_rate: Option<f64>,
    pub rows: Vec<HistoryRow>,
}

/// How the work went: sessions finished and given up, active time and
/// velocity (commits and checkpoints per active hour).
pub fn report(engine: &Engine, period: ReportPeriod) -> Result<Report> {
    let (since, period) = match period {
        ReportPeriod::Project => (None, "the whole project".to_owned()),
        ReportPeriod::Week => (Some(now() - 7 * 86_400), "the last 7 days".to_owned()),
    };
    let rows = rows(engine, since)?;
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let active_seconds: u64 = rows.iter().map(|r| r.active_seconds).sum();
    let commits = rows.iter().map(|r| r.commits).sum();
    let checkpoints = rows.iter().map(|r| r.checkpoints).sum();
    let per_hour = |n: u64| {
        if active_seconds == 0 {
            0.0
        } else {
            n as f64 * 3600.0 / active_seconds as f64
        }
    };
    let (closed, abandoned) = (count("closed"), count("abandoned"));
    Ok(Report {
        period,
        sessions: rows.len(),
        open: count("active") + count("paused"),
        closed,
        abandoned,
        handed_over: count("handed-over"),
        active_seconds,
        events: rows.iter().map(|r| r.events).sum(),
        commits,
        checkpoints,
        files: rows.iter().map(|r| r.files).sum(),
        commits_per_hour: per_hour(commits),
        checkpoints_per_hour: per_hour(checkpoints),
        completion_rate: (closed + abandoned > 0).then(|| closed as f64 / (closed + abandoned) as f64),
        rows,
    })
}

/// One open session and the paths it touched or claimed.
#[derive(Debug, serde::Serialize)]
pub struct Zone {
    pub session: SessionId,
    pub name: String,
    pub owner: Option<String>,
    pub status: &'static str,
    pub branch: Option<String>,
    pub updated: Timestamp,
    /// `here` or the remote it was fetched from.
    pub from: String,
    pub touched: Vec<String>,
    pub claimed: Vec<String>,
}

/// Which open sessions, here and fetched from remotes, updated in the last
/// `days` days, touched or claimed `paths` (relative to the current
/// directory; everything when empty). A session's files are those it
/// changed (first → latest snapshot).
pub fn who(engine: &Engine, paths: &[PathBuf], days: u32) -> Result<(Vec<Zone>, Vec<String>)> {
    let paths: Vec<String> = paths.iter().map(|p| engine.repo_path(p)).collect::<Result<_>>()?;
    let now = now();
    let recent = |h: &SessionHeader| now - h.updated.seconds() <= i64::from(days) * 86_400;

    // Sessions here first; a fetched one only when it is not here (yet).
    let mut headers: BTreeMap<SessionId, (SessionHeader, String)> = BTreeMap::new();
    for listed in engine.store.list()? {
        if let Listed::Ok(s) = listed {
            if s.status.is_open() {
                if let Some(head) = engine.store.head(&s.id)? {
                    headers.insert(s.id.clone(), (head.header, "here".to_owned()));
                }
            }
        }
    }
    for (remote, id, commit) in engine.store.all_tracked_sessions()? {
        if headers.contains_key(&id) {
            continue;
        }
        let refname = crate::store::refs::remote_session_ref(&remote, id.as_str());
        if let Ok(header) = engine.store.header_at(&refname, commit) {
            if header.status.is_open() {
                headers.insert(id, (header, remote));
            }
        }
    }

    let mut zones = Vec::new();
    for (id, (h, from)) in headers {
        if !recent(&h) {
            continue;
        }
        let mut files = crate::summary::session_paths(&engine.store, &h)?;
        let mut claimed = h.claims.clone();
        if !paths.is_empty() {
            files.retain(|f| paths.iter().any(|p| overlaps(f, p)));
            claimed.retain(|c| paths.iter().any(|p| overlaps(c, p)));
        }
        if files.is_empty() && claimed.is_empty() {
            continue;
        }
        zones.push(Zone {
            session: id,
            name: h.name.clone(),
            owner: h.owner.clone(),
            status: h.status.as_str(),
            branch: h.branch.clone(),
            updated: h.updated.clone(),
            from,
            touched: files,
            claimed,
        });
    }
    Ok((zones, paths))
}

/// What the shell offers for a SESSION argument: each session's name and
/// id, with what it is about (open ones first, as `list` shows them).
pub fn session_names(engine: &Engine) -> Vec<(String, String)> {
    let Ok(listed) = engine.store.list() else {
        return Vec::new();
    };
    let mut sessions: Vec<SessionSummary> = listed
        .into_iter()
        .filter_map(|l| match l {
            Listed::Ok(s) => Some(s),
            Listed::Broken { .. } => None,
        })
        .collect();
    sessions.sort_by_key(|s| !s.status.is_open());
    let mut out = Vec::new();
    for s in sessions {
        let about = format!("{}, {}", s.status.as_str(), crate::session::text::prefix(&s.intent, 60));
        out.push((s.name.clone(), about.clone()));
        out.push((s.id.to_string(), about));
    }
    out
}

/// What the shell offers for a TARGET argument (`rewind`, `restore`,
/// `diff`): `start`, then the target session's checkpoint labels and
/// intents, newest first.
pub fn point_names(engine: &Engine) -> Vec<(String, String)> {
    let mut out = vec![("start".to_owned(), "the start of the session".to_owned())];
    let Ok(target) = engine.target() else {
        return out;
    };
    let Ok(events) = engine.store.events(&target.head) else {
        return out;
    };
    for e in events.iter().rev() {
        let what = match &e.event.body {
            crate::session::Body::Checkpoint(c) => ("checkpoint", &c.text),
            crate::session::Body::Intent(i) => ("intent", &i.text),
            _ => continue,
        };
        if !what.1.is_empty() && !out.iter().any(|(name, _)| name == what.1) {
            out.push((what.1.clone(), format!("{} {}", what.0, e.event.time.short())));
        }
    }
    out
}

/// What the shell offers for a REMOTE argument: the configured remotes.
pub fn remote_names(engine: &Engine) -> Vec<String> {
    engine.store.remote_names()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_dates_times_and_ages() {
        let now = 1_800_000_000;
        assert_eq!(parse_since("3d", now).unwrap(), now - 3 * 86_400);
        assert_eq!(parse_since("2w", now).unwrap(), now - 14 * 86_400);
        assert_eq!(parse_since("12h", now).unwrap(), now - 12 * 3600);
        assert_eq!(parse_since("2026-01-02", now).unwrap(), 1_767_312_000);
        assert_eq!(parse_since("2026-01-02T03:04:05Z", now).unwrap(), 1_767_323_045);
        assert!(parse_since("the day the music died", now).is_err());
        assert!(parse_since("99999999999999999d", now).is_err(), "no overflow");
        assert!(parse_since("yesterday", now).is_ok());
        assert!(parse_since("2 weeks ago", now).is_ok());
    }
}
