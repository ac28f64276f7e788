//! Which commits a session is credited with: HEAD reflog entries turned
//! into `commit` and `branch` events (docs/design.md §3, "Commits made during
//! a session"), with rebased and cherry-picked commits matched by stable
//! patch id and squash merges by the `Session-Id` trailers they quote.

use anyhow::Result;
use gix::ObjectId;

use super::{oid, SeenCommit, SessionHead, Store};
use crate::session::event::{Arrived, Attribution, BranchMove, CommitSeen};
use crate::session::{trailers, Body, Event};

/// How many commits of one pull are searched for the session's trailer.
const MAX_ARRIVED: usize = 200;

/// How many of a session's latest commits a rewritten commit is compared with.
const MAX_PATCH_ID_CANDIDATES: usize = 500;

/// The commits a session recorded, newest first, each with its patch id once computed.
type Recorded = Vec<(ObjectId, Option<ObjectId>)>;

impl Store {
    /// Turns HEAD reflog entries into `commit` and `branch` events for `session`.
    ///
    /// A commit that a rebase or cherry-pick wrote without a `Session-Id`
    /// trailer of this session is matched by patch id against the commits
    /// the session recorded before (`rewritten_from`); a squash commit whose
    /// message quotes this session's `Session-Id` lists the quoted commits
    /// (`squashed`). `attributed_by` says which evidence tied the commit to
    /// the session beyond being made in its work tree.
    pub(super) fn reflog_events(&self, session: &SessionHead, seen: &[SeenCommit]) -> Result<Vec<Event>> {
        let id = session.id.as_str();
        let mut out: Vec<Event> = Vec::new();
        let mut earlier: Option<Recorded> = None;
        // The session's baseline, moved along by every change from elsewhere.
        let mut base = session.header.baseline().and_then(|b| super::object_id(b).ok());
        for entry in seen {
            let m = entry.message.as_str();
            let rewrite = m.starts_with("cherry-pick")
                || (rebase_step(m)
                    && ["(pick)", "(reword)", "(squash)", "(fixup)", "(edit)"]
                        .iter()
                        .any(|k| m.contains(k)));
            let merge = m.starts_with("merge ") && m.contains("Merge made by");
            let made_commit = rewrite || m.starts_with("commit") || m.starts_with("revert") || merge;
            if made_commit {
                let message = self.commit_message(entry.new);
                let mut seen = CommitSeen {
                    commit: Some(oid(entry.new)),
                    subject: message.lines().next().unwrap_or_default().to_owned(),
                    reflog: Some(m.to_owned()),
                    ..CommitSeen::default()
                };
                if merge {
                    // What a merge brings in came from the other side.
                    seen.merged_onto = entry.previous.map(oid);
                    seen.work_base = self.move_base(&mut base, entry)?;
                } else if m.starts_with("commit (amend)") {
                    seen.rewritten_from = entry.previous.map(oid);
                }
                let squashed = squashed_commits(&message, id);
                if !squashed.is_empty() {
                    seen.attributed_by = Some(Attribution::Trailer);
                    seen.squashed = squashed;
                } else if trailers::has_trailer(&message, "Session-Id", id) {
                    seen.attributed_by = Some(Attribution::Trailer);
                } else if message.contains("\ncommit ") && !rewrite {
                    // A squash message without trailers (no hooks, or cut):
                    // the quoted commits the session recorded tie it to them.
                    let earlier = match &mut earlier {
                        Some(e) => e,
                        None => earlier.insert(self.recorded_commits(session)?),
                    };
                    let squashed: Vec<String> = quoted_commits(&message)
                        .into_iter()
                        .filter(|q| earlier.iter().any(|(c, _)| c.to_string().starts_with(q.as_str())))
                        .collect();
                    if !squashed.is_empty() {
                        seen.attributed_by = Some(Attribution::Squash);
                        seen.squashed = squashed;
                    }
                } else if rewrite {
                    let earlier = match &mut earlier {
                        Some(e) => e,
                        None => earlier.insert(self.recorded_commits(session)?),
                    };
                    for e in &out {
                        if let Body::Commit(CommitSeen { commit: Some(c), .. }) = &e.body {
                            if let Ok(c) = super::object_id(c) {
                                if !earlier.iter().any(|(o, _)| *o == c) {
                                    earlier.insert(0, (c, None));
                                }
                            }
                        }
                    }
                    if let Some(old) = self.rewritten_from(entry.new, earlier) {
                        seen.attributed_by = Some(Attribution::PatchId);
                        seen.rewritten_from = Some(oid(old));
                    }
                }
                let mut event = self.stamp(Body::Commit(seen))?;
                event.head = Some(oid(entry.new));
                out.push(event);
            } else if arrived_from_elsewhere(m) {
                // Commits that arrived from elsewhere are not the session's:
                // an `arrived` event moves its baseline past them. Those
                // whose message carries its `Session-Id` are, though: its
                // work squash-merged on a forge (the squash message quotes
                // the squashed commits' messages) and pulled back.
                if entry.previous != Some(entry.new) {
                    let work_base = self.move_base(&mut base, entry)?;
                    out.push(self.stamp(Body::Arrived(Arrived {
                        from: entry.previous.map(oid),
                        to: Some(oid(entry.new)),
                        reflog: Some(m.to_owned()),
                        work_base,
                    }))?);
                }
                out.extend(self.arrived_with_trailer(session, entry)?);
            } else if let Some(rest) = m.strip_prefix("checkout: moving from ") {
                let (from, to) = rest.split_once(" to ").unwrap_or((rest, ""));
                if from != to {
                    let work_base = self.move_base(&mut base, entry)?;
                    out.push(self.stamp(Body::Branch(BranchMove {
                        from: Some(from.to_owned()),
                        to: Some(to.to_owned()),
                        from_commit: entry.previous.map(oid),
                        to_commit: Some(oid(entry.new)),
                        work_base,
                    }))?);
                }
            }
        }
        Ok(out)
    }

