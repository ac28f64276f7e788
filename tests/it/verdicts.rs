//! Intent verdicts (issue 14): `intent --writes PATHSPEC…` declares a
//! scope, each commit made under it is judged consistent, flagged or
//! unresolved in `log`, `show`, `summarize` and `context`, and the
//! `commit-msg` hook of `hooks install --verify` warns or blocks before a
//! commit leaves the scope. git is the oracle of what a pathspec takes in:
//! `git diff --name-only C^ C -- <scope>` lists the files of commit C inside it.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::harness::{stderr, TestRepo};

/// The files commit `c` changed, and those of them inside `scope`, by git.
fn oracle(t: &TestRepo, c: &str, scope: &[&str]) -> (BTreeSet<String>, BTreeSet<String>) {
    let lines = |s: String| s.lines().map(str::to_owned).collect::<BTreeSet<_>>();
    let all = lines(t.git(&["diff", "--name-only", &format!("{c}^"), c]));
    let mut args = vec!["diff", "--name-only"];
    let parent = format!("{c}^");
    args.extend([parent.as_str(), c, "--"]);
    args.extend(scope);
    (all, lines(t.git(&args)))
}

/// The commit events of `log --json`, by subject: (verdict, outside).
fn logged_verdicts(t: &TestRepo) -> Vec<(String, Value)> {
    t.json(&["log", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "commit")
        .map(|e| (e["event"]["subject"].as_str().unwrap().to_owned(), e["verdict"].clone()))
        .collect()
}

fn commit_all(t: &TestRepo, message: &str) -> String {
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", message]);
    t.git(&["rev-parse", "HEAD"])
}

#[test]
fn commits_inside_and_outside_the_declared_scope_are_consistent_and_flagged() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "scoped"]);
    // Before any intent: unresolved.
    t.write("early.txt", "early\n");
    commit_all(&t, "before an intent");
    let scope = ["src/", "*.md", ":(exclude)src/generated"];
    let out = t.ok(&["intent", "rework the parser", "--writes", scope[0], scope[1], scope[2]]);
    assert!(out.contains("Scope: src/ *.md :(exclude)src/generated"), "{out}");
    assert_eq!(t.header()["scope"], serde_json::json!(scope));

    t.write("src/parser.rs", "fn parse() {}\n");
    t.write("docs/notes.md", "notes\n");
    let inside = commit_all(&t, "inside");
    t.write("src/parser.rs", "fn parse() { todo!() }\n");
    t.write("src/generated/tables.rs", "// generated\n");
    t.write("Cargo.toml", "[package]\n");
    let outside = commit_all(&t, "outside");
    t.ok(&["intent", "anything goes"]);
    t.write("free.txt", "free\n");
    commit_all(&t, "no scope");
    t.ok(&["note", "recorded"]);

    // git's own reading of the pathspecs is the oracle.
    let (all, kept) = oracle(&t, &inside, &scope);
    assert_eq!(all, kept, "the oracle sees every file of 'inside' in scope");
    let (all, kept) = oracle(&t, &outside, &scope);
    let expected_outside: Vec<String> = all.difference(&kept).cloned().collect();
    assert_eq!(expected_outside, ["Cargo.toml", "src/generated/tables.rs"]);

    let verdicts = logged_verdicts(&t);
    let by_subject = |s: &str| verdicts.iter().find(|(x, _)| x == s).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(by_subject("before an intent")["verdict"], "unresolved");
    assert_eq!(by_subject("before an intent")["reason"], "no intent");
    assert_eq!(by_subject("inside")["verdict"], "consistent");
    let flagged = by_subject("outside");
    assert_eq!(flagged["verdict"], "flagged");
    assert_eq!(flagged["outside"], serde_json::json!(expected_outside));
    assert_eq!(flagged["outside_count"], 2);
    assert_eq!(flagged["scope"], serde_json::json!(scope));
    assert_eq!(by_subject("no scope")["verdict"], "unresolved");
    assert_eq!(by_subject("no scope")["reason"], "the intent declared no scope");

    // The timeline marks them.
    let log = t.ok(&["log"]);
    assert!(log.contains("inside [consistent]"), "{log}");
    assert!(
        log.contains("outside [flagged: Cargo.toml, src/generated/tables.rs]"),
        "{log}"
    );

    // summarize: a section of its own in all three formats.
    let s = t.json(&["summarize", "--format", "json"]);
    assert_eq!(
        s["verdicts"],
        serde_json::json!({"consistent": 1, "flagged": 1, "unresolved": 2})
    );
    let commits = s["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 4);
    assert!(commits
        .iter()
        .any(|c| c["subject"] == "outside" && c["verdict"]["verdict"] == "flagged"));
    let text = t.ok(&["summarize"]);
    assert!(text.contains("Scope 1 consistent, 1 flagged, 2 unresolved"), "{text}");
    assert!(text.contains("flagged: Cargo.toml, src/generated/tables.rs"), "{text}");
    let md = t.ok(&["summarize", "--format", "markdown"]);
    assert!(md.contains("## Scope\n\n1 consistent, 1 flagged, 2 unresolved"), "{md}");
    assert!(md.contains(&format!("- `{}` consistent", &inside[..12])), "{md}");

    // context: the scope section and the marks on recent commits.
    let context = t.ok(&["context"]);
    assert!(context.contains("## Scope"), "{context}");
    assert!(
        context.contains("- commits: 1 consistent, 1 flagged, 2 unresolved"),
        "{context}"
    );
    assert!(
        context.contains("outside: flagged: Cargo.toml, src/generated/tables.rs"),
        "{context}"
    );
    assert!(
        context.contains(&format!("- {} inside [consistent]", &inside[..10])),
        "{context}"
    );
    t.fsck();
}

