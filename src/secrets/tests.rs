//! Every rule has a positive and a negative case. The fake secrets are built
//! at run time from pieces, so this repository holds no literal that a
//! secret scanner (ours or a forge's push protection) would flag.

use std::path::Path;
use std::process::Command;

use super::*;

/// `n` characters cycling through `alphabet`, offset by `seed`, so the
/// result is varied enough to pass entropy checks.
fn chars(alphabet: &str, n: usize, seed: usize) -> String {
    let a: Vec<char> = alphabet.chars().collect();
    (0..n).map(|i| a[(i * 7 + seed) % a.len()]).collect()
}

const ALNUM: &str = "aB3dE5fG7hJ9kLmN2pQ4rS6tU8vW0xYz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn rules_of(text: &str) -> Vec<&'static str> {
    scan_blob("f", text.as_bytes()).into_iter().map(|f| f.rule).collect()
}

fn assert_finds(rule: &str, text: &str) {
    let found = rules_of(text);
    assert_eq!(found, vec![rule], "in {text:?}");
}

fn assert_clean(text: &str) {
    let found = scan_blob("f", text.as_bytes());
    assert!(found.is_empty(), "unexpected {found:?} in {text:?}");
}

fn pem(kind: &str) -> String {
    [
        "-----",
        "BEGIN ",
        kind,
        "PRIVATE",
        " KEY-----\nMIIE\n-----END ",
        kind,
        "PRIVATE KEY-----\n",
    ]
    .concat()
}

#[test]
fn private_key() {
    for kind in ["", "RSA ", "DSA ", "EC ", "OPENSSH ", "ENCRYPTED "] {
        assert_finds("private-key", &pem(kind));
    }
    let pgp = ["-----", "BEGIN PGP PRIVATE", " KEY BLOCK-----\n"].concat();
    assert_finds("private-key", &pgp);
    assert_clean(&["-----", "BEGIN PUBLIC", " KEY-----\n"].concat());
    assert_clean("the private key lives in ~/.ssh/id_ed25519\n");
}

#[test]
fn aws_access_key_id() {
    for prefix in ["AK", "AS"] {
        let id = [prefix, "IA", &chars(UPPER, 16, 1)].concat();
        assert_finds("aws-access-key-id", &format!("key = {id}\n"));
    }
    // Too short, and lowercase.
    assert_clean(&["id: AK", "IA", &chars(UPPER, 12, 1), "\n"].concat());
    assert_clean(&["id: ak", "ia", &chars(UPPER, 16, 1).to_lowercase(), "\n"].concat());
}

#[test]
fn aws_secret_access_key() {
    let secret = chars("abcDEF0123456789/+ghIJklMNopQRstUVwxYZ", 40, 3);
    assert_finds(
        "aws-secret-access-key",
        &["aws_secret", "_access_key = ", &secret, "\n"].concat(),
    );
    assert_finds(
        "aws-secret-access-key",
        &["AWS_SECRET", "_ACCESS_KEY: \"", &secret, "\"\n"].concat(),
    );
    // 41 characters is not an AWS secret, and an empty assignment is nothing.
    let long = [&secret, "Q"].concat();
    assert!(!rules_of(&["aws_secret", "_access_key = ", &long, "\n"].concat()).contains(&"aws-secret-access-key"));
    assert_clean("aws_secret_access_key =\n");
}

#[test]
fn github_tokens() {
    for kind in ["p", "o", "u", "s", "r"] {
        let token = ["gh", kind, "_", &chars(ALNUM, 36, 5)].concat();
        assert_finds("github-token", &format!("{token}\n"));
    }
    let pat = ["github", "_pat_", &chars("aB3_dE5fG7hJ9kLmN2pQ4", 82, 2)].concat();
    assert_finds("github-fine-grained-token", &format!("GH={pat}\n"));
    // Too short; wrong letter.
    assert_clean(&["gh", "p_", &chars(ALNUM, 20, 5), "\n"].concat());
    assert_clean(&["gh", "x_", &chars(ALNUM, 36, 5), "\n"].concat());
    assert_clean(&["github", "_pat_", &chars(ALNUM, 40, 2), "\n"].concat());
}

