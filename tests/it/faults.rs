//! Fault injection (docs/design.md "Proof"; invariant 4): a writer killed
//! with SIGKILL at random points of a merge (the fetch of a diverged
//! session) and of a push, a full disk (a small tmpfs) during a snapshot
//! and during the write of a fetched pack, `gc` killed at random points, a read-only `.git`, and a ref
//! lock held by another live process. After every scenario the failure is
//! a clear error (exit 1 and a message), `git fsck --strict` is clean, and
//! the next command works. Kills during `checkpoint`, `note` and `rewind`
//! are in `crash.rs`.
//!
//! The tmpfs and read-only scenarios need `mount` (root); elsewhere they
//! say loudly that they are skipped and check nothing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{stderr, Rng, TestRepo};

/// `git fsck --strict` of the repository at `dir` is clean.
fn fsck_in(t: &TestRepo, dir: &Path) {
    let out = t.git_output_in(dir, &["fsck", "--strict", "--no-dangling", "--no-progress"], &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !text.contains("error") && !text.contains("warning"),
        "git fsck --strict in {}:\n{text}",
        dir.display()
    );
}

/// A bare remote beside the work tree with `main` pushed, and a second
/// clone `b` of it.
fn remote_and_clone(t: &TestRepo) -> (PathBuf, PathBuf) {
    let bare = crate::remotes::with_remote(t);
    let b = crate::remotes::clone(t, &bare, "b");
    (bare, b)
}

/// Runs `args` in `cwd` and kills it with SIGKILL after `after` unless it
/// ended first; whether it was killed. The kill goes to its process group,
/// the git processes it started with it (`receive-pack` of a local push
/// would otherwise go on holding the remote's ref lock for a while).
fn run_and_kill(t: &TestRepo, cwd: &Path, args: &[&str], after: Duration) -> bool {
    use std::os::unix::process::CommandExt;
    let mut child = t
        .cmd_in(cwd, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let until = Instant::now() + after;
    while Instant::now() < until && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_micros(100));
    }
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    }
    child.wait().unwrap();
    killed
}

/// How long `args` takes in `cwd` when nothing kills it (the range the
/// kills are drawn from).
fn duration_of(t: &TestRepo, cwd: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    t.ok_in(cwd, args);
    started.elapsed().max(Duration::from_millis(2))
}

/// What a killed git-session may leave behind: ref locks under
/// `refs/aura/` (the next writer removes them once they are stale: here
/// they are made to look old, as if the time had passed), and what git
/// itself leaves when killed (an index lock, the lock of `packed-refs`
/// that gix takes for a ref transaction, a temporary pack: removed, as
/// git's own message tells a user to; git-session leaves git's locks to git).
fn clear_leftovers(dir: &Path) {
    let _ = fs::remove_file(dir.join(".git/index.lock"));
    let _ = fs::remove_file(dir.join(".git/packed-refs.lock"));
    for sub in [
        "refs/aura/sessions",
        "refs/aura/archive",
        "refs/aura/remotes/origin/sessions",
    ] {
        if let Ok(entries) = fs::read_dir(dir.join(".git").join(sub)) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().ends_with(".lock") {
                    let f = fs::File::options().write(true).open(e.path()).unwrap();
                    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
                        .unwrap();
                }
            }
        }
    }
    if let Ok(entries) = fs::read_dir(dir.join(".git/objects/pack")) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("tmp_") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// A fetch that merges a diverged session, killed at random points: the
