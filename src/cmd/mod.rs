//! One module per subcommand. Each holds a documented `clap::Args` struct and
//! `run(ctx, args)`: parse, call the store and the snapshot engine, render.
//! What several commands share (finding the session, building events,
//! recording commits seen in the reflog) is [`Ctx`].

pub mod checkpoint;
pub mod claim;
pub mod close;
pub mod completions;
pub mod context;
pub mod diff;
pub mod export;
pub mod fetch;
pub mod fork;
pub mod handoff;
pub mod history;
pub mod hook;
pub mod hooks;
pub mod intent;
pub mod list;
pub mod log;
pub mod manpage;
pub mod note;
pub mod objective;
pub mod pause;
pub mod push;
pub mod remote;
pub mod rename;
pub mod report;
pub mod resolve;
pub mod restore;
pub mod resume;
pub mod rewind;
pub mod show;
pub mod snapshot;
pub mod start;
pub mod status;
pub mod summarize;
pub mod sync;
pub mod undo;
pub mod who;

use anyhow::Result;

use crate::error::{fail, fail_with_hint};
use crate::session::{trailers, Event, EventKind, SkippedFile};
use crate::store::{rfc3339, Current, SessionHead, Store};

/// Options every command sees.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub quiet: bool,
    /// `--session`: act on this session instead of the current one.
    pub session: Option<String>,
}

/// What a command runs against: the repository and the global options.
pub struct Ctx {
    pub store: Store,
    pub globals: Globals,
}

/// The session a recording command acts on.
pub struct Target {
    pub head: SessionHead,
    /// Set when it is this work tree's current session (its reflog is followed).
    pub current: Option<Current>,
}

/// Default for `session.maxUntrackedSize`: untracked files above it are left out of snapshots.
const DEFAULT_MAX_UNTRACKED: u64 = 50 << 20;

impl Ctx {
    /// Whether transfers show progress: stderr is a terminal and not `--quiet`.
    pub fn show_progress(&self) -> bool {
        use std::io::IsTerminal;
        !self.globals.quiet && std::io::stderr().is_terminal()
    }

