//! `git session start`: begin a session in this work tree.

use std::path::PathBuf;

use anyhow::Result;

use super::{print_json, Ctx};
use crate::error::fail_with_hint;
use crate::render::{out, short_id};
use crate::session::{normalize_name, EventKind, SessionHeader};
use crate::store::{Current, Listed, SessionHead, Store};

/// Arguments of `git session start` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A unique human name (spaces become dashes); default: `<branch>-<date>`.
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// What you set out to do.
    #[arg(long, short = 'i')]
    pub intent: Option<String>,
    /// Start the session in a new linked worktree at PATH, on a new branch
    /// from HEAD, leaving this work tree (and its session) alone.
    #[arg(long, value_name = "PATH")]
    pub worktree: Option<PathBuf>,
    /// With --worktree: the new branch (default: `session/<name>`).
    #[arg(long, short = 'b', value_name = "BRANCH", requires = "worktree")]
    pub branch: Option<String>,
    /// Print the new session as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let listed = ctx.store.list()?;
    let taken = |name: &str| {
        listed.iter().find_map(|l| match l {
            Listed::Ok(h) if h.name == name => Some(h.id.clone()),
            _ => None,
        })
    };
    let name = match &args.name {
        Some(raw) => {
            let name = normalize_name(raw).map_err(crate::error::fail)?;
            if let Some(id) = taken(&name) {
                return Err(fail_with_hint(
                    format!("a session named '{name}' exists already ({})", short_id(&id)),
                    format!("choose another --name, or continue it with `git session resume {name}`"),
                ));
            }
            name
        }
        None => default_name(ctx, &taken)?,
    };

    if let Some(path) = &args.worktree {
        return start_in_new_worktree(ctx, args, &name, path);
    }
    ctx.pause_current(None)?;
    let (head, events) = begin(ctx, &workdir, &name, args.intent.as_deref())?;
    if args.json {
        return print_json(&super::recorded_json(&head, &events));
    }
    let branch = head.header.branch.as_deref().unwrap_or("(detached HEAD)");
    out(&format!("Started session '{name}' ({}) on {branch}.\n", short_id(&head.id)));
    if let Some(tree) = &head.header.base_snapshot {
        ctx.say(format!("Snapshot of the work tree: {}", short_id(tree)));
    }
    Ok(())
}

/// Records the `start` event of a new session in the work tree of `ctx` and
/// makes it that work tree's current session.
fn begin(
    ctx: &Ctx,
    workdir: &std::path::Path,
    name: &str,
    intent: Option<&str>,
) -> Result<(SessionHead, Vec<crate::session::Event>)> {
    let id = crate::session::new_session_id();
    let mut event = ctx
        .snapshot_event(EventKind::Start)?
        .with("name", name)
        .with("worktree", workdir.display().to_string());
    if let Some(intent) = intent {
        event = event.with("text", super::non_empty(intent, "the intent")?);
    }
    let mut seed = SessionHeader::new(&id, name, &event);
    seed.worktree = Some(workdir.display().to_string());
    let (head, events) = ctx.store.append(&id, Some(&seed), &[event])?;
    ctx.store.set_current(&Current {
        session: id.clone(),
        reflog_offset: ctx.store.head_reflog_len(),
    })?;
    Ok((head, events))
}

/// `start --worktree PATH`: a linked worktree on a new branch from HEAD, and
/// the session started there. This work tree and its session stay as they are.
fn start_in_new_worktree(ctx: &Ctx, args: &Args, name: &str, path: &std::path::Path) -> Result<()> {
    let Some(commit) = ctx.store.head_state()?.commit else {
        return Err(fail_with_hint(
            "HEAD has no commit yet, so there is nothing to branch a worktree from",
            "make a first commit, or start the session here without --worktree",
        ));
    };
    let branch = args.branch.clone().unwrap_or_else(|| format!("session/{name}"));
    let dir = crate::store::worktree::add(&ctx.store.repo, path, &branch, commit)?;
    let there = Ctx {
        store: Store::discover(&dir)?,
        globals: ctx.globals.clone(),
    };
    let started = begin(&there, &dir, name, args.intent.as_deref());
    let (head, events) = match started {
        Ok(done) => done,
        Err(err) => {
            let _ = crate::store::worktree::remove(&ctx.store.repo, &dir);
            return Err(err);
        }
    };
    if args.json {
        let mut v = super::recorded_json(&head, &events);
        v["worktree"] = dir.display().to_string().into();
        v["branch"] = branch.as_str().into();
        return print_json(&v);
    }
    out(&format!(
        "Started session '{name}' ({}) in a new worktree on branch {branch}:\n  cd {}\n",
        short_id(&head.id),
        shell_quote(&dir.display().to_string())
    ));
    Ok(())
}

/// `path` quoted for a POSIX shell when it needs it.
fn shell_quote(path: &str) -> String {
    if path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@".contains(&b)) {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// `<branch>-<yyyy-mm-dd>`, with `-2`, `-3`, … when taken.
fn default_name(ctx: &Ctx, taken: &dyn Fn(&str) -> Option<String>) -> Result<String> {
    let branch = ctx.store.head_state()?.branch.unwrap_or_else(|| "detached".into());
    let (_, time) = ctx.store.identity()?;
    let date = crate::store::rfc3339(time);
    let base = format!("{}-{}", branch.replace('/', "-"), &date[..10.min(date.len())]);
    let base = normalize_name(&base).unwrap_or_else(|_| "session".into());
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name).is_some() {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}
