//! The one place that builds `refs/aura/…` names (DESIGN.md §2).

/// The prefix under which every session ref lives.
pub const SESSIONS_PREFIX: &str = "refs/aura/sessions/";

/// `refs/aura/sessions/<id>`: the head of a session's event log.
pub fn session_ref(id: &str) -> String {
    format!("{SESSIONS_PREFIX}{id}")
}

/// The session id in a full ref name under [`SESSIONS_PREFIX`], if it is one.
pub fn session_id_of(full_name: &str) -> Option<&str> {
    full_name.strip_prefix(SESSIONS_PREFIX)
}

/// `refs/aura/remotes/<remote>/sessions/`: where fetched session heads land.
pub fn remote_sessions_prefix(remote: &str) -> String {
    format!("refs/aura/remotes/{remote}/sessions/")
}

/// `refs/aura/remotes/<remote>/sessions/<id>`.
pub fn remote_session_ref(remote: &str, id: &str) -> String {
    format!("{}{id}", remote_sessions_prefix(remote))
}
