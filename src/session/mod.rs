//! The domain: sessions, events and the fold of events into a session header.
//!
//! Nothing here knows about git objects or refs; `store` turns these values
//! into commits. Everything is plain data that serialises to the on-disk
//! format v1 described in `DESIGN.md` §3.

mod event;
mod header;
mod id;
mod name;
pub mod trailers;

pub use event::{Event, EventKind, Person, SkippedFile};
pub use header::{active_gap, seconds, Counters, Item, SessionHeader, Status, IDLE_AFTER};
pub use id::{new_event_id, new_session_id};
pub use name::normalize_name;

/// The on-disk format this build writes and the newest it can read.
pub const FORMAT: u32 = 1;
