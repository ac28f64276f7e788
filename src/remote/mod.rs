//! Sessions and git remotes: `fetch` with gix's own fetch into
//! `refs/aura/remotes/<remote>/sessions/`, and `push` of session refs over
//! gix's transports (file://, plain paths, git://, ssh://).
//!
//! gix has fetch but no push, so [`push`] speaks git's receive-pack
//! protocol itself on top of gix's transport and handshake, and builds the
//! pack with gix-pack ([`pack`]).
//!
//! https is deliberately not compiled in yet. When it is, prefer gix's
//! `blocking-http-transport-reqwest-rust-tls` (pure Rust, no system
//! libcurl/OpenSSL to link or audit) over `blocking-http-transport-curl`
//! (smaller build, but a C dependency and the system's TLS). The cost
//! noted in GIX_NOTES.md, not re-measured here: about 26 s for a cold debug
//! build of gix with `blocking-network-client`, about 53 s with reqwest and
//! rustls.

pub mod fetch;
mod pack;
mod push;

pub use push::{push, PushOutcome, RefResult, RefUpdate};

#[cfg(test)]
mod tests;
