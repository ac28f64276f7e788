//! `git session fetch`: bring sessions from a remote and merge them into the
//! local ones (new → created, ahead → fast-forwarded, diverged → a `merge`
//! event). Local events are never lost.

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::fail;
use crate::ops::{self, Merged};
use crate::render::{out, short_id};

/// Arguments of `git session fetch` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A remote name or URL (default: `session.remote`, else the branch's
    /// upstream remote, else `origin`).
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::candidates::remotes))]
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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let fetched = ops::fetch(&ui.engine, args.remote.as_deref(), &args.sessions, args.prune)?;
    if args.json {
        print_json(&fetched)?;
        return refuse_when_asked_failed(&fetched);
    }
    let mut text = String::new();
    for s in &fetched.sessions {
        let what = match &s.merged {
            Merged::UpToDate => continue,
            Merged::Created => "new".to_owned(),
            Merged::FastForward => "fast-forward".to_owned(),
            Merged::Merged { added, .. } => format!("merged {added} events"),
        };
        text.push_str(&format!("  {what:<16} {} ({})\n", s.name, short_id(&s.session)));
    }
    for id in &fetched.pruned {
        text.push_str(&format!(
            "  {:<16} {} (gone from {})\n",
            "pruned",
            short_id(id),
            fetched.remote
        ));
    }
    if text.is_empty() && !fetched.failed.is_empty() {
        ui.say(format!(
            "No session of {} was merged ({} could not be).",
            fetched.remote,
            fetched.failed.len()
        ));
    } else if text.is_empty() {
        ui.say(format!(
            "Sessions are up to date with {} ({} there).",
            fetched.remote,
            fetched.sessions.len()
        ));
    } else {
        out(&format!("From {}:\n{text}", fetched.remote));
    }
    refuse_when_asked_failed(&fetched)
}

/// Exit 1 when a session the user named could not be merged (the others were).
fn refuse_when_asked_failed(fetched: &ops::Fetched) -> Result<()> {
    if fetched.failed_asked() {
        return Err(fail(format!(
            "{} has a session asked for that could not be merged (see the warning above)",
            fetched.remote
        )));
    }
    Ok(())
}
