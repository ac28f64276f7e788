//! Readers for a successor: `history`, `report` and `context`.

use crate::harness::TestRepo;

/// Runs `git-session ARGS` as if at `time` (`HH:MM` on 2026-01-02, UTC).
fn at(t: &mut TestRepo, time: &str, args: &[&str]) -> String {
    let date = format!("2026-01-02 {time}:00 +0000");
    t.set_env("GIT_COMMITTER_DATE", &date);
    t.set_env("GIT_AUTHOR_DATE", &date);
    t.ok(args)
}

#[test]
fn history_and_report_count_active_time_outcomes_and_velocity() {
    let mut t = TestRepo::new();
    at(&mut t, "09:00", &["start", "--name", "morning"]);
    t.write("a.rs", "fn a() {}\n");
    at(&mut t, "09:20", &["checkpoint", "-m", "a"]);
    t.git(&["add", "a.rs"]);
    t.git(&["commit", "-q", "-m", "a"]);
    at(&mut t, "09:40", &["note", "committed"]);
    // A long lunch counts as 30 minutes, not three hours.
    at(&mut t, "12:40", &["close"]);
    at(&mut t, "13:00", &["start", "--name", "afternoon"]);
    at(&mut t, "13:10", &["close", "--abandon", "--reason", "dead end"]);
    at(&mut t, "13:30", &["start", "--name", "evening"]);

    let rows = t.json(&["history", "--json"]);
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["morning", "afternoon", "evening"]);
    let morning = &rows[0];
    assert_eq!(morning["active_seconds"], 20 * 60 + 20 * 60 + 30 * 60);
    assert_eq!(morning["duration_seconds"], 3 * 3600 + 40 * 60);
    assert_eq!(morning["commits"], 1);
    assert_eq!(morning["checkpoints"], 1);
    assert_eq!(morning["files"], 1);
    assert_eq!(morning["status"], "closed");
    let text = t.ok(&["history"]);
    assert!(
        text.contains("morning") && text.contains("1h 10m") && text.contains("3h 40m"),
        "{text}"
    );
    let since = t.json(&["history", "--since", "2026-01-03", "--json"]);
    assert_eq!(since.as_array().unwrap().len(), 0);
    let err = t.fails(&["history", "--since", "someday"], 2);
    assert!(err.contains("someday"), "{err}");

    let f = t.json(&["report", "--project", "--json"]);
    assert_eq!(f["sessions"], 3);
    assert_eq!(f["closed"], 1);
    assert_eq!(f["abandoned"], 1);
    assert_eq!(f["open"], 1);
    assert_eq!(f["completion_rate"], 0.5);
    assert_eq!(f["active_seconds"], 70 * 60 + 10 * 60);
    assert_eq!(f["commits"], 1);
    let md = t.ok(&["report", "--project", "--format", "markdown"]);
    assert!(md.starts_with("# Session report: the whole project\n"), "{md}");
    assert!(md.contains("| morning | closed |"), "{md}");
    assert!(md.contains("50 % of the sessions that ended were completed"), "{md}");
}

#[test]
fn context_is_a_bounded_brief_with_the_project_files() {
    let t = TestRepo::new();
    t.write("AGENTS.md", "# For agents\nRun `cargo test` before committing.\n");
    t.ok(&["start", "--name", "brief", "-i", "make the parser faster"]);
    t.ok(&["objective", "add", "parse 1 GB in under 2 s"]);
    t.ok(&[
        "note",
        "--decision",
        "use memchr",
        "--rationale",
        "SIMD for free",
        "--alternative",
        "hand-rolled loop",
    ]);
    t.ok(&["note", "--discovery", "the lexer allocates per token"]);
    t.ok(&["note", "--next", "benchmark on the 1 GB file"]);
    t.write("src/parse.rs", "fn parse() {}\n");
    t.git(&["add", "src/parse.rs"]);
    t.git(&["commit", "-q", "-m", "parse: first cut"]);
    t.ok(&["checkpoint", "-m", "first cut"]);

    let text = t.ok(&["context"]);
    for expected in [
        "## TL;DR",
        "parse 1 GB in under 2 s",
        "make the parser faster",
        "benchmark on the 1 GB file",
        "- use memchr (because SIMD for free); set aside: hand-rolled loop",
        "- src/parse.rs (A, +1 -0): parse (added)",
        "parse: first cut",
        "the lexer allocates per token",
        "## Project context: AGENTS.md",
        "Run `cargo test` before committing.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Bounded: a tight budget keeps the TL;DR and drops the rest.
    for _ in 0..50 {
        t.ok(&["note", "--discovery", &"a long discovery ".repeat(20)]);
    }
    let short = t.ok(&["context", "--max-chars", "1500"]);
    assert!(short.chars().count() <= 1500, "{}", short.chars().count());
    assert!(
        short.contains("## TL;DR") && short.contains("more (`git session log` has everything)"),
        "{short}"
    );
    t.git(&["config", "session.contextLimit", "800"]);
    assert!(t.ok(&["context"]).chars().count() <= 800);
    t.git(&["config", "session.contextFiles", "NOTES.md"]);
    assert!(!t.ok(&["context", "--max-chars", "100000"]).contains("For agents"));
    let v = t.json(&["context", "--json"]);
    assert_eq!(v["sections"][0]["title"], "TL;DR");
}

#[test]
fn export_writes_every_event_as_markdown_or_json() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "exported", "-i", "ship it"]);
    t.ok(&[
        "note",
        "--decision",
        "keep it small",
        "--rationale",
        "time",
        "--alternative",
        "rewrite",
    ]);
    t.write("x.txt", "x\n");
    t.ok(&["checkpoint", "-m", "done"]);
    let id = t.current_id();
    let log = t.json(&["log", "--json"]);
    let v = t.json(&["export", "--format", "json"]);
    assert_eq!(v["format"], 1);
    assert_eq!(v["session"]["id"], id.as_str());
    assert_eq!(v["events"], log, "the JSON export holds every event as stored");

    let file = t.root.join("session.md");
    t.ok(&["export", "exported", "-o", file.to_str().unwrap()]);
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.starts_with("# Session exported\n"), "{md}");
    for kind in ["**start**", "**decision** ", "**checkpoint**"] {
        assert!(md.contains(kind), "{kind} missing:\n{md}");
    }
    assert!(
        md.contains("  - rationale: time") && md.contains("  - alternative: rewrite"),
        "{md}"
    );
    let err = t.fails(&["export", "--format", "pdf"], 2);
    assert!(err.contains("pdf"), "{err}");
}
