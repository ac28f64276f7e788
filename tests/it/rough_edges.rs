//! The rough edges of issue 11: handoff and push reaching the remote they
//! should (`--push`, `session.autoPush`, `session.remote`, `git -c`), the
//! `--json` of `summarize`, `export` and `diff`, `close --complete`,
//! `resume --continue` between sessions of the same second, names that
//! differ only by case, `history --since`, `color.ui` from `git -c`, the
//! intent of `start` counted, and a branch event's real destination.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::harness::{assert_status, stderr, TestRepo};

/// A bare repository `<root>/<name>.git` added as remote `name` (over
/// file://), with `main` pushed to it.
fn bare_remote(t: &TestRepo, name: &str) -> PathBuf {
    let bare = t.root.join(format!("{name}.git"));
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", name, &format!("file://{}", bare.display())]);
    t.git(&["push", "-q", name, "main"]);
    bare
}

/// The session refs of a remote as `git ls-remote` sees them: `(oid, ref)`.
fn remote_sessions(t: &TestRepo, bare: &Path) -> Vec<(String, String)> {
    t.git(&["ls-remote", bare.to_str().unwrap(), "refs/aura/sessions/*"])
        .lines()
        .map(|l| {
            let (oid, name) = l.split_once('\t').expect("ls-remote prints `oid<TAB>ref`");
            (oid.to_owned(), name.to_owned())
        })
        .collect()
}

/// The local tip of session `id`.
fn local_tip(t: &TestRepo, id: &str) -> String {
    t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")])
}

/// Asserts the remote at `bare` holds session `id` exactly as it is here.
fn assert_pushed(t: &TestRepo, bare: &Path, id: &str) {
    let want = (local_tip(t, id), format!("refs/aura/sessions/{id}"));
    let there = remote_sessions(t, bare);
    assert!(there.contains(&want), "{} lacks {want:?}: {there:?}", bare.display());
}

/// Every ref of the repository with its value.
fn all_refs(t: &TestRepo) -> String {
    t.git(&["for-each-ref", "--format=%(refname) %(objectname)"])
}

fn status_of(t: &TestRepo, id: &str) -> String {
    let list = t.json(&["list", "--all", "--json"]);
    let h = list
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no session {id} in {list:#}"));
    h["status"].as_str().unwrap().to_owned()
}

// ---- 1. handoff pushes ----

#[test]
fn handoff_push_pushes_the_session_to_the_remote() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "pushed-handoff"]);
    let id = t.current_id();
    t.write("work.rs", "fn work() {}\n");
    t.ok(&["handoff", "--push", "-m", "over to you"]);
    assert_pushed(&t, &bare, &id);
    assert_eq!(remote_sessions(&t, &bare).len(), 1);
    // The remote's tip is the handoff itself.
    assert_eq!(t.kinds(&id).last().map(String::as_str), Some("handoff"));
    assert_eq!(status_of(&t, &id), "handed-over");
}

#[test]
fn plain_handoff_pushes_by_default_when_there_is_a_remote() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "auto"]);
    let id = t.current_id();
    let out = t.ok(&["handoff", "-m", "done for today"]);
    assert!(out.contains("Pushed to origin"), "{out}");
    assert_pushed(&t, &bare, &id);
}

#[test]
fn plain_handoff_pushes_to_session_remote() {
    let t = TestRepo::new();
    let first = bare_remote(&t, "origin");
    let second = bare_remote(&t, "second");
    t.git(&["config", "session.remote", "second"]);
    t.ok(&["start", "--name", "to-second"]);
    let id = t.current_id();
    t.ok(&["handoff"]);
    assert_pushed(&t, &second, &id);
    assert_eq!(remote_sessions(&t, &first), [], "origin got the handoff too");
}

#[test]
fn plain_handoff_after_remote_setup_pushes() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["remote", "setup"]);
    t.ok(&["start", "--name", "set-up"]);
    let id = t.current_id();
    t.ok(&["handoff"]);
    assert_pushed(&t, &bare, &id);
}

