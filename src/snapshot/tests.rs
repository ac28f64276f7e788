//! Oracle tests: every capture is compared with what git itself writes for
//! `cp index i && GIT_INDEX_FILE=i git add -A && GIT_INDEX_FILE=i git write-tree`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

struct Repo {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    path: PathBuf,
}

const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

fn run_git(dir: &Path, home: &Path, args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    crate::testing::seal(&mut cmd, home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed in {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copy an index like `cp -p`: git's racy-git check compares entry mtimes with the index file's
/// own mtime, so a copy with a new mtime makes git trust stat data it must not trust.
fn copy_index(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    std::fs::copy(from, to).unwrap();
    let mtime = std::fs::metadata(from).unwrap().modified().unwrap();
    std::fs::File::options()
        .write(true)
        .open(to)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

fn init_at(path: &Path, home: &Path) {
    std::fs::create_dir_all(path).unwrap();
    run_git(path, home, &["init", "-q", "-b", "main"], &[]);
    run_git(path, home, &["config", "user.name", "Test"], &[]);
    run_git(path, home, &["config", "user.email", "test@example.com"], &[]);
    run_git(path, home, &["config", "protocol.file.allow", "always"], &[]);
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let path = tmp.path().join("repo");
        init_at(&path, &home);
        Repo { _tmp: tmp, home, path }
    }

    fn git(&self, args: &[&str]) -> String {
        run_git(&self.path, &self.home, args, &[])
    }

    fn git_in(&self, dir: &str, args: &[&str]) -> String {
        run_git(&self.path.join(dir), &self.home, args, &[])
    }

    fn p(&self, rela: &str) -> PathBuf {
        self.path.join(rela)
    }

    /// Make the directories leading to `rela`, replacing files in the way.
    fn make_parents(&self, rela: &str) {
        let mut cur = self.path.clone();
        let comps: Vec<&str> = rela.split('/').collect();
        for c in &comps[..comps.len() - 1] {
            cur.push(c);
            if cur.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&cur).unwrap();
            }
        }
        if let Some(parent) = self.p(rela).parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
    }

    fn write(&self, rela: &str, content: impl AsRef<[u8]>) {
        let p = self.p(rela);
        self.make_parents(rela);
        if p.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            std::fs::remove_file(&p).unwrap();
        }
        std::fs::write(p, content).unwrap();
    }

    fn rm(&self, rela: &str) {
        let p = self.p(rela);
        match p.symlink_metadata() {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(p).unwrap(),
            Ok(_) => std::fs::remove_file(p).unwrap(),
            Err(_) => {}
        }
    }

    fn chmod(&self, rela: &str, exec: bool) {
        use std::os::unix::fs::PermissionsExt;
        let p = self.p(rela);
        let mut perm = std::fs::metadata(&p).unwrap().permissions();
        perm.set_mode(if exec { 0o755 } else { 0o644 });
        std::fs::set_permissions(p, perm).unwrap();
    }

    fn symlink(&self, target: &str, rela: &str) {
        let p = self.p(rela);
        self.make_parents(rela);
        self.rm(rela);
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
    }

    fn index_path(&self) -> PathBuf {
        self.path.join(".git/index")
    }

    /// What git writes for `git add -A && git write-tree` on a copy of the index.
    fn oracle(&self) -> String {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("index");
        copy_index(&self.index_path(), &copy);
        let env = [("GIT_INDEX_FILE", copy.as_path())];
        run_git(&self.path, &self.home, &["add", "-A"], &env);
        run_git(&self.path, &self.home, &["write-tree"], &env).trim().to_owned()
    }

    /// `git write-tree` on a copy of the real index; `None` with conflicts.
    fn index_oracle(&self) -> Option<String> {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("index");
        copy_index(&self.index_path(), &copy);
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.path).args(["write-tree"]);
        crate::testing::seal(&mut cmd, &self.home);
        cmd.env("GIT_INDEX_FILE", &copy);
        let out = cmd.output().unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    fn open(&self) -> gix::Repository {
        gix::open_opts(&self.path, gix::open::Options::isolated()).unwrap()
    }

    fn capture_with(&self, opts: &CaptureOptions) -> Capture {
        let repo = self.open();
        capture(&repo, opts).unwrap()
    }

    /// Capture, check the user's state is untouched, compare with git, return the capture.
    fn check_with(&self, opts: &CaptureOptions) -> Capture {
        let index_before = std::fs::read(self.index_path()).ok();
        let head_before = std::fs::read(self.path.join(".git/HEAD")).unwrap();
        let refs_before = self.git(&["for-each-ref"]);
        let c = self.capture_with(opts);
        assert_eq!(
            std::fs::read(self.index_path()).ok(),
            index_before,
            "the index was modified"
        );
        assert_eq!(
            std::fs::read(self.path.join(".git/HEAD")).unwrap(),
            head_before,
            "HEAD was modified"
        );
        assert_eq!(self.git(&["for-each-ref"]), refs_before, "refs were modified");
        let expected = self.oracle();
        if c.tree.to_string().as_str() != expected.as_str() {
            let diff = self.git(&["diff-tree", "-r", &expected, &c.tree.to_string()]);
            let mut detail = String::new();
            for line in diff.lines() {
                if let Some(path) = line.split('\t').nth(1) {
                    let content = std::fs::read(self.p(path)).unwrap_or_default();
                    detail.push_str(&format!(
                        "{path}: work tree {:?}\nindex: {}\n",
                        String::from_utf8_lossy(&content),
                        self.git(&["ls-files", "-s", "--debug", "--", path])
                    ));
                }
            }
            for f in [".gitignore", ".gitattributes"] {
                detail.push_str(&format!("{f}: {:?}\n", std::fs::read_to_string(self.p(f)).ok()));
            }
            detail.push_str(&self.git(&["ls-files", "-s"]));
            detail.push_str(&self.git(&["status", "--porcelain", "--ignored"]));
            let again = self.oracle();
            panic!(
                "snapshot {} differs from git's {expected} (again: {again}):\n{diff}{detail}",
                c.tree
            );
        }
        assert_eq!(c.index_tree.map(|t| t.to_string()), self.index_oracle(), "index tree");
        c
    }

    fn check(&self) -> Capture {
        self.check_with(&CaptureOptions::default())
    }

    /// Move the mtime of every work-tree file ten seconds back, so that an index written now
    /// trusts their stat data.
    fn age(&self) {
        fn walk(dir: &Path, when: std::time::SystemTime) {
            for e in std::fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                let ft = e.file_type().unwrap();
                if e.file_name() == ".git" {
                    continue;
                }
                if ft.is_dir() {
                    walk(&e.path(), when);
                } else if ft.is_file() {
                    std::fs::File::options()
                        .write(true)
                        .open(e.path())
                        .unwrap()
                        .set_modified(when)
                        .unwrap();
                }
            }
        }
        walk(
            &self.path,
            std::time::SystemTime::now() - std::time::Duration::from_secs(10),
        );
    }

    /// Let the racy-git window pass so that files written so far are trusted by stat.
    fn settle(&self) {
        std::thread::sleep(std::time::Duration::from_millis(120));
    }
}

