//! The paths a scope is checked against: the files a commit changed (from
//! its first parent) and the files staged for the next commit (the index
//! against HEAD), and declaring a scope with the repository's pathspec
//! defaults (`GIT_GLOB_PATHSPECS` and its siblings).

use std::path::Path;

use anyhow::{Context, Result};
use gix::ObjectId;

use super::{object_id, Store};
use crate::session::Oid;

impl Store {
    /// `patterns` as typed in the work tree directory `prefix` (`/`-separated,
    /// from the top), in the form an intent stores them (`diff::scope`).
    pub(crate) fn declare_scope(&self, patterns: &[String], prefix: &str) -> Result<Vec<String>> {
        let root = self.workdir()?;
        let defaults = self
            .repo
            .pathspec_defaults()
            .context("cannot read the pathspec settings (GIT_*_PATHSPECS)")?;
        crate::diff::scope::declare(patterns, Path::new(prefix), root, defaults)
    }

    /// The files `commit` changed against its first parent (everything it
    /// holds for a root commit), sorted. `None` when the commit is not in
    /// this repository.
    pub(crate) fn commit_paths(&self, commit: &Oid) -> Result<Option<Vec<String>>> {
        let id = object_id(commit)?;
        let Ok(commit) = self.repo.find_commit(id) else {
            return Ok(None);
        };
        let tree = commit.tree_id().context("cannot read a commit's tree")?.detach();
        let parent_tree = match commit.parent_ids().next() {
            Some(parent) => self
                .repo
                .find_commit(parent)
                .context("cannot read a commit's parent")?
                .tree_id()
                .context("cannot read a commit's tree")?
                .detach(),
            None => ObjectId::empty_tree(self.repo.object_hash()),
        };
        Ok(Some(
            self.paths_between(parent_tree, tree)?
                .into_iter()
                .map(|p| p.to_string())
                .collect(),
        ))
    }

    /// The files whose staged version differs from HEAD's (`git diff
    /// --cached --name-only --no-renames`), sorted: what the next commit
    /// changes. Reads the index git names (`GIT_INDEX_FILE` inside a
    /// commit's hooks). Like git, it skips each directory whose cache-tree
    /// entry (the index's `TREE` extension) is valid and names HEAD's tree
    /// for it, so a commit of one file reads the index and a few trees.
    pub(crate) fn staged_paths(&self) -> Result<Vec<String>> {
        let index = self.repo.index_or_empty().context("cannot read the index")?;
        let head_tree = match self.repo.head_tree_id_or_empty() {
            Ok(id) => id.detach(),
            Err(_) => ObjectId::empty_tree(self.repo.object_hash()),
        };
        let mut staged = Vec::new();
        let walk = Walk {
            repo: &self.repo,
            index: &index,
        };
        walk.dir(b"", Some(head_tree), index.tree(), index.entries(), &mut staged)?;
        Ok(staged)
    }
}

/// A walk of HEAD's tree beside the index.
struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::State,
}

/// One side of a directory: a tree entry or a run of index entries.
enum Side<'e> {
    File(gix::objs::tree::EntryMode, ObjectId),
    Dir(ObjectId),
    Entries(&'e [gix::index::Entry]),
}