#[test]
fn auto_push_false_keeps_a_plain_handoff_local_but_not_an_explicit_push() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.git(&["config", "session.autoPush", "false"]);
    t.ok(&["start", "--name", "stays"]);
    let stays = t.current_id();
    let said = t.ok(&["handoff", "-m", "local"]);
    assert!(said.contains("Kept local (session.autoPush is false)"), "{said}");
    assert_eq!(status_of(&t, &stays), "handed-over");
    assert_eq!(remote_sessions(&t, &bare), [], "session.autoPush=false pushed anyway");

    // `--push` still pushes, and only the session handed over.
    t.ok(&["start", "--name", "goes"]);
    let goes = t.current_id();
    t.ok(&["handoff", "--push"]);
    assert_pushed(&t, &bare, &goes);
    assert_eq!(remote_sessions(&t, &bare).len(), 1);
}

#[test]
fn handoff_push_without_a_remote_fails_and_records_nothing() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "nowhere"]);
    let id = t.current_id();
    let before = all_refs(&t);
    let err = t.fails(&["handoff", "--push"], 1);
    assert!(err.contains("origin") && err.contains("nothing was recorded"), "{err}");
    assert_eq!(all_refs(&t), before);
    assert_eq!(status_of(&t, &id), "active");
}

// ---- 2. push SESSION ----

#[test]
fn push_of_a_session_name_goes_to_the_default_remote() {
    let t = TestRepo::new();
    let bare = bare_remote(&t, "origin");
    t.ok(&["start", "--name", "older"]);
    let older = t.current_id();
    t.ok(&["start", "--name", "newer"]);
    let newer = t.current_id();
    let v = t.json(&["push", "older", "--json"]);
    assert_eq!(v["remote"], "origin", "{v:#}");
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["sessions"][0]["session"], older.as_str(), "{v:#}");
    assert_pushed(&t, &bare, &older);
    // Only the one named, not the current one.
    assert_eq!(remote_sessions(&t, &bare).len(), 1);

    // Two names.
    t.ok(&["note", "more"]);
    t.ok(&["push", "older", "newer"]);
    assert_pushed(&t, &bare, &older);
    assert_pushed(&t, &bare, &newer);
}

#[test]
fn push_of_a_session_name_follows_session_remote() {
    let t = TestRepo::new();
    let first = bare_remote(&t, "origin");
    let second = bare_remote(&t, "second");
    t.git(&["config", "session.remote", "second"]);
    t.ok(&["start", "--name", "named"]);
    let id = t.current_id();
    t.ok(&["start", "--name", "other"]);
    t.ok(&["push", "named"]);
    assert_pushed(&t, &second, &id);
    assert_eq!(remote_sessions(&t, &second).len(), 1);
    assert_eq!(remote_sessions(&t, &first), []);
}

// ---- 3. --json ----

/// A session with a file added, one changed and a checkpoint.
fn worked(t: &TestRepo) -> String {
    t.write("src/lib.rs", "fn one() {}\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-q", "-m", "lib"]);
    t.ok(&["start", "--name", "worked", "--intent", "grow the lib"]);
    t.write("src/lib.rs", "fn one() {}\nfn two() {}\n");
    t.write("NEW.md", "a\nb\nc\n");
    t.ok(&["checkpoint", "-m", "grown"]);
    t.current_id()
}

