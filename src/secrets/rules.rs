//! The table of secret rules: one row per kind of secret, each a regular
//! expression, the keywords without which it cannot match, and an optional
//! check that rejects matches which only look like a secret.
//!
//! Specific rules come first: when two rules match the same bytes, only the
//! first is reported, so a GitHub token assigned to `GITHUB_TOKEN=` is
//! reported as `github-token`, not also as `generic-assignment`. The two
//! [`Tier::Fallback`] rules (a secret-looking name with a value) are tried
//! after the specific rules and after the values that decode from base64,
//! so a base64 value under `token:` reports what it decodes to.
//!
//! The patterns use the syntax of the `regex` crate and are compiled for
//! bytes with Unicode off (`\s`, `\b`, `\w` and `(?i)` are ASCII), which
//! keeps every pattern on the lazy DFA and lets the same table read binary
//! data. Each token format follows its issuer's published shape (prefixes,
//! lengths, alphabets), the same shapes that public rule sets such as
//! gitleaks' describe; the patterns are written for this table, and the
//! module doc of [`super`] says why it is kept here rather than vendored.

/// One rule of the table.
pub(crate) struct Rule {
    /// Stable name, printed in reports and accepted by future allow-lists.
    pub id: &'static str,
    /// What the rule finds, for people.
    pub description: &'static str,
    /// The regular expression (syntax of the `regex` crate, bytes, Unicode
    /// off).
    pub pattern: &'static str,
    /// Every match contains one of these (ASCII case-insensitively): the
    /// pattern is only run on text where one of them occurs.
    pub keywords: &'static [&'static str],
    /// Further test of the match; `false` drops it.
    pub check: Option<fn(&Candidate<'_>) -> bool>,
    /// When the rule is tried.
    pub tier: Tier,
    /// Where the rule applies.
    pub scope: Scope,
}

/// When a rule is tried, relative to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// A recognisable format: tried first.
    Specific,
    /// A name that says "secret" with a value: tried last, on what the
    /// specific rules and the base64 decoder left.
    Fallback,
}

/// Which texts a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every text.
    Any,
    /// Configuration only (`.env`, YAML, TOML, JSON, INI, properties,
    /// shell profiles, Dockerfiles; see [`super::is_config_path`]), where a
    /// short value after `password:` is a value, not a type or a variable.
    Config,
}

/// What a [`Rule::check`] sees of a match.
pub(crate) struct Candidate<'a> {
    /// The secret: the first capture group that took part other than `key`
    /// (the whole match when there is none).
    pub secret: &'a str,
    /// The secret was written unquoted (it came from the group named `bare`).
    pub bare: bool,
    /// The group named `key`, when the pattern has one: the name the secret
    /// is assigned to.
    pub key: Option<&'a str>,
    /// The line the match starts on (at most a few KiB of it).
    pub line: &'a [u8],
    /// The text around the match (8 KiB each side).
    pub near: &'a [u8],
    /// The whole match.
    pub whole: &'a [u8],
    /// The bytes right before the match (at most 256).
    pub before: &'a [u8],
    /// The bytes right after the match (at most 256).
    pub after: &'a [u8],
}

use Scope::{Any, Config};
use Tier::{Fallback, Specific};

