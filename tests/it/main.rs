//! Integration tests of `git-session`: stories against real temporary
//! repositories, driving the real binary, with git as the oracle
//! (STYLE.md §6-8). One test binary; one module per area.

mod harness;

mod bad_input;
mod concurrency;
mod crash;
mod generated;
mod human_output;
mod lifecycle;
mod parallel;
mod locations;
mod recording;
mod reflog;
mod resolution;
mod resume;
mod rewind;
mod snapshot_exact;