impl Walk<'_> {
    /// Compares the directory `prefix` (empty, or ending in `/`) of HEAD
    /// (`tree`) with the index `entries` under it, pushing what differs.
    fn dir(
        &self,
        prefix: &[u8],
        tree: Option<ObjectId>,
        cache: Option<&gix::index::extension::Tree>,
        entries: &[gix::index::Entry],
        out: &mut Vec<String>,
    ) -> Result<()> {
        if let (Some(tree), Some(cache)) = (tree, cache) {
            if cache.num_entries == Some(entries.len() as u32) && cache.id == tree {
                return Ok(());
            }
        }
        // HEAD's side: (sort key, name, entry); keys sort as git sorts tree
        // entries (a directory as its name and `/`).
        let mut theirs: Vec<(Vec<u8>, Side<'_>)> = Vec::new();
        if let Some(tree) = tree {
            let tree = self.repo.find_tree(tree).context("cannot read a tree of HEAD")?;
            for entry in tree.iter() {
                let entry = entry.context("cannot read a tree of HEAD")?;
                let mut key = entry.filename().to_vec();
                if entry.mode().is_tree() {
                    key.push(b'/');
                    theirs.push((key, Side::Dir(entry.oid().to_owned())));
                } else {
                    theirs.push((key, Side::File(entry.mode(), entry.oid().to_owned())));
                }
            }
        }
        // The index's side: its entries under `prefix`, grouped by the next
        // component (all paths under `a/` are one contiguous run).
        let mut ours: Vec<(Vec<u8>, Side<'_>)> = Vec::new();
        let mut at = 0;
        while at < entries.len() {
            let rest = &entries[at].path(self.index)[prefix.len()..];
            let (key, end) = match rest.iter().position(|&b| b == b'/') {
                Some(slash) => {
                    let key = rest[..=slash].to_vec();
                    let mut end = at + 1;
                    while end < entries.len() && entries[end].path(self.index)[prefix.len()..].starts_with(&key) {
                        end += 1;
                    }
                    (key, end)
                }
                None => {
                    let mut end = at + 1;
                    while end < entries.len() && entries[end].path(self.index)[prefix.len()..] == *rest {
                        end += 1;
                    }
                    (rest.to_vec(), end)
                }
            };
            ours.push((key, Side::Entries(&entries[at..end])));
            at = end;
        }
        let (mut a, mut b) = (theirs.into_iter().peekable(), ours.into_iter().peekable());
        loop {
            let order = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((x, _)), Some((y, _))) => x.cmp(y),
            };
            match order {
                std::cmp::Ordering::Less => {
                    let (key, side) = a.next().expect("peeked");
                    self.all_of(prefix, &key, side, out)?;
                }
                std::cmp::Ordering::Greater => {
                    let (key, side) = b.next().expect("peeked");
                    self.all_of(prefix, &key, side, out)?;
                }
                std::cmp::Ordering::Equal => {
                    let ((key, head), (_, index)) = (a.next().expect("peeked"), b.next().expect("peeked"));
                    let Side::Entries(run) = index else {
                        unreachable!("the index side holds entries")
                    };
                    match head {
                        Side::Dir(subtree) => {
                            let name = &key[..key.len() - 1];
                            let child = cache.and_then(|c| c.children.iter().find(|t| t.name.as_slice() == name));
                            self.dir(&[prefix, &key].concat(), Some(subtree), child, run, out)?;
                        }
                        Side::File(mode, id) => {
                            let same = run.len() == 1
                                && run[0].stage_raw() == 0
                                && run[0].id == id
                                && run[0].mode.to_tree_entry_mode() == Some(mode);
                            if !same {
                                push(out, &[prefix, &key].concat());
                            }
                        }
                        Side::Entries(_) => unreachable!("HEAD's side holds tree entries"),
                    }
                }
            }
        }
        Ok(())
    }

    /// Every file of `side`, which only one of HEAD and the index has.
    fn all_of(&self, prefix: &[u8], key: &[u8], side: Side<'_>, out: &mut Vec<String>) -> Result<()> {
        match side {
            Side::File(..) => push(out, &[prefix, key].concat()),
            Side::Entries(run) => {
                let mut last: Option<&[u8]> = None;
                for entry in run {
                    let path: &[u8] = entry.path(self.index);
                    if last != Some(path) {
                        push(out, path);
                    }
                    last = Some(path);
                }
            }
            Side::Dir(tree) => {
                let dir = [prefix, key].concat();
                let tree = self.repo.find_tree(tree).context("cannot read a tree of HEAD")?;
                for entry in tree.iter() {
                    let entry = entry.context("cannot read a tree of HEAD")?;
                    let mut name = entry.filename().to_vec();
                    if entry.mode().is_tree() {
                        name.push(b'/');
                        self.all_of(&dir, &name, Side::Dir(entry.oid().to_owned()), out)?;
                    } else {
                        push(out, &[dir.as_slice(), &name].concat());
                    }
                }
            }
        }
        Ok(())
    }
}