/// Every rule, most specific first. The secret of a match (what the excerpt
/// is cut from) is the first capture group other than `key` that took part
/// in it, or the whole match when the pattern has none.
pub(crate) static RULES: &[Rule] = &[
    Rule {
        id: "gcp-service-account",
        description: "Google Cloud service-account key (JSON with a private key)",
        pattern: r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----)"#,
        keywords: &["private_key"],
        check: Some(|c| contains(c.near, b"service_account")),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "private-key",
        description: "private key (PEM, PKCS#8, OpenSSH, RSA/EC/DSA, PGP, SSH2, PuTTY, OpenVPN static key)",
        pattern: concat!(
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----",
            r"|---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----",
            r"|PuTTY-User-Key-File-[1-9]: [a-z0-9@.-]+",
            r"|-----BEGIN OpenVPN Static key V1-----",
        ),
        keywords: &["PRIVATE KEY", "PuTTY-User-Key-File-", "OpenVPN Static key"],
        check: Some(armour_has_body),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "age-secret-key",
        description: "age encryption secret key",
        pattern: r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        keywords: &["AGE-SECRET-KEY-1"],
        check: None,
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "aws-access-key-id",
        description: "AWS access key id",
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b",
        keywords: &["AKIA", "ASIA", "ABIA", "ACCA"],
        check: Some(|c| !c.secret.ends_with("EXAMPLE") && distinct_chars(c.secret) >= 8),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "aws-secret-access-key",
        description: "AWS secret access key in an assignment",
        pattern: r#"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*(?::=|=>|[:=])\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        keywords: &["secret"],
        // The documentation's example key ends in `EXAMPLEKEY`.
        check: Some(|c| !c.secret.contains("EXAMPLE") && distinct_chars(c.secret) >= 10),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "github-token",
        description: "GitHub personal, OAuth, user-to-server, server-to-server or refresh token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36,})\b",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        check: Some(|c| distinct_chars(c.secret) >= 10),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "github-fine-grained-token",
        description: "GitHub fine-grained personal access token",
        pattern: r"\b(github_pat_[A-Za-z0-9_]{82})\b",
        keywords: &["github_pat_"],
        check: None,
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "gitlab-token",
        description: "GitLab personal, deploy, runner, trigger, feed or other access token",
        pattern: concat!(
            r"\b((?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|glimt|gloas|glagent)-[A-Za-z0-9_-]{20,64}",
            r"(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?|GR1348941[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_.-]|$)",
        ),
        keywords: &[
            "glpat-",
            "gldt-",
            "glrt-",
            "glptt-",
            "glft-",
            "glsoat-",
            "glcbt-",
            "glimt-",
            "gloas-",
            "glagent-",
            "GR1348941",
        ],
        check: Some(|c| distinct_chars(c.secret) >= 12),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "slack-token",
        description: "Slack bot, app, user, refresh, configuration or legacy token",
        pattern: r"\b((?:xox[baprs]|xoxe|xapp)-[A-Za-z0-9-]{10,})",
        keywords: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe", "xapp-"],
        check: Some(|c| has_digit(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "slack-webhook",
        description: "Slack incoming webhook or workflow URL",
        pattern: r"(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,})",
        keywords: &["hooks.slack.com"],
        check: Some(|c| has_digit(c.secret) && !is_placeholder(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "google-api-key",
        description: "Google API key",
        pattern: r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        keywords: &["AIza"],
        check: None,
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "stripe-live-key",
        description: "Stripe live secret or restricted key",
        pattern: r"\b((?:sk|rk)_live_[0-9a-zA-Z]{24,})\b",
        keywords: &["sk_live_", "rk_live_"],
        check: Some(|c| distinct_chars(c.secret) >= 16),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "openai-anthropic-key",
        description: "OpenAI or Anthropic style API key (sk-…, sk-proj-…, sk-ant-…)",
        pattern: r"\b(sk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})",
        keywords: &["sk-"],
        check: Some(|c| looks_random(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "sendgrid-api-key",
        description: "SendGrid API key",
        pattern: r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)",
        keywords: &["SG."],
        check: Some(|c| looks_random(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "twilio-api-key",
        description: "Twilio API key (SK…)",
        pattern: r"\b(SK[0-9a-fA-F]{32})\b",
        keywords: &["SK"],
        check: Some(|c| {
            let hex = c.secret.get(2..).unwrap_or("");
            has_digit(hex) && hex.bytes().any(|b| b.is_ascii_alphabetic())
        }),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "twilio-auth-token",
        description: "Twilio auth token in an assignment",
        pattern: r#"(?i)twilio[A-Za-z0-9_.-]*token["']?\s*(?::=|=>|[:=])\s*["']?([0-9a-f]{32})\b"#,
        keywords: &["twilio"],
        check: Some(|c| distinct_chars(c.secret) >= 8),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "npm-token",
        description: "npm access token",
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b",
        keywords: &["npm_"],
        check: Some(|c| looks_random(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "npmrc-auth",
        description: "registry credential in an .npmrc (_authToken, _auth, _password)",
        pattern: r#":_(?:authToken|auth|password)\s*=\s*["']?([^\s"']+)"#,
        keywords: &[":_auth", ":_password"],
        check: Some(|c| plausible_password(c.secret) && !c.secret.starts_with('$')),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "pypi-token",
        description: "PyPI upload token",
        pattern: r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})",
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        check: None,
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "huggingface-token",
        description: "Hugging Face access token",
        pattern: r"\b(hf_[A-Za-z0-9]{34,40})\b",
        keywords: &["hf_"],
        check: Some(|c| {
            let body = c.secret.get(3..).unwrap_or("");
            body.bytes().any(|b| b.is_ascii_uppercase())
                && body.bytes().any(|b| b.is_ascii_lowercase())
                && entropy(body) >= 3.5
        }),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "jwt",
        description: "JSON Web Token (signed)",
        pattern: r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
        keywords: &["eyJ"],
        check: Some(jwt_is_not_an_example),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "azure-storage-key",
        description: "Azure storage account or shared access key in a connection string",
        pattern: r"(?i)(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{40,88}={0,2})",
        keywords: &["AccountKey", "SharedAccessKey"],
        check: Some(|c| looks_random(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "azure-sas-signature",
        description: "Azure shared access signature (sig= of a SAS URL or token)",
        pattern: r"[?&;]sig=([A-Za-z0-9%+/]{30,}(?:%3[dD]|=){0,2})",
        keywords: &["sig="],
        check: Some(|c| contains(c.line, b"sv=") && looks_random(c.secret)),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "azure-client-secret",
        description: "Azure AD / Entra ID application client secret",
        pattern: r"([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)",
        keywords: &["Q~"],
        check: Some(|c| {
            let starts_a_word = c
                .before
                .last()
                .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b"_~.-".contains(&b)));
            starts_a_word && distinct_chars(c.secret) >= 12
        }),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "docker-auth",
        description: "registry credential in a Docker config.json (auths → auth)",
        pattern: r#""auth"\s*:\s*"([A-Za-z0-9+/]{6,}={0,2})""#,
        keywords: &["\"auth\""],
        check: Some(docker_auth_has_password),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "url-credentials",
        description: "password in a URL (scheme://user:password@host)",
        pattern: r#"\b[A-Za-z][A-Za-z0-9+.-]{1,30}://(?P<key>[^\s:/?#@"'<>`]*):([^\s/?#@"'<>`]+)@[A-Za-z0-9\[]"#,
        keywords: &["://"],
        check: Some(url_password),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "connection-string-password",
        description: "password in a database connection string (Password=…; or ?password=…)",
        pattern: r#"(?i)(?:^|[;?&"'\s])(?:password|passwd|pwd)=([^;&"'\s<>]+)"#,
        keywords: &["password=", "passwd=", "pwd="],
        check: Some(connection_string_password),
        tier: Specific,
        scope: Any,
    },
    Rule {
        id: "generic-assignment",
        description: "high-entropy value assigned to a secret-looking name",
        pattern: concat!(
            r#"(?i)(?P<key>[A-Za-z0-9_.-]*(?:secret|token|passwd|password|passphrase|pass|pwd|key|base))["']?\s*(?::=|=>|[:=])\s*"#,
            r#"(?:"([^"\r\n]{20,})"|'([^'\r\n]{20,})'|(?P<bare>[^\s"'`,;]{20,}))"#,
        ),
        keywords: &["secret", "token", "pass", "pwd", "key"],
        check: Some(|c| c.key.is_some_and(key_says_secret) && generic_value(c.secret, c.bare)),
        tier: Fallback,
        scope: Any,
    },
    Rule {
        id: "password-assignment",
        description: "password, secret, token or API key set in a configuration file",
        pattern: concat!(
            r#"(?m)^[ \t]*(?:-[ \t]+)?(?:(?:export|set|ENV)[ \t]+)?["']?(?P<key>(?:[A-Za-z_][A-Za-z0-9_.-]*)?(?i:pass|pwd|secret|token|key|phrase|wd|word))["']?"#,
            r#"[ \t]*[:=][ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)'|(?P<bare>[^\s"'`#]+))[ \t]*[,;]?[ \t]*(?:#.*)?\r?$"#,
        ),
        keywords: &["pass", "pwd", "secret", "token", "key"],
        check: Some(|c| c.key.is_some_and(key_says_secret) && config_value(c.secret)),
        tier: Fallback,
        scope: Config,
    },
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A `%XX` escape: URL-encoded text.
fn has_percent_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2)).any(|i| b[i] == b'%' && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
}

/// A name in code rather than a random value: most of its letters are in
/// words of three or more letters (`X509RequestInheritOptions`,
/// `x25519_generate_private_key`, `CLIENT_HANDSHAKE_TRAFFIC_SECRET`),
/// where a random string's case changes every letter or two.
fn looks_like_identifier(value: &str) -> bool {
    let bytes = value.as_bytes();
    let (mut letters, mut in_words) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // One word: an optional capital, then letters of one case.
        let start = i;
        i += 1;
        let lower = i < bytes.len() && bytes[i].is_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() && bytes[i].is_ascii_lowercase() == lower {
            i += 1;
        }
        // `HTTPServer`: the capital before a lowercase run starts the next word.
        if !lower && i < bytes.len() && bytes[i].is_ascii_lowercase() && i - start > 1 {
            i -= 1;
        }
        letters += i - start;
        if i - start >= 3 {
            in_words += i - start;
        }
    }
    letters > 0 && in_words * 10 >= letters * 8
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

fn distinct_chars(s: &str) -> usize {
    let mut seen = [false; 256];
    s.bytes().for_each(|b| seen[b as usize] = true);
    seen.iter().filter(|&&x| x).count()
}

/// Random keys of 32+ characters practically always mix digits and letters;
/// slugs like `sk-learn-and-friends-…` do not.
fn looks_random(s: &str) -> bool {
    has_digit(s) && s.bytes().any(|b| b.is_ascii_alphabetic()) && entropy(s) >= 3.5
}

/// A `-----BEGIN … PRIVATE KEY-----` line followed by the key, not a
/// string constant in code that names the armour (`== "-----BEGIN …-----"`):
/// what follows, past blanks and escaped newlines, is the end of the text, a
/// header line or base64, not a closing quote or bracket.
fn armour_has_body(c: &Candidate<'_>) -> bool {
    if !c.secret.starts_with('-') {
        return true;
    }
    let mut rest = c.after;
    loop {
        match rest {
            [b' ' | b'\t' | b'\r' | b'\n', tail @ ..] => rest = tail,
            [b'\\', b'n' | b'r', tail @ ..] => rest = tail,
            _ => break,
        }
    }
    match rest.first() {
        None => true,
        Some(b) => b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-'),
    }
}

/// The well-known example token of jwt.io and of countless tutorials
/// (`"sub": "1234567890", "name": "John Doe"`) is documentation.
fn jwt_is_not_an_example(c: &Candidate<'_>) -> bool {
    let payload = c.secret.split('.').nth(1).unwrap_or("");
    match super::decode::base64(payload.as_bytes()) {
        Some(json) => !contains(&json, b"John Doe") && !contains(&json, b"\"1234567890\""),
        None => false,
    }
}

/// The value of `"auth"` decodes to `user:password` with a password.
fn docker_auth_has_password(c: &Candidate<'_>) -> bool {
    let Some(decoded) = super::decode::base64(c.secret.as_bytes()) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, password)) => {
            !user.is_empty()
                && !password.is_empty()
                && text.bytes().all(|b| (0x20..0x7f).contains(&b))
                && !is_placeholder(password)
        }
        None => false,
    }
}

/// The password of `scheme://user:password@host`: not a placeholder, not a
/// template hole, not the user name again (`guest:guest`, `postgres:postgres`,
/// the defaults of local development images), not URL-encoded test data,
/// and not at a documentation host (`example.com`, RFC 2606) or a service
/// on this machine (`localhost`), whose passwords are development defaults.
fn url_password(c: &Candidate<'_>) -> bool {
    let password = c.secret;
    let user = c.key.unwrap_or("");
    if password.chars().count() < 3 || password == user || is_placeholder(password) {
        return false;
    }
    // What RFC 3986 allows in the user information (`[`, `\`, `^` and the
    // like are test data for URL parsers, or not a URL at all).
    let userinfo = |b: u8| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:".contains(&b);
    if !password.bytes().all(userinfo) {
        return false;
    }
    // Template holes: `{}`, `{password}`, `$PASS`, `%s`, `***`.
    if password.contains(['{', '}', '$', '*']) || password.starts_with('%') || password.contains("%s") {
        return false;
    }
    let scheme = c.whole.split(|&b| b == b':').next().unwrap_or(b"").to_ascii_lowercase();
    if matches!(&scheme[..], b"javascript" | b"data" | b"about" | b"blob" | b"file") {
        return false;
    }
    // The match ends with the first byte of the host.
    let first = c.whole.last().copied().unwrap_or(b' ');
    let rest = c
        .after
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
        .copied();
    let host: Vec<u8> = std::iter::once(first).chain(rest).collect();
    let host = String::from_utf8_lossy(&host).to_ascii_lowercase();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host.as_str(),
    };
    let documentation = ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| host == *d || host.strip_suffix(d).is_some_and(|h| h.ends_with('.')))
        || [".example", ".test", ".invalid", ".localhost"]
            .iter()
            .any(|t| host.ends_with(t));
    let local = matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]");
    host.len() >= 2 && !documentation && !local
}

