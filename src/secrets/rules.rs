//! The table of secret rules: one row per kind of secret, each a regular
//! expression and an optional check that rejects matches which only look
//! like a secret.
//!
//! Specific rules come first: when two rules match the same bytes of a line,
//! only the first is reported, so a GitHub token assigned to `GITHUB_TOKEN=`
//! is reported as `github-token`, not also as `generic-assignment`.

/// One rule of the table.
pub(crate) struct Rule {
    /// Stable name, printed in reports and accepted by future allow-lists.
    pub id: &'static str,
    /// What the rule finds, for people.
    pub description: &'static str,
    /// The regular expression (syntax of the `regex` crate).
    pub pattern: &'static str,
    /// Further test of the secret; `false` drops the match. The second
    /// argument says whether the secret was written unquoted (it came from
    /// the capture group named `bare`).
    pub check: Option<fn(&str, bool) -> bool>,
}

/// Every rule, most specific first. The secret of a match (what the excerpt
/// is cut from) is the first capture group that took part in it, or the
/// whole match when the pattern has none.
pub(crate) static RULES: &[Rule] = &[
    Rule {
        id: "private-key",
        description: "PEM or OpenSSH private key",
        pattern: r"-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
        check: None,
    },
    Rule {
        id: "aws-access-key-id",
        description: "AWS access key id",
        pattern: r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b",
        check: None,
    },
    Rule {
        id: "aws-secret-access-key",
        description: "AWS secret access key in an assignment",
        pattern: r#"(?i)aws_?secret_?access_?key["']?\s*(?::=|=>|[:=])\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        check: None,
    },
    Rule {
        id: "github-token",
        description: "GitHub personal, OAuth, user-to-server, server-to-server or refresh token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36,})\b",
        check: None,
    },
    Rule {
        id: "github-fine-grained-token",
        description: "GitHub fine-grained personal access token",
        pattern: r"\b(github_pat_[A-Za-z0-9_]{82})\b",
        check: None,
    },
    Rule {
        id: "gitlab-token",
        description: "GitLab personal access token",
        pattern: r"\b(glpat-[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)",
        check: None,
    },
    Rule {
        id: "slack-token",
        description: "Slack bot, app, user, refresh or legacy token",
        pattern: r"\b(xox[baprs]-[A-Za-z0-9-]{10,})",
        check: Some(|s, _| has_digit(s)),
    },
    Rule {
        id: "google-api-key",
        description: "Google API key",
        pattern: r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        check: None,
    },
    Rule {
        id: "stripe-live-key",
        description: "Stripe live secret key",
        pattern: r"\b(sk_live_[0-9a-zA-Z]{24,})\b",
        check: None,
    },
    Rule {
        id: "openai-anthropic-key",
        description: "OpenAI or Anthropic style API key (sk-…, sk-proj-…, sk-ant-…)",
        pattern: r"\b(sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,})",
        check: Some(|s, _| looks_random(s)),
    },
    Rule {
        id: "generic-assignment",
        description: "high-entropy value assigned to a secret-looking name",
        pattern: r#"(?i)[A-Za-z0-9_.-]*(?:secret|token|passwd|password|api_?key|private_?key|client_?secret)[A-Za-z0-9_.-]*["']?\s*(?::=|=>|[:=])\s*(?:"([^"\r\n]{20,})"|'([^'\r\n]{20,})'|(?P<bare>[^\s"'`,;]{20,}))"#,
        check: Some(generic_value),
    },
];

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

/// Random keys of 32+ characters practically always mix digits and letters;
/// slugs like `sk-learn-and-friends-…` do not.
fn looks_random(s: &str) -> bool {
    has_digit(s) && s.bytes().any(|b| b.is_ascii_alphabetic()) && entropy(s) >= 3.5
}

/// Accepts the value of a generic assignment: at least 20 characters, at
/// least 3.5 bits of Shannon entropy per character, and not a placeholder
/// or (when unquoted) a reference to something else in code.
fn generic_value(value: &str, bare: bool) -> bool {
    if value.chars().count() < 20 || entropy(value) < 3.5 {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let placeholder = [
        "xxxx",
        "changeme",
        "change_me",
        "example",
        "placeholder",
        "your_",
        "your-",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || (value.starts_with('<') && value.ends_with('>'))
        || value.contains("${")
        || value.contains("{{")
        || value.starts_with('$');
    if placeholder {
        return false;
    }
    if bare {
        // `token: process.env.GITHUB_TOKEN`, `password = get_password(…)`,
        // `secret: SECRET_FROM_THE_ENVIRONMENT`: code, not a value.
        let code = value.contains('(')
            || value.contains('[')
            || is_dotted_identifier(value)
            || value
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if code {
            return false;
        }
    }
    true
}

fn is_dotted_identifier(s: &str) -> bool {
    s.contains('.')
        && s.split('.').all(|part| {
            let mut bytes = part.bytes();
            bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// Shannon entropy of `s` in bits per character.
pub(crate) fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}
