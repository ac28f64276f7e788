//! `TestRepo`: a temporary git repository in a sealed environment, and the
//! helpers the stories use to drive the real `git-session` binary and to ask
//! git (the oracle) what the answer should be.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_git-session");

/// The commit and author date every command sees unless a test says otherwise.
pub(crate) const DATE: &str = "2026-01-02 03:04:05 +0000";

/// A temporary directory holding a work tree (`repo/`), a private `HOME`
/// and room for siblings (linked worktrees, bare clones).
pub(crate) struct TestRepo {
    _tmp: tempfile::TempDir,
    /// The temporary directory (canonical path).
    pub root: PathBuf,
    /// The main work tree, `<root>/repo`.
    pub dir: PathBuf,
    pub home: PathBuf,
    /// Extra environment for every command (e.g. a different date).
    env: Vec<(String, String)>,
}

impl TestRepo {
    /// A repository on branch `main` with one commit (`README`).
    pub(crate) fn new() -> TestRepo {
        let t = TestRepo::empty();
        t.write("README", "hello\n");
        t.git(&["add", "README"]);
        t.git(&["commit", "-q", "-m", "initial"]);
        t
    }

    /// A repository on branch `main` without commits.
    pub(crate) fn empty() -> TestRepo {
        let t = TestRepo::bare_dir();
        fs::create_dir_all(&t.dir).unwrap();
        t.git(&["init", "-q", "-b", "main"]);
        t.git(&["config", "user.name", "Ada Tester"]);
        t.git(&["config", "user.email", "ada@example.com"]);
        t
    }

    /// Only the temporary directory: `dir` does not exist yet.
    pub(crate) fn bare_dir() -> TestRepo {
        let tmp = tempfile::Builder::new().prefix("git-session-it").tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("home");
        fs::create_dir_all(&home).unwrap();
        TestRepo {
            dir: root.join("repo"),
            home,
            root,
            _tmp: tmp,
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every later command of this repo.
    pub(crate) fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    /// The sealed environment: nothing of the machine's git config, identity,
    /// locale, time zone or colours leaks in.
    pub(crate) fn seal(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CEILING_DIRECTORIES", self.root.parent().unwrap())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_EDITOR", "true")
            .env("GIT_AUTHOR_DATE", DATE)
            .env("GIT_COMMITTER_DATE", DATE)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env("LANG", "C")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    /// `git-session ARGS` in the work tree, not run yet.
    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_in(&self.dir, args)
    }

    /// `git-session ARGS` in `cwd`, not run yet.
    pub(crate) fn cmd_in(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        self.seal(&mut cmd);
        cmd.args(args).current_dir(cwd).stdin(Stdio::null());
        cmd
    }

    /// Runs `git-session ARGS` in the work tree.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.dir, args)
    }