#[test]
fn gitlab_token() {
    let token = ["gl", "pat-", &chars("aB3-dE5_fG7hJ9kLmN2p", 20, 1)].concat();
    assert_finds("gitlab-token", &format!("token {token}\n"));
    assert_clean(&["gl", "pat-", &chars(ALNUM, 12, 1), "\n"].concat());
}

#[test]
fn slack_token() {
    let token = ["xo", "xb-", "1234567890-", &chars(ALNUM, 24, 4)].concat();
    assert_finds("slack-token", &format!("{token}\n"));
    assert_clean(&["xo", "xq-", "1234567890-", &chars(ALNUM, 24, 4), "\n"].concat());
    assert_clean("see xoxb-placeholders in the docs\n");
}

#[test]
fn google_api_key() {
    let key = ["AI", "za", &chars("aB3_dE5-fG7hJ9kLmN2p", 35, 6)].concat();
    assert_finds("google-api-key", &format!("\"{key}\"\n"));
    assert_clean(&["AI", "za", &chars(ALNUM, 20, 6), "\n"].concat());
}

#[test]
fn stripe_live_key() {
    let key = ["sk", "_live_", &chars(ALNUM, 24, 7)].concat();
    assert_finds("stripe-live-key", &format!("{key}\n"));
    assert_clean(&["sk", "_test_", &chars(ALNUM, 24, 7), "\n"].concat());
}

#[test]
fn openai_anthropic_key() {
    for infix in ["", "proj-", "ant-"] {
        let key = ["sk", "-", infix, &chars(ALNUM, 48, 8)].concat();
        assert_finds("openai-anthropic-key", &format!("{key}\n"));
    }
    // Slugs and words that merely contain `sk-`.
    assert_clean("pip install sk-learn-and-friends-and-some-more-words\n");
    assert_clean("the disk-usage-monitoring-for-all-the-cluster-nodes job\n");
}

#[test]
fn generic_assignment() {
    let value = chars(ALNUM, 28, 9);
    for line in [
        format!("password = \"{value}\""),
        format!("DB_PASSWORD={value}"),
        format!("client_secret: '{value}'"),
        format!("\"apiKey\": \"{value}\","),
        format!("let token := \"{value}\""),
    ] {
        assert_finds("generic-assignment", &line);
    }
    for line in [
        // Low entropy, too short.
        "password = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"".to_owned(),
        format!("password = \"{}\"", &value[..12]),
        // Placeholders.
        "api_key = \"xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"".to_owned(),
        "password: changeme-Abc123-Def456-Ghi789".to_owned(),
        "secret = \"<your-secret-goes-right-here>\"".to_owned(),
        "token: ${GITHUB_TOKEN_FOR_THE_DEPLOYMENT}".to_owned(),
        "api_key = \"example-Q8w7E6r5T4y3U2i1\"".to_owned(),
        // Code, not a value.
        "token: process.env.GITHUB_TOKEN_FOR_DEPLOY".to_owned(),
        "password = read_password_from(config_path)".to_owned(),
        "secret: THE_SECRET_FROM_THE_ENVIRONMENT".to_owned(),
        // No assignment.
        format!("the token {value} is mentioned"),
    ] {
        assert_clean(&line);
    }
}

#[test]
fn one_report_per_secret() {
    // A GitHub token assigned to a secret-looking name is a github-token,
    // not also a generic assignment.
    let token = ["gh", "p_", &chars(ALNUM, 36, 5)].concat();
    assert_finds("github-token", &format!("GITHUB_TOKEN={token}\n"));
}

#[test]
fn rules_compile_and_ids_are_unique() {
    assert_eq!(COMPILED.len(), RULES.len());
    let ids: HashSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
}

