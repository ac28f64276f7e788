//! The engine: one function per user-visible operation, with typed input
//! and a typed, serde-serialisable result — the very value `--json` prints
//! and an MCP tool returns. Operations print nothing and never exit; the
//! front ends (the CLI in `cmd`, agent hooks, an MCP server) parse their
//! input, call one operation and render its result.
//!
//! An operation talks to the [`Store`] (sessions, the user's repository) and
//! to the machinery below it (`rewind`, `remote`, `summary`); it never names
//! gix. Warnings that do not stop an operation (a file left out of a
//! snapshot, a stale lock removed) go to the sink the front end gave
//! [`Engine::open`].

mod agent;
mod hooks;
mod knowledge;
mod listing;
mod plan;
mod recording;
mod remote;
mod resume;
mod retain;
mod rewind;
mod start;
mod status;
mod trials;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::{fail, fail_with_hint};
use crate::session::{Body, Event, SessionHeader, SessionId, Status};
use crate::store::{Current, SessionHead, Store, Target};

pub use agent::{
    agent_begin, agent_compact, agent_end, agent_hooks_enabled, agent_plan, agent_pre_edit, agent_prompt,
    agent_session, agent_stop, agent_tool, is_continuation, AgentBegun, AgentCall, BeginSource, PreEdited,
    PromptRecorded, Transcript,
};
pub use hooks::{
    hook_commit_msg, hook_post_commit, hook_prepare_commit_msg, hooks_install, hooks_status, hooks_uninstall,
    HookReport, HookStatus, HooksStatus, OutOfScope, VerifyMode,
};
pub use knowledge::{context, summarize, ContextInput};
pub use listing::{
    history, list, list_remote, list_task, report, who, History, HistoryRow, ListedSession, Listing, RemoteListing,
    RemoteSession, Report, ReportPeriod, Zone, REMOTE_LIST_LIMIT,
};
pub use listing::{point_names, remote_names, session_names};
pub use plan::{
    plan_diff, plan_set, plan_show, plan_step, step_line, PlanDiff, PlanDiffInput, PlanRecorded, PlanSetInput,
    PlanShowInput, PlanShown, PlanStepInput, PlanVersion,
};
pub use recording::{
    checkpoint, claim, close, intent, note, objective_add, objective_done, objectives, pause, rename, resolve,
    snapshot, Claimed, CloseInput, Closed, NoteInput, NoteKind,
};
pub use remote::{
    fetch, handoff, hook_pre_push, push, remote_setup, sync, Fetched, FetchedSession, HandedOff, HandoffInput,
    PushInput, Pushed, RemoteSetup, Synced,
};
pub use resume::{resume, ConfirmFastForward, ResumeInput, Resumed};
pub use retain::{
    archive, archived, gc, unarchive, ArchiveInput, Archived, Collected, GcInput, RetainedSession, SquashedSession,
};
pub use rewind::{diff, diff_files, restore, rewind, undo, DiffFile, DiffInput, Difference, RewindInput, Rewound};
pub use start::{fork, start, ForkInput, Forked, StartInput, Started};
pub use status::{export, log, show, status, Exported, Log, LoggedEvent, Shown, StatusReport};
pub use trials::{
    compare, promote, ClosedTrial, CompareInput, Compared, PromoteInput, Promoted, PromotedCommit, TrialDiff, TrialSide,
};

pub use crate::diff::DiffFormat;
pub use crate::remote::policy::{PushReport, PushResult};
pub use crate::rewind::commits::Mode as CommitsMode;
pub use crate::store::hooks::{HookChange, BLOCK_STATUS, CHAINED_SUFFIX};
pub use crate::store::merge::Merged;

/// How a front end opens the engine.
pub struct Options {
    /// Act on this session (id, name or unique prefix) instead of the work
    /// tree's current one (`-s/--session`).
    pub session: Option<String>,
    /// Show the progress of transfers (on a terminal).
    pub progress: bool,
    /// Where warnings go.
    pub warnings: std::rc::Rc<dyn Fn(&str)>,
}

