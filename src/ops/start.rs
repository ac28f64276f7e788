//! Beginning sessions: `start` (here or in a new linked worktree) and `fork`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{non_empty, Engine, Landed};
use crate::error::{fail, fail_with_hint};
use crate::render::short_id;
use crate::session::event::{Fork, Start};
use crate::session::task::check_tasks;
use crate::session::{normalize_name, Body, SessionHeader, SessionId, Status};
use crate::store::Store;

/// What to start.
#[derive(Clone, Debug, Default)]
pub struct StartInput {
    /// A unique human name (spaces become dashes); default `<branch>-<date>`.
    pub name: Option<String>,
    /// What the session sets out to do.
    pub intent: Option<String>,
    /// Start it in a new linked worktree at this path (relative to the
    /// current directory), on a new branch from HEAD.
    pub worktree: Option<PathBuf>,
    /// With `worktree`: the new branch (default `session/<name>`).
    pub branch: Option<String>,
    /// The coding agent's session it is started for (agent hooks, MCP), bound to it.
    pub agent: Option<crate::session::event::AgentRef>,
    /// The tasks it works on (issue-tracker ids or any tokens, `--task`).
    pub tasks: Vec<String>,
}

/// A session started.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Started {
    #[serde(flatten)]
    pub landed: Landed,
    /// The new linked worktree, when started in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// The branch of the new linked worktree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The session that was current here and got paused.
    #[serde(skip)]
    pub paused: Option<String>,
}

/// Starts a session: a `start` event with a snapshot of the work tree,
/// made the work tree's current session (the one current before is paused).
pub fn start(engine: &Engine, input: &StartInput) -> Result<Started> {
    let workdir = engine.store.workdir()?.to_owned();
    // Names differing only by case would be one on a file system that
    // folds case, and to a person reading a list. The name index answers
    // without listing every session.
    let taken = |name: &str| engine.store.name_taken(name, None);
    let name = match &input.name {
        Some(raw) => {
            let name = normalize_name(raw).map_err(fail)?;
            if let Some((id, existing)) = taken(&name)? {
                return Err(fail_with_hint(
                    format!("{} ({})", super::name_taken(&existing, &name), short_id(&id)),
                    format!("choose another --name, or continue it with `git session resume {existing}`"),
                ));
            }
            name
        }
        None => default_name(&engine.store, &|n| taken(n).map(|t| t.is_some()))?,
    };
    let intent = input
        .intent
        .as_deref()
        .map(|i| non_empty(i, "the intent"))
        .transpose()?;
    let tasks = check_tasks(&input.tasks).map_err(fail)?;
    if let Some(path) = &input.worktree {
        return start_in_new_worktree(engine, &name, intent, tasks, path, input.branch.as_deref());
    }
    let paused = engine.pause_current(None)?;
    let landed = begin(engine, &workdir, &name, intent, tasks, input.agent.clone())?;
    Ok(Started {
        landed,
        worktree: None,
        branch: None,
        paused,
    })
}

/// Records the `start` event of a new session in the work tree of `engine`
/// and makes it that work tree's current session.
fn begin(
    engine: &Engine,
    workdir: &Path,
    name: &str,
    intent: Option<String>,
    tasks: Vec<String>,
    agent: Option<crate::session::event::AgentRef>,
) -> Result<Landed> {
    let id = SessionId::generate();
    let agent_ref = agent.clone();
    let (event, _) = engine.snapshot_event(Body::Start(Start {
        name: name.to_owned(),
        worktree: Some(workdir.display().to_string()),
        text: intent,
        agent,
        tasks,
        snapshot: None,
    }))?;
    let mut seed = SessionHeader::new(&id, name, &event);
    seed.worktree = Some(workdir.display().to_string());
    let (head, events) = engine.store.append(&id, Some(&seed), &[event])?;
    engine.make_current(&id)?;
    if let Some(agent) = &agent_ref {
        engine.store.bind_agent(&agent.name, &agent.session, &id, true)?;
    }
    Ok(Landed::new(&head, events))
}

