//! `rewind`, `restore` and `undo` (DESIGN.md invariant 6), with git as the
//! oracle: after a rewind, `git add -A && git write-tree` on a copy of the
//! index gives the target snapshot; after an undo, the snapshot from before.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::harness::{event_of, stderr, Rng, TestRepo};

/// Records a checkpoint and returns its snapshot tree (checked against git).
fn checkpoint(t: &TestRepo, label: &str) -> String {
    let v = t.json(&["checkpoint", "-m", label, "--json"]);
    let tree = event_of(&v, "checkpoint")["tree"].as_str().unwrap().to_owned();
    assert_eq!(tree, t.oracle_tree(), "checkpoint {label}");
    tree
}

/// `git ls-files -s`: the index entries, without stat data.
fn index_entries(t: &TestRepo) -> String {
    t.git(&["ls-files", "-s"])
}

fn assert_tree(t: &TestRepo, expected: &str, what: &str) {
    let got = t.oracle_tree();
    if got != expected {
        let diff = t.git(&["diff-tree", "-r", "--name-status", expected, &got]);
        panic!("{what}: the work tree is {got}, expected {expected}:\n{diff}");
    }
}

/// A work tree with tracked, untracked, ignored, executable and symlinked files.
fn setup() -> TestRepo {
    let t = TestRepo::new();
    t.write(".gitignore", "*.log\nbuild/\n");
    t.write("src/lib.rs", "pub fn one() {}\n");
    t.write("src/main.rs", "fn main() {}\n");
    t.write("run.sh", "#!/bin/sh\necho hi\n");
    t.chmod("run.sh", 0o755);
    t.symlink("src/lib.rs", "link");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "base"]);
    t.write("notes.txt", "untracked but not ignored\n");
    t.write("debug.log", "ignored\n");
    t.write("build/out.bin", "ignored dir\n");
    t
}

#[test]
fn rewind_makes_the_work_tree_the_target_and_undo_brings_it_back() {
    let t = setup();
    t.ok(&["start", "--name", "travel"]);
    let start = t.oracle_tree();
    // Edits of every kind, then a checkpoint.
    t.write("src/lib.rs", "pub fn one() {}\npub fn two() {}\n");
    t.remove("src/main.rs");
    t.write("src/new.rs", "// new\n");
    t.chmod("run.sh", 0o644);
    t.remove("link");
    t.symlink("run.sh", "link");
    let first = checkpoint(&t, "first");
    // More edits: file ↔ directory swaps, deeper trees.
    t.remove("notes.txt");
    fs::create_dir_all(t.path("notes.txt")).unwrap();
    t.write("notes.txt/inside", "a file where a file was\n");
    t.remove("src/new.rs");
    t.write("deep/a/b/c.txt", "deep\n");
    let second = checkpoint(&t, "second");
    t.write("src/lib.rs", "uncheckpointed work\n");
    let before = t.oracle_tree();
    let head = t.git(&["rev-parse", "HEAD"]);
    let ignored = (
        fs::read(t.path("debug.log")).unwrap(),
        fs::read(t.path("build/out.bin")).unwrap(),
    );

    for (target, tree) in [("first", &first), ("start", &start), ("second", &second)] {
        let v = t.json(&["rewind", target, "--json"]);
        assert_tree(&t, tree, &format!("after rewind {target}"));
        assert_eq!(v["event"]["kind"], "rewind");
        assert_eq!(v["event"]["after"], tree.as_str(), "the event names the tree it leaves");
        assert_eq!(t.git(&["rev-parse", "HEAD"]), head, "HEAD stays");
        assert_eq!(
            fs::read(t.path("debug.log")).unwrap(),
            ignored.0,
            "ignored files are never touched"
        );
        assert_eq!(fs::read(t.path("build/out.bin")).unwrap(), ignored.1);
    }
    // The first rewind recorded the uncheckpointed work; undo the last
    // rewind, then the one before it, and so on back to that work.
    t.ok(&["undo"]);
    assert_tree(&t, &start, "undo of the rewind to second");
    t.ok(&["undo"]);
    assert_tree(&t, &second, "undo of the undo (redo)");
    t.ok(&["rewind", "first"]);
    t.ok(&["rewind", "start"]);
    t.ok(&["rewind", "second"]);
    t.ok(&["undo"]);
    t.ok(&["undo", "--dry-run"]);
    assert_tree(&t, &start, "dry run");

    // Every rewind event carries the tree it replaced: the first one holds
    // the uncheckpointed work.
    let id = t.current_id();
    let rewinds: Vec<Value> = t
        .events(&id)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e["kind"] == "rewind")
        .collect();
    assert_eq!(rewinds[0]["tree"], before.as_str());
    assert_eq!(t.kinds(&id).iter().filter(|k| *k == "undo").count(), 3);
    let log = t.ok(&["log"]);
    assert!(log.contains("↺ rewind to checkpoint 'first'"), "{log}");
    assert!(log.contains("↻ undo of the rewind to checkpoint 'second'"), "{log}");
    assert!(log.contains("↻ undo of the undo of the rewind"), "{log}");
    t.ok(&["rewind", rewinds[0]["id"].as_str().unwrap()]);
    assert_tree(&t, &before, "rewind to the tree a rewind replaced");
    assert_eq!(
        fs::read_to_string(t.path("src/lib.rs")).unwrap(),
        "uncheckpointed work\n"
    );
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    t.fsck();
}

