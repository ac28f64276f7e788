//! Where new objects go (docs/design.md §3, "Objects and packs"): each ref
//! change writes its new objects as one small pack, our small packs are
//! rolled up on a threshold, and git's own maintenance (`gc`, `repack -ad`)
//! and a writer killed at any moment leave every session readable.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::harness::TestRepo;

/// `git count-objects -v` as numbers.
fn count_objects(t: &TestRepo) -> BTreeMap<String, u64> {
    t.git(&["count-objects", "-v"])
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
        .collect()
}

/// The files of `.git/objects/pack` ending with `ext`.
fn pack_files(t: &TestRepo, ext: &str) -> Vec<String> {
    std::fs::read_dir(t.dir.join(".git/objects/pack"))
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.ends_with(ext))
                .collect()
        })
        .unwrap_or_default()
}

/// Every event of the session can be read: its commit, `event.json`,
/// `session.json` and, for a checkpoint, its snapshot tree and all below it.
fn assert_every_event_readable(t: &TestRepo, id: &str, checkpoints: usize) {
    let events = t.events(id);
    assert_eq!(
        events.iter().filter(|(_, e)| e["kind"] == "checkpoint").count(),
        checkpoints
    );
    for (commit, event) in &events {
        t.git(&["cat-file", "-e", &format!("{commit}:event.json")]);
        t.git(&["cat-file", "-e", &format!("{commit}:session.json")]);
        if event["kind"] == "checkpoint" {
            t.git(&["ls-tree", "-r", &format!("{commit}:worktree")]);
        }
    }
}

#[test]
fn sixty_checkpoints_leave_a_bounded_number_of_loose_objects_and_packs() {
    let t = TestRepo::new();
    for i in 0..30 {
        t.write(&format!("d{}/f{i}.txt", i % 3), format!("file {i}\n"));
    }
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "files"]);
    let before = count_objects(&t);
    t.ok(&["start", "--name", "many"]);
    let id = t.current_id();
    for n in 0..60 {
        let path = format!("d{}/f{}.txt", n % 3, n % 30);
        let old = std::fs::read_to_string(t.path(&path)).unwrap();
        t.write(&path, format!("{old}edit {n}\n"));
        t.ok(&["checkpoint", "-m", &format!("c{n}")]);
    }
    let after = count_objects(&t);
    // Four or more loose objects per event before; none now.
    assert_eq!(after["count"], before["count"], "{after:?}");
    // Rolled up as they come: far fewer packs than events.
    assert!(after["packs"] <= 12, "{after:?}");
    assert!(pack_files(&t, ".keep").is_empty(), "{:?}", pack_files(&t, ".keep"));
    t.fsck();
    assert_every_event_readable(&t, &id, 60);
    let latest = t.json(&["log", &id, "--json"]).as_array().unwrap().last().unwrap()["event"]["tree"].clone();
    assert_eq!(latest.as_str().unwrap(), t.oracle_tree());

    // git's maintenance treats our packs like its own.
    t.git(&["gc", "-q"]);
    t.fsck();
    assert_every_event_readable(&t, &id, 60);
    t.write("after-gc.txt", "new\n");
    t.ok(&["checkpoint", "-m", "after gc"]);
    t.git(&["repack", "-adq"]);
    t.fsck();
    assert_every_event_readable(&t, &id, 61);
    assert_eq!(count_objects(&t)["count"], 0);
    t.write("after-repack.txt", "new\n");
    t.ok(&["checkpoint", "-m", "after repack"]);
    t.fsck();
    assert_every_event_readable(&t, &id, 62);
}

/// A capture whose objects never reached a pack (the process was killed
/// before its ref moved) leaves a stat cache naming them: the next
/// checkpoint must not trust it, and its snapshot is still exact.
#[test]
fn checkpoints_killed_at_any_moment_leave_a_consistent_repository() {
    let t = TestRepo::new();
    for i in 0..200 {
        t.write(&format!("d{}/f{i}.txt", i % 10), format!("file {i}\n"));
    }
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "files"]);
    t.ok(&["start", "--name", "killed"]);
    let id = t.current_id();
    let mut killed = 0;
    for round in 0..40u64 {
        // Enough files changed that hashing runs in parallel now and then.
        let touched = if round % 5 == 0 { 120 } else { 1 };
        for k in 0..touched {
            let i = (round * 37 + k) % 200;
            t.write(&format!("d{}/f{i}.txt", i % 10), format!("file {i} round {round}\n"));
        }
        t.write(&format!("new/r{round}.txt"), "untracked\n");
        let mut child = t
            .cmd(&["checkpoint", "-m", &format!("r{round}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(2_000 + (round * 7919) % 30_000));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        // A writer killed while holding the ref lock leaves it for the next
        // one to take over once stale; this test does not wait for that.
        let _ = std::fs::remove_file(t.dir.join(format!(".git/refs/aura/sessions/{id}.lock")));
    }
    assert!(killed > 0, "no checkpoint was killed mid-way; the test proves nothing");
    t.fsck();
    t.ok(&["checkpoint", "-m", "survivor"]);
    t.fsck();
    let events = t.events(&id);
    for (commit, event) in &events {
        t.git(&["cat-file", "-e", &format!("{commit}:event.json")]);
        if event["kind"] == "checkpoint" {
            t.git(&["ls-tree", "-r", &format!("{commit}:worktree")]);
        }
    }
    let last = &events.last().unwrap().1;
    assert_eq!(last["text"], "survivor", "{last}");
    assert_eq!(last["tree"].as_str().unwrap(), t.oracle_tree());
    t.git(&["gc", "-q", "--prune=now"]);
    t.fsck();
}
