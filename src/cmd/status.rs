//! `git session status`: the current session at a glance.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{out, plan_excerpt, tldr};

/// Arguments of `git session status` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the session header as JSON (`{"session": null}` when there is none).
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let status = ops::status(&ui.engine)?;
    if args.json {
        return print_json(&status);
    }
    let Some(header) = &status.session else {
        out("No current session in this work tree.\n");
        ui.say("hint: start one with `git session start`, or see `git session list`");
        return Ok(());
    };
    out(&tldr(header, ui.palette()));
    if let Some(plan) = &status.plan {
        out(&plan_excerpt(plan, false, ui.palette()));
    }
    let pending = status.unrecorded_reflog_entries.unwrap_or(0);
    if pending > 0 {
        out(&format!(
            "  ({pending} HEAD move(s) not recorded yet; the next command records them)\n"
        ));
    }
    Ok(())
}
