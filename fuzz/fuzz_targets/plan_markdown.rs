//! Fuzz target `plan_markdown`: see `git_session::fuzzing::plan_markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::plan_markdown(data));