/// local session ref is always on a complete event commit (the old head
/// or the merge), nothing is lost, and the next fetch merges.
#[test]
fn a_merge_killed_at_random_points_leaves_a_complete_session() {
    let t = TestRepo::new();
    let (_bare, b) = remote_and_clone(&t);
    t.ok(&["start", "--name", "diverged"]);
    let id = t.current_id();
    t.ok(&["push"]);
    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["resume", "diverged"]);
    let reference = format!("refs/aura/sessions/{id}");
    let mut rng = Rng::new(13);
    let mut killed = 0;
    let mut span = Duration::ZERO;
    for round in 0..10 {
        t.ok(&["note", &format!("A {round}")]);
        t.ok(&["push"]);
        t.ok_in(&b, &["note", &format!("B {round}")]);
        let before = t.git_in(&b, &["rev-parse", &reference]);
        if round == 0 {
            span = duration_of(&t, &b, &["fetch"]);
            continue;
        }
        let after = span.mul_f64(rng.below(1000) as f64 / 1000.0);
        if run_and_kill(&t, &b, &["fetch"], after) {
            killed += 1;
        }
        clear_leftovers(&b);
        let now = t.git_in(&b, &["rev-parse", &reference]);
        t.git_in(&b, &["cat-file", "-e", &format!("{now}:event.json")]);
        t.git_in(&b, &["cat-file", "-e", &format!("{now}:session.json")]);
        t.git_in(&b, &["merge-base", "--is-ancestor", &before, &now]);
        fsck_in(&t, &b);
        // The next fetch merges what the killed one did not.
        t.ok_in(&b, &["fetch"]);
        let log = t.json_in(&b, &["log", &id, "--json"]);
        let texts: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["event"]["text"].as_str())
            .collect();
        assert!(
            texts.contains(&format!("A {round}").as_str()) && texts.contains(&format!("B {round}").as_str()),
            "round {round}: {texts:?}"
        );
    }
    assert!(killed > 0, "no fetch was killed mid-way; the test proves nothing");
    fsck_in(&t, &b);
}

/// Regression: a fetch killed while it updated the remote-tracking refs
/// left the lock of one, and every later fetch failed on it. A stale one
/// is now removed with a warning, as a session ref's is.
#[test]
fn a_stale_lock_of_a_tracking_ref_is_removed_by_the_next_fetch() {
    let t = TestRepo::new();
    let (_bare, b) = remote_and_clone(&t);
    t.ok(&["start", "--name", "tracked"]);
    let id = t.current_id();
    t.ok(&["push"]);
    t.ok_in(&b, &["fetch"]);
    t.ok(&["note", "later"]);
    t.ok(&["push"]);
    let lock = b.join(format!(".git/refs/aura/remotes/origin/sessions/{id}.lock"));
    fs::write(&lock, "").unwrap();
    let f = fs::File::options().write(true).open(&lock).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    let out = t.run_in(&b, &["fetch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: removed the stale lock"),
        "{}",
        stderr(&out)
    );
    assert!(!lock.exists());
    assert_eq!(
        t.git_in(&b, &["rev-parse", &format!("refs/aura/sessions/{id}")]),
        t.git(&["rev-parse", &format!("refs/aura/sessions/{id}")])
    );
    fsck_in(&t, &b);
}

/// Regression: a merge (fetch) or a gc killed while it moved a session's
/// ref left its lock, and the next fetch could not merge (merge_in does not
/// wait for locks) and the next gc failed. A stale one is now removed first.
#[test]
fn a_stale_lock_of_a_session_ref_does_not_stop_the_next_merge() {
    let t = TestRepo::new();
    let (_bare, b) = remote_and_clone(&t);
    t.ok(&["start", "--name", "relocked"]);
    let id = t.current_id();
    t.ok(&["push"]);
    t.ok_in(&b, &["fetch"]);
    t.ok_in(&b, &["resume", "relocked"]);
    t.ok(&["note", "from A"]);
    t.ok(&["push"]);
    t.ok_in(&b, &["note", "from B"]);
    let lock = b.join(format!(".git/refs/aura/sessions/{id}.lock"));
    fs::write(&lock, "").unwrap();
    let f = fs::File::options().write(true).open(&lock).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    let out = t.run_in(&b, &["fetch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: removed the stale lock"),
        "{}",
        stderr(&out)
    );
    let log = t.json_in(&b, &["log", &id, "--json"]);
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"]["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"merge"), "{kinds:?}");
    fsck_in(&t, &b);
}