#[test]
fn lines_paths_and_redaction() {
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    let key = ["sk", "_live_", &chars(ALNUM, 30, 7)].concat();
    let text = format!("first\nsecond {token}\n\n\nfifth {key} x\n");
    let found = scan_blob("worktree/conf/app.env", text.as_bytes());
    assert_eq!(
        found,
        vec![
            Finding {
                path: "worktree/conf/app.env".into(),
                rule: "github-token",
                line: 2,
                excerpt: "ghp_…".into(),
            },
            Finding {
                path: "worktree/conf/app.env".into(),
                rule: "stripe-live-key",
                line: 5,
                excerpt: "sk_l…".into(),
            },
        ]
    );
    // The excerpt never carries more than four characters of any secret,
    // whatever the rule.
    let value = chars(ALNUM, 28, 9);
    let text = format!("{}\npassword = \"{value}\"\n{token}\n", pem("RSA "));
    for f in scan_blob("x", text.as_bytes()) {
        assert_eq!(f.excerpt.chars().count(), 5, "{f:?}");
        assert!(f.excerpt.ends_with('…'));
        assert!(!f.excerpt.contains(&value[..5]) && !f.excerpt.contains(&token[..5]));
    }
    let json = serde_json::to_string(&found).unwrap();
    assert!(!json.contains(&token) && !json.contains(&key));
}

#[test]
fn binary_and_large_blobs_are_skipped() {
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0".to_vec();
    binary.extend_from_slice(token.as_bytes());
    assert!(scan_blob("logo.png", &binary).is_empty());
    // A NUL past the probe does not make a blob binary.
    let mut late_nul = format!("{token}\n").into_bytes();
    late_nul.resize(BINARY_PROBE + 10, b' ');
    late_nul.push(0);
    assert_eq!(scan_blob("log", &late_nul).len(), 1);

    let mut large = format!("{token}\n").into_bytes();
    large.resize(MAX_BLOB_SIZE as usize + 1, b'a');
    assert!(scan_blob("dump.sql", &large).is_empty());
}

#[test]
fn invalid_utf8_is_scanned() {
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    let mut data = b"caf\xe9\n".to_vec();
    data.extend_from_slice(token.as_bytes());
    let found = scan_blob("latin1.txt", &data);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 2);
}

// --- scan_new_blobs against a real repository ---------------------------

struct Repo(crate::testing::TempRepo);

