//! The session's own work (issue 11): what a teammate's commits brought in
//! the middle of a session is not the session's — summaries do not count
//! it, and a rewind leaves it where it is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::TestRepo;

/// A repository with `a.rs`, `b.rs` and `d.rs` on `main`, pushed to a bare
/// remote, and a teammate's clone of it.
fn with_teammate(t: &TestRepo) -> (PathBuf, PathBuf) {
    for f in ["a.rs", "b.rs", "d.rs"] {
        t.write(f, format!("// {f}\nfn original() {{}}\n"));
    }
    t.git(&["add", "."]);
    t.git(&["commit", "-q", "-m", "three files"]);
    let bare = t.root.join("remote.git");
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", "origin", &format!("file://{}", bare.display())]);
    t.git(&["push", "-q", "-u", "origin", "main"]);
    let mate = t.root.join("mate");
    t.git(&[
        "clone",
        "-q",
        &format!("file://{}", bare.display()),
        mate.to_str().unwrap(),
    ]);
    t.git_in(&mate, &["config", "user.name", "Mate"]);
    t.git_in(&mate, &["config", "user.email", "mate@example.com"]);
    (bare, mate)
}

/// The teammate adds `c.rs` and changes `d.rs`, and pushes.
fn teammate_pushes(t: &TestRepo, mate: &Path) {
    t.write_in(mate, "c.rs", "// c.rs, the teammate's\n");
    t.write_in(mate, "d.rs", "// d.rs\nfn original() {}\nfn teammates() {}\n");
    t.git_in(mate, &["add", "."]);
    t.git_in(mate, &["commit", "-q", "-m", "teammate: c.rs, d.rs"]);
    t.git_in(mate, &["push", "-q", "origin", "main"]);
}

fn read(t: &TestRepo, rel: &str) -> Option<String> {
    fs::read_to_string(t.path(rel)).ok()
}

/// The story of the issue, pulling with a merge or with a rebase.
fn rewind_leaves_the_teammates_work(pull: &[&str]) {
    let t = TestRepo::new();
    let (_, mate) = with_teammate(&t);
    let a0 = read(&t, "a.rs").unwrap();
    let b0 = read(&t, "b.rs").unwrap();
    t.ok(&["start", "--name", "own"]);
    let id = t.current_id();
    // The session edits a.rs and b.rs and commits b.rs.
    t.write("a.rs", "// a.rs\nfn session_edit() {}\n");
    t.write("b.rs", "// b.rs\nfn session_commit() {}\n");
    t.git(&["add", "b.rs"]);
    t.git(&["commit", "-q", "-m", "session: b.rs"]);
    // A teammate's commit arrives.
    teammate_pushes(&t, &mate);
    t.git(&["stash", "-q"]);
    t.git(pull);
    t.git(&["stash", "pop", "-q"]);
    let c = read(&t, "c.rs").expect("the pull brought c.rs");
    let d = read(&t, "d.rs").unwrap();
    // The session edits a.rs again.
    t.write("a.rs", "// a.rs\nfn session_edit() {}\nfn again() {}\n");
    t.ok(&["checkpoint", "-m", "after the pull"]);

    // Its summary names its own files only.
    let summary = t.json(&["summarize", "--format", "json"]);
    let mut files: Vec<&str> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["a.rs", "b.rs"], "{summary:#}");
    let who = t.json(&["who", "--days", "100000", "--json"]);
    assert_eq!(who[0]["touched"], serde_json::json!(["a.rs", "b.rs"]), "{who:#}");

    let out = t.ok(&["rewind", "start", "--commits", "revert"]);
    assert!(out.contains("reverted 1 commit"), "{out}");
    assert_eq!(read(&t, "a.rs").unwrap(), a0, "a.rs is as at the start");
    assert_eq!(read(&t, "b.rs").unwrap(), b0, "b.rs is as at the start");
    assert_eq!(read(&t, "c.rs").unwrap(), c, "the teammate's new file stays");
    assert_eq!(read(&t, "d.rs").unwrap(), d, "the teammate's change stays");
    let log = t.git(&["log", "--format=%s"]);
    assert!(log.starts_with("Revert \"session: b.rs\""), "{log}");
    assert!(
        log.contains("teammate: c.rs, d.rs"),
        "the teammate's commit stays: {log}"
    );
    // What git sees: nothing but the rewind's own work (the index follows HEAD).
    assert_eq!(
        t.git(&["status", "--porcelain"]),
        "",
        "the work tree is HEAD after the revert"
    );

    // Undo still puts back exactly what the rewind replaced.
    t.ok(&["undo"]);
    assert_eq!(
        read(&t, "a.rs").unwrap(),
        "// a.rs\nfn session_edit() {}\nfn again() {}\n"
    );
    assert_eq!(read(&t, "c.rs").unwrap(), c);
    assert_eq!(t.kinds(&id).iter().filter(|k| *k == "arrived").count(), 1);
}

