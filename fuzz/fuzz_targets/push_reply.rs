//! Fuzz target `push_reply`: see `git_session::fuzzing::push_reply`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::push_reply(data));
