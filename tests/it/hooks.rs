//! `git session hooks`: trailers in commit messages, commits recorded at
//! once, chaining with the user's hooks, `core.hooksPath`, a byte-exact
//! uninstall; and attribution that survives rebases (patch id) and squash
//! merges (the quoted `Session-Id` trailers).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::harness::{TestRepo, BIN};

/// Subjects of the session's event commits, oldest first, read by git alone.
fn event_subjects(t: &TestRepo, id: &str) -> Vec<String> {
    let log = t.git(&[
        "log",
        "--first-parent",
        "--reverse",
        "--format=%s",
        &format!("refs/aura/sessions/{id}"),
    ]);
    log.lines().map(str::to_owned).collect()
}

/// The session's last event, read by git alone, records the commit `subject`.
fn assert_last_commit_event(t: &TestRepo, id: &str, subject: &str) {
    let subjects = event_subjects(t, id);
    let last = subjects.last().unwrap();
    assert!(last.starts_with("commit: ") && last.ends_with(subject), "{last}");
}

fn commit_events(t: &TestRepo, id: &str) -> Vec<Value> {
    t.events(id)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e["kind"] == "commit")
        .collect()
}

fn file_state(path: &Path) -> (Vec<u8>, u32) {
    (
        fs::read(path).unwrap(),
        fs::metadata(path).unwrap().permissions().mode(),
    )
}

#[test]
fn installed_hooks_add_trailers_and_record_at_once() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "hooked"]);
    t.ok(&["intent", "extract the parser\nwith more detail"]);
    let id = t.current_id();
    t.ok(&["hooks", "install"]);
    let hook = t.dir.join(".git/hooks/prepare-commit-msg");
    let installed = file_state(&hook);
    assert_eq!(installed.1 & 0o111, 0o111, "executable");
    t.ok(&["hooks", "install"]);
    assert_eq!(file_state(&hook), installed, "installing twice changes nothing");
    let status = t.json(&["hooks", "status", "--json"]);
    assert_eq!(status["hooks"]["post-commit"]["state"], "installed");
    assert_eq!(status["hooks"]["prepare-commit-msg"]["chained"], false);

    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    let out = t.commit(&["-m", "feat: add a"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "a quiet hook");
    let head = t.git(&["rev-parse", "HEAD"]);
    assert_eq!(
        t.git(&["log", "-1", "--format=%B"]),
        format!("feat: add a\n\nSession-Id: {id}\nSession-Intent: extract the parser")
    );
    // Recorded by the post-commit hook, before any git-session command.
    assert_last_commit_event(&t, &id, "feat: add a");

    // Amending keeps one copy of each trailer.
    t.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "feat: add a\n\nSession-Id: ".to_owned().as_str(),
    ]);
    t.git(&["commit", "-q", "--amend", "--no-edit"]);
    let body = t.git(&["log", "-1", "--format=%B"]);
    assert_eq!(body.matches(&format!("Session-Id: {id}")).count(), 1, "{body}");

    // The next command records nothing twice.
    let v = t.json(&["note", "after", "--json"]);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["note"]);
    let commits = commit_events(&t, &id);
    assert_eq!(commits.len(), 3, "the commit and two amends, once each");
    assert_eq!(commits[0]["commit"], head.as_str());
    assert_eq!(commits[0]["attributed_by"], "trailer");
    t.fsck();
}

