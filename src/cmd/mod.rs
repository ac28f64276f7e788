//! The command-line front end: one module per subcommand, each a documented
//! `clap::Args` struct and a `run` that turns the arguments into the input
//! of one operation (`crate::ops`), calls it, and renders its result — as
//! text, or as the result itself with `--json`. A verb never imports another
//! verb, never names gix and never touches the store: everything it needs
//! is an operation.

pub(crate) mod agent;
pub(crate) mod archive;
pub(crate) mod checkpoint;
pub(crate) mod claim;
pub(crate) mod close;
pub(crate) mod compare;
pub(crate) mod completions;
pub(crate) mod context;
pub(crate) mod diff;
pub(crate) mod export;
pub(crate) mod fetch;
pub(crate) mod fork;
pub(crate) mod gc;
pub(crate) mod handoff;
pub(crate) mod history;
pub(crate) mod hook;
pub(crate) mod hooks;
pub(crate) mod intent;
pub(crate) mod list;
pub(crate) mod log;
pub(crate) mod manpage;
pub(crate) mod mcp;
pub(crate) mod note;
pub(crate) mod objective;
pub(crate) mod pause;
pub(crate) mod plan;
pub(crate) mod promote;
pub(crate) mod push;
pub(crate) mod remote;
pub(crate) mod rename;
pub(crate) mod report;
pub(crate) mod resolve;
pub(crate) mod restore;
pub(crate) mod resume;
pub(crate) mod rewind;
pub(crate) mod show;
pub(crate) mod snapshot;
pub(crate) mod start;
pub(crate) mod status;
pub(crate) mod summarize;
pub(crate) mod sync;
pub(crate) mod unarchive;
pub(crate) mod undo;
pub(crate) mod who;

use std::io::IsTerminal;
use std::path::Path;
use std::rc::Rc;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::error::fail;
use crate::ops::{Engine, Options};
use crate::render::{out, Palette};

/// What a verb runs against: the engine and how to talk to the user.
pub(crate) struct Ui {
    pub engine: Engine,
    /// `--quiet`: no status lines on stderr.
    pub quiet: bool,
}

impl Ui {
    /// Prints a status line on stderr unless `--quiet`.
    pub(crate) fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", crate::render::esc(line.as_ref()));
        }
    }

    /// The colours for stdout (none unless it is a terminal, `NO_COLOR`, `color.ui`).
    pub(crate) fn palette(&self) -> Palette {
        Palette::for_stdout(self.engine.color_ui().as_deref())
    }
}

/// Prints `value` as one JSON document on stdout.
/// Each logged event's note in a timeline: a commit's verdict, except an
/// unresolved one (no scope is the common case and says nothing).
pub(crate) fn verdict_notes(events: &[crate::ops::LoggedEvent]) -> Vec<Option<String>> {
    events
        .iter()
        .map(|e| {
            e.verdict
                .as_ref()
                .filter(|v| v.verdict != crate::summary::VerdictKind::Unresolved)
                .map(crate::summary::verdict_words)
        })
        .collect()
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    out(&text);
    Ok(())
}

/// Dynamic completion (clap_complete's engine: the shell runs
/// `COMPLETE=<shell> git-session -- <words>`): the candidates of arguments
/// that name something in the repository, read fresh each time. They never
/// fail: outside a repository there is nothing to offer.
pub(crate) mod candidates {
    use std::path::Path;
    use std::rc::Rc;

    use clap_complete::engine::CompletionCandidate;

    use crate::ops::{self, Engine, Options};

    /// The value of a global option among the words being completed (the
    /// shell passes them after `--`), so that `git session -s NAME rewind
    /// <TAB>` offers NAME's labels and `-C DIR` looks in DIR.
    fn typed(short: &str, long: Option<&str>) -> Option<String> {
        let words: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(2).collect();
        let mut found = None;
        let mut it = words.iter();
        while let Some(w) = it.next() {
            if w == short || Some(w.as_str()) == long {
                found = it.next().cloned();
            } else if let Some(v) = long.and_then(|l| w.strip_prefix(l)?.strip_prefix('=')) {
                found = Some(v.to_owned());
            } else if let Some(v) = w.strip_prefix(short).filter(|v| !v.is_empty()) {
                found = Some(v.to_owned());
            }
        }
        found.filter(|v| !v.is_empty())
    }

    fn engine() -> Option<Engine> {
        let dir = typed("-C", None).unwrap_or_else(|| ".".to_owned());
        Engine::open(
            Path::new(&dir),
            Options {
                session: typed("-s", Some("--session")),
                progress: false,
                warnings: Rc::new(|_| {}),
            },
        )
        .ok()
    }

    fn with_help(items: Vec<(String, String)>) -> Vec<CompletionCandidate> {
        items
            .into_iter()
            .map(|(value, help)| CompletionCandidate::new(value).help(Some(help.into())))
            .collect()
    }

