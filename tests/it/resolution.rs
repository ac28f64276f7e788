//! Finding sessions by id, name or a unique prefix of either, and the rules
//! for names (DESIGN.md §2).

use crate::harness::{stderr, TestRepo};

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

#[test]
fn sessions_resolve_by_id_name_and_unique_prefix() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "alpha-one"]);
    let one = t.current_id();
    t.ok(&["start", "--name", "alpha-two"]);
    let two = t.current_id();
    t.ok(&["start", "--name", "beta"]);
    let shown = |spec: &str| t.json(&["show", spec, "--json"])["id"].as_str().unwrap().to_owned();
    assert_eq!(shown(&one), one);
    assert_eq!(shown("alpha-two"), two);
    assert_eq!(shown("alpha-o"), one);
    assert_eq!(shown("be"), t.current_id());
    // The shortest unique id prefix.
    let n = common_prefix(&one, &two).max(common_prefix(&one, &t.current_id())) + 1;
    assert_eq!(shown(&one[..n]), one);
    // The full id wins over everything else.
    assert_eq!(
        t.json(&["log", &two, "--json"]).as_array().unwrap()[0]["event"]["name"],
        "alpha-two"
    );
    // Every command that takes a session takes a prefix.
    t.ok(&["note", "--session", "alpha-o", "via --session"]);
    assert_eq!(
        t.json(&["show", "alpha-one", "--json"])["header"]["counters"]["events"],
        3
    );
    t.ok(&["pause", "alpha-t"]);
    assert_eq!(t.json(&["show", &two, "--json"])["header"]["status"], "paused");
}

#[test]
fn an_ambiguous_prefix_fails_and_lists_the_candidates() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "alpha-one"]);
    let one = t.current_id();
    t.ok(&["start", "--name", "alpha-two"]);
    let two = t.current_id();
    let err = t.fails(&["show", "alpha"], 1);
    assert!(err.contains("'alpha' is ambiguous"), "{err}");
    assert!(
        err.contains(&format!("{one} alpha-one")) && err.contains(&format!("{two} alpha-two")),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    let n = common_prefix(&one, &two);
    assert!(n > 0, "UUIDv7 ids made a moment apart share a prefix: {one} {two}");
    let err = t.fails(&["resume", &one[..n]], 1);
    assert!(
        err.contains("is ambiguous") && err.contains("alpha-one") && err.contains("alpha-two"),
        "{err}"
    );
    let err = t.fails(&["note", "--session", "alpha", "x"], 1);
    assert!(err.contains("is ambiguous"), "{err}");
}

#[test]
fn an_unknown_session_fails_with_a_hint() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "known"]);
    for args in [
        &["show", "nope"][..],
        &["log", "nope"],
        &["resume", "nope"],
        &["close", "nope"],
        &["note", "-s", "nope", "x"],
    ] {
        let err = t.fails(args, 1);
        assert!(err.contains("no session matches 'nope'"), "{args:?}: {err}");
        assert!(
            err.contains("hint: see the sessions with `git session list --all`"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn invalid_and_duplicate_names_are_refused() {
    let t = TestRepo::new();
    for bad in [
        "a..b",
        "x.lock",
        "-x",
        ".hidden",
        "a/b",
        "a:b",
        "a~b",
        "@",
        "0123456789abcdef0123456789abcdef",
    ] {
        let flag = format!("--name={bad}");
        let err = t.fails(&["start", &flag], 1);
        assert!(err.contains("invalid session name"), "{bad}: {err}");
    }
    assert_eq!(
        t.json(&["list", "--all", "--json"]),
        serde_json::json!([]),
        "nothing was created"
    );
    t.ok(&["start", "--name", "taken"]);
    let before = t.git(&["for-each-ref", "refs/aura"]);
    let err = t.fails(&["start", "--name", "taken"], 1);
    assert!(err.contains("a session named 'taken' exists already"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("git session resume taken"),
        "{err}"
    );
    // Normalisation applies before the check.
    let err = t.fails(&["start", "--name", "  taken "], 1);
    assert!(err.contains("exists already"), "{err}");
    assert_eq!(
        t.git(&["for-each-ref", "refs/aura"]),
        before,
        "a refused start creates nothing"
    );
    t.fails(&["rename", "x.lock"], 1);
    t.fails(&["rename", "a..b"], 1);
    assert_eq!(t.header()["name"], "taken");
}

#[test]
fn starting_a_second_session_pauses_the_first_and_says_so() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "first"]);
    let first = t.current_id();
    let out = t.run(&["start", "--name", "second"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("Paused session 'first'."), "{}", stderr(&out));
    assert_eq!(t.json(&["show", &first, "--json"])["header"]["status"], "paused");
    assert_eq!(t.kinds(&first), ["start", "pause"]);
    assert_eq!(t.header()["name"], "second");
}

/// `-s/--session` is global: it works after every subcommand, including
/// those that also take the session as an argument.
#[test]
fn the_global_session_option_works_after_every_subcommand() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "first"]);
    t.ok(&["start", "--name", "second"]);
    for cmd in ["log", "show", "context", "summarize", "export", "status"] {
        let out = t.ok(&[cmd, "-s", "first"]);
        assert!(out.contains("first"), "{cmd} -s first:\n{out}");
    }
    t.ok(&["pause", "-s", "first"]);
    assert_eq!(t.json(&["show", "first", "--json"])["header"]["status"], "paused");
}