    /// Moves the session's baseline `base` past what the reflog `entry`
    /// brought from elsewhere (the change from its old commit to its new
    /// one, theirs winning where both touched the same lines), and returns
    /// the new baseline.
    fn move_base(&self, base: &mut Option<ObjectId>, entry: &SeenCommit) -> Result<Option<crate::session::Oid>> {
        let Some(current) = *base else {
            return Ok(None);
        };
        let before = match entry.previous {
            Some(p) => self.tree_of(p)?,
            None => self.empty_tree(),
        };
        let after = self.tree_of(entry.new)?;
        let (moved, _) = self.apply_change(current, before, after, super::OnConflict::Theirs)?;
        *base = Some(moved);
        Ok(Some(oid(moved)))
    }

    /// `commit` events for the commits a pull brought (at most
    /// [`MAX_ARRIVED`], newest first) whose message carries the session's
    /// `Session-Id`.
    fn arrived_with_trailer(&self, session: &SessionHead, entry: &SeenCommit) -> Result<Vec<Event>> {
        let id = session.id.as_str();
        let mut walk = self.repo.rev_walk([entry.new]);
        if let Some(previous) = entry.previous {
            walk = walk.with_hidden([previous]);
        }
        let Ok(walk) = walk.all() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for info in walk.take(MAX_ARRIVED) {
            let Ok(info) = info else { break };
            let message = self.commit_message(info.id);
            if !trailers::has_trailer(&message, "Session-Id", id) {
                continue;
            }
            let mut event = self.stamp(Body::Commit(CommitSeen {
                commit: Some(oid(info.id)),
                subject: message.lines().next().unwrap_or_default().to_owned(),
                reflog: Some(entry.message.clone()),
                attributed_by: Some(Attribution::Trailer),
                squashed: squashed_commits(&message, id),
                ..CommitSeen::default()
            }))?;
            event.head = Some(oid(info.id));
            out.push(event);
        }
        out.reverse();
        Ok(out)
    }

    /// The commits the session recorded (`commit` events), newest first,
    /// each with its patch id still to be computed.
    fn recorded_commits(&self, session: &SessionHead) -> Result<Recorded> {
        let events = self.events(session)?;
        Ok(events
            .iter()
            .rev()
            .filter_map(|e| match &e.event.body {
                Body::Commit(CommitSeen { commit: Some(c), .. }) => super::object_id(c).ok(),
                _ => None,
            })
            .take(MAX_PATCH_ID_CANDIDATES)
            .map(|c| (c, None))
            .collect())
    }

    /// The newest recorded commit with the same patch id as `commit`.
    fn rewritten_from(&self, commit: ObjectId, earlier: &mut Recorded) -> Option<ObjectId> {
        let wanted = self.patch_id(commit)?;
        for (old, id) in earlier.iter_mut() {
            if *old == commit {
                continue;
            }
            if id.is_none() {
                *id = self.patch_id(*old);
            }
            if *id == Some(wanted) {
                return Some(*old);
            }
        }
        None
    }

    /// The stable patch id of a commit against its first parent (as
    /// `git patch-id --stable`), `None` when it changes nothing or cannot be read.
    pub(crate) fn patch_id(&self, id: ObjectId) -> Option<ObjectId> {
        crate::diff::patch_id::commit_patch_id(&self.repo, id).ok().flatten()
    }
}

/// Every commit id a squash message quotes (`commit <oid>` lines, as `git
/// merge --squash` writes them).
fn quoted_commits(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in message.lines() {
        if let Some(oid) = line.strip_prefix("commit ") {
            let oid = oid.split_whitespace().next().unwrap_or_default();
            if oid.len() >= 7 && oid.bytes().all(|b| b.is_ascii_hexdigit()) && !out.iter().any(|o| o == oid) {
                out.push(oid.to_ascii_lowercase());
            }
        }
    }
    out
}

/// The commits a squash message quotes whose quoted message carries
/// `Session-Id: <session>`.
fn squashed_commits(message: &str, session: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut quoted: Option<&str> = None;
    for line in message.lines() {
        if let Some(oid) = line.strip_prefix("commit ") {
            let oid = oid.split_whitespace().next().unwrap_or_default();
            quoted = (oid.len() >= 7 && oid.bytes().all(|b| b.is_ascii_hexdigit())).then_some(oid);
        } else if let Some(oid) = quoted {
            if trailers::has_trailer(line, "Session-Id", session) && !out.iter().any(|o| o == oid) {
                out.push(oid.to_owned());
            }
        }
    }
    out
}

/// Reflog messages of HEAD moving to commits from elsewhere: pulls,
/// fast-forward merges, the upstream a rebase starts from.
fn arrived_from_elsewhere(message: &str) -> bool {
    (rebase_step(message) && message.contains("(start)"))
        || (message.starts_with("pull") && !rebase_step(message))
        || (message.starts_with("merge ") && message.contains("Fast-forward"))
}

/// A step of a rebase (`rebase (pick): …`), or of a pull that rebases (git
/// names the whole command: `pull -q --rebase origin main (pick): …`).
fn rebase_step(message: &str) -> bool {
    (message.starts_with("rebase") || message.starts_with("pull"))
        && [
            "(start)",
            "(pick)",
            "(reword)",
            "(squash)",
            "(fixup)",
            "(edit)",
            "(finish)",
            "(continue)",
        ]
        .iter()
        .any(|step| message.contains(step))
}
