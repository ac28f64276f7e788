//! Fetching sessions with gix's fetch: remote session refs land in
//! `refs/aura/remotes/<remote>/sessions/<id>` (never over local refs), and
//! the caller merges each into `refs/aura/sessions/<id>`.

use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use bstr::ByteSlice;
use gix::remote::Direction;
use gix::ObjectId;

use crate::error::{fail, fail_with_hint};
use crate::session::SessionId;
use crate::store::refs::{fetch_all_refspec, fetch_refspec, remote_sessions_prefix, session_id_of};
use crate::store::Store;

/// What a fetch brought.
#[derive(Debug, Default)]
pub(crate) struct Fetched {
    /// The remote's name in `refs/aura/remotes/<name>/`.
    pub remote: String,
    /// Every session the remote has (of those asked for): id and head.
    pub sessions: Vec<(SessionId, ObjectId)>,
    /// Remote-tracking refs removed because the session is gone from the remote.
    pub pruned: Vec<String>,
    /// Bytes of pack received (0 when nothing new).
    pub bytes: u64,
}

/// The remote to talk to: a configured name or a URL, and the name its
/// remote-tracking refs live under.
pub(crate) fn open<'r>(store: &'r Store, name_or_url: &str) -> Result<(gix::Remote<'r>, String)> {
    let remote = store
        .repo()
        .find_fetch_remote(Some(name_or_url.as_bytes().as_bstr()))
        .map_err(|err| {
            fail_with_hint(
                format!("'{name_or_url}' is neither a configured remote nor a URL: {err}"),
                "`git remote -v` lists the remotes",
            )
        })?;
    let name = match remote.name() {
        Some(name) => name.as_bstr().to_string(),
        None => tracking_name_for_url(name_or_url),
    };
    Ok((remote, name))
}

/// A ref-name-safe name for a remote given as a URL: its letters and
/// digits, the rest turned into `-` (`file:///srv/team.git` → `file-srv-team-git`).
pub(crate) fn tracking_name_for_url(url: &str) -> String {
    let mut out = String::new();
    for c in url.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "url".to_owned()
    } else {
        out
    }
}

/// Fetches the sessions whose ids start with one of `ids` (all when empty)
/// from `name_or_url`. With `prune`, remote-tracking refs of sessions the
/// remote no longer has are removed (only when fetching all). With
/// `progress`, the transfer is shown on stderr.
pub(crate) fn fetch(store: &Store, name_or_url: &str, ids: &[String], prune: bool, progress: bool) -> Result<Fetched> {
    let (remote, name) = open(store, name_or_url)?;
    let specs: Vec<String> = if ids.is_empty() {
        vec![fetch_all_refspec(&name)]
    } else {
        ids.iter().map(|id| fetch_refspec(&name, id, id.len() == 32)).collect()
    };
    store.remove_stale_ref_locks(&remote_sessions_prefix(&name));
    let mut remote = remote;
    remote
        .replace_refspecs(specs.iter().map(String::as_str), Direction::Fetch)
        .context("cannot set the fetch refspecs")?;
    let remote = remote.with_fetch_tags(gix::remote::fetch::Tags::None);
    let connection = remote.connect(Direction::Fetch).map_err(|err| {
        fail_with_hint(
            format!("cannot connect to {name_or_url}: {err}"),
            "`git remote -v` lists the remotes; a URL or path must lead to a git repository",
        )
    })?;
    let outcome = connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|err| fail(format!("cannot fetch from {name_or_url}: {}", with_causes(&err))))?
        .receive(
            gix::progress::DoOrDiscard::from(progress.then(|| super::progress::Line::new("fetch"))),
            &AtomicBool::new(false),
        )
        .map_err(|err| fail(format!("cannot fetch from {name_or_url}: {}", with_causes(&err))))?;

    let mut fetched = Fetched {
        remote: name.clone(),
        ..Fetched::default()
    };
    if let gix::remote::fetch::Status::Change { write_pack_bundle, .. } = &outcome.status {
        fetched.bytes = write_pack_bundle
            .data_path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
    }
    for mapping in &outcome.ref_map.mappings {
        let (Some(remote_name), Some(id)) = (mapping.remote.as_name(), mapping.remote.as_id()) else {
            continue;
        };
        let Some(session) = session_id_of(&remote_name.to_str_lossy()).and_then(|id| SessionId::parse(id).ok()) else {
            continue;
        };
        fetched.sessions.push((session, id.to_owned()));
    }
    fetched.sessions.sort();
    fetched.sessions.dedup();

    if prune && ids.is_empty() {
        let here: std::collections::HashSet<&str> = fetched.sessions.iter().map(|(id, _)| id.as_str()).collect();
        let gone: Vec<String> = store
            .tracked_names(&name)?
            .into_iter()
            .filter(|id| !here.contains(id.as_str()))
            .collect();
        for id in gone {
            store.delete_tracking(&name, &id)?;
            fetched.pruned.push(id);
        }
    }
    Ok(fetched)
}

