//! `git session who [PATH…]`: which open sessions, here and fetched from
//! remotes, touched or claimed these paths recently. Zone awareness over
//! plain git: a session's files are those that differ between its first and
//! latest snapshot, plus the paths it claimed.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use gix::ObjectId;

use super::{print_json, Ctx};
use crate::render::{out, short_id, short_time};
use crate::session::SessionHeader;

/// Arguments of `git session who` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (relative to the current directory); default: everything.
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Only sessions updated in the last DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub days: u32,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One open session and the paths it touched or claimed.
#[derive(Debug, serde::Serialize)]
struct Zone {
    session: String,
    name: String,
    owner: Option<String>,
    status: &'static str,
    branch: Option<String>,
    updated: String,
    /// `here` or the remote it was fetched from.
    from: String,
    touched: Vec<String>,
    claimed: Vec<String>,
}

/// `a` and `b` name the same path, or one is a directory holding the other.
fn overlaps(a: &str, b: &str) -> bool {
    let within = |inner: &str, outer: &str| {
        outer.is_empty() || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'/'))
    };
    a == b || within(a, b) || within(b, a)
}

fn oid(hex: Option<&str>) -> Option<ObjectId> {
    hex.and_then(|h| ObjectId::from_hex(h.as_bytes()).ok())
}

/// The files a session changed between its first and latest snapshot.
fn touched(ctx: &Ctx, h: &SessionHeader) -> Result<Vec<String>> {
    match (oid(h.base_snapshot.as_deref()), oid(h.latest_snapshot.as_deref())) {
        (Some(a), Some(b)) => Ok(crate::rewind::changed_paths(&ctx.store.repo, a, b)?
            .into_iter()
            .map(|p| p.to_string())
            .collect()),
        _ => Ok(Vec::new()),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let paths: Vec<String> = if args.paths.is_empty() {
        Vec::new()
    } else {
        let workdir = ctx.store.workdir()?.to_owned();
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        args.paths
            .iter()
            .map(|p| super::repo_path(&workdir, &cwd, p).map(|b| b.to_string()))
            .collect::<Result<_>>()?
    };
    let now = gix::date::Time::now_utc().seconds;
    let recent = |h: &SessionHeader| {
        crate::store::parse_rfc3339(&h.updated).is_some_and(|t| now - t.seconds <= i64::from(args.days) * 86_400)
    };

    // Sessions here first; a fetched one only when it is not here (yet).
    let mut headers: BTreeMap<String, (SessionHeader, String)> = BTreeMap::new();
    for listed in ctx.store.list()? {
        if let crate::store::Listed::Ok(s) = listed {
            if s.status.is_open() {
                if let Some(head) = ctx.store.head(&s.id)? {
                    headers.insert(s.id.clone(), (head.header, "here".to_owned()));
                }
            }
        }
    }
    for (remote, id, commit) in ctx.store.all_tracked_sessions()? {
        if headers.contains_key(&id) {
            continue;
        }
        let refname = crate::store::refs::remote_session_ref(&remote, &id);
        if let Ok(header) = ctx.store.header_at(&refname, commit) {
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
        let mut files = touched(ctx, &h)?;
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
    if args.json {
        return print_json(&zones);
    }
    if zones.is_empty() {
        ctx.say(format!(
            "No open session touched or claimed {} in the last {} days.",
            if paths.is_empty() {
                "anything".to_owned()
            } else {
                paths.join(", ")
            },
            args.days
        ));
        return Ok(());
    }
    let mut s = String::new();
    for z in &zones {
        let from = if z.from == "here" {
            String::new()
        } else {
            format!(", from {}", z.from)
        };
        s.push_str(&format!(
            "{} ({}, {}{from}) {} on {}, last active {}\n",
            z.name,
            short_id(&z.session),
            z.status,
            z.owner.as_deref().unwrap_or("?"),
            z.branch.as_deref().unwrap_or("(detached)"),
            short_time(&z.updated)
        ));
        for c in &z.claimed {
            s.push_str(&format!("  claimed  {c}\n"));
        }
        for f in z.touched.iter().take(20) {
            s.push_str(&format!("  touched  {f}\n"));
        }
        if z.touched.len() > 20 {
            s.push_str(&format!("  … and {} more files\n", z.touched.len() - 20));
        }
    }
    out(&s);
    Ok(())
}

/// The sessions other than `id` that claimed one of `paths` and are still
/// open: `(session name, claimed path, path of paths)`. Reads the claims
/// registry, not every session.
pub fn claimed_by_others(ctx: &Ctx, id: &str, paths: &[String]) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for (other, claimed) in ctx.store.claims() {
        let hits: Vec<&String> = paths.iter().filter(|p| overlaps(p, &claimed)).collect();
        if other == id || hits.is_empty() {
            continue;
        }
        if let Some(head) = ctx.store.head(&other)? {
            if head.header.status.is_open() {
                for hit in hits {
                    out.push((head.header.name.clone(), claimed.clone(), hit.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// After a checkpoint: warns about files this session changed that another
/// open session claimed. Costs nothing when nobody claimed anything.
pub fn warn_about_claims(ctx: &Ctx, head: &crate::store::SessionHead) -> Result<()> {
    if !ctx.store.claims().iter().any(|(other, _)| *other != head.id) {
        return Ok(());
    }
    let files = touched(ctx, &head.header)?;
    for (name, claimed, file) in claimed_by_others(ctx, &head.id, &files)? {
        eprintln!("warning: this session changed {file}, and session '{name}' claimed {claimed}");
    }
    Ok(())
}
