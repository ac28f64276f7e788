//! Time travel: `rewind`, `restore`, `undo`, and `diff` between snapshots.
//!
//! Each of the first three plans first (changing nothing), then, unless it
//! is a dry run, records its event before a file changes and carries the
//! plan out through `rewind::execute`, so `undo` can always take it back.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::{Context, Result};
use bstr::BString;

use super::Engine;
use crate::error::{fail, fail_with_hint, usage};
use crate::rewind::commits::{self, Head, Mode, Move};
pub use crate::rewind::report::Rewound;
use crate::rewind::target::{self, Point};
use crate::rewind::{self, Execution, Plan, Scope};
use crate::session::event::{CommitSeen, Rewound as RewoundBody};
use crate::session::{Body, Event, EventKind, Oid};
use crate::store::{object_id, oid, Journal, ObjectId, OnConflict, StoredEvent};

/// Plans, then (unless `dry_run`) carries out one operation.
struct Run<'a> {
    engine: &'a Engine,
    operation: &'static str,
    what: String,
    dry_run: bool,
}

impl Run<'_> {
    fn finish(
        &self,
        target: &crate::store::Target,
        event: Event,
        capture: &crate::snapshot::Capture,
        plan: &Plan,
        moves: Option<&Move>,
        index_source: Option<&crate::session::Oid>,
    ) -> Result<Rewound> {
        if self.dry_run {
            return Ok(Rewound::new(self.operation, &self.what, plan, moves, true));
        }
        if plan.is_empty() && moves.is_none() {
            return Ok(Rewound::new(self.operation, &self.what, plan, None, false));
        }
        let done = rewind::execute(
            &self.engine.store,
            target,
            Execution {
                event,
                index_tree: capture.index_tree,
                plan,
                moves,
                index_source: index_source.map(object_id).transpose()?,
            },
        )?;
        let mut r = Rewound::new(self.operation, &self.what, plan, moves, false);
        r.session = Some(done.head.id.clone());
        r.event = Some(done.event);
        Ok(r)
    }
}

/// What to rewind to.
#[derive(Clone, Debug)]
pub struct RewindInput {
    /// `start`, a checkpoint label, an intent, an event id (or its last
    /// digits) or an event commit prefix.
    pub target: String,
    /// What to do with the commits the session made since the target.
    pub commits: Mode,
    /// With `Mode::Reset`: move the branch even over commits that are not the session's.
    pub force: bool,
    /// Where the session's work and a change from elsewhere touched the same
    /// lines, write both with conflict markers instead of stopping.
    pub conflict_markers: bool,
    pub dry_run: bool,
}

/// The tree a rewind to `point` goes to: the point's snapshot with every
/// change that arrived from elsewhere since (pulls, merges, switches of
/// branch) carried over, so that going back undoes only the session's own
/// work. Where the two touched the same lines it stops, naming the paths,
/// before anything is written — or, with `markers`, writes both sides with
/// conflict markers.
fn destination(engine: &Engine, events: &[StoredEvent], point: &Point, markers: bool) -> Result<ObjectId> {
    let mut tree = point.tree;
    let mut conflicts: Vec<String> = Vec::new();
    for e in events.iter().filter(|e| e.event.clock > point.event.clock) {
        let Some((from, to)) = e.event.body.foreign_move() else {
            continue;
        };
        let (Ok(from), Ok(to)) = (object_id(from), object_id(to)) else {
            continue;
        };
        let (Ok(before), Ok(after)) = (engine.store.tree_of(from), engine.store.tree_of(to)) else {
            continue;
        };
        let (moved, clashes) = engine.store.apply_change(tree, before, after, OnConflict::Markers)?;
        tree = moved;
        conflicts.extend(clashes);
    }
    conflicts.sort();
    conflicts.dedup();
    if !conflicts.is_empty() && !markers {
        return Err(fail_with_hint(
            format!(
                "going back to {} conflicts with changes that arrived from elsewhere (a pull, a merge) in the same lines, in {}; nothing was changed",
                point.describe(),
                conflicts.join(", ")
            ),
            "add --conflict-markers to write both sides with conflict markers, as git merge does",
        ));
    }
    Ok(tree)
}

