//! What a rewind, restore or undo did or would do: the result the engine
//! returns and `--json` prints.

use std::collections::{BTreeSet, HashSet};

use bstr::{BString, ByteSlice};

use super::commits::{self, Move};
use super::Plan;
use crate::session::{Event, SessionId};

/// A path an operation left alone, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LeftAlone {
    pub path: String,
    pub why: &'static str,
}

/// How the branch moved (or would move).
#[derive(Clone, Debug, serde::Serialize)]
pub struct BranchMoved {
    #[serde(rename = "ref")]
    pub refname: String,
    pub before: String,
    pub after: String,
    /// The session's commits reverted (newest first) or dropped.
    pub undone: Vec<commits::Listed>,
    /// The revert commits made.
    pub created: Vec<String>,
    /// Commits in the range that were not the session's (or merges), left in place.
    pub left: Vec<commits::Listed>,
}

/// What a rewind, restore or undo did or would do.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Rewound {
    /// `rewind`, `restore` or `undo`.
    pub operation: &'static str,
    /// What it went back to (`to checkpoint 'x'`, `a.rs from the start of the session`, …).
    pub what: String,
    pub dry_run: bool,
    /// The session, when an event was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
    /// The event recorded (none for a dry run or when there was nothing to do).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// Files rewritten, added and removed.
    pub write: Vec<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
    pub skipped: Vec<LeftAlone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits: Option<BranchMoved>,
}

impl Rewound {
    pub(crate) fn new(
        operation: &'static str,
        what: &str,
        plan: &Plan,
        moves: Option<&Move>,
        dry_run: bool,
    ) -> Rewound {
        let show = |p: &BString| super::display(p.as_bstr());
        let added: HashSet<&BString> = plan.write.iter().filter(|w| w.added).map(|w| &w.path).collect();
        Rewound {
            operation,
            what: what.to_owned(),
            dry_run,
            session: None,
            event: None,
            write: plan.write.iter().filter(|w| !w.added).map(|w| show(&w.path)).collect(),
            add: added
                .iter()
                .map(|p| show(p))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            remove: plan.remove.iter().filter(|p| !added.contains(p)).map(show).collect(),
            skipped: plan
                .skipped
                .iter()
                .map(|s| LeftAlone {
                    path: show(&s.path),
                    why: s.why,
                })
                .collect(),
            commits: moves.map(|m| BranchMoved {
                refname: m.refname.clone(),
                before: m.before.to_string(),
                after: m.after.to_string(),
                undone: m.undone.clone(),
                created: m.created.iter().map(ToString::to_string).collect(),
                left: m.left.clone(),
            }),
        }
    }

    /// How many files change.
    pub fn changes(&self) -> usize {
        self.write.len() + self.add.len() + self.remove.len()
    }
}