#[test]
fn empty_repository() {
    let r = Repo::new();
    let c = r.check();
    assert_eq!(c.tree.to_string(), EMPTY_TREE);
    assert_eq!(c.index_tree.map(|t| t.to_string()).as_deref(), Some(EMPTY_TREE));
    let c = r.check();
    assert_eq!(c.tree.to_string(), EMPTY_TREE);
    // Untracked files only, no index file.
    r.write("a.txt", "a\n");
    r.write("dir/b.txt", "b\n");
    r.check();
    // An index that exists but is empty.
    r.git(&["add", "a.txt"]);
    r.git(&["rm", "-q", "--cached", "a.txt"]);
    assert!(r.index_path().exists());
    r.check();
    r.rm("a.txt");
    r.rm("dir");
    let c = r.check();
    assert_eq!(c.tree.to_string(), EMPTY_TREE);
}

#[test]
fn modified_deleted_added_and_untracked() {
    let r = Repo::new();
    r.write("a.txt", "one\n");
    r.write("b.txt", "two\n");
    r.write("sub/c.txt", "three\n");
    r.write("sub/deeper/d.txt", "four\n");
    r.commit_all("init");
    r.check();
    r.write("a.txt", "one changed\n");
    r.rm("b.txt");
    r.write("new.txt", "new\n");
    r.write("x/y/z/new.txt", "nested new\n");
    r.write("sub/deeper/e.txt", "five\n");
    r.check();
    r.git(&["add", "new.txt"]);
    r.check();
    r.rm("sub");
    r.check();
    r.write("sub", "sub is a file now\n");
    r.check();
    r.rm("sub");
    r.write("sub/c.txt", "dir again\n");
    r.check();
}

