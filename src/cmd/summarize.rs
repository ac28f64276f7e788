//! `git session summarize`: a session in one dense description, as
//! terminal text, markdown for a pull request, or JSON.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::out;
use crate::summary::{summary_markdown, summary_text};

/// Arguments of `git session summarize` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// `text` (compact, for a terminal), `markdown` (a pull-request
    /// description) or `json` (the schema in docs/design.md).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "markdown", "json"])]
    pub format: String,
    /// Print the summary as JSON (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let summary = ops::summarize(&ui.engine, args.session.as_deref())?;
    let format = if args.json { "json" } else { args.format.as_str() };
    match format {
        "json" => print_json(&summary),
        "markdown" => {
            out(&summary_markdown(&summary));
            Ok(())
        }
        _ => {
            out(&summary_text(&summary, ui.palette()));
            Ok(())
        }
    }
}
