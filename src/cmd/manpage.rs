//! `git session manpage` and `git session install-man`: the man page,
//! generated from the clap definitions and the config table of `cli.rs`
//! (`man/git-session.1` is this output; a test keeps it from going stale).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::CommandFactory;

/// Arguments of `git session manpage` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Arguments of `git session install-man` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct InstallArgs {
    /// The man directory to install into (the page goes to DIR/man1).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

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
    buf.extend_from_slice(
        b".SH CONFIGURATION\nAll configuration is git config (git config session.KEY VALUE); git -c is honoured too.\n",
    );
    for key in crate::cli::CONFIG {
        let text = format!("{}. Default: {}.", key.meaning, key.default);
        buf.extend_from_slice(format!(".TP\n{}\n{}\n", key.key, roff_escape(&text.replace('`', ""))).as_bytes());
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

const EXTRA: &str = r#".SH FILES
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

/// Writes the man page to `DIR/man1/git-session.1`.
pub(crate) fn install(args: &InstallArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            let exe = std::env::current_exe().context("cannot find this binary's path")?;
            let exe = exe.canonicalize().unwrap_or(exe);
            exe.parent()
                .and_then(Path::parent)
                .map(|prefix| prefix.join("share").join("man"))
                .context("cannot find the directory above this binary's; name a DIR")?
        }
    };
    let man1 = dir.join("man1");
    std::fs::create_dir_all(&man1).with_context(|| format!("cannot create {}", man1.display()))?;
    let page = man1.join("git-session.1");
    std::fs::write(&page, render()?).with_context(|| format!("cannot write {}", page.display()))?;
    crate::render::out(&format!("{}\n", page.display()));
    if args.dir.is_some() {
        eprintln!(
            "hint: unless man already looks there, add it: export MANPATH=\"{}:$MANPATH\"",
            dir.display()
        );
    }
    Ok(())
}
