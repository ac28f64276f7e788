//! DESIGN.md invariant 4, the crash half: stale locks are recovered, live
//! ones are waited for, and a writer killed at any moment leaves the session
//! ref on a complete commit.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::harness::{stderr, TestRepo};

fn lock_path(t: &TestRepo, id: &str) -> PathBuf {
    t.dir.join(".git/refs/aura/sessions").join(format!("{id}.lock"))
}

fn backdate(path: &std::path::Path, secs: u64) {
    let f = fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(secs)).unwrap();
}

#[test]
fn a_stale_ref_lock_is_removed_with_a_warning() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "stale"]);
    let id = t.current_id();
    let lock = lock_path(&t, &id);
    fs::write(&lock, "0000000000000000000000000000000000000000\n").unwrap();
    backdate(&lock, 60);
    let out = t.run(&["note", "after a crash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: removed the stale lock") && err.contains(lock.to_str().unwrap()),
        "{err}"
    );
    assert!(!lock.exists());
    assert_eq!(t.kinds(&id), ["start", "note"]);
}

#[test]
fn a_live_ref_lock_is_waited_for() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "waiting"]);
    let id = t.current_id();
    let lock = lock_path(&t, &id);
    fs::write(&lock, "").unwrap();
    let mut child = t
        .cmd(&["note", "patient"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the note did not wait for the lock"
    );
    fs::remove_file(&lock).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(t.kinds(&id), ["start", "note"]);
}

/// Holding the lock longer than the retry period (`session.lockTimeout`,
/// shortened here) fails with a message naming it.
#[test]
fn a_lock_held_for_too_long_fails_naming_it() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "held"]);
    t.git(&["config", "session.lockTimeout", "1500"]);
    let id = t.current_id();
    let lock = lock_path(&t, &id);
    fs::write(&lock, "").unwrap();
    let stop = Instant::now() + Duration::from_secs(60);
    let keeper = {
        let lock = lock.clone();
        std::thread::spawn(move || {
            while Instant::now() < stop && lock.exists() {
                backdate(&lock, 0);
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let err = t.fails(&["note", "never"], 1);
    fs::remove_file(&lock).unwrap();
    keeper.join().unwrap();
    assert!(err.contains(lock.to_str().unwrap()), "{err}");
}

#[test]
fn killing_writers_mid_append_leaves_a_complete_session() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "killed"]);
    let id = t.current_id();
    t.write("some.txt", "content\n");
    let mut killed = 0;
    for round in 0..40u64 {
        let args: &[&str] = if round % 4 == 0 {
            &["checkpoint"]
        } else {
            &["note", "maybe"]
        };
        let mut child = t
            .cmd(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(500 + (round * 7919) % 12_000));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(killed > 0, "no writer was killed mid-way; the test proves nothing");
    // A writer killed while holding the ref lock leaves it behind; the next
    // writer removes it once it is stale. Pretend the time has passed.
    let lock = lock_path(&t, &id);
    if lock.exists() {
        backdate(&lock, 60);
    }
    t.fsck();
    let head = t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")]);
    t.git(&["cat-file", "-e", &format!("{head}:event.json")]);
    t.git(&["cat-file", "-e", &format!("{head}:session.json")]);
    t.ok(&["note", "survivor"]);
    let events = t.events(&id);
    let clocks: Vec<u64> = events.iter().map(|(_, e)| e["clock"].as_u64().unwrap()).collect();
    assert_eq!(clocks, (1..=events.len() as u64).collect::<Vec<_>>());
    assert_eq!(events.last().unwrap().1["text"], "survivor");
    assert_eq!(t.header()["counters"]["events"], events.len());
    t.fsck();
}

/// DESIGN.md invariant 6, the crash half: a rewind killed while it writes
/// files has already recorded the work tree it replaces, and `undo` brings
/// that work tree back exactly.
#[test]
fn a_rewind_killed_while_writing_files_is_undone_exactly() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "killed-rewind"]);
    let id = t.current_id();
    let write_all = |version: u32| {
        for i in 0..1500 {
            t.write(
                &format!("d{}/f{i}.txt", i % 30),
                format!("version {version} of file {i}\n"),
            );
        }
    };
    write_all(1);
    t.ok(&["checkpoint", "-m", "v1"]);
    write_all(2);
    t.ok(&["checkpoint", "-m", "v2"]);
    let v2 = t.oracle_tree();
    let ref_file = t.dir.join(".git/refs/aura/sessions").join(&id);
    let mut killed_mid_write = 0;
    for round in 0..6u64 {
        let recorded = fs::read(&ref_file).unwrap();
        let mut child = t
            .cmd(&["rewind", "v1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill it once the rewind event has landed, while files are written.
        while child.try_wait().unwrap().is_none() && fs::read(&ref_file).unwrap() == recorded {
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros((round * 3571) % 8000));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed_mid_write += 1;
        }
        child.wait().unwrap();
        // A kill inside the index write leaves git's lock, as it would for git.
        let _ = fs::remove_file(t.dir.join(".git/index.lock"));
        t.ok(&["undo"]);
        let now = t.oracle_tree();
        assert_eq!(now, v2, "round {round}: undo after the kill");
    }
    assert!(
        killed_mid_write > 0,
        "no rewind was killed mid-way; the test proves nothing"
    );
    t.fsck();
}
