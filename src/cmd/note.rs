//! `git session note`: notes, decisions, discoveries, blockers, next steps, progress.

use anyhow::Result;

use super::{non_empty, print_json, recorded_json, Ctx};
use crate::error::usage;
use crate::render::{item_id, out};
use crate::session::EventKind;

/// Arguments of `git session note` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The text.
    pub text: String,
    /// A decision that was made.
    #[arg(long, group = "kind")]
    pub decision: bool,
    /// Something learned about the code or the problem.
    #[arg(long, group = "kind")]
    pub discovery: bool,
    /// Something that stops progress (resolve it with `git session resolve`).
    #[arg(long, group = "kind")]
    pub blocker: bool,
    /// A next step.
    #[arg(long, group = "kind")]
    pub next: bool,
    /// Where the work stands.
    #[arg(long, group = "kind")]
    pub progress: bool,
    /// Why the decision was made (with --decision).
    #[arg(long)]
    pub rationale: Option<String>,
    /// An alternative that was considered (with --decision; repeatable).
    #[arg(long = "alternative")]
    pub alternatives: Vec<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let text = non_empty(&args.text, "the note")?;
    if !args.decision && (args.rationale.is_some() || !args.alternatives.is_empty()) {
        return Err(usage("--rationale and --alternative go with --decision"));
    }
    let kind = if args.decision {
        EventKind::Decision
    } else if args.discovery {
        EventKind::Discovery
    } else if args.blocker {
        EventKind::Blocker
    } else if args.next {
        EventKind::Next
    } else if args.progress {
        EventKind::Progress
    } else {
        EventKind::Note
    };
    let target = ctx.target()?;
    let mut event = ctx.event(kind)?.with("text", text.as_str());
    if let Some(r) = &args.rationale {
        event = event.with("rationale", r.as_str());
    }
    if !args.alternatives.is_empty() {
        event = event.with("alternatives", args.alternatives.clone());
    }
    let id = event.id.clone();
    let (head, events) = ctx.record(&target, vec![event])?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    let what = match kind {
        EventKind::Note => "Note",
        EventKind::Decision => "Decision",
        EventKind::Discovery => "Discovery",
        EventKind::Blocker => "Blocker",
        EventKind::Next => "Next step",
        _ => "Progress",
    };
    out(&format!(
        "{what} recorded in '{}' [{}].\n",
        head.header.name,
        item_id(&id)
    ));
    Ok(())
}
