//! Fuzz target `header_json`: see `git_session::fuzzing::header_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::header_json(data));