/// A push killed at random points: the remote holds the old head or the
/// new one, both sides pass fsck, and the next push lands.
#[test]
fn a_push_killed_at_random_points_leaves_both_sides_whole() {
    let t = TestRepo::new();
    let (bare, _b) = remote_and_clone(&t);
    t.ok(&["start", "--name", "pushed"]);
    let id = t.current_id();
    let reference = format!("refs/aura/sessions/{id}");
    let mut rng = Rng::new(7);
    let mut killed = 0;
    let mut span = Duration::ZERO;
    for round in 0..10 {
        t.write(&format!("f{round}.txt"), format!("round {round}\n").repeat(200));
        t.ok(&["checkpoint", "-m", &format!("round {round}")]);
        let local = t.git(&["rev-parse", &reference]);
        if round == 0 {
            span = duration_of(&t, &t.dir, &["push"]);
            continue;
        }
        let after = span.mul_f64(rng.below(1000) as f64 / 1000.0);
        if run_and_kill(&t, &t.dir, &["push"], after) {
            killed += 1;
        }
        clear_leftovers(&t.dir);
        let _ = fs::remove_file(bare.join(format!("{reference}.lock")));
        let remote = t.git_in(&bare, &["rev-parse", &reference]);
        t.git_in(&bare, &["cat-file", "-e", &format!("{remote}:event.json")]);
        fsck_in(&t, &bare);
        t.fsck();
        t.ok(&["push"]);
        assert_eq!(t.git_in(&bare, &["rev-parse", &reference]), local, "round {round}");
    }
    assert!(killed > 0, "no push was killed mid-way; the test proves nothing");
    fsck_in(&t, &bare);
}

/// `gc --expire 2999-01-01 --squash` (archive, then rewrite the archived
/// sessions without their intermediate snapshots) killed at random
/// points: every session ref, live or archived, stays on a complete event
/// commit, fsck is clean, and the next gc finishes the work.
///
/// A gc killed between writing `refs/aura/archive/<id>` and deleting the
/// live ref leaves both; when a later gc squashed the archived one
/// meanwhile, the next archive finds the archived copy holding every event
/// of the live one and finishes the move (this test found that it failed).
#[test]
fn a_gc_killed_at_random_points_leaves_every_session_whole() {
    let t = TestRepo::new();
    let mut rng = Rng::new(29);
    let mut killed = 0;
    let mut span = Duration::ZERO;
    for round in 0..8 {
        t.ok(&["start", "--name", &format!("old-{round}")]);
        for i in 0..3 {
            t.write("work.txt", format!("round {round} step {i}\n"));
            t.ok(&["snapshot"]);
        }
        t.ok(&["checkpoint", "-m", "done"]);
        t.ok(&["close"]);
        if round == 0 {
            span = duration_of(&t, &t.dir, &["gc", "--expire", "2999-01-01", "--squash"]);
            continue;
        }
        let after = span.mul_f64(rng.below(1000) as f64 / 1000.0);
        if run_and_kill(&t, &t.dir, &["gc", "--expire", "2999-01-01", "--squash"], after) {
            killed += 1;
        }
        clear_leftovers(&t.dir);
        for line in t.git(&["for-each-ref", "--format=%(objectname)", "refs/aura/"]).lines() {
            t.git(&["cat-file", "-e", &format!("{line}:event.json")]);
        }
        t.fsck();
        t.ok(&["gc", "--expire", "2999-01-01", "--squash"]);
        assert_eq!(
            t.git(&["for-each-ref", "refs/aura/sessions/"]),
            "",
            "round {round}: all archived"
        );
        t.fsck();
    }
    assert!(killed > 0, "no gc was killed mid-way; the test proves nothing");
    t.ok(&["start", "--name", "after"]);
    t.ok(&["note", "works"]);
}

