//! Sessions travel with git (DESIGN.md invariants 5 and 8): push and fetch
//! against real remotes (a bare repository over file://, `git daemon` on
//! 127.0.0.1), handoff between two clones, merges of sessions both sides
//! appended to, the secrets scan, and team awareness.

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{event_of, stderr, TestRepo};

/// A bare remote beside the work tree, with the work tree's `main` pushed.
pub(crate) fn with_remote(t: &TestRepo) -> PathBuf {
    let bare = t.root.join("remote.git");
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", "origin", &format!("file://{}", bare.display())]);
    t.git(&["push", "-q", "origin", "main"]);
    bare
}

/// A second clone of the remote, with its own identity.
pub(crate) fn clone(t: &TestRepo, bare: &Path, name: &str) -> PathBuf {
    let dir = t.root.join(name);
    t.git(&[
        "clone",
        "-q",
        &format!("file://{}", bare.display()),
        dir.to_str().unwrap(),
    ]);
    t.git_in(&dir, &["config", "user.name", "Bo Clone"]);
    t.git_in(&dir, &["config", "user.email", "bo@example.com"]);
    dir
}

/// The event ids of a session as one side sees it.
fn event_ids(t: &TestRepo, dir: &Path, session: &str) -> BTreeSet<String> {
    let v = t.json_in(dir, &["log", session, "--json"]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn fsck_bare(t: &TestRepo, bare: &Path) {
    let out = t.git_output_in(bare, &["fsck", "--strict", "--no-dangling", "--no-progress"], &[]);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "git fsck --strict on the remote: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_session_is_handed_back_and_forth_between_two_clones() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let b = clone(&t, &bare, "b");

    // A works on a feature branch, commits, leaves uncommitted work, hands over.
    t.git(&["switch", "-q", "-c", "feature"]);
    t.ok(&["start", "--name", "relay", "-i", "parser work"]);
    t.write("lexer.rs", "fn lex() {}\n");
    t.git(&["add", "lexer.rs"]);
    t.git(&["commit", "-q", "-m", "lexer"]);
    t.write("parser.rs", "// half done\n");
    t.ok(&["note", "--next", "finish parser.rs"]);
    let v = t.json(&["handoff", "-m", "parser.rs is half done", "--json"]);
    assert_eq!(v["pushed"]["result"], "pushed");
    let handed = event_of(&v, "handoff")["tree"].as_str().unwrap().to_owned();
    // The brief travels in the handoff commit.
    let commit = v["commit"].as_str().unwrap();
    let brief = t.git(&["show", &format!("{commit}:attachments/handoff.md")]);
    assert!(
        brief.contains("## TL;DR") && brief.contains("finish parser.rs"),
        "{brief}"
    );
    fsck_bare(&t, &bare);

    // B picks it up: the branch, the commit and the uncommitted work come back.
    let out = t.ok_in(&b, &["fetch"]);
    assert!(out.contains("new") && out.contains("relay"), "{out}");
    let tldr = t.ok_in(&b, &["resume", "relay"]);
    assert!(
        tldr.contains("parser.rs is half done") && tldr.contains("finish parser.rs"),
        "{tldr}"
    );
    assert_eq!(t.git_in(&b, &["branch", "--show-current"]), "feature");
    assert_eq!(t.git_in(&b, &["rev-parse", "HEAD"]), t.git(&["rev-parse", "HEAD"]));
    assert_eq!(
        t.oracle_tree_in(&b),
        handed,
        "B's work tree is A's handed-over snapshot"
    );
    assert_eq!(t.json_in(&b, &["status", "--json"])["session"]["status"], "active");

    // B continues, commits on the branch, and hands it back.
    t.write_in(&b, "parser.rs", "fn parse() {}\n");
    t.ok_in(&b, &["checkpoint", "-m", "parser done"]);
    t.git_in(&b, &["add", "parser.rs"]);
    t.git_in(&b, &["commit", "-q", "-m", "parser"]);
    t.write_in(&b, "notes.txt", "uncommitted on B\n");
    let v = t.json_in(&b, &["handoff", "-m", "back to you", "--json"]);
    let handed_back = event_of(&v, "handoff")["tree"].as_str().unwrap().to_owned();

    // A's work tree still holds what A handed over, a snapshot of the
    // session: resuming replaces it without asking. B's commit reached A
    // only inside the session, so taking it onto A's existing branch takes
    // a word from A (`--fast-forward`; on a terminal, a yes).
    t.ok(&["fetch"]);
    t.ok(&["resume", "relay", "--fast-forward"]);
    assert_eq!(t.oracle_tree(), handed_back);
    // A's branch caught up with B's commit (a fast-forward), so only B's
    // uncommitted work shows as a change.
    assert_eq!(t.git(&["rev-parse", "HEAD"]), t.git_in(&b, &["rev-parse", "HEAD"]));
    assert_eq!(t.git(&["branch", "--show-current"]), "feature");
    assert_eq!(t.git(&["status", "--porcelain"]), "?? notes.txt");
    let id = t.current_id();
    let (a_ids, b_ids) = (event_ids(&t, &t.dir, &id), event_ids(&t, &b, &id));
    assert!(b_ids.is_subset(&a_ids), "A holds every event B recorded");
    fsck_bare(&t, &bare);
    t.fsck();
}

#[test]
fn both_sides_append_while_apart_and_end_with_every_event() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "apart"]);
    let id = t.current_id();
    t.ok(&["push"]);
    let b = clone(&t, &bare, "b");
    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["resume", "apart"]);
    for i in 0..5 {
        t.ok(&["note", &format!("A {i}")]);
        t.ok_in(&b, &["note", &format!("B {i}")]);
    }
    t.ok(&["push"]);
    // B's push finds the remote moved: it fetches, merges and pushes again.
    let out = t.ok_in(&b, &["push"]);
    assert!(out.contains("pushed"), "{out}");
    t.ok(&["fetch"]);
    let a_ids = event_ids(&t, &t.dir, &id);
    let b_ids = event_ids(&t, &b, &id);
    assert_eq!(a_ids, b_ids, "both hold every event");
    let notes = t.events(&id).iter().filter(|(_, e)| e["kind"] == "note").count();
    assert_eq!(notes, 10);
    assert!(t.kinds(&id).contains(&"merge".to_owned()));
    assert_eq!(
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]),
        t.git_in(&b, &["rev-parse", &format!("refs/aura/sessions/{id}")])
    );
    // The merged header counts every event once.
    assert_eq!(t.header()["counters"]["events"], a_ids.len());
    fsck_bare(&t, &bare);

    // Diverged again, merged by `sync` this time.
    t.ok(&["note", "A again"]);
    t.ok_in(&b, &["note", "B again"]);
    t.ok(&["sync"]);
    let out = t.ok_in(&b, &["sync"]);
    assert!(out.contains("merged 1 events"), "{out}");
    t.ok(&["fetch"]);
    assert_eq!(event_ids(&t, &t.dir, &id), event_ids(&t, &b, &id));
}

