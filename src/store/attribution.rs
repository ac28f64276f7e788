//! Which commits a session is credited with: HEAD reflog entries turned
//! into `commit` and `branch` events (docs/design.md §3, "Commits made during
//! a session"), with rebased and cherry-picked commits matched by stable
//! patch id and squash merges by the `Session-Id` trailers they quote.

use anyhow::Result;
use gix::ObjectId;

use super::{oid, SeenCommit, SessionHead, Store};
use crate::session::event::{Attribution, BranchMove, CommitSeen};
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
        for entry in seen {
            let m = entry.message.as_str();
            let rewrite = m.starts_with("cherry-pick")
                || (m.starts_with("rebase")
                    && ["(pick)", "(reword)", "(squash)", "(fixup)", "(edit)"]
                        .iter()
                        .any(|k| m.contains(k)));
            let made_commit = rewrite
                || m.starts_with("commit")
                || m.starts_with("revert")
                || (m.starts_with("merge ") && m.contains("Merge made by"));
            if made_commit {
                let message = self.commit_message(entry.new);
                let mut seen = CommitSeen {
                    commit: Some(oid(entry.new)),
                    subject: message.lines().next().unwrap_or_default().to_owned(),
                    reflog: Some(m.to_owned()),
                    ..CommitSeen::default()
                };
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
            } else if m.starts_with("pull") || (m.starts_with("merge ") && m.contains("Fast-forward")) {
                // Commits that arrived from elsewhere are not the session's,
                // except those whose message carries its `Session-Id`: its
                // work squash-merged on a forge (the squash message quotes
                // the squashed commits' messages) and pulled back.
                out.extend(self.arrived_with_trailer(session, entry)?);
            } else if let Some(rest) = m.strip_prefix("checkout: moving from ") {
                let (from, to) = rest.split_once(" to ").unwrap_or((rest, ""));
                if from != to {
                    out.push(self.stamp(Body::Branch(BranchMove {
                        from: Some(from.to_owned()),
                        to: Some(to.to_owned()),
                    }))?);
                }
            }
        }
        Ok(out)
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
