//! `git session push`: send sessions to a remote, never forcing.
//!
//! Each ref is sent with the old value the remote is expected to hold (its
//! remote-tracking ref), so the server does the compare-and-swap. When the
//! remote moved, the session is fetched, merged and pushed again (a few
//! times at most). Before anything is sent, the blobs the push would carry
//! that are not in the user's own history are scanned for secrets
//! (docs/design.md invariant 8).

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::fail_with_hint;
use crate::ops::{self, PushInput};
use crate::render::{out, short_id};

/// Arguments of `git session push` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let pushed = ops::push(
        &ui.engine,
        &PushInput {
            remote: args.remote.clone(),
            sessions: args.sessions.clone(),
            all: args.all,
            allow_secrets: args.allow_secrets,
        },
    )?;
    if args.json {
        print_json(&pushed)?;
    } else {
        let mut text = format!("To {}:\n", pushed.remote);
        for r in &pushed.sessions {
            let reason = r.reason.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
            text.push_str(&format!(
                "  {:<12} {} ({}){reason}\n",
                r.result.as_str(),
                r.name,
                short_id(&r.session)
            ));
        }
        out(&text);
    }
    if pushed.rejected() {
        return Err(fail_with_hint(
            "the remote refused some sessions; nothing was forced",
            "see the reasons above; `git session fetch` then push again once they are resolved",
        ));
    }
    Ok(())
}
