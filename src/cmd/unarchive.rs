//! `git session unarchive`: bring archived sessions back.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{esc_line, out, short_id};

/// Arguments of `git session unarchive` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Archived sessions: id, name, or a unique prefix of either.
    #[arg(value_name = "SESSION", required = true)]
    pub sessions: Vec<String>,
    /// Print what was brought back as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let back = ops::unarchive(&ui.engine, &args.sessions)?;
    if args.json {
        return print_json(&back);
    }
    let mut text = String::new();
    for s in &back.sessions {
        text.push_str(&format!(
            "Unarchived '{}' ({}, {}).\n",
            esc_line(&s.name),
            short_id(&s.id),
            s.status.as_str()
        ));
    }
    out(&text);
    Ok(())
}
