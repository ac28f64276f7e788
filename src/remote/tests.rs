//! `push` against real receive-packs: a bare repository over file:// and a
//! `git daemon` on 127.0.0.1, with git as the oracle for what arrived.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gix::ObjectId;

use super::push::PushOutcome;
use super::{push, RefResult, RefUpdate};

/// Runs git in a sealed environment and returns its trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = sealed(dir).arg("-C").arg(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output").trim().to_owned()
}

/// A `git` command with a private home, no system or global configuration
/// and a fixed identity and clock.
fn sealed(home: &Path) -> Command {
    sealed_program("git", home)
}

/// `program` in the environment of [`sealed`] (for programs that run git).
fn sealed_program(program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "C O Mitter")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
    cmd
}

fn oid(hex: &str) -> ObjectId {
    ObjectId::from_hex(hex.as_bytes()).expect("git prints object ids")
}

/// A work repository with history and an empty bare repository next to it.
struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
    bare: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().expect("temp dir path");
        let work = root.join("work");
        let bare = root.join("bare.git");
        git(&root, &["init", "-q", "-b", "main", work.to_str().expect("utf-8")]);
        git(&root, &["init", "-q", "--bare", bare.to_str().expect("utf-8")]);
        Fixture {
            _tmp: tmp,
            root,
            work,
            bare,
        }
    }

    /// Writes `files` in the work tree and commits everything.
    fn commit(&self, files: &[(&str, &str)], message: &str) -> ObjectId {
        for (path, content) in files {
            let path = self.work.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, content).expect("write file");
        }
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", message]);
        oid(&git(&self.work, &["rev-parse", "HEAD"]))
    }

    /// Three commits with nested trees and blobs.
    fn history(&self) -> ObjectId {
        self.commit(&[("README", "hello\n"), ("src/main.rs", "fn main() {}\n")], "one");
        self.commit(&[("src/lib/mod.rs", &"pub fn f() {}\n".repeat(50))], "two");
        self.commit(&[("README", "hello, world\n"), ("docs/a.md", "# A\n")], "three")
    }

    fn repo(&self) -> gix::Repository {
        gix::open_opts(&self.work, gix::open::Options::isolated()).expect("open work repo")
    }

    fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    fn remote_ref(&self, name: &str) -> Option<ObjectId> {
        let out = sealed(&self.root)
            .arg("-C")
            .arg(&self.bare)
            .args(["rev-parse", "--verify", "-q", name])
            .output()
            .expect("git runs");
        out.status
            .success()
            .then(|| oid(String::from_utf8_lossy(&out.stdout).trim()))
    }

    fn fsck(&self) {
        git(&self.bare, &["fsck", "--strict", "--no-progress"]);
    }

    /// How many objects `git rev-list --objects` lists for `range`.
    fn count_objects(&self, range: &[&str]) -> usize {
        let mut args = vec!["rev-list", "--objects"];
        args.extend_from_slice(range);
        git(&self.work, &args).lines().count()
    }

    /// The size of the pack git would build for `revs` (as `git push` does,
    /// `--thin` when `thin`).
    fn git_pack_size(&self, revs: &[String], thin: bool) -> u64 {
        use std::io::Write;
        let mut cmd = sealed(&self.root);
        cmd.arg("-C")
            .arg(&self.work)
            .args(["pack-objects", "--stdout", "--revs", "-q", "--delta-base-offset"]);
        if thin {
            cmd.arg("--thin");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("git pack-objects runs");
        let mut stdin = child.stdin.take().expect("piped");
        for rev in revs {
            writeln!(stdin, "{rev}").expect("write revs");
        }
        drop(stdin);
        let out = child.wait_with_output().expect("pack-objects finishes");
        assert!(out.status.success());
        out.stdout.len() as u64
    }
}

fn update(name: &str, expected: Option<ObjectId>, new: ObjectId) -> RefUpdate {
    RefUpdate {
        name: name.into(),
        expected,
        new,
    }
}

fn push_one(f: &Fixture, url: &str, update: RefUpdate) -> (RefResult, PushOutcome) {
    let outcome = push(&f.repo(), url, std::slice::from_ref(&update), false).expect("push runs");
    assert_eq!(outcome.results.len(), 1);
    assert_eq!(outcome.results[0].0, update.name);
    (outcome.results[0].1.clone(), outcome)
}

