//! A corpus of positive and negative samples, and the test that measures
//! the scan on it: recall (positives found by the expected rule) and false
//! positives (negatives with any finding). `cargo test --lib
//! secrets::corpus -- --nocapture` prints both, per kind.
//!
//! Every fake secret is made at run time by a seeded generator in the shape
//! its issuer uses, from prefixes split in pieces, so this file holds no
//! literal that a secret scanner (ours, or a forge's push protection) would
//! flag; `this_repository_scans_clean` checks that for the whole crate.

use super::*;

/// One sample: a file at `path` holding `data`; `expect` is the rule a
/// positive must be reported by (`None` for a negative).
pub(super) struct Sample {
    pub kind: &'static str,
    pub path: String,
    pub data: Vec<u8>,
    pub expect: Option<&'static str>,
}

/// A small deterministic generator (xorshift64*), so the corpus is the same
/// on every run.
struct Fake(u64);

impl Fake {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
            .collect()
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn alnum(&mut self, n: usize) -> String {
        self.pick(ALNUM, n)
    }

    fn hex(&mut self, n: usize) -> String {
        self.pick("0123456789abcdef", n)
    }

    fn b64(&mut self, n: usize) -> String {
        self.pick(B64, n)
    }
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Standard base64 with padding.
pub(super) fn base64(data: &[u8]) -> String {
    let a = B64.as_bytes();
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(a[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// URL-safe base64 without padding (JWT).
fn base64url(data: &[u8]) -> String {
    base64(data).trim_end_matches('=').replace('+', "-").replace('/', "_")
}

/// A PEM block of `kind` ("RSA PRIVATE KEY", "CERTIFICATE") with a fake
/// body of `lines` lines.
fn pem(f: &mut Fake, kind: &str, lines: usize) -> String {
    let mut out = format!("{}BEGIN {kind}{}\n", "-----", "-----");
    for _ in 0..lines {
        out.push_str(&base64(&f.bytes(48)));
        out.push('\n');
    }
    out.push_str(&format!("{}END {kind}{}\n", "-----", "-----"));
    out
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// `n` bytes of log lines that hold no secret.
fn log_lines(f: &mut Fake, n: usize) -> String {
    let mut out = String::with_capacity(n + 200);
    let mut i = 0;
    while out.len() < n {
        i += 1;
        out.push_str(&format!(
            "2024-05-01T12:{:02}:{:02}Z INFO request id={} path=/api/v1/items/{i} status=200 took={}ms\n",
            i / 60 % 60,
            i % 60,
            f.hex(16),
            i % 997
        ));
    }
    out
}

fn pos(kind: &'static str, path: &str, data: impl Into<Vec<u8>>, rule: &'static str) -> Sample {
    Sample {
        kind,
        path: path.to_owned(),
        data: data.into(),
        expect: Some(rule),
    }
}

fn neg(kind: &'static str, path: &str, data: impl Into<Vec<u8>>) -> Sample {
    Sample {
        kind,
        path: path.to_owned(),
        data: data.into(),
        expect: None,
    }
}

/// The fake tokens, one per format, by seed.
struct Tokens {
    github: String,
    aws_id: String,
    aws_secret: String,
    openai: String,
}

fn tokens(f: &mut Fake) -> Tokens {
    Tokens {
        github: ["gh", "p_", &f.alnum(36)].concat(),
        aws_id: ["AK", "IA", &f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)].concat(),
        aws_secret: f.b64(40),
        openai: ["sk", "-proj-", &f.pick(B64URL, 64)].concat(),
    }
}

pub(super) fn positives() -> Vec<Sample> {
    let f = &mut Fake(0x5EC2_E7C0_2B05);
    let t = tokens(f);
    let mut out = Vec::new();

    // 1. Private-key armours.
    for kind in ["", "ENCRYPTED ", "RSA ", "EC ", "DSA ", "OPENSSH "] {
        out.push(pos(
            "private key",
            "keys/id",
            pem(f, &[kind, "PRIVATE KEY"].concat(), 6),
            "private-key",
        ));
    }
    let ssh2 = format!(
        "{} BEGIN SSH2 ENCRYPTED PRIVATE {}\nComment: \"rsa-key-20240501\"\n{}\n{}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
        "----",
        "KEY ----",
        f.b64(64),
        f.b64(40)
    );
    out.push(pos("private key", "keys/id_rsa.ssh2", ssh2, "private-key"));
    for version in ["2", "3"] {
        let putty = format!(
            "PuTTY-User-Key-File-{version}: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240501\nPublic-Lines: 2\n{}\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}\n",
            f.b64(64),
            f.b64(4),
            f.b64(44),
            f.hex(64)
        );
        out.push(pos("private key", "keys/deploy.ppk", putty, "private-key"));
    }
    let pgp = format!(
        "{}BEGIN PGP PRIVATE KEY BLOCK{}\n\n{}\n{}\n=Ab3x\n-----END PGP PRIVATE KEY BLOCK-----\n",
        "-----",
        "-----",
        f.b64(64),
        f.b64(64)
    );
    out.push(pos("private key", "keys/secring.asc", pgp, "private-key"));
    let escaped = format!(
        "{{\"tls\": {{\"key\": \"{}BEGIN EC PRIVATE KEY-----\\n{}\\n-----END EC PRIVATE KEY-----\\n\"}}}}\n",
        "-----",
        f.b64(64)
    );
    out.push(pos("private key", "deploy/tls.json", escaped, "private-key"));
    out.push(pos(
        "private key",
        "vpn/ta.key",
        format!(
            "#\n# 2048 bit OpenVPN static key\n#\n{}BEGIN OpenVPN Static key V1-----\n{}\n",
            "-----",
            f.hex(32)
        ),
        "private-key",
    ));
    let gcp = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{}BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"ci@demo-project.iam.gserviceaccount.com\"\n}}\n",
        f.hex(40),
        "-----",
        f.b64(64)
    );
    out.push(pos("private key", "gcp/sa.json", gcp, "gcp-service-account"));

    // 2. Base64 values that decode to a secret.
    let key_b64 = base64(pem(f, "RSA PRIVATE KEY", 4).as_bytes());
    let cert_b64 = base64(pem(f, "CERTIFICATE", 4).as_bytes());
    out.push(pos(
        "base64",
        "k8s/tls-secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {cert_b64}\n  tls.key: {key_b64}\n"),
        "private-key",
    ));
    out.push(pos(
        "base64",
        "k8s/db-secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  username: {}\n  DB_PASSWORD: {}\n",
            base64(b"admin"),
            base64(b"Tr0ub4dor&3-correct-horse")
        ),
        "password-assignment",
    ));
    let docker_json = format!(
        "{{\"auths\":{{\"registry.corp.internal:5000\":{{\"auth\":\"{}\"}}}}}}",
        base64(format!("deploy:{}", f.alnum(20)).as_bytes())
    );
    out.push(pos(
        "base64",
        "k8s/pull-secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
            base64(docker_json.as_bytes())
        ),
        "docker-auth",
    ));
    out.push(pos(
        "base64",
        "k8s/api-secret.yaml",
        format!("kind: Secret\ndata:\n  api-token: {}\n", base64(t.github.as_bytes())),
        "github-token",
    ));
    out.push(pos(
        "base64",
        "settings.json",
        format!(
            "{{\n  \"bootstrap\": \"{}\"\n}}\n",
            base64(
                format!(
                    "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\n",
                    t.aws_id, t.aws_secret
                )
                .as_bytes()
            )
        ),
        "aws-access-key-id",
    ));
    out.push(pos(
        "base64",
        "notes/handoff.md",
        format!(
            "The staging database, encoded: `{}`\n",
            base64(format!("postgres://app:{}@db.staging.internal:5432/app", f.alnum(14)).as_bytes())
        ),
        "url-credentials",
    ));