#[test]
fn hooks_chain_with_the_users_and_never_block_a_commit() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "chained"]);
    let id = t.current_id();
    let hooks = t.dir.join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let user = "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> \"$(git rev-parse --git-dir)/marker\"\n[ -e \"$(git rev-parse --git-dir)/fail-now\" ] && exit 3\nexit 0\n";
    for name in ["prepare-commit-msg", "post-commit"] {
        fs::write(hooks.join(name), user).unwrap();
        fs::set_permissions(hooks.join(name), fs::Permissions::from_mode(0o750)).unwrap();
    }
    // A sample hook that is not ours and not installed is left alone.
    let before: Vec<_> = ["prepare-commit-msg", "post-commit"]
        .iter()
        .map(|n| file_state(&hooks.join(n)))
        .collect();

    // Install from a copy of the binary, so that it can go missing later.
    let bin_dir = t.root.join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let copy = bin_dir.join("git-session");
    fs::copy(BIN, &copy).unwrap();
    let mut cmd = std::process::Command::new(&copy);
    t.seal(&mut cmd);
    cmd.args(["hooks", "install"]).current_dir(&t.dir);
    // A freshly written executable can be briefly busy (another test thread
    // forked while it was open for writing).
    let out = (0..50)
        .find_map(|_| match cmd.output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                None
            }
            other => Some(other.unwrap()),
        })
        .expect("the copied binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs first"));
    assert_eq!(
        t.json(&["hooks", "status", "--json"])["hooks"]["post-commit"]["chained"],
        true
    );

    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    assert!(t.commit(&["-m", "one"]).status.success());
    let marker = fs::read_to_string(t.dir.join(".git/marker")).unwrap();
    // The user's hook runs with its own arguments and sees its own name in
    // `$0` (hook managers such as Husky rely on it).
    assert!(
        marker.contains("prepare-commit-msg .git/COMMIT_EDITMSG message\n"),
        "{marker}"
    );
    assert!(marker.contains("post-commit \n"), "{marker}");
    assert!(t
        .git(&["log", "-1", "--format=%B"])
        .contains(&format!("Session-Id: {id}")));

    // A failing user hook still blocks the commit.
    let head = t.git(&["rev-parse", "HEAD"]);
    fs::write(t.dir.join(".git/fail-now"), "").unwrap();
    t.write("a.txt", "aa\n");
    t.git(&["add", "a.txt"]);
    let out = t.commit(&["-m", "blocked"]);
    assert!(!out.status.success());
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    fs::remove_file(t.dir.join(".git/fail-now")).unwrap();

    // Ours failing never does: an unreadable session ref…
    let reference = t.dir.join(format!(".git/refs/aura/sessions/{id}"));
    let saved = fs::read(&reference).unwrap();
    fs::write(&reference, "not a ref\n").unwrap();
    let out = t.commit(&["-m", "session broken"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.lines().count() <= 2,
        "one warning line per hook at most: {stderr}"
    );
    fs::write(&reference, saved).unwrap();
    // …or a binary that is gone.
    fs::remove_file(&copy).unwrap();
    t.write("a.txt", "aaa\n");
    t.git(&["add", "a.txt"]);
    let out = t.commit(&["-m", "binary gone"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    assert_eq!(t.git(&["log", "-1", "--format=%s"]), "binary gone");

    // Uninstall puts back exactly what was there.
    t.ok(&["hooks", "uninstall"]);
    let after: Vec<_> = ["prepare-commit-msg", "post-commit"]
        .iter()
        .map(|n| file_state(&hooks.join(n)))
        .collect();
    assert_eq!(after, before);
    assert!(!hooks.join("post-commit.pre-git-session").exists());
    assert_eq!(
        t.json(&["hooks", "status", "--json"])["hooks"]["post-commit"]["state"],
        "foreign"
    );
    // The commits made meanwhile are all in the session, once (the two
    // the hook could not record, at the next command).
    t.ok(&["note", "after"]);
    let subjects: Vec<String> = commit_events(&t, &id)
        .iter()
        .map(|e| e["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects, ["one", "session broken", "binary gone"]);
}

#[test]
fn hooks_go_where_core_hooks_path_says() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "husky"]);
    let id = t.current_id();
    t.git(&["config", "core.hooksPath", ".husky/_"]);
    t.ok(&["hooks", "install"]);
    let status = t.json(&["hooks", "status", "--json"]);
    assert_eq!(status["dir"], t.dir.join(".husky/_").to_str().unwrap());
    assert!(t.dir.join(".husky/_/post-commit").exists());
    assert!(!t.dir.join(".git/hooks/post-commit").exists());
    let sub = t.dir.join("sub");
    fs::create_dir_all(&sub).unwrap();
    t.write("sub/b.txt", "b\n");
    t.git_in(&sub, &["add", "b.txt"]);
    t.git_in(&sub, &["commit", "-q", "-m", "from a subdirectory"]);
    assert!(t
        .git(&["log", "-1", "--format=%B"])
        .ends_with(&format!("Session-Id: {id}")));
    assert_last_commit_event(&t, &id, "from a subdirectory");
    t.ok(&["hooks", "uninstall"]);
    assert!(!t.dir.join(".husky/_/post-commit").exists());
}

/// Husky's layout: `.husky/_/<hook>` sources `.husky/_/h`, which runs the
/// user's `.husky/<hook>` found from `$0`. Chained behind ours, it still runs.
#[test]
fn a_husky_hook_chained_behind_ours_still_runs() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "husky-layout"]);
    let id = t.current_id();
    let exec = |rel: &str, text: &str| {
        t.write(rel, text);
        t.chmod(rel, 0o755);
    };
    exec(
        ".husky/_/h",
        "#!/usr/bin/env sh\nn=$(basename \"$0\")\ns=$(dirname \"$(dirname \"$0\")\")/$n\n[ ! -f \"$s\" ] && exit 0\nsh -e \"$s\" \"$@\"\n",
    );
    exec(
        ".husky/_/prepare-commit-msg",
        "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n",
    );
    exec(
        ".husky/prepare-commit-msg",
        "echo husky ran >> \"$(git rev-parse --git-dir)/husky-marker\"\n",
    );
    t.git(&["config", "core.hooksPath", ".husky/_"]);
    t.ok(&["hooks", "install"]);
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "with husky"]);
    assert_eq!(
        fs::read_to_string(t.dir.join(".git/husky-marker")).unwrap(),
        "husky ran\n"
    );
    assert!(t
        .git(&["log", "-1", "--format=%B"])
        .ends_with(&format!("Session-Id: {id}")));
}

