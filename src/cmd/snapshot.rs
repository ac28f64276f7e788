//! `git session snapshot`: a cheap pre-edit snapshot.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::error::fail;
use crate::render::{out, short_id};
use crate::session::EventKind;

/// Arguments of `git session snapshot` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files about to be edited, relative to the current directory.
    pub paths: Vec<PathBuf>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let cwd = std::env::current_dir()?;
    let mut paths = Vec::new();
    for p in &args.paths {
        paths.push(repo_relative(&workdir, &cwd, p)?);
    }
    let target = ctx.target()?;
    let event = ctx.snapshot_event(EventKind::Snapshot)?.with("paths", paths);
    let (head, events) = ctx.record(&target, vec![event])?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    let tree = head.header.latest_snapshot.as_deref().unwrap_or("");
    out(&format!(
        "Snapshot {} recorded in '{}'.\n",
        short_id(tree),
        head.header.name
    ));
    Ok(())
}

/// `path` (relative to `cwd`, or absolute) as a `/`-separated path relative to
/// the work tree; refused when it lies outside.
fn repo_relative(workdir: &Path, cwd: &Path, path: &Path) -> Result<String> {
    let outside = || {
        fail(format!(
            "{} is outside the work tree {}",
            path.display(),
            workdir.display()
        ))
    };
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_owned());
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_owned());
    let mut normal = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let rel = normal.strip_prefix(&workdir).map_err(|_| outside())?;
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}
