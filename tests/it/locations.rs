//! Where the command runs: linked worktrees, `-C`, subdirectories,
//! `GIT_DIR`/`GIT_WORK_TREE` (DESIGN.md §6: as git itself behaves).

use crate::harness::{event_of, TestRepo};

#[test]
fn a_session_started_in_a_linked_worktree_is_current_only_there() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "in-main"]);
    let main_id = t.current_id();
    let wt = t.root.join("wt");
    t.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    std::fs::write(wt.join("only-in-wt.txt"), "wt\n").unwrap();

    let before_main = t.user_state();
    let before_wt = t.user_state_in(&wt);
    let v = t.json_in(&wt, &["start", "--name", "in-wt", "--json"]);
    let wt_id = v["session"].as_str().unwrap().to_owned();
    let start = event_of(&v, "start");
    assert_eq!(start["branch"], "wt");
    assert_eq!(start["tree"], t.oracle_tree_in(&wt).as_str());
    t.user_state()
        .assert_same(&before_main, "start in the linked worktree, seen from the main one");
    t.user_state_in(&wt)
        .assert_same(&before_wt, "start in the linked worktree");

    // Each work tree has its own current session; starting in wt paused nothing in main.
    assert_eq!(t.json_in(&wt, &["status", "--json"])["session"]["id"], wt_id.as_str());
    assert_eq!(t.current_id(), main_id);
    assert_eq!(t.header()["status"], "active");
    assert!(t.dir.join(".git/worktrees/wt/aura/current").exists());
    // Both are listed everywhere; `current` is per work tree.
    let from_main = t.json(&["list", "--json"]);
    let current: Vec<(String, bool)> = from_main
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(current, [("in-main".to_owned(), true), ("in-wt".to_owned(), false)]);
    let from_wt = t.json_in(&wt, &["list", "--json"]);
    assert_eq!(from_wt[1]["current"], true);
    assert_eq!(from_wt[0]["current"], false);

    // Notes land where they are made.
    t.ok_in(&wt, &["note", "from wt"]);
    t.ok(&["note", "from main"]);
    assert_eq!(t.kinds(&wt_id), ["start", "note"]);
    assert_eq!(t.kinds(&main_id), ["start", "note"]);
    // Pausing in wt leaves wt without a session and main untouched.
    t.ok_in(&wt, &["pause"]);
    assert_eq!(
        t.json_in(&wt, &["status", "--json"]),
        serde_json::json!({ "session": null })
    );
    assert_eq!(t.current_id(), main_id);
    // Snapshots in wt keep matching git there.
    t.ok_in(&wt, &["resume", "in-wt"]);
    std::fs::write(wt.join("README"), "changed in wt\n").unwrap();
    let v = t.json_in(&wt, &["checkpoint", "--json"]);
    assert_eq!(event_of(&v, "checkpoint")["tree"], t.oracle_tree_in(&wt).as_str());
    t.fsck();
}

#[test]
fn dash_c_runs_as_if_started_there() {
    let t = TestRepo::new();
    let elsewhere = t.root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let repo = t.dir.to_str().unwrap();
    t.ok_in(&elsewhere, &["-C", repo, "start", "--name", "via-c"]);
    assert_eq!(t.header()["name"], "via-c");
    t.ok_in(&elsewhere, &["-C", "../repo", "note", "relative -C"]);
    t.write("c.txt", "c\n");
    let v = t.json_in(&elsewhere, &["-C", repo, "checkpoint", "--json"]);
    assert_eq!(event_of(&v, "checkpoint")["tree"], t.oracle_tree().as_str());
    // -C into a subdirectory of the work tree, after the subcommand too (global flag).
    t.write("sub/dir/f.txt", "f\n");
    t.ok_in(&elsewhere, &["status", "-C", t.path("sub").to_str().unwrap()]);
    assert_eq!(t.header()["counters"]["events"], 3);
}

#[test]

fn dash_c_resolves_snapshot_paths_from_there() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "c-paths"]);
    t.write("sub/dir/f.txt", "f\n");
    let v = t.json_in(&t.root, &["-C", "repo/sub", "snapshot", "dir/f.txt", "--json"]);
    assert_eq!(event_of(&v, "snapshot")["paths"], serde_json::json!(["sub/dir/f.txt"]));
}

#[test]
fn running_from_a_subdirectory() {
    let t = TestRepo::new();
    t.write("src/deep/a.rs", "a\n");
    t.write("b.rs", "b\n");
    let sub = t.path("src/deep");
    t.ok_in(&sub, &["start", "--name", "from-sub"]);
    let v = t.json_in(&sub, &["snapshot", "a.rs", "../../b.rs", "./../deep/a.rs", "--json"]);
    let snap = event_of(&v, "snapshot");
    assert_eq!(
        snap["paths"],
        serde_json::json!(["src/deep/a.rs", "b.rs", "src/deep/a.rs"])
    );
    assert_eq!(
        snap["tree"],
        t.oracle_tree().as_str(),
        "the whole work tree, not the subdirectory"
    );
    let err = t.fails_in(&sub, &["snapshot", "../../../outside.txt"], 1);
    assert!(err.contains("outside the work tree"), "{err}");
    assert_eq!(t.json_in(&sub, &["status", "--json"])["session"]["name"], "from-sub");
}

#[test]
fn git_dir_and_git_work_tree_are_honoured() {
    let mut t = TestRepo::new();
    t.write("x.txt", "x\n");
    let elsewhere = t.root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    t.ok(&["start", "--name", "by-env"]);
    let expected = t.oracle_tree();
    let git_dir = t.dir.join(".git");
    t.set_env("GIT_DIR", git_dir.to_str().unwrap());
    let work_tree = t.dir.to_str().unwrap().to_owned();
    t.set_env("GIT_WORK_TREE", &work_tree);
    let v = t.json_in(&elsewhere, &["checkpoint", "--json"]);
    assert_eq!(event_of(&v, "checkpoint")["tree"], expected.as_str());
    assert_eq!(
        t.json_in(&elsewhere, &["status", "--json"])["session"]["name"],
        "by-env"
    );
    // GIT_DIR alone: read commands work from anywhere.
    let mut other = TestRepo::bare_dir();
    other.set_env("GIT_DIR", git_dir.to_str().unwrap());
    let list = other.json_in(&other.root, &["list", "--json"]);
    assert_eq!(list[0]["name"], "by-env");
}

/// A separate git dir (`git init --separate-git-dir`): `.git` is a file.
#[test]
fn a_separate_git_dir_works() {
    let t = TestRepo::bare_dir();
    let gd = t.root.join("gitdir");
    t.git_in(
        &t.root,
        &[
            "init",
            "-q",
            "-b",
            "main",
            "--separate-git-dir",
            gd.to_str().unwrap(),
            t.dir.to_str().unwrap(),
        ],
    );
    t.git(&["config", "user.name", "Ada Tester"]);
    t.git(&["config", "user.email", "ada@example.com"]);
    t.write("f.txt", "f\n");
    let before = t.user_state();
    let v = t.json(&["start", "--name", "separate", "--json"]);
    t.user_state().assert_same(&before, "start with a separate git dir");
    assert_eq!(event_of(&v, "start")["tree"], t.oracle_tree().as_str());
    assert!(gd.join("aura/current").exists());
}
