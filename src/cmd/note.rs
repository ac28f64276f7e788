//! `git session note`: notes, decisions, discoveries, blockers, next steps, progress.

use anyhow::Result;

use super::{print_json, Ui};
use crate::error::usage;
use crate::ops::{self, NoteInput, NoteKind};
use crate::render::{item_id, out};

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

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    if !args.decision && (args.rationale.is_some() || !args.alternatives.is_empty()) {
        return Err(usage("--rationale and --alternative go with --decision"));
    }
    let kind = if args.decision {
        NoteKind::Decision {
            rationale: args.rationale.clone(),
            alternatives: args.alternatives.clone(),
        }
    } else if args.discovery {
        NoteKind::Discovery
    } else if args.blocker {
        NoteKind::Blocker
    } else if args.next {
        NoteKind::Next
    } else if args.progress {
        NoteKind::Progress
    } else {
        NoteKind::Note
    };
    let what = kind.title();
    let landed = ops::note(
        &ui.engine,
        &NoteInput {
            kind,
            text: args.text.clone(),
        },
    )?;
    if args.json {
        return print_json(&landed);
    }
    let id = landed.events.last().map_or("", |e| item_id(&e.id));
    out(&format!("{what} recorded in '{}' [{id}].\n", landed.name));
    Ok(())
}
