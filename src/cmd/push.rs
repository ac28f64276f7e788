//! `git session push`: send sessions to a remote, never forcing.
//!
//! Each ref is sent with the old value the remote is expected to hold (its
//! remote-tracking ref), so the server does the compare-and-swap. When the
//! remote moved, the session is fetched, merged and pushed again (a few
//! times at most). Before anything is sent, the blobs the push would carry
//! that are not in the user's own history are scanned for secrets
//! (DESIGN.md invariant 8).

use anyhow::Result;
use gix::ObjectId;

use super::{print_json, Ctx};
use crate::error::{fail, fail_with_hint};
use crate::remote::{self, fetch, RefResult, RefUpdate};
use crate::render::{out, short_id};
use crate::store::refs::session_ref;

/// Arguments of `git session push` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    pub remote: Option<String>,
    /// The sessions to push (default: the current one).
    #[arg(conflicts_with = "all")]
    pub sessions: Vec<String>,
    /// Push every local session.
    #[arg(long)]
    pub all: bool,
    /// Push even if the secrets scan finds something (this push only).
    #[arg(long)]
    pub allow_secrets: bool,
    /// Print what happened as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How many times a push rejected because the remote moved is retried after
/// fetching and merging.
const ATTEMPTS: usize = 3;

/// What happened to one session.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pushed {
    pub session: String,
    pub name: String,
    /// `pushed`, `up-to-date` or `rejected`.
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub commit: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let remote = match &args.remote {
        Some(r) => r.clone(),
        None => ctx.default_remote()?,
    };
    let ids = if args.all {
        ctx.store
            .list()?
            .into_iter()
            .filter_map(|l| match l {
                crate::store::Listed::Ok(s) => Some(s.id),
                _ => None,
            })
            .collect()
    } else if args.sessions.is_empty() {
        vec![ctx.target()?.head.id]
    } else {
        args.sessions
            .iter()
            .map(|s| ctx.store.resolve(s).map(|h| h.id))
            .collect::<Result<Vec<_>>>()?
    };
    let (results, bytes) = push_sessions(ctx, &remote, &ids, args.allow_secrets)?;
    let rejected = results.iter().any(|r| r.result == "rejected");
    if args.json {
        print_json(&serde_json::json!({ "remote": remote, "sessions": results, "bytes": bytes }))?;
    } else {
        let mut text = format!("To {remote}:\n");
        for r in &results {
            let reason = r.reason.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
            text.push_str(&format!(
                "  {:<12} {} ({}){reason}\n",
                r.result,
                r.name,
                short_id(&r.session)
            ));
        }
        out(&text);
    }
    if rejected {
        return Err(fail_with_hint(
            "the remote refused some sessions; nothing was forced",
            "see the reasons above; `git session fetch` then push again once they are resolved",
        ));
    }
    Ok(())
}