/// `Password=…` in a connection string: the line also names a server, data
/// source, user or database (ADO.NET, ODBC, JDBC), and the value is a
/// plausible password.
fn connection_string_password(c: &Candidate<'_>) -> bool {
    let line = c.line.to_ascii_lowercase();
    let connection = [
        &b"server="[..],
        b"data source=",
        b"host=",
        b"user id=",
        b"userid=",
        b"uid=",
        b"user=",
        b"username=",
        b"database=",
        b"initial catalog=",
        b"jdbc:",
        b"driver=",
        b"provider=",
    ]
    .iter()
    .any(|k| contains(&line, k));
    connection && (line.contains(&b';') || line.contains(&b'?') || line.contains(&b'&')) && plausible_password(c.secret)
}

/// Whether a name (`DB_PASSWORD`, `dbPassword`, `client_secret`, `apiKey`,
/// `GITHUB_TOKEN`, `secret_key_base`) says that its value is a secret: its
/// last words are a secret phrase. `password_policy`, `token_url`,
/// `max_tokens`, `public_key`, `secret_name` are not.
pub(crate) fn key_says_secret(key: &str) -> bool {
    let words = words(key);
    let n = words.len();
    let last = |i: usize| -> &str {
        if i < n {
            words[n - 1 - i].as_str()
        } else {
            ""
        }
    };
    match last(0) {
        "password" | "passwd" | "passphrase" | "secret" | "token" | "apikey" | "clientsecret" | "secretkey" => true,
        "pass" | "pwd" | "pw" => n >= 2,
        "key" => matches!(
            last(1),
            "api" | "secret" | "private" | "signing" | "encryption" | "master" | "auth" | "access" if !(last(1) == "access" && last(2) != "secret")
        ),
        "base" => last(1) == "key" && last(2) == "secret",
        _ => false,
    }
}

