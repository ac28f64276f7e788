//! The pack a push sends: every object reachable from the new tips that is
//! not reachable from what the remote already has, written with gix-pack.
//!
//! The object set is computed the way `git pack-objects --revs` does it for a
//! push: walk the commits reachable from the new tips but not from the
//! remote's tips, then send their trees and blobs minus everything in the
//! trees of the *uninteresting* commits (the remote's tips and the parents of
//! the new commits that the remote has). gix-pack computes no new deltas; it
//! copies the deltas our own packs already hold when their base is sent too,
//! and deflates everything else as a whole object.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::{bail, Context, Result};
use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::objs::Kind;
use gix::ObjectId;
use gix_pack::data::output;

/// The deepest delta chain [`write_pack`] builds (git's `pack.depth`).
const MAX_DELTA_DEPTH: u32 = 50;

/// One object to send, with what choosing a delta base needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ToSend {
    pub(super) id: ObjectId,
    pub(super) kind: Kind,
    /// Where the tree walk met the object first, as `dir/file`; empty for
    /// root trees, commits, tags and blobs pushed directly.
    pub(super) path: BString,
}

impl ToSend {
    fn new(id: ObjectId, kind: Kind, path: BString) -> Self {
        ToSend { id, kind, path }
    }
}

/// Lists the objects to send so that the remote, which has `remote_has`
/// (ids it advertised; those missing here are ignored), ends up with
/// everything reachable from `tips`. Commits and tags come first, then trees
/// and blobs in traversal order.
pub(super) fn objects_to_send(
    repo: &gix::Repository,
    tips: &[ObjectId],
    remote_has: &[ObjectId],
) -> Result<Vec<ToSend>> {
    let mut seen = HashSet::new();

    // What the remote has, reduced to commits (for the walk) and loose
    // trees/blobs (marked uninteresting straight away).
    let mut hidden_commits = Vec::new();
    let mut hidden_trees = Vec::new();
    for id in remote_has {
        if !repo.has_object(id) {
            continue;
        }
        let mut id = *id;
        loop {
            seen.insert(id);
            match repo.find_header(id)?.kind() {
                Kind::Tag => id = tag_target(repo, id)?,
                Kind::Commit => {
                    hidden_commits.push(id);
                    break;
                }
                Kind::Tree => {
                    hidden_trees.push(id);
                    break;
                }
                Kind::Blob => break,
            }
        }
    }

    let mut out = Vec::new();
    let mut commit_tips = Vec::new();
    let mut new_trees = Vec::new();
    for tip in tips {
        let mut id = *tip;
        loop {
            if !seen.insert(id) {
                break;
            }
            let kind = repo
                .find_header(id)
                .with_context(|| format!("cannot find object {id} to push"))?
                .kind();
            match kind {
                Kind::Tag => {
                    out.push(ToSend::new(id, kind, BString::default()));
                    id = tag_target(repo, id)?;
                }
                Kind::Commit => {
                    // Walked below; it must stay out of `seen` until then.
                    seen.remove(&id);
                    commit_tips.push(id);
                    break;
                }
                Kind::Tree => {
                    seen.remove(&id);
                    new_trees.push(id);
                    break;
                }
                Kind::Blob => {
                    out.push(ToSend::new(id, kind, BString::default()));
                    break;
                }
            }
        }
    }

    let mut new_commits = Vec::new();
    let mut uninteresting = hidden_commits.clone();
    if !commit_tips.is_empty() {
        let walk = repo
            .rev_walk(commit_tips)
            .with_hidden(hidden_commits.iter().copied())
            .all()
            .context("cannot walk the commits to push")?;
        let mut parents = Vec::new();
        for info in walk {
            let info = info.context("cannot walk the commits to push")?;
            new_commits.push(info.id);
            parents.extend(info.parent_ids.iter().copied());
        }
        let new: HashSet<_> = new_commits.iter().copied().collect();
        // Parents the remote has (or that are missing here, as in a shallow
        // clone): their trees bound the tree traversal like git's edges.
        uninteresting.extend(parents.into_iter().filter(|p| !new.contains(p) && repo.has_object(p)));
    }

    for commit in uninteresting {
        let tree = commit_tree(repo, commit)?;
        hidden_trees.push(tree);
    }
    for tree in hidden_trees {
        mark_tree(repo, tree, &mut seen, None)?;
    }

    for commit in &new_commits {
        if seen.insert(*commit) {
            out.push(ToSend::new(*commit, Kind::Commit, BString::default()));
        }
    }
    for commit in new_commits {
        new_trees.push(commit_tree(repo, commit)?);
    }
    for tree in new_trees {
        mark_tree(repo, tree, &mut seen, Some(&mut out))?;
    }
    Ok(out)
}

