//! What a user sees: each story's command is checked as one inline snapshot
//! of its exit code, stdout and stderr together (`TestRepo::snapshot`), with
//! paths and ids replaced by placeholders (STYLE.md §8). Times are fixed by
//! the sealed environment.

use crate::harness::TestRepo;

/// A session with an objective, an intent, a snapshot, a decision, a commit,
/// a blocker, a checkpoint and a next step: enough for every view to have
/// something to say.
fn story(t: &TestRepo) {
    t.ok(&["start", "--name", "parser-rewrite", "--intent", "split the lexer out"]);
    t.ok(&["objective", "add", "tokenizer in its own module, tests green"]);
    t.write("lexer.rs", "fn tokenize() {}\n");
    t.ok(&["snapshot"]);
    t.ok(&[
        "note",
        "--decision",
        "hand-written lexer",
        "--rationale",
        "better error messages",
        "--alternative",
        "logos",
    ]);
    t.git(&["add", "lexer.rs"]);
    t.git(&["commit", "-q", "-m", "lexer: extract tokenize()"]);
    t.ok(&["note", "--blocker", "CI runs the old parser tests"]);
    t.ok(&["checkpoint", "-m", "lexer compiles"]);
    t.ok(&["note", "--next", "port the parser tests"]);
    t.ok(&["intent", "wire the lexer into the parser"]);
}

