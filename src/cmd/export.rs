//! `git session export`: a whole session as one document, to read or to
//! archive outside git: markdown (the TL;DR and every event) or JSON (the
//! header and every event, loss-free).

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ctx;
use crate::render::{out, short_time, tldr, Palette};

/// Arguments of `git session export` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// `markdown` or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    pub format: String,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let head = ctx.named_or_target(args.session.as_deref())?;
    let events = ctx.store.events(&head)?;
    let text = if args.format == "json" {
        let events: Vec<serde_json::Value> = events
            .iter()
            .map(|e| serde_json::json!({ "commit": e.commit.to_string(), "event": e.event }))
            .collect();
        let mut text = serde_json::to_string_pretty(&serde_json::json!({
            "format": crate::session::FORMAT,
            "session": head.header,
            "head": head.commit.to_string(),
            "events": events,
        }))?;
        text.push('\n');
        text
    } else {
        let mut s = format!(
            "# Session {}\n\n```\n{}```\n\n## Events\n\n",
            head.header.name,
            tldr(&head.header, Palette::PLAIN)
        );
        for e in &events {
            let ev = &e.event;
            let summary = ev.summary();
            s.push_str(&format!(
                "- **{}** {} — {} (`{}`)\n",
                ev.kind,
                short_time(&ev.time),
                summary.lines().next().unwrap_or("").replace('\n', " "),
                &e.commit.to_string()[..10]
            ));
            let mut rest: Vec<String> = summary.lines().skip(1).map(|l| format!("  > {l}")).collect();
            if let Some(r) = ev.str_field("rationale") {
                rest.push(format!("  - rationale: {r}"));
            }
            for a in ev.str_list("alternatives") {
                rest.push(format!("  - alternative: {a}"));
            }
            for line in rest {
                s.push_str(&line);
                s.push('\n');
            }
        }
        s
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
            ctx.say(format!("Wrote {} ({} events).", path.display(), events.len()));
        }
        None => out(&text),
    }
    Ok(())
}
