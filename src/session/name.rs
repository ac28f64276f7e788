//! Human session names: normalised the way users expect and checked against
//! git's ref-name rules, so a name can always be used in a branch or ref.

/// Normalises a user-supplied name (`"weekly review"` → `"weekly-review"`)
/// and returns it, or a message saying why it cannot be a session name.
pub fn normalize_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join("-");
    if name.is_empty() {
        return Err("a session name cannot be empty".into());
    }
    if name.len() > 100 {
        return Err(format!("session name {name:?} is longer than 100 bytes"));
    }
    let bad = |why: &str| Err(format!("invalid session name {raw:?}: {why}"));
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\' | '/'))
    {
        return bad(&format!("it contains {c:?}"));
    }
    if name.starts_with('-') || name.starts_with('.') {
        return bad("it starts with '-' or '.'");
    }
    if name.ends_with('.') || name.ends_with(".lock") {
        return bad("it ends with '.' or '.lock'");
    }
    if name.contains("..") || name.contains("@{") || name == "@" {
        return bad("it contains '..' or '@{' or is '@'");
    }
    if super::id::is_id(&name) {
        return bad("it looks like a session id");
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::normalize_name;

    #[test]
    fn whitespace_becomes_dashes() {
        assert_eq!(normalize_name("  weekly  review ").unwrap(), "weekly-review");
        assert_eq!(normalize_name("fix\tbug 12").unwrap(), "fix-bug-12");
        assert_eq!(normalize_name("Ünïcode-ok").unwrap(), "Ünïcode-ok");
    }

    #[test]
    fn git_ref_rules_are_enforced() {
        for bad in [
            "", "  ", "a..b", "-x", ".x", "x.", "x.lock", "a:b", "a~b", "a^b", "a?b", "a*b", "a[b", "a\\b", "a/b", "@",
            "a@{b", "a\u{7}b",
        ] {
            assert!(normalize_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
