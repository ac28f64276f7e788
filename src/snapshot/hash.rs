//! Turning work-tree files into blobs the way `git add` does: clean filters, `ident`, working-tree
//! encodings and end-of-line conversion from `.gitattributes` and configuration.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use bstr::BStr;
use gix::index::entry::Mode;
use gix::objs::Find;
use gix::ObjectId;

/// The user's index, read only when something needs it.
pub(crate) struct LazyIndex {
    path: PathBuf,
    object_hash: gix::hash::Kind,
    cell: OnceLock<std::result::Result<gix::index::State, String>>,
}

impl LazyIndex {
    pub(super) fn new(path: PathBuf, object_hash: gix::hash::Kind) -> Self {
        LazyIndex {
            path,
            object_hash,
            cell: OnceLock::new(),
        }
    }

    /// Use an index that was already read.
    pub(super) fn with(path: PathBuf, state: gix::index::State) -> Self {
        let object_hash = state.object_hash();
        let cell = OnceLock::new();
        let _ = cell.set(Ok(state));
        LazyIndex {
            path,
            object_hash,
            cell,
        }
    }

    pub(super) fn get(&self) -> Result<&gix::index::State> {
        self.cell
            .get_or_init(|| read_user_index(&self.path, self.object_hash).map_err(|e| format!("{e:#}")))
            .as_ref()
            // The cell keeps the error for every later caller, so it holds the message (cause
            // chain included, `{:#}`) as a `String`; `&String` is no `std::error::Error`, so
            // `.context()` cannot take it: make an error of the message.
            .map_err(|e| anyhow!("{e}"))
    }
}

/// Read the user's index (an empty one if there is none). Its checksum is not verified: that
/// costs as much as reading it, and a damaged index fails to decode anyway.
pub(crate) fn read_user_index(path: &Path, object_hash: gix::hash::Kind) -> Result<gix::index::State> {
    match gix::index::File::at(path, object_hash, true, Default::default()) {
        Ok(f) => Ok(f.into_parts().0),
        Err(e) => {
            if !path.exists() {
                Ok(gix::index::State::new(object_hash))
            } else {
                Err(e).with_context(|| format!("reading the index at {}", path.display()))
            }
        }
    }
}

/// The entry git's `read_blob_data_from_index()` looks at: stage 0, else "ours" (stage 2).
fn index_blob_for<'a>(state: &'a gix::index::State, path: &BStr) -> Option<&'a gix::index::Entry> {
    state
        .entry_by_path_and_stage(path, gix::index::entry::Stage::Unconflicted)
        .or_else(|| state.entry_by_path_and_stage(path, gix::index::entry::Stage::Ours))
}

pub(crate) struct Hasher<'r> {
    repo: &'r gix::Repository,
    workdir: PathBuf,
    filter: gix::filter::plumbing::Pipeline,
    attrs: gix::worktree::Stack,
    user_index: &'r LazyIndex,
    buf: Vec<u8>,
}

impl<'r> Hasher<'r> {
    /// `attr_index` provides `.gitattributes` files missing from the work tree.
    pub(super) fn new(
        repo: &'r gix::Repository,
        attr_index: &gix::index::State,
        user_index: &'r LazyIndex,
    ) -> Result<Self> {
        let workdir = repo.workdir().context("a work tree is required")?.to_owned();
        let stack = repo
            .attributes_only(
                attr_index,
                gix::worktree::stack::state::attributes::Source::WorktreeThenIdMapping,
            )
            .context("setting up .gitattributes lookup")?
            .detach();
        let pipeline = gix::filter::Pipeline::new(repo, stack).context("setting up the filter pipeline")?;
        let (filter, attrs) = pipeline.into_parts();
        Ok(Hasher {
            repo,
            workdir,
            filter,
            attrs,
            user_index,
            buf: Vec::new(),
        })
    }

    /// Hash the work-tree file at `rela` as a blob (`link`: the symlink's target), writing it to
    /// the object database. `None` if it vanished meanwhile.
    pub(super) fn blob(&mut self, rela: &BStr, link: bool) -> Result<Option<ObjectId>> {
        let rela_path = gix::path::from_bstr(rela)?;
        let full = self.workdir.join(&rela_path);
        if link {
            let target = match std::fs::read_link(&full) {
                Ok(t) => t,
                Err(e) if super::walk::is_missing(&e) => return Ok(None),
                Err(e) => return Err(e).with_context(|| format!("reading symlink {}", full.display())),
            };
            let target = gix::path::into_bstr(target)?;
            let target = gix::path::to_unix_separators_on_windows(target);
            let id = self
                .repo
                .write_blob(target.as_ref() as &[u8])
                .with_context(|| format!("writing the target of symlink {rela} as a blob"))?;
            return Ok(Some(id.detach()));
        }
        let file = match std::fs::File::open(&full) {
            Ok(f) => f,
            Err(e) if super::walk::is_missing(&e) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("opening {}", full.display())),
        };
        let platform = self
            .attrs
            .at_entry(rela, Some(Mode::FILE), &self.repo.objects)
            .with_context(|| format!("reading attributes for {rela}"))?;
        let repo = self.repo;
        let user_index = self.user_index;
        let mut index_object = |buf: &mut Vec<u8>| -> gix::Result<Option<()>> {
            let state = match user_index.get() {
                Ok(s) => s,
                Err(e) => {
                    return Err(gix::Error::from_error(std::io::Error::other(format!("{e:#}"))));
                }
            };
            let Some(entry) = index_blob_for(state, rela) else {
                return Ok(None);
            };
            let obj = repo.objects.try_find(&entry.id, buf)?;
            Ok(obj.filter(|o| o.kind == gix::objs::Kind::Blob).map(|_| ()))
        };
        let out = self
            .filter
            .convert_to_git(
                file,
                &rela_path,
                &mut |_, attrs| {
                    platform.matching_attributes(attrs);
                },
                &mut index_object,
            )
            .with_context(|| format!("converting {rela} for storage"))?;
        use gix::filter::plumbing::pipeline::convert::ToGitOutcome;
        let data: &[u8] = match out {
            ToGitOutcome::Unchanged(mut f) => {
                self.buf.clear();
                f.read_to_end(&mut self.buf)
                    .with_context(|| format!("reading {}", full.display()))?;
                &self.buf
            }
            ToGitOutcome::Buffer(b) => b,
            ToGitOutcome::Process(mut r) => {
                self.buf.clear();
                r.read_to_end(&mut self.buf)
                    .with_context(|| format!("running the clean filter for {rela}"))?;
                &self.buf
            }
        };
        let id = self
            .repo
            .write_blob(data)
            .with_context(|| format!("writing {rela} as a blob"))?;
        Ok(Some(id.detach()))
    }
}