#[test]
fn ignore_rules() {
    let r = Repo::new();
    r.write(".gitignore", "*.log\nbuild/\n");
    r.write("a/.gitignore", "!keep.log\n*.tmp\n");
    r.write("tracked.log", "tracked but ignored\n");
    r.git(&["add", ".gitignore", "a/.gitignore"]);
    r.git(&["add", "-f", "tracked.log"]);
    r.git(&["commit", "-q", "-m", "init"]);
    r.write("x.log", "ignored\n");
    r.write("a/keep.log", "re-included\n");
    r.write("a/other.log", "ignored\n");
    r.write("a/t.tmp", "ignored\n");
    r.write("a/b/deep.log", "ignored\n");
    r.write("build/out.o", "ignored dir\n");
    r.write("tracked.log", "tracked, changed\n");
    r.write("forced.log", "force-added\n");
    r.git(&["add", "-f", "forced.log"]);
    r.check();
    r.write("forced.log", "force-added, changed\n");
    r.write("a/.gitignore", "*.tmp\n");
    r.check();
    r.write(".gitignore", "build/\n");
    r.check();
    // A tracked file removed from the index: untracked now, dropped once ignored.
    r.git(&["add", "a/keep.log"]);
    r.check();
    r.git(&["rm", "-q", "--cached", "a/keep.log"]);
    r.check();
    r.write(".gitignore", "build/\n*.log\n");
    r.check();
}

#[test]
fn rm_cached_of_ignored_file() {
    let r = Repo::new();
    r.write(".gitignore", "*.log\n");
    r.write("x.log", "x\n");
    r.git(&["add", "-f", "x.log", ".gitignore"]);
    r.git(&["commit", "-q", "-m", "init"]);
    r.check();
    r.git(&["rm", "-q", "--cached", "x.log"]);
    r.check();
}

#[test]
fn executable_bit() {
    let r = Repo::new();
    r.write("run.sh", "#!/bin/sh\n");
    r.write("plain.txt", "text\n");
    r.commit_all("init");
    r.check();
    r.chmod("run.sh", true);
    r.check();
    r.write("new.sh", "#!/bin/sh\n");
    r.chmod("new.sh", true);
    r.check();
    r.chmod("run.sh", false);
    r.check();
}

#[test]
fn core_filemode_false() {
    let r = Repo::new();
    r.git(&["config", "core.fileMode", "false"]);
    r.write("exec.sh", "#!/bin/sh\n");
    r.write("plain.txt", "text\n");
    r.git(&["add", "-A"]);
    r.git(&["update-index", "--chmod=+x", "exec.sh"]);
    r.git(&["commit", "-q", "-m", "init"]);
    r.check();
    r.chmod("plain.txt", true);
    r.write("new.sh", "new\n");
    r.chmod("new.sh", true);
    r.check();
    r.write("exec.sh", "#!/bin/sh\necho changed\n");
    r.chmod("exec.sh", false);
    r.check();
    r.write("plain.txt", "text changed\n");
    r.check();
}

#[test]
fn symlinks() {
    let r = Repo::new();
    r.write("target.txt", "target\n");
    r.symlink("target.txt", "link");
    r.symlink("nowhere", "dangling");
    r.commit_all("init");
    r.check();
    r.symlink("other", "link");
    r.check();
    r.rm("dangling");
    r.write("dangling", "a file now\n");
    r.symlink("target.txt", "target2");
    r.check();
    r.rm("target.txt");
    r.symlink("link", "target.txt");
    r.check();
    // A directory reached through a symlink is not a directory of the work tree.
    r.write("real/file.txt", "f\n");
    r.commit_all("dirs");
    r.rm("real");
    r.write("elsewhere/file.txt", "f\n");
    r.symlink("elsewhere", "real");
    r.check();
}

#[test]
fn core_symlinks_false() {
    let r = Repo::new();
    r.write("target.txt", "target\n");
    r.symlink("target.txt", "link");
    r.commit_all("init");
    r.git(&["config", "core.symlinks", "false"]);
    r.rm("link");
    r.write("link", "target.txt");
    r.check();
    r.write("link", "changed-target");
    r.check();
    r.symlink("real-link", "newlink");
    r.check();
}