/// `git daemon` serving `base` on 127.0.0.1 (a free port), killed on drop.
struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    fn start(t: &TestRepo, base: &Path) -> Daemon {
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut cmd = Command::new("git");
            t.seal(&mut cmd);
            let child = cmd
                .args([
                    "daemon",
                    "--reuseaddr",
                    "--export-all",
                    "--enable=receive-pack",
                    &format!("--base-path={}", base.display()),
                    "--listen=127.0.0.1",
                    &format!("--port={port}"),
                    base.to_str().unwrap(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot start git daemon");
            let mut daemon = Daemon { child, port };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return daemon;
                }
                if daemon.child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: try another
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = daemon.child.kill();
        }
        panic!("git daemon did not start on 127.0.0.1");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn push_and_fetch_over_git_daemon() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let daemon = Daemon::start(&t, &t.root);
    let url = format!("git://127.0.0.1:{}/remote.git", daemon.port);
    t.ok(&["start", "--name", "over-git"]);
    t.write("work.txt", "work\n");
    t.ok(&["checkpoint", "-m", "one"]);
    let id = t.current_id();
    // The client needs no git binary: gitoxide's transport does the work.
    let no_git = t.root.join("no-git-here");
    std::fs::create_dir_all(&no_git).unwrap();
    let out = t.cmd(&["push", &url]).env("PATH", &no_git).output().unwrap();
    assert!(out.status.success(), "push without git on PATH: {}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pushed"));
    assert_eq!(
        t.git_in(&bare, &["rev-parse", &format!("refs/aura/sessions/{id}")]),
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")])
    );
    fsck_bare(&t, &bare);

    let b = clone(&t, &bare, "b");
    let out = t
        .cmd_in(&b, &["fetch", &url, "--json"])
        .env("PATH", &no_git)
        .output()
        .unwrap();
    assert!(out.status.success(), "fetch without git on PATH: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sessions"][0]["result"], "created");
    assert_eq!(event_ids(&t, &b, &id), event_ids(&t, &t.dir, &id));
    // Only the sessions asked for, by id prefix.
    t.ok(&["start", "--name", "second"]);
    t.ok(&["push", &url]);
    let c = clone(&t, &bare, "c");
    let v = t.json_in(&c, &["fetch", &url, &id[..12], "--json"]);
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(v["sessions"][0]["session"], id.as_str());
}

