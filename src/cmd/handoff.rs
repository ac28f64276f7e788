//! `git session handoff`: hand the session to someone else (a teammate,
//! another agent, yourself on another machine): a final snapshot, a note,
//! the onboarding brief and the summary as attachments, and a push.

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::fail_with_hint;
use crate::ops::{self, HandoffInput, PushResult};
use crate::render::out;

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
    #[arg(long, value_name = "REMOTE", conflicts_with = "no_push", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
    pub remote: Option<String>,
    /// Push the handed-over session (the default, unless `session.autoPush`
    /// is false); an error when there is no remote to push to.
    #[arg(long, conflicts_with = "no_push")]
    pub push: bool,
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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let handed = ops::handoff(
        &ui.engine,
        &HandoffInput {
            message: args.message.clone(),
            to: args.to.clone(),
            remote: args.remote.clone(),
            push: args.push,
            no_push: args.no_push,
            allow_secrets: args.allow_secrets,
        },
    )?;
    if args.json {
        return print_json(&handed);
    }
    let name = &handed.landed.name;
    let id = &handed.landed.session;
    let mut text = format!("Handed over '{name}'.\n");
    match (&handed.remote, &handed.pushed) {
        (Some(remote), Some(r)) if r.result == PushResult::Rejected => {
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
            let url = handed.url.as_deref().unwrap_or(remote);
            text.push_str(&format!(
                "Pushed to {remote}. Whoever continues runs, in their clone:\n  git session fetch {url} {id}\n  git session resume {id}\n"
            ));
        }
        (None, _) if handed.auto_push_off => text.push_str(&format!(
            "Kept local (session.autoPush is false). Push it with `git session push {name}` so it can be resumed elsewhere.\n"
        )),
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
