//! `git session diff`: between two snapshots, or a snapshot and the work
//! tree, byte for byte what `git diff --no-renames` prints for the same trees.

use crate::harness::{event_of, TestRepo};

fn git_diff(t: &TestRepo, args: &[&str], from: &str, to: &str) -> String {
    let mut all = vec!["diff", "--no-renames"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[from, to]);
    let out = t.git_output_in(&t.dir, &all, &[]);
    String::from_utf8(out.stdout).unwrap()
}

fn ours(t: &TestRepo, args: &[&str]) -> String {
    let out = t.run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn diff_prints_what_git_diff_prints_for_the_same_snapshots() {
    let t = TestRepo::new();
    t.write("src/lib.rs", "fn a() {}\n\nfn b() {\n    1\n}\n");
    t.write("old.txt", "going away\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "base"]);
    let start = t.json(&["start", "--name", "d", "--json"]);
    let start_tree = event_of(&start, "start")["tree"].as_str().unwrap().to_owned();
    t.write("src/lib.rs", "fn a() {}\n\nfn b() {\n    2\n}\n\nfn c() {}\n");
    t.remove("old.txt");
    t.write("new file.txt", "with a space\n");
    t.chmod("src/lib.rs", 0o755);
    let cp = t.json(&["checkpoint", "-m", "edited", "--json"]);
    let cp_tree = event_of(&cp, "checkpoint")["tree"].as_str().unwrap().to_owned();
    t.write("later.bin", b"\x00binary\x01".as_slice());

    for (flags, ours_flags) in [
        (&[][..], &[][..]),
        (&["--stat"][..], &["--stat"][..]),
        (&["--name-status"][..], &["--name-status"][..]),
        (&["--name-only"][..], &["--name-only"][..]),
        (&["-U1"][..], &["-U", "1"][..]),
        (&["--color=always"][..], &["--color=always"][..]),
    ] {
        let mut args = vec!["diff", "start", "edited"];
        args.extend_from_slice(ours_flags);
        assert_eq!(ours(&t, &args), git_diff(&t, flags, &start_tree, &cp_tree), "{flags:?}");
        // Against the work tree (the default TO), the tree git itself writes.
        let now = t.oracle_tree();
        let mut args = vec!["diff", "edited"];
        args.extend_from_slice(ours_flags);
        assert_eq!(
            ours(&t, &args),
            git_diff(&t, flags, &cp_tree, &now),
            "work tree {flags:?}"
        );
    }
    // No argument: the whole session so far.
    let now = t.oracle_tree();
    assert_eq!(
        ours(&t, &["diff", "--stat"]),
        git_diff(&t, &["--stat"], &start_tree, &now)
    );
    // Nothing recorded, nothing of the user's touched.
    let before = t.user_state();
    let id = t.current_id();
    let n = t.kinds(&id).len();
    ours(&t, &["diff"]);
    t.user_state().assert_same(&before, "diff");
    assert_eq!(t.kinds(&id).len(), n);
}

#[test]
fn diff_refuses_bad_names_and_flags() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "d"]);
    let err = t.fails(&["diff", "nowhere"], 1);
    assert!(err.contains("nowhere") && err.contains("hint:"), "{err}");
    let err = t.fails(&["diff", "--stat", "--name-only"], 2);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = t.fails(&["diff", "--color=sometimes"], 2);
    assert!(err.contains("sometimes"), "{err}");
}