/// A fake AWS secret built at run time, so this file holds none.
fn fake_secret() -> String {
    format!(
        "aws_secret_access_key = \"{}{}\"\n",
        "wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYzXAMPLEKEY"
    )
}

#[test]
fn a_push_that_would_carry_a_secret_sends_nothing() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "leaky"]);
    let id = t.current_id();
    t.write("config/creds.env", fake_secret());
    t.ok(&["checkpoint", "-m", "oops"]);
    let err = t.fails(&["push"], 1);
    assert!(
        err.contains("config/creds.env") && err.contains("aws-secret-access-key"),
        "{err}"
    );
    assert!(
        err.contains("nothing was sent") && err.contains("--allow-secrets"),
        "{err}"
    );
    assert!(
        !err.contains("bPxRfiCYzXAMPLEKEY"),
        "the secret itself is never printed: {err}"
    );
    assert_eq!(
        t.git_in(&bare, &["for-each-ref", "refs/aura"]),
        "",
        "nothing reached the remote"
    );
    t.ok(&["push", "--allow-secrets"]);
    assert!(t.git_in(&bare, &["for-each-ref", "refs/aura"]).contains(&id));
    // A secret that is already in the user's own branches is not reported.
    t.git(&["add", "config/creds.env"]);
    t.git(&["commit", "-q", "-m", "committed on purpose"]);
    t.write("other.txt", "fine\n");
    t.ok(&["checkpoint", "-m", "later"]);
    t.ok(&["push"]);
}

#[test]
fn fetch_prune_removes_only_remote_tracking_refs() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "short-lived"]);
    let id = t.current_id();
    t.ok(&["push"]);
    let b = clone(&t, &bare, "b");
    t.ok_in(&b, &["fetch"]);
    t.git_in(&bare, &["update-ref", "-d", &format!("refs/aura/sessions/{id}")]);
    let v = t.json_in(&b, &["fetch", "--prune", "--json"]);
    assert_eq!(v["pruned"][0], id.as_str());
    assert_eq!(t.git_in(&b, &["for-each-ref", "refs/aura/remotes"]), "");
    assert!(
        t.git_in(&b, &["for-each-ref", "refs/aura/sessions"]).contains(&id),
        "the local session stays"
    );
}