fn assert_rejected(result: &RefResult, needle: &str) {
    match result {
        RefResult::Rejected(reason) => assert!(
            reason.message.contains(needle),
            "expected a rejection mentioning {needle:?}, got {reason:?}"
        ),
        RefResult::Ok => panic!("expected a rejection mentioning {needle:?}, got Ok"),
    }
}

const SESSION: &str = "refs/aura/sessions/s1";

/// The story over one transport: a new ref, a fast-forward with only the
/// new objects, a stale lease, a no-op and a delete.
fn push_story(f: &Fixture, url: &str) {
    let c3 = f.history();
    let (result, outcome) = push_one(f, url, update(SESSION, None, c3));
    assert_eq!(result, RefResult::Ok);
    assert_eq!(f.remote_ref(SESSION), Some(c3));
    f.fsck();
    assert_eq!(outcome.objects_sent, f.count_objects(&[&c3.to_string()]));

    let c4 = f.commit(&[("docs/b.md", "# B\n")], "four");
    let (result, outcome) = push_one(f, url, update(SESSION, Some(c3), c4));
    assert_eq!(result, RefResult::Ok);
    assert_eq!(f.remote_ref(SESSION), Some(c4));
    f.fsck();
    let expected = f.count_objects(&[&c4.to_string(), &format!("^{c3}")]);
    assert_eq!(expected, 4, "commit, root tree, docs tree, one blob");
    assert_eq!(outcome.objects_sent, expected, "only the new objects travel");

    let c5 = f.commit(&[("docs/c.md", "# C\n")], "five");
    let (result, outcome) = push_one(f, url, update(SESSION, Some(c3), c5));
    assert_rejected(&result, "stale info");
    assert_eq!(outcome.bytes_sent, 0, "a stale lease sends nothing");
    assert_eq!(f.remote_ref(SESSION), Some(c4));

    let (result, outcome) = push_one(f, url, update(SESSION, Some(c4), c4));
    assert_eq!(result, RefResult::Ok, "already up to date");
    assert_eq!(outcome.bytes_sent, 0);

    let other = "refs/aura/sessions/s2";
    let (result, outcome) = push_one(f, url, update(other, None, c3));
    assert_eq!(result, RefResult::Ok, "a new ref to objects the remote has");
    assert_eq!(outcome.objects_sent, 0, "an empty pack, as git sends");
    assert_eq!(f.remote_ref(other), Some(c3));

    let null = ObjectId::null(gix::hash::Kind::Sha1);
    let (result, outcome) = push_one(f, url, update(other, Some(c3), null));
    assert_eq!(result, RefResult::Ok);
    assert_eq!(outcome.objects_sent, 0);
    assert_eq!(f.remote_ref(other), None, "deleted");
    f.fsck();
}

#[test]
fn file_url_push_story() {
    let f = Fixture::new();
    push_story(&f, &f.url());
}

#[test]
fn plain_path_and_configured_remote() {
    let f = Fixture::new();
    let c3 = f.history();
    let path = f.bare.to_str().expect("utf-8").to_owned();
    let (result, _) = push_one(&f, &path, update(SESSION, None, c3));
    assert_eq!(result, RefResult::Ok);

    git(&f.work, &["remote", "add", "origin", &path]);
    let c4 = f.commit(&[("x", "x\n")], "four");
    let (result, _) = push_one(&f, "origin", update(SESSION, Some(c3), c4));
    assert_eq!(result, RefResult::Ok);
    assert_eq!(f.remote_ref(SESSION), Some(c4));
}

