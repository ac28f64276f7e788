//! Retention: `archive`, `unarchive`, `list --archived`, `gc`, and
//! `session.autoArchive` on `close` (docs/design.md §2 and "Retention").
//!
//! An archived session is a closed or abandoned one whose ref moved from
//! `refs/aura/sessions/<id>` to `refs/aura/archive/<id>`, head unchanged.
//! *Expired* means closed (or abandoned) and last updated (the header's
//! `updated`, its latest event) before now − the expiry age. "Now" is
//! `GIT_COMMITTER_DATE` when it is set, as for the events this program writes.

use anyhow::Result;

use super::listing::parse_since;
use super::Engine;
use crate::error::{fail, fail_with_hint, usage};
use crate::session::{SessionId, Status, Timestamp};
use crate::store::{Listed, SessionHead, Squashed};

/// The expiry `gc` uses when neither `--expire` nor `session.autoArchive` says.
const DEFAULT_EXPIRE: &str = "30.days";

/// One session archived, unarchived or deleted.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RetainedSession {
    pub id: SessionId,
    pub name: String,
    pub status: Status,
    pub updated: Timestamp,
    /// The head commit (unchanged by archive and unarchive).
    pub commit: String,
}

impl RetainedSession {
    fn of(head: &SessionHead) -> RetainedSession {
        RetainedSession {
            id: head.id.clone(),
            name: head.header.name.clone(),
            status: head.header.status,
            updated: head.header.updated.clone(),
            commit: head.commit.to_string(),
        }
    }
}

/// What to archive.
#[derive(Clone, Debug, Default)]
pub struct ArchiveInput {
    /// Sessions by id, name or unique prefix.
    pub sessions: Vec<String>,
    /// Instead: every closed or abandoned session last updated before this
    /// date (anything git's date parser reads, or an age: `30.days`, `2w`).
    pub closed_before: Option<String>,
    /// Say what would be archived, change nothing.
    pub dry_run: bool,
}

/// What `archive` or `unarchive` did (a JSON object).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Archived {
    pub sessions: Vec<RetainedSession>,
    pub dry_run: bool,
}

/// Moves closed or abandoned sessions to `refs/aura/archive/`. Every named
/// session is checked before any moves: an open one (or one archived
/// already) is an error and nothing changes.
pub fn archive(engine: &Engine, input: &ArchiveInput) -> Result<Archived> {
    let heads = match (&input.closed_before, input.sessions.is_empty()) {
        (Some(date), true) => {
            let before = parse_cutoff(date, now(engine))?;
            expired_live(engine, before)?
        }
        (None, false) => {
            let mut heads: Vec<SessionHead> = Vec::new();
            for spec in &input.sessions {
                let head = engine.store.resolve(spec)?;
                if engine.store.head(&head.id)?.is_none() {
                    return Err(fail(format!(
                        "session '{}' is archived already; nothing was changed",
                        head.header.name
                    )));
                }
                if head.header.status.is_open() {
                    return Err(fail_with_hint(
                        format!(
                            "session '{}' is {}: only closed or abandoned sessions are archived; nothing was changed",
                            head.header.name,
                            head.header.status.as_str()
                        ),
                        format!("close it first with `git session close {}`", head.id),
                    ));
                }
                if !heads.iter().any(|h| h.id == head.id) {
                    heads.push(head);
                }
            }
            heads
        }
        _ => return Err(usage("name the sessions to archive, or give --closed-before DATE")),
    };
    if !input.dry_run {
        for head in &heads {
            engine.store.archive(head)?;
        }
    }
    Ok(Archived {
        sessions: heads.iter().map(RetainedSession::of).collect(),
        dry_run: input.dry_run,
    })
}