/// Makes the work tree a snapshot of the session — with what arrived from
/// elsewhere since kept — and, with `commits`, reverts or drops the
/// session's commits since.
pub fn rewind(engine: &Engine, input: &RewindInput) -> Result<Rewound> {
    engine.store.workdir()?;
    if input.force && input.commits != Mode::Reset {
        return Err(usage("--force only applies to --commits reset"));
    }
    let target = engine.target_caught_up()?;
    let events = engine.store.events(&target.head)?;
    let point = target::find(&events, &input.target)?;
    let (event, capture) = engine.snapshot_event(Body::Rewind(RewoundBody::default()))?;
    // A reset drops what came from elsewhere from the branch too (it refuses
    // unless forced), so it goes back to the snapshot exactly.
    let to = match input.commits {
        Mode::Reset => point.tree,
        _ => destination(engine, &events, &point, input.conflict_markers)?,
    };
    let plan = rewind::plan(&engine.store, capture.tree, to, &Scope::All)?;
    let moves = match input.commits {
        Mode::Keep => None,
        mode => plan_commits(engine, &events, &point, mode, input.force, &event)?,
    };
    let what = format!("to {}", point.describe());
    let mut event = event;
    if let Body::Rewind(r) = &mut event.body {
        r.text = what.clone();
        r.target = Some(point.event.id.clone());
        r.target_commit = Some(oid(point.commit));
        r.to = Some(oid(to));
        r.commits = Some(input.commits.as_str().to_owned());
    }
    Run {
        engine,
        operation: "rewind",
        what,
        dry_run: input.dry_run,
    }
    .finish(&target, event, &capture, &plan, moves.as_ref(), None)
}

/// How `--commits revert|reset` moves the branch back to `point`.
fn plan_commits(
    engine: &Engine,
    events: &[StoredEvent],
    point: &Point,
    mode: Mode,
    force: bool,
    event: &Event,
) -> Result<Option<Move>> {
    let Some(base) = point.event.head.as_ref().and_then(|h| object_id(h).ok()) else {
        return Err(fail(
            "the target was recorded before the first commit; there is no commit to go back to",
        ));
    };
    let state = engine.store.head_state()?;
    let Some(commit) = state.commit else {
        return Err(fail("HEAD has no commit yet"));
    };
    let head = Head {
        commit,
        refname: state.refname(),
    };
    // The session's own commits are those this clone recorded: a commit
    // event that arrived by a fetch vouches for nothing here.
    let journal = engine.store.journal();
    let own: HashSet<_> = events
        .iter()
        .filter(|e| e.event.clock > point.event.clock && journal.by_this_clone(e.commit))
        .filter_map(|e| match &e.event.body {
            Body::Commit(CommitSeen { commit: Some(c), .. }) => object_id(c).ok(),
            _ => None,
        })
        .collect();
    if mode == Mode::Revert {
        commits::plan_revert(&engine.store, &head, base, &own, &event.author, &event.time)
    } else {
        commits::plan_reset(&engine.store, &head, base, &own, force)
    }
}

/// Brings back only `paths` (relative to the current directory) from a
/// snapshot, recorded like a rewind so `undo` can take it back.
pub fn restore(
    engine: &Engine,
    target_spec: &str,
    paths: &[PathBuf],
    conflict_markers: bool,
    dry_run: bool,
) -> Result<Rewound> {
    engine.store.workdir()?;
    let target = engine.target_caught_up()?;
    let events = engine.store.events(&target.head)?;
    let point = target::find(&events, target_spec)?;
    let rel = paths.iter().map(|p| engine.repo_path(p)).collect::<Result<Vec<_>>>()?;
    let (event, capture) = engine.snapshot_event(Body::Restore(RewoundBody::default()))?;
    for (path, arg) in rel.iter().zip(paths) {
        if !path.is_empty()
            && !engine.store.tree_has(capture.tree, path)?
            && !engine.store.tree_has(point.tree, path)?
        {
            return Err(fail(format!(
                "'{}' is neither in {} nor in the work tree; nothing was changed",
                arg.display(),
                point.describe()
            )));
        }
    }
    let scope = Scope::Paths(rel.iter().map(|p| BString::from(p.as_str())).collect());
    let to = destination(engine, &events, &point, conflict_markers)?;
    let plan = rewind::plan(&engine.store, capture.tree, to, &scope)?;
    let shown: Vec<String> = rel
        .iter()
        .map(|p| if p.is_empty() { ".".to_owned() } else { p.clone() })
        .collect();
    let what = format!("{} from {}", shown.join(", "), point.describe());
    let mut event = event;
    if let Body::Restore(r) = &mut event.body {
        r.text = what.clone();
        r.target = Some(point.event.id.clone());
        r.target_commit = Some(oid(point.commit));
        r.to = Some(oid(to));
        r.paths = shown;
    }
    Run {
        engine,
        operation: "restore",
        what,
        dry_run,
    }
    .finish(&target, event, &capture, &plan, None, None)
}