/// Writes a version 2 pack of `objects` (which must all exist), in their
/// order, to `out` and returns the number of bytes written.
///
/// Blobs, trees and commits are sent as deltas against the previous object
/// of the same kind and path when that saves at least a tenth of the
/// deflated size, with chains at most [`MAX_DELTA_DEPTH`] long. With
/// `ofs_delta` (the remote's `ofs-delta` capability), deltas refer to their
/// base by its offset in the pack, and deltas stored in our packs are copied
/// when their base is in `objects` too; without it, deltas name their base
/// by id and nothing is copied.
pub(super) fn write_pack(
    repo: &gix::Repository,
    objects: &[ToSend],
    ofs_delta: bool,
    out: &mut dyn Write,
) -> Result<u64> {
    use output::count::PackLocation;
    let counts: Vec<output::Count> = objects
        .iter()
        .map(|object| output::Count {
            id: object.id,
            entry_pack_location: if ofs_delta {
                PackLocation::NotLookedUp
            } else {
                PackLocation::LookedUp(None)
            },
        })
        .collect();
    let num_entries = u32::try_from(counts.len()).context("too many objects for one pack")?;
    let mut db = repo.objects.clone().into_inner();
    // Pack locations are remembered between counting and copying.
    db.prevent_pack_unload();
    let entries = output::entry::iter_from_counts(
        counts,
        db,
        Box::new(gix::progress::Discard),
        output::entry::iter_from_counts::Options {
            allow_thin_pack: false,
            ..Default::default()
        },
    )
    .context("cannot prepare the pack")?;
    let mut deltas = Deltas::new(repo, objects, ofs_delta);
    let delta_time = std::rc::Rc::new(std::cell::Cell::new(std::time::Duration::ZERO));
    let delta_time_in = std::rc::Rc::clone(&delta_time);
    let entries = gix::parallel::InOrderIter::from(entries).map(move |chunk| {
        let chunk = chunk?;
        if let Some(missing) = chunk.iter().position(output::Entry::is_invalid) {
            // An invalid entry would be skipped by the writer and leave the
            // header's object count wrong: fail instead of sending a bad pack.
            return Err(gix::Error::from_error(std::io::Error::other(format!(
                "object {} is missing",
                chunk[missing].id
            ))));
        }
        let started = std::time::Instant::now();
        let chunk = deltas
            .apply(chunk)
            .map_err(|err| gix::Error::from_error(std::io::Error::other(format!("{err:#}"))));
        delta_time_in.set(delta_time_in.get() + started.elapsed());
        chunk
    });
    let mut bytes = 0;
    let writer = output::bytes::FromEntriesIter::new(
        entries,
        out,
        num_entries,
        gix_pack::data::Version::V2,
        repo.object_hash(),
    );
    for written in writer {
        bytes += written.context("cannot write the pack")?;
    }
    super::report_time("write_pack: delta step", delta_time.get());
    Ok(bytes)
}

/// Turns whole objects into deltas against the previous object of their
/// kind and path, entry by entry in pack order (gix-pack's: the loose
/// objects in the order given, then the packed ones in their packs' order).
struct Deltas<'a> {
    repo: &'a gix::Repository,
    /// Each object to send by id.
    objects: HashMap<ObjectId, &'a ToSend>,
    ofs_delta: bool,
    /// The delta chain length of each entry so far (0 for whole objects),
    /// by index in the pack.
    depths: Vec<u32>,
    /// The last object sent per kind and path: its index in the pack, its
    /// id and, once read, its data.
    last: HashMap<(Kind, &'a [u8]), Sent>,
    inflate: gix::zlib::Inflate,
    deflate: gix::zlib::stream::deflate::Compress,
}

/// An object already in the pack, as a possible delta base.
struct Sent {
    index: usize,
    id: ObjectId,
    data: Option<Vec<u8>>,
}

impl<'a> Deltas<'a> {
    fn new(repo: &'a gix::Repository, objects: &'a [ToSend], ofs_delta: bool) -> Self {
        Deltas {
            repo,
            objects: objects.iter().map(|object| (object.id, object)).collect(),
            ofs_delta,
            depths: Vec::with_capacity(objects.len()),
            last: HashMap::new(),
            inflate: gix::zlib::Inflate::default(),
            deflate: gix::zlib::stream::deflate::Compress::new(gix::zlib::Compression::DEFAULT),
        }
    }

    /// Returns `chunk`, the next entries of the pack, with whole objects
    /// replaced by deltas where these are smaller.
    fn apply(&mut self, mut chunk: Vec<output::Entry>) -> Result<Vec<output::Entry>> {
        for entry in &mut chunk {
            let index = self.depths.len();
            let object = *self
                .objects
                .get(&entry.id)
                .with_context(|| format!("object {} was not asked for", entry.id))?;
            let depth = match entry.kind {
                output::entry::Kind::Base(_) => 0,
                output::entry::Kind::DeltaRef { object_index } => self.depths[object_index] + 1,
                output::entry::Kind::DeltaOid { .. } => 1,
            };
            self.depths.push(depth);
            if object.kind == Kind::Tag {
                continue;
            }
            let data = match entry.kind {
                output::entry::Kind::Base(_) => Some(self.try_delta(index, object, entry)?),
                _ => None,
            };
            let sent = Sent {
                index,
                id: object.id,
                data,
            };
            self.last.insert((object.kind, object.path.as_bytes()), sent);
        }
        Ok(chunk)
    }

