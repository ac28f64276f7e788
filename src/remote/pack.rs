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

use std::collections::HashSet;
use std::io::Write;

use anyhow::{bail, Context, Result};
use gix::objs::Kind;
use gix::ObjectId;
use gix_pack::data::output;

/// Lists the objects to send so that the remote, which has `remote_has`
/// (ids it advertised; those missing here are ignored), ends up with
/// everything reachable from `tips`. Commits and tags come first, then trees
/// and blobs in traversal order.
pub(super) fn objects_to_send(
    repo: &gix::Repository,
    tips: &[ObjectId],
    remote_has: &[ObjectId],
) -> Result<Vec<ObjectId>> {
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
                    out.push(id);
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
                    out.push(id);
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
            out.push(*commit);
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

/// Writes a version 2 pack of `ids` (which must all exist) to `out` and
/// returns the number of bytes written. With `ofs_delta`, deltas stored in
/// our packs are copied as offset deltas when their base is in `ids`;
/// without it every object is written whole.
pub(super) fn write_pack(
    repo: &gix::Repository,
    ids: &[ObjectId],
    ofs_delta: bool,
    out: &mut dyn Write,
) -> Result<u64> {
    use output::count::PackLocation;
    let counts: Vec<output::Count> = ids
        .iter()
        .map(|id| output::Count {
            id: *id,
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
    let entries = gix::parallel::InOrderIter::from(entries).map(|chunk| {
        let chunk = chunk?;
        if let Some(missing) = chunk.iter().position(output::Entry::is_invalid) {
            // An invalid entry would be skipped by the writer and leave the
            // header's object count wrong: fail instead of sending a bad pack.
            return Err(gix::Error::from_error(std::io::Error::other(format!(
                "object {} is missing",
                chunk[missing].id
            ))));
        }
        Ok(chunk)
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
    Ok(bytes)
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
    mut out: Option<&mut Vec<ObjectId>>,
) -> Result<()> {
    if !seen.insert(tree) {
        return Ok(());
    }
    if let Some(out) = out.as_deref_mut() {
        out.push(tree);
    }
    let mut stack = vec![tree];
    while let Some(id) = stack.pop() {
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
            if let Some(out) = out.as_deref_mut() {
                if !repo.has_object(oid) {
                    bail!("object {oid} (in tree {id}) is missing");
                }
                out.push(oid);
            }
            if mode.is_tree() {
                stack.push(oid);
            }
        }
    }
    Ok(())
}
