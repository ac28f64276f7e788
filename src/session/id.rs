//! Generated identifiers: time-ordered UUIDv7 values in lowercase hex.

/// A new session id: 32 lowercase hex digits, ordered by creation time.
pub fn new_session_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// A new event id; the same shape as a session id, unique across machines.
pub fn new_event_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Whether `s` has the shape of a generated id (32 lowercase hex digits).
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_time_ordered() {
        let a = new_session_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_session_id();
        assert!(is_id(&a) && is_id(&b), "{a} {b}");
        assert!(a < b, "{a} !< {b}");
    }
}
