//! `git session summarize`: a session in one dense description, as
//! terminal text, markdown for a pull request, or JSON.

use anyhow::{Context, Result};
use gix::ObjectId;

use super::{print_json, Ctx};
use crate::render::diff::changed_lines;
use crate::render::summary::{summary_markdown, summary_text};
use crate::render::{out, Palette};
use crate::store::SessionHead;
use crate::summary::{files_changed, fold, Summary};

/// Arguments of `git session summarize` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either (default: the current one).
    #[arg(id = "session_arg", value_name = "SESSION")]
    pub session: Option<String>,
    /// `text` (compact, for a terminal), `markdown` (a pull-request
    /// description) or `json` (the schema in docs/design.md).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "markdown", "json"])]
    pub format: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let head = ctx.named_or_target(args.session.as_deref())?;
    let summary = summarize(ctx, &head)?;
    match args.format.as_str() {
        "json" => print_json(&summary),
        "markdown" => {
            out(&summary_markdown(&summary));
            Ok(())
        }
        _ => {
            let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
            out(&summary_text(&summary, palette));
            Ok(())
        }
    }
}

/// The summary of `head`, files and functions included (what `handoff`
/// attaches as `summary.md`).
pub fn summarize(ctx: &Ctx, head: &SessionHead) -> Result<Summary> {
    let events: Vec<_> = ctx.store.events(head)?.into_iter().map(|e| e.event).collect();
    let mut summary = fold(&head.header, &events);
    if let (Some(base), Some(latest)) = (&summary.base_snapshot, &summary.latest_snapshot) {
        let tree = |id: &str| ObjectId::from_hex(id.as_bytes()).with_context(|| format!("invalid snapshot id {id}"));
        let changed = changed_lines(&ctx.store.repo, tree(base)?, tree(latest)?)?;
        summary.files = Some(files_changed(&changed));
    }
    Ok(summary)
}
