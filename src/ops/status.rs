//! Reading one session: `status`, `show`, `log`, `export`.

use anyhow::Result;

use super::Engine;
use crate::session::{Event, SessionHeader, SessionId, FORMAT};
use crate::store::StoredEvent;
use crate::summary::Verdict;

/// The current session at a glance (`{"session": null}` when there is none).
#[derive(Clone, Debug, serde::Serialize)]
pub struct StatusReport {
    pub session: Option<SessionHeader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Whether it is this work tree's current session (not one named by `--session`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<bool>,
    /// HEAD moves the next command will record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unrecorded_reflog_entries: Option<usize>,
    /// The plan in force, bounded: its beginning and next open steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::session::plan::PlanExcerpt>,
}

/// The work tree's current session (or the one `--session` names).
pub fn status(engine: &Engine) -> Result<StatusReport> {
    if engine.store.current()?.is_none() && engine.session.is_none() {
        return Ok(StatusReport {
            session: None,
            commit: None,
            current: None,
            unrecorded_reflog_entries: None,
            plan: None,
        });
    }
    let target = engine.target()?;
    let pending = match &target.current {
        Some(c) => engine.store.head_reflog_since(c.position().as_ref())?.0.len(),
        None => 0,
    };
    Ok(StatusReport {
        commit: Some(target.head.commit.to_string()),
        current: Some(target.current.is_some()),
        unrecorded_reflog_entries: Some(pending),
        plan: super::plan::excerpt(engine, &target.head),
        session: Some(target.head.header),
    })
}

/// An event and the commit that carries it (its name for `rewind`, `diff`, `undo`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct LoggedEvent {
    pub commit: String,
    pub event: Event,
    /// A `commit` event in `log`: whether the commit stayed inside its
    /// intent's scope (`summary::verdicts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

fn logged(events: &[StoredEvent]) -> Vec<LoggedEvent> {
    events
        .iter()
        .map(|e| LoggedEvent {
            commit: e.commit.to_string(),
            event: e.event.clone(),
            verdict: None,
        })
        .collect()
}

/// [`logged`], each commit with its verdict.
fn logged_with_verdicts(engine: &Engine, events: &[StoredEvent]) -> Result<Vec<LoggedEvent>> {
    let mut judged = crate::summary::verdicts(&engine.store, events.iter().map(|e| &e.event))?;
    let mut out = logged(events);
    for e in &mut out {
        e.verdict = judged.remove(&e.event.id);
    }
    Ok(out)
}

/// One session in detail: its header and its most recent events.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Shown {
    pub id: SessionId,
    pub commit: String,
    pub header: SessionHeader,
    pub recent_events: Vec<LoggedEvent>,
}

/// The session `spec` names (default: the current one) and its last `recent` events.
pub fn show(engine: &Engine, spec: Option<&str>, recent: usize) -> Result<Shown> {
    let head = engine.named_or_target(spec)?;
    let events = engine.store.events(&head)?;
    let mut all = logged_with_verdicts(engine, &events)?;
    let recent_events = all.split_off(all.len().saturating_sub(recent));
    Ok(Shown {
        id: head.id,
        commit: head.commit.to_string(),
        header: head.header,
        recent_events,
    })
}

/// Every event of a session, oldest first.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct Log {
    pub events: Vec<LoggedEvent>,
}

/// The event log of the session `spec` names (default: the current one).
pub fn log(engine: &Engine, spec: Option<&str>) -> Result<Log> {
    let head = engine.named_or_target(spec)?;
    Ok(Log {
        events: logged_with_verdicts(engine, &engine.store.events(&head)?)?,
    })
}

/// A whole session as one loss-free document.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Exported {
    pub format: u32,
    pub session: SessionHeader,
    /// The session's head commit.
    pub head: String,
    pub events: Vec<LoggedEvent>,
}

/// The session `spec` names (default: the current one), header and every event.
pub fn export(engine: &Engine, spec: Option<&str>) -> Result<Exported> {
    let head = engine.named_or_target(spec)?;
    let events = engine.store.events(&head)?;
    Ok(Exported {
        format: FORMAT,
        head: head.commit.to_string(),
        session: head.header,
        events: logged(&events),
    })
}