/// Moves archived sessions back to `refs/aura/sessions/`, head unchanged.
pub fn unarchive(engine: &Engine, sessions: &[String]) -> Result<Archived> {
    let mut heads: Vec<SessionHead> = Vec::new();
    for spec in sessions {
        let head = match engine.store.resolve_archived(spec)? {
            Some(head) => head,
            None => {
                return Err(fail_with_hint(
                    format!("no archived session matches '{spec}'; nothing was changed"),
                    "`git session list --archived` lists them",
                ))
            }
        };
        if !heads.iter().any(|h| h.id == head.id) {
            heads.push(head);
        }
    }
    for head in &heads {
        engine.store.unarchive(head)?;
    }
    Ok(Archived {
        sessions: heads.iter().map(RetainedSession::of).collect(),
        dry_run: false,
    })
}

/// The archived sessions, oldest first (what `list --archived` shows).
pub fn archived(engine: &Engine) -> Result<Vec<crate::store::SessionSummary>> {
    let mut out = Vec::new();
    for l in engine.store.list_archived()? {
        match l {
            Listed::Ok(s) => out.push(s),
            Listed::Broken { refname, error, .. } => engine.warn(&format!("cannot read {refname}: {error}")),
        }
    }
    Ok(out)
}

/// `session.autoArchive` on `close`: archives the sessions closed longer
/// ago than its age. Returns what it archived; off when unset.
pub(super) fn auto_archive(engine: &Engine) -> Result<Vec<RetainedSession>> {
    let Some(age) = auto_archive_age(engine)? else {
        return Ok(Vec::new());
    };
    let heads = expired_live(engine, now(engine) - age)?;
    for head in &heads {
        engine.store.archive(head)?;
    }
    Ok(heads.iter().map(RetainedSession::of).collect())
}

/// What to collect.
#[derive(Default)]
pub struct GcInput<'a> {
    /// The expiry age (or a date); default `session.autoArchive`, else 30 days.
    pub expire: Option<String>,
    /// Drop the intermediate snapshots of expired archived sessions.
    pub squash: bool,
    /// Delete the refs of expired archived sessions.
    pub delete: bool,
    /// `--yes`: the deletion is confirmed.
    pub yes: bool,
    /// Asked, with the number of sessions, before deleting without `yes`
    /// (a front end on a terminal); no answer means no.
    pub confirm: Option<&'a dyn Fn(usize) -> bool>,
    /// Say what would happen, change nothing.
    pub dry_run: bool,
}

/// One archived session `--squash` rewrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SquashedSession {
    pub id: SessionId,
    pub name: String,
    #[serde(flatten)]
    pub squashed: Squashed,
}

/// What `gc` did (a JSON object).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Collected {
    /// Sessions last updated before this time (and closed) expired.
    pub expired_before: Timestamp,
    pub archived: Vec<RetainedSession>,
    pub squashed: Vec<SquashedSession>,
    pub deleted: Vec<RetainedSession>,
    /// Trees, blobs and commits that no longer belong to a session (git's
    /// own gc prunes them once no other ref holds them).
    pub objects_freed: u64,
    pub bytes_freed: u64,
    /// Event commits and trees `--squash` wrote in place of the old ones.
    pub objects_written: u64,
    pub dry_run: bool,
}