#[test]
fn several_refs_get_one_result_each() {
    let f = Fixture::new();
    let c3 = f.history();
    let c2 = oid(&git(&f.work, &["rev-parse", "HEAD~"]));
    let outcome = push(
        &f.repo(),
        &f.url(),
        &[
            update("refs/aura/sessions/a", None, c2),
            update("refs/aura/sessions/b", None, c3),
            update("refs/aura/sessions/c", Some(c3), c3),
        ],
        false,
    )
    .expect("push runs");
    assert_eq!(outcome.results[0].1, RefResult::Ok);
    assert_eq!(outcome.results[1].1, RefResult::Ok);
    assert_rejected(&outcome.results[2].1, "stale info");
    assert_eq!(f.remote_ref("refs/aura/sessions/a"), Some(c2));
    assert_eq!(f.remote_ref("refs/aura/sessions/b"), Some(c3));
    assert_eq!(outcome.objects_sent, f.count_objects(&[&c3.to_string()]));
    f.fsck();
}

#[test]
fn pre_receive_hook_rejection_carries_the_hook_message() {
    let f = Fixture::new();
    let hook = f.bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\nwhile read old new ref; do\n  case \"$ref\" in\n    refs/aura/*) echo \"sessions are not welcome: $ref\" >&2; exit 1;;\n  esac\ndone\n",
    )
    .expect("write hook");
    make_executable(&hook);
    let c3 = f.history();
    let (result, outcome) = push_one(&f, &f.url(), update(SESSION, None, c3));
    assert_rejected(&result, "pre-receive hook declined");
    assert_rejected(&result, "sessions are not welcome: refs/aura/sessions/s1");
    assert!(outcome
        .remote_messages
        .iter()
        .any(|line| line.contains("sessions are not welcome")));
    assert_eq!(f.remote_ref(SESSION), None);

    // Branches pass the same hook.
    let (result, _) = push_one(&f, &f.url(), update("refs/heads/main", None, c3));
    assert_eq!(result, RefResult::Ok);
}

#[test]
fn deny_non_fast_forwards_is_a_per_ref_rejection() {
    let f = Fixture::new();
    git(&f.bare, &["config", "receive.denyNonFastForwards", "true"]);
    let c3 = f.history();
    let c2 = oid(&git(&f.work, &["rev-parse", "HEAD~"]));
    let branch = "refs/heads/main";
    let outcome = push(
        &f.repo(),
        &f.url(),
        &[update(branch, None, c3), update(SESSION, None, c3)],
        false,
    )
    .expect("push runs");
    assert_eq!(outcome.results[0].1, RefResult::Ok);
    assert_eq!(outcome.results[1].1, RefResult::Ok);

    // Rewinding with a correct lease: the server refuses the branch (git
    // applies receive.denyNonFastForwards to refs/heads/ only).
    let outcome = push(&f.repo(), &f.url(), &[update(branch, Some(c3), c2)], false).expect("push runs");
    assert_rejected(&outcome.results[0].1, "non-fast-forward");
    assert_eq!(f.remote_ref(branch), Some(c3));
}

#[test]
fn hidden_refs_cannot_be_updated() {
    let f = Fixture::new();
    git(&f.bare, &["config", "receive.hideRefs", "refs/aura"]);
    let c3 = f.history();
    let (result, _) = push_one(&f, &f.url(), update(SESSION, None, c3));
    assert_rejected(&result, "deny updating a hidden ref");
    assert_eq!(f.remote_ref(SESSION), None);
}

#[test]
fn missing_local_object_is_an_error() {
    let f = Fixture::new();
    f.history();
    let missing = oid("1234567890123456789012345678901234567890");
    let err = push(&f.repo(), &f.url(), &[update(SESSION, None, missing)], false).expect_err("nothing to send");
    assert!(err.to_string().contains("does not exist here"), "{err:#}");
}

