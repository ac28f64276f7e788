//! `git session fetch`: bring sessions from a remote and merge them into the
//! local ones (new → created, ahead → fast-forwarded, diverged → a `merge`
//! event). Local events are never lost.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::error::fail_with_hint;
use crate::remote::fetch;
use crate::render::{out, short_id};
use crate::store::merge::Merged;

/// Arguments of `git session fetch` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    pub remote: Option<String>,
    /// Only these sessions: ids, id prefixes, or names of sessions known here.
    pub sessions: Vec<String>,
    /// Remove remote-tracking refs of sessions gone from the remote (never local sessions).
    #[arg(long)]
    pub prune: bool,
    /// Print what happened as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let remote = match &args.remote {
        Some(r) => r.clone(),
        None => ctx.default_remote()?,
    };
    let ids = ctx.session_prefixes(&args.sessions)?;
    let fetched = fetch::fetch(&ctx.store.repo, &remote, &ids, args.prune, ctx.show_progress())?;
    let (author, time) = ctx.store.identity()?;
    let time = crate::store::rfc3339(time);
    let mut results = Vec::new();
    for (id, tip) in &fetched.sessions {
        let merged = ctx.store.merge_in(id, *tip, &fetched.remote, &author, &time)?;
        if merged != Merged::UpToDate {
            if let Some(head) = ctx.store.head(id)? {
                if !head.header.claims.is_empty() || ctx.store.claims().iter().any(|(c, _)| c == id) {
                    ctx.store.register_claims(id, &head.header.claims)?;
                }
            }
        }
        results.push((id.clone(), merged));
    }
    if args.json {
        let sessions: Vec<serde_json::Value> = results
            .iter()
            .map(|(id, m)| {
                let mut v = serde_json::to_value(m).unwrap_or_default();
                v["session"] = id.as_str().into();
                v
            })
            .collect();
        return print_json(&serde_json::json!({
            "remote": fetched.remote,
            "sessions": sessions,
            "pruned": fetched.pruned,
            "bytes": fetched.bytes,
        }));
    }
    let mut text = String::new();
    for (id, merged) in &results {
        let name = ctx.store.head(id)?.map(|h| h.header.name).unwrap_or_else(|| id.clone());
        let what = match merged {
            Merged::UpToDate => continue,
            Merged::Created => "new".to_owned(),
            Merged::FastForward => "fast-forward".to_owned(),
            Merged::Merged { added, .. } => format!("merged {added} events"),
        };
        text.push_str(&format!("  {what:<16} {name} ({})\n", short_id(id)));
    }
    for id in &fetched.pruned {
        text.push_str(&format!(
            "  {:<16} {} (gone from {})\n",
            "pruned",
            short_id(id),
            fetched.remote
        ));
    }
    if text.is_empty() {
        ctx.say(format!(
            "Sessions are up to date with {} ({} there).",
            fetched.remote,
            fetched.sessions.len()
        ));
    } else {
        out(&format!("From {}:\n{text}", fetched.remote));
    }
    if fetched.sessions.is_empty() && !args.sessions.is_empty() {
        return Err(fail_with_hint(
            format!("{} has none of the sessions asked for", fetched.remote),
            format!(
                "`git session list --remote {} --refresh` lists what it has",
                fetched.remote
            ),
        ));
    }
    Ok(())
}