#[test]
fn eol_and_attributes() {
    let r = Repo::new();
    r.write(
        ".gitattributes",
        "*.txt text eol=lf\n*.crlf text eol=crlf\n*.bin -text\n*.auto text=auto\n",
    );
    r.write("a.txt", "line1\r\nline2\r\n");
    r.write("b.crlf", "x\r\ny\n");
    r.write("c.bin", "raw\r\n");
    r.write("d.auto", "auto\r\n");
    r.check();
    r.commit_all("init");
    r.check();
    r.write("a.txt", "changed\r\n");
    r.write("sub/.gitattributes", "*.txt -text\n");
    r.write("sub/e.txt", "kept\r\n");
    r.check();
    r.write(".gitattributes", "*.txt -text\n");
    r.check();
}

#[test]
fn autocrlf_true_and_input() {
    for setting in ["true", "input"] {
        let r = Repo::new();
        r.git(&["config", "core.autocrlf", setting]);
        r.write("a.txt", "one\r\ntwo\r\n");
        r.write("b.txt", "lf only\n");
        r.write("mixed.txt", "a\r\nb\n");
        r.write("bin.dat", "\0binary\r\n");
        r.check();
        r.commit_all("init");
        r.check();
        r.write("a.txt", "one\r\nthree\r\n");
        r.write("c.txt", "new\r\n");
        r.check();
    }
}

#[test]
fn autocrlf_keeps_crlf_already_in_index() {
    let r = Repo::new();
    r.write("a.txt", "crlf\r\nin index\r\n");
    r.commit_all("init");
    r.git(&["config", "core.autocrlf", "true"]);
    r.write("a.txt", "crlf\r\nin index, changed\r\n");
    r.check();
    r.write("a.txt", "now lf\n");
    r.check();
    r.write("a.txt", "crlf\r\nagain\r\n");
    r.check();
}

#[test]
fn clean_filter() {
    let r = Repo::new();
    r.git(&["config", "filter.x.clean", "tr a-z A-Z"]);
    r.git(&["config", "filter.x.smudge", "cat"]);
    r.write(".gitattributes", "*.up filter=x\n");
    r.write("a.up", "hello\n");
    r.write("b.txt", "hello\n");
    r.check();
    r.commit_all("init");
    r.check();
    r.write("a.up", "changed\n");
    r.write("new/c.up", "new file\n");
    r.check();
}

#[test]
fn submodule_and_nested_repository() {
    let r = Repo::new();
    let sub_src = r.path.parent().unwrap().join("sub-src");
    init_at(&sub_src, &r.home);
    std::fs::write(sub_src.join("f.txt"), "one\n").unwrap();
    run_git(&sub_src, &r.home, &["add", "-A"], &[]);
    run_git(&sub_src, &r.home, &["commit", "-q", "-m", "one"], &[]);
    std::fs::write(sub_src.join("f.txt"), "two\n").unwrap();
    run_git(&sub_src, &r.home, &["commit", "-q", "-am", "two"], &[]);
    r.write("top.txt", "top\n");
    r.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub_src.to_str().unwrap(),
        "modules/sub",
    ]);
    r.git(&["commit", "-q", "-m", "with submodule"]);
    r.check();
    // Move the submodule's HEAD: the gitlink follows the checkout.
    r.git_in("modules/sub", &["checkout", "-q", "HEAD~1"]);
    r.check();
    // Edits inside the submodule don't matter.
    r.write("modules/sub/f.txt", "dirty\n");
    r.write("modules/sub/untracked.txt", "u\n");
    r.check();
    // An untracked nested repository with a commit becomes a gitlink at its HEAD.
    let nested = r.p("nested");
    init_at(&nested, &r.home);
    std::fs::write(nested.join("n.txt"), "n\n").unwrap();
    run_git(&nested, &r.home, &["add", "-A"], &[]);
    run_git(&nested, &r.home, &["commit", "-q", "-m", "n"], &[]);
    r.check();
    std::fs::write(nested.join("n.txt"), "n2\n").unwrap();
    run_git(&nested, &r.home, &["commit", "-q", "-am", "n2"], &[]);
    r.check();
    // A de-initialised (empty) submodule directory keeps the recorded commit.
    r.git(&["submodule", "deinit", "-q", "-f", "modules/sub"]);
    r.check();
    // A missing submodule directory is a deletion.
    r.rm("modules");
    r.check();
}

