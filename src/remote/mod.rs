//! Sessions and git remotes: `fetch` with gix's own fetch into
//! `refs/aura/remotes/<remote>/sessions/`, and `push` of session refs over
//! gix's transports (file://, plain paths, git://, ssh://, http(s)://).
//!
//! gix has fetch but no push, so [`push`] speaks git's receive-pack
//! protocol itself on top of gix's transport and handshake, and builds the
//! pack with gix-pack ([`pack`]).
//!
//! http:// and https:// come from gix's
//! `blocking-http-transport-reqwest-rust-tls`: for fetch that is all it
//! takes, and push runs its receive-pack conversation as one GET (the
//! advertisement) and one POST (commands and pack) through the same
//! transport. reqwest with rustls rather than `blocking-http-transport-curl`
//! because it links no system library: no libcurl, no OpenSSL, the same TLS
//! stack on every platform (certificates are still checked against the
//! platform's store), and a build that needs no `-dev` packages. It is not free of C: rustls's default crypto provider is
//! aws-lc-rs, whose `aws-lc-sys` compiles vendored C with the system's C
//! compiler (as `ring`, the alternative, also would).
//!
//! The price is build time. Measured on 2 cores with a fresh
//! `CARGO_TARGET_DIR`, `cargo build` (debug, the whole crate, every
//! dependency from source; crates already downloaded): 64 s without the
//! feature, 107 s with it (+43 s, +68 %). The feature adds about 80 crates to
//! the build (reqwest, hyper, h2, tokio, tower, rustls, aws-lc-rs and
//! aws-lc-sys, url and its ICU tables, …). Incremental builds of this crate
//! are unaffected.
//!
//! Credentials for http come from the configured credential helpers (gix's
//! cascade, asked on a 401). gix sends them only over https: over plain
//! http://, a server asking for a password fails the push or fetch with
//! "Will not send credentials in clear text over http".
//!
//! gix calls its reqwest backend experimental, and of the `http.*`
//! settings it applies only `http.extraHeader` and `http.followRedirects`:
//! `http.sslCAInfo`, `http.sslVerify`, `http.proxy`, `http.userAgent` and
//! the low-speed limits are read but ignored (reqwest itself honours the
//! `HTTPS_PROXY`/`NO_PROXY` environment, and trusts the platform's
//! certificate store, which on Linux `SSL_CERT_FILE` can replace). The
//! curl backend applies them all; switch if users need them.

pub(crate) mod archive;
pub(crate) mod fetch;
mod pack;
pub(crate) mod policy;
pub(crate) mod progress;
mod push;

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use push::parse_reply;
#[cfg(test)]
pub(crate) use push::push;
pub(crate) use push::{push_checked, Reason, RefResult, RefUpdate, Rejection};

/// With `GIT_SESSION_PUSH_TIMING=1`, prints how long `phase` took to stderr
/// (`push timing: <phase>: <ms> ms`): where the time of a push goes.
pub(crate) fn report_time(phase: &str, elapsed: std::time::Duration) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("GIT_SESSION_PUSH_TIMING").is_some_and(|v| v == "1")) {
        eprintln!("push timing: {phase}: {:.1} ms", elapsed.as_secs_f64() * 1000.0);
    }
}

#[cfg(test)]
mod tests;
