//! `git session log`: the session's timeline.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::render::{out, timeline, Palette};

/// Arguments of `git session log` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// Start each line with the event commit's id, a name `rewind`, `restore`
    /// and `diff` accept.
    #[arg(long)]
    pub ids: bool,
    /// Print a JSON array of `{commit, event}`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let head = ctx.named_or_target(args.session.as_deref())?;
    let events = ctx.store.events(&head)?;
    if args.json {
        let items: Vec<serde_json::Value> = events
            .iter()
            .map(|e| serde_json::json!({ "commit": e.commit.to_string(), "event": e.event }))
            .collect();
        return print_json(&items);
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    let ids: Vec<String> = events.iter().map(|e| e.commit.to_string()).collect();
    let events: Vec<_> = events.into_iter().map(|e| e.event).collect();
    out(&timeline(&events, args.ids.then_some(ids.as_slice()), palette));
    Ok(())
}