#[test]
fn bytes_sent_compared_with_git() {
    let f = Fixture::new();
    // A session-like history: many files, then snapshots that each touch a few.
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("src/m{}/f{i}.rs", i % 5),
                format!("// file {i}\n{}", "let x = 1;\n".repeat(20 + i)),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let base = f.commit(&borrowed, "base");
    let (result, first) = push_one(&f, &f.url(), update(SESSION, None, base));
    assert_eq!(result, RefResult::Ok);
    let git_first = f.git_pack_size(&[base.to_string()], false);

    for (i, (_, content)) in files.iter_mut().enumerate().filter(|(i, _)| i % 13 == 0) {
        content.push_str(&format!("// snapshot edit {i}\n"));
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let next = f.commit(&borrowed, "snapshot");
    let (result, second) = push_one(&f, &f.url(), update(SESSION, Some(base), next));
    assert_eq!(result, RefResult::Ok);
    f.fsck();
    let revs = [next.to_string(), format!("^{base}")];
    let git_second = f.git_pack_size(&revs, false);
    let git_second_thin = f.git_pack_size(&revs, true);

    // bytes_sent counts the command lines too; compare packs with packs.
    assert!(first.bytes_sent > first.pack_bytes && first.bytes_sent < first.pack_bytes + 300);
    let (ours_first, ours_second) = (first.pack_bytes, second.pack_bytes);
    eprintln!(
        "pack bytes: first push ours {ours_first} / git {git_first} = {:.2}x; \
         incremental ours {ours_second} / git {git_second} = {:.2}x (git --thin {git_second_thin} = {:.2}x)",
        ours_first as f64 / git_first as f64,
        ours_second as f64 / git_second as f64,
        ours_second as f64 / git_second_thin as f64,
    );
    assert!(
        ours_first as f64 <= git_first as f64 * 1.1,
        "first push: {ours_first} vs git's {git_first}"
    );
    assert!(
        ours_second as f64 <= git_second as f64 * 1.1,
        "incremental push: {ours_second} vs git's {git_second}"
    );
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path).expect("stat").permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms).expect("chmod");
}

