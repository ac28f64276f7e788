//! Writing a whole tree bottom-up from path-sorted entries (git index order), as `git write-tree`
//! does. Index order equals git's tree order once sub-trees are emitted where their first entry
//! appears, because directory names sort as if they ended with `/`.

use anyhow::{bail, Context, Result};
use bstr::{BStr, BString, ByteSlice};
use gix::objs::tree::{Entry, EntryKind, EntryMode};
use gix::ObjectId;

pub(crate) struct Writer<'r> {
    repo: &'r gix::Repository,
    /// Open directories from the root: (name, entries so far).
    stack: Vec<(BString, Vec<Entry>)>,
    last: BString,
    pub written: usize,
}

impl<'r> Writer<'r> {
    pub(super) fn new(repo: &'r gix::Repository) -> Self {
        Writer {
            repo,
            stack: vec![(BString::default(), Vec::new())],
            last: BString::default(),
            written: 0,
        }
    }

    /// Add the entry at `path`; paths must come in strictly increasing byte order.
    pub(super) fn push(&mut self, path: &BStr, kind: EntryKind, id: ObjectId) -> Result<()> {
        if !self.last.is_empty() && path <= self.last.as_bstr() {
            bail!("tree entries out of order: {:?} after {:?}", path, self.last);
        }
        self.last.clear();
        self.last.extend_from_slice(path);
        let mut comps: Vec<&[u8]> = path.split_str("/").collect();
        let Some(name) = comps.pop() else {
            bail!("empty path");
        };
        if name.is_empty() || comps.iter().any(|c| c.is_empty()) {
            bail!("invalid path {path:?}");
        }
        let mut common = 0;
        while common < comps.len() && common + 1 < self.stack.len() && self.stack[common + 1].0 == comps[common] {
            common += 1;
        }
        while self.stack.len() > common + 1 {
            self.close()?;
        }
        for c in &comps[common..] {
            self.stack.push((BString::from(*c), Vec::new()));
        }
        let top = &mut self.stack.last_mut().context("tree stack is never empty")?.1;
        top.push(Entry {
            mode: EntryMode::from(kind),
            filename: name.into(),
            oid: id,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        let (name, entries) = self.stack.pop().context("tree stack underflow")?;
        if entries.is_empty() {
            return Ok(());
        }
        let id = self.write(entries)?;
        let parent = &mut self.stack.last_mut().context("tree stack underflow")?.1;
        parent.push(Entry {
            mode: EntryMode::from(EntryKind::Tree),
            filename: name,
            oid: id,
        });
        Ok(())
    }

    fn write(&mut self, entries: Vec<Entry>) -> Result<ObjectId> {
        let tree = gix::objs::Tree { entries };
        self.written += 1;
        Ok(self.repo.write_object(&tree).context("writing a tree")?.detach())
    }

    /// Close all directories and write the root tree.
    pub(super) fn finish(mut self) -> Result<ObjectId> {
        while self.stack.len() > 1 {
            self.close()?;
        }
        let (_, entries) = self.stack.pop().context("tree stack underflow")?;
        self.write(entries)
    }
}
