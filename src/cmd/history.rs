//! `git session history`: the sessions of this repository over time, with
//! durations, active time, events, checkpoints, commits and files. Also the
//! rows `report` aggregates.

use anyhow::Result;
use gix::ObjectId;

use super::{print_json, Ctx};
use crate::error::usage;
use crate::render::{out, short_id, short_time};
use crate::session::SessionHeader;
use crate::store::Listed;

/// Arguments of `git session history` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only sessions active since WHEN: a date (`2026-11-01`), an RFC 3339
    /// time, or an age (`3d`, `2w`, `12h`).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Print the rows as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One session in a history or a report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub owner: Option<String>,
    pub branch: Option<String>,
    pub created: String,
    pub updated: String,
    /// Seconds from the first to the last event.
    pub duration_seconds: i64,
    /// Seconds of work (gaps between events up to 30 minutes each).
    pub active_seconds: u64,
    pub events: u64,
    pub checkpoints: u64,
    pub commits: u64,
    /// Files that differ between the first and the latest snapshot.
    pub files: usize,
}

/// Seconds since the epoch of `when` (see [`Args::since`]), relative to `now`.
pub fn parse_since(when: &str, now: i64) -> Result<i64> {
    let w = when.trim();
    let age = |n: &str, unit: i64| n.parse::<i64>().ok().map(|n| now - n * unit);
    let parsed = if let Some(n) = w.strip_suffix('h') {
        age(n, 3600)
    } else if let Some(n) = w.strip_suffix('d') {
        age(n, 86_400)
    } else if let Some(n) = w.strip_suffix('w') {
        age(n, 7 * 86_400)
    } else if w.len() == 10 {
        crate::store::parse_rfc3339(&format!("{w}T00:00:00Z")).map(|t| t.seconds)
    } else {
        crate::store::parse_rfc3339(w).map(|t| t.seconds)
    };
    parsed.ok_or_else(|| {
        usage(format!(
            "'{when}' is not a date (2026-11-01), a time (RFC 3339) or an age (3d, 2w, 12h)"
        ))
    })
}

fn seconds(rfc3339: &str) -> i64 {
    crate::session::seconds(rfc3339).unwrap_or(0)
}

/// The row of a session; `files` needs a tree diff of its snapshots.
pub fn row(ctx: &Ctx, h: &SessionHeader) -> Result<Row> {
    let oid = |s: &Option<String>| s.as_deref().and_then(|t| ObjectId::from_hex(t.as_bytes()).ok());
    let files = match (oid(&h.base_snapshot), oid(&h.latest_snapshot)) {
        (Some(a), Some(b)) => crate::rewind::changed_paths(&ctx.store.repo, a, b)?.len(),
        _ => 0,
    };
    Ok(Row {
        id: h.id.clone(),
        name: h.name.clone(),
        status: h.status.as_str(),
        owner: h.owner.clone(),
        branch: h.branch.clone(),
        created: h.created.clone(),
        updated: h.updated.clone(),
        duration_seconds: (seconds(&h.updated) - seconds(&h.created)).max(0),
        active_seconds: h.active_seconds,
        events: h.counters.events,
        checkpoints: h.counters.checkpoints,
        commits: h.counters.commits,
        files,
    })
}

/// Every session of this repository active since `since`, oldest first.
pub fn rows(ctx: &Ctx, since: Option<i64>) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    for listed in ctx.store.list()? {
        let Listed::Ok(s) = listed else { continue };
        if since.is_some_and(|t| seconds(&s.updated) < t) {
            continue;
        }
        if let Some(head) = ctx.store.head(&s.id)? {
            out.push(row(ctx, &head.header)?);
        }
    }
    out.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
    Ok(out)
}

/// `1h 05m`, `12m`, `0m`.
pub fn hours(secs: u64) -> String {
    let m = secs / 60;
    if m >= 60 {
        format!("{}h {:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let now = gix::date::Time::now_utc().seconds;
    let since = args.since.as_deref().map(|w| parse_since(w, now)).transpose()?;
    let rows = rows(ctx, since)?;
    if args.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        ctx.say("No sessions in that period.");
        return Ok(());
    }
    let width = rows.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).max(4);
    let mut s = format!(
        "{:<width$} {:<11} {:<12} {:<16} {:>9} {:>8} {:>6} {:>5} {:>7} {:>5}\n",
        "session", "status", "id", "started", "duration", "active", "events", "ckpts", "commits", "files"
    );
    for r in &rows {
        s.push_str(&format!(
            "{:<width$} {:<11} {:<12} {:<16} {:>9} {:>8} {:>6} {:>5} {:>7} {:>5}\n",
            r.name,
            r.status,
            short_id(&r.id),
            short_time(&r.created),
            hours(r.duration_seconds as u64),
            hours(r.active_seconds),
            r.events,
            r.checkpoints,
            r.commits,
            r.files
        ));
    }
    out(&s);
    Ok(())
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
        assert!(parse_since("last tuesday", now).is_err());
        assert_eq!(hours(3900), "1h 05m");
        assert_eq!(hours(59), "0m");
    }
}
