//! `git session completions`: shell completion scripts.

use anyhow::Result;
use clap::CommandFactory;

/// Arguments of `git session completions` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    pub shell: clap_complete::Shell,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "git-session", &mut buf);
    crate::render::out(&String::from_utf8_lossy(&buf));
    Ok(())
}
