//! `git session intent`: state the goal of the next stretch of edits.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{esc_line, out, short_id};

/// Arguments of `git session intent` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// What you are about to do.
    pub text: String,
    /// The files the intent is going to touch: git pathspecs, as `git add`
    /// reads them (globs, `dir/`, `:(exclude)…`), relative to the current
    /// directory. Each commit made under the intent is then judged
    /// consistent (only these), flagged (others too) or unresolved (no
    /// scope) in `log`, `summarize` and `context`; `hooks install --verify`
    /// checks a commit before it is made.
    #[arg(long, value_name = "PATHSPEC", num_args = 1.., action = clap::ArgAction::Append)]
    pub writes: Vec<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let landed = ops::intent(&ui.engine, &args.text, &args.writes)?;
    if args.json {
        return print_json(&landed);
    }
    let tree = landed.header.latest_snapshot.as_ref().map_or("", |t| t.as_str());
    out(&format!(
        "Intent recorded in '{}' (snapshot {}).\n",
        landed.name,
        short_id(tree)
    ));
    if !landed.header.scope.is_empty() {
        out(&format!("Scope: {}\n", esc_line(&landed.header.scope.join(" "))));
    }
    Ok(())
}
