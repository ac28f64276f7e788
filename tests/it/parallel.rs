//! Isolated sessions side by side: `start --worktree` makes a linked
//! worktree on its own branch, and `close --remove-worktree` takes it away.

use crate::harness::TestRepo;

#[test]
fn a_session_in_its_own_worktree_leaves_this_one_alone() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "here"]);
    t.write("main-only.txt", "work in the main worktree\n");
    let before = t.user_state();
    let v = t.json(&[
        "start",
        "--worktree",
        "../feature",
        "--name",
        "feature",
        "-i",
        "side work",
        "--json",
    ]);
    let wt = t.root.join("feature");
    assert_eq!(v["worktree"], wt.to_str().unwrap());
    assert_eq!(v["branch"], "session/feature");
    let mut after = t.user_state();
    assert!(after.refs.contains("refs/heads/session/feature"), "{}", after.refs);
    after.refs = before.refs.clone();
    before.assert_same(&after, "start --worktree (apart from the new branch)");
    assert_eq!(t.header()["name"], "here", "this work tree keeps its session");

    // git sees a proper worktree on the new branch, clean, at HEAD.
    let list = t.git(&["worktree", "list", "--porcelain"]);
    assert!(list.contains(&format!("worktree {}", wt.display())), "{list}");
    assert!(list.contains("branch refs/heads/session/feature"), "{list}");
    assert_eq!(t.git_in(&wt, &["status", "--porcelain"]), "");
    assert_eq!(t.git_in(&wt, &["rev-parse", "HEAD"]), t.git(&["rev-parse", "HEAD"]));
    assert_eq!(t.json_in(&wt, &["status", "--json"])["session"]["name"], "feature");

    // Work on both sides: each snapshot is its own work tree's.
    t.write_in(&wt, "feature.txt", "only over there\n");
    let there = t.json_in(&wt, &["checkpoint", "-m", "there", "--json"]);
    assert_eq!(there["events"][0]["tree"], t.oracle_tree_in(&wt).as_str());
    let here = t.json(&["checkpoint", "-m", "here", "--json"]);
    assert_eq!(here["events"][0]["tree"], t.oracle_tree().as_str());
    assert!(!t.path("feature.txt").exists());

    // list says where each session lives.
    let listed = t.json(&["list", "--json"]);
    let feature = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "feature")
        .unwrap();
    assert_eq!(feature["worktree"], wt.to_str().unwrap());
    let text = t.ok(&["list"]);
    assert!(text.contains("[worktree ") && text.contains("feature"), "{text}");
    // Closing leaves a clean worktree in place and says how to remove it.
    std::fs::remove_file(wt.join("feature.txt")).unwrap();
    let out = t.run_in(&wt, &["close"]);
    assert!(out.status.success());
    let err = crate::harness::stderr(&out);
    assert!(
        err.contains("hint:") && err.contains("is clean") && err.contains("git worktree remove"),
        "{err}"
    );
    assert!(wt.exists());
    t.fsck();
}

#[test]
fn close_removes_a_clean_worktree_and_refuses_a_dirty_one() {
    let t = TestRepo::new();
    t.ok(&["start", "--worktree", "wt", "--branch", "side", "--name", "side"]);
    let wt = t.path("wt");
    t.write_in(&wt, "dirty.txt", "unsaved\n");
    let err = t.fails_in(&wt, &["close", "--remove-worktree"], 1);
    assert!(
        err.contains("has changes") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(t.json_in(&wt, &["status", "--json"])["session"]["status"], "active");
    std::fs::remove_file(wt.join("dirty.txt")).unwrap();

    let out = t.ok(&["close", "side", "--remove-worktree"]);
    assert!(out.contains("Removed the worktree"), "{out}");
    assert!(!wt.exists());
    assert_eq!(
        t.git(&["worktree", "list", "--porcelain"]).matches("worktree ").count(),
        1
    );
    assert_eq!(t.git(&["worktree", "prune", "-n", "-v"]), "");
    assert!(
        t.git(&["branch", "--list", "side"]).contains("side"),
        "the branch is kept"
    );
    t.fsck();
}

#[test]
fn start_worktree_refusals_change_nothing() {
    let t = TestRepo::new();
    t.write("taken/file", "x\n");
    t.git(&["branch", "exists"]);
    let before = t.user_state();
    let err = t.fails(&["start", "--worktree", "taken", "--name", "a"], 1);
    assert!(err.contains("taken"), "{err}");
    let err = t.fails(&["start", "--worktree", "../b", "--branch", "exists", "--name", "b"], 1);
    assert!(err.contains("already exists") && err.contains("hint:"), "{err}");
    let err = t.fails(&["start", "--branch", "x"], 2);
    assert!(err.contains("--worktree"), "{err}");
    t.user_state().assert_same(&before, "refused starts");
    assert_eq!(t.git(&["for-each-ref", "refs/aura"]), "");
    assert!(!t.root.join("b").exists());
    assert_eq!(
        t.git(&["worktree", "list", "--porcelain"]).matches("worktree ").count(),
        1
    );
}