/// `key` split into lowercase words at `_`, `-`, `.`, spaces and
/// lower-to-upper case changes (`dbPassword` → `db`, `password`).
fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        word.push(ch.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Placeholders and template holes: `changeme`, `xxxx`, `***`, `<secret>`,
/// `${VAR}`, `{{ var }}`, `your-token-here`, `example-…`, `…`, and the bare
/// words `password`, `secret`, `token`.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let word = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    [
        "xxx",
        "***",
        "...",
        "…",
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "placeholder",
        "example",
        "your_",
        "your-",
        "yourpass",
        "yoursecret",
        "yourtoken",
        "opensesame",
        "redacted",
        "dummy",
        "replace_",
        "replace-",
        "replaceme",
        "insert_",
        "insert-",
        "fixme",
        "todo",
        "<",
        ">",
        "${",
        "{{",
        "}}",
        "%(",
        "%env(",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || lower.starts_with("your")
        || lower.starts_with("enc[")
        || matches!(
            word,
            "" | "password"
                | "passwd"
                | "pass"
                | "pwd"
                | "pw"
                | "secret"
                | "token"
                | "apikey"
                | "api_key"
                | "key"
                | "user"
                | "username"
                | "test"
                | "none"
                | "null"
                | "nil"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "empty"
                | "undefined"
                | "required"
                | "optional"
                | "string"
                | "str"
                | "text"
                | "na"
                | "n/a"
                | "tbd"
                | "secret_key"
                | "my_secret"
                | "mysecret"
                | "mypassword"
                | "my_password"
                | "sample"
                | "foo"
                | "bar"
                | "foobar"
                | "default"
        )
        || value.bytes().all(|b| b == value.as_bytes()[0])
}