fn files_of(v: &Value) -> Vec<(String, String, u64, u64)> {
    let mut files: Vec<_> = v["files"]
        .as_array()
        .unwrap_or_else(|| panic!("no files in {v:#}"))
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
                f["added"].as_u64().unwrap(),
                f["removed"].as_u64().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// What `git diff --numstat` says between two trees, as `files_of` does.
fn numstat(t: &TestRepo, from: &str, to: &str) -> Vec<(String, String, u64, u64)> {
    let status: std::collections::BTreeMap<String, String> = t
        .git(&["diff", "--name-status", from, to])
        .lines()
        .map(|l| {
            let (s, p) = l.split_once('\t').unwrap();
            (p.to_owned(), s.to_owned())
        })
        .collect();
    let mut files: Vec<_> = t
        .git(&["diff", "--numstat", from, to])
        .lines()
        .map(|l| {
            let mut it = l.split('\t');
            let added = it.next().unwrap().parse().unwrap();
            let removed = it.next().unwrap().parse().unwrap();
            let path = it.next().unwrap().to_owned();
            (path.clone(), status[&path].clone(), added, removed)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn summarize_json_describes_the_session() {
    let t = TestRepo::new();
    let id = worked(&t);
    let v = t.json(&["summarize", "--json"]);
    assert_eq!(v, t.json(&["summarize", "--format", "json"]));
    assert_eq!(v["session"]["id"], id.as_str(), "{v:#}");
    assert_eq!(v["session"]["name"], "worked");
    assert_eq!(v["session"]["status"], "active");
    assert_eq!(v["events"], 2, "{v:#}");
    assert_eq!(v["intents"][0]["text"], "grow the lib", "{v:#}");
    assert_eq!(v["checkpoints"].as_array().unwrap().len(), 1);
    assert_eq!(v["checkpoints"][0]["text"], "grown");
    let header = t.header();
    assert_eq!(v["base_snapshot"], header["base_snapshot"]);
    assert_eq!(v["latest_snapshot"], t.oracle_tree().as_str());
    let from = v["base_snapshot"].as_str().unwrap();
    let to = v["latest_snapshot"].as_str().unwrap();
    assert_eq!(files_of(&v), numstat(&t, from, to));
    assert_eq!(
        files_of(&v),
        [
            ("NEW.md".to_owned(), "A".to_owned(), 3, 0),
            ("src/lib.rs".to_owned(), "M".to_owned(), 1, 0)
        ]
    );
}

#[test]
fn export_json_holds_every_event_as_stored() {
    let t = TestRepo::new();
    let id = worked(&t);
    t.ok(&["note", "a note"]);
    let v = t.json(&["export", "--json"]);
    assert_eq!(v, t.json(&["export", "--format", "json"]));
    assert_eq!(v["session"]["id"], id.as_str(), "{v:#}");
    assert_eq!(v["session"]["name"], "worked");
    assert_eq!(v["head"], local_tip(&t, &id).as_str());
    let events = v["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start", "checkpoint", "note"]);
    // The commits are the session's own, oldest first, as git walks them.
    let commits: Vec<&str> = events.iter().map(|e| e["commit"].as_str().unwrap()).collect();
    let git_order = t.git(&[
        "rev-list",
        "--first-parent",
        "--reverse",
        &format!("refs/aura/sessions/{id}"),
        "^HEAD",
    ]);
    assert_eq!(commits, git_order.lines().collect::<Vec<_>>());
    // Exactly as `log --json` reads them.
    let log = t.json(&["log", "--json"]);
    assert_eq!(&v["events"], &log);
}

#[test]
fn diff_json_names_the_trees_and_each_file() {
    let t = TestRepo::new();
    let id = worked(&t);
    t.write("src/lib.rs", "fn two() {}\n");
    let v = t.json(&["diff", "--json"]);
    let header = t.header();
    assert_eq!(v["from"], header["base_snapshot"], "{v:#}");
    let work = t.oracle_tree();
    assert_eq!(v["to"], work.as_str(), "{v:#}");
    let from = v["from"].as_str().unwrap();
    assert_eq!(files_of(&v), numstat(&t, from, &work));
    assert_eq!(
        files_of(&v),
        [
            ("NEW.md".to_owned(), "A".to_owned(), 3, 0),
            ("src/lib.rs".to_owned(), "M".to_owned(), 1, 1)
        ]
    );
    // Between two snapshots: the checkpoint and the work tree.
    let v = t.json(&["diff", "grown", "--json"]);
    let checkpoint = t
        .events(&id)
        .into_iter()
        .find(|(_, e)| e["kind"] == "checkpoint")
        .expect("the checkpoint")
        .1;
    assert_eq!(v["from"], checkpoint["tree"], "{v:#}");
    assert_eq!(v["to"], work.as_str(), "{v:#}");
    assert_eq!(files_of(&v), [("src/lib.rs".to_owned(), "M".to_owned(), 0, 1)], "{v:#}");
}

// ---- 4. close --complete ----

#[test]
fn close_complete_closes_the_session() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "finished"]);
    let id = t.current_id();
    t.write("done.txt", "done\n");
    let v = t.json(&["close", "--complete", "--reason", "all done", "--json"]);
    let close = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "close")
        .unwrap_or_else(|| panic!("no close event: {v:#}"));
    assert_eq!(close["status"], "closed", "{v:#}");
    assert_eq!(close["reason"], "all done");
    assert_eq!(close["tree"], t.oracle_tree().as_str(), "the final snapshot");
    assert_eq!(status_of(&t, &id), "closed");
    assert_eq!(t.json(&["status", "--json"])["session"], Value::Null);
    // A closed session is not listed without --all.
    assert!(!t.ok(&["list"]).contains("finished"));
    // Complete and abandon contradict each other.
    t.ok(&["start", "--name", "undecided"]);
    let before = all_refs(&t);
    let err = t.fails(&["close", "--complete", "--abandon"], 2);
    assert!(err.contains("cannot be used with"), "{err}");
    assert_eq!(all_refs(&t), before);
}

