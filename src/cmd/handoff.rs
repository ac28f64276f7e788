//! `git session handoff`: hand the session to someone else (a teammate, another
//! agent, yourself on another machine): a final snapshot, a note for whoever
//! picks it up, and, when asked, a push.

use anyhow::Result;

use super::push::push_sessions;
use super::{print_json, recorded_json, Ctx};
use crate::error::fail;
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session handoff` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What whoever picks the session up should know.
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// Who it is handed to (free text: a person, an agent).
    #[arg(long)]
    pub to: Option<String>,
    /// Push the session afterwards, to REMOTE or the default remote
    /// (`session.autoPush=true` always pushes).
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "")]
    pub push: Option<String>,
    /// Push even if the secrets scan finds something (this push only).
    #[arg(long, requires = "push")]
    pub allow_secrets: bool,
    /// Print the recorded event as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = ctx.target()?;
    if !target.head.header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {}; only an open session can be handed over",
            target.head.header.name,
            target.head.header.status.as_str()
        )));
    }
    let event = if target.current.is_some() && ctx.store.repo.workdir().is_some() {
        ctx.snapshot_event(EventKind::Handoff)?
    } else {
        ctx.event(EventKind::Handoff)?
    };
    let text = match &args.message {
        Some(m) => Some(super::non_empty(m, "the handoff note")?),
        None => None,
    };
    let event = event.with("text", text).with("to", args.to.clone());
    let (head, events) = ctx.record(&target, vec![event])?;
    if target.current.is_some() {
        ctx.store.clear_current()?;
    }
    let auto = ctx.store.config_string("session.autoPush").is_some_and(|v| v == "true");
    let pushed = match (&args.push, auto) {
        (Some(remote), _) if !remote.is_empty() => Some(remote.clone()),
        (Some(_), _) | (None, true) => Some(ctx.default_remote()?),
        (None, false) => None,
    };
    let mut push_result = None;
    if let Some(remote) = &pushed {
        let (results, _) = push_sessions(ctx, remote, std::slice::from_ref(&head.id), args.allow_secrets)?;
        push_result = results.into_iter().next();
    }
    if args.json {
        let mut v = recorded_json(&head, &events);
        v["pushed"] = serde_json::to_value(&push_result)?;
        return print_json(&v);
    }
    let mut text = format!("Handed over '{}'.\n", head.header.name);
    match (&pushed, &push_result) {
        (Some(remote), Some(r)) if r.result != "rejected" => text.push_str(&format!(
            "Pushed to {remote}. To pick it up: `git session fetch {remote} && git session resume {}`\n",
            head.header.name
        )),
        (Some(remote), Some(r)) => {
            out(&text);
            return Err(fail(format!(
                "{remote} refused the push: {}",
                r.reason.as_deref().unwrap_or("no reason given")
            )));
        }
        _ => text.push_str(&format!(
            "Push it with `git session push` so it can be picked up with `git session resume {}`.\n",
            head.header.name
        )),
    }
    out(&text);
    Ok(())
}