    /// Runs `git-session ARGS` in `cwd`.
    pub(crate) fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        checked(args, self.cmd_in(cwd, args).output().expect("cannot run git-session"))
    }

    /// Runs `git ARGS` (e.g. `session status`) with the binary's directory first on PATH.
    pub(crate) fn run_via_git(&self, args: &[&str]) -> Output {
        self.run_via_git_env(args, &[])
    }

    pub(crate) fn run_via_git_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("git");
        self.seal(&mut cmd);
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = std::env::join_paths(
            std::iter::once(bin_dir.to_owned())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .unwrap();
        cmd.env("PATH", path)
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        checked(args, cmd.output().expect("cannot run git"))
    }

    /// Runs `git-session ARGS`, asserts exit 0 and returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        self.ok_in(&self.dir, args)
    }

    pub(crate) fn ok_in(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.run_in(cwd, args);
        assert_status(args, &out, 0);
        String::from_utf8(out.stdout).expect("stdout is not UTF-8")
    }

    /// Runs `git-session ARGS`, asserts exit `code` and returns stderr.
    pub(crate) fn fails(&self, args: &[&str], code: i32) -> String {
        self.fails_in(&self.dir, args, code)
    }

    pub(crate) fn fails_in(&self, cwd: &Path, args: &[&str], code: i32) -> String {
        let out = self.run_in(cwd, args);
        assert_status(args, &out, code);
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Runs `git-session ARGS` (which should include `--json`), asserts exit 0
    /// and parses stdout as exactly one JSON document.
    pub(crate) fn json(&self, args: &[&str]) -> Value {
        self.json_in(&self.dir, args)
    }

    pub(crate) fn json_in(&self, cwd: &Path, args: &[&str]) -> Value {
        let out = self.ok_in(cwd, args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("`git-session {}` printed invalid JSON ({e}):\n{out}", args.join(" ")))
    }

    /// Runs `git ARGS` in the work tree, asserts success, returns trimmed stdout.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.dir, args)
    }

    pub(crate) fn git_in(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.git_output_in(cwd, args, &[]);
        assert!(
            out.status.success(),
            "`git {}` failed: {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    /// Runs `git ARGS` in `cwd` with `input` on its stdin (`hash-object
    /// --stdin`, `mktree`), asserts success, returns trimmed stdout.
    pub(crate) fn git_input_in(&self, cwd: &Path, args: &[&str], input: &[u8]) -> String {
        use std::io::Write;
        let mut cmd = Command::new("git");
        self.seal(&mut cmd);
        let mut child = cmd
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run git");
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = input.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().expect("cannot run git");
        writer.join().expect("the stdin writer").expect("cannot write to git");
        assert!(
            out.status.success(),
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    /// Runs `git ARGS` in `cwd` with extra environment; returns the raw output.
    pub(crate) fn git_output_in(&self, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("git");
        self.seal(&mut cmd);
        cmd.args(args).current_dir(cwd).stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("cannot run git")
    }

    /// Runs `git commit -q ARGS` in the work tree (hooks and all) and
    /// returns its output, not asserted.
    pub(crate) fn commit(&self, args: &[&str]) -> Output {
        let mut all = vec!["commit", "-q"];
        all.extend_from_slice(args);
        self.git_output_in(&self.dir, &all, &[])
    }

    /// Runs a script of `fixtures/` in `cwd` with the sealed environment.
    pub(crate) fn fixture_in(&self, cwd: &Path, script: &str, args: &[&str]) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(script);
        let mut cmd = Command::new("bash");
        self.seal(&mut cmd);
        let out = cmd
            .arg(&path)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fixture {script} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    pub(crate) fn fixture(&self, script: &str, args: &[&str]) -> String {
        self.fixture_in(&self.dir, script, args)
    }

    // ---- snapshots ----

    /// Runs `git-session ARGS` in the work tree and returns what the user
    /// sees as one text, ready for an inline insta snapshot: the exit code,
    /// stdout and stderr, with what changes from run to run replaced by
    /// placeholders (see [`TestRepo::normalise`]).
    pub(crate) fn snapshot(&self, args: &[&str]) -> String {
        self.snapshot_in(&self.dir, args)
    }

    /// [`TestRepo::snapshot`] with `cwd` as the working directory.
    pub(crate) fn snapshot_in(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.run_in(cwd, args);
        let code = match out.status.code() {
            Some(code) => code.to_string(),
            None => format!("{:?}", out.status),
        };
        let text = format!(
            "exit: {code}\n--- stdout\n{}--- stderr\n{}",
            with_newline(&String::from_utf8_lossy(&out.stdout)),
            with_newline(&String::from_utf8_lossy(&out.stderr)),
        );
        self.normalise(&text, &[cwd, &self.dir])
    }

    /// Replaces what changes from run to run in `text` by placeholders:
    /// the temporary directory → `[ROOT]`, a 40-hex object id → `[OID]`,
    /// a 32-hex session or event id → `[ID]`, and a shorter hex word that
    /// abbreviates a known object, session or event id (a prefix, or the
    /// last digits of an event id) → `[SHORT]`. Known ids are the objects of
    /// the repositories at `repos` and every id their objects mention, so an
    /// abbreviation that happens to be all digits is still caught and a
    /// number that abbreviates nothing stays. Times need no placeholder: the
    /// sealed environment fixes them ([`DATE`]).
    pub(crate) fn normalise(&self, text: &str, repos: &[&Path]) -> String {
        let known = self.known_ids(repos);
        let text = text.replace(self.root.to_str().expect("temporary path is UTF-8"), "[ROOT]");
        let hex = regex::Regex::new(r"\b[0-9a-f]{7,40}\b").expect("valid regex");
        hex.replace_all(&text, |c: &regex::Captures| {
            let word = &c[0];
            match word.len() {
                40 => "[OID]".to_owned(),
                32 => "[ID]".to_owned(),
                _ if known.iter().any(|id| abbreviates(word, id)) => "[SHORT]".to_owned(),
                _ => word.to_owned(),
            }
        })
        .into_owned()
    }

    /// Every object id of the repositories at `repos`, and every 32- or
    /// 40-hex word in their objects (session ids, event ids, parents).
    fn known_ids(&self, repos: &[&Path]) -> Vec<String> {
        let word = regex::Regex::new(r"\b(?:[0-9a-f]{40}|[0-9a-f]{32})\b").expect("valid regex");
        let mut ids = std::collections::BTreeSet::new();
        for repo in repos {
            if !repo.is_dir() {
                continue;
            }
            let out = self.git_output_in(repo, &["cat-file", "--batch-all-objects", "--batch"], &[]);
            if !out.status.success() {
                continue; // not a repository
            }
            let all = String::from_utf8_lossy(&out.stdout);
            ids.extend(word.find_iter(&all).map(|m| m.as_str().to_owned()));
            let names = self.git_output_in(repo, &["for-each-ref", "--format=%(refname)"], &[]);
            ids.extend(
                word.find_iter(&String::from_utf8_lossy(&names.stdout))
                    .map(|m| m.as_str().to_owned()),
            );
        }
        ids.into_iter().collect()
    }

    // ---- files ----

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Writes a file (creating parent directories, replacing a symlink).
    pub(crate) fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        if p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            fs::remove_file(&p).unwrap();
        }
        fs::write(&p, content).unwrap();
    }

    /// Writes a file below another work tree (a linked worktree).
    pub(crate) fn write_in(&self, dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
    }

    /// Removes a file, a symlink or a whole directory.
    pub(crate) fn remove(&self, rel: &str) {
        let p = self.path(rel);
        match p.symlink_metadata() {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&p).unwrap(),
            Ok(_) => fs::remove_file(&p).unwrap(),
            Err(e) => panic!("cannot remove {rel}: {e}"),
        }
    }

    pub(crate) fn chmod(&self, rel: &str, mode: u32) {
        fs::set_permissions(self.path(rel), fs::Permissions::from_mode(mode)).unwrap();
    }

    pub(crate) fn symlink(&self, target: &str, rel: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
    }

    // ---- sessions ----

    /// The id of this work tree's current session.
    pub(crate) fn current_id(&self) -> String {
        let v = self.json(&["status", "--json"]);
        v["session"]["id"].as_str().expect("no current session").to_owned()
    }

    /// `status --json` of the current session: its header.
    pub(crate) fn header(&self) -> Value {
        self.json(&["status", "--json"])["session"].clone()
    }

    /// The events of a session, oldest first (`log --json`), as `(commit, event)`.
    pub(crate) fn events(&self, session: &str) -> Vec<(String, Value)> {
        let v = self.json(&["log", session, "--json"]);
        v.as_array()
            .expect("log --json is an array")
            .iter()
            .map(|e| (e["commit"].as_str().unwrap().to_owned(), e["event"].clone()))
            .collect()
    }

    /// The kinds of a session's events in log order.
    pub(crate) fn kinds(&self, session: &str) -> Vec<String> {
        self.events(session)
            .iter()
            .map(|(_, e)| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    // ---- oracles ----

    /// What git writes for the work tree `cwd`: a copy of its index, `git add -A`,
    /// `git write-tree`. The copy's mtime is set to 1970 so every entry is
    /// racily clean and git compares contents, not stat data.
    pub(crate) fn oracle_tree_in(&self, cwd: &Path) -> String {
        let index = cwd.join(self.git_in(cwd, &["rev-parse", "--git-path", "index"]));
        let copy = self.root.join(format!("oracle-index-{}", std::process::id()));
        let _ = fs::remove_file(&copy);
        if index.exists() {
            fs::copy(&index, &copy).unwrap();
            let f = fs::File::options().write(true).open(&copy).unwrap();
            f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1)).unwrap();
        }
        let copy_s = copy.to_str().unwrap();
        for args in [&["add", "-A"][..], &["write-tree"][..]] {
            let out = self.git_output_in(cwd, args, &[("GIT_INDEX_FILE", copy_s)]);
            assert!(
                out.status.success(),
                "oracle `git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
            if args[0] == "write-tree" {
                let _ = fs::remove_file(&copy);
                return String::from_utf8(out.stdout).unwrap().trim().to_owned();
            }
        }
        unreachable!()
    }

    pub(crate) fn oracle_tree(&self) -> String {
        self.oracle_tree_in(&self.dir)
    }

    /// Everything of the user's that recording must not touch.
    pub(crate) fn user_state(&self) -> UserState {
        self.user_state_in(&self.dir)
    }

    pub(crate) fn user_state_in(&self, cwd: &Path) -> UserState {
        let git_path = |p: &str| cwd.join(self.git_in(cwd, &["rev-parse", "--git-path", p]));
        let mut files = BTreeMap::new();
        walk(cwd, cwd, &mut files);
        UserState {
            index: fs::read(git_path("index")).ok(),
            head: fs::read(git_path("HEAD")).unwrap(),
            refs: self.git_in(
                cwd,
                &[
                    "for-each-ref",
                    "--format=%(refname) %(objectname)",
                    "refs/heads",
                    "refs/tags",
                    "refs/remotes",
                ],
            ),
            files,
        }
    }

    /// Everything under the temporary directory except the work tree
    /// (`repo/`, its `.git` included): what a command run in the work tree
    /// must not write to (siblings, bare remotes, `HOME`).
    pub(crate) fn outside_state(&self) -> BTreeMap<PathBuf, Entry> {
        let mut files = BTreeMap::new();
        walk(&self.root, &self.root, &mut files);
        files.retain(|p, _| !p.starts_with("repo"));
        files
    }

    /// Asserts `git fsck --strict` finds nothing wrong.
    pub(crate) fn fsck(&self) {
        let out = self.git_output_in(&self.dir, &["fsck", "--strict", "--no-dangling", "--no-progress"], &[]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && !text.contains("error") && !text.contains("warning"),
            "git fsck --strict:\n{text}"
        );
    }
}

/// Asserts no run of the binary panicked, whatever it was asked.
fn checked(args: &[&str], out: Output) -> Output {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "`git-session {}` panicked:\n{stderr}",
        args.join(" ")
    );
    out
}

