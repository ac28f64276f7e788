//! git-session: work sessions recorded as git objects under `refs/aura/sessions/`.
//!
//! The binary (`src/main.rs`) is a thin shell around [`run`]. The layers are
//! described in `docs/design.md` §5, from the bottom: `session` (the domain,
//! no gix); `diff`, `snapshot`, `secrets` (git primitives on a repository);
//! `store` (sessions as commits and refs; the only owner of the repository);
//! `rewind`, `remote` (the machinery over the store); `render` (text views);
//! `summary` (folds, the brief); `ops` (the engine: one function per
//! operation, typed results); `cmd` (the command line over `ops`).

//!
//! The public surface is what the binary and embedders need: [`cli`] and
//! [`run`] for the command line, [`error`] for its exit codes, [`ops`] (the
//! engine every front end calls) with the domain types of [`session`], and
//! [`snapshot::capture`]. Everything else is internal.

mod agent;
pub mod cli;
mod cmd;
mod diff;
pub mod error;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod mcp;
pub mod ops;
mod remote;
mod render;
mod rewind;
mod secrets;
pub mod session;
pub mod snapshot;
mod store;
mod summary;
#[cfg(test)]
mod testing;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    cmd::run(cli)
}