#[test]
fn the_index_follows_head_for_rewound_paths_and_undo_restores_it() {
    let t = setup();
    t.ok(&["start", "--name", "index"]);
    let start = t.oracle_tree();
    t.write("src/lib.rs", "changed\n");
    t.write("src/main.rs", "staged elsewhere\n");
    t.git(&["add", "src/lib.rs", "src/main.rs"]);
    t.write("added.txt", "new and staged\n");
    t.git(&["add", "added.txt"]);
    let staged = index_entries(&t);
    let before = t.oracle_tree();

    // Restore only src/lib.rs and added.txt: src/main.rs stays staged.
    t.ok(&["restore", "start", "--", "src/lib.rs", "added.txt"]);
    assert_eq!(fs::read_to_string(t.path("src/lib.rs")).unwrap(), "pub fn one() {}\n");
    assert!(!t.path("added.txt").exists());
    let cached = t.git(&["diff", "--cached", "--name-only"]);
    assert_eq!(
        cached, "src/main.rs",
        "the restored paths match HEAD in the index, the rest is untouched"
    );
    assert_eq!(t.git(&["status", "--porcelain"]), "M  src/main.rs\n?? notes.txt");

    t.ok(&["undo"]);
    assert_tree(&t, &before, "undo of the restore");
    assert_eq!(index_entries(&t), staged, "undo brings back what was staged");

    t.ok(&["rewind", "start"]);
    assert_tree(&t, &start, "rewind to start");
    // Everything undo needs is reachable from the session.
    t.git(&["gc", "-q", "--prune=now"]);
    assert_eq!(
        t.git(&["status", "--porcelain"]),
        "?? notes.txt",
        "index and work tree are HEAD's again"
    );
    t.ok(&["undo"]);
    assert_eq!(index_entries(&t), staged);
    t.fsck();
}

#[test]
fn a_dry_run_changes_nothing_and_lists_the_files() {
    let t = setup();
    t.ok(&["start", "--name", "dry"]);
    t.write("src/lib.rs", "changed\n");
    t.write("fresh.txt", "new\n");
    t.remove("run.sh");
    let id = t.current_id();
    let events = t.kinds(&id).len();
    let before = t.user_state();
    let out = t.ok(&["rewind", "start", "--dry-run"]);
    t.user_state().assert_same(&before, "rewind --dry-run");
    assert_eq!(t.kinds(&id).len(), events, "a dry run records nothing");
    assert!(out.contains("write   src/lib.rs"), "{out}");
    assert!(out.contains("add     run.sh"), "{out}");
    assert!(out.contains("remove  fresh.txt"), "{out}");
    let v = t.json(&["rewind", "start", "-n", "--json"]);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["remove"][0], "fresh.txt");
    t.user_state().assert_same(&before, "rewind -n --json");
}

