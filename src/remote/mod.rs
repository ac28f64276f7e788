//! Sessions and git remotes: fetch (gix's own), push (built from gix's
//! transport and pack pieces), and the names remote-tracking refs live under.

pub mod fetch;