/// A value for `Password=` or `:_authToken=`: three or more characters, not
/// a placeholder, not a variable (`$VAR`, `%VAR%`, `@VAR@`).
fn plausible_password(value: &str) -> bool {
    let variable = value.starts_with('$')
        || (value.starts_with('%') && value.ends_with('%'))
        || (value.starts_with('@') && value.ends_with('@'))
        || value.contains(['{', '}']);
    value.chars().count() >= 3 && !is_placeholder(value) && !variable
}

/// Accepts the value of `KEY=value` / `key: value` in a configuration file,
/// short passwords included: not empty, not a placeholder or variable, not
/// a YAML indicator (`|`, `>`, `!vault`, `*alias`, `&anchor`), not a path,
/// URL, number or plain word, no spaces (a sentence is a label, not a
/// password). Values under 16 characters must hold a digit or a symbol
/// (`hunter2`, `s3cr3t!`): `postgres` or `Passwort` alone are defaults and
/// labels.
fn config_value(value: &str) -> bool {
    let value = value.trim();
    let n = value.chars().count();
    // `%5B%7F`: URL-encoded test data, not a configured password.
    if n < 6 || !plausible_password(value) || value.contains(char::is_whitespace) || has_percent_escapes(value) {
        return false;
    }
    if value.starts_with(['|', '>', '!', '*', '&', '/', '~', '.', '(', '['])
        || value.contains("://")
        || value.starts_with("file:")
    {
        return false;
    }
    if value
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_')
    {
        return false;
    }
    // `SOME_OTHER_VARIABLE`, `settings.db.password`: a name, not a value.
    if value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        || is_dotted_identifier(value)
    {
        return false;
    }
    let symbolic = value.bytes().any(|b| b.is_ascii_digit() || b.is_ascii_punctuation());
    if n < 16 {
        symbolic
    } else {
        symbolic || entropy(value) >= 3.0
    }
}