#[test]
fn a_rewind_after_a_merged_pull_leaves_the_teammates_work() {
    rewind_leaves_the_teammates_work(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"]);
}

#[test]
fn a_rewind_after_a_rebased_pull_leaves_the_teammates_work() {
    rewind_leaves_the_teammates_work(&["pull", "-q", "--rebase", "origin", "main"]);
}

#[test]
fn a_rewind_with_nothing_from_elsewhere_gives_the_snapshot_exactly() {
    let t = TestRepo::new();
    t.write("x.rs", "one\n");
    t.ok(&["start", "--name", "plain"]);
    let start = t.oracle_tree();
    t.write("x.rs", "two\n");
    t.write("y.rs", "new\n");
    t.ok(&["checkpoint"]);
    t.ok(&["rewind", "start"]);
    assert_eq!(t.oracle_tree(), start);
}

#[test]
fn where_the_session_and_a_teammate_touched_the_same_lines_the_rewind_stops() {
    let t = TestRepo::new();
    let (_, mate) = with_teammate(&t);
    t.ok(&["start", "--name", "clash"]);
    // The session rewrites d.rs's line and commits it ...
    t.write("d.rs", "// d.rs\nfn session() {}\n");
    t.git(&["commit", "-qam", "session: d.rs"]);
    // ... and the teammate rewrote the same line.
    t.write_in(&mate, "d.rs", "// d.rs\nfn teammate() {}\n");
    t.git_in(&mate, &["commit", "-qam", "teammate: d.rs"]);
    t.git_in(&mate, &["push", "-q", "origin", "main"]);
    t.git(&[
        "pull",
        "-q",
        "--no-rebase",
        "--no-edit",
        "-X",
        "theirs",
        "origin",
        "main",
    ]);
    let before = t.user_state();
    let err = t.fails(&["rewind", "start"], 1);
    assert!(err.contains("d.rs") && err.contains("nothing was changed"), "{err}");
    assert!(err.contains("--conflict-markers"), "{err}");
    t.user_state().assert_same(&before, "a refused rewind");
    t.ok(&["rewind", "start", "--conflict-markers"]);
    let d = read(&t, "d.rs").unwrap();
    assert!(d.contains("<<<<<<<") && d.contains(">>>>>>>"), "{d}");
}

#[test]
fn a_fork_does_not_claim_its_parents_files() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "parent"]);
    t.write("parent.rs", "the parent's\n");
    t.ok(&["checkpoint"]);
    t.ok(&["fork", "--name", "child"]);
    t.write("child.rs", "the child's\n");
    t.ok(&["checkpoint"]);
    let summary = t.json(&["summarize", "child", "--format", "json"]);
    let files: Vec<&str> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["child.rs"], "{summary:#}");
}

#[test]
fn an_amended_or_rebased_commit_appears_once_as_its_latest_version() {
    let t = TestRepo::new();
    let (_, mate) = with_teammate(&t);
    t.ok(&["start", "--name", "rewrites"]);
    t.write("a.rs", "// a.rs\nfn first_try() {}\n");
    t.git(&["commit", "-qam", "a: first try"]);
    let first = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "committed"]);
    t.write("a.rs", "// a.rs\nfn second_try() {}\n");
    t.git(&["commit", "-q", "--amend", "-am", "a: second try"]);
    let amended = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "amended"]);
    teammate_pushes(&t, &mate);
    t.git(&["pull", "-q", "--rebase", "origin", "main"]);
    let rebased = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "rebased"]);

    let summary = t.json(&["summarize", "--format", "json"]);
    let commits = summary["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 1, "{summary:#}");
    assert_eq!(commits[0]["commit"], rebased.as_str());
    assert_eq!(commits[0]["subject"], "a: second try");
    assert_eq!(
        commits[0]["rewrites"],
        serde_json::json!([amended, first]),
        "the rewrite chain, newest first"
    );
    let brief = t.ok(&["context"]);
    assert!(
        !brief.contains(&first[..10]) && !brief.contains(&amended[..10]),
        "{brief}"
    );
    assert!(brief.contains(&rebased[..10]), "{brief}");
}
