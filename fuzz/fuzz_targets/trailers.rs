//! Fuzz target `trailers`: see `git_session::fuzzing::trailers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::trailers(data));