/// Accepts the value of a generic assignment: at least 20 characters, at
/// least 3.5 bits of Shannon entropy per character, and not a placeholder
/// or (when unquoted) a reference to something else in code.
fn generic_value(value: &str, bare: bool) -> bool {
    // A key has no spaces; a sentence (`"Enter your secret"`) or a command
    // (`"node token.js"`) does.
    if value.chars().count() < 20
        || entropy(value) < 3.5
        || value.contains(char::is_whitespace)
        || has_percent_escapes(value)
        || looks_like_identifier(value)
    {
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
        // `secret: SECRET_FROM_THE_ENVIRONMENT`, `token: windows::HANDLE`,
        // `key: Option<String>`, `a.token||b.token`: code, not a value.
        // A bare key of 20 random characters practically always holds a
        // digit; `PrivateDecryptingKey`, `SecKeyImportExportFlags` do not.
        let code = !has_digit(value)
            || value.starts_with([':', '='])
            || value.contains(['(', ')', '[', ']', '{', '}', '<', '>', '|', '&', '\\'])
            || value.contains("::")
            || value.contains("->")
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
    let mut ascii = [0u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for c in s.chars() {
        total += 1;
        if c.is_ascii() {
            ascii[c as usize] += 1;
        } else if let Some((_, n)) = other.iter_mut().find(|(k, _)| *k == c) {
            *n += 1;
        } else {
            other.push((c, 1));
        }
    }
    if total == 0 {
        return 0.0;
    }
    ascii
        .iter()
        .copied()
        .chain(other.iter().map(|&(_, n)| n))
        .filter(|&n| n > 0)
        .map(|n| {
            let p = f64::from(n) / f64::from(total);
            -p * p.log2()
        })
        .sum()
}
