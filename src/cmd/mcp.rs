//! `git session mcp`: serve the session tools to a coding agent over MCP.

use anyhow::Result;

/// Arguments of `git session mcp` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Serves MCP on stdin and stdout until stdin ends.
pub(crate) fn run(_args: &Args) -> Result<()> {
    crate::mcp::serve(std::io::stdin().lock(), std::io::stdout().lock())
}