/// `start --worktree PATH`: a linked worktree on a new branch from HEAD, and
/// the session started there. This work tree and its session stay as they are.
fn start_in_new_worktree(
    engine: &Engine,
    name: &str,
    intent: Option<String>,
    tasks: Vec<String>,
    path: &Path,
    branch: Option<&str>,
) -> Result<Started> {
    let Some(commit) = engine.store.head_state()?.commit else {
        return Err(fail_with_hint(
            "HEAD has no commit yet, so there is nothing to branch a worktree from",
            "make a first commit, or start the session here without --worktree",
        ));
    };
    let branch = branch.map_or_else(|| format!("session/{name}"), str::to_owned);
    let path = engine.cwd.join(path);
    let dir = crate::store::worktree::add(&engine.store, &path, &branch, commit)?;
    let mut store = Store::discover(&dir)?;
    store.set_warnings(engine.store.warnings());
    let there = Engine {
        store,
        session: engine.session.clone(),
        progress: engine.progress,
        cwd: dir.clone(),
    };
    let landed = match begin(&there, &dir, name, intent, tasks, None) {
        Ok(landed) => landed,
        Err(err) => {
            let _ = crate::store::worktree::remove(&engine.store, &dir);
            return Err(err);
        }
    };
    engine.store.register_worktree(&landed.session, &dir)?;
    Ok(Started {
        landed,
        worktree: Some(dir.display().to_string()),
        branch: Some(branch),
        paused: None,
    })
}

/// `<branch>-<yyyy-mm-dd>`, with `-2`, `-3`, … when taken.
fn default_name(store: &Store, taken: &dyn Fn(&str) -> Result<bool>) -> Result<String> {
    let branch = store.head_state()?.branch.unwrap_or_else(|| "detached".into());
    let (_, time) = store.identity()?;
    let base = format!("{}-{}", branch.replace('/', "-"), time.date());
    let base = normalize_name(&base).unwrap_or_else(|_| "session".into());
    first_free(&base, taken)
}

/// `base`, or `base-2`, `base-3`, … whichever is not taken first.
fn first_free(base: &str, taken: &dyn Fn(&str) -> Result<bool>) -> Result<String> {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken(&name)? {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}

/// What to fork.
#[derive(Clone, Debug, Default)]
pub struct ForkInput {
    /// The new session's name (default `<name>-fork`).
    pub name: Option<String>,
    /// The fork's tasks; empty: its parent's.
    pub tasks: Vec<String>,
}

/// A session forked from the target one.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Forked {
    #[serde(flatten)]
    pub landed: Landed,
    /// The session forked from.
    #[serde(skip)]
    pub from: String,
    /// The session forked from, when it was active and got paused.
    #[serde(skip)]
    pub paused: Option<String>,
}

/// Forks a new session that inherits the target session's state (intent,
/// objectives, blockers, next steps, base snapshot) and makes it current.
pub fn fork(engine: &Engine, input: &ForkInput) -> Result<Forked> {
    let workdir = engine.store.workdir()?.to_owned();
    let source = engine.target()?;
    let tasks = check_tasks(&input.tasks).map_err(fail)?;
    let taken = |n: &str| engine.store.name_taken(n, None);
    let name = match &input.name {
        Some(raw) => {
            let name = normalize_name(raw).map_err(fail)?;
            if let Some((_, existing)) = taken(&name)? {
                return Err(fail_with_hint(
                    super::name_taken(&existing, &name),
                    "choose another --name",
                ));
            }
            name
        }
        None => first_free(&format!("{}-fork", source.head.header.name), &|n| {
            taken(n).map(|t| t.is_some())
        })?,
    };

    let from = source.head.clone();
    let mut paused = None;
    if from.header.status == Status::Active {
        let (head, _) = engine.store.record(&source, vec![engine.event(Body::Pause)?])?;
        paused = Some(head.header.name);
    }
    let id = SessionId::generate();
    let (event, _) = engine.snapshot_event(Body::Fork(Fork {
        name: name.clone(),
        from_session: Some(from.id.clone()),
        from_event: Some(from.header.last_event.clone()),
        worktree: Some(workdir.display().to_string()),
        tasks: if tasks.is_empty() {
            from.header.tasks.clone()
        } else {
            tasks
        },
        snapshot: None,
    }))?;
    let mut seed = SessionHeader::new(&id, &name, &event);
    seed.worktree = Some(workdir.display().to_string());
    seed.intent = from.header.intent.clone();
    seed.objectives = from.header.objectives.clone();
    seed.blockers = from.header.blockers.clone();
    seed.next = from.header.next.clone();
    seed.progress = from.header.progress.clone();
    seed.checkpoint = from.header.checkpoint.clone();
    // The fork's work starts at the fork: its parent's files are not its own
    // (base commit and base snapshot are the fork event's).
    seed.clock = from.header.clock;
    let (head, events) = engine.store.append(&id, Some(&seed), &[event])?;
    engine.make_current(&id)?;
    Ok(Forked {
        landed: Landed::new(&head, events),
        from: from.header.name,
        paused,
    })
}
