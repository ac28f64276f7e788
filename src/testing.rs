//! What the unit tests that drive `git` as their oracle share.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary repository (`git init -b main`) with a private `HOME`,
/// removed when dropped. Test modules wrap it to add their own helpers.
pub(crate) struct TempRepo {
    _tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub path: PathBuf,
}

impl TempRepo {
    pub(crate) fn new() -> TempRepo {
        let tmp = tempfile::tempdir().expect("temp dir");
        let home = tmp.path().join("home");
        let path = tmp.path().join("repo");
        std::fs::create_dir_all(&home).expect("home dir");
        std::fs::create_dir_all(&path).expect("repo dir");
        let mut init = Command::new("git");
        init.current_dir(&path).args(["init", "-q", "-b", "main"]);
        let out = seal(&mut init, &home).output().expect("git runs");
        assert!(
            out.status.success(),
            "git init: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        TempRepo { _tmp: tmp, home, path }
    }
}

/// Seals a `git` command: no system or global configuration, a private
/// `HOME`, none of the repository variables of the environment the tests
/// run in, UTC, the C locale, no prompts, and a fixed identity and clock.
pub(crate) fn seal<'a>(cmd: &'a mut Command, home: &Path) -> &'a mut Command {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "XDG_CONFIG_HOME",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
}

/// The number of cases a property test runs: `default`, or
/// `GIT_SESSION_PROPTEST_CASES` when it is set (for a longer run).
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("GIT_SESSION_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The configuration of the property tests: [`cases`] cases, and no
/// `proptest-regressions/` files (a case that found a bug is kept as a
/// named test instead).
pub(crate) fn proptest_config(default: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: cases(default),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