#[test]
fn unicode_and_spaces() {
    let r = Repo::new();
    r.write("with space.txt", "s\n");
    r.write("dir with space/ünïcödé.txt", "u\n");
    r.write("日本語/ファイル.txt", "j\n");
    r.write("a-b/c", "1\n");
    r.write("a.b", "2\n");
    r.write("a/b", "3\n");
    r.write("a0", "4\n");
    r.commit_all("init");
    r.check();
    r.write("dir with space/new ü.txt", "n\n");
    r.write("a-b/d", "5\n");
    r.write("a/c", "6\n");
    r.check();
}

#[test]
fn detached_head() {
    let r = Repo::new();
    r.write("a.txt", "1\n");
    r.commit_all("one");
    r.write("a.txt", "2\n");
    r.commit_all("two");
    r.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    r.write("b.txt", "b\n");
    r.check();
}

#[test]
fn conflicted_index() {
    let r = Repo::new();
    r.write("c.txt", "base\n");
    r.write("other.txt", "o\n");
    r.write("gone.txt", "g\n");
    r.commit_all("base");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("c.txt", "side\n");
    r.write("gone.txt", "changed on side\n");
    r.commit_all("side");
    r.git(&["checkout", "-q", "main"]);
    r.write("c.txt", "main\n");
    r.rm("gone.txt");
    r.commit_all("main");
    let mut cmd = Command::new("git");
    cmd.current_dir(&r.path).args(["merge", "-q", "side"]);
    crate::testing::seal(&mut cmd, &r.home);
    assert!(!cmd.output().unwrap().status.success(), "the merge conflicts");
    let c = r.check();
    assert!(c.index_tree.is_none());
    r.write("c.txt", "resolved by hand\n");
    r.check();
    r.rm("gone.txt");
    r.check();
    r.git(&["add", "c.txt"]);
    r.check();
}

#[test]
fn intent_to_add() {
    let r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit_all("init");
    r.write("ita.txt", "intent\n");
    r.write("ita2.txt", "intent 2\n");
    r.git(&["add", "-N", "ita.txt", "ita2.txt"]);
    r.check();
    r.write("ita.txt", "intent, changed\n");
    r.rm("ita2.txt");
    r.check();
}

#[test]
fn max_untracked_size() {
    let r = Repo::new();
    r.write("small.txt", "s\n");
    r.write("big.bin", vec![b'x'; 5000]);
    r.write("tracked-big.bin", vec![b'y'; 5000]);
    r.git(&["add", "tracked-big.bin"]);
    let c = r.capture_with(&CaptureOptions {
        max_untracked_size: Some(1000),
    });
    assert_eq!(
        c.skipped,
        vec![SkippedFile {
            path: "big.bin".into(),
            size: 5000
        }]
    );
    r.rm("big.bin");
    assert_eq!(c.tree.to_string(), r.oracle());
}

#[test]
fn incremental_hashing() {
    let r = Repo::new();
    for i in 0..200 {
        r.write(&format!("d{}/f{i}.txt", i % 7), format!("file {i}\n"));
    }
    r.age();
    r.commit_all("init");
    for i in 0..20 {
        r.write(&format!("u/f{i}.txt",), format!("untracked {i}\n"));
    }
    r.settle();
    let first = r.check();
    assert_eq!(first.hashed, 20, "the first capture trusts the index's stat data");
    let second = r.check();
    assert_eq!(second.hashed, 0, "unchanged tree hashes nothing");
    assert_eq!(second.tree, first.tree);
    r.write("d3/f3.txt", "changed\n");
    r.settle();
    let third = r.check();
    assert_eq!(third.hashed, 1, "one modified tracked file");
    r.write("u/f5.txt", "changed untracked\n");
    r.settle();
    let fourth = r.check();
    assert_eq!(fourth.hashed, 1, "one modified untracked file");
    let fifth = r.check();
    assert_eq!(fifth.hashed, 0);
    // Without waiting, a just-modified file is hashed again once (racy git), then trusted.
    r.write("d1/f1.txt", "changed again\n");
    assert_eq!(r.check().hashed, 1);
    assert!(r.check().hashed <= 1);
    r.settle();
    assert_eq!(r.check().hashed, 0);
    // The user's index changes: nothing needs hashing.
    r.git(&["add", "d3/f3.txt"]);
    r.settle();
    let sixth = r.check();
    assert_eq!(sixth.hashed, 0);
}

