//! Sessions and remotes: `fetch`, `push`, `sync`, `handoff`, `remote setup`.

use anyhow::Result;

use super::{knowledge, non_empty, Engine, Landed};
use crate::error::{fail, fail_with_hint};
use crate::remote::policy::{self, PushResult};
use crate::session::event::Handoff;
use crate::session::{Body, SessionId};
use crate::store::hooks::{HookChange, PRE_PUSH};
use crate::store::merge::Merged;
use crate::store::Listed;

/// The size of the brief attached to a handoff.
const BRIEF_LIMIT: usize = 10_000;

/// Session arguments of `fetch`/`push` as id prefixes: a session known here
/// by name or prefix gives its id; other hexadecimal text is taken as an id
/// prefix of a session on the remote.
fn session_prefixes(engine: &Engine, specs: &[String]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for spec in specs {
        match engine.store.resolve_quietly(spec) {
            Ok(head) => ids.push(head.id.to_string()),
            Err(_) if spec.len() >= 4 && spec.bytes().all(|b| b.is_ascii_hexdigit()) => {
                ids.push(spec.to_ascii_lowercase())
            }
            Err(err) => return Err(err),
        }
    }
    Ok(ids)
}

/// One session a fetch brought, and what merging it did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FetchedSession {
    #[serde(flatten)]
    pub merged: Merged,
    pub session: SessionId,
    /// Its name here after the merge.
    #[serde(skip)]
    pub name: String,
}

/// A session a fetch brought but could not merge.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotMerged {
    pub session: SessionId,
    pub error: String,
    /// Whether the user asked for it by name or id (then the fetch failed).
    pub asked: bool,
}

/// What a fetch did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Fetched {
    /// The remote's name under `refs/aura/remotes/`.
    pub remote: String,
    pub sessions: Vec<FetchedSession>,
    pub pruned: Vec<String>,
    pub bytes: u64,
    /// Sessions left unmerged (each also warned about).
    pub failed: Vec<NotMerged>,
}

impl Fetched {
    /// Whether a session the user named could not be merged.
    pub fn failed_asked(&self) -> bool {
        self.failed.iter().any(|f| f.asked)
    }
}

/// Fetches sessions (all, or those `sessions` name: ids, id prefixes or
/// names known here) from `remote` (default: `session.remote`, the
/// branch's upstream remote, `origin`) and merges each into the local one.
pub fn fetch(engine: &Engine, remote: Option<&str>, sessions: &[String], prune: bool) -> Result<Fetched> {
    let remote = engine.remote_or_default(remote)?;
    let ids = session_prefixes(engine, sessions)?;
    let report = super::retain::fetch_with_archived(engine, &remote, &ids, prune)?;
    let failed: Vec<NotMerged> = report
        .failed
        .iter()
        .map(|(id, error)| {
            engine.warn(&format!("left session {id} from {} as it was: {error}", report.remote));
            NotMerged {
                session: id.clone(),
                error: error.clone(),
                asked: ids.iter().any(|p| id.as_str().starts_with(p.as_str())),
            }
        })
        .collect();
    if report.sessions.is_empty() && failed.is_empty() && !sessions.is_empty() {
        return Err(fail_with_hint(
            format!("{} has none of the sessions asked for", report.remote),
            format!(
                "`git session list --remote {} --refresh` lists what it has",
                report.remote
            ),
        ));
    }
    let mut out = Vec::new();
    for (id, merged) in report.sessions {
        let name = match engine.store.head(&id)? {
            Some(h) => h.header.name,
            None => engine
                .store
                .archived_head(&id)?
                .map(|h| h.header.name)
                .unwrap_or_else(|| id.to_string()),
        };
        out.push(FetchedSession {
            merged,
            session: id,
            name,
        });
    }
    Ok(Fetched {
        remote: report.remote,
        sessions: out,
        pruned: report.pruned,
        bytes: report.bytes,
        failed,
    })
}

/// Whether `word` reads as a URL or a path (what git would take as a
/// remote's location) rather than a remote's name.
fn looks_like_url(word: &str) -> bool {
    word.contains("://")
        || word.starts_with('/')
        || word.starts_with('.')
        || word.starts_with('~')
        || word.contains(':')
        || std::path::Path::new(word).exists()
}

