//! Human output, compared with inline snapshots after replacing ids, object
//! ids and paths with placeholders (times are fixed by the harness).

use crate::harness::TestRepo;

/// Runs `body` with filters that hide what changes from run to run.
fn redacted(t: &TestRepo, body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    let repo: String = t
        .dir
        .to_str()
        .unwrap()
        .chars()
        .flat_map(|c| {
            if c.is_alphanumeric() || c == '/' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect();
    settings.add_filter(&repo, "[REPO]");
    settings.add_filter(r"\b[0-9a-f]{40}\b", "[OID]");
    settings.add_filter(r"\b[0-9a-f]{32}\b", "[ID]");
    settings.add_filter(r"\b[0-9a-f]{12}\b", "[SHORT]");
    settings.add_filter(r"\[[0-9a-f]{8}\]", "[ITEM]");
    settings.bind(body);
}

/// The README's tour, as far as it goes without a remote.
fn tour(t: &TestRepo) {
    t.ok(&["start", "--name", "parser-rewrite"]);
    t.ok(&["objective", "add", "tokenizer in its own module, tests green"]);
    t.ok(&["intent", "move tokenize() to lexer.rs"]);
    t.write("lexer.rs", "fn tokenize() {}\n");
    t.ok(&["snapshot", "main.rs", "lexer.rs"]);
    t.ok(&[
        "note",
        "--decision",
        "hand-written lexer",
        "--rationale",
        "better errors",
        "--alternative",
        "logos",
    ]);
    t.git(&["add", "lexer.rs"]);
    t.git(&["commit", "-q", "-m", "lexer: extract tokenize()"]);
    t.ok(&["note", "--blocker", "CI runs the old parser tests"]);
    t.ok(&["checkpoint", "-m", "lexer compiles"]);
    t.ok(&["note", "--next", "port the parser tests"]);
    t.ok(&["note", "--progress", "lexer done, parser next"]);
    t.ok(&["intent", "wire the lexer into the parser"]);
}

#[test]
fn status_prints_the_tldr() {
    let t = TestRepo::new();
    tour(&t);
    redacted(&t, || {
        insta::assert_snapshot!(t.ok(&["status"]), @r"
        Session parser-rewrite (active, [SHORT])
          branch main, started 2026-01-02 03:04, last activity 2026-01-02 03:04 (0m in all)
          11 events: 2 intents, 1 checkpoints, 1 commits, 1 decisions, 1 notes
        Objective: tokenizer in its own module, tests green
        Progress:  lexer done, parser next
        Intent:    wire the lexer into the parser
        Last checkpoint: lexer compiles
        Blockers:
          - CI runs the old parser tests [ITEM]
        Next:
          - port the parser tests
        ");
    });
}

#[test]
fn resume_prints_the_tldr() {
    let t = TestRepo::new();
    tour(&t);
    t.ok(&["pause"]);
    let out = t.run(&["resume", "parser"]);
    assert!(out.status.success());
    redacted(&t, || {
        insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout), @r"
        Session parser-rewrite (active, [SHORT])
          branch main, started 2026-01-02 03:04, last activity 2026-01-02 03:04 (0m in all)
          13 events: 2 intents, 1 checkpoints, 1 commits, 1 decisions, 1 notes
        Objective: tokenizer in its own module, tests green
        Progress:  lexer done, parser next
        Intent:    wire the lexer into the parser
        Last checkpoint: lexer compiles
        Blockers:
          - CI runs the old parser tests [ITEM]
        Next:
          - port the parser tests
        ");
    });
}

#[test]
fn log_draws_the_timeline_as_a_tree() {
    let t = TestRepo::new();
    tour(&t);
    t.ok(&["pause"]);
    t.ok(&["resume", "parser-rewrite"]);
    t.ok(&["close", "--reason", "merged"]);
    redacted(&t, || {
        insta::assert_snapshot!(t.ok(&["log", "parser-rewrite"]), @r"
        ● start parser-rewrite  2026-01-02 03:04
        ├─ ○ objective tokenizer in its own module, tests green  2026-01-02 03:04
        └─ ○ intent move tokenize() to lexer.rs  2026-01-02 03:04
           └─ ○ snapshot main.rs, lexer.rs  2026-01-02 03:04
              ├─ ○ decision hand-written lexer  2026-01-02 03:04
              ├─ ○ commit [SHORT] lexer: extract tokenize()  2026-01-02 03:04
              └─ ○ blocker CI runs the old parser tests  2026-01-02 03:04
        ◆ checkpoint lexer compiles  2026-01-02 03:04
        ├─ ○ next port the parser tests  2026-01-02 03:04
        ├─ ○ progress lexer done, parser next  2026-01-02 03:04
        └─ ○ intent wire the lexer into the parser  2026-01-02 03:04
        ‖ pause  2026-01-02 03:04
        ▶ resume  2026-01-02 03:04
        ■ close closed: merged  2026-01-02 03:04
        ");
    });
}

#[test]
fn show_prints_the_details() {
    let t = TestRepo::new();
    tour(&t);
    redacted(&t, || {
        insta::assert_snapshot!(t.ok(&["show", "--events", "4"]), @r"
        Session parser-rewrite (active, [SHORT])
          branch main, started 2026-01-02 03:04, last activity 2026-01-02 03:04 (0m in all)
          11 events: 2 intents, 1 checkpoints, 1 commits, 1 decisions, 1 notes
        Objective: tokenizer in its own module, tests green
        Progress:  lexer done, parser next
        Intent:    wire the lexer into the parser
        Last checkpoint: lexer compiles
        Blockers:
          - CI runs the old parser tests [ITEM]
        Next:
          - port the parser tests
        id:              [ID]
        work tree:       [REPO]
        base commit:     [SHORT]
        base snapshot:   [SHORT]
        latest snapshot: [SHORT]
        owner:           Ada Tester <ada@example.com>

        Last 4 event(s):
        ◆ checkpoint lexer compiles  2026-01-02 03:04
        ├─ ○ next port the parser tests  2026-01-02 03:04
        ├─ ○ progress lexer done, parser next  2026-01-02 03:04
        └─ ○ intent wire the lexer into the parser  2026-01-02 03:04
        ");
    });
}

#[test]
fn list_prints_a_table() {
    let t = TestRepo::new();
    tour(&t);
    t.ok(&["start", "--name", "side-quest", "-i", "look at the flaky test"]);
    t.ok(&["start", "--name", "done"]);
    t.ok(&["close"]);
    t.ok(&["resume", "side-quest"]);
    redacted(&t, || {
        insta::assert_snapshot!(t.ok(&["list", "--all"]), @r"
          parser-rewrite paused      [SHORT] main               12 ev  2026-01-02 03:04  wire the lexer into the parser
        * side-quest     active      [SHORT] main                3 ev  2026-01-02 03:04  look at the flaky test
          done           closed      [SHORT] main                2 ev  2026-01-02 03:04
        ");
    });
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let mut t = TestRepo::new();
    t.ok(&["start", "--name", "colours"]);
    assert!(!t.ok(&["status"]).contains('\x1b'), "piped output is plain");
    t.git(&["config", "color.ui", "always"]);
    assert!(
        !t.ok(&["status"]).contains('\x1b'),
        "NO_COLOR wins over color.ui=always"
    );
    t.set_env("NO_COLOR", "");
    assert!(
        t.ok(&["status"]).contains("\x1b[1m"),
        "color.ui=always colours piped output"
    );
    assert!(t.ok(&["log"]).contains('\x1b'));
    t.git(&["config", "color.ui", "never"]);
    assert!(!t.ok(&["status"]).contains('\x1b'));
    // JSON is never coloured.
    t.git(&["config", "color.ui", "always"]);
    assert!(!t.ok(&["status", "--json"]).contains('\x1b'));
}
