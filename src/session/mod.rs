//! The domain: sessions, events and the fold of events into a session header.
//!
//! Nothing here knows about git objects or refs; `store` turns these values
//! into commits. Everything is plain data that serialises to the on-disk
//! format v1 described in `docs/design.md` §3, and everything read back is
//! checked as it is parsed (ids, object ids and times are newtypes), because
//! a session may come from somebody else's remote.

pub mod event;
mod header;
mod id;
mod name;
pub mod plan;
#[cfg(test)]
mod props;
pub mod task;
pub mod text;
mod time;
pub mod trailers;

pub use event::{read_versioned, Body, Event, EventKind, Person, ReadError, SkippedFile, Snapshot};
pub use header::{active_gap, bounded_scope, Counters, Item, SessionHeader, Status, IDLE_AFTER, MAX_SCOPE};
pub use id::{is_id, EventId, IdError, Oid, SessionId};
pub use name::normalize_name;
pub use time::{seconds, TimeError, Timestamp};

/// The on-disk format this build writes and the newest it can read.
pub const FORMAT: u32 = 1;

/// The largest Lamport clock a reader accepts (2^53, the largest integer
/// every JSON reader represents exactly). A log of a trillion events stays
/// far below it; a forged clock near `u64::MAX` is refused instead of
/// wrapping every later event around to the front.
pub const MAX_CLOCK: u64 = 1 << 53;
