//! Writes git's delta format: the deltas a push and the roll-up of our packs
//! (`store/packs.rs`) compute between successive versions of an object.
//!
//! Hand-written because nothing fits to reuse. gix-pack 0.77 only *applies*
//! deltas (`data::delta::apply`, and that is crate-private) and copies the
//! ones already stored in our packs; no gix crate computes new ones. The
//! crates.io encoders for this format come inside whole git implementations
//! with their own object model and error types (git-internal, sley-pack,
//! puregit), or keep the encoder private (grit-lib); none is a small,
//! maintained library to depend on for one function.
//!
//! A delta is a header — the base's size and the target's size, each a
//! little-endian base-128 varint — then instructions that rebuild the target:
//! *insert* (`0x01..=0x7f`, followed by that many literal bytes) and *copy*
//! (`0x80 | flags`, then the offset and size bytes the flags announce: bits
//! 0–3 for the four offset bytes, 4–6 for the three size bytes, lowest byte
//! first, zero bytes left out; a size of 0 means 0x10000).
//!
//! Matches are found as git's `diff-delta.c` finds them: the base is indexed
//! by a hash of each aligned [`BLOCK`]-byte block, every position of the
//! target is looked up, and a match is extended forwards as far as the bytes
//! agree and backwards into the literal bytes not yet written.

/// The size of the indexed blocks of the base (git's `RABIN_WINDOW`).
const BLOCK: usize = 16;
/// The most bytes one copy instruction may carry.
const MAX_COPY: usize = 0x10000;
/// The most literal bytes one insert instruction may carry.
const MAX_INSERT: usize = 0x7f;
/// How many base blocks with the same hash are compared with a target
/// position (git's `HASH_LIMIT`), which bounds the work on repetitive input.
const MAX_CANDIDATES: usize = 64;
const NONE: u32 = u32::MAX;

/// Returns the delta that turns `base` into `target`, or `None` when it
/// would be longer than `max_len` bytes (or the base is too large for the
/// format's 32-bit offsets).
pub(crate) fn encode(base: &[u8], target: &[u8], max_len: usize) -> Option<Vec<u8>> {
    if u32::try_from(base.len()).is_err() {
        return None;
    }
    let mut out = Vec::with_capacity(target.len().min(max_len) / 4 + 16);
    push_varint(&mut out, base.len());
    push_varint(&mut out, target.len());

    let index = BlockIndex::new(base);
    // Target bytes from `pending` up to `pos` are yet to be written as inserts.
    let (mut pending, mut pos) = (0, 0);
    while pos + BLOCK <= target.len() && !index.is_empty() {
        let Some((mut src, mut len)) = index.longest_match(base, target, pos) else {
            pos += 1;
            continue;
        };
        let mut start = pos;
        while start > pending && src > 0 && base[src - 1] == target[start - 1] {
            (start, src, len) = (start - 1, src - 1, len + 1);
        }
        push_inserts(&mut out, &target[pending..start]);
        push_copy(&mut out, src, len);
        pos = start + len;
        pending = pos;
        if out.len() > max_len {
            return None;
        }
    }
    push_inserts(&mut out, &target[pending..]);
    (out.len() <= max_len).then_some(out)
}

/// The base's aligned blocks by hash: `heads[hash]` is the last block with
/// that hash, `next[block]` the one before it with the same hash.
struct BlockIndex {
    heads: Vec<u32>,
    next: Vec<u32>,
    shift: u32,
}

impl BlockIndex {
    fn new(base: &[u8]) -> Self {
        let blocks = base.len() / BLOCK;
        let bits = (blocks.max(1).next_power_of_two().trailing_zeros()).clamp(4, 30);
        let mut index = BlockIndex {
            heads: vec![NONE; 1 << bits],
            next: vec![NONE; blocks],
            shift: 64 - bits,
        };
        // Later blocks first in each chain, as git prefers them.
        for block in 0..blocks {
            let slot = index.slot(&base[block * BLOCK..]);
            index.next[block] = index.heads[slot];
            index.heads[slot] = block as u32;
        }
        index
    }

    fn is_empty(&self) -> bool {
        self.next.is_empty()
    }

