//! `git session list`: the sessions of this repository.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::render::{list_table, out, Palette};
use crate::store::{Listed, SessionSummary};

/// Arguments of `git session list` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Include closed and abandoned sessions.
    #[arg(long, short = 'a')]
    pub all: bool,
    /// List the sessions on this remote (as of the last fetch) instead.
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
    /// With --remote: fetch the remote's session refs first (nothing is merged).
    #[arg(long, requires = "remote")]
    pub refresh: bool,
    /// Print a JSON array of session headers.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if let Some(remote) = &args.remote {
        return list_remote(ctx, remote, args);
    }
    let listed = ctx.store.list()?;
    let current = ctx.store.current()?.map(|c| c.session);
    let mut shown: Vec<&SessionSummary> = Vec::new();
    let mut broken = Vec::new();
    for l in &listed {
        match l {
            Listed::Ok(h) if args.all || h.status.is_open() => shown.push(h),
            Listed::Ok(_) => {}
            Listed::Broken { refname, error, .. } => broken.push((refname, error)),
        }
    }
    for (refname, error) in &broken {
        eprintln!("warning: cannot read {refname}: {error}");
    }
    if args.json {
        let items: Vec<serde_json::Value> = shown
            .iter()
            .map(|h| {
                let mut v = serde_json::to_value(h).unwrap_or_default();
                v["current"] = (current.as_deref() == Some(h.id.as_str())).into();
                v
            })
            .collect();
        return print_json(&items);
    }
    if shown.is_empty() {
        ctx.say(if args.all {
            "No sessions yet; start one with `git session start`."
        } else {
            "No open sessions; `git session list --all` shows closed ones too."
        });
        return Ok(());
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    let here = ctx.store.repo.workdir().and_then(|w| std::fs::canonicalize(w).ok());
    let cwd = std::env::current_dir().unwrap_or_default();
    out(&list_table(&shown, current.as_deref(), here.as_deref(), &cwd, palette));
    Ok(())
}

/// `list --remote R`: the sessions under `refs/aura/remotes/R/sessions/`.
fn list_remote(ctx: &Ctx, remote: &str, args: &Args) -> Result<()> {
    let name = if args.refresh {
        crate::remote::fetch::fetch(&ctx.store.repo, remote, &[], true, ctx.show_progress())?.remote
    } else {
        crate::remote::fetch::open(&ctx.store.repo, remote)
            .map(|(_, name)| name)
            .unwrap_or_else(|_| remote.to_owned())
    };
    let mut rows = Vec::new();
    for (id, commit) in ctx.store.tracked_sessions(&name)? {
        let refname = crate::store::refs::remote_session_ref(&name, &id);
        match ctx.store.header_at(&refname, commit) {
            Ok(h) if args.all || h.status.is_open() => rows.push(serde_json::json!({
                "id": id,
                "commit": commit.to_string(),
                "name": h.name,
                "status": h.status.as_str(),
                "owner": h.owner,
                "branch": h.branch,
                "events": h.counters.events,
                "updated": h.updated,
                "intent": h.intent.as_ref().map(|i| i.text.clone()),
                "here": ctx.store.head(&id).ok().flatten().map(|l| l.commit.to_string()),
            })),
            Ok(_) => {}
            Err(err) => eprintln!("warning: cannot read {refname}: {err}"),
        }
    }
    rows.sort_by(|a, b| a["updated"].as_str().cmp(&b["updated"].as_str()));
    if args.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        ctx.say(format!(
            "No {}sessions known on {name}{}.",
            if args.all { "" } else { "open " },
            if args.refresh {
                ""
            } else {
                " (`--refresh` fetches the list)"
            }
        ));
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("").chars().count())
        .max()
        .unwrap_or(4);
    let mut text = String::new();
    for r in &rows {
        let s = |k: &str| r[k].as_str().unwrap_or("-").to_owned();
        let local = match r["here"].as_str() {
            None => "",
            Some(c) if c == r["commit"].as_str().unwrap_or("") => "  (here, same)",
            Some(_) => "  (here, differs)",
        };
        text.push_str(&format!(
            "  {:<width$} {:<11} {} {:<16} {:<24} {}{local}\n",
            s("name"),
            s("status"),
            crate::render::short_id(&s("id")),
            s("branch"),
            s("owner"),
            crate::render::short_time(&s("updated")),
        ));
    }
    out(&text);
    Ok(())
}
