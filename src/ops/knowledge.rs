//! Reading a session in a minute: `summarize` and the `context` brief.

use anyhow::Result;

use super::Engine;
use crate::summary::{Brief, Summary};

/// Files read when the repository has them, unless `session.contextFiles`
/// (a space- or comma-separated list of paths) says otherwise.
const DEFAULT_CONTEXT_FILES: &[&str] = &["AGENTS.md", "CLAUDE.md", "GEMINI.md", ".github/copilot-instructions.md"];

const DEFAULT_LIMIT: usize = 10_000;

/// The summary of the session `spec` names (default: the current one).
pub fn summarize(engine: &Engine, spec: Option<&str>) -> Result<Summary> {
    let head = engine.named_or_target(spec)?;
    crate::summary::summarize(&engine.store, &head)
}

/// What brief to make.
#[derive(Clone, Debug, Default)]
pub struct ContextInput {
    pub session: Option<String>,
    /// At most this many characters (default: `session.contextLimit`, else 10,000).
    pub max_chars: Option<usize>,
}

/// The onboarding brief of a session for whoever continues it.
pub fn context(engine: &Engine, input: &ContextInput) -> Result<Brief> {
    let head = engine.named_or_target(input.session.as_deref())?;
    let limit = match input.max_chars {
        Some(n) => n,
        None => engine
            .store
            .config_integer("session.contextLimit")?
            .filter(|n| *n > 0)
            .map_or(DEFAULT_LIMIT, |n| n as usize),
    };
    crate::summary::brief(&engine.store, &head, limit, context_files(engine))
}

/// The project's context files that exist in the work tree: `(path, text)`.
pub(super) fn context_files(engine: &Engine) -> Vec<(String, String)> {
    let Some(workdir) = engine.workdir() else {
        return Vec::new();
    };
    let configured = engine.store.config_string("session.contextFiles");
    let names: Vec<String> = match &configured {
        Some(list) => list
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => DEFAULT_CONTEXT_FILES.iter().map(|s| (*s).to_owned()).collect(),
    };
    names
        .into_iter()
        .filter(|n| !n.split('/').any(|c| c == ".." || c.eq_ignore_ascii_case(".git")))
        .filter_map(|n| {
            let text = std::fs::read(workdir.join(&n)).ok()?;
            Some((n, String::from_utf8_lossy(&text).trim_end().to_owned()))
        })
        .collect()
}