/// The repository an operation runs against, and the options of the front end.
pub struct Engine {
    store: Store,
    session: Option<String>,
    progress: bool,
    /// The directory paths given by the user are relative to.
    cwd: PathBuf,
}

impl Engine {
    /// Opens the repository containing `dir` (honouring `GIT_DIR` and the
    /// other variables git honours).
    pub fn open(dir: &Path, options: Options) -> Result<Engine> {
        let mut store = Store::discover(dir)?;
        store.set_warnings(options.warnings);
        let cwd = if dir.is_absolute() {
            dir.to_owned()
        } else {
            std::env::current_dir()
                .context("cannot read the current directory")?
                .join(dir)
        };
        Ok(Engine {
            store,
            session: options.session,
            progress: options.progress,
            cwd,
        })
    }

    /// git's `color.ui`, for the front end's choice of colours.
    pub fn color_ui(&self) -> Option<String> {
        self.store.config_string("color.ui")
    }

    /// The work tree, if there is one.
    pub fn workdir(&self) -> Option<&Path> {
        self.store.workdir().ok()
    }

    /// This work tree's private directory (`<git dir>/aura`): state of the
    /// front ends that belongs to this work tree alone and never travels.
    pub fn private_dir(&self) -> PathBuf {
        self.store.private_dir()
    }