    /// Session names and ids.
    pub(crate) fn sessions() -> Vec<CompletionCandidate> {
        engine().map(|e| with_help(ops::session_names(&e))).unwrap_or_default()
    }

    /// `start`, checkpoint labels and intents of the current session.
    pub(crate) fn points() -> Vec<CompletionCandidate> {
        engine().map(|e| with_help(ops::point_names(&e))).unwrap_or_default()
    }

    /// Configured remotes.
    pub(crate) fn remotes() -> Vec<CompletionCandidate> {
        engine()
            .map(|e| {
                ops::remote_names(&e)
                    .into_iter()
                    .map(CompletionCandidate::new)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Prints what a rewind, restore or undo did (or, with `--json`, the result).
pub(crate) fn print_rewound(ui: &Ui, done: &crate::ops::Rewound, json: bool) -> Result<()> {
    if json {
        return print_json(done);
    }
    out(&crate::render::rewound(done));
    if done.event.is_some() {
        ui.say("Undo it with `git session undo`.");
    }
    Ok(())
}

/// Runs one parsed command line.
pub(crate) fn run(cli: Cli) -> Result<()> {
    // Commands that need no repository.
    match &cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Manpage(args) => return manpage::run(args),
        Command::InstallMan(args) => return manpage::install(args),
        Command::Hook(args) => {
            if let Some(dir) = &cli.dir {
                let _ = std::env::set_current_dir(dir);
            }
            return hook::run(args);
        }
        _ => {}
    }
    // Like `git -C`: everything, paths on the command line included, is
    // relative to the new directory.
    if let Some(dir) = &cli.dir {
        std::env::set_current_dir(dir).map_err(|err| {
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "no such directory".to_owned(),
                _ => err.to_string(),
            };
            fail(format!("cannot change to '{}': {why}", dir.display()))
        })?;
    }
    // The agents' configuration files need a repository for project scope only.
    if let Command::Agent(args) = &cli.command {
        return agent::run(args, cli.quiet);
    }
    if let Command::Mcp(args) = &cli.command {
        // The server opens the engine for each tool call.
        return mcp::run(args);
    }
    let ui = Ui {
        engine: Engine::open(
            Path::new("."),
            Options {
                session: cli.session.clone(),
                progress: !cli.quiet && std::io::stderr().is_terminal(),
                warnings: Rc::new(|text| eprintln!("warning: {}", crate::render::esc(text))),
            },
        )?,
        quiet: cli.quiet,
    };
    match &cli.command {
        Command::Start(a) => start::run(&ui, a),
        Command::Status(a) => status::run(&ui, a),
        Command::List(a) => list::run(&ui, a),
        Command::Show(a) => show::run(&ui, a),
        Command::Intent(a) => intent::run(&ui, a),
        Command::Snapshot(a) => snapshot::run(&ui, a),
        Command::Checkpoint(a) => checkpoint::run(&ui, a),
        Command::Note(a) => note::run(&ui, a),
        Command::Objective(a) => objective::run(&ui, a),
        Command::Plan(a) => plan::run(&ui, a),
        Command::Resolve(a) => resolve::run(&ui, a),
        Command::Log(a) => log::run(&ui, a),
        Command::Summarize(a) => summarize::run(&ui, a),
        Command::Rename(a) => rename::run(&ui, a),
        Command::Pause(a) => pause::run(&ui, a),
        Command::Resume(a) => resume::run(&ui, a),
        Command::Rewind(a) => rewind::run(&ui, a),
        Command::Restore(a) => restore::run(&ui, a),
        Command::Undo(a) => undo::run(&ui, a),
        Command::Diff(a) => diff::run(&ui, a),
        Command::Fetch(a) => fetch::run(&ui, a),
        Command::Push(a) => push::run(&ui, a),
        Command::Handoff(a) => handoff::run(&ui, a),
        Command::Sync(a) => sync::run(&ui, a),
        Command::Who(a) => who::run(&ui, a),
        Command::Claim(a) => claim::run(&ui, a),
        Command::Remote(a) => remote::run(&ui, a),
        Command::History(a) => history::run(&ui, a),
        Command::Context(a) => context::run(&ui, a),
        Command::Export(a) => export::run(&ui, a),
        Command::Report(a) => report::run(&ui, a),
        Command::Close(a) => close::run(&ui, a),
        Command::Fork(a) => fork::run(&ui, a),
        Command::Compare(a) => compare::run(&ui, a),
        Command::Promote(a) => promote::run(&ui, a),
        Command::Archive(a) => archive::run(&ui, a),
        Command::Unarchive(a) => unarchive::run(&ui, a),
        Command::Gc(a) => gc::run(&ui, a),
        Command::Hooks(a) => hooks::run(&ui, a),
        Command::Completions(_)
        | Command::Manpage(_)
        | Command::InstallMan(_)
        | Command::Hook(_)
        | Command::Agent(_)
        | Command::Mcp(_) => {
            unreachable!("handled above")
        }
    }
}
