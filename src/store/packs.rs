//! Where new objects go: into memory while an operation runs, then into one
//! small pack before a ref (or the index) can name them, and small packs are
//! combined on a threshold (docs/design.md §3, "Objects and packs").
//!
//! A checkpoint writes a blob per changed file, the trees above it, two
//! blobs, a tree and a commit. As loose objects that is about nine files per
//! checkpoint, and after a few hundred checkpoints git's `gc.auto` (6,700
//! loose objects) makes the user's next `git commit` pay for a gc. Instead
//! the repository's object database keeps new objects in memory (gix's
//! object memory: reads see them at once), and [`Store::write_pending_objects`]
//! writes them as one pack with its index — through temporary files renamed
//! into place, the index last, as `git index-pack` does, with a `.keep` file
//! while no ref names the objects yet, so a concurrent `git repack -ad` cannot
//! drop them. Every ref change ([`Store::edit_ref`]) writes the pending
//! objects first; so does dropping the store.
//!
//! The packs written here are listed in `<common dir>/aura/packs`. When more
//! than [`MAX_PACKS`] of them exist, the smaller ones are rolled up into one
//! the way `git repack --geometric=2` does (each remaining pack at least twice
//! the size of all smaller ones together), so their number stays logarithmic
//! in the number of objects and each object is copied O(log n) times. The new
//! pack is synced to disk before the packs it replaces are removed, so every
//! object is always in at least one complete pack. Packs the user's git wrote
//! or fetched are never touched; `git gc` and `git repack` treat ours like any
//! other pack (a pack they removed simply drops out of the list).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use gix::ObjectId;
use gix_pack::data::output;

use super::Store;

/// More packs of ours than this are rolled up (git's `gc.autoPackLimit` is 50).
const MAX_PACKS: usize = 8;
/// The deepest delta chain a roll-up builds (git's `pack.depth`).
const MAX_DELTA_DEPTH: u32 = 50;
/// Packs larger than this are not rolled up (a roll-up holds its objects in
/// memory); `git gc` takes care of them.
const MAX_ROLL_UP: u64 = 64 << 20;
/// A `.keep` of one of our packs older than this was left by a killed process.
const STALE_KEEP: Duration = Duration::from_secs(600);
/// A roll-up lock older than this was left by a killed process.
const STALE_LOCK: Duration = Duration::from_secs(600);

/// The object database's index slots. Every pack a process sees appear
/// (ours, one per ref change, and those other writers and roll-ups make
/// meanwhile) takes one for the life of the handle; gix's default of 32 runs
/// out while writers contend, and once it is out a reused slot can make a
/// read fail.
pub(super) fn object_store_slots() -> gix::odb::store::init::Slots {
    gix::odb::store::init::Slots::AsNeededByDiskState {
        multiplier: 2.0,
        minimum: 2048,
    }
}

/// The `.keep` files of packs whose objects no ref names yet; removed once
/// the ref moved (or on drop).
#[must_use = "the keep files must be removed once the objects are referenced"]
pub(crate) struct Kept(Vec<PathBuf>, bool);

impl Kept {
    /// Whether a pack was written.
    pub(crate) fn wrote_pack(&self) -> bool {
        self.1
    }

    /// Lets git's repack treat the packs like any other.
    pub(crate) fn release(mut self) {
        self.remove();
    }

    fn remove(&mut self) {
        for path in self.0.drain(..) {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        self.remove();
    }
}

impl Store {
    /// Writes the objects written in memory since the last call as one pack
    /// with its index in the object database (objects it already has are
    /// left out), and returns its `.keep` file to release once a ref names
    /// them. Nothing pending: nothing written.
    pub(crate) fn write_pending_objects(&self) -> Result<Kept> {
        let Some(mut memory) = self.repo.objects.reset_object_memory() else {
            return Ok(Kept(Vec::new(), false));
        };
        let mut objects: Vec<(ObjectId, gix::objs::Kind, Vec<u8>)> = memory
            .drain()
            .filter(|(id, _)| !self.repo.objects.exists_without_refresh(id))
            .map(|(id, (kind, data))| (id, kind, data))
            .collect();
        if objects.is_empty() {
            return Ok(Kept(Vec::new(), false));
        }
        // Commits, then trees, then blobs, as git orders a pack.
        objects.sort_by_key(|(id, kind, _)| (kind_rank(*kind), *id));
        let pack = pack_of(self.repo.object_hash(), &objects)?;
        let (name, keep) = self.install_pack(&pack)?;
        self.list_pack(&name)?;
        Ok(Kept(keep.into_iter().collect(), true))
    }

