//! Property test of the round trip a rewind promises (docs/design.md
//! "Proof"): restoring a snapshot `t` into a work tree that holds another
//! state, then snapshotting the work tree, gives `t` again, for random
//! trees with symlinks, executable files and deep paths. git is the
//! oracle of the first snapshot (`git add -A && git write-tree`).
//!
//! Cases: [`crate::testing::cases`] (`GIT_SESSION_PROPTEST_CASES` for more).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

use crate::snapshot::{capture, CaptureOptions};
use crate::store::Store;
use crate::testing::{seal, TempRepo};

/// What a path of a random tree holds.
#[derive(Clone, Debug)]
enum Node {
    File { content: Vec<u8>, exec: bool },
    Link(String),
}

/// A random tree: up to 12 paths up to 8 directories deep, none of them
/// inside another (a path that would be is left out).
fn tree() -> impl Strategy<Value = BTreeMap<String, Node>> {
    let path = proptest::collection::vec("[a-c]{1,2}|d-[0-9]", 1..9).prop_map(|parts| parts.join("/"));
    let node = prop_oneof![
        3 => (proptest::collection::vec(any::<u8>(), 0..40), any::<bool>())
            .prop_map(|(content, exec)| Node::File { content, exec }),
        1 => "[a-c./]{1,10}".prop_map(Node::Link),
    ];
    proptest::collection::vec((path, node), 0..12).prop_map(|entries| {
        let mut tree: BTreeMap<String, Node> = BTreeMap::new();
        for (path, node) in entries {
            let clashes = tree
                .keys()
                .any(|p| p == &path || path.starts_with(&format!("{p}/")) || p.starts_with(&format!("{path}/")));
            if !clashes {
                tree.insert(path, node);
            }
        }
        tree
    })
}

/// Makes the work tree at `dir` hold exactly `tree` (and `.git`).
fn lay(dir: &Path, tree: &BTreeMap<String, Node>) {
    for entry in std::fs::read_dir(dir).expect("the work tree") {
        let path = entry.expect("an entry").path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path).expect("remove a directory");
        } else {
            std::fs::remove_file(&path).expect("remove a file");
        }
    }
    for (path, node) in tree {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("directories");
        match node {
            Node::File { content, exec } => {
                std::fs::write(&full, content).expect("a file");
                let mode = if *exec { 0o755 } else { 0o644 };
                std::fs::set_permissions(&full, std::fs::Permissions::from_mode(mode)).expect("its mode");
            }
            Node::Link(target) => std::os::unix::fs::symlink(target, &full).expect("a symlink"),
        }
    }
}

/// What git writes for the work tree: `add -A` and `write-tree` on a
/// private index.
fn oracle(repo: &TempRepo) -> String {
    let index = repo.path.join(".git/oracle-index");
    let _ = std::fs::remove_file(&index);
    let git = |args: &[&str]| {
        let mut cmd = Command::new("git");
        cmd.current_dir(&repo.path).args(args).env("GIT_INDEX_FILE", &index);
        let out = seal(&mut cmd, &repo.home).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    git(&["add", "-A"]);
    git(&["write-tree"])
}

proptest! {
    #![proptest_config(crate::testing::proptest_config(32))]

    /// snapshot(restore(t)) == t, from a work tree that holds another tree.
    #[test]
    fn restoring_a_snapshot_and_snapshotting_again_gives_it_back(t in tree(), other in tree()) {
        let repo = TempRepo::new();
        let store = Store::discover(&repo.path).expect("a store");
        let opts = CaptureOptions::default();
        lay(&repo.path, &t);
        let snapshot = capture(store.repo(), &opts).expect("a snapshot").tree;
        prop_assert_eq!(snapshot.to_string(), oracle(&repo));
        lay(&repo.path, &other);
        let now = capture(store.repo(), &opts).expect("a snapshot").tree;
        let plan = super::plan(&store, now, snapshot, &super::Scope::All).expect("a plan");
        super::apply(&store, &plan).expect("the restore");
        let again = capture(store.repo(), &opts).expect("a snapshot").tree;
        prop_assert_eq!(again, snapshot);
    }
}
