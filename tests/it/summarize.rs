//! `git session summarize`: a story with edits in six languages, checked
//! field by field in JSON (line counts against `git diff --numstat`, the
//! functions by name) and as markdown against an inline snapshot.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::TestRepo;

const RUST_OLD: &str =
    "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";
const RUST_NEW: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    let two = 2;\n    two * 10\n}\n\npub fn c() -> u32 {\n    3\n}\n\npub fn d() -> u32 {\n    4\n}\n";

const PY_OLD: &str = "def helper():\n    return 0\n\n\nclass Greeter:\n    def __init__(self, name):\n        self.name = name\n\n    def greet(self):\n        return \"hi \" + self.name\n";
const PY_NEW: &str = "def helper():\n    return 0\n\n\nclass Greeter:\n    def __init__(self, name):\n        self.name = name\n\n    def greet(self):\n        return \"hello \" + self.name\n";

const TS_OLD: &str = "export function format(x: number): string {\n  return String(x);\n}\n\nexport function parse(s: string): number {\n  return Number(s);\n}\n";
const TS_NEW: &str = "export function format(x: number): string {\n  return x.toFixed(2);\n}\n\nexport function parse(s: string): number {\n  return Number(s);\n}\n";

const GO_OLD: &str =
    "package main\n\nfunc (s *Server) Handle(n int) int {\n\treturn n\n}\n\nfunc main() {\n\tprintln(1)\n}\n";
const GO_NEW: &str = "package main\n\nfunc (s *Server) Handle(n int) int {\n\tif n < 0 {\n\t\treturn 0\n\t}\n\treturn n\n}\n\nfunc main() {\n\tprintln(1)\n}\n";

const C_OLD: &str = "#include <stdio.h>\n\nint add(int a, int b)\n{\n    return a + b;\n}\n\nint sub(int a, int b)\n{\n    return a - b;\n}\n";
const C_NEW: &str = "#include <stdio.h>\n\nint add(int a, int b)\n{\n    printf(\"add\\n\");\n    return a + b;\n}\n\nint sub(int a, int b)\n{\n    return a - b;\n}\n";

const JAVA_OLD: &str = "public class Account {\n    private long balance;\n\n    public void deposit(long amount) {\n        balance += amount;\n    }\n\n    public void withdraw(long amount) {\n        balance -= amount;\n    }\n}\n";
const JAVA_NEW: &str = "public class Account {\n    private long balance;\n\n    public void deposit(long amount) {\n        if (amount <= 0) {\n            throw new IllegalArgumentException();\n        }\n        balance += amount;\n    }\n\n    public void withdraw(long amount) {\n        balance -= amount;\n    }\n}\n";

/// A session with objectives, intents, edits in six languages, a commit, a
/// decision, a resolved blocker, a next step and a note.
fn story(t: &TestRepo) {
    for (path, text) in [
        ("src/lib.rs", RUST_OLD),
        ("app/models.py", PY_OLD),
        ("web/util.ts", TS_OLD),
        ("srv/main.go", GO_OLD),
        ("c/calc.c", C_OLD),
        ("java/Account.java", JAVA_OLD),
    ] {
        t.write(path, text);
    }
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "sources"]);
    t.ok(&["start", "--name", "polish"]);
    t.ok(&["objective", "add", "validate inputs"]);
    t.ok(&["objective", "add", "document the API"]);
    t.ok(&["intent", "harden the core functions"]);
    t.write("src/lib.rs", RUST_NEW);
    t.write("app/models.py", PY_NEW);
    t.write("web/util.ts", TS_NEW);
    t.ok(&["checkpoint", "-m", "rust, python and ts done"]);
    t.write("srv/main.go", GO_NEW);
    t.write("c/calc.c", C_NEW);
    t.write("java/Account.java", JAVA_NEW);
    t.write("assets/logo.bin", b"\x89PNG\0\0\x01binary");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "core: validate inputs"]);
    t.ok(&[
        "note",
        "--decision",
        "reject negative deposits",
        "--rationale",
        "a negative deposit is a withdrawal in disguise",
        "--alternative",
        "clamp to zero",
        "--alternative",
        "log and continue",
    ]);
    t.ok(&["note", "--blocker", "CI has no Go toolchain"]);
    t.ok(&["resolve", "Go toolchain", "installed go 1.22 on the runner"]);
    t.ok(&["objective", "done", "validate inputs"]);
    t.ok(&["note", "--next", "write the API docs"]);
    t.ok(&["note", "the C file still uses printf for tracing"]);
    t.ok(&["intent", "wrap up"]);
}

