//! git-session: work sessions recorded as git objects under `refs/aura/sessions/`.
//!
//! The binary (`src/main.rs`) is a thin shell around [`run`]. The layers are
//! described in `docs/design.md` §5, from the bottom: `session` (the domain,
//! no gix); `diff`, `snapshot`, `secrets` (git primitives on a repository);
//! `store` (sessions as commits and refs; the only owner of the repository);
//! `rewind`, `remote` (the machinery over the store); `render` (text views);
//! `summary` (folds, the brief); `ops` (the engine: one function per
//! operation, typed results); `cmd` (the command line over `ops`).

pub mod cli;
pub mod cmd;
pub mod diff;
pub mod error;
pub mod ops;
pub mod remote;
pub mod render;
pub mod rewind;
pub mod secrets;
pub mod session;
pub mod snapshot;
pub mod store;
pub mod summary;
#[cfg(test)]
mod testing;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    cmd::run(cli)
}
