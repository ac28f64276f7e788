//! `git session restore TARGET -- PATH…`: bring back only the named paths
//! from a snapshot, recorded like a rewind so `undo` can take it back.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Context, Result};
use bstr::{BString, ByteSlice};

use super::rewind::{carry_out, report, Report};
use super::Ctx;
use crate::error::fail;
use crate::rewind::{self, target, Scope};
use crate::session::EventKind;

/// Arguments of `git session restore` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `start`, a checkpoint label, an intent, an event id (or its last
    /// digits) or an event commit prefix.
    pub target: String,
    /// The files or directories to bring back (relative to the current directory).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print what would change and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let target = ctx.target()?;
    let events = ctx.store.events(&target.head)?;
    let point = target::find(&events, &args.target)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let paths = args
        .paths
        .iter()
        .map(|p| super::repo_path(&workdir, &cwd, p))
        .collect::<Result<Vec<_>>>()?;

    let (event, capture) = ctx.snapshot_event_with_capture(EventKind::Restore)?;
    let repo = &ctx.store.repo;
    for (path, arg) in paths.iter().zip(&args.paths) {
        if !path.is_empty() && !exists(repo, capture.tree, path)? && !exists(repo, point.tree, path)? {
            return Err(fail(format!(
                "'{}' is neither in {} nor in the work tree; nothing was changed",
                arg.display(),
                point.describe()
            )));
        }
    }
    let scope = Scope::Paths(paths.iter().cloned().collect::<HashSet<_>>());
    let plan = rewind::plan(repo, capture.tree, point.tree, &scope)?;
    let shown: Vec<String> = paths
        .iter()
        .map(|p| {
            if p.is_empty() {
                ".".to_owned()
            } else {
                p.to_str_lossy().into_owned()
            }
        })
        .collect();
    let what = format!("{} from {}", shown.join(", "), point.describe());
    if args.dry_run {
        return report(ctx, &Report::dry("restore", &what, &plan, None), args.json);
    }
    if plan.is_empty() {
        return report(ctx, &Report::nothing("restore", &what, &plan), args.json);
    }
    let event = event
        .with("text", what.as_str())
        .with("target", point.event.id.as_str())
        .with("target_commit", point.commit.to_string())
        .with("to", point.tree.to_string())
        .with("paths", shown);
    let done = carry_out(ctx, &target, event, capture.index_tree, &plan, None, None)?;
    report(ctx, &Report::done("restore", &what, &plan, None, &done), args.json)
}

/// True when `tree` holds `path` (a file or a directory).
fn exists(repo: &gix::Repository, tree: gix::ObjectId, path: &BString) -> Result<bool> {
    let tree = repo.find_tree(tree).context("cannot read a snapshot")?;
    Ok(tree.lookup_entry(path.split_str("/"))?.is_some())
}
