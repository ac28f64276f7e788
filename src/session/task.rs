//! Task tokens: the issue-tracker ids (or any tokens) a session works on.
//! Sessions sharing a task are *trials* of it (`compare`, `promote`).
//!
//! A writer refuses a token that is empty, longer than [`MAX_TASK_CHARS`]
//! characters or holds whitespace or control characters; a reader bounds
//! whatever a fetched event or header says (at most [`MAX_TASKS`] tokens,
//! each cut to [`MAX_TASK_CHARS`], unusable ones dropped), because a task
//! list from elsewhere is untrusted input.

/// At most this many tasks per session.
pub const MAX_TASKS: usize = 20;
/// A task token has at most this many characters.
pub const MAX_TASK_CHARS: usize = 100;

/// The token as given when it is a valid task id, else why not.
pub fn check_task(token: &str) -> Result<String, String> {
    if token.is_empty() {
        return Err("a task id cannot be empty".to_owned());
    }
    if token.chars().count() > MAX_TASK_CHARS {
        return Err(format!(
            "the task id '{}…' is longer than {MAX_TASK_CHARS} characters",
            super::text::prefix(token, 20)
        ));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the task id '{}' holds whitespace or control characters; use a single token such as PROJ-123",
            super::text::escape_controls(token)
        ));
    }
    Ok(token.to_owned())
}

/// Checks every token of `tasks` and drops repeats (the first stays);
/// refuses more than [`MAX_TASKS`].
pub fn check_tasks(tasks: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in tasks {
        let t = check_task(t)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TASKS {
        return Err(format!("a session has at most {MAX_TASKS} tasks"));
    }
    Ok(out)
}

/// What a reader keeps of a task list from elsewhere: at most
/// [`MAX_TASKS`] distinct tokens, each cut to [`MAX_TASK_CHARS`]
/// characters, without the empty ones and those with whitespace or control
/// characters.
pub fn bound_tasks<'a>(tasks: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tasks {
        if out.len() == MAX_TASKS {
            break;
        }
        let t = super::text::prefix(t, MAX_TASK_CHARS);
        if t.is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            continue;
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked() {
        assert_eq!(check_task("PROJ-123"), Ok("PROJ-123".to_owned()));
        assert_eq!(check_task("#42"), Ok("#42".to_owned()));
        assert!(check_task("").is_err());
        assert!(check_task("two words").is_err());
        assert!(check_task("tab\there").is_err());
        assert!(check_task("esc\u{1b}[31m").is_err());
        assert!(check_task(&"x".repeat(101)).is_err());
        assert!(check_task(&"é".repeat(100)).is_ok());
        let many: Vec<String> = (0..21).map(|i| format!("T-{i}")).collect();
        assert!(check_tasks(&many).is_err());
        assert_eq!(check_tasks(&["a".into(), "a".into()]), Ok(vec!["a".to_owned()]));
    }

    #[test]
    fn a_forged_list_is_bounded() {
        let mut forged: Vec<String> = (0..1000).map(|i| format!("T-{i}")).collect();
        forged.insert(0, "x".repeat(10_000));
        forged.insert(1, "bad token".into());
        forged.insert(2, String::new());
        let kept = bound_tasks(&forged);
        assert_eq!(kept.len(), MAX_TASKS);
        assert_eq!(kept[0].chars().count(), MAX_TASK_CHARS);
        assert_eq!(kept[1], "T-0");
    }
}
