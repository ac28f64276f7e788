//! `git session export`: a whole session as one document, to read or to
//! archive outside git: markdown (the TL;DR and every event) or JSON (the
//! header and every event, loss-free).

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ui;
use crate::ops::{self, Exported};
use crate::render::{esc_line, out, short_time, tldr, Palette};

/// Arguments of `git session export` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// `markdown` or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    pub format: String,
    /// Export as JSON (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let exported = ops::export(&ui.engine, args.session.as_deref())?;
    let text = if args.json || args.format == "json" {
        let mut text = serde_json::to_string_pretty(&exported)?;
        text.push('\n');
        text
    } else {
        markdown(&exported)
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
            ui.say(format!("Wrote {} ({} events).", path.display(), exported.events.len()));
        }
        None => out(&text),
    }
    Ok(())
}

/// The TL;DR and every event, one line each.
fn markdown(exported: &Exported) -> String {
    let mut s = format!(
        "# Session {}\n\n```\n{}```\n\n## Events\n\n",
        exported.session.name,
        tldr(&exported.session, Palette::PLAIN)
    );
    for e in &exported.events {
        let ev = &e.event;
        let summary = ev.summary();
        s.push_str(&format!(
            "- **{}** {} — {} (`{}`)\n",
            esc_line(ev.kind()),
            short_time(&ev.time),
            esc_line(summary.lines().next().unwrap_or("")),
            crate::session::text::prefix(&e.commit, 10)
        ));
        let mut rest: Vec<String> = summary
            .lines()
            .skip(1)
            .map(|l| format!("  > {}", esc_line(l)))
            .collect();
        if let crate::session::Body::Decision(d) = &ev.body {
            if let Some(r) = &d.rationale {
                rest.push(format!("  - rationale: {}", esc_line(r)));
            }
            for a in &d.alternatives {
                rest.push(format!("  - alternative: {}", esc_line(a)));
            }
        }
        for line in rest {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}