#[test]
fn same_second_same_size_edits() {
    let r = Repo::new();
    r.write("a.txt", "0000");
    r.write("t.txt", "0000");
    r.git(&["add", "t.txt"]);
    for round in 0..10 {
        let (x, y) = if round % 2 == 0 {
            ("aaaa", "bbbb")
        } else {
            ("cccc", "dddd")
        };
        r.write("a.txt", x);
        r.write("t.txt", x);
        r.check();
        r.write("a.txt", y);
        r.write("t.txt", y);
        r.check();
    }
}

#[test]
fn attributes_change_between_captures() {
    let r = Repo::new();
    r.write("a.txt", "one\r\n");
    r.write("b.txt", "two\r\n");
    r.commit_all("init");
    r.write("a.txt", "one changed\r\n");
    r.write("u.txt", "untracked\r\n");
    r.settle();
    r.check();
    r.write(".gitattributes", "*.txt text eol=lf\n");
    r.check();
    r.write(".gitattributes", "*.txt -text\n");
    r.check();
    r.rm(".gitattributes");
    r.check();
}

#[test]
fn corrupt_cache_is_a_full_capture() {
    let r = Repo::new();
    r.write("a.txt", "a\n");
    r.write("b/c.txt", "c\n");
    r.commit_all("init");
    r.write("u.txt", "u\n");
    r.check();
    let aura = r.path.join(".git/aura");
    r.settle();
    r.write("b/c.txt", "c changed\n");
    r.check();
    assert!(aura.join("changes").exists(), "a small change goes to the overlay");
    for name in ["changes", "index", "untracked", "state"] {
        let p = aura.join(name);
        if !p.exists() {
            r.write("b/c.txt", format!("c {name}\n"));
            r.settle();
            r.check();
        }
        let data = std::fs::read(&p).unwrap();
        std::fs::write(&p, &data[..data.len() / 2]).unwrap();
        r.write("a.txt", format!("a {name}\n"));
        r.check();
        std::fs::write(&p, b"garbage").unwrap();
        r.check();
        std::fs::remove_file(&p).unwrap();
        r.check();
    }
    std::fs::remove_dir_all(&aura).unwrap();
    r.check();
}