/// A `git daemon` serving the fixture's root on 127.0.0.1, killed on drop.
struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    fn start(f: &Fixture) -> Self {
        for _attempt in 0..5 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut child = sealed(&f.root)
                .arg("daemon")
                .args([
                    "--reuseaddr",
                    "--export-all",
                    "--enable=receive-pack",
                    "--listen=127.0.0.1",
                ])
                .arg(format!("--base-path={}", f.root.display()))
                .arg(format!("--port={port}"))
                .arg(&f.root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("git daemon runs");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().expect("daemon status").is_some() {
                    break; // lost the port to someone else: try another
                }
                if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                    return Daemon { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            child.kill().ok();
            child.wait().ok();
        }
        panic!("git daemon did not start");
    }

    fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[test]
fn git_daemon_push_story() {
    let f = Fixture::new();
    let daemon = Daemon::start(&f);
    push_story(&f, &daemon.url("bare.git"));
}

#[test]
fn git_daemon_hook_rejection() {
    let f = Fixture::new();
    let hook = f.bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'no sessions over the daemon' >&2\nexit 1\n").expect("write hook");
    make_executable(&hook);
    let daemon = Daemon::start(&f);
    let c3 = f.history();
    let (result, _) = push_one(&f, &daemon.url("bare.git"), update(SESSION, None, c3));
    assert_rejected(&result, "no sessions over the daemon");
    assert_eq!(f.remote_ref(SESSION), None);
}

#[test]
fn packed_history_copies_stored_deltas() {
    let f = Fixture::new();
    // Versions of one big file: git stores them as deltas once packed.
    let mut content = String::new();
    let mut tips = Vec::new();
    for i in 0..6 {
        content.push_str(&format!("line {i}: {}\n", "x".repeat(64)).repeat(40));
        tips.push(f.commit(&[("big.txt", &content)], &format!("v{i}")));
    }
    git(&f.work, &["gc", "-q", "--aggressive"]);
    let tip = *tips.last().expect("commits");
    let (result, outcome) = push_one(&f, &f.url(), update(SESSION, None, tip));
    assert_eq!(result, RefResult::Ok);
    f.fsck();
    assert_eq!(outcome.objects_sent, f.count_objects(&[&tip.to_string()]));
    let git_size = f.git_pack_size(&[tip.to_string()], false);
    eprintln!(
        "packed history: ours {} / git {git_size} = {:.2}x",
        outcome.pack_bytes,
        outcome.pack_bytes as f64 / git_size as f64
    );
    assert!(
        outcome.pack_bytes as f64 <= git_size as f64 * 1.1,
        "stored deltas are reused: {} vs git's {git_size}",
        outcome.pack_bytes
    );
}

/// Commits `events` event-like snapshots on top of the work repository's
/// HEAD, shaped like a session's: a new `event.json` each time, a
/// `session.json` header that grows a little and changes slightly, and a
/// work tree that changes now and then.
fn session_like_commits(f: &Fixture, first: usize, events: usize) -> ObjectId {
    let mut tip = None;
    for i in first..first + events {
        let checkpoints: Vec<String> = (0..i / 10)
            .map(|c| format!("{{\"seq\": {}, \"label\": \"checkpoint {c}\"}}", c * 10))
            .collect();
        let session = format!(
            "{{\n  \"id\": \"0190f2a4-7c1e-7d3b-9a51-3f0c2e8b6d17\",\n  \"intent\": \"make pushes small\",\n  \
             \"events\": {i},\n  \"head_seq\": {i},\n  \"updated\": \"2024-01-01T00:{:02}:{:02}Z\",\n  \
             \"agent\": {{\"name\": \"aura\", \"model\": \"m-{}\"}},\n  \"checkpoints\": [{}]\n}}\n",
            i / 60 % 60,
            i % 60,
            i % 3,
            checkpoints.join(", ")
        );
        let event = format!("{{\"seq\": {i}, \"kind\": \"snapshot\", \"note\": \"event number {i} of the story\"}}\n");
        let source = format!("fn main() {{}}\n{}", "// line\n".repeat(i / 20 + 1));
        let files = [
            ("event.json", event.as_str()),
            ("session.json", session.as_str()),
            ("worktree/src/main.rs", source.as_str()),
            ("worktree/README", "a work tree\n"),
        ];
        tip = Some(f.commit(&files, &format!("event {i}")));
    }
    tip.expect("at least one event")
}

#[test]
fn session_pushes_deltify_like_git() {
    let f = Fixture::new();
    let first = session_like_commits(&f, 0, 200);
    let (result, outcome) = push_one(&f, &f.url(), update(SESSION, None, first));
    assert_eq!(result, RefResult::Ok);
    let next = session_like_commits(&f, 200, 50);
    let (result, more) = push_one(&f, &f.url(), update(SESSION, Some(first), next));
    assert_eq!(result, RefResult::Ok);
    f.fsck();
    assert_eq!(f.remote_ref(SESSION), Some(next));

    let git_first = f.git_pack_size(&[first.to_string()], false);
    let git_next = f.git_pack_size(&[next.to_string(), format!("^{first}")], false);
    eprintln!(
        "session pack bytes: 200 events ours {} / git {git_first} = {:.2}x; \
         50 more ours {} / git {git_next} = {:.2}x",
        outcome.pack_bytes,
        outcome.pack_bytes as f64 / git_first as f64,
        more.pack_bytes,
        more.pack_bytes as f64 / git_next as f64,
    );
    assert!(
        outcome.pack_bytes as f64 <= git_first as f64 * 1.1,
        "200 events: {} vs git's {git_first}",
        outcome.pack_bytes
    );
    assert!(
        more.pack_bytes as f64 <= git_next as f64 * 1.1,
        "50 more events: {} vs git's {git_next}",
        more.pack_bytes
    );
}

/// Writes the pack of everything reachable from `tip` with or without
/// offset deltas, has `git index-pack --strict` check it (which applies
/// every delta and verifies the result's id) and returns what `git
/// verify-pack -v` says of each entry.
fn index_pack_of(f: &Fixture, tip: ObjectId, ofs_delta: bool) -> Vec<String> {
    let repo = f.repo();
    let objects = super::pack::objects_to_send(&repo, &[tip], &[]).expect("objects");
    let path = f.root.join(format!("check-{ofs_delta}.pack"));
    let mut file = std::fs::File::create(&path).expect("create pack file");
    super::pack::write_pack(&repo, &objects, ofs_delta, &mut file).expect("pack written");
    drop(file);
    git(&f.bare, &["index-pack", "--strict", path.to_str().expect("utf-8")]);
    let idx = path.with_extension("idx");
    git(&f.bare, &["verify-pack", "-v", idx.to_str().expect("utf-8")])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn deltas_with_and_without_ofs_delta_pass_index_pack() {
    let f = Fixture::new();
    let tip = session_like_commits(&f, 0, 60);
    for ofs_delta in [true, false] {
        let entries = index_pack_of(&f, tip, ofs_delta);
        // A delta's line ends with its depth and its base's id.
        let deltas = entries
            .iter()
            .filter(|line| line.split_whitespace().count() == 7)
            .count();
        assert!(
            deltas > 60,
            "ofs_delta {ofs_delta}: {deltas} deltas\n{}",
            entries.join("\n")
        );
        // No chain deeper than git's default.
        let deepest = entries
            .iter()
            .filter_map(|line| line.strip_prefix("chain length = "))
            .filter_map(|rest| rest.split(':').next()?.parse::<u32>().ok())
            .max()
            .expect("chains");
        assert!(deepest <= 50, "chain of {deepest}");
    }
}

#[test]
fn ssh_url_through_a_stand_in_ssh() {
    let f = Fixture::new();
    // Plays ssh: drops the host and runs the quoted remote command locally.
    let fake_ssh = f.root.join("fake-ssh");
    std::fs::write(&fake_ssh, "#!/bin/sh\nshift\nexec sh -c \"$*\"\n").expect("write script");
    make_executable(&fake_ssh);
    git(
        &f.work,
        &["config", "core.sshCommand", fake_ssh.to_str().expect("utf-8")],
    );
    git(&f.work, &["config", "ssh.variant", "simple"]);
    let url = format!("ssh://127.0.0.1{}", f.bare.display());
    push_story(&f, &url);
}

#[test]
fn unknown_remote_is_an_error_naming_it() {
    let f = Fixture::new();
    let c3 = f.history();
    let missing = f.root.join("missing.git");
    let err = push(
        &f.repo(),
        missing.to_str().expect("utf-8"),
        &[update(SESSION, None, c3)],
        false,
    )
    .expect_err("no repository there");
    eprintln!("{err:#}");
    assert!(format!("{err:#}").contains("missing.git"), "{err:#}");
}

/// `git http-backend` behind `fixtures/http_backend.py` on 127.0.0.1,
/// serving the fixture's root; killed on drop. Its log (every request and
/// the backend's stderr) is in `<root>/http-backend.log`.
struct HttpBackend {
    child: Child,
    port: u16,
    log: PathBuf,
    scheme: &'static str,
}

impl HttpBackend {
    fn start(f: &Fixture) -> Self {
        Self::start_with(f, None, false)
    }

    /// With `auth` (`user:password`), every request needs that Basic
    /// authorization; with `tls`, the server speaks https with the
    /// self-signed certificate for 127.0.0.1 in `fixtures/tls/`.
    fn start_with(f: &Fixture, auth: Option<&str>, tls: bool) -> Self {
        use std::io::BufRead;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/http_backend.py");
        let log_path = f.root.join("http-backend.log");
        let log = std::fs::File::create(&log_path).expect("create the server log");
        let mut cmd = sealed_program("python3", &f.root);
        if let Some(auth) = auth {
            cmd.env("HTTP_BACKEND_AUTH", auth);
        }
        if tls {
            cmd.env("HTTP_BACKEND_TLS", tls_dir());
        }
        let mut child = cmd
            .arg(&script)
            .arg(&f.root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|err| {
                panic!("cannot run python3 for the http tests ({err}); they need python3 on PATH to serve `git http-backend`")
            });
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's port");
        let Ok(port) = line.trim().parse() else {
            child.kill().ok();
            child.wait().ok();
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("{} did not start: {log}", script.display());
        };
        HttpBackend {
            child,
            port,
            log: log_path,
            scheme: if tls { "https" } else { "http" },
        }
    }

    /// The requests served so far, as `METHOD path` (e.g.
    /// `POST /bare.git/git-receive-pack`), from the server's log.
    fn requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).expect("read the server log");
        log.lines()
            .filter_map(|line| {
                let request = line.split('"').nth(1)?;
                let mut words = request.split(' ');
                Some(format!("{} {}", words.next()?, words.next()?))
            })
            .collect()
    }

    fn url(&self, repo: &str) -> String {
        format!("{}://127.0.0.1:{}/{repo}", self.scheme, self.port)
    }
}

