//! `git session claim PATH…`: an advisory claim on paths, so that `who`
//! shows them and other sessions' checkpoints warn when they touch them.

use anyhow::{Context, Result};

use super::{print_json, recorded_json, Ctx};
use crate::render::out;
use crate::session::EventKind;

/// Arguments of `git session claim` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (relative to the current directory).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Print the recorded event as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let paths = args
        .paths
        .iter()
        .map(|p| super::repo_path(&workdir, &cwd, p).map(|b| b.to_string()))
        .collect::<Result<Vec<_>>>()?;
    let target = ctx.target()?;
    let event = ctx.event(EventKind::Claim)?.with("paths", paths.clone());
    let (head, events) = ctx.record(&target, vec![event])?;
    ctx.store.register_claims(&head.id, &head.header.claims)?;
    for (other, claimed, path) in super::who::claimed_by_others(ctx, &head.id, &paths)? {
        eprintln!("warning: session '{other}' claimed {claimed} already (it covers {path})");
    }
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!("Claimed {} in '{}'.\n", paths.join(", "), head.header.name));
    Ok(())
}