#[test]
fn linked_worktree_has_its_own_cache() {
    let r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit_all("init");
    let wt = r.path.parent().unwrap().join("wt");
    r.git(&["worktree", "add", "-q", "-b", "wt", wt.to_str().unwrap()]);
    std::fs::write(wt.join("a.txt"), "in worktree\n").unwrap();
    std::fs::write(wt.join("new.txt"), "new\n").unwrap();
    let repo = gix::open_opts(&wt, gix::open::Options::isolated()).unwrap();
    let c = capture(&repo, &CaptureOptions::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("index");
    let wt_index = r.path.join(".git/worktrees/wt/index");
    copy_index(&wt_index, &copy);
    let env = [("GIT_INDEX_FILE", copy.as_path())];
    run_git(&wt, &r.home, &["add", "-A"], &env);
    let expected = run_git(&wt, &r.home, &["write-tree"], &env);
    assert_eq!(c.tree.to_string(), expected.trim());
    assert!(r.path.join(".git/worktrees/wt/aura/index").exists());
    r.check();
}

/// A small deterministic generator for the random rounds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_edits() {
    let seed: u64 = std::env::var("SNAPSHOT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e3779b97f4a7c15);
    let rounds: usize = std::env::var("SNAPSHOT_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    random_rounds(seed, rounds);
}

#[test]
fn random_edits_with_gix_walk() {
    super::FORCE_GIX_WALK.with(|f| f.set(true));
    let seed: u64 = std::env::var("SNAPSHOT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12345);
    random_rounds(seed, 40);
}

fn random_rounds(seed: u64, rounds: usize) {
    let r = Repo::new();
    r.write(".gitignore", "*.ign\nignored-dir/\n");
    let names = [
        "a.txt",
        "b.txt",
        "d1/c.txt",
        "d1/d.txt",
        "d1/e/f.txt",
        "d2/g.txt",
        "d2/h.ign",
        "ignored-dir/x.txt",
        "d3/i j.txt",
        "d3/k/l/m.txt",
        "n.sh",
        "d1/e.txt",
        "d1.txt",
        "d4/crlf.txt",
        "d4/sub/keep.ign",
    ];
    let ignores = [
        "*.ign\nignored-dir/\n",
        "*.ign\n!keep.ign\n",
        "d1/\n",
        "",
        "*.txt\n!a.txt\n",
    ];
    let attributes = ["", "*.txt text eol=lf\n", "*.txt -text\n", "d4/* text eol=crlf\n"];
    let mut rng = Rng(seed | 1);
    for (i, n) in names.iter().enumerate() {
        if i % 3 != 0 {
            r.write(n, format!("initial {n}\r\n"));
        }
    }
    r.commit_all("init");
    let git_ok = |args: &[&str]| {
        let mut cmd = Command::new("git");
        cmd.current_dir(&r.path).args(args);
        crate::testing::seal(&mut cmd, &r.home);
        let _ = cmd.output().unwrap();
    };
    for round in 0..rounds {
        let edits = 1 + rng.below(4);
        for _ in 0..edits {
            let name = names[rng.below(names.len())];
            let op = rng.below(16);
            if std::env::var_os("SNAPSHOT_DEBUG").is_some() {
                eprintln!("round {round}: op {op} on {name}");
            }
            let is_dir = r.p(name).symlink_metadata().is_ok_and(|m| m.is_dir());
            match op {
                0..=3 => {
                    // Same size content, often, to exercise racy-git detection.
                    if !is_dir {
                        let v = rng.below(4);
                        r.write(
                            name,
                            if v == 3 {
                                format!("content-{v}\r\n")
                            } else {
                                format!("content-{v}")
                            },
                        );
                    }
                }
                4 => {
                    if !is_dir {
                        r.rm(name);
                    }
                }
                5 => {
                    if r.p(name).is_file() {
                        r.chmod(name, rng.below(2) == 0);
                    }
                }
                6 => {
                    if !is_dir {
                        r.symlink(&format!("target-{}", rng.below(3)), name);
                    }
                }
                7 => git_ok(&["add", "-A"]),
                8 => git_ok(&["commit", "-q", "-a", "--allow-empty", "-m", "round"]),
                9 => git_ok(&["reset", "-q"]),
                10 => r.write(".gitignore", ignores[rng.below(ignores.len())]),
                11 => r.write(".gitattributes", attributes[rng.below(attributes.len())]),
                12 => git_ok(&["rm", "-q", "--cached", "--ignore-unmatch", name]),
                13 => git_ok(&["add", "-f", "--ignore-errors", name]),
                14 => {
                    // A file turns into a directory or back.
                    let dir = name.rsplit_once('/').map_or(name, |(d, _)| d);
                    if r.p(dir).is_dir() && dir != name {
                        r.rm(dir);
                        r.write(dir, "was a directory\n");
                    } else if r.p(name).is_file() {
                        r.rm(name);
                        r.write(&format!("{name}/inner.txt"), "now a directory\n");
                    }
                }
                _ => r.rm(".gitattributes"),
            }
        }
        if round % 7 == 0 {
            r.settle();
        }
        r.check();
    }
}

#[test]
fn gitattributes_only_in_index() {
    for rules in ["*.txt text eol=lf\n", "*.txt -text\n", ""] {
        let r = Repo::new();
        r.write(".gitattributes", rules);
        r.write("f.txt", "committed\n");
        r.commit_all("init");
        r.rm(".gitattributes");
        r.write("f.txt", "a\r\n");
        r.write("g.txt", "b\r\n");
        r.check();
        r.write(".gitattributes", "*.txt text eol=lf\n");
        r.check();
        r.rm(".gitattributes");
        r.check();
    }
}

#[test]
fn gitattributes_change_then_untrack() {
    let r = Repo::new();
    r.write("a.txt", "crlf\r\n");
    r.write("b.txt", "crlf\r\n");
    r.commit_all("init");
    r.settle();
    r.check();
    // git keeps stat-clean entries under new attributes...
    r.write(".gitattributes", "*.txt text eol=lf\n");
    r.check();
    // ...but hashes a file afresh once it is untracked, or once its mode changed.
    r.git(&["rm", "-q", "--cached", "a.txt"]);
    r.check();
    r.chmod("b.txt", true);
    r.check();
}

#[test]
fn sparse_checkout_skip_worktree() {
    let r = Repo::new();
    r.write("in/a.txt", "a\n");
    r.write("out/b.txt", "b\n");
    r.write("out/.gitattributes", "*.txt text eol=crlf\n");
    r.commit_all("init");
    r.git(&["sparse-checkout", "set", "--no-cone", "/in/"]);
    assert!(!r.p("out/b.txt").exists());
    r.check();
    r.write("in/new.txt", "n\n");
    r.check();
    r.write("out/b.txt", "recreated but skip-worktree\n");
    r.check();
}

#[test]
fn glob_characters_symlinked_dirs_and_nested_repos_in_tracked_dirs() {
    let r = Repo::new();
    r.write(".gitignore", "ignored-repo/\n");
    r.write("lib/a.txt", "a\n");
    r.write("we*ird [dir]/x?.txt", "x\n");
    r.commit_all("init");
    r.write("we*ird [dir]/new*/y.txt", "y\n");
    r.write("lib/new [set]/z.txt", "z\n");
    r.symlink("../lib", "lib/link-to-dir");
    r.write("lib/empty/.keep-nothing/.x", "");
    std::fs::create_dir_all(r.p("lib/really-empty")).unwrap();
    let nested = r.p("lib/inner-repo");
    init_at(&nested, &r.home);
    std::fs::write(nested.join("f"), "f\n").unwrap();
    run_git(&nested, &r.home, &["add", "-A"], &[]);
    run_git(&nested, &r.home, &["commit", "-q", "-m", "f"], &[]);
    let ignored = r.p("lib/ignored-repo");
    init_at(&ignored, &r.home);
    std::fs::write(ignored.join("g"), "g\n").unwrap();
    run_git(&ignored, &r.home, &["add", "-A"], &[]);
    run_git(&ignored, &r.home, &["commit", "-q", "-m", "g"], &[]);
    // A nested repository without commits: git refuses to add it, so keep it ignored here.
    r.check();
    r.write("lib/inner-repo/more.txt", "inside the nested repository\n");
    r.check();
}

#[test]
fn concurrent_captures_keep_the_cache_sound() {
    let r = Repo::new();
    for i in 0..60 {
        r.write(&format!("d{}/f{i}.txt", i % 5), format!("{i}\n"));
    }
    r.commit_all("init");
    r.settle();
    let path = r.path.clone();
    for round in 0..6 {
        r.write(&format!("d1/f{round}.txt"), format!("round {round}\n"));
        r.write(&format!("u/{round}.txt"), format!("untracked {round}\n"));
        let expected = r.oracle();
        let trees: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let path = path.clone();
                    s.spawn(move || {
                        let repo = gix::open_opts(&path, gix::open::Options::isolated()).unwrap();
                        (0..3)
                            .map(|_| capture(&repo, &CaptureOptions::default()).unwrap().tree.to_string())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        for t in trees {
            assert_eq!(t, expected, "round {round}");
        }
        r.check();
    }
}

#[test]
fn many_new_files_hashed_in_parallel() {
    let r = Repo::new();
    r.git(&["config", "filter.x.clean", "tr a-z A-Z"]);
    r.write(".gitattributes", "*.up filter=x\n*.txt text eol=lf\n");
    for i in 0..400 {
        let ext = ["txt", "up", "bin"][i % 3];
        r.write(&format!("n{}/f{i}.{ext}", i % 9), format!("file {i}\r\nline two\r\n"));
    }
    let c = r.check();
    assert!(c.hashed >= 400, "hashed {}", c.hashed);
    r.commit_all("init");
    for i in (0..400).step_by(3) {
        r.write(&format!("n{}/f{i}.txt", i % 9), format!("changed {i}\r\n"));
    }
    r.check();
}

#[test]
fn sparse_index() {
    let r = Repo::new();
    r.write("in/a.txt", "a\n");
    r.write("out/b.txt", "b\n");
    r.write("out/deeper/c.txt", "c\n");
    r.write("top.txt", "t\n");
    r.commit_all("init");
    r.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    r.git(&["sparse-checkout", "set", "in"]);
    let ls = r.git(&["ls-files", "--sparse", "-s"]);
    assert!(ls.contains("out/"), "a sparse directory entry: {ls}");
    r.check();
    r.write("in/new.txt", "n\n");
    r.write("top.txt", "changed\n");
    r.check();
}