/// Pushes sessions `ids` to `remote`: merge what was fetched before, scan for
/// secrets, push with leases, and on a lost race fetch, merge and retry.
/// Returns the result of each session and the bytes sent.
pub fn push_sessions(ctx: &Ctx, remote: &str, ids: &[String], allow_secrets: bool) -> Result<(Vec<Pushed>, u64)> {
    let (_, tracking_name) = fetch::open(&ctx.store.repo, remote)?;
    // The secrets scan and the push both walk the new commits and trees (and
    // each walk reads every commit twice): a cache of decoded objects makes
    // the repeated reads of these mostly loose objects free.
    let mut repo = ctx.store.repo.clone();
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let (author, time) = ctx.store.identity()?;
    let time = crate::store::rfc3339(time);
    let mut results = Vec::new();
    let mut bytes = 0;
    let mut todo: Vec<String> = ids.to_vec();
    for attempt in 0..ATTEMPTS {
        // What the remote had at the last fetch is merged in first, so every
        // push is a fast-forward of what it expects.
        let mut updates = Vec::new();
        for id in &todo {
            if let Some(theirs) = ctx.store.tracking(&tracking_name, id)? {
                ctx.store.merge_in(id, theirs, &tracking_name, &author, &time)?;
            }
            let head = ctx
                .store
                .head(id)?
                .ok_or_else(|| fail(format!("session {id} does not exist")))?;
            updates.push(RefUpdate {
                name: session_ref(id),
                expected: ctx.store.tracking(&tracking_name, id)?,
                new: head.commit,
            });
        }
        if !allow_secrets {
            let started = std::time::Instant::now();
            scan_for_secrets(ctx, &repo, &tracking_name, &updates)?;
            remote::report_time("scan_for_secrets", started.elapsed());
        }
        let started = std::time::Instant::now();
        let outcome = remote::push(&repo, remote, &updates, ctx.show_progress())?;
        remote::report_time("remote::push", started.elapsed());
        bytes += outcome.bytes_sent;
        let mut retry = Vec::new();
        for (update, id) in updates.iter().zip(&todo) {
            let result = outcome
                .results
                .iter()
                .find(|(name, _)| *name == update.name)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| RefResult::Rejected("no answer from the remote".into()));
            let name = ctx.store.head(id)?.map(|h| h.header.name).unwrap_or_default();
            match result {
                RefResult::Ok => {
                    ctx.store
                        .set_tracking(&tracking_name, id, update.new, "git-session push")?;
                    results.push(Pushed {
                        session: id.clone(),
                        name,
                        result: if update.expected == Some(update.new) {
                            "up-to-date"
                        } else {
                            "pushed"
                        },
                        reason: None,
                        commit: update.new.to_string(),
                    });
                }
                RefResult::Rejected(reason) if moved(&reason) && attempt + 1 < ATTEMPTS => retry.push(id.clone()),
                RefResult::Rejected(reason) => results.push(Pushed {
                    session: id.clone(),
                    name,
                    result: "rejected",
                    reason: Some(reason),
                    commit: update.new.to_string(),
                }),
            }
        }
        if retry.is_empty() {
            break;
        }
        // The remote moved since we last looked: fetch those sessions; the
        // next round merges them and pushes again.
        fetch::fetch(&ctx.store.repo, remote, &retry, false, ctx.show_progress())?;
        for id in &retry {
            if let Some(theirs) = ctx.store.tracking(&tracking_name, id)? {
                ctx.store.merge_in(id, theirs, &tracking_name, &author, &time)?;
            }
        }
        todo = retry;
    }
    Ok((results, bytes))
}

/// A rejection that a fetch and merge can cure.
fn moved(reason: &str) -> bool {
    [
        "stale info",
        "fetch first",
        "non-fast-forward",
        "failed to lock",
        "cannot lock",
    ]
    .iter()
    .any(|r| reason.contains(r))
}

/// Refuses the push when a blob it would send, and that is not in the
/// user's own history or already on the remote, looks like a secret.
fn scan_for_secrets(ctx: &Ctx, repo: &gix::Repository, tracking_name: &str, updates: &[RefUpdate]) -> Result<()> {
    let tips: Vec<ObjectId> = updates.iter().map(|u| u.new).collect();
    let mut exclude = ctx.store.user_tips()?;
    exclude.extend(ctx.store.tracked_sessions(tracking_name)?.into_iter().map(|(_, c)| c));
    let findings = crate::secrets::scan_new_blobs(repo, &tips, &exclude)?;
    if findings.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = findings
        .iter()
        .map(|f| format!("  {}:{}: {} ({})", f.path, f.line, f.rule, f.excerpt))
        .collect();
    Err(fail_with_hint(
        format!(
            "the push would send what looks like a secret; nothing was sent:\n{}",
            list.join("\n")
        ),
        "if it is not a secret, push with --allow-secrets; if it is, revoke it: the session's snapshots hold it",
    ))
}
