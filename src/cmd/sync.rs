//! `git session sync`: fetch the current session from the remote, merge it,
//! and push the result.

use anyhow::Result;

use super::push::push_sessions;
use super::{print_json, Ctx};
use crate::error::fail;
use crate::remote::fetch;
use crate::render::out;

/// Arguments of `git session sync` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    pub remote: Option<String>,
    /// Push even if the secrets scan finds something (this push only).
    #[arg(long)]
    pub allow_secrets: bool,
    /// Print what happened as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let remote = match &args.remote {
        Some(r) => r.clone(),
        None => ctx.default_remote()?,
    };
    let id = ctx.target()?.head.id;
    let fetched = fetch::fetch(
        &ctx.store.repo,
        &remote,
        std::slice::from_ref(&id),
        false,
        ctx.show_progress(),
    )?;
    let (author, time) = ctx.store.identity()?;
    let time = crate::store::rfc3339(time);
    let mut merged = None;
    for (fid, tip) in &fetched.sessions {
        if *fid == id {
            merged = Some(ctx.store.merge_in(fid, *tip, &fetched.remote, &author, &time)?);
        }
    }
    let (results, _) = push_sessions(ctx, &remote, std::slice::from_ref(&id), args.allow_secrets)?;
    let result = results.first().ok_or_else(|| fail("the push gave no result"))?;
    if args.json {
        return print_json(&serde_json::json!({ "remote": remote, "fetched": merged, "pushed": result }));
    }
    let got = match &merged {
        None => "not on the remote yet".to_owned(),
        Some(crate::store::merge::Merged::UpToDate) => "nothing new".to_owned(),
        Some(crate::store::merge::Merged::Merged { added, .. }) => format!("merged {added} events"),
        Some(crate::store::merge::Merged::Created) => "a new session".to_owned(),
        Some(crate::store::merge::Merged::FastForward) => "newer events (fast-forward)".to_owned(),
    };
    out(&format!(
        "Synced '{}' with {remote}: fetched {got}; {}.\n",
        result.name,
        result.result.replace('-', " ")
    ));
    if result.result == "rejected" {
        return Err(fail(format!(
            "{remote} refused the push: {}",
            result.reason.as_deref().unwrap_or("no reason given")
        )));
    }
    Ok(())
}