#[test]
fn restore_takes_paths_relative_to_the_current_directory() {
    let t = setup();
    t.ok(&["start", "--name", "restore"]);
    t.write("src/lib.rs", "one\n");
    t.write("src/main.rs", "two\n");
    t.write("run.sh", "three\n");
    let cp = checkpoint(&t, "edited");
    t.write("src/lib.rs", "later\n");
    t.write("src/main.rs", "later\n");
    t.write("run.sh", "later\n");
    t.ok_in(&t.path("src"), &["restore", "edited", "lib.rs"]);
    assert_eq!(fs::read_to_string(t.path("src/lib.rs")).unwrap(), "one\n");
    assert_eq!(fs::read_to_string(t.path("src/main.rs")).unwrap(), "later\n");
    t.ok_in(&t.path("src"), &["restore", "edited", "--", "."]);
    assert_eq!(fs::read_to_string(t.path("src/main.rs")).unwrap(), "two\n");
    assert_eq!(fs::read_to_string(t.path("run.sh")).unwrap(), "later\n");
    t.ok_in(&t.path("src"), &["restore", "edited", "--", "../run.sh"]);
    assert_tree(&t, &cp, "everything restored");

    let before = t.user_state();
    let err = t.fails(&["restore", "edited", "--", "no/such/file"], 1);
    assert!(err.contains("no/such/file"), "{err}");
    let err = t.fails(&["restore", "edited", "--", "../outside"], 1);
    assert!(err.contains("outside the work tree"), "{err}");
    let err = t.fails(&["restore", "edited"], 2);
    assert!(err.contains("PATH"), "{err}");
    let err = t.fails(&["restore", "no-such-checkpoint", "--", "run.sh"], 1);
    assert!(err.contains("no-such-checkpoint") && err.contains("hint:"), "{err}");
    t.user_state().assert_same(&before, "refused restores");
}

#[test]
fn targets_are_named_by_label_intent_event_id_or_commit() {
    let t = setup();
    t.ok(&["start", "--name", "names"]);
    t.write("a.txt", "1\n");
    t.ok(&["intent", "add b"]);
    t.write("b.txt", "2\n");
    let cp = checkpoint(&t, "both");
    t.ok(&["note", "a note carries no snapshot"]);
    t.write("c.txt", "3\n");
    let id = t.current_id();
    let events = t.events(&id);
    let intent = events.iter().find(|(_, e)| e["kind"] == "intent").unwrap();
    let note = events.iter().find(|(_, e)| e["kind"] == "note").unwrap();
    let cp_event = events.iter().find(|(_, e)| e["kind"] == "checkpoint").unwrap();

    t.ok(&["rewind", "add b"]);
    assert_tree(&t, intent.1["tree"].as_str().unwrap(), "by intent text");
    t.ok(&["rewind", &cp_event.0[..8]]);
    assert_tree(&t, &cp, "by event commit prefix");
    t.ok(&["rewind", &intent.1["id"].as_str().unwrap()[24..]]);
    assert_tree(&t, intent.1["tree"].as_str().unwrap(), "by the event id's last digits");
    let log = t.ok(&["log", "--ids"]);
    assert!(log.contains(&cp_event.0[..7]), "{log}");

    let err = t.fails(&["rewind", &note.0[..10]], 1);
    assert!(err.contains("carries no snapshot") && err.contains("hint:"), "{err}");
    let err = t.fails(&["rewind", "nothing-by-that-name"], 1);
    assert!(err.contains("hint: `git session log --ids`"), "{err}");
    let err = t.fails(&["rewind", "start", "--force"], 2);
    assert!(err.contains("--force"), "{err}");
}

