//! Tests of [`super::redact`]: the corpus of the push scan redacted (every
//! secret gone, in every form; every negative unchanged), the same inside
//! JSON Lines (still valid JSON), idempotence, and random input. The fake
//! secrets are made at run time from pieces (see `corpus.rs`).

use super::super::corpus::{self, Sample};
use super::super::{decode, matcher, scan_any_blob};
use super::*;

fn chars(alphabet: &str, n: usize, seed: usize) -> String {
    let a: Vec<char> = alphabet.chars().collect();
    (0..n).map(|i| a[(i * 7 + seed) % a.len()]).collect()
}

const ALNUM: &str = "aB3dE5fG7hJ9kLmN2pQ4rS6tU8vW0xYz";

fn github_token(seed: usize) -> String {
    ["gh", "p_", &chars(ALNUM, 36, seed)].concat()
}

fn redacted(text: &str) -> String {
    String::from_utf8(redact(text.as_bytes()).bytes.into_owned()).expect("UTF-8 in, UTF-8 out")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(hay, needle).is_some()
}

fn utf16(text: &[u8], big_endian: bool) -> Vec<u8> {
    String::from_utf8_lossy(text)
        .encode_utf16()
        .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
        .collect()
}

/// The secrets of a sample as the rules see them: each match's bytes (for a
/// base64 value, the encoded value), and for a private key each line of its
/// body, in the sample's own text (decoded from UTF-16 when it is that).
fn secrets_of(data: &[u8]) -> Vec<Vec<u8>> {
    let text = match decode::sniff(data) {
        Encoding::Utf16Le { bom } => {
            let mut out = Vec::new();
            decode::utf16_into(&data[if bom { 2 } else { 0 }..], false, &mut out);
            out
        }
        Encoding::Utf16Be { bom } => {
            let mut out = Vec::new();
            decode::utf16_into(&data[if bom { 2 } else { 0 }..], true, &mut out);
            out
        }
        _ => data.to_vec(),
    };
    let mut out = Vec::new();
    for hit in matcher::scan_text_all(&text, true) {
        out.push(text[hit.range.clone()].to_vec());
        if hit.rule == "private-key" || hit.rule == "gcp-service-account" {
            let end = key_block_end(&text, hit.range.clone(), &mut Finder::default());
            let body = &text[hit.range.end..end];
            for line in body.split(|&b| b == b'\n').flat_map(|l| l.split(|&b| b == b'\\')) {
                let line = line.strip_prefix(b"n").unwrap_or(line);
                if line.len() >= 16 && !line.starts_with(b"-----END") {
                    out.push(line.to_vec());
                }
            }
        }
    }
    out
}

/// `secret` in the forms it could be stored in: as it is, base64-encoded at
/// each alignment (the complete groups only), UTF-16 in both byte orders.
fn forms(secret: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![secret.to_vec()];
    for skip in 0..3.min(secret.len()) {
        let b64 = corpus::base64(&secret[skip..]);
        let whole = b64.trim_end_matches('=');
        let groups = whole.len() / 4 * 4;
        // The first group mixes in the bytes before, the last may be cut.
        if groups >= 12 {
            out.push(whole.as_bytes()[4..groups - 4].to_vec());
        }
    }
    out.push(utf16(secret, false));
    out.push(utf16(secret, true));
    out
}

fn assert_no_secret(what: &str, output: &[u8], secrets: &[Vec<u8>]) {
    for secret in secrets {
        for form in forms(secret) {
            assert!(
                !contains(output, &form),
                "{what}: {:?} is still in the output",
                String::from_utf8_lossy(&form)
            );
        }
    }
}

#[test]
fn every_corpus_secret_is_redacted_in_every_form() {
    for s in corpus::positives() {
        let secrets = secrets_of(&s.data);
        assert!(!secrets.is_empty(), "{}: the rules find it", s.path);
        let out = redact(&s.data);
        assert!(out.changed(), "{}: something is replaced", s.path);
        assert_no_secret(&s.path, &out.bytes, &secrets);
        // What the push scan would say of the stored object: nothing.
        let rescan = scan_any_blob(&s.path, &out.bytes);
        assert!(rescan.is_empty(), "{}: {rescan:?}", s.path);
        assert_eq!(redact(&out.bytes).bytes, out.bytes, "{}: idempotent", s.path);
    }
}

