//! `git session list`: the sessions of this repository.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::render::{list_table, out, Palette};
use crate::store::{Listed, SessionSummary};

/// Arguments of `git session list` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Include closed and abandoned sessions.
    #[arg(long, short = 'a')]
    pub all: bool,
    /// Print a JSON array of session headers.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let listed = ctx.store.list()?;
    let current = ctx.store.current()?.map(|c| c.session);
    let mut shown: Vec<&SessionSummary> = Vec::new();
    let mut broken = Vec::new();
    for l in &listed {
        match l {
            Listed::Ok(h) if args.all || h.status.is_open() => shown.push(h),
            Listed::Ok(_) => {}
            Listed::Broken { refname, error, .. } => broken.push((refname, error)),
        }
    }
    for (refname, error) in &broken {
        eprintln!("warning: cannot read {refname}: {error}");
    }
    if args.json {
        let items: Vec<serde_json::Value> = shown
            .iter()
            .map(|h| {
                let mut v = serde_json::to_value(h).unwrap_or_default();
                v["current"] = (current.as_deref() == Some(h.id.as_str())).into();
                v
            })
            .collect();
        return print_json(&items);
    }
    if shown.is_empty() {
        ctx.say(if args.all {
            "No sessions yet; start one with `git session start`."
        } else {
            "No open sessions; `git session list --all` shows closed ones too."
        });
        return Ok(());
    }
    let palette = Palette::for_stdout(ctx.store.config_string("color.ui").as_deref());
    let here = ctx.store.repo.workdir().and_then(|w| std::fs::canonicalize(w).ok());
    let cwd = std::env::current_dir().unwrap_or_default();
    out(&list_table(&shown, current.as_deref(), here.as_deref(), &cwd, palette));
    Ok(())
}