/// Notes the sessions that reached `remote` as shared with it (when it is a
/// configured remote): the `pre-push` hook of `remote setup` carries them
/// along with plain `git push` to it.
fn remember_shared(engine: &Engine, remote: &str, pushed: &[policy::Pushed]) -> Result<()> {
    if !engine.store.has_remote(remote) {
        return Ok(());
    }
    for p in pushed.iter().filter(|p| p.result != PushResult::Rejected) {
        engine.store.register_shared(remote, &p.session)?;
    }
    Ok(())
}

/// What to push.
#[derive(Clone, Debug, Default)]
pub struct PushInput {
    /// A remote name or URL (default: `session.remote`, the branch's upstream remote, `origin`).
    pub remote: Option<String>,
    /// The sessions (default: the target one).
    pub sessions: Vec<String>,
    /// Every local session.
    pub all: bool,
    /// Push even if the secrets scan finds something.
    pub allow_secrets: bool,
}

/// What a push did: per session `pushed`, `up-to-date` or `rejected` (with
/// the remote's reason). A rejection is a result, not an error.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Pushed {
    pub remote: String,
    pub sessions: Vec<policy::Pushed>,
    pub bytes: u64,
}

impl Pushed {
    /// Whether the remote refused any session.
    pub fn rejected(&self) -> bool {
        self.sessions.iter().any(|r| r.result == PushResult::Rejected)
    }
}

/// Pushes sessions, never forcing (see `remote::policy`).
pub fn push(engine: &Engine, input: &PushInput) -> Result<Pushed> {
    // `push SESSION`: a first word that is no remote and no URL but names a
    // session is a session, pushed to the default remote.
    let mut sessions = input.sessions.clone();
    let mut named = input.remote.clone();
    if let Some(word) = &input.remote {
        if !engine.store.has_remote(word) && !looks_like_url(word) {
            if engine.store.resolve_quietly(word).is_ok() {
                sessions.insert(0, word.clone());
                named = None;
            } else {
                return Err(fail_with_hint(
                    format!("'{word}' is neither a configured remote, a URL nor a session"),
                    "`git remote -v` lists the remotes, `git session list --all` the sessions",
                ));
            }
        }
    }
    let input = PushInput {
        remote: named,
        sessions,
        ..input.clone()
    };
    let remote = engine.remote_or_default(input.remote.as_deref())?;
    let ids: Vec<SessionId> = if input.all {
        engine
            .store
            .list()?
            .into_iter()
            .filter_map(|l| match l {
                Listed::Ok(s) => Some(s.id),
                Listed::Broken { .. } => None,
            })
            .collect()
    } else if input.sessions.is_empty() {
        vec![engine.target()?.head.id]
    } else {
        input
            .sessions
            .iter()
            .map(|s| engine.store.resolve_quietly(s).map(|h| h.id))
            .collect::<Result<_>>()?
    };
    let (ids, archived) = super::retain::split_archived(engine, ids)?;
    let mut report = policy::PushReport {
        sessions: Vec::new(),
        bytes: 0,
    };
    if !ids.is_empty() || archived.is_empty() {
        report = policy::push_sessions(&engine.store, &remote, &ids, input.allow_secrets, engine.progress)?;
        remember_shared(engine, &remote, &report.sessions)?;
    }
    super::retain::push_named_archived(engine, &remote, &archived, input.allow_secrets, &mut report)?;
    Ok(Pushed {
        remote,
        sessions: report.sessions,
        bytes: report.bytes,
    })
}

/// What a sync did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Synced {
    pub remote: String,
    /// What fetching and merging the session did (`null` when the remote does not have it yet).
    pub fetched: Option<Merged>,
    pub pushed: policy::Pushed,
}

