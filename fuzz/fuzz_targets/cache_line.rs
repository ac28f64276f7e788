//! Fuzz target `cache_line`: see `git_session::fuzzing::cache_line`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::cache_line(data));
