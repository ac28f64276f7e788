//! The one typed error: a message for the user, an optional `hint:` line and
//! whether it is a usage error (exit 2) rather than a failed operation (exit 1).

use std::fmt;

#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub usage: bool,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// A failed operation (exit 1).
pub fn fail(message: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hint: None,
        usage: false,
    }
    .into()
}

/// A failed operation with an obvious next step.
pub fn fail_with_hint(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hint: Some(hint.into()),
        usage: false,
    }
    .into()
}

/// Wrong use of the command line (exit 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UserError {
        message: message.into(),
        hint: None,
        usage: true,
    }
    .into()
}
