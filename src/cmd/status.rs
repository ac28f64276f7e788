//! `git session status`: the current session at a glance.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::render::{out, tldr, Palette};

/// Arguments of `git session status` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the session header as JSON (`{"session": null}` when there is none).
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let target = match (ctx.store.current()?, &ctx.globals.session) {
        (None, None) => None,
        _ => Some(ctx.target()?),
    };
    let Some(target) = target else {
        if args.json {
            return print_json(&serde_json::json!({ "session": null }));
        }
        out("No current session in this work tree.\n");
        ctx.say("hint: start one with `git session start`, or see `git session list`");
        return Ok(());
    };
    let pending = match &target.current {
        Some(c) => ctx.store.head_reflog_since(c.reflog_offset)?.0.len(),
        None => 0,
    };
    if args.json {
        return print_json(&serde_json::json!({
            "session": target.head.header,
            "commit": target.head.commit.to_string(),
            "current": target.current.is_some(),
            "unrecorded_reflog_entries": pending,
        }));
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    out(&tldr(&target.head.header, palette));
    if pending > 0 {
        out(&format!(
            "  ({pending} HEAD move(s) not recorded yet; the next command records them)\n"
        ));
    }
    Ok(())
}
