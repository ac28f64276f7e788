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
    /// --cached --name-only`), sorted: what the next commit changes. Reads
    /// the index git names (`GIT_INDEX_FILE` inside a commit's hooks).
    pub(crate) fn staged_paths(&self) -> Result<Vec<String>> {
        let index = self.repo.index_or_empty().context("cannot read the index")?;
        let head_tree = match self.repo.head_tree_id_or_empty() {
            Ok(id) => id.detach(),
            Err(_) => ObjectId::empty_tree(self.repo.object_hash()),
        };
        let head = self
            .repo
            .index_from_tree(&head_tree)
            .context("cannot read HEAD's tree")?;
        let mut staged: Vec<String> = Vec::new();
        let (mut a, mut b) = (head.entries().iter().peekable(), index.entries().iter().peekable());
        loop {
            let (x, y) = (a.peek(), b.peek());
            let (x_path, y_path) = (x.map(|e| e.path(&head)), y.map(|e| e.path(&index)));
            match (x_path, y_path) {
                (None, None) => break,
                (Some(p), None) => {
                    staged.push(p.to_string());
                    a.next();
                }
                (None, Some(q)) => {
                    staged.push(q.to_string());
                    b.next();
                }
                (Some(p), Some(q)) => match p.cmp(q) {
                    std::cmp::Ordering::Less => {
                        staged.push(p.to_string());
                        a.next();
                    }
                    std::cmp::Ordering::Greater => {
                        staged.push(q.to_string());
                        b.next();
                    }
                    std::cmp::Ordering::Equal => {
                        let (x, y) = (a.next().expect("peeked"), b.next().expect("peeked"));
                        // Conflict stages and the like: every entry of a path counts.
                        let differs = x.id != y.id || x.mode != y.mode || y.stage_raw() != 0;
                        while b.peek().is_some_and(|e| e.path(&index) == q) {
                            b.next();
                        }
                        if differs {
                            staged.push(q.to_string());
                        }
                    }
                },
            }
        }
        staged.dedup();
        Ok(staged)
    }
}
