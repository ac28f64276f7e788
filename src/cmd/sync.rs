//! `git session sync`: fetch the current session from the remote, merge it,
//! and push the result.

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::fail;
use crate::ops::{self, Merged, PushResult};
use crate::render::out;

/// Arguments of `git session sync` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
    pub remote: Option<String>,
    /// Push even if the secrets scan finds something (this push only).
    #[arg(long)]
    pub allow_secrets: bool,
    /// Print what happened as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let synced = ops::sync(&ui.engine, args.remote.as_deref(), args.allow_secrets)?;
    let result = &synced.pushed;
    if args.json {
        return print_json(&synced);
    }
    let got = match &synced.fetched {
        None => "not on the remote yet".to_owned(),
        Some(Merged::UpToDate) => "nothing new".to_owned(),
        Some(Merged::Merged { added, .. }) => format!("merged {added} events"),
        Some(Merged::Created) => "a new session".to_owned(),
        Some(Merged::FastForward) => "newer events (fast-forward)".to_owned(),
    };
    out(&format!(
        "Synced '{}' with {}: fetched {got}; {}.\n",
        result.name,
        synced.remote,
        result.result.as_str().replace('-', " ")
    ));
    if result.result == PushResult::Rejected {
        return Err(fail(format!(
            "{} refused the push: {}",
            synced.remote,
            result.reason.as_deref().unwrap_or("no reason given")
        )));
    }
    Ok(())
}