/// Archives the expired sessions; with `squash`, drops the intermediate
/// snapshots of the expired archived ones; with `delete` (confirmed),
/// deletes their refs. A deletion that is not confirmed is refused before
/// anything changes.
pub fn gc(engine: &Engine, input: &GcInput<'_>) -> Result<Collected> {
    // A gc killed mid-way leaves the lock of the ref it was moving.
    engine.store.remove_stale_session_locks();
    let now = now(engine);
    let before = match &input.expire {
        Some(text) => parse_cutoff(text, now)?,
        None => now - auto_archive_age(engine)?.unwrap_or(parse_age(DEFAULT_EXPIRE).unwrap_or(30 * 86_400)),
    };
    let to_archive = expired_live(engine, before)?;
    let mut expired_archived: Vec<SessionHead> = Vec::new();
    for l in engine.store.list_archived()? {
        let Listed::Ok(s) = l else { continue };
        if s.updated.seconds() < before {
            if let Some(head) = engine.store.archived_head(&s.id)? {
                expired_archived.push(head);
            }
        }
    }
    let doomed = to_archive.len() + expired_archived.len();
    if input.delete && !input.dry_run && doomed > 0 && !input.yes && !input.confirm.is_some_and(|ask| ask(doomed)) {
        return Err(fail_with_hint(
            format!("not deleting {doomed} archived session(s) without a confirmation; nothing was changed"),
            "`git session gc --delete --dry-run` lists them",
        ));
    }
    let mut out = Collected {
        expired_before: Timestamp::from_unix(before, 0),
        archived: to_archive.iter().map(RetainedSession::of).collect(),
        squashed: Vec::new(),
        deleted: Vec::new(),
        objects_freed: 0,
        bytes_freed: 0,
        objects_written: 0,
        dry_run: input.dry_run,
    };
    if !input.dry_run {
        for head in &to_archive {
            engine.store.archive(head)?;
        }
    }
    // A session both live and archived (a move interrupted earlier) is one
    // target: the live head just archived, which the archived copy holds.
    let mut targets: Vec<SessionHead> = expired_archived
        .into_iter()
        .filter(|a| !to_archive.iter().any(|l| l.id == a.id))
        .collect();
    for head in to_archive {
        // What the archive ref holds now (the squashed copy, when an earlier
        // interrupted move had left one).
        match engine.store.archived_head(&head.id)? {
            Some(archived) if !input.dry_run => targets.push(archived),
            _ => targets.push(head),
        }
    }
    if input.delete {
        for head in &targets {
            if !input.dry_run {
                engine.store.delete_archived(head)?;
            }
            out.deleted.push(RetainedSession::of(head));
        }
        return Ok(out);
    }
    if input.squash {
        for head in &targets {
            let squashed = engine.store.squash_archived(head, input.dry_run)?;
            if squashed.snapshots_dropped == 0 {
                continue;
            }
            out.objects_freed += squashed.objects_freed;
            out.bytes_freed += squashed.bytes_freed;
            out.objects_written += squashed.objects_written;
            out.squashed.push(SquashedSession {
                id: head.id.clone(),
                name: head.header.name.clone(),
                squashed,
            });
        }
    }
    Ok(out)
}

/// The live closed or abandoned sessions last updated before `before`.
fn expired_live(engine: &Engine, before: i64) -> Result<Vec<SessionHead>> {
    let mut out = Vec::new();
    for l in engine.store.list()? {
        let Listed::Ok(s) = l else { continue };
        if !s.status.is_open() && s.updated.seconds() < before {
            if let Some(head) = engine.store.head(&s.id)? {
                out.push(head);
            }
        }
    }
    Ok(out)
}

/// `session.autoArchive` in seconds; `None` when unset or off.
fn auto_archive_age(engine: &Engine) -> Result<Option<i64>> {
    let Some(text) = engine.store.config_string("session.autoArchive") else {
        return Ok(None);
    };
    if matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "off" | "no" | "never"
    ) {
        return Ok(None);
    }
    match parse_age(&text) {
        Some(age) => Ok(Some(age)),
        None => Err(fail(format!(
            "session.autoArchive is '{text}', which is not an age (30.days, 2 weeks, 12h)"
        ))),
    }
}

/// "Now" in seconds: `GIT_COMMITTER_DATE` when set (as the events say), else the clock.
fn now(engine: &Engine) -> i64 {
    match engine.store.identity() {
        Ok((_, time)) => time.seconds(),
        Err(_) => Timestamp::now().seconds(),
    }
}

/// The cut-off time of `text`: an age before `now` (`30.days`, `2 weeks`,
/// `12h`, `now`), or a date as `--since` reads one.
fn parse_cutoff(text: &str, now: i64) -> Result<i64> {
    match parse_age(text) {
        Some(age) => Ok(now - age),
        None => parse_since(text, now),
    }
}