impl Drop for HttpBackend {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A fixture whose bare repository takes anonymous pushes over http.
fn http_fixture() -> (Fixture, HttpBackend) {
    let f = Fixture::new();
    git(&f.bare, &["config", "http.receivepack", "true"]);
    let server = HttpBackend::start(&f);
    (f, server)
}

#[test]
fn http_push_story() {
    let (f, server) = http_fixture();
    push_story(&f, &server.url("bare.git"));
    // Every push asks for the advertisement; the four that change a ref
    // (create, fast-forward, create, delete) each send commands and pack
    // in one POST. The stale lease and the no-op post nothing.
    let requests = server.requests();
    let count = |wanted: &str| requests.iter().filter(|r| *r == wanted).count();
    assert_eq!(
        count("GET /bare.git/info/refs?service=git-receive-pack"),
        6,
        "{requests:#?}"
    );
    assert_eq!(count("POST /bare.git/git-receive-pack"), 4, "{requests:#?}");
    assert_eq!(requests.len(), 10, "{requests:#?}");
}

#[test]
fn http_hook_rejection() {
    let (f, server) = http_fixture();
    let hook = f.bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'no sessions over http' >&2\nexit 1\n").expect("write hook");
    make_executable(&hook);
    let c3 = f.history();
    let (result, _) = push_one(&f, &server.url("bare.git"), update(SESSION, None, c3));
    assert_rejected(&result, "pre-receive hook declined");
    assert_rejected(&result, "no sessions over http");
    assert_eq!(f.remote_ref(SESSION), None);
}

#[test]
fn http_push_without_receivepack_is_an_error() {
    let f = Fixture::new();
    let server = HttpBackend::start(&f);
    let c3 = f.history();
    let err = push(&f.repo(), &server.url("bare.git"), &[update(SESSION, None, c3)], false)
        .expect_err("http-backend refuses anonymous pushes by default");
    let message = format!("{err:#}");
    assert!(message.contains("bare.git") && message.contains("403"), "{message}");
    assert_eq!(f.remote_ref(SESSION), None);
}

#[test]
fn http_fetch_brings_pushed_sessions() {
    let (f, server) = http_fixture();
    let url = server.url("bare.git");
    let c3 = f.history();
    let (result, _) = push_one(&f, &url, update(SESSION, None, c3));
    assert_eq!(result, RefResult::Ok);
    let c4 = f.commit(&[("docs/b.md", "# B\n")], "four");
    let (result, _) = push_one(&f, &url, update("refs/aura/sessions/s2", None, c4));
    assert_eq!(result, RefResult::Ok);

    let other = f.root.join("other");
    git(&f.root, &["init", "-q", "-b", "main", other.to_str().expect("utf-8")]);
    let repo = gix::open_opts(&other, gix::open::Options::isolated()).expect("open other repo");
    let store = crate::store::Store::from_repo(repo.clone());
    let fetched = crate::remote::fetch::fetch(&store, &url, &[], false, false).expect("fetch over http");
    let sessions: Vec<(String, ObjectId)> = fetched.sessions.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    assert_eq!(sessions, vec![("s1".to_owned(), c3), ("s2".to_owned(), c4)]);
    assert!(fetched.bytes > 0, "a pack arrived");
    let tracking = crate::store::refs::remote_sessions_prefix(&fetched.remote);
    assert_eq!(git(&other, &["rev-parse", &format!("{tracking}s1")]), c3.to_string());
    assert_eq!(git(&other, &["rev-parse", &format!("{tracking}s2")]), c4.to_string());
    git(&other, &["fsck", "--strict", "--no-progress"]);
}

#[test]
fn http_push_of_a_large_pack_streams_in_one_post() {
    let (f, server) = http_fixture();
    // About 4 MiB that does not compress: many writes through the POST body.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: String = (0..4 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'!' + (state % 90) as u8)
        })
        .collect();
    let tip = f.commit(&[("noise.txt", &noise)], "noise");
    let (result, outcome) = push_one(&f, &server.url("bare.git"), update(SESSION, None, tip));
    assert_eq!(result, RefResult::Ok);
    assert!(outcome.pack_bytes > 3 << 20, "{} bytes", outcome.pack_bytes);
    assert_eq!(f.remote_ref(SESSION), Some(tip));
    f.fsck();
    let posts = server.requests().iter().filter(|r| r.starts_with("POST ")).count();
    assert_eq!(posts, 1);
}