    /// Writes the pending objects for good, without waiting for a ref (a
    /// capture that recorded nothing: its stat cache names them).
    pub(crate) fn flush_objects(&self) -> Result<()> {
        let kept = self.write_pending_objects()?;
        let wrote = kept.wrote_pack();
        kept.release();
        if wrote {
            self.consolidate_packs()?;
        }
        Ok(())
    }

    /// Rolls up our packs when there are more than [`MAX_PACKS`] of them;
    /// another process doing it already is not an error.
    pub(crate) fn consolidate_packs(&self) -> Result<()> {
        let listed = self.listed_packs()?;
        if listed.len() <= MAX_PACKS {
            return Ok(());
        }
        let lock_path = self.shared_dir().join("packs.lock");
        let Some(_lock) = Lock::take(&lock_path)? else {
            return Ok(());
        };
        let pack_dir = self.pack_dir();
        // Read again under the lock: another process may have rolled up.
        let mut packs: Vec<(String, u64)> = self
            .listed_packs()?
            .into_iter()
            .filter_map(|name| {
                let meta = std::fs::metadata(pack_dir.join(format!("{name}.pack"))).ok()?;
                if meta.len() > MAX_ROLL_UP {
                    return None;
                }
                let keep = pack_dir.join(format!("{name}.keep"));
                if let Ok(keep_meta) = std::fs::metadata(&keep) {
                    // A keep of ours left by a killed writer; a live one is milliseconds old.
                    if age(&keep_meta) < Some(STALE_KEEP) {
                        return None;
                    }
                    let _ = std::fs::remove_file(&keep);
                }
                Some((name, meta.len()))
            })
            .collect();
        if packs.len() <= MAX_PACKS {
            // Drops the names of packs that are gone (`listed_packs` skips them).
            return self.rewrite_list(&[], None);
        }
        packs.sort_by_key(|(_, size)| *size);
        let split = geometric_split(&packs.iter().map(|(_, s)| *s).collect::<Vec<_>>());
        let small = &packs[..split];
        if small.len() < 2 {
            return Ok(());
        }

        let mut ids = Vec::new();
        for (name, _) in small {
            let index = gix_pack::index::File::at(pack_dir.join(format!("{name}.idx")), self.repo.object_hash())
                .with_context(|| format!("cannot read the index of {name}"))?;
            ids.extend(index.iter().map(|entry| entry.oid));
        }
        ids.sort_unstable();
        ids.dedup();
        let pack = self.rolled_up_pack(&ids)?;
        let (name, keep) = self.install_pack(&pack)?;
        sync(&pack_dir.join(format!("{name}.pack")))?;
        sync(&pack_dir.join(format!("{name}.idx")))?;
        sync(&pack_dir)?;
        // Nothing is removed unless the new pack holds every object.
        let index = gix_pack::index::File::at(pack_dir.join(format!("{name}.idx")), self.repo.object_hash())
            .with_context(|| format!("cannot read the index of {name}"))?;
        // (Object ids are content hashes: an object read wrongly has another id.)
        if let Some(missing) = ids.iter().find(|id| index.lookup(*id).is_none()) {
            drop(Kept(keep.into_iter().collect(), true));
            for ext in ["idx", "pack"] {
                let _ = std::fs::remove_file(pack_dir.join(format!("{name}.{ext}")));
            }
            anyhow::bail!("the combined pack lacked object {missing}; it was removed and the small packs kept");
        }
        let gone: Vec<String> = small.iter().map(|(n, _)| n.clone()).filter(|n| *n != name).collect();
        self.rewrite_list(&gone, Some(&name))?;
        drop(Kept(keep.into_iter().collect(), true));
        for (old, _) in small {
            if *old == name {
                continue;
            }
            // The index first: a reader that does not see it never opens the pack.
            for ext in ["idx", "pack", "rev", "bitmap"] {
                let _ = std::fs::remove_file(pack_dir.join(format!("{old}.{ext}")));
            }
        }
        Ok(())
    }