    /// The directory relative paths are read from.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    fn warn(&self, text: &str) {
        self.store.warn(text);
    }

    /// The session named by `--session`, else this work tree's current one.
    fn target(&self) -> Result<Target> {
        let current = self.store.current()?;
        if let Some(spec) = &self.session {
            let head = self.store.resolve(spec)?;
            let current = current.filter(|c| c.session == head.id);
            return Ok(Target { head, current });
        }
        let Some(current) = current else {
            return Err(fail_with_hint(
                "no current session in this work tree",
                "start one with `git session start`, or resume one with `git session resume <session>`",
            ));
        };
        match self.store.head(&current.session)? {
            Some(head) => Ok(Target {
                head,
                current: Some(current),
            }),
            None => Err(fail_with_hint(
                format!("the current session {} no longer exists", current.session),
                "start a new one with `git session start`",
            )),
        }
    }

    /// [`Engine::target`] with what HEAD's reflog shows since the last
    /// command recorded first, for operations that read the log to act on
    /// the session's commits and on what arrived from elsewhere.
    fn target_caught_up(&self) -> Result<Target> {
        let target = self.target()?;
        if target.current.is_none() {
            return Ok(target);
        }
        let (head, _) = self.store.record(&target, Vec::new())?;
        let current = self.store.current()?.filter(|c| c.session == head.id);
        Ok(Target { head, current })
    }

    /// The session `spec` names (or the target when none is named), ready to record into.
    fn target_for(&self, spec: Option<&str>) -> Result<Target> {
        let Some(spec) = spec else {
            return self.target();
        };
        let head = self.store.resolve(spec)?;
        let current = self.store.current()?.filter(|c| c.session == head.id);
        Ok(Target { head, current })
    }

    /// The session `spec` names, or the target when none is named.
    fn named_or_target(&self, spec: Option<&str>) -> Result<SessionHead> {
        match spec {
            Some(spec) => self.store.resolve(spec),
            None => Ok(self.target()?.head),
        }
    }

    /// Pauses this work tree's current session (unless it is `keep`) when it
    /// is active, so that one work tree has one active session. Returns the
    /// name of the session paused.
    fn pause_current(&self, keep: Option<&SessionId>) -> Result<Option<String>> {
        let Some(current) = self.store.current()?.filter(|c| Some(&c.session) != keep) else {
            return Ok(None);
        };
        // A current session that cannot be read (damaged, from a newer
        // version) does not keep the work tree from moving on.
        let head = match self.store.head(&current.session) {
            Ok(Some(head)) => head,
            Ok(None) => return Ok(None),
            Err(err) => {
                self.warn(&format!(
                    "the current session {} cannot be read, so it was not paused: {err:#}",
                    current.session
                ));
                return Ok(None);
            }
        };
        if head.header.status != Status::Active {
            return Ok(None);
        }
        let target = Target {
            head,
            current: Some(current),
        };
        let (head, _) = self.store.record(&target, vec![self.store.stamp(Body::Pause)?])?;
        Ok(Some(head.header.name))
    }

    /// A new event stamped with the user, the time, HEAD and branch.
    fn event(&self, body: Body) -> Result<Event> {
        self.store.stamp(body)
    }

    /// An event that carries a snapshot of the work tree; also the capture
    /// (for the index tree). Files left out of the snapshot are warned about.
    fn snapshot_event(&self, mut body: Body) -> Result<(Event, crate::snapshot::Capture)> {
        let capture = self.store.capture()?;
        let snapshot = self.store.snapshot_of(&capture)?;
        for s in &snapshot.skipped {
            self.warn(&format!(
                "left {} ({} bytes) out of the snapshot: it is untracked and larger than session.maxUntrackedSize",
                s.path, s.size
            ));
        }
        if let Some(slot) = body.snapshot_slot() {
            *slot = Some(snapshot);
        }
        Ok((self.event(body)?, capture))
    }

    /// Makes `id` this work tree's current session, reading HEAD's reflog from now on.
    fn make_current(&self, id: &SessionId) -> Result<()> {
        self.store
            .set_current(&Current::at(id.clone(), self.store.head_reflog_end()))
    }

    /// A path the user gave (relative to [`Engine::cwd`], or absolute) as a
    /// `/`-separated path relative to the work tree (empty for the work tree
    /// itself). Refuses paths outside it.
    fn repo_path(&self, arg: &Path) -> Result<String> {
        let workdir = self.store.workdir()?;
        let root = std::fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_owned());
        let mut full = PathBuf::new();
        let cwd = std::fs::canonicalize(&self.cwd).unwrap_or_else(|_| self.cwd.clone());
        for part in cwd.join(arg).components() {
            match part {
                std::path::Component::ParentDir => {
                    full.pop();
                }
                std::path::Component::CurDir => {}
                other => full.push(other),
            }
        }
        let rel = full
            .strip_prefix(&root)
            .or_else(|_| full.strip_prefix(workdir))
            .map_err(|_| {
                fail(format!(
                    "'{}' is outside the work tree {}",
                    arg.display(),
                    root.display()
                ))
            })?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// `remote`, else the default remote ([`Engine::default_remote`]).
    fn remote_or_default(&self, remote: Option<&str>) -> Result<String> {
        match remote {
            Some(r) => Ok(r.to_owned()),
            None => self.default_remote(),
        }
    }

    /// The remote sessions travel to and from when none is named:
    /// `session.remote`, else the current branch's upstream remote, else `origin`.
    fn default_remote(&self) -> Result<String> {
        if let Some(remote) = self.store.config_string("session.remote") {
            return Ok(remote);
        }
        if let Some(branch) = self.store.head_state()?.branch {
            if let Some(remote) = self.store.config_string(&format!("branch.{branch}.remote")) {
                if remote != "." {
                    return Ok(remote);
                }
            }
        }
        Ok("origin".to_owned())
    }
}

/// The result of the operations that record events: the session and the
/// events that landed (the `--json` of `note`, `checkpoint`, …).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Landed {
    pub session: SessionId,
    pub name: String,
    /// The session's head commit after the append.
    pub commit: String,
    pub events: Vec<Event>,
    /// The session's header after the append.
    #[serde(skip)]
    pub header: SessionHeader,
}

impl Landed {
    fn new(head: &SessionHead, events: Vec<Event>) -> Landed {
        Landed {
            session: head.id.clone(),
            name: head.header.name.clone(),
            commit: head.commit.to_string(),
            events,
            header: head.header.clone(),
        }
    }
}

/// Refuses an empty text argument.
fn non_empty(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(fail(format!("{what} cannot be empty")));
    }
    Ok(t.to_owned())
}

/// The refusal of a session name that is taken, naming the session that
/// has it as it is spelled (names differing only by case clash too).
fn name_taken(existing: &str, wanted: &str) -> String {
    if existing == wanted {
        format!("a session named '{existing}' exists already")
    } else {
        format!("a session named '{existing}' exists already; '{wanted}' differs from it only by case")
    }
}
