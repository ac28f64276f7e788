//! `git session context`: the onboarding brief for whoever continues a
//! session, a coding agent or a person, within a character budget.
//!
//! Sections go in order of importance (TL;DR, key decisions, what changed,
//! recent commits, discoveries, the project's own context files), each item
//! newest first; when the budget runs out, a section ends with how many
//! items were left out, and later sections are dropped whole.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ContextInput};
use crate::render::out;

/// Arguments of `git session context` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// At most this many characters (default: `session.contextLimit`, else 10000).
    #[arg(long, value_name = "N")]
    pub max_chars: Option<usize>,
    /// Print the sections as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let brief = ops::context(
        &ui.engine,
        &ContextInput {
            session: args.session.clone(),
            max_chars: args.max_chars,
        },
    )?;
    if args.json {
        return print_json(&brief);
    }
    out(&brief.render());
    Ok(())
}