// ---- 5. resume --continue ----

#[test]
fn resume_continue_picks_the_latest_event_among_sessions_of_the_same_second() {
    let t = TestRepo::new();
    // Every command sees the same committer date: all in one second.
    t.ok(&["start", "--name", "early"]);
    let early = t.current_id();
    t.ok(&["start", "--name", "late"]);
    let late = t.current_id();
    assert!(early < late, "session ids are time-ordered");
    // The older session gets the latest event.
    t.ok(&["-s", "early", "note", "the last word"]);
    let list = t.json(&["list", "--json"]);
    let updated: Vec<&Value> = list.as_array().unwrap().iter().map(|h| &h["updated"]).collect();
    assert_eq!(updated.len(), 2);
    assert_eq!(updated[0], updated[1], "both updated in the same second: {list:#}");
    for round in 0..4 {
        let v = t.json(&["resume", "--continue", "--json"]);
        let picked = v["id"].as_str().or(v["session"]["id"].as_str()).unwrap_or_default();
        assert_eq!(picked, early, "round {round}: {v:#}");
        assert_eq!(t.current_id(), early, "round {round}");
    }

    // The other way round: the newer session's event is the latest.
    t.ok(&["-s", "late", "note", "now me"]);
    for round in 0..3 {
        t.ok(&["resume", "--continue"]);
        assert_eq!(t.current_id(), late, "round {round}");
    }
}

// ---- 6. names that differ only by case ----

#[test]
fn a_name_differing_only_by_case_is_refused_and_changes_nothing() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "foo"]);
    let foo = t.current_id();
    let refs = all_refs(&t);
    let state = t.user_state();
    let err = t.fails(&["start", "--name", "Foo"], 1);
    assert!(err.contains("exists already"), "{err}");
    assert!(
        err.contains(&foo[..12]),
        "the message names the session it clashes with: {err}"
    );
    assert_eq!(all_refs(&t), refs, "a refused start changed refs");
    t.user_state().assert_same(&state, "refused start");
    assert_eq!(t.current_id(), foo);
    // Nor in rename.
    t.ok(&["start", "--name", "bar"]);
    let refs = all_refs(&t);
    let err = t.fails(&["rename", "bar", "FOO"], 1);
    assert!(err.contains("exists already"), "{err}");
    assert_eq!(all_refs(&t), refs, "a refused rename changed refs");
}