#[test]
fn the_false_positive_corpus_is_unchanged() {
    let mut changed = Vec::new();
    for s in corpus::negatives() {
        let out = redact(&s.data);
        if !matches!(out.bytes, Cow::Borrowed(_)) || !out.findings.is_empty() {
            let mut lines: Vec<String> = Vec::new();
            let (old, new) = (String::from_utf8_lossy(&s.data), String::from_utf8_lossy(&out.bytes));
            for (a, b) in old.lines().zip(new.lines()) {
                if a != b {
                    lines.push(format!("{a:?} -> {b:?}"));
                }
            }
            changed.push(format!("{}: {:?} {lines:?}", s.path, out.findings));
        }
    }
    assert!(changed.is_empty(), "{changed:#?}");
}

/// A Claude Code transcript line whose tool result holds `text` (what the
/// Read tool shows: numbered lines when `numbered`).
fn transcript_line(text: &str, numbered: Option<&str>) -> String {
    let content = match numbered {
        Some(sep) => text
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{:>6}{sep}{l}\n", i + 1))
            .collect(),
        None => text.to_owned(),
    };
    serde_json::json!({
        "parentUuid": "9f49a5dc-6ca9-474f-82af-125f87338c6a",
        "type": "user",
        "message": {"role": "user", "content": [
            {"tool_use_id": "toolu_a6049d2f3770420d87021fd8", "type": "tool_result", "content": content}
        ]},
        "toolUseResult": {"file": {"filePath": "/home/dev/project/x", "content": text}},
        "cwd": "/home/dev/project"
    })
    .to_string()
}

fn text_samples() -> Vec<Sample> {
    corpus::positives()
        .into_iter()
        .filter(|s| decode::sniff(&s.data) == Encoding::Bytes && std::str::from_utf8(&s.data).is_ok())
        .filter(|s| s.data.len() < 64 << 10)
        .collect()
}

#[test]
fn corpus_secrets_inside_jsonl_are_redacted_and_the_lines_stay_json() {
    let mut lines = Vec::new();
    for s in text_samples() {
        let text = std::str::from_utf8(&s.data).expect("filtered");
        for numbered in [None, Some("\t"), Some("→")] {
            lines.push((s.path.clone(), transcript_line(text, numbered), secrets_of(&s.data)));
        }
        // The same text as a prompt, with its `/` escaped as PHP and some
        // encoders write them, and non-ASCII escaped.
        let prompt = serde_json::json!({"prompt": format!("voilà:\n{text}")})
            .to_string()
            .replace('/', "\\/")
            .replace('à', "\\u00e0");
        lines.push((s.path.clone(), prompt, secrets_of(&s.data)));
    }
    assert!(lines.len() > 200);
    for (path, line, secrets) in &lines {
        serde_json::from_str::<serde_json::Value>(line).expect("the test line is JSON");
        let out = redact(line.as_bytes());
        assert!(out.changed(), "{path}: {line}");
        let value: serde_json::Value = serde_json::from_slice(&out.bytes).unwrap_or_else(|e| {
            panic!(
                "{path}: not JSON any more ({e}): {}",
                String::from_utf8_lossy(&out.bytes)
            )
        });
        // Neither the raw line nor any string in it holds the secret.
        let mut decoded = Vec::new();
        collect_strings(&value, &mut decoded);
        assert_no_secret(path, &out.bytes, secrets);
        assert_no_secret(path, &decoded, secrets);
        assert_eq!(redact(&out.bytes).bytes, out.bytes, "{path}: idempotent");
    }
    // All of them as one JSONL text, redacted at once, line by line the same.
    let jsonl: String = lines.iter().map(|(_, l, _)| format!("{l}\n")).collect();
    let out = redact(jsonl.as_bytes());
    let text = std::str::from_utf8(&out.bytes).expect("UTF-8");
    assert_eq!(text.lines().count(), lines.len());
    for ((path, line, _), got) in lines.iter().zip(text.lines()) {
        assert_eq!(got.as_bytes(), &redact(line.as_bytes()).bytes[..], "{path}");
    }
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<u8>) {
    match value {
        serde_json::Value::String(s) => {
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.extend_from_slice(k.as_bytes());
            out.push(0);
            collect_strings(v, out);
        }),
        _ => {}
    }
}

#[test]
fn only_the_secret_is_replaced() {
    let token = github_token(3);
    assert_eq!(
        redacted(&format!("API_KEY={token}\n")),
        "API_KEY=[REDACTED:github-token]\n"
    );
    let password = ["Zq8", "-wX", "4tR", "!pL"].concat();
    assert_eq!(
        redacted(&format!("clone https://alice:{password}@git.corp.net/repo.git now")),
        "clone https://alice:[REDACTED:url-credentials]@git.corp.net/repo.git now"
    );
    assert_eq!(
        redacted(&format!("Server=db;User ID=app;Password={password};Encrypt=True")),
        "Server=db;User ID=app;Password=[REDACTED:connection-string-password];Encrypt=True"
    );
    assert_eq!(
        redacted("[client]\npassword = letm3in-now\nuser = app\n"),
        "[client]\npassword = [REDACTED:password-assignment]\nuser = app\n"
    );
    // Nothing to replace: the input itself comes back.
    let clean = redact(b"hello, world\n");
    assert!(matches!(clean.bytes, Cow::Borrowed(_)) && !clean.changed());
}

