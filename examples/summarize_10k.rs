//! How long `git session summarize` takes on a session of 10,000 events.
//!
//! ```text
//! cargo run --release --example summarize_10k [-- DIR]
//! ```
//!
//! Builds a repository (in DIR, default a temporary directory) with a
//! session of 10,000 events written straight through the store's append (a
//! mix of intents, notes, decisions, blockers, next steps and checkpoints;
//! the first and last carry snapshots of two versions of a Rust file, so
//! the files and functions section is computed too), then times reading
//! the log, folding it and diffing the snapshots, as the command does. With
//! DIR, the repository is kept: `time git-session -C DIR summarize
//! --format json >/dev/null` measures the whole command.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use git_session::render::diff::changed_lines;
use git_session::session::{new_session_id, Event, EventKind, SessionHeader};
use git_session::store::Store;
use git_session::summary::{files_changed, fold};

const EVENTS: usize = 10_000;
const BATCH: usize = 500;

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git").current_dir(dir).args(args).output()?;
    anyhow::ensure!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// The tree of the work tree after writing `text` to `src/lib.rs`.
fn tree_with(dir: &Path, text: &str) -> Result<String> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src/lib.rs"), text)?;
    git(dir, &["add", "-A"])?;
    git(dir, &["write-tree"])
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
    std::fs::create_dir_all(&dir)?;
    git(&dir, &["init", "-q", "-b", "main"])?;
    git(&dir, &["config", "user.name", "Bench"])?;
    git(&dir, &["config", "user.email", "bench@example.com"])?;
    let functions: String = (0..200)
        .map(|i| format!("pub fn f{i}() -> u32 {{\n    {i}\n}}\n\n"))
        .collect();
    let base = tree_with(&dir, &functions)?;
    let latest = tree_with(
        &dir,
        &functions
            .replace("    7\n", "    70\n")
            .replace("    150\n", "    1\n    + 150\n"),
    )?;

    let store = Store::discover(&dir)?;
    let (author, _) = store.identity()?;
    let id = new_session_id();
    let mut minute = 0u64;
    let mut event = |kind: EventKind, text: String| {
        minute += 1;
        let time = format!(
            "2026-01-{:02}T{:02}:{:02}:00Z",
            1 + minute / 1440,
            (minute / 60) % 24,
            minute % 60
        );
        Event::new(kind, time, author.clone()).with("text", text)
    };
    let start = event(EventKind::Start, "bench".into())
        .with("name", "bench")
        .with("tree", base.as_str());
    let seed = SessionHeader::new(&id, "bench", &start);
    store.append(&id, Some(&seed), &[start])?;
    let build = Instant::now();
    let mut written = 1;
    while written < EVENTS {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH && written < EVENTS {
            let kind = match written % 7 {
                0 => EventKind::Intent,
                1 => EventKind::Decision,
                2 => EventKind::Blocker,
                3 => EventKind::Next,
                4 => EventKind::Progress,
                5 => EventKind::Discovery,
                _ => EventKind::Note,
            };
            let mut e = event(kind, format!("event {written}: {}", "text ".repeat(written % 40)));
            if written == EVENTS - 1 {
                e = event(EventKind::Checkpoint, "done".into()).with("tree", latest.as_str());
            }
            batch.push(e);
            written += 1;
        }
        store.append(&id, None, &batch)?;
    }
    eprintln!("wrote {EVENTS} events in {:.2?}", build.elapsed());

    // As `git session summarize --format json` does it.
    for run in 1..=3 {
        let t0 = Instant::now();
        let store = Store::discover(&dir)?;
        let head = store.resolve(&id)?;
        let t_resolve = t0.elapsed();
        let events: Vec<Event> = store.events(&head)?.into_iter().map(|e| e.event).collect();
        let t_events = t0.elapsed();
        let mut summary = fold(&head.header, &events);
        let t_fold = t0.elapsed();
        let (b, l) = (
            summary.base_snapshot.clone().context("no base")?,
            summary.latest_snapshot.clone().context("no latest")?,
        );
        let changed = changed_lines(&store.repo, b.parse()?, l.parse()?)?;
        summary.files = Some(files_changed(&changed));
        let json = serde_json::to_string_pretty(&summary)?;
        let total = t0.elapsed();
        println!(
            "run {run}: {} events, {} bytes of JSON: total {total:.2?} (open+resolve {t_resolve:.2?}, read log {:.2?}, fold {:.2?}, files+functions+JSON {:.2?}); functions: {:?}",
            summary.events,
            json.len(),
            t_events - t_resolve,
            t_fold - t_events,
            total - t_fold,
            summary.files.iter().flatten().flat_map(|f| f.functions.iter().map(|x| x.name.as_str())).collect::<Vec<_>>(),
        );
    }
    println!("repository: {}", dir.display());
    Ok(())
}