    // 3. Credentials in URLs and connection strings.
    let pw = |f: &mut Fake| [f.alnum(10), "-".into(), f.alnum(6)].concat();
    for (path, url) in [
        (
            "config/database.yml",
            format!("url: postgres://app:{}@db.internal:5432/app\n", pw(f)),
        ),
        (
            "src/db.py",
            format!(
                "CLIENT = MongoClient(\"mongodb+srv://svc:{}@cluster0.ab1cd.mongodb.net/?retryWrites=true\")\n",
                pw(f)
            ),
        ),
        (
            "docker-compose.yml",
            format!("      REDIS_URL: redis://:{}@cache:6379/0\n", pw(f)),
        ),
        (
            "src/main.rs",
            format!("let url = \"mysql://root:{}@10.0.3.7:3306/shop\";\n", pw(f)),
        ),
        (
            "celery.py",
            format!("broker_url = 'amqp://worker:{}@rabbit.internal:5672//'\n", pw(f)),
        ),
        (".git-credentials", format!("https://alice:{}@git.corp.net\n", pw(f))),
    ] {
        out.push(pos("url / connection string", path, url, "url-credentials"));
    }
    for (path, text) in [
        (
            "appsettings.Production.json",
            format!("  \"Default\": \"Server=tcp:sql.corp.net,1433;Initial Catalog=shop;User ID=app;Password={};Encrypt=True;\"\n", pw(f)),
        ),
        ("src/Db.java", format!("String url = \"jdbc:postgresql://db:5432/shop?user=app&password={}\";\n", pw(f))),
        ("src/Legacy.java", format!("String url = \"jdbc:sqlserver://db:1433;databaseName=shop;user=app;password={};\";\n", pw(f))),
        ("odbc.txt", format!("Driver={{ODBC Driver 18 for SQL Server}};Server=db;Uid=app;Pwd={};\n", pw(f))),
    ] {
        out.push(pos("url / connection string", path, text, "connection-string-password"));
    }

