//! `git session start`: begin a session in this work tree.

use anyhow::Result;

use super::{print_json, Ctx};
use crate::error::fail_with_hint;
use crate::render::{out, short_id};
use crate::session::{normalize_name, EventKind, SessionHeader};
use crate::store::{Current, Listed};

/// Arguments of `git session start` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A unique human name (spaces become dashes); default: `<branch>-<date>`.
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// What you set out to do.
    #[arg(long, short = 'i')]
    pub intent: Option<String>,
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

    ctx.pause_current(None)?;

    let id = crate::session::new_session_id();
    let mut event = ctx
        .snapshot_event(EventKind::Start)?
        .with("name", name.as_str())
        .with("worktree", workdir.display().to_string());
    if let Some(intent) = &args.intent {
        event = event.with("text", super::non_empty(intent, "the intent")?);
    }
    let mut seed = SessionHeader::new(&id, &name, &event);
    seed.worktree = Some(workdir.display().to_string());
    let (head, events) = ctx.store.append(&id, Some(&seed), &[event])?;
    ctx.store.set_current(&Current {
        session: id.clone(),
        reflog_offset: ctx.store.head_reflog_len(),
    })?;

    if args.json {
        return print_json(&super::recorded_json(&head, &events));
    }
    let branch = head.header.branch.as_deref().unwrap_or("(detached HEAD)");
    out(&format!("Started session '{name}' ({}) on {branch}.\n", short_id(&id)));
    if let Some(tree) = &head.header.base_snapshot {
        ctx.say(format!("Snapshot of the work tree: {}", short_id(tree)));
    }
    Ok(())
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