impl std::ops::Deref for Repo {
    type Target = crate::testing::TempRepo;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Repo {
    fn new() -> Repo {
        Repo(crate::testing::TempRepo::new())
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_env(args, &[])
    }

    fn git_env(&self, args: &[&str], env: &[(&str, &Path)]) -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.path).args(args);
        crate::testing::seal(&mut cmd, &self.home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn write(&self, rela: &str, content: &str) {
        let p = self.path.join(rela);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("dirs");
        std::fs::write(p, content).expect("write");
    }

    fn id(&self, rev: &str) -> ObjectId {
        ObjectId::from_hex(self.git(&["rev-parse", rev]).as_bytes()).expect("an oid")
    }

    fn open(&self) -> gix::Repository {
        gix::open(&self.path).expect("open the test repo")
    }

    /// Writes an event-like commit on `refname` (not a branch): its tree holds
    /// `event.json`, the work tree `worktree` under `worktree/`, and
    /// `attachments`; its parents are `parents` (previous event, anchor).
    fn event(&self, refname: &str, worktree: ObjectId, attachments: &[(&str, &str)], parents: &[ObjectId]) -> ObjectId {
        let index = self.path.join(".git/event-index");
        let _ = std::fs::remove_file(&index);
        let env = [("GIT_INDEX_FILE", index.as_path())];
        self.git_env(&["read-tree", "--prefix=worktree/", &worktree.to_string()], &env);
        let event_json = self.hash("{\"format\":1}\n");
        self.git_env(
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("100644,{event_json},event.json"),
            ],
            &env,
        );
        for (name, content) in attachments {
            let blob = self.hash(content);
            self.git_env(
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{blob},attachments/{name}"),
                ],
                &env,
            );
        }
        let tree = self.git_env(&["write-tree"], &env);
        let mut args = vec!["commit-tree".to_owned(), tree, "-m".into(), "snapshot: x".into()];
        for p in parents {
            args.push("-p".into());
            args.push(p.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let commit = self.git(&args);
        self.git(&["update-ref", refname, &commit]);
        self.id(&commit)
    }

    fn hash(&self, content: &str) -> String {
        let file = self.path.join(".git/blob-input");
        std::fs::write(&file, content).expect("write blob input");
        self.git(&["hash-object", "-w", file.to_str().expect("utf-8 path")])
    }
}

#[test]
fn scan_new_blobs_reports_only_what_the_branches_do_not_have() {
    let repo = Repo::new();
    let old_key = ["gh", "p_", &chars(ALNUM, 36, 11)].concat();
    let new_key = pem("OPENSSH ");
    let note = ["sk", "_live_", &chars(ALNUM, 26, 12)].concat();
    // On main: a file with a secret the user already committed, and a tree
    // that will be shared.
    repo.write("src/lib.rs", "pub fn f() {}\n");
    repo.write("config/old.env", &format!("TOKEN={old_key}\n"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "base"]);
    let main = repo.id("main");

    // A session whose snapshot has the same files plus a new key.
    repo.write("keys/deploy", &new_key);
    repo.git(&["add", "-A"]);
    let snapshot = repo.id(&repo.git(&["write-tree"]));
    repo.git(&["reset", "-q"]);
    let start = repo.event("refs/aura/sessions/x", repo.id("main^{tree}"), &[], &[main]);
    repo.event(
        "refs/aura/sessions/x",
        snapshot,
        &[("notes.md", &format!("remember {note}\n"))],
        &[start, main],
    );

    let gix_repo = repo.open();
    let tip = repo.id("refs/aura/sessions/x");
    let found = scan_new_blobs(&gix_repo, &[tip], &[main]).expect("scan");
    let mut got: Vec<(String, &str)> = found.iter().map(|f| (f.path.clone(), f.rule)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("attachments/notes.md".to_owned(), "stripe-live-key"),
            ("worktree/keys/deploy".to_owned(), "private-key"),
        ]
    );

    // Without the exclusion, the secret already on main is found too (in the
    // event trees, and in main's own commit through the anchor parent).
    let all = scan_new_blobs(&gix_repo, &[tip], &[]).expect("scan");
    assert!(all.iter().any(|f| f.rule == "github-token"), "{all:?}");
    assert_eq!(
        all.iter().filter(|f| f.rule == "github-token").count(),
        1,
        "deduped by oid"
    );

    // A tree tip is scanned too; a tip the branches already hold yields nothing.
    let found = scan_new_blobs(&gix_repo, &[snapshot], &[main]).expect("scan");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "keys/deploy");
    assert!(scan_new_blobs(&gix_repo, &[main], &[main]).expect("scan").is_empty());
}

#[test]
fn scan_new_blobs_stops_at_commits_on_the_branches() {
    let repo = Repo::new();
    let key = ["AK", "IA", &chars(UPPER, 16, 2)].concat();
    // A secret committed and then removed on main: it is in main's history,
    // not in main's tree. The session's anchor is main's tip, so the walk
    // must not go down main's history and report it.
    repo.write("aws.txt", &format!("{key}\n"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "oops"]);
    repo.git(&["rm", "-q", "aws.txt"]);
    repo.write("README", "hello\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "fix"]);
    let main = repo.id("main");
    let tree = repo.id("main^{tree}");
    repo.event("refs/aura/sessions/y", tree, &[], &[main]);
    let tip = repo.id("refs/aura/sessions/y");
    let found = scan_new_blobs(&repo.open(), &[tip], &[main]).expect("scan");
    assert!(found.is_empty(), "{found:?}");
    // Unhidden, the walk reaches the old commit and finds the key there.
    let found = scan_new_blobs(&repo.open(), &[tip], &[]).expect("scan");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].path.as_str(), found[0].rule),
        ("aws.txt", "aws-access-key-id")
    );
}

