//! Integration tests of `git-session`: stories against real temporary
//! repositories, driving the real binary, with git as the oracle
//! (STYLE.md §6-8). One test binary; one module per area.

mod agents;
mod harness;

mod agent_hooks;
mod agent_install;
mod agents_real;
mod bad_input;
mod completion;
mod concurrency;
mod crash;
mod diff;
mod faults;
mod forged;
mod generated;
mod hooks;
mod hostile;
mod human_output;
mod knowledge;
mod layers;
mod lifecycle;
mod locations;
mod mcp;
mod output;
mod own_work;
mod packs;
mod parallel;
mod plan;
mod recording;
mod reflog;
mod remotes;
mod resolution;
mod resume;
mod retention;
mod rewind;
mod rough_edges;
mod scale;
mod snapshot_exact;
mod summarize;
mod trials;
mod verdicts;
