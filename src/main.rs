//! `git-session`: parse the command line, run one command, print the error,
//! set the exit code (0 ok, 1 failed, 2 usage).

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use git_session::error::UserError;
use git_session::session::text::escape_controls;

fn main() -> ExitCode {
    // A shell asking for completions (`COMPLETE=bash git-session -- …`)
    // is answered here, and the program ends.
    clap_complete::CompleteEnv::with_factory(git_session::cli::Cli::command)
        .var(git_session::cli::COMPLETE_VAR)
        .completer(git_session::cli::COMPLETE_PROGRAM)
        .complete();
    let cli = match git_session::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match git_session::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let user = err.chain().find_map(|e| e.downcast_ref::<UserError>());
            // Messages quote names, labels and paths, which may come from
            // somebody else's session: no control character reaches the terminal.
            let safe = |text: String| escape_controls(&text).into_owned();
            eprintln!("error: {}", safe(err.to_string()));
            for cause in err.chain().skip(1) {
                if cause.downcast_ref::<UserError>().is_none() {
                    eprintln!("  caused by: {}", safe(cause.to_string()));
                }
            }
            if let Some(hint) = user.and_then(|u| u.hint.as_deref()) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(if user.is_some_and(|u| u.usage) { 2 } else { 1 })
        }
    }
}
