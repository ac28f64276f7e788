//! Fuzz target `mcp_lines`: see `git_session::fuzzing::mcp_lines`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| git_session::fuzzing::mcp_lines(data));