/// What [`fetch_newest`] brought.
#[derive(Debug, Default)]
pub(crate) struct FetchedNewest {
    /// The fetch of the newest sessions.
    pub fetched: Fetched,
    /// Sessions the remote advertises in all.
    pub advertised: usize,
}

/// Fetches the `limit` newest sessions of `name_or_url` (ids are
/// time-ordered: the last `limit` ids it advertises), all when `limit` is 0
/// or it has no more. The remote is asked for its session refs first
/// (ls-refs of `refs/aura/sessions/`, nothing downloaded), then for those
/// sessions alone; remote-tracking refs of sessions it no longer has are
/// removed.
pub(crate) fn fetch_newest(store: &Store, name_or_url: &str, limit: usize, progress: bool) -> Result<FetchedNewest> {
    let (mut handle, name) = open(store, name_or_url)?;
    handle
        .replace_refspecs([fetch_all_refspec(&name).as_str()], Direction::Fetch)
        .context("cannot set the fetch refspec")?;
    let handle = handle.with_fetch_tags(gix::remote::fetch::Tags::None);
    let connection = handle
        .connect(Direction::Fetch)
        .map_err(|err| fail(format!("cannot connect to {name_or_url}: {err}")))?;
    let (map, _) = connection
        .ref_map(gix::progress::Discard, Default::default())
        .map_err(|err| fail(format!("cannot list the refs of {name_or_url}: {err}")))?;
    let mut advertised: Vec<String> = map
        .mappings
        .iter()
        .filter_map(|m| m.remote.as_name())
        .filter_map(|n| session_id_of(&n.to_str_lossy()).map(str::to_owned))
        .filter(|id| SessionId::parse(id).is_ok())
        .collect();
    advertised.sort();
    advertised.dedup();
    let total = advertised.len();
    if limit == 0 || total <= limit {
        let fetched = fetch(store, name_or_url, &[], true, progress)?;
        return Ok(FetchedNewest {
            fetched,
            advertised: total,
        });
    }
    let newest: Vec<String> = advertised[total - limit..].to_vec();
    let mut fetched = fetch(store, name_or_url, &newest, false, progress)?;
    let here: std::collections::HashSet<&str> = advertised.iter().map(String::as_str).collect();
    for id in store.tracked_names(&fetched.remote)? {
        if !here.contains(id.as_str()) {
            store.delete_tracking(&fetched.remote, &id)?;
            fetched.pruned.push(id);
        }
    }
    Ok(FetchedNewest {
        fetched,
        advertised: total,
    })
}

/// Where session `id` is on `remote` now (`None`: the remote lacks it),
/// asking for that one ref only (ls-refs with its name as the prefix) and
/// downloading nothing.
/// An error with the errors under it (`a: b: c`): gix's top error alone
/// ("Failed to consume the pack sent by the remote") hides the one that
/// says what to do ("No space left on device").
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        let next = err.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = err.source();
    }
    text
}

pub(crate) fn remote_head(store: &Store, remote: &str, id: &SessionId) -> Result<Option<ObjectId>> {
    let (mut handle, _) = open(store, remote)?;
    let name = crate::store::refs::session_ref(id.as_str());
    handle
        .replace_refspecs([name.as_str()], Direction::Fetch)
        .context("cannot set the fetch refspec")?;
    let handle = handle.with_fetch_tags(gix::remote::fetch::Tags::None);
    let connection = handle
        .connect(Direction::Fetch)
        .map_err(|err| fail(format!("cannot connect to {remote}: {err}")))?;
    let (map, _) = connection
        .ref_map(gix::progress::Discard, Default::default())
        .map_err(|err| fail(format!("cannot list the refs of {remote}: {err}")))?;
    Ok(map
        .mappings
        .iter()
        .filter(|m| m.remote.as_name().is_some_and(|n| n == name.as_bytes()))
        .find_map(|m| m.remote.as_id().map(ToOwned::to_owned)))
}
