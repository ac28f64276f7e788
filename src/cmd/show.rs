//! `git session show`: one session in detail.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::render::{header_details, out, timeline, Palette};

/// Arguments of `git session show` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// How many recent events to show.
    #[arg(long, default_value_t = 10)]
    pub events: usize,
    /// Print the header and the recent events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let head = ctx.named_or_target(args.session.as_deref())?;
    let events = ctx.store.events(&head)?;
    let recent = &events[events.len().saturating_sub(args.events)..];
    if args.json {
        let recent: Vec<serde_json::Value> = recent
            .iter()
            .map(|e| serde_json::json!({ "commit": e.commit.to_string(), "event": e.event }))
            .collect();
        return print_json(&serde_json::json!({
            "id": head.id,
            "commit": head.commit.to_string(),
            "header": head.header,
            "recent_events": recent,
        }));
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    let mut text = header_details(&head.header, palette);
    if !recent.is_empty() {
        text.push_str(&format!("\nLast {} event(s):\n", recent.len()));
        let recent: Vec<_> = recent.iter().map(|e| e.event.clone()).collect();
        text.push_str(&timeline(&recent, None, palette));
    }
    out(&text);
    Ok(())
}