/// Fetches the target session from `remote`, merges it and pushes the result.
pub fn sync(engine: &Engine, remote: Option<&str>, allow_secrets: bool) -> Result<Synced> {
    let remote = engine.remote_or_default(remote)?;
    let id = engine.target()?.head.id;
    let fetched = policy::fetch_sessions(&engine.store, &remote, &[id.to_string()], false, engine.progress)?;
    if let Some((_, error)) = fetched.failed.first() {
        return Err(fail(format!("cannot merge the session from {remote}: {error}")));
    }
    let merged = fetched.sessions.into_iter().find(|(f, _)| *f == id).map(|(_, m)| m);
    let report = policy::push_sessions(
        &engine.store,
        &remote,
        std::slice::from_ref(&id),
        allow_secrets,
        engine.progress,
    )?;
    remember_shared(engine, &remote, &report.sessions)?;
    let pushed = report
        .sessions
        .into_iter()
        .next()
        .ok_or_else(|| fail("the push gave no result"))?;
    Ok(Synced {
        remote,
        fetched: merged,
        pushed,
    })
}

/// How to hand over.
#[derive(Clone, Debug, Default)]
pub struct HandoffInput {
    /// What whoever picks the session up should know.
    pub message: Option<String>,
    /// Who it is handed to (free text).
    pub to: Option<String>,
    /// Push to this remote or URL (default: `session.remote`, the branch's
    /// upstream remote, `origin`, when it is configured).
    pub remote: Option<String>,
    /// Push, even when `session.autoPush` is false (an error without a remote).
    pub push: bool,
    /// Record the handoff and push nothing.
    pub no_push: bool,
    pub allow_secrets: bool,
}

/// A session handed over.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HandedOff {
    #[serde(flatten)]
    pub landed: Landed,
    /// Where it was pushed (`null`: kept local).
    pub remote: Option<String>,
    pub pushed: Option<policy::Pushed>,
    /// The remote's fetch URL, for whoever continues.
    #[serde(skip)]
    pub url: Option<String>,
    /// Kept local because `session.autoPush` is false, although there is
    /// a remote to push to.
    #[serde(skip)]
    pub auto_push_off: bool,
}

/// Hands the target session over: a final snapshot (from its own work
/// tree), the note, the brief and the summary as attachments, the status
/// `handed-over`, and a push.
pub fn handoff(engine: &Engine, input: &HandoffInput) -> Result<HandedOff> {
    let target = engine.target()?;
    if !target.head.header.status.is_open() {
        return Err(fail(format!(
            "session '{}' is {}; only an open session can be handed over",
            target.head.header.name,
            target.head.header.status.as_str()
        )));
    }
    // Where it goes, checked before anything is recorded: `--remote` or
    // `--push` push; otherwise `session.autoPush` (default true) pushes to
    // the default remote when there is one.
    let auto_push = engine.store.config_bool("session.autoPush")?.unwrap_or(true);
    let mut auto_push_off = false;
    let remote = match (&input.remote, input.no_push) {
        (_, true) => None,
        (Some(r), _) => Some(r.clone()),
        (None, false) => {
            let r = engine.default_remote()?;
            auto_push_off = !auto_push && !input.push && engine.store.has_remote(&r);
            if engine.store.has_remote(&r) && (auto_push || input.push) {
                Some(r)
            } else if input.push {
                return Err(fail_with_hint(
                    format!("there is no remote named '{r}' to push the handoff to; nothing was recorded"),
                    "name one with `--remote REMOTE` (a remote or a URL), or `git remote add`",
                ));
            } else {
                None
            }
        }
    };
    let text = input
        .message
        .as_deref()
        .map(|m| non_empty(m, "the handoff note"))
        .transpose()?;
    let body = Body::Handoff(Handoff {
        text,
        to: input.to.clone(),
        snapshot: None,
    });
    let mut event = if target.current.is_some() && engine.store.has_workdir() {
        engine.snapshot_event(body)?.0
    } else {
        engine.event(body)?
    };
    // The brief a successor reads first travels inside the handoff commit.
    let brief = crate::summary::brief(
        &engine.store,
        &target.head,
        BRIEF_LIMIT,
        knowledge::context_files(engine),
    )?;
    let summary = crate::summary::summary_markdown(&crate::summary::summarize(&engine.store, &target.head)?);
    event
        .attachments
        .insert("handoff.md".into(), engine.store.write_blob(brief.render().as_bytes())?);
    event
        .attachments
        .insert("summary.md".into(), engine.store.write_blob(summary.as_bytes())?);
    let (head, events) = engine.store.record(&target, vec![event])?;
    if target.current.is_some() {
        engine.store.clear_current()?;
    }
    let mut pushed = None;
    if let Some(remote) = &remote {
        let report = policy::push_sessions(
            &engine.store,
            remote,
            std::slice::from_ref(&head.id),
            input.allow_secrets,
            engine.progress,
        )?;
        remember_shared(engine, remote, &report.sessions)?;
        pushed = report.sessions.into_iter().next();
    }
    Ok(HandedOff {
        landed: Landed::new(&head, events),
        url: remote
            .as_deref()
            .map(|r| engine.store.remote_url(r).unwrap_or_else(|| r.to_owned())),
        auto_push_off,
        remote,
        pushed,
    })
}