    // 4. `.env`-style assignments, short passwords included.
    for (path, text) in [
        (".env", "DB_PASSWORD=hunter2\n".to_owned()),
        (
            "scripts/deploy.sh",
            format!("export API_KEY=\"{}4{}\"\n", f.alnum(8), f.alnum(4)),
        ),
        (
            "config/app.yaml",
            "app:\n  session:\n    secret: s3cr3t-Sauce!\n".to_owned(),
        ),
        (
            "docker-compose.yml",
            "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=Pa55word!\n".to_owned(),
        ),
        (
            "src/main/resources/application.properties",
            "spring.datasource.password=Sup3rS3cret\n".to_owned(),
        ),
        ("my.cnf", "[client]\nuser = app\npassword = letm3in-now\n".to_owned()),
        (
            "config.toml",
            format!("[service]\napi_key = \"{}-7{}\"\n", f.alnum(6), f.alnum(6)),
        ),
        (
            "appsettings.json",
            "{\n  \"AzureAd\": {\n    \"ClientSecret\": \"q9-Zx!7kLm\"\n  }\n}\n".to_owned(),
        ),
        ("Dockerfile", "FROM alpine\nENV SMTP_PASS=m4ilP4ss#1\n".to_owned()),
        (
            ".env.production",
            "STRIPE_WEBHOOK_SECRET='whsec_local_7hf93'\n".to_owned(),
        ),
    ] {
        out.push(pos(".env / config assignment", path, text, "password-assignment"));
    }
    out.push(pos(
        ".env / config assignment",
        ".npmrc",
        format!("//registry.npmjs.org/:_authToken={}\n", f.alnum(24)),
        "npmrc-auth",
    ));
    out.push(pos(
        ".env / config assignment",
        "src/settings.py",
        format!("SECRET_KEY = \"{}\"\n", f.pick(B64URL, 40)),
        "generic-assignment",
    ));

    // 5. UTF-16 text.
    out.push(pos(
        "utf-16",
        "deploy.env",
        utf16(&format!("GITHUB_TOKEN={}\r\n", t.github), false, true),
        "github-token",
    ));
    out.push(pos(
        "utf-16",
        "aws.reg",
        utf16(&format!("\"AccessKey\"=\"{}\"\r\n", t.aws_id), true, true),
        "aws-access-key-id",
    ));
    out.push(pos(
        "utf-16",
        "profile.ps1",
        utf16(&format!("$env:OPENAI_API_KEY = \"{}\"\r\n", t.openai), false, false),
        "openai-anthropic-key",
    ));

    // 6. Binary blobs, and blobs over the size limit.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
    png.extend(f.bytes(3000));
    png.extend_from_slice(format!("\0\0\0\x40tEXtComment\0deploy token {}\0", t.github).as_bytes());
    png.extend(f.bytes(3000));
    out.push(pos("binary / large", "assets/logo.png", png, "github-token"));
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend(f.bytes(20_000));
    elf.extend_from_slice(format!("\0{}\0{}\0", t.aws_id, f.alnum(5)).as_bytes());
    elf.extend(f.bytes(20_000));
    out.push(pos("binary / large", "bin/uploader", elf, "aws-access-key-id"));
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend(f.bytes(50_000));
    db.extend_from_slice(format!("\x01\x02postgres://app:{}@db.internal/app\x00", pw(f)).as_bytes());
    db.extend(f.bytes(50_000));
    out.push(pos("binary / large", "data/app.sqlite", db, "url-credentials"));
    let mut big = log_lines(f, 3 << 20);
    big.push_str(&format!("ERROR retry with token {}\n", t.github));
    out.push(pos("binary / large", "logs/huge.log", big, "github-token"));
    let mut across = log_lines(f, WINDOW - 30).into_bytes();
    across.truncate(WINDOW - 12);
    across.extend_from_slice(format!(" {} ", t.openai).as_bytes());
    across.extend(log_lines(f, 2 << 20).into_bytes());
    out.push(pos(
        "binary / large",
        "logs/across-windows.log",
        across,
        "openai-anthropic-key",
    ));

