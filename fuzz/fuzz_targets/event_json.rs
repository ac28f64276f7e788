//! Fuzz target `event_json`: see `git_session::fuzzing::event_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::event_json(data));