#[test]
fn list_remote_who_and_claims_show_what_others_do() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "ada-zone"]);
    t.ok(&["claim", "src"]);
    t.write("src/a.rs", "fn a() {}\n");
    t.ok(&["checkpoint", "-m", "a"]);
    t.ok(&["push"]);

    let b = clone(&t, &bare, "b");
    let listed = t.json_in(&b, &["list", "--remote", "origin", "--refresh", "--json"]);
    assert_eq!(listed[0]["name"], "ada-zone", "{listed}");
    assert_eq!(listed[0]["owner"], "Ada Tester <ada@example.com>");
    let text = t.ok_in(&b, &["list", "--remote", "origin"]);
    assert!(text.contains("ada-zone") && text.contains("Ada Tester"), "{text}");

    // Before any merge, `who` reads the fetched session. (The sealed
    // environment dates every event 2026-01-02, hence the long window.)
    let who = t.json_in(&b, &["who", "src/a.rs", "--days", "100000", "--json"]);
    assert_eq!(who[0]["name"], "ada-zone");
    assert_eq!(who[0]["from"], "origin");
    assert_eq!(who[0]["touched"][0], "src/a.rs");
    assert_eq!(who[0]["claimed"][0], "src");
    let nobody = t.json_in(&b, &["who", "README", "--days", "100000", "--json"]);
    assert_eq!(nobody.as_array().unwrap().len(), 0);

    // Once fetched, a checkpoint in B that touches the claimed path warns.
    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["start", "--name", "bo-zone"]);
    t.write_in(&b, "src/b.rs", "fn b() {}\n");
    let out = t.run_in(&b, &["checkpoint", "-m", "b"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("warning:") && err.contains("src/b.rs") && err.contains("ada-zone"),
        "{err}"
    );
    // A checkpoint elsewhere says nothing.
    t.write_in(&b, "docs.md", "text\n");
    t.ok_in(&b, &["start", "--name", "elsewhere"]);
    let out = t.run_in(&b, &["checkpoint", "-m", "docs"]);
    assert!(!stderr(&out).contains("claimed"), "{}", stderr(&out));
}

#[test]
fn remote_setup_lets_plain_git_carry_sessions() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "plain"]);
    let id = t.current_id();
    let out = t.ok(&["remote", "setup"]);
    assert!(out.contains("remote.origin.fetch"), "{out}");
    assert!(t.ok(&["remote", "setup"]).contains("already"));
    // No push refspec: plain git pushes branches as it always did (a branch
    // without an upstream is named), and the pre-push hook sends the
    // session shared with the remote (the current one), scanned.
    t.git(&["push", "-q", "origin", "main"]);
    assert!(t.git_in(&bare, &["for-each-ref", "refs/aura/sessions"]).contains(&id));
    assert!(t.git_in(&bare, &["for-each-ref", "refs/heads"]).contains("main"));
    let b = clone(&t, &bare, "b");
    t.ok_in(&b, &["remote", "setup"]);
    t.git_in(&b, &["fetch", "-q"]);
    assert!(t
        .git_in(&b, &["for-each-ref", "refs/aura/remotes/origin/sessions"])
        .contains(&id));
    assert_eq!(
        t.git_in(&b, &["for-each-ref", "refs/aura/sessions"]),
        "",
        "never over local refs"
    );
    t.ok_in(&b, &["resume", "plain"]);
    assert_eq!(t.json_in(&b, &["status", "--json"])["session"]["id"], id.as_str());
}

#[test]
fn remote_errors_are_clear_and_change_nothing() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "lonely"]);
    let before = t.user_state();
    let err = t.fails(&["push"], 1);
    assert!(err.contains("origin"), "{err}");
    let err = t.fails(&["fetch", "nowhere"], 1);
    assert!(err.contains("nowhere") && err.contains("hint:"), "{err}");
    let missing = t.root.join("missing.git");
    let err = t.fails(&["push", &format!("file://{}", missing.display())], 1);
    assert!(err.contains("missing.git"), "{err}");
    t.user_state().assert_same(&before, "failed remote commands");
    let err = t.fails(&["remote", "setup", "nowhere"], 1);
    assert!(err.contains("nowhere") && err.contains("hint:"), "{err}");
}