// --- decoders, windows, redaction ---------------------------------------

#[test]
fn binary_and_large_blobs_are_read_by_the_streaming_scan() {
    // What `binary_and_large_blobs_are_skipped` leaves to the push's scan.
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0".to_vec();
    binary.extend_from_slice(token.as_bytes());
    let found = scan_blob_streaming("logo.png", &binary);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].rule, found[0].line),
        ("github-token", 3),
        "after the PNG header's two newline bytes"
    );

    // Over the size limit: every window reports what starts in it, with the
    // line counted across windows.
    let mut large = String::new();
    let mut line = 0;
    let mut expected = Vec::new();
    while large.len() < 3 * MAX_BLOB_SIZE as usize {
        line += 1;
        if line % 20_000 == 0 {
            large.push_str(&format!("key {token}\n"));
            expected.push(line);
        } else {
            large.push_str("some ordinary log line that holds nothing at all\n");
        }
    }
    let found = scan_blob_streaming("dump.log", large.as_bytes());
    assert_eq!(found.iter().map(|f| f.line).collect::<Vec<_>>(), expected);
    assert!(scan_blob("dump.log", large.as_bytes()).is_empty());
}

#[test]
fn a_secret_across_a_window_border_is_found_once() {
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    for filler in [b'.', 0] {
        for shift in [0, 1, 10, 43, 44, 45] {
            let mut data = vec![filler; WINDOW - shift];
            data[..3].copy_from_slice(b"\n\n\n");
            data.push(b' ');
            data.extend_from_slice(token.as_bytes());
            data.push(b'\n');
            data.resize(WINDOW * 2 + 100, filler);
            let found = scan_blob_streaming("x.log", &data);
            assert_eq!(found.len(), 1, "filler {filler}, shift {shift}: {found:?}");
            assert_eq!(found[0].line, 4, "filler {filler}, shift {shift}");
        }
    }
}

#[test]
fn utf16_text_is_decoded() {
    let token = ["gh", "p_", &chars(ALNUM, 40, 5)].concat();
    let text = format!("first line\r\nGITHUB_TOKEN={token}\r\n");
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let mut data = Vec::new();
        if bom {
            data.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            data.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        let found = scan_blob("token.env", &data);
        assert_eq!(found.len(), 1, "big endian {big_endian}, bom {bom}");
        assert_eq!((found[0].rule, found[0].line), ("github-token", 2));
        assert_eq!(scan_blob_streaming("token.env", &data), found);
    }
}

#[test]
fn base64_values_are_decoded_and_reported_where_they_are_written() {
    let key = corpus::base64(pem("RSA ").as_bytes());
    let yaml = format!("kind: Secret\ndata:\n  user: YWRtaW4=\n  tls.key: {key}\n");
    let found = scan_blob("secret.yaml", yaml.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].rule, found[0].line), ("private-key", 4));
    assert_eq!(
        found[0].excerpt,
        [&key[..4], "…"].concat(),
        "the encoded text, which is what the file shows"
    );
    // Base64 of something that is no secret is nothing.
    let note = corpus::base64(b"just a note about the deployment, nothing more");
    assert_clean(&format!("data:\n  note: {note}\n"));
}

#[test]
fn short_secrets_show_less() {
    let found = scan_blob(".env", b"DB_PASSWORD=hunter2\n");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].rule, found[0].excerpt.as_str()),
        ("password-assignment", "h…")
    );
    assert_eq!(matcher::redact("abcdefghijklmnop"), "abcd…");
    assert_eq!(matcher::redact("abc"), "…");
}

#[test]
fn short_passwords_count_in_configuration_only() {
    for path in [
        ".env",
        "config/app.yaml",
        "settings.json",
        "app.properties",
        "deploy.sh",
        "Dockerfile",
    ] {
        assert!(is_config_path(path), "{path}");
    }
    for path in ["src/main.rs", "app.py", "README.md", "f"] {
        assert!(!is_config_path(path), "{path}");
    }
    assert_eq!(scan_blob("app.py", b"DB_PASSWORD=hunter2\n"), vec![]);
    assert_eq!(scan_blob("app.yaml", b"db:\n  password: hunter2\n").len(), 1);
}

