//! `git session manpage`: the man page, generated from the clap definitions
//! (`man/git-session.1` is this output; a test keeps it from going stale).

use anyhow::Result;
use clap::CommandFactory;

/// Arguments of `git session manpage` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {}

/// The man page as roff text.
pub(crate) fn render() -> Result<String> {
    let cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    // One section per subcommand, with its own options, so `git help session`
    // documents everything.
    buf.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        let mut usage = sub.clone().bin_name(format!("git session {name}"));
        let usage = usage.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        buf.extend_from_slice(format!(".TP\n\\fB{}\\fR\n", roff_escape(usage)).as_bytes());
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            buf.extend_from_slice(format!("{}\n", roff_escape(&about.to_string())).as_bytes());
        }
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set() && a.get_id() != "help") {
            let flag = match (arg.get_short(), arg.get_long()) {
                (Some(s), Some(l)) => format!("-{s}, --{l}"),
                (None, Some(l)) => format!("--{l}"),
                (Some(s), None) => format!("-{s}"),
                (None, None) => format!("<{}>", arg.get_id().as_str().to_uppercase()),
            };
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            buf.extend_from_slice(
                format!(".RS\n.TP\n{}\n{}\n.RE\n", roff_escape(&flag), roff_escape(&help)).as_bytes(),
            );
        }
        for inner in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            let about = inner.get_about().map(|a| a.to_string()).unwrap_or_default();
            buf.extend_from_slice(
                format!(
                    ".RS\n.TP\n{} {}\n{}\n.RE\n",
                    name,
                    inner.get_name(),
                    roff_escape(&about)
                )
                .as_bytes(),
            );
        }
    }
    buf.extend_from_slice(EXTRA.as_bytes());
    man.render_version_section(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn roff_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replace('-', "\\-")
}

const EXTRA: &str = r#".SH CONFIGURATION
.TP
session.maxUntrackedSize
Untracked files larger than this (bytes; k, m, g suffixes) are left out of snapshots and named in a warning. Default 50m; 0 or less means no limit.
.TP
session.lockTimeout
How long (milliseconds) an append waits for a session ref that another process holds locked or keeps moving. Default 30000.
.SH FILES
.TP
refs/aura/sessions/<id>
The head of each session's event log: one commit per event, with event.json, session.json and the work tree snapshot in worktree/.
.TP
$GIT_DIR/aura/current
This work tree's current session.
.TP
$GIT_DIR/aura/index
The private stat cache that makes snapshots cost what changed.
.SH EXIT STATUS
0 on success, 1 when the operation failed, 2 for wrong usage.
"#;

pub(crate) fn run(_args: &Args) -> Result<()> {
    crate::render::out(&render()?);
    Ok(())
}