#[test]
fn http_credentials_are_not_sent_in_clear_text() {
    let f = Fixture::new();
    git(&f.bare, &["config", "http.receivepack", "true"]);
    let server = HttpBackend::start_with(&f, Some("alice:secret"), false);
    let helper = f.root.join("credential-helper");
    let asked = f.root.join("helper-was-asked");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\ntouch '{}'\necho username=alice\necho password=secret\n",
            asked.display()
        ),
    )
    .expect("write helper");
    make_executable(&helper);
    git(
        &f.work,
        &["config", "credential.helper", helper.to_str().expect("utf-8")],
    );
    let c3 = f.history();
    // The helper is asked (gix's cascade on the 401), but gix refuses to
    // send a password over plain http: the push fails before any POST.
    let err = push(&f.repo(), &server.url("bare.git"), &[update(SESSION, None, c3)], false)
        .expect_err("no Basic auth over http://");
    let message = format!("{err:#}");
    assert!(message.contains("clear text"), "{message}");
    assert!(asked.exists(), "the credential helper was asked");
    assert_eq!(f.remote_ref(SESSION), None);
    assert!(server.requests().iter().all(|r| r.starts_with("GET ")));
}

fn tls_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tls")
}

#[test]
fn https_with_an_untrusted_certificate_is_refused() {
    let f = Fixture::new();
    git(&f.bare, &["config", "http.receivepack", "true"]);
    let server = HttpBackend::start_with(&f, None, true);
    let c3 = f.history();
    let err = push(&f.repo(), &server.url("bare.git"), &[update(SESSION, None, c3)], false)
        .expect_err("the test certificate is trusted by no one");
    let message = format!("{err:#}");
    assert!(message.contains("https://127.0.0.1"), "{message}");
    assert!(message.contains("certificate"), "{message}");
    assert!(
        server.requests().is_empty(),
        "no request got through: {:?}",
        server.requests()
    );
    assert_eq!(f.remote_ref(SESSION), None);
}