/// An age in seconds, as git writes them for `gc.pruneExpire` and its
/// friends: `30.days`, `2.weeks.ago`, `2 weeks`, `12h`, `3d`, `now`.
/// Months are 30 days, years 365.
pub(super) fn parse_age(text: &str) -> Option<i64> {
    let lower = text.trim().to_ascii_lowercase().replace(['.', '_'], " ");
    let words = lower.trim().strip_suffix("ago").unwrap_or(&lower).trim().to_owned();
    if words == "now" {
        return Some(0);
    }
    let digits = words.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = words.split_at(digits);
    let number: i64 = number.parse().ok()?;
    let unit = unit.trim();
    let seconds = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        "month" | "months" => 30 * 86_400,
        "y" | "year" | "years" => 365 * 86_400,
        _ => return None,
    };
    number.checked_mul(seconds)
}

/// `ids` split into the live sessions and the archived ones (their heads):
/// a push sends the archived ones to the remote's archive.
pub(super) fn split_archived(engine: &Engine, ids: Vec<SessionId>) -> Result<(Vec<SessionId>, Vec<SessionHead>)> {
    let mut live = Vec::new();
    let mut archived = Vec::new();
    for id in ids {
        match engine.store.head(&id)? {
            None => match engine.store.archived_head(&id)? {
                Some(head) => archived.push(head),
                None => live.push(id),
            },
            Some(_) => live.push(id),
        }
    }
    Ok((live, archived))
}

/// `push SESSION` of archived sessions: to the remote's `refs/aura/archive/<id>`.
pub(super) fn push_named_archived(
    engine: &Engine,
    remote: &str,
    heads: &[SessionHead],
    allow_secrets: bool,
    report: &mut crate::remote::policy::PushReport,
) -> Result<()> {
    if heads.is_empty() {
        return Ok(());
    }
    let pushed = crate::remote::archive::push_archived(&engine.store, remote, heads, allow_secrets, engine.progress)?;
    report.sessions.extend(pushed.sessions);
    report.bytes += pushed.bytes;
    Ok(())
}

/// `fetch [REMOTE [SESSION…]]`: the live sessions as `policy::fetch_sessions`
/// fetches them and, when sessions are named, the remote's archived
/// sessions of those ids too (a plain fetch never asks for them). A named
/// session the remote has only archived is no error.
pub(super) fn fetch_with_archived(
    engine: &Engine,
    remote: &str,
    ids: &[String],
    prune: bool,
) -> Result<crate::remote::policy::FetchReport> {
    let live = crate::remote::policy::fetch_sessions(&engine.store, remote, ids, prune, engine.progress);
    if ids.is_empty() {
        return live;
    }
    let archived = crate::remote::archive::fetch_archived(&engine.store, remote, ids, engine.progress)?;
    let mut report = match live {
        Ok(report) => report,
        Err(_) if !archived.sessions.is_empty() || !archived.failed.is_empty() => crate::remote::policy::FetchReport {
            remote: archived.remote.clone(),
            sessions: Vec::new(),
            pruned: Vec::new(),
            bytes: 0,
            failed: Vec::new(),
        },
        Err(err) => return Err(err),
    };
    report.sessions.extend(archived.sessions);
    report.failed.extend(archived.failed);
    report.bytes += archived.bytes;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_git_writes_them() {
        assert_eq!(parse_age("30.days"), Some(30 * 86_400));
        assert_eq!(parse_age("2 weeks"), Some(14 * 86_400));
        assert_eq!(parse_age("2.weeks.ago"), Some(14 * 86_400));
        assert_eq!(parse_age("12h"), Some(12 * 3600));
        assert_eq!(parse_age("1 day"), Some(86_400));
        assert_eq!(parse_age("now"), Some(0));
        assert_eq!(parse_age("2026-11-01"), None);
        assert_eq!(parse_age("days"), None);
        assert_eq!(parse_age("3 fortnights"), None);
        assert_eq!(parse_cutoff("2026-11-01", 0).ok(), Some(1_793_491_200));
    }
}