#[test]
fn handoff_prints_what_the_successor_runs_and_can_stay_local() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "local-only"]);
    let out = t.ok(&["handoff", "-m", "notes inside", "--no-push"]);
    assert!(out.contains("Kept local"), "{out}");
    t.ok(&["resume", "local-only"]);
    let out = t.ok(&["handoff"]);
    assert!(out.contains("No remote to push to"), "{out}");
    let err = t.fails(&["handoff", "--no-push", "--remote", "origin"], 2);
    assert!(err.contains("cannot be used with"), "{err}");

    let bare = with_remote(&t);
    t.ok(&["resume", "local-only"]);
    let id = t.current_id();
    let out = t.ok(&["handoff", "--to", "Bo"]);
    assert!(
        out.contains(&format!("git session fetch file://{} {id}", bare.display()))
            && out.contains(&format!("git session resume {id}")),
        "{out}"
    );
    let b = clone(&t, &bare, "b");
    t.ok_in(&b, &["fetch", &format!("file://{}", bare.display()), &id]);
    let tldr = t.ok_in(&b, &["resume", &id]);
    assert!(tldr.contains("local-only"), "{tldr}");
}

/// Resume of a handed-over session that its remote has newer events of
/// says so and how to fetch them (issue 11); after the fetch, resume brings
/// the newer work in progress back although this work tree resumed the
/// session before.
#[test]
fn resume_says_when_the_remote_has_newer_events_and_fetch_brings_them() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let b = clone(&t, &bare, "b");
    t.ok(&["start", "--name", "relay2"]);
    t.write("w.txt", "v1\n");
    let v = t.json(&["handoff", "-m", "first try", "--json"]);
    assert_eq!(v["pushed"]["result"], "pushed", "{v}");

    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["resume", "relay2"]);
    assert_eq!(std::fs::read_to_string(b.join("w.txt")).unwrap(), "v1\n");

    // A was not done: more work, handed over again.
    t.ok(&["resume", "relay2"]);
    t.write("w.txt", "v2\n");
    let v = t.json(&["handoff", "-m", "really done", "--json"]);
    assert_eq!(v["pushed"]["result"], "pushed", "{v}");
    let handed = event_of(&v, "handoff")["tree"].as_str().unwrap().to_owned();

    // B's resume sees the newer events on origin and changes nothing.
    let before = t.user_state_in(&b);
    let head_before = t.git_in(&b, &["for-each-ref", "refs/aura/"]);
    let err = t.fails_in(&b, &["resume", "relay2"], 1);
    assert!(err.contains("newer events on origin"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("git session fetch origin"),
        "{err}"
    );
    assert_eq!(t.user_state_in(&b), before);
    assert_eq!(t.git_in(&b, &["for-each-ref", "refs/aura/"]), head_before);
    // --local resumes what is here.
    t.ok_in(&b, &["resume", "--local", "relay2"]);
    assert_eq!(std::fs::read_to_string(b.join("w.txt")).unwrap(), "v1\n");

    // fetch + resume: the newer work in progress comes back.
    t.ok_in(&b, &["fetch"]);
    let out = t.ok_in(&b, &["resume", "relay2"]);
    assert_eq!(std::fs::read_to_string(b.join("w.txt")).unwrap(), "v2\n", "{out}");
    assert_eq!(t.oracle_tree_in(&b), handed);
    // Resuming again here restores nothing more and asks nothing.
    t.write_in(&b, "w.txt", "v3 on B\n");
    t.ok_in(&b, &["checkpoint", "-m", "B's own"]);
    t.ok_in(&b, &["resume", "relay2"]);
    assert_eq!(std::fs::read_to_string(b.join("w.txt")).unwrap(), "v3 on B\n");
}
