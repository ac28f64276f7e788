//! How sessions travel: a push merges what the remote had at the last fetch,
//! is scanned for secrets, sends every ref with the old value it expects
//! (the server does the compare-and-swap), and when the remote moved
//! fetches, merges and tries again; a fetch merges every session it brought
//! into the local one (docs/design.md, "Remotes"; invariants 5 and 8).

use anyhow::Result;
use gix::ObjectId;

use super::fetch;
use super::{push_checked, Reason, RefResult, RefUpdate};
use crate::error::fail_with_hint;
use crate::session::SessionId;
use crate::store::merge::Merged;
use crate::store::refs::session_ref;
use crate::store::Store;

/// How many times a push rejected because the remote moved is retried after
/// fetching and merging.
const ATTEMPTS: usize = 3;

/// What became of one pushed session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PushResult {
    Pushed,
    UpToDate,
    Rejected,
}

impl PushResult {
    pub fn as_str(self) -> &'static str {
        match self {
            PushResult::Pushed => "pushed",
            PushResult::UpToDate => "up-to-date",
            PushResult::Rejected => "rejected",
        }
    }
}

/// One session of a push.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pushed {
    pub session: SessionId,
    pub name: String,
    pub result: PushResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub commit: String,
}

/// What a push did: each session's result and the bytes sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PushReport {
    pub sessions: Vec<Pushed>,
    pub bytes: u64,
}

/// Pushes sessions `ids` to `remote`: merge what was fetched before, scan for
/// secrets (unless `allow_secrets`), push with leases, and when the remote
/// moved meanwhile fetch, merge and retry.
pub(crate) fn push_sessions(
    store: &Store,
    remote: &str,
    ids: &[SessionId],
    allow_secrets: bool,
    progress: bool,
) -> Result<PushReport> {
    let (_, tracking_name) = fetch::open(store, remote)?;
    // The secrets scan and the push both walk the new commits and trees (and
    // each walk reads every commit twice): a cache of decoded objects makes
    // the repeated reads of these mostly loose objects free.
    let mut repo = store.repo().clone();
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let (author, time) = store.identity()?;
    let mut report = PushReport {
        sessions: Vec::new(),
        bytes: 0,
    };
    let mut todo: Vec<SessionId> = ids.to_vec();
    for attempt in 0..ATTEMPTS {
        // What the remote had at the last fetch is merged in first, so every
        // push is a fast-forward of what it expects.
        let mut updates = Vec::new();
        for id in &todo {
            if let Some(theirs) = store.tracking(&tracking_name, id)? {
                store.merge_in(id, theirs, &tracking_name, &author, &time)?;
            }
            let head = store
                .head(id)?
                .ok_or_else(|| crate::error::fail(format!("session {id} does not exist")))?;
            updates.push(RefUpdate {
                name: session_ref(id.as_str()),
                expected: store.tracking(&tracking_name, id)?,
                new: head.commit,
            });
        }
        // Scanned is exactly what the remote is about to receive: every
        // object reachable from the new heads that it does not advertise.
        let scan = |tips: &[ObjectId], remote_has: &[ObjectId]| -> Result<()> {
            if allow_secrets {
                return Ok(());
            }
            let started = std::time::Instant::now();
            let result = refuse_secrets(&repo, tips, remote_has);
            super::report_time("scan_for_secrets", started.elapsed());
            result
        };
        let started = std::time::Instant::now();
        let outcome = push_checked(&repo, remote, &updates, progress, &scan)?;
        super::report_time("remote::push", started.elapsed());
        report.bytes += outcome.bytes_sent;
        let mut retry = Vec::new();
        for (update, id) in updates.iter().zip(&todo) {
            let result = outcome
                .results
                .iter()
                .find(|(name, _)| *name == update.name)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| RefResult::Rejected(super::Rejection::no_answer()));
            let name = store.head(id)?.map(|h| h.header.name).unwrap_or_default();
            match result {
                RefResult::Ok => {
                    store.set_tracking(&tracking_name, id, update.new, "git-session push")?;
                    report.sessions.push(Pushed {
                        session: id.clone(),
                        name,
                        result: if update.expected == Some(update.new) {
                            PushResult::UpToDate
                        } else {
                            PushResult::Pushed
                        },
                        reason: None,
                        commit: update.new.to_string(),
                    });
                }
                RefResult::Rejected(r) if r.reason == Reason::Moved && attempt + 1 < ATTEMPTS => retry.push(id.clone()),
                RefResult::Rejected(r) => report.sessions.push(Pushed {
                    session: id.clone(),
                    name,
                    result: PushResult::Rejected,
                    reason: Some(r.message),
                    commit: update.new.to_string(),
                }),
            }
        }
        if retry.is_empty() {
            break;
        }
        // The remote moved since we last looked: fetch those sessions; the
        // next round merges them and pushes again.
        let prefixes: Vec<String> = retry.iter().map(|id| id.as_str().to_owned()).collect();
        fetch::fetch(store, remote, &prefixes, false, progress)?;
        for id in &retry {
            if let Some(theirs) = store.tracking(&tracking_name, id)? {
                store.merge_in(id, theirs, &tracking_name, &author, &time)?;
            }
        }
        todo = retry;
    }
    Ok(report)
}

