//! What the tests with real agent CLIs share: where the pinned agent
//! packages are installed, how an agent is run sealed and offline, and the
//! scripted stand-ins of the model APIs they talk to.
//!
//! The agents are npm packages installed by `.ci/run` into
//! `target/agents/<name>-<version>/` of the checkout (pinned versions; see
//! [`Client`]). Where one is missing the test says so loudly and checks
//! nothing, except with `GIT_SESSION_TEST_AGENTS=require` (set by CI),
//! where a missing agent fails the test.

pub(crate) mod anthropic;
pub(crate) mod gemini;
pub(crate) mod openai;
pub(crate) mod standin;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{TestRepo, BIN};

/// A pinned agent CLI from npm.
pub(crate) struct Client {
    /// The npm package.
    pub package: &'static str,
    /// Its pinned version (keep in step with `.ci/run`).
    pub version: &'static str,
    /// The executable it installs in `node_modules/.bin`.
    pub bin: &'static str,
}

/// Claude Code.
pub(crate) const CLAUDE: Client = Client {
    package: "@anthropic-ai/claude-code",
    version: "2.1.332",
    bin: "claude",
};

/// Codex.
pub(crate) const CODEX: Client = Client {
    package: "@openai/codex",
    version: "0.171.0",
    bin: "codex",
};

/// Gemini CLI.
pub(crate) const GEMINI: Client = Client {
    package: "@google/gemini-cli",
    version: "0.61.0",
    bin: "gemini",
};

/// GitHub Copilot CLI.
pub(crate) const COPILOT: Client = Client {
    package: "@github/copilot",
    version: "1.0.102",
    bin: "copilot",
};

impl Client {
    /// `target/agents/<name>-<version>`, where `.ci/run` installs the package.
    pub(crate) fn prefix(&self) -> PathBuf {
        let name = self.package.rsplit('/').next().expect("a package name");
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/agents")
            .join(format!("{name}-{}", self.version))
    }

    /// The installed executable, or `None` (after a loud note) when the
    /// package is not installed here. Panics instead under
    /// `GIT_SESSION_TEST_AGENTS=require`.
    pub(crate) fn find(&self) -> Option<PathBuf> {
        let exe = self.prefix().join("node_modules/.bin").join(self.bin);
        if exe.exists() {
            return Some(exe);
        }
        let install = format!(
            "npm install --prefix {} {}@{}",
            self.prefix().display(),
            self.package,
            self.version
        );
        if std::env::var("GIT_SESSION_TEST_AGENTS").as_deref() == Ok("require") {
            panic!(
                "{}@{} is required by GIT_SESSION_TEST_AGENTS=require but not installed; run `{install}`",
                self.package, self.version
            );
        }
        eprintln!(
            "\n!!! NOTE: {}@{} is not installed: this test of the real agent checks NOTHING.\n!!! Install it with `{install}` (.ci/run does).\n",
            self.package, self.version
        );
        None
    }
}

/// The directory of the binary under test, which is named `git-session`,
/// so that hooks calling `git-session` through PATH run it.
pub(crate) fn bin_dir() -> PathBuf {
    Path::new(BIN).parent().expect("the binary's directory").to_owned()
}

/// `exe` run in the repository's work tree with its sealed environment, the
/// binary under test first in PATH, and every proxy variable pointing at
/// `standin` (which refuses and records a `CONNECT`), so that any traffic an
/// agent tries beyond the model API at 127.0.0.1 shows up in the test
/// instead of leaving the machine.
pub(crate) fn command(t: &TestRepo, exe: &Path, standin: &standin::Standin) -> Command {
    let mut cmd = Command::new(exe);
    t.seal(&mut cmd);
    let path = std::env::join_paths(
        std::iter::once(bin_dir()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("a PATH");
    cmd.env("PATH", path)
        .current_dir(&t.dir)
        .stdin(std::process::Stdio::null());
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(proxy, standin.url());
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost");
    cmd
}

/// Appends to `out`, one per line, every string of `v` that a model API
/// request shows the model: plain strings, and the `text`, `content`,
/// `parts` and `output` members of objects, recursively (Anthropic
/// messages, OpenAI input items, Gemini contents all nest that way).
pub(crate) fn texts(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
        Value::Object(map) => {
            for key in ["text", "content", "parts", "output"] {
                if let Some(v) = map.get(key) {
                    texts(v, out);
                }
            }
        }
        _ => {}
    }
}

/// How long one agent run may take before the test kills it (a run takes
/// about a second; a script that makes the agent loop must not hang CI).
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Runs `cmd` to completion like [`Command::output`], but kills it and
/// panics (with what it printed) when it runs longer than [`RUN_LIMIT`].
pub(crate) fn output(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the agent's status") {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            let (out, err) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
            panic!(
                "{cmd:?} ran longer than {RUN_LIMIT:?} and was killed\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&err)
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("the stdout reader"),
        stderr: stderr.join().expect("the stderr reader"),
    }
}