#[test]
fn rebased_commits_keep_attribution_by_patch_id() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "rebased"]);
    let id = t.current_id();
    let base = t.git(&["rev-parse", "HEAD"]);
    t.git(&["checkout", "-q", "-b", "topic"]);
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "feat: a"]);
    let a = t.git(&["rev-parse", "HEAD"]);
    t.write("b.txt", "b\n");
    t.git(&["add", "b.txt"]);
    t.git(&["commit", "-q", "-m", "feat: b"]);
    let b = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "two commits"]);
    // Main moves on; topic is rebased onto it.
    t.git(&["checkout", "-q", "main"]);
    t.write("README", "hello again\n");
    t.git(&["commit", "-q", "-am", "docs: readme"]);
    t.git(&["checkout", "-q", "topic"]);
    t.git(&["rebase", "-q", "--onto", "main", &base, "topic"]);
    let (a2, b2) = (t.git(&["rev-parse", "HEAD~"]), t.git(&["rev-parse", "HEAD"]));
    assert_ne!(a, a2);
    // And a cherry-pick of the first onto another branch.
    t.git(&["checkout", "-q", "-b", "other", &base]);
    t.write("c.txt", "c\n");
    t.git(&["add", "c.txt"]);
    t.git(&["commit", "-q", "-m", "unrelated"]);
    t.git(&["cherry-pick", &a2]);
    let a3 = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "after the rebase"]);
    let by_commit = |c: &str| {
        commit_events(&t, &id)
            .into_iter()
            .find(|e| e["commit"] == c)
            .unwrap_or_else(|| panic!("no commit event for {c}"))
    };
    assert_eq!(by_commit(&a2)["rewritten_from"], a.as_str());
    assert_eq!(by_commit(&a2)["attributed_by"], "patch-id");
    assert_eq!(by_commit(&b2)["rewritten_from"], b.as_str());
    assert_eq!(
        by_commit(&a3)["rewritten_from"],
        a2.as_str(),
        "the newest commit with that patch"
    );
    assert!(by_commit(&a).get("rewritten_from").is_none());
}

#[test]
fn squash_merges_are_attributed_by_the_quoted_trailers() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "squashed"]);
    let id = t.current_id();
    t.ok(&["hooks", "install"]);
    t.git(&["checkout", "-q", "-b", "topic"]);
    let mut topic = Vec::new();
    for name in ["a", "b"] {
        t.write(&format!("{name}.txt"), "x\n");
        t.git(&["add", "."]);
        t.git(&["commit", "-q", "-m", &format!("feat: {name}")]);
        topic.push(t.git(&["rev-parse", "HEAD"]));
    }
    t.git(&["checkout", "-q", "main"]);
    t.git(&["merge", "-q", "--squash", "topic"]);
    t.git(&["commit", "-q", "--no-edit"]);
    let squash = t.git(&["rev-parse", "HEAD"]);
    let body = t.git(&["log", "-1", "--format=%B"]);
    assert!(body.starts_with("Squashed commit of the following:"), "{body}");
    assert!(
        !body.contains(&format!("\nSession-Id: {id}")),
        "no second, unindented copy: {body}"
    );
    t.ok(&["note", "after the squash"]);
    let event = commit_events(&t, &id)
        .into_iter()
        .find(|e| e["commit"] == squash.as_str())
        .unwrap();
    assert_eq!(event["attributed_by"], "trailer");
    let mut squashed: Vec<String> = event["squashed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    squashed.sort();
    topic.sort();
    assert_eq!(squashed, topic);
}