/// What `remote setup` changed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RemoteSetup {
    pub remote: String,
    /// `remote.<r>.<key> <value>` lines added (none when it carried sessions already).
    pub added: Vec<String>,
    /// Push refspecs of earlier versions taken out (they let plain `git
    /// push` send every session unscanned).
    pub removed: Vec<String>,
    /// What became of the `pre-push` hook.
    #[serde(skip)]
    pub hook: HookChange,
    /// The hooks directory.
    pub hooks_dir: String,
    /// The session now shared with the remote (the current one).
    pub shared: Option<SessionId>,
}

impl RemoteSetup {
    /// Whether anything changed.
    pub fn changed(&self) -> bool {
        !self.added.is_empty()
            || !self.removed.is_empty()
            || self.hook != HookChange::Unchanged
            || self.shared.is_some()
    }
}

/// Opts `remote` (default: `session.remote`, the branch's upstream remote,
/// `origin`) in to carrying sessions with plain git: `git fetch` brings its
/// sessions beside the local ones (a fetch refspec), and `git push` to it
/// also pushes the sessions shared with it — through a `pre-push` hook
/// (running `binary`) that pushes them as `git session push` does, secrets
/// scan included, and stops the push when the scan finds something. The
/// current session, if any, becomes shared with it. How plain git pushes
/// branches does not change.
pub fn remote_setup(engine: &Engine, remote: Option<&str>, binary: &std::path::Path) -> Result<RemoteSetup> {
    let remote = engine.remote_or_default(remote)?;
    if !engine.store.has_remote(&remote) {
        return Err(fail_with_hint(
            format!("there is no remote named '{remote}'"),
            "`git remote -v` lists them; `git remote add NAME URL` adds one",
        ));
    }
    let (added, removed) = engine.store.set_session_refspecs(&remote)?;
    let dir = engine.store.hooks_dir();
    let hook = engine.store.install_hook(&dir, PRE_PUSH, binary)?;
    let mut shared = None;
    if let Some(current) = engine.store.current()? {
        if !engine.store.shared_with(&remote).contains(&current.session) {
            engine.store.register_shared(&remote, &current.session)?;
            shared = Some(current.session);
        }
    }
    Ok(RemoteSetup {
        remote,
        added,
        removed,
        hook,
        hooks_dir: dir.display().to_string(),
        shared,
    })
}

/// `pre-push` (plain `git push` to `remote`): pushes the sessions shared
/// with it, scanned as `git session push` scans them. A secret found is an
/// error (the hook then stops the push); a session the remote refuses is
/// warned about and does not stop it.
pub fn hook_pre_push(engine: &Engine, remote: &str) -> Result<()> {
    let ids: Vec<SessionId> = engine
        .store
        .shared_with(remote)
        .into_iter()
        .filter(|id| engine.store.head(id).ok().flatten().is_some())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let report = policy::push_sessions(&engine.store, remote, &ids, false, false)?;
    for r in report.sessions.iter().filter(|r| r.result == PushResult::Rejected) {
        engine.warn(&format!(
            "session '{}' was not pushed to {remote}: {}",
            r.name,
            r.reason.as_deref().unwrap_or("refused")
        ));
    }
    Ok(())
}
