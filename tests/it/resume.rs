//! `resume` puts the work tree back on the session's branch when nothing of
//! the user's can be lost, and says how to switch when something could.

use crate::harness::{stderr, TestRepo};

/// A repository with a session on `feature`, whose tree differs from `main`
/// by a modified executable, a removed folder, a new file and a symlink.
fn feature_session() -> TestRepo {
    let t = TestRepo::new();
    t.write("dir/old.txt", "old\n");
    t.write("run.sh", "echo 1\n");
    t.chmod("run.sh", 0o755);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "base"]);
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.git(&["rm", "-q", "-r", "dir"]);
    t.write("run.sh", "echo 2\n");
    t.write("new/deep/file.txt", "new\n");
    t.symlink("run.sh", "link");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "feature work"]);
    t.ok(&["start", "--name", "feat"]);
    t.ok(&["pause"]);
    t.git(&["checkout", "-q", "main"]);
    t
}

#[test]
fn resume_checks_out_the_sessions_branch_on_a_clean_work_tree() {
    let t = feature_session();
    let out = t.run(&["resume", "feat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Switched to branch 'feature'"),
        "{}",
        stderr(&out)
    );
    assert_eq!(t.git(&["symbolic-ref", "HEAD"]), "refs/heads/feature");
    // git agrees the work tree and index are exactly the branch's.
    assert_eq!(t.git(&["status", "--porcelain", "--untracked-files=all"]), "");
    assert_eq!(t.git(&["write-tree"]), t.git(&["rev-parse", "feature^{tree}"]));
    assert!(!t.path("dir").exists(), "the removed folder is gone");
    assert_eq!(std::fs::read_link(t.path("link")).unwrap().to_str(), Some("run.sh"));
    t.fsck();
}

#[test]
fn resume_leaves_a_dirty_work_tree_alone_and_says_how_to_switch() {
    let t = feature_session();
    t.write("README", "local edit\n");
    let before = t.user_state();
    let out = t.run(&["resume", "feat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("git switch feature"), "{}", stderr(&out));
    assert_eq!(t.git(&["symbolic-ref", "HEAD"]), "refs/heads/main");
    t.user_state().assert_same(&before, "a dirty work tree is not switched");
}