fn undoable(e: &StoredEvent) -> bool {
    matches!(
        e.event.known_kind(),
        Some(EventKind::Rewind | EventKind::Restore | EventKind::Undo)
    )
}

/// The rewind, restore or undo `spec` names (default: the latest), of
/// those this work tree recorded: an event that arrived by a fetch is
/// somebody else's, and its branch and files are not this work tree's to
/// go back to.
fn find_undoable<'a>(
    events: &'a [StoredEvent],
    spec: Option<&str>,
    name: &str,
    journal: &Journal,
) -> Result<&'a StoredEvent> {
    let Some(spec) = spec else {
        return events
            .iter()
            .rev()
            .find(|e| undoable(e) && journal.by_this_worktree(e.commit))
            .ok_or_else(|| {
                fail_with_hint(
                    format!("session '{name}' has nothing to undo in this work tree"),
                    "undo takes back a `git session rewind`, `restore` or `undo` made here",
                )
            });
    };
    let spec = spec.trim().to_ascii_lowercase();
    let found: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| {
            spec.len() >= 4
                && (e.event.id.as_str().starts_with(&spec)
                    || e.event.id.as_str().ends_with(&spec)
                    || e.commit.to_string().starts_with(&spec))
        })
        .collect();
    match found.as_slice() {
        [one] if undoable(one) && !journal.by_this_worktree(one.commit) => Err(fail(format!(
            "the {} event '{spec}' was not recorded in this work tree (it came with a fetch, or from another worktree); undo takes back only what was done here",
            one.event.kind()
        ))),
        [one] if undoable(one) => Ok(one),
        [one] => Err(fail(format!(
            "'{spec}' is a {} event; undo takes back a rewind, restore or undo",
            one.event.kind()
        ))),
        [] => Err(fail(format!("no event of this session is named '{spec}'"))),
        _ => Err(fail_with_hint(
            format!("'{spec}' names more than one event"),
            "give more digits",
        )),
    }
}

/// Takes back a rewind, restore or undo (`spec`, default the latest): the
/// paths it changed, their index entries and the branch. Recorded the same
/// way, so undoing an undo redoes.
pub fn undo(engine: &Engine, spec: Option<&str>, dry_run: bool) -> Result<Rewound> {
    engine.store.workdir()?;
    let target = engine.target_caught_up()?;
    let events = engine.store.events(&target.head)?;
    let undone = find_undoable(&events, spec, &target.head.header.name, &engine.store.journal())?;
    let e = &undone.event;
    let (Body::Rewind(r) | Body::Restore(r) | Body::Undo(r)) = &e.body else {
        unreachable!("find_undoable returns rewinds, restores and undos");
    };
    let tree = |t: Option<&crate::session::Oid>| t.and_then(|t| object_id(t).ok());
    let (Some(before), Some(after)) = (tree(e.tree()), tree(r.after.as_ref())) else {
        return Err(fail(format!(
            "the {} event {} does not say what it replaced; it cannot be undone",
            e.kind(),
            undone.commit.to_hex_with_len(12)
        )));
    };

    let (event, capture) = engine.snapshot_event(Body::Undo(RewoundBody::default()))?;
    let paths: HashSet<BString> = rewind::changed_paths(&engine.store, after, before)?
        .into_iter()
        .collect();
    let plan = rewind::plan(&engine.store, capture.tree, before, &Scope::Paths(paths))?;

    let mut moves = None;
    if let (Some(refname), Some(head_before), Some(head_after)) = (
        r.refname.as_ref(),
        tree(r.head_before.as_ref()),
        tree(r.head_after.as_ref()),
    ) {
        let state = engine.store.head_state()?;
        if state.commit == Some(head_after) && state.refname() == *refname {
            moves = Some(Move {
                refname: refname.clone(),
                before: head_after,
                after: head_before,
                undone: Vec::new(),
                created: Vec::new(),
                left: Vec::new(),
            });
        } else {
            engine.warn(&format!(
                "{refname} moved since the {}; it stays where it is (it was at {} before)",
                e.kind(),
                head_before.to_hex_with_len(12)
            ));
        }
    }

    let what = format!("the {} {}", e.kind(), e.text().unwrap_or(""));
    let what = what.trim_end().to_owned();
    let mut event = event;
    if let Body::Undo(u) = &mut event.body {
        u.text = format!("of {what}");
        u.undoes = Some(e.id.clone());
        u.to = Some(oid(before));
    }
    Run {
        engine,
        operation: "undo",
        what,
        dry_run,
    }
    .finish(&target, event, &capture, &plan, moves.as_ref(), r.index.as_ref())
}