/// Makes a commit on `main` that the session did not make: it arrives the
/// way a pull would (a reflog message the session does not attribute).
/// `tree` with `path` holding `content`.
fn tree_with(t: &TestRepo, tree: &str, path: &str, content: &str) -> String {
    let tmp_index = t.root.join("expected-index");
    let env = [("GIT_INDEX_FILE", tmp_index.to_str().unwrap())];
    t.git_output_in(&t.dir, &["read-tree", tree], &env);
    let file = t.root.join("expected-content");
    fs::write(&file, content).unwrap();
    let blob = t.git(&["hash-object", "-w", file.to_str().unwrap()]);
    t.git_output_in(
        &t.dir,
        &["update-index", "--add", "--cacheinfo", &format!("100644,{blob},{path}")],
        &env,
    );
    String::from_utf8(t.git_output_in(&t.dir, &["write-tree"], &env).stdout)
        .unwrap()
        .trim()
        .to_owned()
}

fn foreign_commit(t: &TestRepo, path: &str, content: &str) {
    let tmp_index = t.root.join("foreign-index");
    let env = [("GIT_INDEX_FILE", tmp_index.to_str().unwrap())];
    t.git_output_in(&t.dir, &["read-tree", "HEAD"], &env);
    let file = t.root.join("foreign-content");
    fs::write(&file, content).unwrap();
    let blob = t.git(&["hash-object", "-w", file.to_str().unwrap()]);
    t.git_output_in(
        &t.dir,
        &["update-index", "--add", "--cacheinfo", &format!("100644,{blob},{path}")],
        &env,
    );
    let tree = String::from_utf8(t.git_output_in(&t.dir, &["write-tree"], &env).stdout).unwrap();
    let commit = t.git(&["commit-tree", "-p", "HEAD", "-m", "teammate's work", tree.trim()]);
    t.git(&["update-ref", "-m", "pull: Fast-forward", "refs/heads/main", &commit]);
    // The work tree follows, as after a pull.
    t.git(&["checkout", "-q", "HEAD", "--", path]);
}

#[test]
fn commits_revert_reverts_only_the_sessions_commits() {
    let t = setup();
    t.ok(&["start", "--name", "reverts"]);
    let start_head = t.git(&["rev-parse", "HEAD"]);
    let start = t.oracle_tree();
    t.write("src/lib.rs", "session change 1\n");
    t.git(&["commit", "-q", "-am", "own 1"]);
    t.ok(&["note", "after own 1"]);
    foreign_commit(&t, "theirs.txt", "from a teammate\n");
    t.ok(&["note", "after the pull"]);
    t.write("src/main.rs", "session change 2\n");
    t.git(&["commit", "-q", "-am", "own 2"]);
    t.ok(&["note", "after own 2"]);
    let head = t.git(&["rev-parse", "HEAD"]);

    let v = t.json(&["rewind", "start", "--commits", "revert", "--json"]);
    assert_eq!(v["commits"]["undone"].as_array().unwrap().len(), 2);
    assert_eq!(v["commits"]["left"][0]["subject"], "teammate's work");
    let log = t.git(&["log", "--format=%s", &format!("{start_head}..HEAD")]);
    assert_eq!(
        log, "Revert \"own 1\"\nRevert \"own 2\"\nown 2\nteammate's work\nown 1",
        "newest first, the teammate's commit left alone"
    );
    // HEAD's tree is the start plus the teammate's file, and so is the work
    // tree: the teammate's change is not the session's to take back.
    assert_eq!(t.git(&["show", "HEAD:theirs.txt"]), "from a teammate");
    assert_eq!(t.git(&["diff", "--stat", &start_head, "HEAD", "--", "src"]), "");
    let start_and_theirs = tree_with(&t, &start, "theirs.txt", "from a teammate\n");
    assert_tree(
        &t,
        &start_and_theirs,
        "work tree at the start, with the teammate's file",
    );
    t.fsck();

    // Undo moves the branch back over the reverts.
    t.ok(&["undo"]);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    t.fsck();
}

