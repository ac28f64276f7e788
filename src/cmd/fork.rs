//! `git session fork`: branch off a new session that inherits the state.

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::error::fail_with_hint;
use crate::render::{out, short_id};
use crate::session::{normalize_name, EventKind, SessionHeader, Status};
use crate::store::{Current, Listed};

/// Arguments of `git session fork` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Name of the new session (default: `<name>-fork`).
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// Print the new session as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let workdir = ctx.store.workdir()?.to_owned();
    let source = ctx.target()?;
    let listed = ctx.store.list()?;
    let taken = |n: &str| listed.iter().any(|l| matches!(l, Listed::Ok(h) if h.name == n));
    let name = match &args.name {
        Some(raw) => {
            let name = normalize_name(raw).map_err(crate::error::fail)?;
            if taken(&name) {
                return Err(fail_with_hint(
                    format!("a session named '{name}' exists already"),
                    "choose another --name",
                ));
            }
            name
        }
        None => {
            let base = format!("{}-fork", source.head.header.name);
            let mut name = base.clone();
            let mut n = 2;
            while taken(&name) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        }
    };

    let from = source.head.clone();
    if from.header.status == Status::Active {
        let (paused, _) = ctx.record(&source, vec![ctx.event(EventKind::Pause)?])?;
        ctx.say(format!("Paused session '{}'.", paused.header.name));
    }
    let id = crate::session::new_session_id();
    let event = ctx
        .snapshot_event(EventKind::Fork)?
        .with("name", name.as_str())
        .with("from_session", from.id.as_str())
        .with("from_event", from.header.last_event.as_str())
        .with("worktree", workdir.display().to_string());
    let mut seed = SessionHeader::new(&id, &name, &event);
    seed.worktree = Some(workdir.display().to_string());
    seed.intent = from.header.intent.clone();
    seed.objectives = from.header.objectives.clone();
    seed.blockers = from.header.blockers.clone();
    seed.next = from.header.next.clone();
    seed.progress = from.header.progress.clone();
    seed.checkpoint = from.header.checkpoint.clone();
    seed.base_commit = from.header.base_commit.clone();
    seed.base_snapshot = from.header.base_snapshot.clone();
    seed.clock = from.header.clock;
    let (head, events) = ctx.store.append(&id, Some(&seed), &[event])?;
    ctx.store.set_current(&Current {
        session: id.clone(),
        reflog_offset: ctx.store.head_reflog_len(),
    })?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!(
        "Forked '{}' into '{name}' ({}).\n",
        from.header.name,
        short_id(&id)
    ));
    Ok(())
}