/// What to compare.
#[derive(Clone, Debug)]
pub struct DiffInput {
    /// The older snapshot (default `start`).
    pub from: Option<String>,
    /// The newer snapshot (default: the work tree as it is now).
    pub to: Option<String>,
    pub format: crate::diff::DiffFormat,
    pub color: bool,
    /// Lines of context around each change.
    pub context: u32,
}

/// The difference between two snapshots of the target session (or a
/// snapshot and the work tree), as `git diff --no-renames` prints it.
pub fn diff(engine: &Engine, input: &DiffInput) -> Result<Vec<u8>> {
    let (from, to) = diff_trees(engine, input.from.as_deref(), input.to.as_deref())?;
    let opts = crate::diff::DiffOptions {
        format: input.format,
        color: input.color,
        context: input.context,
        stat_width: 80,
    };
    let mut buf = Vec::new();
    engine
        .store
        .write_diff(from, to, &opts, &mut buf)
        .context("cannot compare the snapshots")?;
    Ok(buf)
}

/// The two trees `diff` compares: `from` (default `start`) and `to` (default: the work tree now).
fn diff_trees(engine: &Engine, from: Option<&str>, to: Option<&str>) -> Result<(ObjectId, ObjectId)> {
    let head = engine.target()?.head;
    let events = engine.store.events(&head)?;
    let from = target::find(&events, from.unwrap_or("start"))?.tree;
    let to = match to {
        Some(spec) => target::find(&events, spec)?.tree,
        None => {
            engine
                .store
                .workdir()
                .map_err(|_| usage("a bare repository has no work tree to compare with; name two snapshots"))?;
            engine.store.capture()?.tree
        }
    };
    Ok((from, to))
}

/// One file of a [`Difference`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct DiffFile {
    pub path: String,
    /// `A`, `D`, `M` or `T`, as `--name-status` prints it.
    pub status: String,
    pub binary: bool,
    /// Lines added and removed, as `git diff --numstat` counts them (0 for a binary file).
    pub added: u64,
    pub removed: u64,
}

/// `diff --json`: the two trees and the files that differ.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Difference {
    pub from: crate::session::Oid,
    pub to: crate::session::Oid,
    pub files: Vec<DiffFile>,
}

/// What `diff` compares, as data: the trees and each changed file's line counts.
pub fn diff_files(engine: &Engine, from: Option<&str>, to: Option<&str>) -> Result<Difference> {
    let (from, to) = diff_trees(engine, from, to)?;
    let (from, to) = (oid(from), oid(to));
    let files = changed_files(engine, &from, &to)?;
    Ok(Difference { from, to, files })
}

/// Each file that differs between two trees, with `git diff --numstat` counts.
pub(super) fn changed_files(engine: &Engine, from: &Oid, to: &Oid) -> Result<Vec<DiffFile>> {
    Ok(engine
        .store
        .changed_lines(from, to)?
        .into_iter()
        .map(|f| DiffFile {
            path: f.path,
            status: f.status.to_string(),
            binary: f.binary,
            added: f.added,
            removed: f.removed,
        })
        .collect())
}