#[test]
fn a_revert_that_conflicts_changes_nothing() {
    let t = setup();
    t.ok(&["start", "--name", "conflict"]);
    t.write("src/lib.rs", "session line\n");
    t.git(&["commit", "-q", "-am", "own"]);
    t.ok(&["note", "own"]);
    foreign_commit(&t, "src/lib.rs", "teammate rewrote the same line\n");
    t.ok(&["note", "pulled"]);
    let id = t.current_id();
    let events = t.kinds(&id).len();
    let before = t.user_state();
    let err = t.fails(&["rewind", "start", "--commits", "revert"], 1);
    assert!(err.contains("conflicts") && err.contains("src/lib.rs"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    t.user_state().assert_same(&before, "a refused revert");
    assert_eq!(t.kinds(&id).len(), events);
}

#[test]
fn commits_reset_refuses_to_drop_foreign_commits_unless_forced() {
    let t = setup();
    t.ok(&["start", "--name", "resets"]);
    let base = t.git(&["rev-parse", "HEAD"]);
    t.write("src/lib.rs", "own\n");
    t.git(&["commit", "-q", "-am", "own"]);
    t.ok(&["note", "committed"]);
    let own = t.git(&["rev-parse", "HEAD"]);

    t.ok(&["rewind", "start", "--commits", "reset"]);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), base);
    assert_eq!(t.git(&["status", "--porcelain", "--untracked-files=no"]), "");
    t.ok(&["undo"]);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), own);

    foreign_commit(&t, "theirs.txt", "theirs\n");
    t.ok(&["note", "pulled"]);
    let before = t.user_state();
    let err = t.fails(&["rewind", "start", "--commits", "reset"], 1);
    assert!(err.contains("teammate's work") && err.contains("hint:"), "{err}");
    t.user_state().assert_same(&before, "a refused reset");
    t.ok(&["rewind", "start", "--commits", "reset", "--force"]);
    assert_eq!(t.git(&["rev-parse", "HEAD"]), base);
    t.fsck();
}

