//! Oracle tests: [`commit_patch_id`] against
//! `git show --no-renames <commit> | git patch-id --stable`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::*;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = sealed(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn sealed(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CEILING_DIRECTORIES",
        "GIT_PAGER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("LC_ALL", "C")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
    cmd
}

/// `git show --no-renames <commit> | git patch-id --stable`: the id, or `None`.
fn oracle(dir: &Path, commit: &str) -> Option<String> {
    let patch = sealed(dir)
        .args(["show", "--no-renames", "--format=commit %H", commit])
        .output()
        .expect("git show")
        .stdout;
    let mut child = sealed(dir)
        .args(["patch-id", "--stable"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git patch-id");
    child.stdin.take().expect("stdin").write_all(&patch).expect("write");
    let out = child.wait_with_output().expect("patch-id output");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace().next().map(str::to_owned)
}

fn ours(dir: &Path, commit: &str) -> Option<String> {
    let repo = gix::open(dir).expect("open");
    let id = ObjectId::from_hex(commit.as_bytes()).expect("hex");
    commit_patch_id(&repo, id).expect("patch id").map(|id| id.to_string())
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn patch_ids_agree_with_git_patch_id_stable() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    let w = |p: &str, c: &[u8]| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, c).expect("write");
    };
    let mut commits = Vec::new();
    // A root commit with several files (against the empty tree).
    w("a.txt", b"one\ntwo\nthree\n");
    w("dir/b.rs", b"fn main() {\n    println!(\"hi\");\n}\n");
    w("bin.dat", b"\x00\x01\x02binary\x00");
    commits.push(commit_all(dir, "root"));
    // Modifications in two files, with hunks far apart.
    let long: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    w("long.txt", long.as_bytes());
    commits.push(commit_all(dir, "long"));
    let edited = long.replace("line 3\n", "line three\n").replace("line 37\n", "");
    w("long.txt", edited.as_bytes());
    w("a.txt", b"one\n  two  \nthree\nfour");
    commits.push(commit_all(dir, "edits, no newline at end"));
    // White space only, CRLF, a deletion, a binary change, a mode change.
    w("dir/b.rs", b"fn main() {\r\n\tprintln!(\"hi\");\r\n}\r\n");
    std::fs::remove_file(dir.join("long.txt")).expect("rm");
    w("bin.dat", b"\x00\x01\x03binary again\x00");
    commits.push(commit_all(dir, "whitespace, deletion, binary"));
    std::fs::set_permissions(dir.join("a.txt"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    commits.push(commit_all(dir, "mode only"));
    commits.push(commit_all(dir, "empty"));
    // A symlink and a file in a new directory.
    std::os::unix::fs::symlink("a.txt", dir.join("link")).expect("symlink");
    w("new/deep/c.txt", b"c\n");
    commits.push(commit_all(dir, "symlink"));

    for c in &commits {
        assert_eq!(ours(dir, c), oracle(dir, c), "patch id of {c}");
    }
    assert!(ours(dir, commits.last().expect("one")).is_some());
    assert_eq!(ours(dir, &commits[5]), None, "an empty commit has no patch id");
}

#[test]
fn a_rebased_commit_keeps_its_patch_id() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("x"), "1\n2\n3\n4\n5\n6\n7\n8\n9\n").expect("write");
    commit_all(dir, "base");
    git(dir, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(dir.join("x"), "1\n2\n3\n4\n5\n6\n7\n8\nnine\n").expect("write");
    let old = commit_all(dir, "topic change");
    git(dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join("x"), "one\n2\n3\n4\n5\n6\n7\n8\n9\n").expect("write");
    commit_all(dir, "main change");
    git(dir, &["cherry-pick", &old]);
    let new = git(dir, &["rev-parse", "HEAD"]);
    assert_ne!(old, new);
    assert_eq!(ours(dir, &old), ours(dir, &new));
    assert_eq!(ours(dir, &new), oracle(dir, &new));
}