#[test]
fn names_that_say_secret() {
    for key in [
        "password",
        "DB_PASSWORD",
        "dbPassword",
        "client_secret",
        "apiKey",
        "API_KEY",
        "GITHUB_TOKEN",
        "secret_key_base",
        "aws_secret_access_key",
        "SMTP_PASS",
        "db.password",
        "passphrase",
        "ClientSecret",
        "private_key",
    ] {
        assert!(rules::key_says_secret(key), "{key}");
    }
    for key in [
        "password_policy",
        "token_url",
        "max_tokens",
        "public_key",
        "secret_name",
        "key",
        "PWD",
        "tokenizer",
        "passwordHint",
        "access_key",
        "monkey",
        "bypass",
        "secretKeyRef",
        "token_idx1",
    ] {
        assert!(!rules::key_says_secret(key), "{key}");
    }
}

#[test]
fn hostile_blobs_stay_bounded() {
    // A blob that is nothing but keys yields at most 100 findings, quickly.
    let token = ["gh", "p_", &chars(ALNUM, 36, 5)].concat();
    let line = format!("{token}\n");
    let many = line.repeat((256 << 10) / line.len());
    assert_eq!(scan_blob("keys.txt", many.as_bytes()).len(), 100);
    assert_eq!(scan_blob_streaming("keys.txt", many.repeat(5).as_bytes()).len(), 100);
    // Long runs that every pattern starts on but none finishes (256 KiB
    // each, as the test runs unoptimised; the release build reads 2 MiB of
    // each in a few milliseconds).
    for filler in ["password=", "AKIA", "eyJ", "-----BEGIN ", "a:b@", "x"] {
        let data = filler.repeat((256 << 10) / filler.len());
        let _ = scan_blob("f.env", data.as_bytes());
    }
}

#[test]
fn scan_new_blobs_reads_binary_and_large_blobs() {
    let repo = Repo::new();
    repo.write("README", "hello\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "base"]);
    let main = repo.id("main");
    let token = ["gh", "p_", &chars(ALNUM, 36, 13)].concat();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0".to_vec();
    png.extend_from_slice(format!("tEXt\0{token}\0").as_bytes());
    std::fs::write(repo.path.join("logo.png"), &png).expect("write the png");
    let mut big = "nothing to see here\n".repeat(MAX_BLOB_SIZE as usize / 10);
    big.push_str(&["sk", "_live_", &chars(ALNUM, 30, 7), "\n"].concat());
    repo.write("dump.sql", &big);
    repo.git(&["add", "-A"]);
    let tree = repo.id(&repo.git(&["write-tree"]));
    let found = scan_new_blobs(&repo.open(), &[tree], &[main]).expect("scan");
    let mut got: Vec<(&str, &str, usize)> = found.iter().map(|f| (f.path.as_str(), f.rule, f.line)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("dump.sql", "stripe-live-key", MAX_BLOB_SIZE as usize / 10 + 1),
            ("logo.png", "github-token", 3)
        ]
    );
}

#[test]
fn base64_runs_are_the_matches_of_the_pattern() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let alphabet = b"aB9+/_-=  =\n\"x";
    for round in 0..2000 {
        let n = (round % 300) as usize;
        let text: Vec<u8> = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly base64 bytes, so that runs of 24 and more occur.
                if state.is_multiple_of(8) {
                    state as u8
                } else {
                    alphabet[(state >> 8) as usize % alphabet.len()]
                }
            })
            .collect();
        let want: Vec<_> = matcher::BASE64_RUN.find_iter(&text).map(|m| m.range()).collect();
        let got: Vec<_> = matcher::base64_runs(&text).collect();
        assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&text));
    }
}