/// A tmpfs of `size` mounted on `dir`, unmounted on drop; `None` (after a
/// loud message) where mounting is not permitted.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, size: &str, why: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Tmpfs { dir: dir.to_owned() }),
            other => {
                eprintln!(
                    "SKIPPED: {why}: cannot mount a tmpfs here (needs root): {}",
                    other
                        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                        .unwrap_or_else(|e| e.to_string())
                );
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Fills the file system of `dir` until it is full; returns the filler.
fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut f = fs::File::create(&filler).unwrap();
    let block = vec![0x5a_u8; 4096];
    while f.write_all(&block).is_ok() {}
    let _ = f.sync_all();
    filler
}

/// Bytes that do not compress (so that an object of them needs their size).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    (0..len / 8).flat_map(|_| rng.next().to_le_bytes()).collect()
}

/// A repository in `dir` (a fresh `git init`, one commit) for the sealed
/// commands of `t`.
fn init_in(t: &TestRepo, dir: &Path) {
    t.git_in(dir, &["init", "-q", "-b", "main"]);
    t.git_in(dir, &["config", "user.name", "Ada Tester"]);
    t.git_in(dir, &["config", "user.email", "ada@example.com"]);
    t.write_in(dir, "README", "hello\n");
    t.git_in(dir, &["add", "README"]);
    t.git_in(dir, &["commit", "-q", "-m", "initial"]);
}

/// A snapshot on a full disk fails with a clear message and exit 1,
/// leaves the session as it was, and works once there is room again.
#[test]
fn a_snapshot_on_a_full_disk_fails_cleanly() {
    let t = TestRepo::new();
    let Some(mnt) = Tmpfs::mount(&t.root.join("small"), "2m", "full disk during a snapshot") else {
        return;
    };
    let dir = mnt.dir.join("repo");
    fs::create_dir_all(&dir).unwrap();
    init_in(&t, &dir);
    t.ok_in(&dir, &["start", "--name", "full"]);
    let head = |t: &TestRepo| t.git_in(&dir, &["for-each-ref", "refs/aura/sessions/"]);
    let before = head(&t);
    fs::write(dir.join("big.bin"), noise(1, 256 << 10)).unwrap();
    let filler = fill(&mnt.dir);
    let err = t.fails_in(&dir, &["snapshot"], 1);
    eprintln!("{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.to_lowercase().contains("space") || err.contains("cannot write"),
        "the message says what failed: {err}"
    );
    assert_eq!(head(&t), before, "the session did not move");
    fsck_in(&t, &dir);
    fs::remove_file(filler).unwrap();
    t.ok_in(&dir, &["snapshot"]);
    assert_ne!(head(&t), before);
    fsck_in(&t, &dir);
}

/// The fetch of a session whose pack does not fit on the disk fails with
/// a clear message and exit 1, creates no ref and leaves nothing corrupt;
/// once there is room the same fetch works.
#[test]
fn a_fetched_pack_on_a_full_disk_fails_cleanly() {
    let t = TestRepo::new();
    let bare = t.root.join("remote.git");
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", "origin", &format!("file://{}", bare.display())]);
    t.git(&["push", "-q", "origin", "main"]);
    t.ok(&["start", "--name", "big"]);
    t.write("big.bin", noise(2, 512 << 10));
    t.ok(&["checkpoint", "-m", "big"]);
    t.ok(&["push"]);
    let Some(mnt) = Tmpfs::mount(&t.root.join("small"), "2m", "full disk during a pack write") else {
        return;
    };
    let dir = mnt.dir.join("b");
    t.git(&[
        "clone",
        "-q",
        &format!("file://{}", bare.display()),
        dir.to_str().unwrap(),
    ]);
    t.git_in(&dir, &["config", "user.name", "Bo Clone"]);
    t.git_in(&dir, &["config", "user.email", "bo@example.com"]);
    let filler = fill(&mnt.dir);
    // Leave less room than the pack needs, but some: the failure is then
    // the pack's, not the first byte's.
    let len = fs::metadata(&filler).unwrap().len();
    fs::File::options()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(len.saturating_sub(128 << 10))
        .unwrap();
    let err = t.fails_in(&dir, &["fetch"], 1);
    eprintln!("{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.to_lowercase().contains("space") || err.contains("cannot write"),
        "the message says what failed: {err}"
    );
    assert_eq!(
        t.git_in(&dir, &["for-each-ref", "refs/aura/"]),
        "",
        "no ref was created"
    );
    clear_leftovers(&dir);
    fsck_in(&t, &dir);
    fs::remove_file(filler).unwrap();
    t.ok_in(&dir, &["fetch"]);
    assert_ne!(t.git_in(&dir, &["for-each-ref", "refs/aura/sessions/"]), "");
    fsck_in(&t, &dir);
}