    // 7. Docker config.json.
    for registry in ["https://index.docker.io/v1/", "ghcr.io"] {
        out.push(pos(
            "docker config",
            ".docker/config.json",
            format!(
                "{{\n  \"auths\": {{\n    \"{registry}\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
                base64(format!("ci-bot:{}", f.alnum(18)).as_bytes())
            ),
            "docker-auth",
        ));
    }

    // 8. Token formats.
    let digits = "0123456789";
    let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let bech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
    let token_samples: Vec<(&str, String, &'static str)> = vec![
        ("src/mail.rs", format!("const KEY: &str = \"{}\";\n", ["S", "G.", &f.pick(B64URL, 22), ".", &f.pick(B64URL, 43)].concat()), "sendgrid-api-key"),
        (".env", format!("TWILIO_API_KEY={}\n", ["S", "K", &f.hex(32)].concat()), "twilio-api-key"),
        (
            ".env",
            format!("TWILIO_ACCOUNT_SID=AC{}\nTWILIO_AUTH_TOKEN={}\n", f.hex(32), f.hex(32)),
            "twilio-auth-token",
        ),
        ("ci/publish.sh", format!("npm config set //registry/:x {}\n", ["np", "m_", &f.alnum(36)].concat()), "npm-token"),
        (
            ".pypirc",
            format!("[pypi]\nusername = __token__\npassword = {}\n", ["py", "pi-AgEIcHlwaS5vcmc", &f.pick(B64URL, 70)].concat()),
            "pypi-token",
        ),
        ("train.py", format!("login(token=\"{}\")\n", ["h", "f_", &f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)].concat()), "huggingface-token"),
        (
            "api.http",
            format!(
                "GET /v1/me\nAuthorization: Bearer {}.{}.{}\n",
                base64url(b"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"),
                base64url(format!("{{\"sub\":\"svc-{}\",\"iat\":1714560000}}", f.hex(8)).as_bytes()),
                f.pick(B64URL, 43)
            ),
            "jwt",
        ),
        (
            "local.settings.json",
            format!(
                "  \"AzureWebJobsStorage\": \"DefaultEndpointsProtocol=https;AccountName=demostore;{}={}==;EndpointSuffix=core.windows.net\",\n",
                "AccountKey",
                f.b64(86)
            ),
            "azure-storage-key",
        ),
        (
            "upload.sh",
            format!(
                "curl -T a.zip 'https://demostore.blob.core.windows.net/drop/a.zip?sv=2022-11-02&ss=b&srt=o&sp=rwl&se=2030-01-01T00:00:00Z&spr=https&{}={}%2B{}%3D'\n",
                "sig",
                f.alnum(20),
                f.alnum(22)
            ),
            "azure-sas-signature",
        ),
        (
            "terraform/main.tf",
            format!("  client_secret = \"{}{}Q~{}\"\n", f.alnum(3), f.pick(digits, 1), f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-", 34)),
            "azure-client-secret",
        ),
        ("billing.rb", format!("Stripe.api_key = '{}'\n", ["sk", "_live_", &f.alnum(32)].concat()), "stripe-live-key"),
        ("billing.js", format!("const stripe = Stripe('{}');\n", ["rk", "_live_", &f.alnum(32)].concat()), "stripe-live-key"),
        ("bot.py", format!("client = WebClient(\"{}\")\n", ["xo", "xb-", &f.pick(digits, 12), "-", &f.pick(digits, 13), "-", &f.alnum(24)].concat()), "slack-token"),
        ("bot.py", format!("user = WebClient(\"{}\")\n", ["xo", "xp-", &f.pick(digits, 12), "-", &f.pick(digits, 13), "-", &f.pick(digits, 13), "-", &f.hex(32)].concat()), "slack-token"),
        ("socket.py", format!("APP = \"{}\"\n", ["xa", "pp-1-A0", &f.pick(upper, 9), "-", &f.pick(digits, 13), "-", &f.hex(64)].concat()), "slack-token"),
        (
            "alerts.yaml",
            format!("webhook: {}/services/T0{}/B0{}/{}\n", ["https://hooks", ".slack.com"].concat(), f.pick(upper, 8), f.pick(upper, 8), f.alnum(24)),
            "slack-webhook",
        ),
        ("gh.txt", format!("{}\n", t.github), "github-token"),
        ("gh.txt", format!("{}\n", ["gh", "o_", &f.alnum(36)].concat()), "github-token"),
        ("gh.txt", format!("{}\n", ["gh", "u_", &f.alnum(36)].concat()), "github-token"),
        ("gh.txt", format!("{}\n", ["gh", "s_", &f.alnum(36)].concat()), "github-token"),
        ("gh.txt", format!("{}\n", ["gh", "r_", &f.alnum(36)].concat()), "github-token"),
        ("gh.txt", format!("{}\n", ["github", "_pat_", &f.alnum(22), "_", &f.alnum(59)].concat()), "github-fine-grained-token"),
        (".gitlab-ci.yml", format!("  script: curl -H 'PRIVATE-TOKEN: {}' $API\n", ["gl", "pat-", &f.pick(B64URL, 20)].concat()), "gitlab-token"),
        ("deploy.txt", format!("{}\n", ["gl", "dt-", &f.alnum(20)].concat()), "gitlab-token"),
        ("runner.txt", format!("token = {}\n", ["gl", "rt-", &f.alnum(20)].concat()), "gitlab-token"),
        ("aws.txt", format!("id {}\n", t.aws_id), "aws-access-key-id"),
        ("aws.txt", format!("id {}\n", ["AS", "IA", &f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)].concat()), "aws-access-key-id"),
        (
            ".aws/credentials",
            format!("[default]\naws_secret_access_key = {}\n", t.aws_secret),
            "aws-secret-access-key",
        ),
        ("sts.json", format!("{{\"SecretAccessKey\": \"{}\"}}\n", f.b64(40)), "aws-secret-access-key"),
        ("ai.py", format!("openai.api_key = \"{}\"\n", ["sk", "-", &f.alnum(48)].concat()), "openai-anthropic-key"),
        ("ai.py", format!("client = OpenAI(api_key=\"{}\")\n", t.openai), "openai-anthropic-key"),
        ("claude.ts", format!("const key = \"{}\";\n", ["sk", "-ant-api03-", &f.pick(B64URL, 93), "AA"].concat()), "openai-anthropic-key"),
        ("maps.js", format!("key: \"{}\"\n", ["AI", "za", &f.pick(B64URL, 35)].concat()), "google-api-key"),
        ("age.txt", format!("# created: 2024-05-01\n{}\n", ["AGE-SECRET", "-KEY-1", &f.pick(bech32, 58)].concat()), "age-secret-key"),
    ];
    for (path, text, rule) in token_samples {
        out.push(pos("token format", path, text, rule));
    }
    out
}

