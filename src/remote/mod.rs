//! Talking to other repositories: `push` of session refs over gix's
//! transports (file://, plain paths, git://, ssh://; https is not compiled
//! in yet).
//!
//! gix has fetch but no push, so [`push`] speaks git's receive-pack
//! protocol itself on top of gix's transport and handshake, and builds the
//! pack with gix-pack ([`pack`]).

mod pack;
mod push;

pub use push::{push, PushOutcome, RefResult, RefUpdate};

#[cfg(test)]
mod tests;
