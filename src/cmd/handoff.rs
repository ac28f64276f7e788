//! `git session handoff`: hand the session to someone else (a teammate,
//! another agent, yourself on another machine): a final snapshot, a note,
//! the onboarding brief and the summary as attachments, and a push.

use anyhow::Result;

use super::push::push_sessions;
use super::{print_json, recorded_json, Ctx};
use crate::error::{fail, fail_with_hint};
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session handoff` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What whoever picks the session up should know.
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// Who it is handed to (free text: a person, an agent).
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// Push to this remote or URL (default: `session.remote`, else the
    /// branch's upstream remote, else `origin`).
    #[arg(long, value_name = "REMOTE", conflicts_with = "no_push")]
    pub remote: Option<String>,
    /// Keep the handoff local: record it, push nothing.
    #[arg(long)]
    pub no_push: bool,
    /// Push even if the secrets scan finds something (this push only).
    #[arg(long, conflicts_with = "no_push")]
    pub allow_secrets: bool,
    /// Print the recorded event as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The size of the brief attached to a handoff.
const BRIEF_LIMIT: usize = 10_000;

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target()?;
    if !target.head.header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {}; only an open session can be handed over",
            target.head.header.name,
            target.head.header.status.as_str()
        )));
    }
    // Where it goes, checked before anything is recorded.
    let remote = match (&args.remote, args.no_push) {
        (_, true) => None,
        (Some(r), _) => Some(r.clone()),
        (None, false) => {
            let r = ctx.default_remote()?;
            (ctx.store.repo.find_remote(r.as_str()).is_ok()).then_some(r)
        }
    };
    let event = if target.current.is_some() && ctx.store.repo.workdir().is_some() {
        ctx.snapshot_event(EventKind::Handoff)?
    } else {
        ctx.event(EventKind::Handoff)?
    };
    let text = match &args.message {
        Some(m) => Some(super::non_empty(m, "the handoff note")?),
        None => None,
    };
    // The brief a successor reads first travels inside the handoff commit.
    let brief = super::context::brief(ctx, &target.head, BRIEF_LIMIT)?;
    let brief = ctx.store.repo.write_blob(brief.as_bytes())?.detach();
    let summary = crate::render::summary::summary_markdown(&super::summarize::summarize(ctx, &target.head)?);
    let summary = ctx.store.repo.write_blob(summary.as_bytes())?.detach();
    let event = event.with("text", text).with("to", args.to.clone()).with(
        "attachments",
        serde_json::json!({ "handoff.md": brief.to_string(), "summary.md": summary.to_string() }),
    );
    let (head, events) = ctx.record(&target, vec![event])?;
    if target.current.is_some() {
        ctx.store.clear_current()?;
    }
    let mut pushed = None;
    if let Some(remote) = &remote {
        let (results, _) = push_sessions(ctx, remote, std::slice::from_ref(&head.id), args.allow_secrets)?;
        pushed = results.into_iter().next();
    }
    if args.json {
        let mut v = recorded_json(&head, &events);
        v["remote"] = remote.clone().into();
        v["pushed"] = serde_json::to_value(&pushed)?;
        return print_json(&v);
    }
    let name = &head.header.name;
    let mut text = format!("Handed over '{name}'.\n");
    match (&remote, &pushed) {
        (Some(remote), Some(r)) if r.result == "rejected" => {
            out(&text);
            return Err(fail_with_hint(
                format!(
                    "{remote} refused the push: {}",
                    r.reason.as_deref().unwrap_or("no reason given")
                ),
                "the handoff is recorded here; `git session push` once the remote accepts it",
            ));
        }
        (Some(remote), _) => {
            let url = ctx
                .store
                .repo
                .find_remote(remote.as_str())
                .ok()
                .and_then(|r| r.url(gix::remote::Direction::Fetch).map(|u| u.to_bstring().to_string()))
                .unwrap_or_else(|| remote.clone());
            text.push_str(&format!(
                "Pushed to {remote}. Whoever continues runs, in their clone:\n  git session fetch {url} {}\n  git session resume {}\n",
                head.id, head.id
            ));
        }
        (None, _) if args.no_push => text.push_str(&format!(
            "Kept local. Push it with `git session push` so it can be resumed elsewhere ({name}).\n"
        )),
        (None, _) => text.push_str(&format!(
            "No remote to push to; `git session push REMOTE {name}` when there is one.\n"
        )),
    }
    out(&text);
    Ok(())
}