    /// The hash slot of the [`BLOCK`] bytes at the start of `bytes`.
    fn slot(&self, bytes: &[u8]) -> usize {
        let block: [u8; BLOCK] = bytes[..BLOCK].try_into().expect("a whole block");
        let word = u128::from_le_bytes(block);
        let folded = (word as u64) ^ ((word >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The base offset and length of the longest match of `target[pos..]`
    /// that starts with a whole indexed block, if any.
    fn longest_match(&self, base: &[u8], target: &[u8], pos: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        let mut block = self.heads[self.slot(&target[pos..])];
        let mut candidates = 0;
        while block != NONE && candidates < MAX_CANDIDATES {
            let src = block as usize * BLOCK;
            let len = common_prefix(&base[src..], &target[pos..]);
            if len >= BLOCK && best.is_none_or(|(_, best_len)| len > best_len) {
                best = Some((src, len));
                if pos + len == target.len() {
                    break;
                }
            }
            block = self.next[block as usize];
            candidates += 1;
        }
        best
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn push_inserts(out: &mut Vec<u8>, literal: &[u8]) {
    for chunk in literal.chunks(MAX_INSERT) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
}

fn push_copy(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
    while len > 0 {
        let size = len.min(MAX_COPY);
        let command_at = out.len();
        out.push(0x80);
        let mut flags = 0u8;
        for (i, byte) in (offset as u32).to_le_bytes().into_iter().enumerate() {
            if byte != 0 {
                flags |= 1 << i;
                out.push(byte);
            }
        }
        // 0x10000 is written as no size bytes at all.
        if size != MAX_COPY {
            for (i, byte) in (size as u32).to_le_bytes()[..3].iter().enumerate() {
                if *byte != 0 {
                    flags |= 0x10 << i;
                    out.push(*byte);
                }
            }
        }
        out[command_at] |= flags;
        offset += size;
        len -= size;
    }
}

#[cfg(test)]
mod tests {
    use gix_pack::data::output;

    use super::*;

    /// Applies `delta` to `base` with gix-pack's decoder, the way a reader of
    /// the pack would: a pack holding `base` as a blob and `delta` as an
    /// offset delta against it is written, then its second entry decoded.
    fn apply(base: &[u8], delta: &[u8]) -> Vec<u8> {
        let entry = |kind, data: &[u8]| {
            let count = output::Count::from_data(gix::ObjectId::null(gix::hash::Kind::Sha1), None);
            let mut entry = output::Entry::from_data(
                &count,
                &gix::objs::Data::new(data, gix::objs::Kind::Blob, gix::hash::Kind::Sha1),
                gix::zlib::Compression::DEFAULT,
            )
            .expect("deflate");
            entry.kind = kind;
            entry
        };
        // Not the null id, which marks an invalid entry.
        let mut base_entry = entry(output::entry::Kind::Base(gix::objs::Kind::Blob), base);
        base_entry.id = gix::ObjectId::empty_blob(gix::hash::Kind::Sha1);
        let mut delta_entry = entry(output::entry::Kind::DeltaRef { object_index: 0 }, delta);
        delta_entry.id = gix::ObjectId::empty_tree(gix::hash::Kind::Sha1);
        let chunks = vec![Ok(vec![base_entry]), Ok(vec![delta_entry])];
        let mut pack = Vec::new();
        let mut writer = output::bytes::FromEntriesIter::new(
            chunks.into_iter(),
            &mut pack,
            2,
            gix_pack::data::Version::V2,
            gix::hash::Kind::Sha1,
        );
        let delta_offset = writer.next().expect("base").expect("written");
        for written in writer {
            written.expect("written");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.pack");
        std::fs::write(&path, &pack).expect("write pack");
        let file = gix_pack::data::File::at(&path, gix::hash::Kind::Sha1).expect("open pack");
        let mut out = Vec::new();
        file.decode_entry(
            file.entry(delta_offset).expect("delta entry"),
            &mut out,
            &mut gix::zlib::Inflate::default(),
            &|_, _| Ok(None),
            &mut gix_pack::cache::Never,
        )
        .expect("the delta applies");
        out
    }

    fn round_trip(base: &[u8], target: &[u8]) -> usize {
        let delta = encode(base, target, usize::MAX).expect("no limit");
        assert_eq!(
            apply(base, &delta),
            target,
            "base {} bytes, target {} bytes",
            base.len(),
            target.len()
        );
        delta.len()
    }

    /// Deterministic pseudo-random bytes (xorshift), `len` of them.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn empty_and_identical_inputs() {
        assert_eq!(round_trip(b"", b""), 2);
        round_trip(b"", b"hello");
        assert_eq!(round_trip(b"hello", b""), 2);
        round_trip(b"short", b"short");
        let text = noise(1, 5000);
        // Header (2 + 2 bytes) and one copy of offset 0, size 5000.
        assert_eq!(round_trip(&text, &text), 7);
    }

    #[test]
    fn small_edits_make_small_deltas() {
        let base = (0..200)
            .map(|i| format!("{{\"seq\": {i}, \"kind\": \"snapshot\", \"path\": \"src/m{i}.rs\"}}\n"))
            .collect::<String>();
        let mut target = base.replacen("\"seq\": 100,", "\"seq\": 100, \"extra\": true,", 1);
        target.insert_str(0, "prefix\n");
        target.push_str("suffix\n");
        let len = round_trip(base.as_bytes(), target.as_bytes());
        assert!(len < 80, "delta of {len} bytes for three small edits");
    }

    #[test]
    fn random_edits_round_trip() {
        for seed in 1..40u64 {
            let base = noise(seed, (seed as usize * 997) % 9000);
            let mut target = base.clone();
            let edits = noise(seed + 1000, 64);
            for pair in edits.chunks(4) {
                let at = (usize::from(pair[0]) << 8 | usize::from(pair[1])) % (target.len() + 1);
                let (end, insert) = match pair[2] % 3 {
                    0 => (at, noise(u64::from(pair[3]) + 1, usize::from(pair[3]))),
                    1 => ((at + usize::from(pair[3])).min(target.len()), Vec::new()),
                    _ => ((at + 8).min(target.len()), noise(u64::from(pair[3]) + 7, 8)),
                };
                target.splice(at..end, insert);
            }
            round_trip(&base, &target);
            round_trip(&target, &base);
            round_trip(&noise(seed + 77, 3000), &target);
        }
    }

    #[test]
    fn large_inputs_need_several_copies_and_long_offsets() {
        let base = noise(7, 300_000);
        let mut target = base[150_000..].to_vec();
        target.extend_from_slice(&base[..140_000]);
        target.extend_from_slice(&noise(8, 1000));
        let len = round_trip(&base, &target);
        assert!(len < 1100, "delta of {len} bytes");
        round_trip(&target, &base);
    }

    #[test]
    fn over_the_limit_gives_up() {
        assert_eq!(encode(b"", &noise(3, 1000), 500), None);
        assert!(encode(&noise(3, 1000), &noise(3, 1000), 500).is_some());
    }
}
