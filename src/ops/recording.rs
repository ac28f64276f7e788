//! Recording into a session: intents, pre-edit snapshots, checkpoints,
//! notes and decisions, objectives, blockers, claims, renames, pauses and
//! closing.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{non_empty, Engine, Landed};
use crate::error::{fail, fail_with_hint};
use crate::render::item_id;
use crate::session::event::{BlockerResolved, Claim, Close, Decision, Labelled, ObjectiveDone, PreEdit, Rename, Text};
use crate::session::{normalize_name, Body, Item};
use crate::store::SessionHead;

/// An intent, with a snapshot of the work tree before the edits it
/// announces. `writes`: the scope it declares, git pathspecs as typed in
/// the current directory (stored from the top of the work tree); the
/// commits made under it are judged against them (`summary::verdicts`).
pub fn intent(engine: &Engine, text: &str, writes: &[String]) -> Result<Landed> {
    let text = non_empty(text, "the intent")?;
    engine.store.workdir()?;
    if writes.len() > crate::session::MAX_SCOPE {
        return Err(crate::error::usage(format!(
            "an intent declares at most {} pathspecs with --writes ({} given)",
            crate::session::MAX_SCOPE,
            writes.len()
        )));
    }
    let writes = engine.store.declare_scope(writes, &engine.repo_path(Path::new("."))?)?;
    if writes.iter().any(|w| w.chars().count() > crate::summary::MAX_TEXT) {
        return Err(crate::error::usage(format!(
            "a pathspec in --writes is longer than {} characters",
            crate::summary::MAX_TEXT
        )));
    }
    let target = engine.target()?;
    let (event, _) = engine.snapshot_event(Body::Intent(Labelled {
        text,
        compaction: None,
        writes,
        snapshot: None,
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok(Landed::new(&head, events))
}

/// A pre-edit snapshot naming the files about to be edited (relative to the
/// current directory).
pub fn snapshot(engine: &Engine, paths: &[PathBuf]) -> Result<Landed> {
    engine.store.workdir()?;
    let paths = paths.iter().map(|p| engine.repo_path(p)).collect::<Result<Vec<_>>>()?;
    let target = engine.target()?;
    let (event, _) = engine.snapshot_event(Body::Snapshot(PreEdit { paths, snapshot: None }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok(Landed::new(&head, events))
}

/// A checkpoint: a snapshot with a label (default `checkpoint <n>`). Warns
/// about files the session changed that another open session claimed.
pub fn checkpoint(engine: &Engine, label: Option<&str>) -> Result<Landed> {
    engine.store.workdir()?;
    let target = engine.target()?;
    let label = match label {
        Some(m) => non_empty(m, "the checkpoint label")?,
        None => format!("checkpoint {}", target.head.header.counters.checkpoints + 1),
    };
    let (event, _) = engine.snapshot_event(Body::Checkpoint(Labelled {
        text: label,
        compaction: None,
        writes: Vec::new(),
        snapshot: None,
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    warn_about_claims(engine, &head)?;
    Ok(Landed::new(&head, events))
}

/// After a checkpoint: warns about files this session changed that another
/// open session claimed. Costs nothing when nobody claimed anything.
fn warn_about_claims(engine: &Engine, head: &SessionHead) -> Result<()> {
    if !engine.store.claims().iter().any(|(other, _)| other != head.id.as_str()) {
        return Ok(());
    }
    let files = crate::summary::session_paths(&engine.store, &head.header)?;
    for (name, claimed, file) in engine.store.claimed_by_others(&head.id, &files)? {
        engine.warn(&format!(
            "this session changed {file}, and session '{name}' claimed {claimed}"
        ));
    }
    Ok(())
}

/// What kind of note.
#[derive(Clone, Debug)]
pub enum NoteKind {
    Note,
    /// A decision, why it was made and the alternatives set aside.
    Decision {
        rationale: Option<String>,
        alternatives: Vec<String>,
    },
    Discovery,
    /// Something that stops progress.
    Blocker,
    /// A next step.
    Next,
    /// Where the work stands.
    Progress,
}

impl NoteKind {
    /// How the kind is named to people: `Note`, `Decision`, `Next step`, …
    pub fn title(&self) -> &'static str {
        match self {
            NoteKind::Note => "Note",
            NoteKind::Decision { .. } => "Decision",
            NoteKind::Discovery => "Discovery",
            NoteKind::Blocker => "Blocker",
            NoteKind::Next => "Next step",
            NoteKind::Progress => "Progress",
        }
    }
}

/// A note to record.
#[derive(Clone, Debug)]
pub struct NoteInput {
    pub kind: NoteKind,
    pub text: String,
}

/// A note, decision, discovery, blocker, next step or progress report (no snapshot).
pub fn note(engine: &Engine, input: &NoteInput) -> Result<Landed> {
    let text = non_empty(&input.text, "the note")?;
    let body = match &input.kind {
        NoteKind::Note => Body::Note(Text { text }),
        NoteKind::Decision {
            rationale,
            alternatives,
        } => Body::Decision(Decision {
            text,
            rationale: rationale.clone(),
            alternatives: alternatives.clone(),
        }),
        NoteKind::Discovery => Body::Discovery(Text { text }),
        NoteKind::Blocker => Body::Blocker(Text { text }),
        NoteKind::Next => Body::Next(Text { text }),
        NoteKind::Progress => Body::Progress(Text { text }),
    };
    let target = engine.target()?;
    let event = engine.event(body)?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok(Landed::new(&head, events))
}

/// Adds an objective.
pub fn objective_add(engine: &Engine, text: &str) -> Result<Landed> {
    let text = non_empty(text, "the objective")?;
    let target = engine.target()?;
    let event = engine.event(Body::Objective(Text { text }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok(Landed::new(&head, events))
}

/// Marks an open objective done: `spec` is its id prefix (or last digits)
/// or a unique part of its text. Returns the objective too.
pub fn objective_done(engine: &Engine, spec: &str) -> Result<(Landed, Item)> {
    let target = engine.target()?;
    let item = find_item(&target.head.header.objectives, spec, "objective")?.clone();
    let event = engine.event(Body::ObjectiveDone(ObjectiveDone {
        objective: Some(item.id.clone()),
        text: item.text.clone(),
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok((Landed::new(&head, events), item))
}

/// The open objectives of the target session.
pub fn objectives(engine: &Engine) -> Result<Vec<Item>> {
    Ok(engine.target()?.head.header.objectives)
}

/// Marks an open blocker resolved, optionally saying how. Returns the blocker too.
pub fn resolve(engine: &Engine, spec: &str, how: Option<&str>) -> Result<(Landed, Item)> {
    let target = engine.target()?;
    let item = find_item(&target.head.header.blockers, spec, "blocker")?.clone();
    let event = engine.event(Body::BlockerResolved(BlockerResolved {
        resolves: Some(item.id.clone()),
        text: how.map_or_else(|| item.text.clone(), str::to_owned),
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok((Landed::new(&head, events), item))
}

/// Finds an open item by id prefix (or its last digits) or by a unique part of its text.
fn find_item<'a>(items: &'a [Item], spec: &str, what: &str) -> Result<&'a Item> {
    let by_id: Vec<&Item> = items
        .iter()
        .filter(|i| spec.len() >= 4 && (i.id.as_str().starts_with(spec) || i.id.as_str().ends_with(spec)))
        .collect();
    let found: Vec<&Item> = if by_id.is_empty() {
        let needle = spec.to_lowercase();
        items
            .iter()
            .filter(|i| i.text.to_lowercase().contains(&needle))
            .collect()
    } else {
        by_id
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(fail_with_hint(
            format!("no open {what} matches '{spec}'"),
            "see them with `git session status`",
        )),
        many => Err(fail(format!(
            "'{spec}' matches {} open {what}s:\n{}",
            many.len(),
            many.iter()
                .map(|i| format!("  {} {}", item_id(&i.id), i.text))
                .collect::<Vec<_>>()
                .join("\n")
        ))),
    }
}

/// A claim recorded.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Claimed {
    #[serde(flatten)]
    pub landed: Landed,
    /// The paths claimed, relative to the work tree.
    #[serde(skip)]
    pub paths: Vec<String>,
}

/// An advisory claim on paths (relative to the current directory), so that
/// `who` shows them and other sessions' checkpoints warn when they touch them.
pub fn claim(engine: &Engine, paths: &[PathBuf]) -> Result<Claimed> {
    engine.store.workdir()?;
    let paths = paths.iter().map(|p| engine.repo_path(p)).collect::<Result<Vec<_>>>()?;
    let target = engine.target()?;
    let event = engine.event(Body::Claim(Claim { paths: paths.clone() }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    engine.store.register_claims(head.id.as_str(), &head.header.claims)?;
    for (other, claimed, path) in engine.store.claimed_by_others(&head.id, &paths)? {
        engine.warn(&format!(
            "session '{other}' claimed {claimed} already (it covers {path})"
        ));
    }
    Ok(Claimed {
        landed: Landed::new(&head, events),
        paths,
    })
}

/// Renames the session `spec` names (default: the target one).
pub fn rename(engine: &Engine, spec: Option<&str>, new_name: &str) -> Result<(Landed, String)> {
    let name = normalize_name(new_name).map_err(fail)?;
    let target = engine.target_for(spec)?;
    if let Some((_, existing)) = engine.store.name_taken(&name, Some(&target.head.id))? {
        return Err(fail_with_hint(
            super::name_taken(&existing, &name),
            "choose another name",
        ));
    }
    let old = target.head.header.name.clone();
    let event = engine.event(Body::Rename(Rename {
        name,
        old_name: Some(old.clone()),
    }))?;
    let (head, events) = engine.store.record(&target, vec![event])?;
    Ok((Landed::new(&head, events), old))
}

/// Pauses the session `spec` names (default: the target one); when it is
/// this work tree's current session, the work tree is left without one.
pub fn pause(engine: &Engine, spec: Option<&str>) -> Result<Landed> {
    let target = engine.target_for(spec)?;
    let (head, events) = engine.store.record(&target, vec![engine.event(Body::Pause)?])?;
    if target.current.is_some() {
        engine.store.clear_current()?;
    }
    Ok(Landed::new(&head, events))
}

/// How to close.
pub struct CloseInput<'a> {
    pub session: Option<&'a str>,
    /// The work was given up, not finished.
    pub abandon: bool,
    pub reason: Option<String>,
    /// Also remove the session's linked worktree; refused, before anything
    /// changes, when it has changes.
    pub remove_worktree: bool,
    /// Asked whether to remove a clean linked worktree when `remove_worktree` is not set.
    pub confirm_removal: Option<&'a dyn Fn(&Path) -> bool>,
}

/// A session closed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Closed {
    #[serde(flatten)]
    pub landed: Landed,
    /// `closed` or `abandoned`.
    #[serde(skip)]
    pub status: &'static str,
    /// The linked worktree removed.
    pub removed_worktree: Option<String>,
    /// A clean linked worktree that was left (it can be removed).
    #[serde(skip)]
    pub clean_worktree: Option<String>,
    /// Sessions `session.autoArchive` moved to the archive.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archived: Vec<super::RetainedSession>,
}

/// Closes (or abandons) an open session.
pub fn close(engine: &Engine, input: &CloseInput<'_>) -> Result<Closed> {
    let target = engine.target_for(input.session)?;
    let header = &target.head.header;
    if !header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {} already",
            header.name,
            header.status.as_str()
        )));
    }
    let linked = linked_worktree(header).filter(|dir| engine.store.created_worktree(&target.head.id, dir));
    if input.remove_worktree {
        match &linked {
            None => {
                return Err(fail(format!(
                    "session '{}' has no linked worktree that this clone created for it; nothing was changed",
                    header.name
                )))
            }
            Some(dir) if !crate::store::worktree::is_clean(dir)? => {
                return Err(fail_with_hint(
                    format!("the worktree {} has changes; nothing was changed", dir.display()),
                    "commit or discard them first, or close without --remove-worktree",
                ))
            }
            Some(_) => {}
        }
    }
    let status = if input.abandon { "abandoned" } else { "closed" };
    let body = Body::Close(Close {
        status: status.to_owned(),
        reason: input.reason.clone(),
        snapshot: None,
    });
    let event = if target.current.is_some() && engine.store.has_workdir() {
        engine.snapshot_event(body)?.0
    } else {
        engine.event(body)?
    };
    let (head, events) = engine.store.record(&target, vec![event])?;
    if target.current.is_some() {
        engine.store.clear_current()?;
    }
    let mut removed = None;
    let mut clean = None;
    if let Some(dir) = linked {
        let is_clean = crate::store::worktree::is_clean(&dir)?;
        let confirmed = || is_clean && input.confirm_removal.is_some_and(|ask| ask(&dir));
        if input.remove_worktree || confirmed() {
            crate::store::worktree::remove(&engine.store, &dir)?;
            removed = Some(dir.display().to_string());
        } else if is_clean {
            clean = Some(dir.display().to_string());
        }
    }
    // The session is closed whatever happens here: a failure is a warning.
    let archived = super::retain::auto_archive(engine).unwrap_or_else(|err| {
        engine.warn(&format!("session.autoArchive: {err:#}"));
        Vec::new()
    });
    Ok(Closed {
        landed: Landed::new(&head, events),
        status,
        removed_worktree: removed,
        clean_worktree: clean,
        archived,
    })
}

/// The session's work tree when it is a linked worktree that still exists.
fn linked_worktree(header: &crate::session::SessionHeader) -> Option<PathBuf> {
    let dir = PathBuf::from(header.worktree.as_deref()?);
    dir.join(".git").is_file().then_some(dir)
}