/// `git diff --numstat` between two trees: path → (added, removed), `None` for binary.
fn numstat(t: &TestRepo, base: &str, latest: &str) -> BTreeMap<String, Option<(u64, u64)>> {
    t.git(&["diff", "--numstat", "--no-renames", base, latest])
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            let (a, r, path) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let counts = (a != "-").then(|| (a.parse().unwrap(), r.parse().unwrap()));
            (path.to_owned(), counts)
        })
        .collect()
}

#[test]
fn json_summary_agrees_with_git_and_names_the_changed_functions() {
    let t = TestRepo::new();
    story(&t);
    let s = t.json(&["summarize", "--format", "json"]);

    assert_eq!(s["format"], 1);
    assert_eq!(s["session"]["name"], "polish");
    assert_eq!(s["session"]["branch"], "main");
    let texts = |key: &str| -> Vec<String> {
        s[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(texts("intents"), ["harden the core functions", "wrap up"]);
    assert_eq!(texts("checkpoints"), ["rust, python and ts done"]);
    assert_eq!(texts("next_steps"), ["write the API docs"]);
    assert_eq!(texts("notes"), ["the C file still uses printf for tracing"]);
    let objectives: Vec<(&str, bool)> = s["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["text"].as_str().unwrap(), o["done"].as_bool().unwrap()))
        .collect();
    assert_eq!(objectives, [("validate inputs", true), ("document the API", false)]);

    let head = t.git(&["rev-parse", "HEAD"]);
    let commits = s["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0]["commit"], head.trim());
    assert_eq!(commits[0]["short"], &head.trim()[..12]);
    assert_eq!(commits[0]["subject"], "core: validate inputs");

    let decision = &s["decisions"][0];
    assert_eq!(decision["text"], "reject negative deposits");
    assert_eq!(decision["rationale"], "a negative deposit is a withdrawal in disguise");
    assert_eq!(
        decision["alternatives"],
        serde_json::json!(["clamp to zero", "log and continue"])
    );
    let blocker = &s["blockers"][0];
    assert_eq!(blocker["text"], "CI has no Go toolchain");
    assert_eq!(blocker["resolved"], true);
    assert_eq!(blocker["resolution"], "installed go 1.22 on the runner");
    assert_eq!(s["other_events"], serde_json::json!([]));
    assert!(s["active_secs"].as_u64().unwrap() <= s["duration_secs"].as_u64().unwrap());

    // Files: exactly what git diff --numstat says between the two snapshots.
    let base = s["base_snapshot"].as_str().unwrap();
    let latest = s["latest_snapshot"].as_str().unwrap();
    let oracle = numstat(&t, base, latest);
    let files = s["files"].as_array().unwrap();
    let ours: BTreeMap<String, Option<(u64, u64)>> = files
        .iter()
        .map(|f| {
            let counts = (!f["binary"].as_bool().unwrap())
                .then(|| (f["added"].as_u64().unwrap(), f["removed"].as_u64().unwrap()));
            (f["path"].as_str().unwrap().to_owned(), counts)
        })
        .collect();
    assert_eq!(ours, oracle);
    assert_eq!(oracle.len(), 7, "{oracle:?}");
    assert_eq!(oracle["assets/logo.bin"], None);

    // Functions: the changed ones by name, the untouched ones absent.
    let functions: BTreeMap<&str, Vec<(&str, &str)>> = files
        .iter()
        .map(|f| {
            let names = f["functions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| (x["name"].as_str().unwrap(), x["change"].as_str().unwrap()))
                .collect();
            (f["path"].as_str().unwrap(), names)
        })
        .collect();
    let expected: BTreeMap<&str, Vec<(&str, &str)>> = [
        ("app/models.py", vec![("Greeter.greet", "modified")]),
        ("assets/logo.bin", vec![]),
        ("c/calc.c", vec![("add", "modified")]),
        ("java/Account.java", vec![("Account.deposit", "modified")]),
        ("src/lib.rs", vec![("b", "modified"), ("d", "added")]),
        ("srv/main.go", vec![("Server.Handle", "modified")]),
        ("web/util.ts", vec![("format", "modified")]),
    ]
    .into_iter()
    .collect();
    assert_eq!(functions, expected);
}

#[test]
fn markdown_summary_reads_as_a_pull_request_description() {
    let t = TestRepo::new();
    story(&t);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\b[0-9a-f]{12}\b", "[SHORT]");
    settings.add_filter(r"\([0-9a-f]{8}\)", "([ITEM])");
    settings.add_filter(r"\d{4}-\d\d-\d\d \d\d:\d\d", "[TIME]");
    settings.bind(|| {
        insta::assert_snapshot!(t.ok(&["summarize", "--format", "markdown"]), @r"
        # harden the core functions

        ## Summary

        - Session `polish` ([ITEM]), active, branch `main`
        - [TIME] → [TIME]: 0s, 0s active (13 events; a pause over 30 minutes counts as 30)
        - [x] validate inputs
        - [ ] document the API

        Intents, in order:

        1. harden the core functions
        2. wrap up

        Checkpoints:

        - rust, python and ts done ([TIME])

        ## Changes

        | File | Status | Added | Removed |
        |---|:-:|--:|--:|
        | `app/models.py` | M | 1 | 1 |
        | `assets/logo.bin` | A | binary |  |
        | `c/calc.c` | M | 1 | 0 |
        | `java/Account.java` | M | 3 | 0 |
        | `src/lib.rs` | M | 6 | 1 |
        | `srv/main.go` | M | 3 | 0 |
        | `web/util.ts` | M | 1 | 1 |

        ## Functions

        - `app/models.py`: `Greeter.greet`
        - `c/calc.c`: `add`
        - `java/Account.java`: `Account.deposit`
        - `src/lib.rs`: `b`, `d` (added)
        - `srv/main.go`: `Server.Handle`
        - `web/util.ts`: `format`

        ## Commits

        - `[SHORT]` core: validate inputs

        ## Decisions

        - **reject negative deposits**: a negative deposit is a withdrawal in disguise (considered: clamp to zero; log and continue)

        ## Open questions and blockers

        - [x] CI has no Go toolchain (resolved: installed go 1.22 on the runner)

        ## Next steps

        - [ ] write the API docs

        ## Notes

        - the C file still uses printf for tracing
        ");
    });
}

#[test]
fn an_empty_session_and_huge_notes_summarise_without_error() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "quiet"]);
    let s = t.json(&["summarize", "--format", "json"]);
    assert_eq!(s["events"], 1);
    assert_eq!(s["files"], serde_json::json!([]));
    assert_eq!(s["intents"], serde_json::json!([]));
    let text = t.ok(&["summarize"]);
    assert!(text.starts_with("quiet (active, on main, "), "{text}");
    assert!(text.contains("Files none changed"), "{text}");

    let huge = "word ".repeat(20_000);
    t.ok(&["note", &huge]);
    let s = t.json(&["summarize", "quiet", "--format", "json"]);
    let note = s["notes"][0]["text"].as_str().unwrap();
    assert_eq!(note.chars().count(), 301);
    assert!(note.ends_with('…'));
    let md = t.ok(&["summarize", "--format", "markdown"]);
    assert!(md.len() < 2_000, "{}", md.len());
}

#[test]
fn unknown_session_is_a_clear_error() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "one"]);
    let err = t.fails(&["summarize", "nope"], 1);
    assert!(err.contains("nope"), "{err}");
    let _: Value = t.json(&["summarize", "one", "--format", "json"]);
}