    /// `objects/pack` of this repository.
    fn pack_dir(&self) -> PathBuf {
        self.repo.objects.store_ref().path().join("pack")
    }

    /// Puts the pack `bytes` into the object database (pack, then index),
    /// and returns its name (`pack-<checksum>`) and its `.keep` file.
    fn install_pack(&self, bytes: &[u8]) -> Result<(String, Option<PathBuf>)> {
        let pack_dir = self.pack_dir();
        std::fs::create_dir_all(&pack_dir).with_context(|| format!("cannot create {}", pack_dir.display()))?;
        let outcome = gix_pack::Bundle::write_to_directory(
            &mut &bytes[..],
            Some(&pack_dir),
            &mut gix::progress::Discard,
            &AtomicBool::new(false),
            None::<gix::OdbHandle>,
            self.repo.object_hash(),
            gix_pack::bundle::write::Options {
                thread_limit: Some(1),
                ..Default::default()
            },
        )
        .context("cannot write a pack of new objects")?;
        let name = outcome
            .data_path
            .as_deref()
            .and_then(Path::file_stem)
            .and_then(|s| s.to_str())
            .context("the new pack has no name")?
            .to_owned();
        Ok((name, outcome.keep_path))
    }

    /// A pack of `ids`, all in the object database, each object stored as a
    /// delta against the previous version of the same path (or, for commits,
    /// the previous commit) where that is at least a tenth smaller.
    ///
    /// Paths come from walking each commit's tree through the objects of
    /// `ids` only: a new object is always below a new tree, so this meets
    /// every object of an event without reading the unchanged rest.
    fn rolled_up_pack(&self, ids: &[ObjectId]) -> Result<Vec<u8>> {
        use gix::objs::Kind;
        let hash = self.repo.object_hash();
        let mut objects: std::collections::HashMap<ObjectId, (Kind, Vec<u8>)> = std::collections::HashMap::new();
        for id in ids {
            let object = self
                .repo
                .find_object(*id)
                .with_context(|| format!("cannot read object {id} of a pack to combine"))?;
            objects.insert(*id, (object.kind, object.detach().data));
        }
        // Commits oldest first, then what each one's tree adds, in walk order.
        let mut commits: Vec<(i64, ObjectId)> = Vec::new();
        for (id, (kind, data)) in &objects {
            if *kind == Kind::Commit {
                let time = gix::objs::CommitRef::from_bytes(data, hash)
                    .ok()
                    .and_then(|c| c.committer().ok().map(|s| s.seconds()))
                    .unwrap_or_default();
                commits.push((time, *id));
            }
        }
        commits.sort_unstable();
        let mut order: Vec<(ObjectId, Vec<u8>)> = Vec::with_capacity(objects.len());
        let mut placed = std::collections::HashSet::new();
        for (_, commit) in &commits {
            placed.insert(*commit);
            order.push((*commit, Vec::new()));
            let Ok(commit) = gix::objs::CommitRef::from_bytes(&objects[commit].1, hash) else {
                continue;
            };
            let mut stack = vec![(commit.tree(), Vec::new())];
            while let Some((tree, path)) = stack.pop() {
                if !objects.contains_key(&tree) || !placed.insert(tree) {
                    continue;
                }
                order.push((tree, path.clone()));
                let Ok(entries) = gix::objs::TreeRef::from_bytes(&objects[&tree].1, hash) else {
                    continue;
                };
                for entry in entries.entries {
                    let mut sub = path.clone();
                    if !sub.is_empty() {
                        sub.push(b'/');
                    }
                    sub.extend_from_slice(entry.filename);
                    let oid = entry.oid.to_owned();
                    if entry.mode.is_tree() {
                        stack.push((oid, sub));
                    } else if !entry.mode.is_commit() && objects.contains_key(&oid) && placed.insert(oid) {
                        order.push((oid, sub));
                    }
                }
            }
        }
        let mut rest: Vec<ObjectId> = objects.keys().filter(|id| !placed.contains(*id)).copied().collect();
        rest.sort_unstable();
        order.extend(rest.into_iter().map(|id| (id, Vec::new())));

        let mut entries = Vec::with_capacity(order.len());
        let mut depths: Vec<u32> = Vec::with_capacity(order.len());
        // The last object per kind and path: its index in the pack.
        let mut last: std::collections::HashMap<(Kind, &[u8]), usize> = std::collections::HashMap::new();
        let mut deflate = gix::zlib::stream::deflate::Compress::new(gix::zlib::Compression::DEFAULT);
        for (index, (id, path)) in order.iter().enumerate() {
            let (kind, data) = &objects[id];
            let count = output::Count {
                id: *id,
                entry_pack_location: output::count::PackLocation::LookedUp(None),
            };
            let mut entry = output::Entry::from_data(
                &count,
                &gix::objs::Data {
                    kind: *kind,
                    object_hash: hash,
                    data,
                },
                gix::zlib::Compression::DEFAULT,
            )
            .context("cannot deflate an object")?;
            let mut depth = 0;
            if let Some(&base) = last.get(&(*kind, path.as_slice())) {
                if depths[base] < MAX_DELTA_DEPTH {
                    let base_data = &objects[&order[base].0].1;
                    if let Some(delta) = super::delta::encode(base_data, data, data.len()) {
                        let compressed = deflate_all(&mut deflate, &delta)?;
                        if compressed.len() * 10 < entry.compressed_data.len() * 9 {
                            entry.kind = output::entry::Kind::DeltaRef { object_index: base };
                            entry.decompressed_size = delta.len();
                            entry.compressed_data = compressed;
                            depth = depths[base] + 1;
                        }
                    }
                }
            }
            depths.push(depth);
            last.insert((*kind, path.as_slice()), index);
            entries.push(entry);
        }
        pack_bytes(entries, hash)
    }

