//! How long `git session summarize` takes on a session of 10,000 events.
//!
//! ```text
//! cargo run --release --example summarize_10k [-- DIR]
//! ```
//!
//! Builds a repository (in DIR, default a temporary directory) with a
//! session of 10,000 events recorded through the engine (`git_session::ops`,
//! what every front end calls): a mix of intents, notes, decisions,
//! blockers, next steps and progress, one minute apart; the start and the
//! last checkpoint carry snapshots of two versions of a Rust file, so the
//! files and functions section is computed too. Then it times
//! `ops::summarize`, as the command runs it. With DIR, the repository is
//! kept: `time git-session -C DIR summarize --format json >/dev/null`
//! measures the whole command.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::Instant;

use anyhow::Result;
use git_session::ops::{self, Engine, NoteInput, NoteKind, Options, StartInput};

const EVENTS: usize = 10_000;

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git").current_dir(dir).args(args).output()?;
    anyhow::ensure!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

fn open(dir: &Path) -> Result<Engine> {
    Engine::open(
        dir,
        Options {
            session: None,
            progress: false,
            warnings: Rc::new(|text| eprintln!("warning: {text}")),
        },
    )
}

/// Makes every event that follows happen at minute `minute` of January 2026.
fn at_minute(minute: usize) {
    let date = format!(
        "2026-01-{:02}T{:02}:{:02}:00Z",
        1 + minute / 1440,
        (minute / 60) % 24,
        minute % 60
    );
    std::env::set_var("GIT_COMMITTER_DATE", date);
}

fn main() -> Result<()> {
    let tmp;
    let dir: PathBuf = match std::env::args().nth(1) {
        Some(d) => PathBuf::from(d),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_owned()
        }
    };
    std::fs::create_dir_all(dir.join("src"))?;
    git(&dir, &["init", "-q", "-b", "main"])?;
    git(&dir, &["config", "user.name", "Bench"])?;
    git(&dir, &["config", "user.email", "bench@example.com"])?;
    let functions: String = (0..200)
        .map(|i| format!("pub fn f{i}() -> u32 {{\n    {i}\n}}\n\n"))
        .collect();
    std::fs::write(dir.join("src/lib.rs"), &functions)?;

    let build = Instant::now();
    let engine = open(&dir)?;
    at_minute(0);
    ops::start(
        &engine,
        &StartInput {
            name: Some("bench".into()),
            intent: Some("bench".into()),
            ..StartInput::default()
        },
    )?;
    for written in 1..EVENTS - 1 {
        at_minute(written);
        let text = format!("event {written}: {}", "text ".repeat(written % 40));
        let kind = match written % 7 {
            0 => {
                ops::objective_add(&engine, &text)?;
                continue;
            }
            1 => NoteKind::Decision {
                rationale: Some("it reads better".into()),
                alternatives: vec!["the other way".into()],
            },
            2 => NoteKind::Blocker,
            3 => NoteKind::Next,
            4 => NoteKind::Progress,
            5 => NoteKind::Discovery,
            _ => NoteKind::Note,
        };
        ops::note(&engine, &NoteInput { kind, text })?;
    }
    std::fs::write(
        dir.join("src/lib.rs"),
        functions
            .replace("    7\n", "    70\n")
            .replace("    150\n", "    1\n    + 150\n"),
    )?;
    at_minute(EVENTS - 1);
    ops::checkpoint(&engine, Some("done"))?;
    eprintln!("recorded {EVENTS} events in {:.2?}", build.elapsed());

    // As `git session summarize --format json` does it.
    for run in 1..=3 {
        let t0 = Instant::now();
        let engine = open(&dir)?;
        let summary = ops::summarize(&engine, Some("bench"))?;
        let t_summary = t0.elapsed();
        let json = serde_json::to_string_pretty(&summary)?;
        let total = t0.elapsed();
        println!(
            "run {run}: {} events, {} bytes of JSON: total {total:.2?} (summarize {t_summary:.2?}, JSON {:.2?}); functions: {:?}",
            summary.events,
            json.len(),
            total - t_summary,
            summary
                .files
                .iter()
                .flatten()
                .flat_map(|f| f.functions.iter().map(|x| x.name.as_str()))
                .collect::<Vec<_>>(),
        );
    }
    println!("repository: {}", dir.display());
    Ok(())
}
