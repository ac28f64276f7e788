//! Fuzz target `hook_payload`: see `git_session::fuzzing::hook_payload`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::hook_payload(data));