pub(super) fn negatives() -> Vec<Sample> {
    let f = &mut Fake(0x000C_1EA4_F00D);
    let mut out = Vec::new();

    // Placeholders and variables.
    for (path, text) in [
        (".env", "DB_PASSWORD=changeme\nAPI_KEY=<your-api-key>\nTOKEN=xxx\nSECRET=***\nPASSWORD=\nSMTP_PASS=\"\"\n"),
        (".env.example", "GITHUB_TOKEN=your_github_token_here\nOPENAI_API_KEY=sk-...\nSTRIPE_SECRET=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n"),
        ("config/app.yaml", "database:\n  user: app\n  password: ${DB_PASSWORD}\n  token: $GITHUB_TOKEN\n"),
        ("chart/values.yaml", "password: \"{{ .Values.db.password }}\"\napiKey: {{ .Values.apiKey | quote }}\n"),
        (".github/workflows/ci.yml", "      - uses: docker/login-action@v3\n        with:\n          password: ${{ secrets.DOCKERHUB_TOKEN }}\n"),
        ("scripts/run.sh", "PASSWORD=\"$1\"\nexport API_TOKEN=\"${API_TOKEN:-}\"\nread -rs DB_PASSWORD\nTOKEN=$(cat /run/secrets/token)\n"),
        (".env", "PWD=/home/app\nDB_PASSWORD_FILE=/run/secrets/db_password\nSECRET_KEY_PATH=./keys/secret.pem\n"),
        ("gh.txt", "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        ("ansible/group_vars/all.yml", "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231386132346538303162383932\n"),
        ("secrets.enc.yaml", "password: ENC[AES256_GCM,data:Tr3x9Q==,iv:AbCdEf==,tag:XyZ==,type:str]\n"),
        ("docker-compose.yml", "    environment:\n      - POSTGRES_PASSWORD=postgres\n      - MYSQL_ROOT_PASSWORD=${ROOT_PW}\n"),
    ] {
        out.push(neg("placeholder", path, text));
    }

    // Documentation examples.
    let aws_doc_id = ["AK", "IAIOSFODNN7", "EXAMPLE"].concat();
    let aws_doc_secret = ["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"].concat();
    let jwt_doc = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.",
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ]
    .concat();
    for (path, text) in [
        (
            "docs/aws.md",
            format!("aws_access_key_id = {aws_doc_id}\naws_secret_access_key = {aws_doc_secret}\n"),
        ),
        ("docs/jwt.md", format!("A token looks like `{jwt_doc}`.\n")),
        (
            "docs/db.md",
            "Connect with `postgres://user:password@localhost:5432/mydb` or\n`https://user:s3cret@example.com/path`.\n"
                .to_owned(),
        ),
        (
            "README.md",
            "Set `export API_KEY=<key>` and `password: <password>` first.\n".to_owned(),
        ),
    ] {
        out.push(neg("documentation example", path, text));
    }

    // Hashes and identifiers.
    for (path, text) in [
        ("CHANGELOG.md", format!("Fixed in {} (see {}).\n", f.hex(40), f.hex(7))),
        (
            "SHA256SUMS",
            format!(
                "{}  git-session-x86_64.tar.gz\n{}  git-session-aarch64.tar.gz\n",
                f.hex(64),
                f.hex(64)
            ),
        ),
        (
            "config.yaml",
            format!("token_sha256: {}\npassword_hash: {}\n", f.hex(64), f.hex(40)),
        ),
        (
            "ids.json",
            format!(
                "{{\"client_id\": \"{}-{}-4{}-a{}-{}\", \"tenant\": \"{}\"}}\n",
                f.hex(8),
                f.hex(4),
                f.hex(3),
                f.hex(3),
                f.hex(12),
                f.hex(32)
            ),
        ),
        (
            "k8s/deploy.yaml",
            format!(
                "        image: ghcr.io/acme/api@sha256:{}\n        uid: {}-{}-{}-{}-{}\n",
                f.hex(64),
                f.hex(8),
                f.hex(4),
                f.hex(4),
                f.hex(4),
                f.hex(12)
            ),
        ),
        (
            ".env",
            format!("TWILIO_ACCOUNT_SID=AC{}\nSENTRY_DSN_ID={}\n", f.hex(32), f.hex(32)),
        ),
    ] {
        out.push(neg("hash / uuid / id", path, text));
    }

    // Base64 of data that is not a secret.
    let logo = base64(&f.bytes(600));
    let readme = base64(b"Hello! This config map holds the greeting shown on the start page of the demo.");
    let cert = base64(pem(f, "CERTIFICATE", 4).as_bytes());
    for (path, text) in [
        (
            "k8s/configmap.yaml",
            format!("kind: ConfigMap\nbinaryData:\n  logo.png: {logo}\ndata:\n  greeting: {readme}\n"),
        ),
        (
            "k8s/user-secret.yaml",
            format!(
                "kind: Secret\ndata:\n  username: {}\n  ca.crt: {cert}\n",
                base64(b"admin-user")
            ),
        ),
        (
            "index.html",
            format!("<img src=\"data:image/png;base64,{}\">\n", base64(&f.bytes(300))),
        ),
    ] {
        out.push(neg("base64 of non-secret data", path, text));
    }

    // Lock files.
    let mut cargo_lock = String::from("# This file is automatically @generated by Cargo.\nversion = 4\n\n");
    let mut package_lock = String::from("{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
    let mut go_sum = String::new();
    let mut yarn_lock = String::new();
    for name in [
        "aho-corasick",
        "token-parser",
        "secret-service",
        "password-hash",
        "keyring",
    ] {
        cargo_lock.push_str(&format!(
            "[[package]]\nname = \"{name}\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{}\"\n\n",
            f.hex(64)
        ));
        package_lock.push_str(&format!(
            "    \"node_modules/{name}\": {{\n      \"version\": \"1.2.3\",\n      \"resolved\": \"https://registry.npmjs.org/{name}/-/{name}-1.2.3.tgz\",\n      \"integrity\": \"sha512-{}\"\n    }},\n",
            base64(&f.bytes(64))
        ));
        go_sum.push_str(&format!("github.com/acme/{name} v1.2.3 h1:{}\n", base64(&f.bytes(32))));
        yarn_lock.push_str(&format!(
            "{name}@^1.2.0:\n  version \"1.2.3\"\n  resolved \"https://registry.yarnpkg.com/{name}/-/{name}-1.2.3.tgz#{}\"\n  integrity sha1-{}\n\n",
            f.hex(40),
            base64(&f.bytes(20))
        ));
    }
    package_lock.push_str("  }\n}\n");
    for (path, text) in [
        ("Cargo.lock", cargo_lock),
        ("package-lock.json", package_lock),
        ("go.sum", go_sum),
        ("yarn.lock", yarn_lock),
    ] {
        out.push(neg("lock file", path, text));
    }

    // Minified JavaScript.
    let minified = "!function(e,t){\"use strict\";var n={token:null,apiKey:e.apiKey||window.APP_CONFIG.apiKey,password:t.password};function r(e){return e.secret===n.token?e.refreshToken:e.accessToken}n.token=r(t.session.token)||localStorage.getItem(\"token\");var o=document.querySelector('input[type=password]');o&&(o.value=\"\");e.auth={passwordMinLength:8,tokenTtl:3600,secretField:\"client_secret\"}}(window,{});\n";
    out.push(neg("minified js", "dist/app.min.js", minified.repeat(40)));

    // URLs without a password.
    out.push(neg(
        "url without password",
        "docs/links.md",
        "https://github.com/acme/app\nssh://git@github.com/acme/app.git\ngit@github.com:acme/app.git\npostgres://app@db.internal:5432/app\nredis://cache:6379/0\nhttp://localhost:8080/health\nhttps://user@host.corp.net/repo.git\n",
    ));
    out.push(neg(
        "url without password",
        "src/net.rs",
        "let url = format!(\"postgres://{}:{}@{}/{}\", user, password, host, db);\nlet u = format!(\"https://{user}:{token}@{host}\");\nlet s = \"amqp://guest:guest@localhost:5672\";\nprintf(\"mysql://%s:%s@%s\", u, p, h);\n",
    ));

    // Code that names secrets without holding one.
    for (path, text) in [
        ("src/creds.rs", "pub struct Credentials {\n    pub password: String,\n    pub token: Option<String>,\n    api_key: &'static str,\n}\nlet token = env::var(\"TOKEN\")?;\nlet secret = self.secret.clone();\n"),
        ("api/types.ts", "export interface Login {\n  password: string;\n  token?: string;\n  apiKey: ApiKey;\n}\n"),
        ("app/settings.py", "password = os.environ[\"DB_PASSWORD\"]\napi_key = get_secret(\"payments/api-key\")\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")\n"),
        ("auth.go", "type Config struct {\n\tPassword string `json:\"password\"`\n\tToken    string `json:\"token\"`\n}\n"),
        (
            "src/protocol.rs",
            "    pub password_expiry_utc: Option<gix_date::SecondsSinceUnixEpoch>,\n        token: windows_sys::Win32::Foundation::HANDLE,\n                token_idx1: token_idx1_backwards,\n        let current_tokens = &self.current_tokens;\n    current_tokens: Vec<imara_diff::Token>,\n",
        ),
        ("src/pem.rs", "if line.starts_with(\"-----BEGIN RSA PRIVATE KEY-----\") {\n    return Kind::Rsa;\n}\nconst HEADER: &str = \"-----BEGIN OPENSSH PRIVATE KEY-----\";\n"),
    ] {
        out.push(neg("code", path, text));
    }

    // Configuration that names secrets without holding one.
    for (path, text) in [
        ("locales/en.json", "{\n  \"password\": \"Password\",\n  \"token\": \"Token\",\n  \"passwordHint\": \"At least 8 characters\",\n  \"secret\": \"Enter your secret phrase\"\n}\n"),
        ("config/auth.yaml", "password_policy: strict\ntoken_ttl: 3600\nsecretName: db-credentials\nmax_tokens: 4096\npassword_min_length: 12\n"),
        (
            "k8s/deploy.yaml",
            "        env:\n          - name: DB_PASSWORD\n            valueFrom:\n              secretKeyRef:\n                name: db\n                key: password\n",
        ),
        ("package.json", "{\n  \"scripts\": {\n    \"token\": \"node scripts/token.js\",\n    \"secret-scan\": \"gitleaks detect\"\n  }\n}\n"),
        (".docker/config.json", "{\n  \"auths\": {\n    \"ghcr.io\": {}\n  },\n  \"credsStore\": \"desktop\"\n}\n"),
        ("keys/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3b2RhbmNlIG5vdCBhIHNlY3JldCBhdCBhbGw ci@build\n"),
    ] {
        out.push(neg("config without a secret", path, text));
    }
    out.push(neg(
        "config without a secret",
        "certs/server.crt",
        pem(f, "CERTIFICATE", 8),
    ));
    out.push(neg(
        "config without a secret",
        "certs/server.pub",
        pem(f, "PUBLIC KEY", 4),
    ));
    out.push(neg(
        "code",
        "ml/train.py",
        "pip install sk-learn-and-friends-and-some-more-words\nmodel = AutoModel.from_pretrained(\"hf_internal_testing_tiny_random_model\")\n",
    ));

    // Binary, UTF-16 and large blobs without a secret.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(f.bytes(256 << 10));
    out.push(neg("binary / large", "assets/photo.png", png));
    out.push(neg(
        "binary / large",
        "notes.txt",
        utf16(
            "Notes\r\npassword policy: see the wiki\r\ntoken ttl is one hour\r\n",
            false,
            true,
        ),
    ));
    out.push(neg("binary / large", "logs/app.log", log_lines(f, 3 << 20)));
    out
}

#[test]
fn recall_and_false_positives_on_the_corpus() {
    let positives = positives();
    let negatives = negatives();
    let mut per_kind: Vec<(&str, usize, usize, usize, usize)> = Vec::new();
    fn entry(per_kind: &mut Vec<(&'static str, usize, usize, usize, usize)>, kind: &'static str) -> usize {
        match per_kind.iter().position(|e| e.0 == kind) {
            Some(i) => i,
            None => {
                per_kind.push((kind, 0, 0, 0, 0));
                per_kind.len() - 1
            }
        }
    }
    let mut found = 0;
    let mut missed = Vec::new();
    for s in &positives {
        let findings = scan_any_blob(&s.path, &s.data);
        let i = entry(&mut per_kind, s.kind);
        per_kind[i].1 += 1;
        if findings.iter().any(|f| Some(f.rule) == s.expect) {
            found += 1;
            per_kind[i].2 += 1;
        } else {
            missed.push(format!(
                "{} ({}): want {:?}, got {findings:?}",
                s.path, s.kind, s.expect
            ));
        }
        for f in &findings {
            assert!(f.excerpt.chars().count() <= 5 && f.excerpt.ends_with('…'), "{f:?}");
        }
    }
    let mut false_positives = Vec::new();
    for s in &negatives {
        let findings = scan_any_blob(&s.path, &s.data);
        let i = entry(&mut per_kind, s.kind);
        per_kind[i].3 += 1;
        if !findings.is_empty() {
            per_kind[i].4 += 1;
            false_positives.push(format!("{} ({}): {findings:?}", s.path, s.kind));
        }
    }
    let recall = found as f64 / positives.len() as f64;
    eprintln!(
        "{:<28} {:>9} {:>6} {:>9} {:>6}",
        "kind", "positives", "found", "negatives", "FP"
    );
    for (kind, p, fd, n, fp) in &per_kind {
        eprintln!("{kind:<28} {p:>9} {fd:>6} {n:>9} {fp:>6}");
    }
    eprintln!(
        "recall {found}/{} = {recall:.3}; false positives {}/{}",
        positives.len(),
        false_positives.len(),
        negatives.len()
    );
    for m in &missed {
        eprintln!("missed: {m}");
    }
    for fp in &false_positives {
        eprintln!("false positive: {fp}");
    }
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95: {missed:#?}");
    assert!(false_positives.is_empty(), "{false_positives:#?}");
}

/// The crate's own files hold no secret (the fake ones above are made at
/// run time), except the TLS test key that `fixtures/tls/` keeps on purpose.
#[test]
fn this_repository_scans_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.to_path_buf()];
    let mut scanned = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the crate's directory") {
            let entry = entry.expect("a directory entry");
            let path = entry.path();
            let name = entry.file_name();
            if name == ".git" || name == "target" || path.ends_with("fixtures/tls") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let data = std::fs::read(&path).expect("read a file of the crate");
                let rela = path.strip_prefix(root).expect("under the root").display().to_string();
                let findings = scan_any_blob(&rela, &data);
                assert!(findings.is_empty(), "{rela}: {findings:?}");
                scanned += 1;
            }
        }
    }
    assert!(scanned > 50, "the crate's files were found ({scanned})");
}
