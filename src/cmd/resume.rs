//! `git session resume`: get back into a session and into flow.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops::{self, ConfirmFastForward, ResumeInput};
use crate::render::{out, plan_excerpt, tldr};

/// Arguments of `git session resume` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Session id, name, or a unique prefix of either.
    #[arg(id = "session_arg", value_name = "SESSION", add = clap_complete::engine::ArgValueCandidates::new(super::candidates::sessions))]
    pub session: Option<String>,
    /// Resume the most recently updated open session.
    #[arg(long = "continue", short = 'c', conflicts_with = "session_arg")]
    pub continue_last: bool,
    /// Move the session's branch forward to the session's last commit even
    /// when no branch, tag or remote-tracking branch here has the commits in
    /// between (without it, they are shown and asked about on a terminal,
    /// and left out otherwise).
    #[arg(long)]
    pub fast_forward: bool,
    /// Resume what this clone has, without asking the remotes the session
    /// was fetched from whether they have newer events.
    #[arg(long)]
    pub local: bool,
    /// Write the session's plan (`git session plan show`) to PATH, relative
    /// to the current directory. A file already there that holds something
    /// else refuses the resume before anything changes; a session without a
    /// plan is resumed with a warning.
    #[arg(long, value_name = "PATH")]
    pub plan_file: Option<std::path::PathBuf>,
    /// Print the resumed session's header as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let ask: ConfirmFastForward<'_> = &ask_to_fast_forward;
    let resumed = ops::resume(
        &ui.engine,
        &ResumeInput {
            session: args.session.clone(),
            continue_last: args.continue_last,
            fast_forward: args.fast_forward,
            confirm_fast_forward: Some(ask),
            local: args.local,
            plan_file: args.plan_file.clone(),
        },
    )?;
    for note in &resumed.notes {
        ui.say(note);
    }
    if args.json {
        return print_json(&resumed);
    }
    out(&tldr(&resumed.session, ui.palette()));
    if let Some(plan) = &resumed.plan {
        out(&plan_excerpt(plan, true, ui.palette()));
    }
    Ok(())
}

/// On a terminal, shows the commits a fast-forward of `branch` would take
/// and asks whether to take them.
fn ask_to_fast_forward(branch: &str, commits: &[(String, String)]) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    eprintln!("The session moved '{branch}' on to commits that only it carries:");
    for (id, subject) in commits {
        eprintln!(
            "  {} {}",
            crate::session::text::prefix(id, 7),
            crate::render::esc_line(subject)
        );
    }
    eprint!("Fast-forward '{branch}' to them? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}