/// A read-only `.git` (a read-only bind mount, which binds root too; or
/// the permission bits where not root): a write fails with exit 1 and a
/// message, a read works, and writes work again once it is writable.
#[test]
fn a_read_only_git_dir_refuses_writes_cleanly() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "read-only"]);
    t.ok(&["note", "before"]);
    let git_dir = t.dir.join(".git");
    let before = t.git(&["for-each-ref", "refs/aura/"]);
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let made_read_only = if root {
        let bind = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .arg(&git_dir)
                .arg(&git_dir)
                .status()
                .is_ok_and(|s| s.success())
        };
        bind(&["--bind"])
            && (Command::new("mount")
                .args(["-o", "remount,ro,bind"])
                .arg(&git_dir)
                .status()
                .is_ok_and(|s| s.success())
                || {
                    let _ = Command::new("umount").arg(&git_dir).status();
                    false
                })
    } else {
        Command::new("chmod")
            .args(["-R", "a-w"])
            .arg(&git_dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !made_read_only {
        eprintln!("SKIPPED: read-only .git: cannot bind-mount it read-only here");
        return;
    }
    let restore = || {
        if root {
            let _ = Command::new("umount").arg(&git_dir).status();
        } else {
            let _ = Command::new("chmod").args(["-R", "u+w"]).arg(&git_dir).status();
        }
    };
    let out = t.run(&["note", "never"]);
    let shown = t.run(&["show", "--json"]);
    restore();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    eprintln!("{err}");
    assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    assert!(shown.status.success(), "a read works: {}", stderr(&shown));
    assert_eq!(t.git(&["for-each-ref", "refs/aura/"]), before);
    t.fsck();
    t.ok(&["note", "after"]);
    t.fsck();
}

/// A ref lock held by another live process (git's own `update-ref
/// --stdin` inside a prepared transaction) makes a write wait, then fail
/// with exit 1 naming the lock after `session.lockTimeout`; once that
/// process lets go, the next write works and nothing is corrupt.
#[test]
fn a_ref_lock_held_by_a_live_process_fails_after_the_timeout() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "locked"]);
    let id = t.current_id();
    let reference = format!("refs/aura/sessions/{id}");
    let head = t.git(&["rev-parse", &reference]);
    t.git(&["config", "session.lockTimeout", "300"]);
    let mut holder = Command::new("git");
    t.seal(&mut holder);
    let mut holder = holder
        .args(["update-ref", "--stdin"])
        .current_dir(&t.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = holder.stdin.take().unwrap();
    writeln!(input, "start\nupdate {reference} {head} {head}\nprepare").unwrap();
    input.flush().unwrap();
    // `prepare` answers once the lock is taken.
    let mut answer = [0u8; 16];
    let mut stdout = holder.stdout.take().unwrap();
    std::io::Read::read(&mut stdout, &mut answer).unwrap();
    assert!(
        answer.starts_with(b"start: ok"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    let lock = t.dir.join(format!(".git/{reference}.lock"));
    while !lock.exists() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let err = t.fails(&["note", "blocked"], 1);
    assert!(
        err.contains(lock.to_str().unwrap()),
        "the message names the lock: {err}"
    );
    writeln!(input, "abort").unwrap();
    drop(input);
    holder.wait().unwrap();
    assert!(!lock.exists());
    assert_eq!(t.git(&["rev-parse", &reference]), head, "nothing moved");
    t.fsck();
    t.ok(&["note", "free"]);
    assert_eq!(t.kinds(&id), ["start", "note"]);
    t.fsck();
}