#[test]
fn start_names_the_session_and_its_intent() {
    let t = TestRepo::new();
    let out = t.snapshot(&["start", "--name", "parser-rewrite", "--intent", "split the lexer out"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Started session 'parser-rewrite' ([SHORT]) on main.
    --- stderr
    Snapshot of the work tree: [SHORT]
    ");
}

#[test]
fn status_prints_the_tldr() {
    let t = TestRepo::new();
    story(&t);
    let out = t.snapshot(&["status"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Session parser-rewrite (active, [SHORT])
      branch main, started 2026-01-02 03:04, last activity 2026-01-02 03:04 (0m in all)
      9 events: 2 intents, 1 checkpoints, 1 commits, 1 decisions, 0 notes
    Objective: tokenizer in its own module, tests green
    Intent:    wire the lexer into the parser
    Last checkpoint: lexer compiles
    Blockers:
      - CI runs the old parser tests [[SHORT]]
    Next:
      - port the parser tests
    --- stderr
    ");
}

#[test]
fn log_draws_the_timeline() {
    let t = TestRepo::new();
    story(&t);
    let out = t.snapshot(&["log"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    ● start split the lexer out  2026-01-02 03:04
    ├─ ○ objective tokenizer in its own module, tests green  2026-01-02 03:04
    └─ ○ snapshot work tree  2026-01-02 03:04
       ├─ ○ decision hand-written lexer  2026-01-02 03:04
       ├─ ○ commit [SHORT] lexer: extract tokenize()  2026-01-02 03:04
       └─ ○ blocker CI runs the old parser tests  2026-01-02 03:04
    ◆ checkpoint lexer compiles  2026-01-02 03:04
    ├─ ○ next port the parser tests  2026-01-02 03:04
    └─ ○ intent wire the lexer into the parser  2026-01-02 03:04
    --- stderr
    ");
}

#[test]
fn list_all_shows_open_and_closed_sessions() {
    let t = TestRepo::new();
    story(&t);
    t.ok(&["start", "--name", "side-quest", "-i", "look at the flaky test"]);
    t.ok(&["start", "--name", "done"]);
    t.ok(&["close", "--reason", "nothing to do"]);
    t.ok(&["resume", "side-quest"]);
    let out = t.snapshot(&["list", "--all"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
      parser-rewrite paused      [SHORT] main               10 ev  2026-01-02 03:04  wire the lexer into the parser
    * side-quest     active      [SHORT] main                3 ev  2026-01-02 03:04  look at the flaky test
      done           closed      [SHORT] main                2 ev  2026-01-02 03:04  
    --- stderr
    ");
}

#[test]
fn note_records_a_decision_with_its_rationale_and_alternative() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "decide"]);
    let out = t.snapshot(&[
        "note",
        "--decision",
        "hand-written lexer",
        "--rationale",
        "better error messages",
        "--alternative",
        "logos",
    ]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Decision recorded in 'decide' [[SHORT]].
    --- stderr
    ");
}

#[test]
fn checkpoint_names_its_label() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "milestones"]);
    t.write("lexer.rs", "fn tokenize() {}\n");
    let out = t.snapshot(&["checkpoint", "-m", "lexer compiles"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Checkpoint 'lexer compiles' recorded in 'milestones' (snapshot [SHORT]).
    --- stderr
    ");
}

/// A session with a checkpoint `lexer compiles`, then more work on top.
fn before_a_rewind(t: &TestRepo) {
    t.ok(&["start", "--name", "rewinding"]);
    t.write("lexer.rs", "fn tokenize() {}\n");
    t.ok(&["checkpoint", "-m", "lexer compiles"]);
    t.write("lexer.rs", "fn tokenize() { todo!() }\n");
    t.write("parser.rs", "fn parse() {}\n");
    t.remove("README");
}

#[test]
fn rewind_dry_run_lists_what_would_change() {
    let t = TestRepo::new();
    before_a_rewind(&t);
    let out = t.snapshot(&["rewind", "lexer compiles", "--dry-run"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Would rewind to checkpoint 'lexer compiles':
      write   lexer.rs
      add     README
      remove  parser.rs
    --- stderr
    ");
}

#[test]
fn rewind_says_what_it_changed_and_how_to_undo() {
    let t = TestRepo::new();
    before_a_rewind(&t);
    let out = t.snapshot(&["rewind", "lexer compiles"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Rewound to checkpoint 'lexer compiles': 2 files written, 1 removed.
    --- stderr
    Undo it with `git session undo`.
    ");
}

#[test]
fn undo_says_what_it_put_back() {
    let t = TestRepo::new();
    before_a_rewind(&t);
    t.ok(&["rewind", "lexer compiles"]);
    let out = t.snapshot(&["undo"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    Undid the rewind to checkpoint 'lexer compiles': 2 files written, 1 removed.
    --- stderr
    Undo it with `git session undo`.
    ");
}

#[test]
fn summarize_describes_the_session() {
    let t = TestRepo::new();
    story(&t);
    let out = t.snapshot(&["summarize"]);
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    parser-rewrite (active, on main, [ID])
    2026-01-02 03:04 → 2026-01-02 03:04, 0s (0s active), 9 events
    Objectives
      [ ] tokenizer in its own module, tests green
    Intents
      03:04 split the lexer out
      03:04 wire the lexer into the parser
    Checkpoints
      03:04 lexer compiles
    Commits
      [SHORT] lexer: extract tokenize()
    Decisions
      hand-written lexer — better error messages (not: logos)
    Blockers
      [open] CI runs the old parser tests
    Next
      port the parser tests
    Files
      A lexer.rs +1 -0  tokenize (added)
    --- stderr
    ");
}

#[test]
fn pause_then_resume_prints_the_tldr() {
    let t = TestRepo::new();
    story(&t);
    let both = format!("{}\n{}", t.snapshot(&["pause"]), t.snapshot(&["resume", "parser"]));
    insta::assert_snapshot!(both, @"
    exit: 0
    --- stdout
    Paused session 'parser-rewrite'. Resume it with `git session resume parser-rewrite`.
    --- stderr

    exit: 0
    --- stdout
    Session parser-rewrite (active, [SHORT])
      branch main, started 2026-01-02 03:04, last activity 2026-01-02 03:04 (0m in all)
      11 events: 2 intents, 1 checkpoints, 1 commits, 1 decisions, 0 notes
    Objective: tokenizer in its own module, tests green
    Intent:    wire the lexer into the parser
    Last checkpoint: lexer compiles
    Blockers:
      - CI runs the old parser tests [[SHORT]]
    Next:
      - port the parser tests
    --- stderr
    ");
}

// ---- errors ----

#[test]
fn an_unknown_session_fails_with_a_hint() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "known"]);
    let out = t.snapshot(&["show", "unknown"]);
    insta::assert_snapshot!(out, @"
    exit: 1
    --- stdout
    --- stderr
    error: no session matches 'unknown'
    hint: see the sessions with `git session list --all`
    ");
}

#[test]
fn an_ambiguous_prefix_names_the_candidates() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "parser-a"]);
    t.ok(&["start", "--name", "parser-b"]);
    let out = t.snapshot(&["show", "parser"]);
    insta::assert_snapshot!(out, @"
    exit: 1
    --- stdout
    --- stderr
    error: 'parser' is ambiguous; it matches:
      [ID] parser-a
      [ID] parser-b
    hint: give more characters of the id or the name
    ");
}

#[test]
fn a_rationale_without_decision_is_a_usage_error() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "usage"]);
    let out = t.snapshot(&["note", "--rationale", "x", "text"]);
    insta::assert_snapshot!(out, @"
    exit: 2
    --- stdout
    --- stderr
    error: --rationale and --alternative go with --decision
    ");
}

#[test]
fn status_outside_a_repository_says_so() {
    let t = TestRepo::bare_dir();
    let outside = t.root.join("not-a-repo");
    std::fs::create_dir_all(&outside).unwrap();
    let out = t.snapshot_in(&outside, &["status"]);
    insta::assert_snapshot!(out, @"
    exit: 1
    --- stdout
    --- stderr
    error: not a git repository (or any of the parent directories): [ROOT]/not-a-repo/.
    hint: run `git init` first, or `cd` into a repository
    ");
}

#[test]
fn a_bare_repository_has_no_work_tree_to_record() {
    let t = TestRepo::new();
    let bare = t.root.join("bare.git");
    t.git(&["clone", "-q", "--bare", t.dir.to_str().unwrap(), bare.to_str().unwrap()]);
    let out = t.snapshot_in(&bare, &["start", "--name", "nowhere"]);
    insta::assert_snapshot!(out, @"
    exit: 1
    --- stdout
    --- stderr
    error: this command needs a work tree, and [ROOT]/bare.git/. is a bare repository
    hint: run it in a clone or a linked worktree (`git worktree add`)
    ");
}