fn pem_block(kind: &str, body: &str) -> String {
    [
        "-----",
        "BEGIN ",
        kind,
        "PRIVATE",
        " KEY-----\n",
        body,
        "-----END ",
        kind,
        "PRIVATE KEY-----\n",
    ]
    .concat()
}

#[test]
fn private_keys_are_replaced_whole() {
    let body = format!("{}\n{}\n", chars(ALNUM, 64, 1), chars(ALNUM, 20, 2));
    let text = format!("before\n{}after\n", pem_block("RSA ", &body));
    assert_eq!(redacted(&text), "before\n[REDACTED:private-key]\nafter\n");
    // Unterminated: to the end of the text.
    let cut = format!("before\n{}", &pem_block("", &body)[..60]);
    assert_eq!(redacted(&cut), "before\n[REDACTED:private-key]");
    // Unterminated inside a JSON string: to the end of that string.
    let cut = serde_json::to_string(&pem_block("EC ", &body)[..70]).expect("a string");
    let line = format!(r#"{{"content":{cut},"after":"kept"}}"#);
    assert_eq!(
        redacted(&line),
        r#"{"content":"[REDACTED:private-key]","after":"kept"}"#
    );
    // In a JSON string, its newlines escaped.
    let line = serde_json::json!({"a": format!("key:\n{}done", pem_block("OPENSSH ", &body))}).to_string();
    assert_eq!(redacted(&line), r#"{"a":"key:\n[REDACTED:private-key]\ndone"}"#);
    // PuTTY: through its MAC.
    let putty = format!(
        "{}-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}\nnext\n",
        ["PuTTY-User", "-Key-File"].concat(),
        chars(ALNUM, 44, 3),
        chars("0123456789abcdef", 64, 1)
    );
    assert_eq!(redacted(&putty), "[REDACTED:private-key]\nnext\n");
}

#[test]
fn decoded_layers_are_replaced_where_they_are_written() {
    let token = github_token(4);
    let encoded = corpus::base64(format!("GITHUB_TOKEN={token}\n").as_bytes());
    assert_eq!(
        redacted(&format!("data:\n  env: {encoded}\n")),
        "data:\n  env: [REDACTED:github-token]\n"
    );
    // Base64 wrapped in lines (`base64` of a key file): every line goes.
    let key = pem_block("RSA ", &format!("{}\n{}\n", chars(ALNUM, 64, 1), chars(ALNUM, 64, 2)));
    let wrapped: String = corpus::base64(key.as_bytes())
        .as_bytes()
        .chunks(76)
        .map(|l| format!("{}\n", String::from_utf8_lossy(l)))
        .collect();
    let text = format!("$ base64 id_rsa\n{wrapped}$ echo done\n");
    assert_eq!(
        redacted(&text),
        "$ base64 id_rsa\n[REDACTED:private-key]\n$ echo done\n"
    );
    let line = serde_json::json!({"stdout": wrapped}).to_string();
    assert_eq!(redacted(&line), r#"{"stdout":"[REDACTED:private-key]\n"}"#);
    // UTF-16 inside other text, as bytes and as JSON writes it.
    for big_endian in [false, true] {
        let mut data = b"type deploy.env:\n".to_vec();
        data.extend(utf16(format!("GITHUB_TOKEN={token}\r\n").as_bytes(), big_endian));
        data.extend_from_slice(b"done\n");
        let out = redact(&data);
        assert_eq!(out.findings, vec![("github-token", 1)]);
        assert_no_secret("utf-16 inside", &out.bytes, &[token.as_bytes().to_vec()]);
        let line = serde_json::json!({"stdout": String::from_utf8_lossy(&data)}).to_string();
        let out = redact(line.as_bytes());
        serde_json::from_slice::<serde_json::Value>(&out.bytes).expect("still JSON");
        assert_no_secret("utf-16 in JSON", &out.bytes, &[token.as_bytes().to_vec()]);
        assert!(
            contains(&out.bytes, b"=\\u0000[REDACTED:github-token]"),
            "{}",
            String::from_utf8_lossy(&out.bytes)
        );
    }
    // UTF-16 text keeps its encoding, the marker included.
    for big_endian in [false, true] {
        let text = format!("GITHUB_TOKEN={token}\r\nnext\r\n");
        let mut data = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        data.extend(utf16(text.as_bytes(), big_endian));
        let out = redact(&data);
        let mut want = data[..2].to_vec();
        want.extend(utf16(b"GITHUB_TOKEN=[REDACTED:github-token]\r\nnext\r\n", big_endian));
        assert_eq!(out.bytes, want);
        assert_eq!(out.findings, vec![("github-token", 1)]);
    }
}

#[test]
fn json_escapes_are_read_and_never_cut() {
    let token = github_token(5);
    // `\u0067` is `g`: the token is written with an escape at its start.
    let line = format!(r#"{{"text":"say \u0067{} \/ done"}}"#, &token[1..]);
    assert_eq!(redacted(&line), r#"{"text":"say [REDACTED:github-token] \/ done"}"#);
    // A URL whose slashes are escaped.
    let password = ["Zq8", "-wX", "4tR", "!pL"].concat();
    let line = format!(r#"{{"cmd":"git clone https:\/\/bob:{password}@git.corp.net\/r.git"}}"#);
    assert_eq!(
        redacted(&line),
        r#"{"cmd":"git clone https:\/\/bob:[REDACTED:url-credentials]@git.corp.net\/r.git"}"#
    );
    // A prompt or a command that is one assignment.
    for (line, want) in [
        (
            r#"{"content":"DB_PASSWORD=hunter2"}"#,
            r#"{"content":"DB_PASSWORD=[REDACTED:password-assignment]"}"#,
        ),
        (
            r#"{"command":"export SMTP_PASS='m4ilP4ss#1'"}"#,
            r#"{"command":"export SMTP_PASS='[REDACTED:password-assignment]'"}"#,
        ),
        (r#"{"text":"token: next()"}"#, r#"{"text":"token: next()"}"#),
    ] {
        assert_eq!(redacted(line), want);
    }
    // A `.env` the agent read: its first line is a line too.
    let line = serde_json::json!({"content": "DB_PASSWORD=hunter2\nPORT=5432"}).to_string();
    assert_eq!(
        redacted(&line),
        r#"{"content":"DB_PASSWORD=[REDACTED:password-assignment]\nPORT=5432"}"#
    );
}

#[test]
fn a_line_cut_in_a_string_is_read_as_json() {
    // The last line of an increment, cut while the agent wrote it.
    let line = serde_json::json!({"content": "DB_PASSWORD=hunter2\nPORT=5432\n"}).to_string();
    let cut = &line[..line.len() - 8];
    assert_eq!(
        redacted(cut),
        r#"{"content":"DB_PASSWORD=[REDACTED:password-assignment]\nPORT="#
    );
    // A raw newline inside a string is not JSON: the line is read as it is.
    assert_eq!(
        redacted("{\"a\": \"x\n[db]\npassword = letm3in-now\n"),
        "{\"a\": \"x\n[db]\npassword = [REDACTED:password-assignment]\n"
    );
}

#[test]
fn a_secret_found_once_is_replaced_everywhere() {
    let text = "the password is hunter2 by the way\n[db]\npassword = hunter2\n";
    assert_eq!(
        redacted(text),
        "the password is [REDACTED:password-assignment] by the way\n[db]\npassword = [REDACTED:password-assignment]\n"
    );
    // Also in another line of a JSONL text, and in another chunk.
    let token = github_token(6);
    let first = serde_json::json!({"prompt": format!("use {token}")}).to_string();
    let mut text = format!("{first}\n");
    let filler = serde_json::json!({"type": "assistant", "text": "x".repeat(1000)}).to_string();
    while text.len() < 3 * CHUNK {
        text.push_str(&filler);
        text.push('\n');
    }
    text.push_str(&serde_json::json!({"echo": format!("a{}", &token[..20])}).to_string());
    let out = redact(text.as_bytes());
    assert!(!contains(&out.bytes, token.as_bytes()));
    assert_eq!(out.findings, vec![("github-token", 1)]);
}

#[test]
fn hostile_input_stays_bounded() {
    // Texts that every pattern starts on, or that are one long run of a
    // decoder, 256 KiB each (the test runs unoptimised).
    let armour = ["-----", "BEGIN PRIVATE", " KEY-----\nAAAA\n"].concat();
    let utf16 = "A\0".repeat(4096) + "\n";
    // Secrets on every other line: many markers, each read again.
    let every_other = format!("{}\nx\n", github_token(1));
    let fillers = [
        armour.as_str(),
        "{\"a\":\"\\u0000\\\\\\n",
        "password = x1!\n",
        "\"",
        "\0",
        utf16.as_str(),
        "aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90\n",
        every_other.as_str(),
    ];
    for filler in fillers {
        let data = filler.repeat((256 << 10) / filler.len());
        let start = std::time::Instant::now();
        let out = redact(data.as_bytes());
        assert_eq!(redact(&out.bytes).bytes, out.bytes);
        assert!(start.elapsed().as_secs() < 20, "{filler:?}: {:?}", start.elapsed());
    }
}

#[test]
fn many_secrets_are_all_replaced() {
    let lines: String = (0..5000).map(|i| format!("k{i} {}\n", github_token(i))).collect();
    let out = redact(lines.as_bytes());
    assert_eq!(out.findings, vec![("github-token", 5000)]);
    assert!(!contains(&out.bytes, b"ghp_"));
}

/// xorshift64*, as the corpus's.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn random_input_never_panics_and_json_stays_json() {
    let token = github_token(7);
    let password = ["Zq8", "-wX", "4tR", "!pL"].concat();
    let key = pem_block("", &format!("{}\n", chars(ALNUM, 64, 1)));
    let pieces: Vec<String> = vec![
        "\"".into(),
        "\\".into(),
        "\\n".into(),
        "\\u00".into(),
        "\\ud83d\\ude00".into(),
        "\\ud83d".into(),
        "{".into(),
        "}".into(),
        "\n".into(),
        "\r\n".into(),
        "é".into(),
        "\0".into(),
        "\u{ff}\u{fe}".into(),
        "     1\t".into(),
        "password = ".into(),
        "=".into(),
        token.clone(),
        format!("https://u:{password}@h.corp.net"),
        key.clone(),
        key[..40].to_owned(),
        ["PuTTY-User", "-Key-File-2: x\n"].concat(),
        corpus::base64(format!("token: {token}").as_bytes()),
        "-----END ".into(),
        "aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90".into(),
    ];
    let mut r = Random(0x1234_5678_9ABC_DEF1);
    for round in 0..3000 {
        let mut data: Vec<u8> = Vec::new();
        let n = (r.next() % 40) as usize;
        for _ in 0..n {
            if r.next().is_multiple_of(3) {
                let len = (r.next() % 16) as usize;
                data.extend((0..len).map(|_| r.next() as u8));
            } else {
                data.extend_from_slice(pieces[(r.next() % pieces.len() as u64) as usize].as_bytes());
            }
        }
        let out = redact(&data);
        let again = redact(&out.bytes);
        assert_eq!(again.bytes, out.bytes, "round {round}: idempotent on {data:?}");
        // The same pieces as the strings of a JSON line.
        let strings: Vec<String> = data
            .split(|&b| b == b'"')
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        let line = serde_json::json!({"a": strings, "b": {"c": String::from_utf8_lossy(&data)}}).to_string();
        let out = redact(line.as_bytes());
        serde_json::from_slice::<serde_json::Value>(&out.bytes).unwrap_or_else(|e| {
            panic!(
                "round {round}: not JSON any more ({e}):\n{line}\n{}",
                String::from_utf8_lossy(&out.bytes)
            )
        });
    }
}

#[test]
fn code_that_names_secrets_is_kept() {
    // What the rules for configuration files would take in code, which a
    // transcript is full of (seen in the sources of crates.io).
    let code = "pub struct Group {\n    pub brace_token: token::Brace,\n}\nbound.paren_token = paren_token;\nToken::U8(70),\n\
                lpPassword: LPCWSTR,\npassword = get_password()\nsemi_token: node.semi_token,\nas_token: Token![as](span),\n";
    assert_eq!(redacted(code), code);
    let line = transcript_line(code, Some("\t"));
    assert_eq!(redacted(&line), line);
}

#[test]
fn a_pretty_printed_json_document_stays_json() {
    // Gemini CLI writes its session as one indented JSON document.
    let samples = text_samples();
    let messages: Vec<serde_json::Value> = samples
        .iter()
        .map(|s| serde_json::json!({"role": "user", "parts": [{"text": String::from_utf8_lossy(&s.data)}]}))
        .collect();
    let document = serde_json::to_string_pretty(&serde_json::json!({"sessionId": "g-1", "messages": messages}))
        .expect("a document");
    let out = redact(document.as_bytes());
    serde_json::from_slice::<serde_json::Value>(&out.bytes).expect("still JSON");
    for s in &samples {
        assert_no_secret(&s.path, &out.bytes, &secrets_of(&s.data));
    }
}
