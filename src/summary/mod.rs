//! Summaries of sessions.

pub mod functions;
