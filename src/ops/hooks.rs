//! git hooks: installing them (`hooks install|uninstall|status`) and what
//! the installed scripts run (`hook prepare-commit-msg`, `hook post-commit`).
//! A hook never stops or slows a commit: it reads `aura/current` and the
//! session head only (no snapshot, no listing).

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Engine;
use crate::session::trailers;
use crate::store::hooks::{HookChange, HookState, ALL_HOOKS, HOOK_NAMES, VERIFY_HOOK};

/// What `hooks install` or `hooks uninstall` did, per hook.
#[derive(Clone, Debug)]
pub struct HookReport {
    /// The directory git runs hooks from.
    pub dir: PathBuf,
    pub hooks: Vec<(&'static str, HookChange)>,
}

/// One installed (or absent) hook.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum HookStatus {
    Absent,
    Foreign,
    Installed {
        binary: String,
        binary_exists: bool,
        chained: bool,
    },
}

/// Which hooks are installed, and where.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HooksStatus {
    pub dir: String,
    /// Each hook, in the order git runs them; a JSON object by name.
    #[serde(serialize_with = "by_name")]
    pub hooks: Vec<(&'static str, HookStatus)>,
}

fn by_name<S: serde::Serializer>(hooks: &[(&'static str, HookStatus)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(hooks.iter().map(|(name, status)| (name, status)))
}

/// Installs the `prepare-commit-msg` and `post-commit` hooks running
/// `binary`, chained after the hooks already there; with `verify`, also the
/// `commit-msg` hook that checks a commit against the intent's scope.
pub fn hooks_install(engine: &Engine, binary: &Path, verify: bool) -> Result<HookReport> {
    let dir = engine.store.hooks_dir();
    let mut hooks = Vec::new();
    for name in HOOK_NAMES {
        hooks.push((name, engine.store.install_hook(&dir, name, binary)?));
    }
    if verify {
        hooks.push((VERIFY_HOOK, engine.store.install_hook(&dir, VERIFY_HOOK, binary)?));
    }
    Ok(HookReport { dir, hooks })
}

/// Removes the hooks and puts back the ones they ran first, byte for byte.
pub fn hooks_uninstall(engine: &Engine) -> Result<HookReport> {
    let dir = engine.store.hooks_dir();
    let mut hooks = Vec::new();
    for name in ALL_HOOKS {
        hooks.push((name, engine.store.uninstall_hook(&dir, name)?));
    }
    Ok(HookReport { dir, hooks })
}

/// Which hooks are installed, and where.
pub fn hooks_status(engine: &Engine) -> HooksStatus {
    let dir = engine.store.hooks_dir();
    let hooks = ALL_HOOKS
        .iter()
        .map(|name| {
            let status = match engine.store.hook_state(&dir, name) {
                HookState::Absent => HookStatus::Absent,
                HookState::Foreign => HookStatus::Foreign,
                HookState::Ours { binary, chained } => HookStatus::Installed {
                    binary_exists: binary.is_file(),
                    binary: binary.to_string_lossy().into_owned(),
                    chained,
                },
            };
            (*name, status)
        })
        .collect();
    HooksStatus {
        dir: dir.to_string_lossy().into_owned(),
        hooks,
    }
}

/// `prepare-commit-msg`: adds `Session-Id` and `Session-Intent` trailers to
/// the message in `file`, where `git interpret-trailers` would, unless the
/// message carries this session already.
pub fn hook_prepare_commit_msg(engine: &Engine, file: &Path) -> Result<()> {
    if engine.store.current()?.is_none() {
        return Ok(());
    }
    let target = engine.target()?;
    let message = std::fs::read_to_string(file)?;
    let id = target.head.id.as_str();
    let intent = target
        .head
        .header
        .intent
        .as_ref()
        .and_then(|i| i.text.lines().next())
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // An amended or reused message that carries this session keeps its trailers.
    if trailers::has_trailer(&message, "Session-Id", id) {
        return Ok(());
    }
    let mut wanted = vec![("Session-Id", id)];
    if let Some(intent) = intent {
        wanted.push(("Session-Intent", intent));
    }
    let comment = engine
        .store
        .config_string("core.commentString")
        .or_else(|| engine.store.config_string("core.commentChar"))
        .filter(|c| !c.is_empty() && c != "auto")
        .unwrap_or_else(|| "#".to_owned());
    if let Some(new) = trailers::add_trailers(&message, &wanted, &comment) {
        std::fs::write(file, new)?;
    }
    Ok(())
}

/// What `session.verify` asks of the `commit-msg` hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyMode {
    Off,
    Warn,
    Block,
}

/// A staged change with files outside the current intent's scope.
#[derive(Clone, Debug)]
pub struct OutOfScope {
    pub mode: VerifyMode,
    pub intent: String,
    pub scope: Vec<String>,
    /// The staged files outside it (all of them).
    pub outside: Vec<String>,
}

/// `commit-msg` (`hooks install --verify`): the staged files outside the
/// current intent's scope, when `session.verify` is not `off`, there is a
/// current session and its intent declared a scope; else `None`. Reads
/// `aura/current`, the session's head and, only then, the index and HEAD's tree.
pub fn hook_commit_msg(engine: &Engine) -> Result<Option<OutOfScope>> {
    let mode = match engine
        .store
        .config_string("session.verify")
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        None => VerifyMode::Warn,
        Some(v) if v == "warn" => VerifyMode::Warn,
        Some(v) if v == "block" => VerifyMode::Block,
        Some(v) if v == "off" || v == "false" => VerifyMode::Off,
        Some(other) => {
            return Err(crate::error::fail(format!(
                "session.verify is '{other}'; it takes off, warn or block (nothing checked)"
            )))
        }
    };
    if mode == VerifyMode::Off || engine.store.current()?.is_none() {
        return Ok(None);
    }
    let target = engine.target()?;
    let header = &target.head.header;
    if header.scope.is_empty() {
        return Ok(None);
    }
    let Some(intent) = &header.intent else {
        return Ok(None);
    };
    let staged = engine.store.staged_paths()?;
    let verdict = crate::summary::Verdict::judge(Some(&intent.id), &header.scope, &staged);
    match verdict.verdict {
        crate::summary::VerdictKind::Flagged => Ok(Some(OutOfScope {
            mode,
            intent: intent.text.clone(),
            scope: header.scope.clone(),
            outside: verdict.outside,
        })),
        crate::summary::VerdictKind::Consistent => Ok(None),
        crate::summary::VerdictKind::Unresolved => Err(crate::error::fail(format!(
            "the intent's scope cannot be checked: {}",
            verdict.reason.unwrap_or_default()
        ))),
    }
}

/// `post-commit`: records the commit just made into the current session.
pub fn hook_post_commit(engine: &Engine) -> Result<()> {
    if engine.store.current()?.is_none() {
        return Ok(());
    }
    let target = engine.target()?;
    engine.store.record(&target, Vec::new())?;
    Ok(())
}