    fn packs_list(&self) -> PathBuf {
        self.shared_dir().join("packs")
    }

    /// The packs of ours that still exist (git's repack may have removed some).
    fn listed_packs(&self) -> Result<Vec<String>> {
        let text = match std::fs::read_to_string(self.packs_list()) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err).context("cannot read the list of packs"),
        };
        let pack_dir = self.pack_dir();
        let mut names: Vec<String> = text
            .lines()
            .filter(|l| is_pack_name(l) && pack_dir.join(format!("{l}.idx")).is_file())
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Adds `name` to the list of our packs (one short append: concurrent
    /// writers do not mix their lines).
    fn list_pack(&self, name: &str) -> Result<()> {
        let path = self.packs_list();
        let dir = self.shared_dir();
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.write_all(format!("{name}\n").as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Rewrites the list without `gone` and with `added` (under the roll-up
    /// lock; read again right before the rename, so that a pack another
    /// process listed meanwhile stays listed).
    fn rewrite_list(&self, gone: &[String], added: Option<&str>) -> Result<()> {
        let path = self.packs_list();
        let tmp = path.with_extension("tmp");
        let mut names = self.listed_packs()?;
        names.retain(|n| !gone.contains(n));
        names.extend(added.map(str::to_owned));
        names.sort();
        names.dedup();
        let mut text = String::new();
        for name in names {
            text.push_str(&name);
            text.push('\n');
        }
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot rename {}", tmp.display()))
    }
}

/// A pack of whole `objects`, deflated.
fn pack_of(hash: gix::hash::Kind, objects: &[(ObjectId, gix::objs::Kind, Vec<u8>)]) -> Result<Vec<u8>> {
    let entries = objects
        .iter()
        .map(|(id, kind, data)| {
            output::Entry::from_data(
                &output::Count {
                    id: *id,
                    entry_pack_location: output::count::PackLocation::LookedUp(None),
                },
                &gix::objs::Data {
                    kind: *kind,
                    object_hash: hash,
                    data,
                },
                gix::zlib::Compression::DEFAULT,
            )
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .context("cannot deflate an object")?;
    pack_bytes(entries, hash)
}

/// A version-2 pack of `entries`, as bytes.
fn pack_bytes(entries: Vec<output::Entry>, hash: gix::hash::Kind) -> Result<Vec<u8>> {
    let num_entries = u32::try_from(entries.len()).context("too many objects for one pack")?;
    let mut out = Vec::new();
    let writer = output::bytes::FromEntriesIter::new(
        std::iter::once(Ok::<_, gix::Error>(entries)),
        &mut out,
        num_entries,
        gix_pack::data::Version::V2,
        hash,
    );
    for written in writer {
        written.context("cannot write a pack")?;
    }
    Ok(out)
}

/// `data` deflated as one zlib stream.
pub(crate) fn deflate_all(compress: &mut gix::zlib::stream::deflate::Compress, data: &[u8]) -> Result<Vec<u8>> {
    use gix::zlib::stream::deflate::FlushCompress;
    compress.reset();
    let mut out = vec![0; data.len() + data.len() / 8 + 64];
    loop {
        let done = compress.total_out() as usize;
        let consumed = compress.total_in() as usize;
        let status = compress
            .compress(&data[consumed..], &mut out[done..], FlushCompress::Finish)
            .context("cannot deflate a delta")?;
        if status == gix::zlib::Status::StreamEnd {
            out.truncate(compress.total_out() as usize);
            return Ok(out);
        }
        let len = out.len();
        out.resize(len * 2, 0);
    }
}

fn kind_rank(kind: gix::objs::Kind) -> u8 {
    match kind {
        gix::objs::Kind::Commit => 0,
        gix::objs::Kind::Tag => 1,
        gix::objs::Kind::Tree => 2,
        gix::objs::Kind::Blob => 3,
    }
}

/// How many of `sizes` (ascending) to roll up so that the rest, each at
/// least twice all smaller ones together, stays (git's `--geometric=2`).
fn geometric_split(sizes: &[u64]) -> usize {
    let n = sizes.len();
    if n < 2 {
        return 0;
    }
    // The largest packs that already form a progression stay.
    let mut split = n - 1;
    while split > 0 && sizes[split] >= 2 * sizes[split - 1] {
        split -= 1;
    }
    if split == 0 {
        return 0;
    }
    // Roll up everything below the split, and any pack above it that is
    // not twice the size of what is rolled up so far.
    let mut total: u64 = sizes[..split].iter().sum();
    let mut end = split;
    while end < n && sizes[end] < 2 * total {
        total += sizes[end];
        end += 1;
    }
    end
}

fn is_pack_name(name: &str) -> bool {
    name.strip_prefix("pack-")
        .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn age(meta: &std::fs::Metadata) -> Option<Duration> {
    SystemTime::now().duration_since(meta.modified().ok()?).ok()
}

fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// The roll-up lock: one process at a time rewrites the list and removes packs.
struct Lock(PathBuf);

impl Lock {
    /// The lock, or `None` while another live process holds it.
    fn take(path: &Path) -> Result<Option<Lock>> {
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(_) => return Ok(Some(Lock(path.to_owned()))),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::metadata(path).ok().and_then(|m| age(&m)) > Some(STALE_LOCK);
                    if !stale || std::fs::remove_file(path).is_err() {
                        return Ok(None);
                    }
                }
                Err(err) => return Err(err).with_context(|| format!("cannot create {}", path.display())),
            }
        }
        Ok(None)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::geometric_split;
    use crate::store::refs::{Expect, RefChange};
    use crate::store::Store;

    /// One process writing many packs (a fetch merging many sessions) reads
    /// back every object, across roll-ups that remove packs it has open, and
    /// git agrees.
    #[test]
    fn many_packs_in_one_process_stay_readable_and_few() {
        let tmp = crate::testing::TempRepo::new();
        let options = gix::open::Options::isolated().object_store_slots(super::object_store_slots());
        let repo = gix::open_opts(&tmp.path, options).expect("opens");
        let mut store = Store::from_repo(repo);
        let warned = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
        let sink = warned.clone();
        store.set_warnings(std::rc::Rc::new(move |w| sink.borrow_mut().push(w.to_owned())));
        let mut blobs = Vec::new();
        let mut prev = None;
        for n in 0..200 {
            let blob = store.write_blob(format!("blob {n}\n").as_bytes()).expect("writes");
            let id = crate::store::object_id(&blob).expect("sha1");
            let tree = store
                .repo
                .write_object(gix::objs::Tree {
                    entries: vec![gix::objs::tree::Entry {
                        mode: gix::objs::tree::EntryKind::Blob.into(),
                        filename: "f".into(),
                        oid: id,
                    }],
                })
                .expect("writes")
                .detach();
            let expect = match prev {
                Some(p) => Expect::Exactly(p),
                None => Expect::Absent,
            };
            store
                .edit_ref(RefChange::set(
                    "refs/aura/test",
                    expect,
                    tree_commit(&store, tree, prev),
                ))
                .expect("valid name")
                .expect("moves");
            prev = store.ref_target("refs/aura/test").expect("reads");
            blobs.push(id);
            assert!(warned.borrow().is_empty(), "round {n}: {:?}", warned.borrow());
            for old in &blobs {
                assert!(store.repo.find_blob(*old).is_ok(), "blob {old} of round {n}");
            }
            let fresh = gix::open_opts(&tmp.path, gix::open::Options::isolated()).expect("opens");
            let mut c = prev;
            let mut depth = 0;
            while let Some(id) = c {
                let commit = fresh
                    .find_commit(id)
                    .unwrap_or_else(|e| panic!("round {n}: commit {id}, {depth} back, is gone: {e}"));
                c = commit.parent_ids().next().map(|p| p.detach());
                depth += 1;
            }
        }
        let packs = std::fs::read_dir(store.pack_dir())
            .expect("pack dir")
            .filter(|e| {
                e.as_ref()
                    .expect("entry")
                    .path()
                    .extension()
                    .is_some_and(|x| x == "pack")
            })
            .count();
        assert!(packs <= 16, "{packs} packs");
        let loose = std::fs::read_dir(tmp.path.join(".git/objects"))
            .expect("objects")
            .filter(|e| e.as_ref().expect("entry").file_name().len() == 2)
            .count();
        assert_eq!(loose, 0);
        drop(store);
        let mut fsck = std::process::Command::new("git");
        fsck.current_dir(&tmp.path).args(["fsck", "--strict", "--no-dangling"]);
        let out = crate::testing::seal(&mut fsck, &tmp.home).output().expect("git runs");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn tree_commit(store: &Store, tree: gix::ObjectId, parent: Option<gix::ObjectId>) -> gix::ObjectId {
        let signature = gix::actor::Signature {
            name: "T".into(),
            email: "t@example.com".into(),
            time: gix::date::Time { seconds: 0, offset: 0 },
        };
        store
            .repo
            .write_object(&gix::objs::Commit {
                tree,
                parents: parent.into_iter().collect(),
                author: signature.clone(),
                committer: signature,
                encoding: None,
                message: "test\n".into(),
                extra_headers: Vec::new(),
            })
            .expect("writes")
            .detach()
    }

    #[test]
    fn geometric_split_rolls_up_what_breaks_the_progression() {
        assert_eq!(geometric_split(&[]), 0);
        assert_eq!(geometric_split(&[5]), 0);
        // Already a progression: nothing to do.
        assert_eq!(geometric_split(&[1, 2, 4, 8]), 0);
        // Equal small packs are all rolled up.
        assert_eq!(geometric_split(&[1, 1, 1, 1]), 4);
        // Small ones rolled up, the big one stays.
        assert_eq!(geometric_split(&[1, 1, 1, 100]), 3);
    }
}