    /// Replaces `entry`, the whole `object` at `index` in the pack, by a
    /// delta against the previous object of its kind and path if that is
    /// worth it, and returns the object's data.
    fn try_delta(&mut self, index: usize, object: &'a ToSend, entry: &mut output::Entry) -> Result<Vec<u8>> {
        // The entry holds the whole object deflated: inflating it in memory
        // is much cheaper than reading the object again.
        let target =
            inflate(&mut self.inflate, entry).with_context(|| format!("cannot inflate object {}", object.id))?;
        let Some(base) = self.last.get_mut(&(object.kind, object.path.as_bytes())) else {
            return Ok(target);
        };
        if self.depths[base.index] >= MAX_DELTA_DEPTH {
            return Ok(target);
        }
        if base.data.is_none() {
            base.data = Some(read(self.repo, base.id)?);
        }
        let base_data = base.data.as_deref().expect("just read");
        let Some(delta) = crate::store::delta::encode(base_data, &target, target.len()) else {
            return Ok(target);
        };
        let compressed = crate::store::deflate_all(&mut self.deflate, &delta)?;
        if compressed.len() * 10 >= entry.compressed_data.len() * 9 {
            return Ok(target);
        }
        entry.kind = if self.ofs_delta {
            output::entry::Kind::DeltaRef {
                object_index: base.index,
            }
        } else {
            output::entry::Kind::DeltaOid { id: base.id }
        };
        entry.decompressed_size = delta.len();
        entry.compressed_data = compressed;
        self.depths[index] = self.depths[base.index] + 1;
        Ok(target)
    }
}

/// The whole object that `entry` holds deflated.
fn inflate(inflate: &mut gix::zlib::Inflate, entry: &output::Entry) -> Result<Vec<u8>> {
    let mut out = vec![0; entry.decompressed_size];
    inflate.reset();
    let (status, _, written) = inflate.once(&entry.compressed_data, &mut out)?;
    if status != gix::zlib::Status::StreamEnd || written != out.len() {
        bail!("the deflated data has the wrong size");
    }
    Ok(out)
}

fn read(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>> {
    Ok(repo
        .find_object(id)
        .with_context(|| format!("cannot read object {id} to send"))?
        .detach()
        .data)
}

fn tag_target(repo: &gix::Repository, tag: ObjectId) -> Result<ObjectId> {
    let object = repo.find_object(tag)?;
    let tag = object.try_into_tag().context("not a tag")?;
    Ok(tag.target_id()?.detach())
}

fn commit_tree(repo: &gix::Repository, commit: ObjectId) -> Result<ObjectId> {
    let commit = repo
        .find_commit(commit)
        .with_context(|| format!("cannot read commit {commit}"))?;
    Ok(commit.tree_id()?.detach())
}

/// Marks `tree` and everything below it as seen; with `out`, also lists each
/// object seen for the first time (trees before their entries). Submodule
/// commits (gitlinks) are never followed.
fn mark_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    seen: &mut HashSet<ObjectId>,
    mut out: Option<&mut Vec<ToSend>>,
) -> Result<()> {
    if !seen.insert(tree) {
        return Ok(());
    }
    if let Some(out) = out.as_deref_mut() {
        out.push(ToSend::new(tree, Kind::Tree, BString::default()));
    }
    let mut stack = vec![(tree, BString::default())];
    while let Some((id, dir)) = stack.pop() {
        let tree = match repo.find_tree(id) {
            Ok(tree) => tree,
            // The remote side may reach trees we only partially have.
            Err(_) if out.is_none() => continue,
            Err(err) => return Err(err).with_context(|| format!("cannot read tree {id}")),
        };
        for entry in tree.iter() {
            let entry = entry.with_context(|| format!("cannot decode tree {id}"))?;
            let mode = entry.mode();
            if mode.is_commit() {
                continue;
            }
            let oid = entry.oid().to_owned();
            if !seen.insert(oid) {
                continue;
            }
            let mut path = dir.clone();
            if !path.is_empty() {
                path.push_byte(b'/');
            }
            path.push_str(entry.filename());
            let kind = if mode.is_tree() { Kind::Tree } else { Kind::Blob };
            if let Some(out) = out.as_deref_mut() {
                if !repo.has_object(oid) {
                    bail!("object {oid} (in tree {id}) is missing");
                }
                out.push(ToSend::new(oid, kind, path.clone()));
            }
            if mode.is_tree() {
                stack.push((oid, path));
            }
        }
    }
    Ok(())
}