#[test]
fn a_scope_typed_in_a_subdirectory_means_what_git_add_would_there() {
    let t = TestRepo::new();
    t.write("lib/keep.txt", "k\n");
    commit_all(&t, "lib");
    t.ok(&["start", "--name", "sub"]);
    let lib = t.dir.join("lib");
    t.ok_in(&lib, &["intent", "only rust here", "--writes", "*.rs", "../README"]);
    assert_eq!(t.header()["scope"], serde_json::json!(["lib/*.rs", "README"]));
    t.write("lib/a.rs", "a\n");
    t.write("lib/deep/b.rs", "b\n");
    t.write("README", "changed\n");
    t.write("c.rs", "top\n");
    let c = commit_all(&t, "mixed");
    t.ok(&["note", "n"]);
    // The oracle: git's pathspecs typed in the same directory.
    let all = t.git(&["diff", "--name-only", &format!("{c}^"), &c]);
    let kept = t.git_in(
        &lib,
        &["diff", "--name-only", &format!("{c}^"), &c, "--", "*.rs", "../README"],
    );
    let outside: Vec<&str> = all.lines().filter(|p| !kept.lines().any(|k| k == *p)).collect();
    assert_eq!(outside, ["c.rs"]);
    let verdicts = logged_verdicts(&t);
    assert_eq!(verdicts[0].1["verdict"], "flagged");
    assert_eq!(verdicts[0].1["outside"], serde_json::json!(outside));
}

#[test]
fn a_bad_scope_is_a_usage_error_that_records_nothing() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "bad"]);
    let id = t.current_id();
    let before = t.events(&id).len();
    let state = t.user_state();
    for bad in [
        vec!["--writes", "../outside"],
        vec!["--writes", ":(attr:binary)x"],
        vec!["--writes", ":(nonsense)x"],
        vec!["--writes", ""],
    ] {
        let mut args = vec!["intent", "x"];
        args.extend(bad.iter().copied());
        let err = t.fails(&args, 2);
        assert!(err.contains("invalid pathspec"), "{err}");
    }
    let many: Vec<String> = (0..65).map(|i| format!("f{i}")).collect();
    let mut args = vec!["intent", "x", "--writes"];
    args.extend(many.iter().map(String::as_str));
    let err = t.fails(&args, 2);
    assert!(err.contains("at most 64"), "{err}");
    assert_eq!(t.events(&id).len(), before, "nothing was recorded");
    state.assert_same(&t.user_state(), "a refused intent");
}