/// Set (to anything) in the child process [`https_push_and_fetch`] starts.
const TRUSTING_CHILD: &str = "GIT_SESSION_TEST_TRUSTS_FIXTURE_CERT";

/// The push story and a fetch over https, trusting the fixture's
/// certificate. The platform verifier reads `SSL_CERT_FILE` when the first
/// TLS client is built; setting it in this process would race with the
/// other tests, so the test binary runs this one again in a child whose
/// environment has it.
#[test]
fn https_push_and_fetch() {
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "remote::tests::https_story_in_child",
            "--ignored",
            "--nocapture",
        ])
        .env(TRUSTING_CHILD, "1")
        .env("SSL_CERT_FILE", tls_dir().join("cert.pem"))
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("https story done"),
        "https story failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "run by https_push_and_fetch with SSL_CERT_FILE set"]
fn https_story_in_child() {
    if std::env::var_os(TRUSTING_CHILD).is_none() {
        eprintln!("skipped: https_push_and_fetch runs this with the certificate trusted");
        return;
    }
    let f = Fixture::new();
    git(&f.bare, &["config", "http.receivepack", "true"]);
    let server = HttpBackend::start_with(&f, None, true);
    let url = server.url("bare.git");
    push_story(&f, &url);

    let other = f.root.join("other");
    git(&f.root, &["init", "-q", "-b", "main", other.to_str().expect("utf-8")]);
    let repo = gix::open_opts(&other, gix::open::Options::isolated()).expect("open other repo");
    let store = crate::store::Store::from_repo(repo.clone());
    let fetched = crate::remote::fetch::fetch(&store, &url, &[], false, false).expect("fetch over https");
    let head = f.remote_ref(SESSION).expect("the story leaves the session");
    let sessions: Vec<(String, ObjectId)> = fetched.sessions.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    assert_eq!(sessions, vec![("s1".to_owned(), head)]);
    git(&other, &["fsck", "--strict", "--no-progress"]);
    println!("https story done");
}
