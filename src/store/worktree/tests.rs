//! Oracle tests: what `add` makes is compared with what `git worktree add -b`
//! makes, and git itself (`worktree list`, `status`, `fsck`, `worktree remove`,
//! `worktree prune`) is asked whether it agrees.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

struct Fixture {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    /// The main work tree, with symbolic links resolved.
    path: PathBuf,
}

/// Runs git in `dir` and returns its stdout; panics when it fails.
fn git_in(dir: &Path, home: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    crate::testing::seal(&mut cmd, home);
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

impl Fixture {
    /// A repository on `main` with a CRLF attribute, an executable, a
    /// symbolic link, a nested directory, a binary file and a `.gitignore`.
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().expect("temp dir resolves");
        let home = root.join("home");
        let path = root.join("repo");
        std::fs::create_dir_all(&home).expect("home");
        std::fs::create_dir_all(&path).expect("repo dir");
        let f = Fixture { _tmp: tmp, home, path };
        f.git(&["init", "-q", "-b", "main"]);
        f.git(&["config", "user.name", "Test"]);
        f.git(&["config", "user.email", "test@example.com"]);
        f.write(".gitattributes", "*.txt text eol=crlf\n*.dat binary\n");
        f.write(".gitignore", "*.log\n");
        f.write("a.txt", "one\ntwo\n");
        f.write("bin.dat", [0u8, 1, 2, b'\n', 0xff]);
        f.write("run.sh", "#!/bin/sh\necho hi\n");
        std::fs::set_permissions(f.path.join("run.sh"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::os::unix::fs::symlink("a.txt", f.path.join("link")).expect("symlink");
        f.write("dir/sub/deep.txt", "deep\n");
        f.write("dir/top.md", "# top\n");
        f.git(&["add", "-A"]);
        f.git(&["commit", "-q", "-m", "files"]);
        f
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(&self.path, &self.home, args)
    }

    fn write(&self, rela: &str, content: impl AsRef<[u8]>) {
        let p = self.path.join(rela);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("parents");
        std::fs::write(p, content).expect("write");
    }

    /// A path next to the main work tree.
    fn beside(&self, rela: &str) -> PathBuf {
        self.path.parent().expect("temp root").join(rela)
    }

    fn store(&self) -> Store {
        Store::from_repo(self.repo())
    }

    fn repo(&self) -> gix::Repository {
        gix::open_opts(&self.path, gix::open::Options::isolated()).expect("repo opens")
    }

    fn head(&self) -> ObjectId {
        ObjectId::from_hex(self.git(&["rev-parse", "HEAD"]).trim().as_bytes()).expect("hex")
    }

    fn branch_exists(&self, branch: &str) -> bool {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.path)
            .args(["rev-parse", "-q", "--verify", &format!("refs/heads/{branch}")]);
        crate::testing::seal(&mut cmd, &self.home);
        cmd.output().expect("git runs").status.success()
    }

    fn worktree_list(&self) -> String {
        self.git(&["worktree", "list", "--porcelain"])
    }

    fn admin_dirs(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(self.path.join(".git/worktrees")) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = dir
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        ids
    }
}

/// Every path under `dir` but `.git`, with its kind, mode bits and content
/// (or link target), sorted.
fn tree_of(dir: &Path) -> Vec<(String, String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let rela = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            if rela == ".git" {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).expect("stat");
            if meta.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                out.push((rela, "link".into(), target.to_string_lossy().as_bytes().to_vec()));
            } else if meta.is_dir() {
                out.push((rela.clone(), "dir".into(), Vec::new()));
                walk(root, &path, out);
            } else {
                let mode = format!("{:o}", meta.permissions().mode() & 0o111);
                out.push((rela, mode, std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `target` as a path relative to the current directory (`../../tmp/…`).
fn relative_from_cwd(target: &Path) -> PathBuf {
    let cwd = std::env::current_dir()
        .expect("cwd")
        .canonicalize()
        .expect("cwd resolves");
    let common = cwd
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in cwd.components().skip(common) {
        rel.push("..");
    }
    for part in target.components().skip(common) {
        rel.push(part);
    }
    rel
}

fn message_of(err: &anyhow::Error) -> String {
    format!("{err:#}")
}

#[test]
fn add_checks_out_what_git_worktree_add_checks_out() {
    let f = Fixture::new();
    let head = f.head();
    let ours = f.beside("ours");
    let added = add(&f.store(), &ours, "feature", head).expect("add");
    assert_eq!(added, ours);
    f.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "theirs",
        f.beside("theirs").to_str().expect("utf-8"),
        "HEAD",
    ]);

    // The files, bytes and modes, are git's: CRLF from the attribute, the exec bit, the link.
    let files = tree_of(&ours);
    assert_eq!(files, tree_of(&f.beside("theirs")));
    let a_txt = files.iter().find(|(p, ..)| p == "a.txt").expect("a.txt");
    assert_eq!(a_txt.2, b"one\r\ntwo\r\n");
    assert!(files.contains(&("link".into(), "link".into(), b"a.txt".to_vec())));
    assert!(files.iter().any(|(p, mode, _)| p == "run.sh" && mode == "111"));
    assert!(files.iter().any(|(p, ..)| p == "dir/sub/deep.txt"));
    assert_eq!(
        git_in(&ours, &f.home, &["ls-files", "-s"]),
        git_in(&f.beside("theirs"), &f.home, &["ls-files", "-s"])
    );

    // git sees a registered work tree on the new branch at the commit.
    let list = f.worktree_list();
    let entry = format!("worktree {}\nHEAD {head}\nbranch refs/heads/feature\n", ours.display());
    assert!(list.contains(&entry), "{entry:?} not in\n{list}");
    assert_eq!(git_in(&ours, &f.home, &["rev-parse", "HEAD"]).trim(), head.to_string());
    assert_eq!(
        git_in(&ours, &f.home, &["symbolic-ref", "HEAD"]),
        "refs/heads/feature\n"
    );
    assert_eq!(
        git_in(&ours, &f.home, &["rev-parse", "--show-toplevel"]).trim(),
        ours.to_str().unwrap()
    );

    // The administrative files are the ones git writes.
    let admin = f.path.join(".git/worktrees/ours");
    let read = |p: &Path| std::fs::read_to_string(p).expect("readable");
    assert_eq!(read(&admin.join("HEAD")), "ref: refs/heads/feature\n");
    assert_eq!(read(&admin.join("commondir")), "../..\n");
    assert_eq!(read(&admin.join("gitdir")), format!("{}/.git\n", ours.display()));
    assert_eq!(read(&ours.join(".git")), format!("gitdir: {}\n", admin.display()));
    assert!(admin.join("index").is_file());
    assert!(!admin.join("locked").exists(), "the initialising lock is gone");
    let reflog = read(&f.path.join(".git/logs/refs/heads/feature"));
    assert!(reflog.ends_with("\tbranch: Created from HEAD\n"), "{reflog}");
    assert_eq!(reflog.lines().count(), 1);

    // Clean, and with stat data git trusts: `git status` does not rewrite the index.
    let index = admin.join("index");
    let before = (
        std::fs::read(&index).unwrap(),
        std::fs::metadata(&index).unwrap().modified().unwrap(),
    );
    assert_eq!(git_in(&ours, &f.home, &["status", "--porcelain"]), "");
    let after = (
        std::fs::read(&index).unwrap(),
        std::fs::metadata(&index).unwrap().modified().unwrap(),
    );
    assert!(before == after, "git status rewrote the index");
    assert!(is_clean(&ours).expect("status"));

    f.git(&["fsck", "--strict", "--no-progress"]);
    // git's own remove accepts ours.
    f.git(&["worktree", "remove", ours.to_str().unwrap()]);
    assert!(!ours.exists());
    assert!(!admin.exists());
    assert!(f.branch_exists("feature"));
}

#[test]
fn remove_takes_away_ours_and_gits_with_their_ignored_files() {
    let f = Fixture::new();
    let ours = add(&f.store(), &f.beside("ours"), "ours", f.head()).expect("add");
    let theirs = f.beside("theirs");
    f.git(&["worktree", "add", "-q", "-b", "theirs", theirs.to_str().unwrap()]);
    for wt in [&ours, &theirs] {
        std::fs::write(wt.join("build.log"), "ignored\n").unwrap();
        std::fs::create_dir_all(wt.join("dir/target")).unwrap();
        std::fs::write(wt.join("dir/target/x.log"), "ignored\n").unwrap();
        assert!(
            is_clean(wt).expect("status"),
            "ignored files keep {} clean",
            wt.display()
        );
    }

    remove(&f.store(), &ours).expect("remove ours");
    remove(&f.store(), &theirs).expect("remove git's");
    assert!(!ours.exists() && !theirs.exists());
    assert_eq!(
        f.worktree_list(),
        format!(
            "worktree {}\nHEAD {}\nbranch refs/heads/main\n\n",
            f.path.display(),
            f.head()
        )
    );
    assert_eq!(f.git(&["worktree", "prune", "-n", "-v"]), "");
    assert!(
        !f.path.join(".git/worktrees").exists(),
        "the empty worktrees directory goes too"
    );
    assert!(
        f.branch_exists("ours") && f.branch_exists("theirs"),
        "branches are kept"
    );
    f.git(&["fsck", "--strict", "--no-progress"]);
}

#[test]
fn relative_paths_are_relative_to_the_current_directory() {
    let f = Fixture::new();
    let target = f.beside("nested/rel");
    let rel = relative_from_cwd(&target);
    assert!(rel.is_relative() && rel.starts_with(".."), "{}", rel.display());
    let added = add(&f.store(), &rel, "rel", f.head()).expect("add");
    assert_eq!(added, target);
    assert!(f.worktree_list().contains(&format!("worktree {}\n", target.display())));
    assert_eq!(git_in(&target, &f.home, &["status", "--porcelain"]), "");
    remove(&f.store(), &rel).expect("remove");
    assert!(!target.exists());
    assert_eq!(f.git(&["worktree", "prune", "-n", "-v"]), "");
}

#[test]
fn ids_are_made_unique_as_git_makes_them() {
    let f = Fixture::new();
    let store = f.store();
    let one = add(&store, &f.beside("x/wt"), "one", f.head()).expect("first");
    let two = add(&store, &f.beside("y/wt"), "two", f.head()).expect("second");
    let three = add(&store, &f.beside("wt.lock"), "three", f.head()).expect("third");
    assert_eq!(f.admin_dirs(), ["wt", "wt1", "wt2"]);
    let gitdir = |id: &str| std::fs::read_to_string(f.path.join(".git/worktrees").join(id).join("gitdir")).unwrap();
    assert_eq!(gitdir("wt"), format!("{}/.git\n", one.display()));
    assert_eq!(gitdir("wt1"), format!("{}/.git\n", two.display()));
    assert_eq!(gitdir("wt2"), format!("{}/.git\n", three.display()));
    assert_eq!(f.git(&["worktree", "prune", "-n", "-v"]), "");
}

#[test]
fn an_empty_directory_is_used() {
    let f = Fixture::new();
    let dir = f.beside("empty");
    std::fs::create_dir(&dir).unwrap();
    add(&f.store(), &dir, "feature", f.head()).expect("add into an empty directory");
    assert_eq!(git_in(&dir, &f.home, &["status", "--porcelain"]), "");
}

#[test]
fn refuses_an_existing_path_and_changes_nothing() {
    let f = Fixture::new();
    let full = f.beside("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("keep"), "mine\n").unwrap();
    let file = f.beside("file");
    std::fs::write(&file, "a file\n").unwrap();
    let dangling = f.beside("dangling");
    std::os::unix::fs::symlink(f.beside("nowhere"), &dangling).unwrap();
    for path in [&full, &file, &dangling] {
        let err = add(&f.store(), path, "feature", f.head()).expect_err("refused");
        assert!(message_of(&err).contains("already exists"), "{err:#}");
    }
    assert_eq!(std::fs::read(full.join("keep")).unwrap(), b"mine\n");
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
    assert!(!f.beside("nowhere").exists());
    assert!(!f.branch_exists("feature"));
    assert!(!f.path.join(".git/worktrees").exists());
}

#[test]
fn refuses_an_existing_branch_and_bad_names() {
    let f = Fixture::new();
    f.git(&["branch", "taken"]);
    let path = f.beside("wt");
    let err = add(&f.store(), &path, "taken", f.head()).expect_err("refused");
    assert!(
        message_of(&err).contains("a branch named 'taken' already exists"),
        "{err:#}"
    );
    for bad in ["has space", "-dash", "HEAD", "a..b", "x.lock", ""] {
        let err = add(&f.store(), &path, bad, f.head()).expect_err(bad);
        assert!(
            message_of(&err).contains("is not a valid branch name"),
            "{bad}: {err:#}"
        );
    }
    assert!(!path.exists());
    assert!(!f.path.join(".git/worktrees").exists());
}

#[test]
fn refuses_a_path_inside_the_git_dir() {
    let f = Fixture::new();
    for inside in [f.path.join(".git/wt"), f.path.join(".git")] {
        let err = add(&f.store(), &inside, "feature", f.head()).expect_err("refused");
        assert!(
            message_of(&err).contains("inside the repository's git directory"),
            "{err:#}"
        );
    }
    assert!(!f.path.join(".git/wt").exists());
    assert!(!f.branch_exists("feature"));
}

#[test]
fn a_failed_add_takes_back_the_branch_and_the_directories() {
    let f = Fixture::new();
    // A registered work tree whose directory is gone: gix refuses it once the branch exists.
    let gone = f.beside("a/b/gone");
    f.git(&["worktree", "add", "-q", "-b", "old", gone.to_str().unwrap()]);
    std::fs::remove_dir_all(f.beside("a")).unwrap();
    let err = add(&f.store(), &gone, "feature", f.head()).expect_err("refused");
    assert!(message_of(&err).contains("already registered"), "{err:#}");
    assert!(!f.branch_exists("feature"));
    assert!(!f.path.join(".git/logs/refs/heads/feature").exists());
    assert!(!f.beside("a").exists(), "the parent directories made for it are gone");
    assert_eq!(f.admin_dirs(), ["gone"]);

    // A checkout that fails: one of the commit's blobs is missing.
    f.git(&["worktree", "prune"]);
    f.write("lost.txt", "this blob will be lost\n");
    f.git(&["add", "lost.txt"]);
    f.git(&["commit", "-q", "-m", "lost"]);
    let blob = f.git(&["rev-parse", "HEAD:lost.txt"]);
    let blob = blob.trim();
    std::fs::remove_file(f.path.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let broken = f.beside("c/broken");
    let err = add(&f.store(), &broken, "feature", f.head()).expect_err("checkout fails");
    assert!(!message_of(&err).is_empty());
    assert!(!f.branch_exists("feature"));
    assert!(!f.beside("c").exists());
    assert!(!f.path.join(".git/worktrees").exists(), "{:?}", f.admin_dirs());
}

#[test]
fn a_dirty_worktree_is_neither_clean_nor_removed() {
    let f = Fixture::new();
    let wt = add(&f.store(), &f.beside("wt"), "feature", f.head()).expect("add");
    let git = |args: &[&str]| git_in(&wt, &f.home, args);
    let changes: [(&str, &dyn Fn()); 5] = [
        ("modified", &|| {
            std::fs::write(wt.join("dir/top.md"), "# changed\n").unwrap()
        }),
        ("deleted", &|| {
            std::fs::remove_file(wt.join("dir/sub/deep.txt")).unwrap()
        }),
        ("untracked", &|| std::fs::write(wt.join("dir/new.md"), "new\n").unwrap()),
        ("staged", &|| {
            std::fs::write(wt.join("dir/top.md"), "# staged\n").unwrap();
            git(&["add", "dir/top.md"]);
        }),
        ("mode", &|| {
            std::fs::set_permissions(wt.join("run.sh"), std::fs::Permissions::from_mode(0o644)).unwrap();
        }),
    ];
    for (what, change) in changes {
        change();
        assert_ne!(git(&["status", "--porcelain"]), "", "{what}: git sees a change");
        assert!(!is_clean(&wt).expect("status"), "{what}: not clean");
        let err = remove(&f.store(), &wt).expect_err(what);
        assert!(
            message_of(&err).contains("modified or untracked files"),
            "{what}: {err:#}"
        );
        assert!(
            wt.join(".git").is_file() && f.path.join(".git/worktrees/wt/HEAD").is_file(),
            "{what}"
        );
        git(&["reset", "-q", "--hard"]);
        git(&["clean", "-q", "-f"]);
        assert!(is_clean(&wt).expect("status"), "{what}: clean again");
    }
    remove(&f.store(), &wt).expect("clean again, so removed");
}

#[test]
fn refuses_the_main_worktree_a_stranger_and_a_locked_one() {
    let f = Fixture::new();
    let err = remove(&f.store(), &f.path).expect_err("main");
    assert!(message_of(&err).contains("is the main work tree"), "{err:#}");
    assert!(f.path.join(".git").is_dir() && f.path.join("a.txt").is_file());

    let stranger = f.beside("stranger");
    std::fs::create_dir(&stranger).unwrap();
    let err = remove(&f.store(), &stranger).expect_err("stranger");
    assert!(message_of(&err).contains("is not a linked work tree"), "{err:#}");
    assert!(stranger.is_dir());

    let wt = add(&f.store(), &f.beside("wt"), "feature", f.head()).expect("add");
    f.git(&["worktree", "lock", "--reason", "on a usb stick", wt.to_str().unwrap()]);
    let err = remove(&f.store(), &wt).expect_err("locked");
    assert!(message_of(&err).contains("locked: on a usb stick"), "{err:#}");
    assert!(wt.join("a.txt").is_file());
    f.git(&["worktree", "unlock", wt.to_str().unwrap()]);
    remove(&f.store(), &wt).expect("unlocked, so removed");
}

#[test]
fn a_linked_worktree_adds_and_removes_siblings() {
    let f = Fixture::new();
    let first = add(&f.store(), &f.beside("first"), "first", f.head()).expect("add");
    let from_linked = Store::from_repo(gix::open_opts(&first, gix::open::Options::isolated()).expect("opens"));
    let second = add(&from_linked, &f.beside("second"), "second", f.head()).expect("add from a linked one");
    assert_eq!(f.admin_dirs(), ["first", "second"]);
    assert_eq!(git_in(&second, &f.home, &["status", "--porcelain"]), "");
    remove(&from_linked, &second).expect("remove a sibling");
    remove(&from_linked, &first).expect("remove itself");
    assert_eq!(f.git(&["worktree", "prune", "-n", "-v"]), "");
    assert!(f.admin_dirs().is_empty());
}