/// Refuses the push when a blob it would send — reachable from `tips`, not
/// from what the remote has — looks like a secret. The user's own branches
/// are not skipped: a token committed on a branch never pushed would
/// otherwise leave unscanned as a session's anchor.
pub(super) fn refuse_secrets(repo: &gix::Repository, tips: &[ObjectId], remote_has: &[ObjectId]) -> Result<()> {
    let findings = crate::secrets::scan_new_blobs(repo, tips, remote_has)?;
    if findings.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = findings
        .iter()
        .map(|f| {
            let what = crate::secrets::describe(f.rule);
            format!("  {}:{}: {}, {what} ({})", f.path, f.line, f.rule, f.excerpt)
        })
        .collect();
    Err(fail_with_hint(
        format!(
            "the push would send what looks like a secret; nothing was sent:\n{}",
            list.join("\n")
        ),
        "if it is not a secret, push with --allow-secrets; if it is, revoke it: the session's snapshots hold it",
    ))
}

/// What a fetch did to each session it brought.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct FetchReport {
    /// The remote's name under `refs/aura/remotes/`.
    pub remote: String,
    /// Each session the remote has (of those asked for) and what merging it did.
    pub sessions: Vec<(SessionId, Merged)>,
    /// Remote-tracking refs removed because the session is gone from the remote.
    pub pruned: Vec<String>,
    /// Bytes of pack received.
    pub bytes: u64,
    /// Sessions that could not be merged (a future format, a corrupt or
    /// forged head), with why; the others are merged all the same.
    pub failed: Vec<(SessionId, String)>,
}

/// Fetches the sessions whose ids start with one of `prefixes` (all when
/// empty) and merges each into the local session: created, fast-forwarded
/// or joined by a `merge` event. The claims of a session that changed are
/// registered. A session that cannot be merged is left out (in `failed`)
/// and never stops the others.
pub(crate) fn fetch_sessions(
    store: &Store,
    remote: &str,
    prefixes: &[String],
    prune: bool,
    progress: bool,
) -> Result<FetchReport> {
    let fetched = fetch::fetch(store, remote, prefixes, prune, progress)?;
    // A merge killed mid-way leaves the lock of the session's ref, which
    // merge_in's compare-and-swap does not wait past.
    store.remove_stale_session_locks();
    let (author, time) = store.identity()?;
    let mut sessions = Vec::new();
    let mut failed = Vec::new();
    for (id, tip) in &fetched.sessions {
        let merged = match store.merge_in(id, *tip, &fetched.remote, &author, &time) {
            Ok(merged) => merged,
            Err(err) => {
                failed.push((id.clone(), format!("{err:#}")));
                continue;
            }
        };
        if merged != Merged::UpToDate {
            if let Some(head) = store.head(id)? {
                if !head.header.claims.is_empty() || store.claims().iter().any(|(c, _)| c == id.as_str()) {
                    store.register_claims(id.as_str(), &head.header.claims)?;
                }
            }
        }
        sessions.push((id.clone(), merged));
    }
    Ok(FetchReport {
        remote: fetched.remote,
        sessions,
        pruned: fetched.pruned,
        bytes: fetched.bytes,
        failed,
    })
}
