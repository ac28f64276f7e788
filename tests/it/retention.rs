//! Retention (issue 13): `archive`, `unarchive`, `list --archived`,
//! `session.autoArchive`, `gc` (`--squash`, `--delete`), sessions that
//! survive git's own gc and repack, and archived sessions that travel only
//! when named. git is the oracle: ref values, trees, `count-objects`, fsck.

use std::path::Path;

use serde_json::Value;

use crate::harness::{stderr, Rng, TestRepo};
use crate::remotes::with_remote;

/// Two months after the harness's fixed date: what "now" is for the
/// commands that find sessions expired.
const LATER: &str = "2026-03-01 00:00:00 +0000";

/// Every ref under `refs/aura/` with its value, one per line.
fn aura_refs(t: &TestRepo, dir: &Path) -> String {
    t.git_in(dir, &["for-each-ref", "--format=%(refname) %(objectname)", "refs/aura"])
}

/// Starts `name`, records a note and closes it; returns its id.
fn closed_session(t: &TestRepo, name: &str) -> String {
    t.ok(&["start", "--name", name]);
    let id = t.current_id();
    t.ok(&["note", &format!("{name} went well")]);
    t.ok(&["close"]);
    id
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `(id, kind)` of every event of a session, in log order.
fn event_keys(t: &TestRepo, session: &str) -> Vec<(String, String)> {
    t.events(session)
        .iter()
        .map(|(_, e)| {
            (
                e["id"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn archive_and_unarchive_round_trip_keeps_the_ref_byte_for_byte() {
    let t = TestRepo::new();
    let id = closed_session(&t, "done-work");
    t.ok(&["start", "--name", "still-open"]);
    let live = format!("refs/aura/sessions/{id}");
    let archived = format!("refs/aura/archive/{id}");
    let head = t.git(&["rev-parse", &live]);
    let before_log = t.ok(&["log", "done-work", "--json"]);

    let v = t.json(&["archive", "done-work", "--json"]);
    assert_eq!(ids(&v["sessions"]), vec![id.clone()]);
    assert_eq!(t.git(&["rev-parse", &archived]), head);
    assert!(!aura_refs(&t, &t.dir).contains(&live), "the live ref is gone");
    assert!(!ids(&t.json(&["list", "--all", "--json"])).contains(&id));
    assert_eq!(ids(&t.json(&["list", "--archived", "--json"])), vec![id.clone()]);
    assert!(t.ok(&["list", "--archived"]).contains("done-work"));
    t.fsck();

    // Still found by name for reading, and said to be archived.
    let out = t.run(&["show", "done-work"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("is archived"), "{}", stderr(&out));
    assert_eq!(t.ok(&["log", "done-work", "--json"]), before_log);
    assert!(t.run(&["summarize", &id[..8]]).status.success());
    // Recording into it is refused with the way back.
    let err = t.fails(&["note", "-s", "done-work", "late thought"], 1);
    assert!(err.contains("archived") && err.contains("unarchive"), "{err}");
    assert_eq!(t.git(&["rev-parse", &archived]), head, "nothing recorded");

    let v = t.json(&["unarchive", "done", "--json"]);
    assert_eq!(ids(&v["sessions"]), vec![id.clone()]);
    assert_eq!(t.git(&["rev-parse", &live]), head);
    assert!(!aura_refs(&t, &t.dir).contains("refs/aura/archive/"));
    assert!(ids(&t.json(&["list", "--all", "--json"])).contains(&id));
    assert_eq!(t.ok(&["log", "done-work", "--json"]), before_log);
    let err = t.fails(&["unarchive", "done-work"], 1);
    assert!(err.contains("no archived session"), "{err}");
    t.fsck();
}

#[test]
fn an_open_session_is_refused_and_nothing_changes() {
    let t = TestRepo::new();
    let done = closed_session(&t, "done");
    t.ok(&["start", "--name", "busy"]);
    let before = aura_refs(&t, &t.dir);
    let err = t.fails(&["archive", "done", "busy"], 1);
    assert!(err.contains("'busy' is active"), "{err}");
    assert!(err.contains("hint: close it first"), "{err}");
    assert_eq!(aura_refs(&t, &t.dir), before, "not even the closed one moved");
    assert!(before.contains(&done));
    t.fails(&["archive"], 2);
}

#[test]
fn closed_before_archives_only_what_was_closed_before_the_date() {
    let mut t = TestRepo::new();
    let old = closed_session(&t, "old");
    t.set_env("GIT_COMMITTER_DATE", LATER);
    t.set_env("GIT_AUTHOR_DATE", LATER);
    let recent = closed_session(&t, "recent");
    t.ok(&["start", "--name", "open"]);
    let v = t.json(&["archive", "--closed-before", "2026-02-01", "--dry-run", "--json"]);
    assert_eq!(ids(&v["sessions"]), vec![old.clone()]);
    assert!(!aura_refs(&t, &t.dir).contains("refs/aura/archive/"), "a dry run");
    let v = t.json(&["archive", "--closed-before", "2 weeks ago", "--json"]);
    assert_eq!(ids(&v["sessions"]), vec![old.clone()]);
    assert_eq!(ids(&t.json(&["list", "--archived", "--json"])), vec![old]);
    assert!(ids(&t.json(&["list", "--all", "--json"])).contains(&recent));
    let err = t.fails(&["archive", "--closed-before", "the day after"], 2);
    assert!(err.contains("not a date"), "{err}");
    t.fsck();
}

#[test]
fn auto_archive_on_close_moves_the_sessions_closed_longer_ago() {
    let mut t = TestRepo::new();
    let old = closed_session(&t, "old");
    t.git(&["config", "session.autoArchive", "2.weeks"]);
    t.set_env("GIT_COMMITTER_DATE", LATER);
    t.set_env("GIT_AUTHOR_DATE", LATER);
    t.ok(&["start", "--name", "new"]);
    let new = t.current_id();
    let v = t.json(&["close", "--json"]);
    assert_eq!(ids(&v["archived"]), vec![old.clone()]);
    assert_eq!(ids(&t.json(&["list", "--archived", "--json"])), vec![old]);
    assert!(
        ids(&t.json(&["list", "--all", "--json"])).contains(&new),
        "closed just now"
    );
    t.git(&["config", "session.autoArchive", "soon"]);
    t.ok(&["start", "--name", "third"]);
    let out = t.run(&["close"]);
    assert!(out.status.success(), "a bad setting does not stop the close");
    assert!(stderr(&out).contains("session.autoArchive"), "{}", stderr(&out));
}

#[test]
fn gc_archives_what_expired_and_delete_needs_a_confirmation() {
    let mut t = TestRepo::new();
    let old = closed_session(&t, "old");
    t.set_env("GIT_COMMITTER_DATE", LATER);
    t.set_env("GIT_AUTHOR_DATE", LATER);
    let recent = closed_session(&t, "recent");
    t.ok(&["start", "--name", "open"]);
    let before = aura_refs(&t, &t.dir);
    let v = t.json(&["gc", "--dry-run", "--json"]);
    assert_eq!(ids(&v["archived"]), vec![old.clone()]);
    assert_eq!(aura_refs(&t, &t.dir), before, "a dry run");
    let v = t.json(&["gc", "--json"]);
    assert_eq!(ids(&v["archived"]), vec![old.clone()]);
    assert_eq!(ids(&t.json(&["list", "--archived", "--json"])), vec![old.clone()]);

    // Not on a terminal and no --yes: refused, nothing changes.
    let before = aura_refs(&t, &t.dir);
    let err = t.fails(&["gc", "--delete"], 1);
    assert!(
        err.contains("without a confirmation") && err.contains("nothing was changed"),
        "{err}"
    );
    assert!(!err.contains("--yes"), "no hint that deletes data: {err}");
    assert_eq!(aura_refs(&t, &t.dir), before);
    let v = t.json(&["gc", "--delete", "--dry-run", "--json"]);
    assert_eq!(ids(&v["deleted"]), vec![old.clone()]);
    assert_eq!(aura_refs(&t, &t.dir), before);
    let v = t.json(&["gc", "--delete", "--yes", "--json"]);
    assert_eq!(ids(&v["deleted"]), vec![old.clone()]);
    let after = aura_refs(&t, &t.dir);
    assert!(!after.contains(&old), "{after}");
    assert!(after.contains(&recent), "not expired: kept");
    t.fsck();
}

/// A session with two intermediate snapshots of a large file that no other
/// snapshot holds, between two checkpoints; closed at the harness's date.
fn session_with_scratch(t: &TestRepo) -> (String, String) {
    t.ok(&["start", "--name", "scratchy"]);
    let id = t.current_id();
    t.write("a.txt", "one\n");
    t.ok(&["checkpoint", "-m", "first"]);
    let first = t.oracle_tree();
    let mut rng = Rng::new(13);
    for _ in 0..2 {
        let text: String = (0..3000).map(|_| format!("{:016x}\n", rng.next())).collect();
        t.write("scratch.log", text);
        t.ok(&["snapshot", "scratch.log"]);
    }
    t.remove("scratch.log");
    t.write("a.txt", "two\n");
    t.ok(&["checkpoint", "-m", "second"]);
    t.ok(&["close"]);
    (id, first)
}

/// `(count + in-pack objects, size + size-pack in KiB)` after `git gc --prune=now`.
fn objects_after_gc(t: &TestRepo) -> (u64, u64) {
    t.git(&["gc", "-q", "--prune=now"]);
    let text = t.git(&["count-objects", "-v"]);
    let field = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (field("count") + field("in-pack"), field("size") + field("size-pack"))
}

#[test]
fn gc_squash_keeps_every_event_and_checkpoint_and_frees_the_snapshots() {
    let mut t = TestRepo::new();
    let (id, first) = session_with_scratch(&t);
    let before = event_keys(&t, "scratchy");
    let checkpoint_trees: Vec<String> = t
        .events("scratchy")
        .iter()
        .filter(|(_, e)| e["kind"] == "checkpoint" || e["kind"] == "start")
        .map(|(_, e)| e["tree"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(checkpoint_trees.len(), 3);
    let (objects_before, kib_before) = objects_after_gc(&t);

    t.set_env("GIT_COMMITTER_DATE", LATER);
    let dry = t.json(&["gc", "--squash", "--dry-run", "--json"]);
    assert_eq!(dry["squashed"][0]["snapshots_dropped"], 2, "{dry}");
    let v = t.json(&["gc", "--squash", "--json"]);
    assert_eq!(ids(&v["archived"]), vec![id.clone()]);
    assert_eq!(v["squashed"][0]["snapshots_dropped"], 2, "{v}");
    assert_eq!(v["squashed"][0]["objects_freed"], dry["squashed"][0]["objects_freed"]);
    let bytes = v["bytes_freed"].as_u64().unwrap();
    assert!(bytes >= 2 * 3000 * 17, "both scratch files: {v}");
    let again = t.json(&["gc", "--squash", "--json"]);
    assert_eq!(
        again["squashed"],
        serde_json::json!([]),
        "squashing twice drops nothing"
    );

    let (objects_after, kib_after) = objects_after_gc(&t);
    eprintln!(
        "gc --squash: reported {} objects / {bytes} bytes freed; after git gc --prune=now: {objects_before} → {objects_after} objects, {kib_before} → {kib_after} KiB",
        v["objects_freed"]
    );
    assert!(kib_after + 40 < kib_before, "{kib_before} → {kib_after} KiB");
    // git agrees with the report, object for object.
    let freed = v["objects_freed"].as_u64().unwrap();
    let written = v["objects_written"].as_u64().unwrap();
    assert_eq!(objects_before + written - freed, objects_after, "{v}");
    t.fsck();

    // Every event is still there; the checkpoints' trees too.
    assert_eq!(event_keys(&t, "scratchy"), before);
    for tree in &checkpoint_trees {
        assert_eq!(t.git(&["cat-file", "-t", tree]), "tree");
    }
    // Back from the archive, a rewind to a checkpoint gives git's tree.
    t.ok(&["unarchive", "scratchy"]);
    let dropped = t
        .events("scratchy")
        .iter()
        .find(|(_, e)| e["kind"] == "snapshot")
        .map(|(_, e)| e["id"].as_str().unwrap().to_owned())
        .unwrap();
    let before_rewind = aura_refs(&t, &t.dir);
    let err = t.fails(&["-s", "scratchy", "rewind", &dropped], 1);
    eprintln!("rewind to a dropped snapshot: {err}");
    assert_eq!(aura_refs(&t, &t.dir), before_rewind, "nothing recorded");
    t.ok(&["-s", "scratchy", "rewind", "first"]);
    assert_eq!(t.oracle_tree(), first);
    assert_eq!(std::fs::read_to_string(t.path("a.txt")).unwrap(), "one\n");
    t.fsck();
}

#[test]
fn git_gc_and_repack_lose_no_live_or_archived_session() {
    let mut t = TestRepo::new();
    let (_, _) = session_with_scratch(&t);
    let archived = closed_session(&t, "archived-one");
    t.ok(&["archive", "archived-one"]);
    t.ok(&["start", "--name", "live-one"]);
    t.write("b.txt", "bee\n");
    t.ok(&["snapshot", "b.txt"]);
    t.set_env("GIT_COMMITTER_DATE", LATER);
    t.ok(&["gc", "--squash"]);
    let sessions = ["scratchy", "archived-one", "live-one"];
    let before: Vec<_> = sessions.iter().map(|s| t.ok(&["log", s, "--json"])).collect();
    t.git(&["gc", "-q", "--prune=now"]);
    t.git(&["repack", "-q", "-a", "-d"]);
    t.git(&["prune", "--expire=now"]);
    for (s, log) in sessions.iter().zip(&before) {
        assert_eq!(&t.ok(&["log", s, "--json"]), log, "{s}");
        assert!(t.run(&["show", s]).status.success(), "{s}");
        assert!(t.run(&["summarize", s]).status.success(), "{s}");
    }
    assert!(ids(&t.json(&["list", "--archived", "--json"])).contains(&archived));
    t.fsck();
}

#[test]
fn archived_sessions_travel_only_when_named() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.ok(&["start", "--name", "old"]);
    let old = t.current_id();
    // Shared with origin: the pre-push hook would carry it while live.
    t.ok(&["remote", "setup"]);
    t.ok(&["close"]);
    t.ok(&["archive", "old"]);
    t.ok(&["start", "--name", "live"]);
    let live = t.current_id();
    t.ok(&["push"]);
    t.ok(&["push", "--all"]);
    t.write("c.txt", "sea\n");
    t.git(&["add", "c.txt"]);
    t.git(&["commit", "-q", "-m", "c"]);
    t.git(&["push", "-q", "origin", "main"]);
    let remote_refs = aura_refs(&t, &bare);
    assert!(remote_refs.contains(&live), "{remote_refs}");
    assert!(
        !remote_refs.contains(&old),
        "not by push, push --all or the pre-push hook: {remote_refs}"
    );

    // Named, it travels as what it is here: an archived session.
    t.ok(&["push", "old"]);
    let head = t.git(&["rev-parse", &format!("refs/aura/archive/{old}")]);
    assert_eq!(
        t.git_in(&bare, &["rev-parse", &format!("refs/aura/archive/{old}")]),
        head
    );
    assert!(!aura_refs(&t, &bare).contains(&format!("refs/aura/sessions/{old}")));
    let again = t.json(&["push", "old", "--json"]);
    assert_eq!(again["sessions"][0]["result"], "up-to-date", "{again}");

    // A clone's plain fetch (and git's own, with the refspec of `remote
    // setup`) leaves it on the remote; a fetch that names it brings it.
    let b = crate::remotes::clone(&t, &bare, "b");
    t.ok_in(&b, &["remote", "setup"]);
    t.git_in(&b, &["fetch", "-q"]);
    t.ok_in(&b, &["fetch"]);
    let here = aura_refs(&t, &b);
    assert!(here.contains(&live) && !here.contains(&old), "{here}");
    t.ok_in(&b, &["fetch", "origin", &old]);
    assert_eq!(t.git_in(&b, &["rev-parse", &format!("refs/aura/archive/{old}")]), head);
    assert!(!t.git_in(&b, &["for-each-ref", "refs/aura/sessions"]).contains(&old));
    assert_eq!(
        ids(&t.json_in(&b, &["list", "--archived", "--json"])),
        vec![old.clone()]
    );
    assert_eq!(
        t.json_in(&b, &["log", &old, "--json"]),
        t.json(&["log", &old, "--json"])
    );
    t.fsck();
}

#[test]
fn a_fetch_does_not_bring_an_archived_session_back_to_life() {
    let t = TestRepo::new();
    let _bare = with_remote(&t);
    t.ok(&["start", "--name", "shared"]);
    let id = t.current_id();
    t.ok(&["close"]);
    t.ok(&["push", "shared"]);
    t.ok(&["archive", "shared"]);
    // The remote has it live; here it stays archived.
    t.ok(&["fetch"]);
    assert!(!t.git(&["for-each-ref", "refs/aura/sessions"]).contains(&id));
    assert_eq!(ids(&t.json(&["list", "--archived", "--json"])), vec![id]);
}

#[test]
fn undo_of_a_rewind_still_works_after_squash_and_unarchive() {
    let mut t = TestRepo::new();
    t.ok(&["start", "--name", "undoable"]);
    t.write("a.txt", "one\n");
    t.ok(&["checkpoint", "-m", "first"]);
    t.write("scratch.log", "scratch\n".repeat(500));
    t.ok(&["snapshot", "scratch.log"]);
    t.remove("scratch.log");
    t.write("a.txt", "two\n");
    let two = t.oracle_tree();
    t.ok(&["rewind", "first"]);
    t.ok(&["close"]);
    t.set_env("GIT_COMMITTER_DATE", LATER);
    let v = t.json(&["gc", "--squash", "--json"]);
    assert_eq!(v["squashed"][0]["snapshots_dropped"], 1, "{v}");
    t.git(&["gc", "-q", "--prune=now"]);
    t.ok(&["unarchive", "undoable"]);
    // The rewind's commit was rewritten; the journal still vouches for it.
    t.ok(&["-s", "undoable", "undo"]);
    assert_eq!(t.oracle_tree(), two);
    t.fsck();
}

/// A gc killed between writing the archive ref and deleting the live one
/// leaves both; a later `gc --squash` rewrites the archived copy; the next
/// archive finishes the move instead of failing on every gc after.
#[test]
fn an_interrupted_archive_is_finished_even_after_a_squash() {
    let mut t = TestRepo::new();
    let (id, _) = session_with_scratch(&t);
    let live = t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]);
    // The state a kill right after the first ref write leaves.
    t.git(&["update-ref", &format!("refs/aura/archive/{id}"), &live]);
    t.set_env("GIT_COMMITTER_DATE", LATER);
    t.set_env("GIT_AUTHOR_DATE", LATER);
    let before = event_keys(&t, &id);
    t.ok(&["gc", "--squash"]);
    t.ok(&["gc", "--squash"]);
    // Again with the archived copy squashed while the live ref is still there.
    let squashed = t.git(&["rev-parse", &format!("refs/aura/archive/{id}")]);
    assert_ne!(squashed, live, "the archived copy was squashed");
    t.git(&["update-ref", &format!("refs/aura/sessions/{id}"), &live]);
    t.ok(&["gc", "--squash"]);
    assert_eq!(t.git(&["rev-parse", &format!("refs/aura/archive/{id}")]), squashed);
    let refs = aura_refs(&t, &t.dir);
    assert!(!refs.contains(&format!("refs/aura/sessions/{id}")), "{refs}");
    assert!(refs.contains(&format!("refs/aura/archive/{id}")), "{refs}");
    assert_eq!(event_keys(&t, &id), before, "every event is still there");
    t.fsck();
}