    /// Prints a status line on stderr unless `--quiet`.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.globals.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// The session named by `--session`, else this work tree's current one.
    pub fn target(&self) -> Result<Target> {
        let current = self.store.current()?;
        if let Some(spec) = &self.globals.session {
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

    /// The session named on the command line (or the target when none is
    /// named), ready to record into.
    pub fn target_for(&self, spec: Option<&str>) -> Result<Target> {
        let Some(spec) = spec else {
            return self.target();
        };
        let head = self.store.resolve(spec)?;
        let current = self.store.current()?.filter(|c| c.session == head.id);
        Ok(Target { head, current })
    }

    /// The session named on the command line, or the target when none is named.
    pub fn named_or_target(&self, spec: Option<&str>) -> Result<SessionHead> {
        match spec {
            Some(spec) => self.store.resolve(spec),
            None => Ok(self.target()?.head),
        }
    }

    /// Pauses this work tree's current session (unless it is `keep`) when it
    /// is active, so that one work tree has one active session, and says so.
    pub fn pause_current(&self, keep: Option<&str>) -> Result<()> {
        let Some(current) = self.store.current()?.filter(|c| Some(c.session.as_str()) != keep) else {
            return Ok(());
        };
        let Some(head) = self.store.head(&current.session)? else {
            return Ok(());
        };
        if head.header.status == crate::session::Status::Active {
            let target = Target {
                head,
                current: Some(current),
            };
            let (head, _) = self.record(&target, vec![self.event(EventKind::Pause)?])?;
            self.say(format!("Paused session '{}'.", head.header.name));
        }
        Ok(())
    }

    /// A new event of `kind` stamped with the user, the time, HEAD and branch.
    pub fn event(&self, kind: EventKind) -> Result<Event> {
        let (author, time) = self.store.identity()?;
        let head = self.store.head_state()?;
        let mut event = Event::new(kind, rfc3339(time), author);
        event.head = head.commit.map(|c| c.to_string());
        event.branch = head.branch;
        Ok(event)
    }

    /// An event of `kind` that carries a snapshot of the work tree.
    pub fn snapshot_event(&self, kind: EventKind) -> Result<Event> {
        Ok(self.snapshot_event_with_capture(kind)?.0)
    }

    /// A capture of the work tree with the configured options (objects only; nothing recorded).
    pub fn capture(&self) -> Result<crate::snapshot::Capture> {
        self.store.workdir()?;
        let max = match self.store.config_integer("session.maxUntrackedSize")? {
            Some(v) if v > 0 => Some(v as u64),
            Some(_) => None,
            None => Some(DEFAULT_MAX_UNTRACKED),
        };
        crate::snapshot::capture(
            &self.store.repo,
            &crate::snapshot::CaptureOptions {
                max_untracked_size: max,
            },
        )
    }

    /// [`Ctx::snapshot_event`], also returning the capture (for the index tree).
    pub fn snapshot_event_with_capture(&self, kind: EventKind) -> Result<(Event, crate::snapshot::Capture)> {
        let capture = self.capture()?;
        let mut event = self.event(kind)?;
        let head_tree = self.store.head_tree()?;
        event = event.with("tree", capture.tree.to_string());
        if let Some(index_tree) = capture.index_tree {
            if Some(index_tree) != head_tree && index_tree != capture.tree {
                event = event.with("staged", index_tree.to_string());
            }
        }
        if !capture.skipped.is_empty() {
            let skipped: Vec<SkippedFile> = capture
                .skipped
                .iter()
                .map(|s| SkippedFile {
                    path: s.path.to_string(),
                    size: s.size,
                })
                .collect();
            for s in &skipped {
                eprintln!(
                    "warning: left {} ({} bytes) out of the snapshot: it is untracked and larger than session.maxUntrackedSize",
                    s.path, s.size
                );
            }
            event = event.with("skipped", serde_json::to_value(skipped)?);
        }
        Ok((event, capture))
    }

    /// Appends `events` to the target session, preceded by `commit` and
    /// `branch` events for what HEAD's reflog shows since the last command.
    /// With no events and nothing new in the reflog, nothing is written.
    pub fn record(&self, target: &Target, events: Vec<Event>) -> Result<(SessionHead, Vec<Event>)> {
        let (mut all, offset) = match &target.current {
            Some(current) => {
                let (seen, offset) = self.store.head_reflog_since(current.reflog_offset)?;
                (self.reflog_events(target, &seen)?, Some(offset))
            }
            None => (Vec::new(), None),
        };
        all.extend(events);
        let (head, landed) = if all.is_empty() {
            (target.head.clone(), Vec::new())
        } else {
            self.store.append(&target.head.id, None, &all)?
        };
        if let (Some(current), Some(offset)) = (&target.current, offset) {
            if offset != current.reflog_offset {
                self.store.set_current(&Current {
                    session: current.session.clone(),
                    reflog_offset: offset,
                })?;
            }
        }
        Ok((head, landed))
    }

    /// Turns HEAD reflog entries into `commit` and `branch` events.
    ///
    /// A commit that a rebase or cherry-pick wrote without a `Session-Id`
    /// trailer of this session is matched by patch id against the commits
    /// the session recorded before (`rewritten_from`); a squash commit whose
    /// message quotes this session's `Session-Id` lists the quoted commits
    /// (`squashed`). `attributed_by` says which evidence tied the commit to
    /// the session beyond being made in its work tree.
    fn reflog_events(&self, target: &Target, seen: &[crate::store::SeenCommit]) -> Result<Vec<Event>> {
        let mut out: Vec<Event> = Vec::new();
        let mut earlier: Option<Vec<(gix::ObjectId, Option<gix::ObjectId>)>> = None;
        for entry in seen {
            let m = entry.message.as_str();
            let rewrite = m.starts_with("cherry-pick")
                || (m.starts_with("rebase")
                    && ["(pick)", "(reword)", "(squash)", "(fixup)", "(edit)"]
                        .iter()
                        .any(|k| m.contains(k)));
            let made_commit = rewrite
                || m.starts_with("commit")
                || m.starts_with("revert")
                || (m.starts_with("merge ") && m.contains("Merge made by"));
            if made_commit {
                let message = self.store.commit_message(entry.new);
                let subject = message.lines().next().unwrap_or_default().to_owned();
                let mut event = self.event(EventKind::Commit)?;
                event.head = Some(entry.new.to_string());
                let mut event = event
                    .with("commit", entry.new.to_string())
                    .with("subject", subject)
                    .with("reflog", m);
                let id = target.head.id.as_str();
                let squashed = squashed_commits(&message, id);
                if !squashed.is_empty() {
                    event = event.with("attributed_by", "trailer").with("squashed", squashed);
                } else if trailers::has_trailer(&message, "Session-Id", id) {
                    event = event.with("attributed_by", "trailer");
                } else if message.contains("\ncommit ") && !rewrite {
                    // A squash message without trailers (no hooks, or cut):
                    // the quoted commits the session recorded tie it to them.
                    let earlier = match &mut earlier {
                        Some(e) => e,
                        None => earlier.insert(self.recorded_commits(target)?),
                    };
                    let squashed: Vec<String> = quoted_commits(&message)
                        .into_iter()
                        .filter(|q| earlier.iter().any(|(c, _)| c.to_string().starts_with(q.as_str())))
                        .collect();
                    if !squashed.is_empty() {
                        event = event.with("attributed_by", "squash").with("squashed", squashed);
                    }
                } else if rewrite {
                    let earlier = match &mut earlier {
                        Some(e) => e,
                        None => earlier.insert(self.recorded_commits(target)?),
                    };
                    for e in &out {
                        if let Some(c) = e
                            .str_field("commit")
                            .and_then(|c| gix::ObjectId::from_hex(c.as_bytes()).ok())
                        {
                            if !earlier.iter().any(|(o, _)| *o == c) {
                                earlier.insert(0, (c, None));
                            }
                        }
                    }
                    if let Some(old) = self.rewritten_from(entry.new, earlier) {
                        event = event
                            .with("attributed_by", "patch-id")
                            .with("rewritten_from", old.to_string());
                    }
                }
                out.push(event);
            } else if m.starts_with("pull") || (m.starts_with("merge ") && m.contains("Fast-forward")) {
                // Commits that arrived from elsewhere are not the session's,
                // except those whose message carries its `Session-Id`: its
                // work squash-merged on a forge (the squash message quotes
                // the squashed commits' messages) and pulled back.
                out.extend(self.arrived_with_trailer(target, entry)?);
            } else if let Some(rest) = m.strip_prefix("checkout: moving from ") {
                let (from, to) = rest.split_once(" to ").unwrap_or((rest, ""));
                if from != to {
                    let event = self.event(EventKind::Branch)?.with("from", from).with("to", to);
                    out.push(event);
                }
            }
        }
        Ok(out)
    }

    /// `commit` events for the commits a pull brought (at most
    /// [`MAX_ARRIVED`], newest first) whose message carries the target
    /// session's `Session-Id`.
    fn arrived_with_trailer(&self, target: &Target, entry: &crate::store::SeenCommit) -> Result<Vec<Event>> {
        let id = target.head.id.as_str();
        let mut walk = self.store.repo.rev_walk([entry.new]);
        if let Some(previous) = entry.previous {
            walk = walk.with_hidden([previous]);
        }
        let Ok(walk) = walk.all() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for info in walk.take(MAX_ARRIVED) {
            let Ok(info) = info else { break };
            let message = self.store.commit_message(info.id);
            if !trailers::has_trailer(&message, "Session-Id", id) {
                continue;
            }
            let mut event = self.event(EventKind::Commit)?;
            event.head = Some(info.id.to_string());
            let mut event = event
                .with("commit", info.id.to_string())
                .with("subject", message.lines().next().unwrap_or_default())
                .with("reflog", entry.message.as_str())
                .with("attributed_by", "trailer");
            let squashed = squashed_commits(&message, id);
            if !squashed.is_empty() {
                event = event.with("squashed", squashed);
            }
            out.push(event);
        }
        out.reverse();
        Ok(out)
    }

    /// The commits the target session recorded (`commit` events), newest
    /// first, each with its patch id still to be computed.
    fn recorded_commits(&self, target: &Target) -> Result<Vec<(gix::ObjectId, Option<gix::ObjectId>)>> {
        let events = self.store.events(&target.head)?;
        Ok(events
            .iter()
            .rev()
            .filter(|e| e.event.kind == EventKind::Commit.as_str())
            .filter_map(|e| e.event.str_field("commit"))
            .filter_map(|c| gix::ObjectId::from_hex(c.as_bytes()).ok())
            .take(MAX_PATCH_ID_CANDIDATES)
            .map(|c| (c, None))
            .collect())
    }

    /// The newest recorded commit with the same patch id as `commit`.
    fn rewritten_from(
        &self,
        commit: gix::ObjectId,
        earlier: &mut [(gix::ObjectId, Option<gix::ObjectId>)],
    ) -> Option<gix::ObjectId> {
        let wanted = self.store.patch_id(commit)?;
        for (old, id) in earlier.iter_mut() {
            if *old == commit {
                continue;
            }
            if id.is_none() {
                *id = self.store.patch_id(*old);
            }
            if *id == Some(wanted) {
                return Some(*old);
            }
        }
        None
    }
}

/// How many commits of one pull are searched for the session's trailer.
const MAX_ARRIVED: usize = 200;

/// How many of a session's latest commits a rewritten commit is compared with.
const MAX_PATCH_ID_CANDIDATES: usize = 500;

/// The commits a squash message quotes (`commit <oid>` lines, as `git merge
/// --squash` writes them) whose quoted message carries `Session-Id: <session>`.
/// Every commit id a squash message quotes (`commit <oid>` lines).
fn quoted_commits(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in message.lines() {
        if let Some(oid) = line.strip_prefix("commit ") {
            let oid = oid.split_whitespace().next().unwrap_or_default();
            if oid.len() >= 7 && oid.bytes().all(|b| b.is_ascii_hexdigit()) && !out.iter().any(|o| o == oid) {
                out.push(oid.to_ascii_lowercase());
            }
        }
    }
    out
}

fn squashed_commits(message: &str, session: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut quoted: Option<&str> = None;
    for line in message.lines() {
        if let Some(oid) = line.strip_prefix("commit ") {
            let oid = oid.split_whitespace().next().unwrap_or_default();
            quoted = (oid.len() >= 7 && oid.bytes().all(|b| b.is_ascii_hexdigit())).then_some(oid);
        } else if let Some(oid) = quoted {
            if trailers::has_trailer(line, "Session-Id", session) && !out.iter().any(|o| o == oid) {
                out.push(oid.to_owned());
            }
        }
    }
    out
}

impl Ctx {
    /// The remote sessions travel to and from when none is named:
    /// `session.remote`, else the current branch's upstream remote, else `origin`.
    pub fn default_remote(&self) -> Result<String> {
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

    /// Session arguments of `fetch`/`push` as id prefixes: a session known
    /// here by name or prefix gives its id; other hexadecimal text is taken
    /// as an id prefix of a session on the remote.
    pub fn session_prefixes(&self, specs: &[String]) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        for spec in specs {
            match self.store.resolve(spec) {
                Ok(head) => ids.push(head.id),
                Err(_) if spec.len() >= 4 && spec.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    ids.push(spec.to_ascii_lowercase())
                }
                Err(err) => return Err(err),
            }
        }
        Ok(ids)
    }
}

/// Prints `value` as one JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    crate::render::out(&text);
    Ok(())
}

/// The JSON printed by recording commands: the session and the event that landed.
pub fn recorded_json(head: &SessionHead, events: &[Event]) -> serde_json::Value {
    serde_json::json!({
        "session": head.id,
        "name": head.header.name,
        "commit": head.commit.to_string(),
        "events": events,
    })
}

/// Refuses an empty text argument.
pub fn non_empty(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(fail(format!("{what} cannot be empty")));
    }
    Ok(t.to_owned())
}

/// A command-line path as a `/`-separated path relative to the work tree
/// (empty for the work tree itself). Refuses paths outside it.
pub fn repo_path(workdir: &std::path::Path, cwd: &std::path::Path, arg: &std::path::Path) -> Result<bstr::BString> {
    let root = std::fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_owned());
    let mut full = std::path::PathBuf::new();
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
    let rel = gix::path::into_bstr(rel).map_err(|_| fail(format!("'{}' is not a valid path here", arg.display())))?;
    Ok(gix::path::to_unix_separators_on_windows(rel).into_owned())
}
