//! Fuzz target `tree_entries`: see `git_session::fuzzing::tree_entries`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::tree_entries(data));
