//! The plan in force read from its blob, bounded: the markdown itself (for
//! `plan show`, `plan done` and `resume --plan-file`) and the excerpt that
//! `status`, `resume` and the brief show. A plan fetched from elsewhere may
//! name a blob that is missing, huge, not a blob or not text: each is a
//! clear error here, and a note in the excerpt, never a panic or an
//! unbounded read.

use anyhow::Result;

use crate::error::fail;
use crate::session::plan::{self, PlanExcerpt, PlanState, MAX_PLAN};
use crate::store::Store;

/// How much of the plan `status`, `resume` and the brief show.
pub(crate) const EXCERPT_LINES: usize = 40;
pub(crate) const EXCERPT_CHARS: usize = 4_000;

/// The markdown of the plan `state` (its `plan.md` blob).
pub(crate) fn plan_markdown(store: &Store, state: &PlanState) -> Result<String> {
    let Some(blob) = &state.blob else {
        return Err(fail(format!(
            "the plan event {} carries no {}",
            state.id,
            plan::PLAN_FILE
        )));
    };
    let Some(bytes) = store.read_blob(blob, MAX_PLAN as u64)? else {
        return Err(fail(format!(
            "the plan's markdown (blob {}) is missing, not a blob, or larger than {} KiB",
            blob.short(12),
            MAX_PLAN / 1024
        )));
    };
    String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "the plan's markdown (blob {}) is not UTF-8 text",
            blob.short(12)
        ))
    })
}

/// The plan `state` within `max_lines` lines and `max_chars` characters,
/// with its first `next` open steps. A plan that cannot be read gives the
/// header's title and counts and says why in `error`.
pub(crate) fn plan_excerpt(
    store: &Store,
    state: &PlanState,
    max_lines: usize,
    max_chars: usize,
    next: usize,
) -> PlanExcerpt {
    let mut excerpt = PlanExcerpt {
        event: state.id.clone(),
        version: state.version,
        title: state.title.clone(),
        done: state.done,
        total: state.total,
        text: String::new(),
        more_lines: 0,
        next: Vec::new(),
        error: None,
    };
    match plan_markdown(store, state) {
        Ok(markdown) => {
            let steps = plan::checklist(&markdown);
            (excerpt.done, excerpt.total) = plan::counts(&steps);
            excerpt.next = steps.into_iter().filter(|s| !s.done).take(next).collect();
            (excerpt.text, excerpt.more_lines) = plan::excerpt(&markdown, max_lines, max_chars);
        }
        Err(err) => excerpt.error = Some(format!("{err:#}")),
    }
    excerpt
}
