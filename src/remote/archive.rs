//! Archived sessions and remotes: they travel only when named, under their
//! own name. `push SESSION` of an archived session updates the remote's
//! `refs/aura/archive/<id>`; `fetch REMOTE SESSION` also asks for
//! `refs/aura/archive/<id>*`. Neither is in the default refspecs, so plain
//! `push`, `push --all`, the `pre-push` hook and a plain `fetch` never carry
//! an archived session. What the remote holds is noted in
//! `refs/aura/remotes/<remote>/archive/<id>`, the lease of the next push.

use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use bstr::ByteSlice;
use gix::remote::Direction;
use gix::ObjectId;

use super::policy::{refuse_secrets, PushReport, PushResult, Pushed};
use super::{fetch, push_checked, RefResult, RefUpdate};
use crate::error::fail;
use crate::session::SessionId;
use crate::store::merge::Merged;
use crate::store::refs::{archive_id_of, archive_ref, fetch_archive_refspec};
use crate::store::{SessionHead, Store};

/// Pushes archived sessions to the remote's `refs/aura/archive/<id>`, with
/// the last value seen there as the lease (never forcing).
pub(crate) fn push_archived(
    store: &Store,
    remote: &str,
    heads: &[SessionHead],
    allow_secrets: bool,
    progress: bool,
) -> Result<PushReport> {
    let (_, tracking) = fetch::open(store, remote)?;
    let mut updates = Vec::new();
    for head in heads {
        updates.push(RefUpdate {
            name: archive_ref(head.id.as_str()),
            expected: store.archive_tracking(&tracking, &head.id)?,
            new: head.commit,
        });
    }
    let repo = store.repo();
    let scan = |tips: &[ObjectId], remote_has: &[ObjectId]| -> Result<()> {
        if allow_secrets {
            return Ok(());
        }
        refuse_secrets(repo, tips, remote_has)
    };
    let outcome = push_checked(repo, remote, &updates, progress, &scan)?;
    let mut report = PushReport {
        sessions: Vec::new(),
        bytes: outcome.bytes_sent,
    };
    for (update, head) in updates.iter().zip(heads) {
        let result = outcome
            .results
            .iter()
            .find(|(name, _)| *name == update.name)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| RefResult::Rejected(super::Rejection::no_answer()));
        let (result, reason) = match result {
            RefResult::Ok => {
                store.set_archive_tracking(&tracking, &head.id, update.new)?;
                let r = if update.expected == Some(update.new) {
                    PushResult::UpToDate
                } else {
                    PushResult::Pushed
                };
                (r, None)
            }
            RefResult::Rejected(r) => (
                PushResult::Rejected,
                Some(format!(
                    "{} (the remote's archived copy differs: `git session fetch {remote} {}` first)",
                    r.message, head.id
                )),
            ),
        };
        report.sessions.push(Pushed {
            session: head.id.clone(),
            name: head.header.name.clone(),
            result,
            reason,
            commit: update.new.to_string(),
        });
    }
    Ok(report)
}

/// What fetching archived sessions brought.
pub(crate) struct FetchedArchive {
    /// The remote's name under `refs/aura/remotes/`.
    pub remote: String,
    pub sessions: Vec<(SessionId, Merged)>,
    pub failed: Vec<(SessionId, String)>,
    pub bytes: u64,
}

/// Fetches the remote's archived sessions whose ids start with one of
/// `prefixes` (never all: an archived session travels only when named) and
/// lands each here (see [`Store::land_archived`]).
pub(crate) fn fetch_archived(
    store: &Store,
    name_or_url: &str,
    prefixes: &[String],
    progress: bool,
) -> Result<FetchedArchive> {
    let (mut remote, tracking) = fetch::open(store, name_or_url)?;
    let mut out = FetchedArchive {
        remote: tracking.clone(),
        sessions: Vec::new(),
        failed: Vec::new(),
        bytes: 0,
    };
    if prefixes.is_empty() {
        return Ok(out);
    }
    // Patterns, never exact names: a remote without the archived session
    // is no error (gix refuses an exact refspec that matches nothing).
    let specs: Vec<String> = prefixes
        .iter()
        .map(|id| fetch_archive_refspec(&tracking, id, false))
        .collect();
    remote
        .replace_refspecs(specs.iter().map(String::as_str), Direction::Fetch)
        .context("cannot set the fetch refspecs")?;
    let remote = remote.with_fetch_tags(gix::remote::fetch::Tags::None);
    let connection = remote
        .connect(Direction::Fetch)
        .map_err(|err| fail(format!("cannot connect to {name_or_url}: {err}")))?;
    let outcome = connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|err| fail(format!("cannot fetch from {name_or_url}: {err}")))?
        .receive(
            gix::progress::DoOrDiscard::from(progress.then(|| super::progress::Line::new("fetch"))),
            &AtomicBool::new(false),
        )
        .map_err(|err| fail(format!("cannot fetch from {name_or_url}: {err}")))?;
    if let gix::remote::fetch::Status::Change { write_pack_bundle, .. } = &outcome.status {
        out.bytes = write_pack_bundle
            .data_path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
    }
    let mut found: Vec<(SessionId, ObjectId)> = Vec::new();
    for mapping in &outcome.ref_map.mappings {
        let (Some(name), Some(id)) = (mapping.remote.as_name(), mapping.remote.as_id()) else {
            continue;
        };
        let Some(session) = archive_id_of(&name.to_str_lossy()).and_then(|id| SessionId::parse(id).ok()) else {
            continue;
        };
        found.push((session, id.to_owned()));
    }
    found.sort();
    found.dedup();
    let (author, time) = store.identity()?;
    for (id, tip) in found {
        match store.land_archived(&id, tip, &tracking, &author, &time) {
            Ok(merged) => out.sessions.push((id, merged)),
            Err(err) => out.failed.push((id, format!("{err:#}"))),
        }
    }
    Ok(out)
}