/// Writes a tree object exactly as given, bypassing git's checks.
fn raw_tree(t: &TestRepo, entries: &[(&str, &[u8], &str)]) -> String {
    let mut bytes = Vec::new();
    for (mode, name, oid) in entries {
        bytes.extend_from_slice(mode.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(name);
        bytes.push(0);
        for i in (0..40).step_by(2) {
            bytes.push(u8::from_str_radix(&oid[i..i + 2], 16).unwrap());
        }
    }
    let file = t.root.join("raw-tree");
    fs::write(&file, bytes).unwrap();
    t.git(&["hash-object", "-t", "tree", "-w", "--literally", file.to_str().unwrap()])
}

/// Appends a checkpoint event carrying `tree`, as a hostile remote could.
fn forge_checkpoint(t: &TestRepo, id: &str, tree: &str, label: &str) {
    let event = serde_json::json!({
        "format": 1, "id": format!("0190ffff0000700080000000{:08x}", label.len()), "clock": 1000,
        "kind": "checkpoint", "time": "2026-01-02T03:04:05Z",
        "author": {"name": "Mallory", "email": "m@example.com"},
        "head": null, "branch": null, "text": label, "tree": tree,
    });
    let file = t.root.join("forged.json");
    fs::write(&file, event.to_string()).unwrap();
    t.fixture("forge_event.sh", &[id, file.to_str().unwrap()]);
}

#[test]
fn hostile_snapshots_are_refused_before_anything_is_written() {
    let t = setup();
    t.ok(&["start", "--name", "hostile"]);
    let id = t.current_id();
    let outside = t.root.join("outside");
    fs::create_dir_all(&outside).unwrap();
    // An ignored symlink in the work tree that points outside it.
    std::os::unix::fs::symlink(&outside, t.path("build.log")).unwrap();
    t.write("src/lib.rs", "work in progress\n");

    let blob = t.git(&["hash-object", "-w", "README"]);
    let hook = raw_tree(&t, &[("100755", b"post-checkout", &blob)]);
    let hooks = raw_tree(&t, &[("40000", b"hooks", &hook)]);
    let evil = raw_tree(&t, &[("100644", b"evil", &blob)]);
    let cases: Vec<(&str, String)> = vec![
        ("dotdot", raw_tree(&t, &[("40000", b"..", &evil)])),
        ("dotgit", raw_tree(&t, &[("40000", b".git", &hooks)])),
        ("dotGIT", raw_tree(&t, &[("40000", b".GIT", &hooks)])),
        ("ntfs-short", raw_tree(&t, &[("40000", b"git~1", &hooks)])),
        (
            "nested-dotgit",
            raw_tree(&t, &[("40000", b"sub", &raw_tree(&t, &[("40000", b".Git", &hooks)]))]),
        ),
        ("absolute", raw_tree(&t, &[("100644", b"/tmp/evil", &blob)])),
        ("slash", raw_tree(&t, &[("100644", b"a/../../evil", &blob)])),
        ("through-symlink", raw_tree(&t, &[("40000", b"build.log", &evil)])),
        ("gitmodules-link", raw_tree(&t, &[("120000", b".gitmodules", &blob)])),
    ];
    for (label, tree) in &cases {
        forge_checkpoint(&t, &id, tree, label);
        let before = t.user_state();
        let out = t.run(&["rewind", label]);
        assert_eq!(out.status.code(), Some(1), "{label}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("refusing the snapshot") && err.contains("nothing was changed"),
            "{label}: {err}"
        );
        t.user_state().assert_same(&before, label);
        assert_eq!(
            fs::read_dir(&outside).unwrap().count(),
            0,
            "{label}: nothing written outside"
        );
        assert!(!t.dir.join(".git/hooks/post-checkout").exists(), "{label}");
        assert!(
            !t.root.join("evil").exists() && !Path::new("/tmp/evil").exists(),
            "{label}"
        );
        let out = t.run(&["restore", label, "--", "."]);
        assert_eq!(out.status.code(), Some(1), "{label}: restore: {}", stderr(&out));
    }
    // The session is still usable, and nothing was recorded by the refusals.
    assert!(!t.kinds(&id).iter().any(|k| k == "rewind" || k == "restore"));
    t.ok(&["checkpoint", "-m", "still fine"]);
}

#[test]
fn an_interrupted_rewind_is_recovered_by_undo_or_by_rewinding_again() {
    let t = setup();
    t.ok(&["start", "--name", "interrupted"]);
    for i in 0..40 {
        t.write(&format!("many/f{i}.txt"), format!("version 1 of {i}\n"));
    }
    let v1 = checkpoint(&t, "v1");
    for i in 0..40 {
        t.write(&format!("many/f{i}.txt"), format!("version 2 of {i}\n"));
    }
    t.write("extra.txt", "only in v2\n");
    let v2 = t.oracle_tree();
    let index = index_entries(&t);

    let mut rng = Rng::new(7);
    for round in 0..4 {
        t.ok(&["rewind", "v1"]);
        assert_tree(&t, &v1, "rewind");
        let interrupted = latest_rewind(&t);
        // As if the process died part way through writing: some files still
        // hold the state from before the rewind.
        for i in 0..40 {
            if rng.below(2) == 0 {
                t.write(&format!("many/f{i}.txt"), format!("version 2 of {i}\n"));
            }
        }
        if round % 2 == 0 {
            t.ok(&["undo"]);
            assert_tree(&t, &v2, &format!("round {round}: undo after an interruption"));
            assert_eq!(index_entries(&t), index);
        } else {
            t.ok(&["rewind", "v1"]);
            assert_tree(&t, &v1, &format!("round {round}: rewinding again"));
            t.ok(&["undo"]);
            t.ok(&["undo", &interrupted]);
            assert_tree(&t, &v2, &format!("round {round}: back to v2"));
        }
    }
    t.fsck();
}

fn latest_rewind(t: &TestRepo) -> String {
    let id = t.current_id();
    t.events(&id)
        .into_iter()
        .rev()
        .find(|(_, e)| e["kind"] == "rewind")
        .map(|(commit, _)| commit)
        .unwrap()
}

#[test]
fn nothing_to_rewind_records_nothing() {
    let t = setup();
    t.ok(&["start", "--name", "still"]);
    let id = t.current_id();
    let n = t.kinds(&id).len();
    let out = t.ok(&["rewind", "start"]);
    assert!(out.contains("Nothing to rewind"), "{out}");
    assert_eq!(t.kinds(&id).len(), n);
    let err = t.fails(&["undo"], 1);
    assert!(err.contains("nothing to undo"), "{err}");
}