pub(crate) fn assert_status(args: &[&str], out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "`git-session {}` exited with {:?}, expected {code}\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One entry of the work tree as the user sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    File {
        len: usize,
        hash: u64,
        mode: u32,
        mtime_ns: i128,
    },
    Link(PathBuf),
    Dir(u32),
}

/// The user's index, HEAD, branches and work tree, byte for byte.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct UserState {
    pub index: Option<Vec<u8>>,
    pub head: Vec<u8>,
    pub refs: String,
    pub files: BTreeMap<PathBuf, Entry>,
}

impl std::fmt::Debug for UserState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserState")
            .field("index", &self.index.as_ref().map(|i| (i.len(), fnv(i))))
            .field("head", &String::from_utf8_lossy(&self.head))
            .field("refs", &self.refs)
            .field("files", &self.files)
            .finish()
    }
}

impl UserState {
    /// Asserts `self` (before) and `after` are identical, naming what changed.
    pub(crate) fn assert_same(&self, after: &UserState, what: &str) {
        assert!(self.index == after.index, "{what}: the user's index changed");
        assert!(self.head == after.head, "{what}: HEAD changed");
        assert_eq!(self.refs, after.refs, "{what}: branches changed");
        for (p, e) in &self.files {
            let (mut e, mut a) = (e.clone(), after.files.get(p).cloned());
            // Inside an embedded repository's `.git`, git itself refreshes
            // files in place (`git status` rewrites the index): bytes only.
            if p.components().any(|c| c.as_os_str() == ".git") {
                for x in [Some(&mut e), a.as_mut()].into_iter().flatten() {
                    if let Entry::File { mtime_ns, .. } = x {
                        *mtime_ns = 0;
                    }
                }
            }
            assert_eq!(Some(e), a, "{what}: {} changed", p.display());
        }
        for p in after.files.keys() {
            assert!(self.files.contains_key(p), "{what}: {} appeared", p.display());
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path.strip_prefix(base).unwrap().to_owned();
        if dir == base && entry.file_name() == ".git" {
            continue;
        }
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            out.insert(rel, Entry::Link(fs::read_link(&path).unwrap()));
        } else if meta.is_dir() {
            out.insert(rel, Entry::Dir(meta.mode()));
            walk(base, &path, out);
        } else {
            let bytes = fs::read(&path).unwrap();
            let mtime_ns = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
            out.insert(
                rel,
                Entry::File {
                    len: bytes.len(),
                    hash: fnv(&bytes),
                    mode: meta.mode(),
                    mtime_ns,
                },
            );
        }
    }
}

/// The event of `kind` among the events a recording command printed with `--json`.
pub(crate) fn event_of<'a>(recorded: &'a Value, kind: &str) -> &'a Value {
    recorded["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {recorded:#}"))
}

/// Whether `word` is how git-session abbreviates `id`: its first digits
/// (objects, sessions, event commits) or, for an event id, its last ones.
fn abbreviates(word: &str, id: &str) -> bool {
    id.starts_with(word) || (id.len() == 32 && id.ends_with(word))
}

/// `text`, ending with a newline unless it is empty.
fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small deterministic PRNG (xorshift64*), so random edits are reproducible.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