#[test]
fn the_case_clash_message_names_the_existing_session_and_its_hint_works() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "foo"]);
    t.ok(&["start", "--name", "other"]);
    let err = t.fails(&["start", "--name", "Foo"], 1);
    assert!(err.contains("'foo'"), "the existing session is 'foo': {err}");
    let hint = err
        .lines()
        .find_map(|l| l.split("`git session ").nth(1))
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no command in the hint: {err}"));
    let args: Vec<&str> = hint.split_whitespace().collect();
    t.ok(&args);
    assert_eq!(t.header()["name"], "foo");
}

// ---- 7. history --since ----

/// Seconds since the epoch, now.
fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn history_names(t: &TestRepo, since: &str) -> Vec<String> {
    let v = t.json(&["history", "--since", since, "--json"]);
    v.as_array()
        .unwrap_or_else(|| panic!("history --json is an array: {v:#}"))
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn history_since_reads_dates_and_ages_as_git_does() {
    let mut t = TestRepo::new();
    t.set_env("GIT_COMMITTER_DATE", "2001-02-03 04:05:06 +0000");
    t.ok(&["start", "--name", "ancient"]);
    // Closed then, so that starting the next one does not pause it now.
    t.ok(&["close"]);
    t.set_env("GIT_COMMITTER_DATE", &format!("{} +0000", now() - 60));
    t.ok(&["start", "--name", "recent"]);
    // git agrees that the recent one is after these and the ancient one before.
    for since in ["yesterday", "2 weeks ago"] {
        let max_age = t.git(&["rev-parse", &format!("--since={since}")]);
        let cut: u64 = max_age.strip_prefix("--max-age=").unwrap().parse().unwrap();
        assert!(cut < now() - 60 && cut > 981_173_106, "{since}: {max_age}");
        assert_eq!(history_names(&t, since), ["recent"], "--since {since}");
    }
    assert_eq!(history_names(&t, "2000-01-01"), ["ancient", "recent"]);
    assert_eq!(history_names(&t, "2001-02-04"), ["recent"]);
    assert_eq!(history_names(&t, "2001-02-03T04:05:00Z"), ["ancient", "recent"]);
    assert_eq!(history_names(&t, "2d"), ["recent"]);
    assert_eq!(history_names(&t, "2099-01-01"), Vec::<String>::new());
}

#[test]
fn history_since_a_huge_age_never_panics() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "any"]);
    for since in [
        "99999999999999 years ago",
        "99999999999999999999 years ago",
        "9223372036854775807 seconds ago",
        "99999999999999d",
        "9999999999999999999999d",
        "106751991167300w",
        "-1d",
        "",
    ] {
        let arg = format!("--since={since}");
        let out = t.run(&["history", &arg]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "--since {since:?}: exit {code:?}\n{}",
            stderr(&out)
        );
        if code != Some(0) {
            let err = stderr(&out);
            assert!(
                err.starts_with("error:") && err.contains("not a date"),
                "--since {since:?}: {err}"
            );
        }
    }
    let err = t.fails(&["history", "--since", "99999999999999 years ago"], 2);
    assert!(err.contains("'99999999999999 years ago' is not a date"), "{err}");
}

// ---- 8. git -c ----

#[test]
fn git_dash_c_session_remote_is_honoured() {
    let t = TestRepo::new();
    let first = bare_remote(&t, "origin");
    let second = bare_remote(&t, "second");
    t.ok(&["start", "--name", "via-git"]);
    let id = t.current_id();
    let out = t.run_via_git(&["-c", "session.remote=second", "session", "push"]);
    assert_status(&["(via git) push"], &out, 0);
    assert_pushed(&t, &second, &id);
    assert_eq!(
        remote_sessions(&t, &first),
        [],
        "pushed to origin, not to session.remote"
    );
    // And it beats the repository's own setting.
    t.git(&["config", "session.remote", "second"]);
    t.ok(&["note", "more"]);
    let out = t.run_via_git(&["-c", "session.remote=origin", "session", "push"]);
    assert_status(&["(via git) push"], &out, 0);
    assert_pushed(&t, &first, &id);
}