fn push(out: &mut Vec<String>, path: &[u8]) {
    out.push(String::from_utf8_lossy(path).into_owned());
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use proptest::prelude::*;

    use super::*;
    use crate::testing::{proptest_config, seal, TempRepo};

    fn git(repo: &TempRepo, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(&repo.path).args(args);
        let out = seal(&mut cmd, &repo.home).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Paths of a small tree: a few names, nested up to three deep, so that
    /// files and directories collide (`a` and `a/b`, `a-b` sorting between).
    fn path() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop::sample::select(vec!["a", "b", "a-b", "a.b", "c"]), 1..4)
            .prop_map(|parts| parts.join("/"))
    }

    /// An operation on the work tree, then staged.
    #[derive(Clone, Debug)]
    enum Op {
        Write(String, u8),
        Remove(String),
        /// Flips the executable bit of the n-th tracked file.
        Exec(usize),
        Commit,
        /// Refreshes the cache tree (`git write-tree`).
        WriteTree,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (path(), 0..3u8).prop_map(|(p, v)| Op::Write(p, v)),
            2 => path().prop_map(Op::Remove),
            2 => (0..64usize).prop_map(Op::Exec),
            1 => Just(Op::Commit),
            1 => Just(Op::WriteTree),
        ]
    }

    fn apply(repo: &TempRepo, op: &Op) {
        use std::os::unix::fs::PermissionsExt;
        let full = |p: &str| repo.path.join(p);
        match op {
            Op::Write(p, v) => {
                // Make room: a file where a directory is wanted goes, and the other way round.
                let mut at = repo.path.clone();
                for part in Path::new(p).parent().into_iter().flat_map(|d| d.components()) {
                    at.push(part);
                    if at.is_file() {
                        std::fs::remove_file(&at).unwrap();
                    }
                }
                if full(p).is_dir() {
                    std::fs::remove_dir_all(full(p)).unwrap();
                }
                std::fs::create_dir_all(full(p).parent().unwrap()).unwrap();
                std::fs::write(full(p), format!("v{v}\n")).unwrap();
                git(repo, &["add", "-A"]);
            }
            Op::Remove(p) => {
                if full(p).is_dir() {
                    std::fs::remove_dir_all(full(p)).unwrap();
                } else if full(p).is_file() {
                    std::fs::remove_file(full(p)).unwrap();
                }
                git(repo, &["add", "-A"]);
            }
            Op::Exec(n) => {
                let files = git(repo, &["ls-files"]);
                let files: Vec<&str> = files.lines().collect();
                if let Some(p) = files.get(n % files.len().max(1)) {
                    let mode = std::fs::metadata(full(p)).unwrap().permissions().mode() ^ 0o111;
                    std::fs::set_permissions(full(p), std::fs::Permissions::from_mode(mode)).unwrap();
                    git(repo, &["add", "-A"]);
                }
            }
            Op::Commit => {
                git(repo, &["commit", "-q", "--allow-empty", "-m", "c"]);
            }
            Op::WriteTree => {
                git(repo, &["write-tree"]);
            }
        }
    }

    proptest! {
        #![proptest_config(proptest_config(24))]

        /// `staged_paths` is `git diff --cached --name-only --no-renames`,
        /// whatever the cache tree holds.
        #[test]
        fn staged_paths_are_what_git_diff_cached_lists(ops in proptest::collection::vec(op(), 1..14)) {
            let repo = TempRepo::new();
            git(&repo, &["config", "core.fileMode", "true"]);
            for op in &ops {
                apply(&repo, op);
                let store = Store::discover(&repo.path).unwrap();
                let ours = store.staged_paths().unwrap();
                let theirs: Vec<String> = git(&repo, &["diff", "--cached", "--name-only", "--no-renames"])
                    .lines()
                    .map(str::to_owned)
                    .collect();
                prop_assert_eq!(ours, theirs, "after {:?}", op);
            }
        }
    }
}