#[test]
fn the_verify_hook_warns_blocks_or_stays_quiet_and_never_blocks_on_its_own_failure() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "verified"]);
    t.ok(&["intent", "docs only", "--writes", "docs/"]);
    let out = t.ok(&["hooks", "install", "--verify"]);
    assert!(out.is_empty(), "status messages go to stderr: {out}");
    let status = t.json(&["hooks", "status", "--json"]);
    assert_eq!(status["hooks"]["commit-msg"]["state"], "installed");

    // Inside the scope: silent.
    t.write("docs/a.md", "a\n");
    t.git(&["add", "docs/a.md"]);
    let out = t.commit(&["-m", "inside"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("outside the scope"), "{}", stderr(&out));

    // Outside, warn (the default): the commit is made, the files are named.
    t.write("src/x.rs", "x\n");
    t.git(&["add", "src/x.rs"]);
    let out = t.commit(&["-m", "warned"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: git-session: this commit touches 1 file outside the scope of the intent 'docs only' (writes docs/)"), "{err}");
    assert!(err.contains("    src/x.rs\n"), "{err}");
    assert_eq!(t.git(&["log", "-1", "--format=%s"]), "warned");

    // block: the commit is refused, HEAD and the index stay.
    t.git(&["config", "session.verify", "block"]);
    t.write("src/y.rs", "y\n");
    t.write("docs/b.md", "b\n");
    t.git(&["add", "-A"]);
    let head = t.git(&["rev-parse", "HEAD"]);
    // git itself refreshes the index's stat data before the hooks run: the
    // entries are what must not change.
    let staged = t.git(&["ls-files", "--stage"]);
    let out = t.commit(&["-m", "blocked"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: git-session: the commit touches 1 file outside"),
        "{err}"
    );
    assert!(err.contains("src/y.rs") && !err.contains("docs/b.md"), "{err}");
    assert!(err.contains("--no-verify"), "{err}");
    assert_eq!(t.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(t.git(&["ls-files", "--stage"]), staged);
    // `commit -a` uses a temporary index (GIT_INDEX_FILE): still checked.
    t.write("src/x.rs", "x2\n");
    let out = t.commit(&["-a", "-m", "blocked too"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("src/x.rs"), "{}", stderr(&out));
    // --no-verify goes ahead, as git documents.
    let out = t.commit(&["--no-verify", "-m", "forced"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // off: nothing said.
    t.git(&["config", "session.verify", "off"]);
    t.write("src/z.rs", "z\n");
    t.git(&["add", "-A"]);
    let out = t.commit(&["-m", "off"]);
    assert!(
        out.status.success() && !stderr(&out).contains("scope"),
        "{}",
        stderr(&out)
    );

    // Our own failure never blocks: a value we do not know, then a
    // missing binary, under block.
    t.git(&["config", "session.verify", "sometimes"]);
    t.write("src/w.rs", "w\n");
    t.git(&["add", "-A"]);
    let out = t.commit(&["-m", "unknown mode"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("session.verify is 'sometimes'"),
        "{}",
        stderr(&out)
    );
    t.git(&["config", "session.verify", "block"]);
    let hook = t.dir.join(".git/hooks/commit-msg");
    let script = fs::read_to_string(&hook).unwrap();
    let moved = t.root.join("moved-binary");
    let bin_line = script.lines().find(|l| l.starts_with("bin=")).unwrap();
    fs::write(&hook, script.replace(bin_line, &format!("bin='{}'", moved.display()))).unwrap();
    t.write("src/v.rs", "v\n");
    t.git(&["add", "-A"]);
    let out = t.commit(&["-m", "missing binary"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("is missing"), "{}", stderr(&out));
    // A binary that crashes (here: a script that dies) lets it through too.
    fs::write(&moved, "#!/bin/sh\nkill -SEGV $$\n").unwrap();
    fs::set_permissions(&moved, fs::Permissions::from_mode(0o755)).unwrap();
    t.write("src/u.rs", "u\n");
    t.git(&["add", "-A"]);
    let out = t.commit(&["-m", "crashing binary"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Uninstall removes it with the others.
    fs::write(&hook, &script).unwrap();
    t.ok(&["hooks", "uninstall"]);
    assert!(!hook.exists());
    t.fsck();
}

#[test]
fn the_verify_hook_runs_after_the_users_commit_msg_hook_whose_failure_counts() {
    let t = TestRepo::new();
    let hooks = t.dir.join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let user = hooks.join("commit-msg");
    let marker = t.root.join("user-hook-ran");
    fs::write(
        &user,
        format!(
            "#!/bin/sh\necho ran >> '{}'\ngrep -q WIP \"$1\" && exit 3\nexit 0\n",
            marker.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&user, fs::Permissions::from_mode(0o755)).unwrap();
    let original = fs::read(&user).unwrap();
    t.ok(&["start", "--name", "chained"]);
    t.ok(&["intent", "docs", "--writes", "docs/"]);
    t.ok(&["hooks", "install", "--verify"]);
    assert_eq!(fs::read(hooks.join("commit-msg.pre-git-session")).unwrap(), original);
    t.write("docs/a.md", "a\n");
    t.git(&["add", "-A"]);
    let out = t.commit(&["-m", "WIP: the user's hook refuses"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = t.commit(&["-m", "fine"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&marker).unwrap(), "ran\nran\n");
    t.ok(&["hooks", "uninstall"]);
    assert_eq!(
        fs::read(&user).unwrap(),
        original,
        "the user's hook is back, byte for byte"
    );
}