fn has_ansi(out: &[u8]) -> bool {
    out.contains(&0x1b)
}

#[test]
fn git_dash_c_color_ui_never_beats_color_ui_always() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "colourful", "--intent", "paint"]);
    t.write("x.txt", "x\n");
    t.ok(&["checkpoint", "-m", "painted"]);
    t.git(&["config", "color.ui", "always"]);
    // NO_COLOR empty is no NO_COLOR: colour is forced by color.ui=always.
    let colour = [("NO_COLOR", "")];
    for verb in ["list", "log", "show", "status", "summarize", "diff"] {
        let out = t.run_via_git_env(&["session", verb], &colour);
        assert_status(&[verb], &out, 0);
        assert!(has_ansi(&out.stdout), "{verb} with color.ui=always has no colour");
        let out = t.run_via_git_env(&["-c", "color.ui=never", "session", verb], &colour);
        assert_status(&[verb], &out, 0);
        assert!(
            !has_ansi(&out.stdout) && !has_ansi(&out.stderr),
            "{verb} with -c color.ui=never: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!out.stdout.is_empty(), "{verb} printed nothing");
    }
}

// ---- 9. status counts start's intent ----

#[test]
fn status_counts_the_intent_of_start() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "intended", "--intent", "fix the parser"]);
    let h = t.header();
    assert_eq!(h["intent"]["text"], "fix the parser", "{h:#}");
    assert_eq!(h["counters"]["intents"], 1, "{h:#}");
    assert!(t.ok(&["status"]).contains("1 intents") || t.ok(&["status"]).contains("1 intent,"));
    t.ok(&["intent", "then the lexer"]);
    assert_eq!(t.header()["counters"]["intents"], 2);
    // Without --intent there is none to count.
    t.ok(&["start", "--name", "aimless"]);
    assert_eq!(t.header()["counters"]["intents"], 0);
    assert_eq!(t.header()["intent"], Value::Null);
}

// ---- 10. branch events ----

#[test]
fn a_branch_event_shows_where_head_went() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "wanderer"]);
    let id = t.current_id();
    t.git(&["checkout", "-q", "-b", "feat"]);
    t.write("feat.rs", "fn feat() {}\n");
    t.ok(&["checkpoint", "-m", "on feat"]);
    t.git(&["checkout", "-q", "main"]);
    t.ok(&["checkpoint", "-m", "back on main"]);
    let branches: Vec<(String, String, String)> = t
        .events(&id)
        .iter()
        .filter(|(_, e)| e["kind"] == "branch")
        .map(|(_, e)| {
            (
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
                e["branch"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = |a: &str, b: &str| (a.to_owned(), b.to_owned(), b.to_owned());
    assert_eq!(branches, [want("main", "feat"), want("feat", "main")]);
    assert_eq!(t.kinds(&id), ["start", "branch", "checkpoint", "branch", "checkpoint"]);
    let log = t.ok(&["log"]);
    assert!(log.contains("branch main → feat"), "{log}");
    assert!(log.contains("branch feat → main"), "{log}");
    assert!(!log.contains("feat → feat") && !log.contains("main → main"), "{log}");
    // show --json's recent events agree.
    let show = t.json(&["show", "--json"]);
    let text = show.to_string();
    assert!(
        text.contains(r#""from":"feat""#) && text.contains(r#""to":"main""#),
        "{show:#}"
    );
    // The commits the branch events name are the commits git had there.
    let main = t.git(&["rev-parse", "main"]);
    for (_, e) in t.events(&id).iter().filter(|(_, e)| e["kind"] == "branch") {
        assert_eq!(e["from_commit"], main.as_str());
        assert_eq!(e["to_commit"], main.as_str());
    }
}
