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
pub mod text;
mod time;
pub mod trailers;

pub use event::{read_versioned, Body, Event, EventKind, Person, ReadError, SkippedFile, Snapshot};
pub use header::{active_gap, Counters, Item, SessionHeader, Status, IDLE_AFTER};
pub use id::{is_id, EventId, IdError, Oid, SessionId};
pub use name::normalize_name;
pub use time::{seconds, TimeError, Timestamp};

/// The on-disk format this build writes and the newest it can read.
pub const FORMAT: u32 = 1;
