//! git hooks that make attribution prompt: where git looks for them
//! (`core.hooksPath`, else `<common git dir>/hooks`), and installing,
//! recognising and removing git-session's `prepare-commit-msg` and
//! `post-commit` scripts without losing a hook that was there before.
//!
//! A hook that was there is moved aside to `<name>.pre-git-session` (same
//! bytes, same mode: a rename) and run first by our script with the same
//! arguments and stdin; its exit status is the hook's. Our part never fails:
//! the binary's errors are swallowed and at most one warning line is printed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Store;
use crate::error::fail_with_hint;

/// The hooks `hooks install` installs.
pub(crate) const HOOK_NAMES: [&str; 2] = ["prepare-commit-msg", "post-commit"];

/// The hook `remote setup` installs: it pushes the sessions shared with a
/// remote, scanned like any session push, along with plain `git push`.
pub(crate) const PRE_PUSH: &str = "pre-push";

/// The hook `hooks install --verify` adds: it checks the staged change
/// against the current intent's scope (`session.verify`).
pub(crate) const VERIFY_HOOK: &str = "commit-msg";

/// The exit status by which `git-session hook commit-msg` asks its script
/// to stop the commit. Any other status — ours failing, a crash, a missing
/// binary — lets the commit through: the check never blocks on our failure.
pub const BLOCK_STATUS: i32 = 10;

/// Every hook git-session may have installed.
pub(crate) const ALL_HOOKS: [&str; 4] = ["prepare-commit-msg", VERIFY_HOOK, "post-commit", PRE_PUSH];

/// The line that marks a script as git-session's.
const MARKER: &str =
    "# git-session hook (installed by `git session hooks install`; `git session hooks uninstall` removes it)";

/// Suffix of a hook that was there before ours and that ours runs first.
pub const CHAINED_SUFFIX: &str = ".pre-git-session";

/// What one hook file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HookState {
    /// No file.
    Absent,
    /// Ours, calling `binary`; `chained` when a previous hook runs first.
    Ours { binary: PathBuf, chained: bool },
    /// Somebody else's.
    Foreign,
}

/// What `install` or `uninstall` did to one hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HookChange {
    Unchanged,
    Written,
    /// Written, and the hook that was there now runs first from `<name>.pre-git-session`.
    Chained,
    Removed,
    /// Removed, and the hook that was there before is back.
    Restored,
    /// Not ours; left alone.
    Foreign,
}

impl Store {
    /// The directory git runs hooks from: `core.hooksPath` (`~/` expanded,
    /// relative to the work tree's top as git runs hooks there, or to the git
    /// dir in a bare repository), else `<common git dir>/hooks`.
    pub(crate) fn hooks_dir(&self) -> PathBuf {
        let config = self.repo.config_snapshot();
        let Some(value) = config
            .string("core.hooksPath")
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty())
        else {
            return self.repo.common_dir().join("hooks");
        };
        let path = match value.strip_prefix("~/") {
            Some(rest) => {
                std::env::var_os("HOME").map_or_else(|| PathBuf::from(&value), |h| PathBuf::from(h).join(rest))
            }
            None => PathBuf::from(&value),
        };
        if path.is_absolute() {
            return path;
        }
        match self.repo.workdir() {
            Some(top) => top.join(path),
            None => self.repo.git_dir().join(path),
        }
    }

    /// What `dir/name` is.
    pub(crate) fn hook_state(&self, dir: &Path, name: &str) -> HookState {
        hook_state(dir, name)
    }

    /// Installs our `name` hook in `dir`, running `binary`. Installing again
    /// rewrites only a script whose binary path changed.
    pub(crate) fn install_hook(&self, dir: &Path, name: &str, binary: &Path) -> Result<HookChange> {
        let path = dir.join(name);
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let script = hook_script(name, binary);
        let mut change = HookChange::Written;
        match hook_state(dir, name) {
            HookState::Ours { .. } => {
                if std::fs::read(&path).ok().as_deref() == Some(script.as_bytes()) {
                    return Ok(HookChange::Unchanged);
                }
            }
            HookState::Foreign => {
                if std::fs::symlink_metadata(&chained).is_ok() {
                    return Err(fail_with_hint(
                        format!(
                            "cannot install the {name} hook: both {} and {} exist",
                            path.display(),
                            chained.display()
                        ),
                        format!("merge them by hand, or remove {}", chained.display()),
                    ));
                }
                std::fs::rename(&path, &chained).with_context(|| format!("cannot move {} aside", path.display()))?;
                change = HookChange::Chained;
            }
            HookState::Absent => {}
        }
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = dir.join(format!(".{name}.git-session.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &script).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(change)
    }

    /// Removes our `name` hook from `dir` and puts back the one it chained to.
    pub(crate) fn uninstall_hook(&self, dir: &Path, name: &str) -> Result<HookChange> {
        let path = dir.join(name);
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        match hook_state(dir, name) {
            HookState::Absent => Ok(HookChange::Unchanged),
            HookState::Foreign => Ok(HookChange::Foreign),
            HookState::Ours { .. } => {
                if std::fs::symlink_metadata(&chained).is_ok() {
                    std::fs::rename(&chained, &path)
                        .with_context(|| format!("cannot put {} back", chained.display()))?;
                    Ok(HookChange::Restored)
                } else {
                    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
                    Ok(HookChange::Removed)
                }
            }
        }
    }
}

fn hook_state(dir: &Path, name: &str) -> HookState {
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_err() {
        return HookState::Absent;
    }
    let Ok(text) = std::fs::read(&path) else {
        return HookState::Foreign;
    };
    let text = String::from_utf8_lossy(&text);
    if !text.lines().any(|l| l == MARKER) {
        return HookState::Foreign;
    }
    let binary = text
        .lines()
        .find_map(|l| l.strip_prefix("bin="))
        .map(|b| PathBuf::from(unquote(b)))
        .unwrap_or_default();
    let chained = std::fs::symlink_metadata(dir.join(format!("{name}{CHAINED_SUFFIX}"))).is_ok();
    HookState::Ours { binary, chained }
}

/// `'…'` shell quoting, as written by [`quote`].
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn unquote(text: &str) -> String {
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text);
    inner.replace(r"'\''", "'")
}

/// The script of hook `name`: run the hook that was there first (its exit
/// status counts), then `binary hook <name> "$@"`, whose failure never does.
///
/// A previous hook written for `sh` or `bash` is sourced by that shell with
/// `$0` still naming this hook, because some hook managers find the user's
/// script from `$0` (Husky's `.husky/_/h` runs `.husky/$(basename "$0")`);
/// any other previous hook is run as a program.
fn hook_script(name: &str, binary: &Path) -> String {
    let bin = quote(&binary.to_string_lossy());
    let run_previous = r#"prev="$0.pre-git-session"
run_previous() {
    shell=
    read -r first < "$prev" || :
    case "$first" in
        '#!/bin/sh'|'#!/bin/sh '*|'#!/usr/bin/env sh'|'#!/usr/bin/env sh '*) shell=sh ;;
        '#!/bin/bash'|'#!/bin/bash '*|'#!/usr/bin/env bash'|'#!/usr/bin/env bash '*) shell=bash ;;
    esac
    if [ -n "$shell" ]; then
        GIT_SESSION_PREVIOUS_HOOK="$prev" "$shell" -c '. "$GIT_SESSION_PREVIOUS_HOOK"' "$0" "$@"
    else
        "$prev" "$@"
    fi
}
"#;
    // prepare-commit-msg and pre-push: a previous hook that fails stops
    // the commit or the push before ours runs; post-commit: ours runs
    // anyway, the commit is made.
    let chained = if name == "prepare-commit-msg" || name == VERIFY_HOOK || name == PRE_PUSH {
        "if [ -x \"$prev\" ]; then\n    run_previous \"$@\" || exit $?\nfi\nstatus=0\n"
    } else {
        "status=0\nif [ -x \"$prev\" ]; then\n    run_previous \"$@\"\n    status=$?\nfi\n"
    };
    // Ours never stops a commit, except the verify hook's deliberate
    // BLOCK_STATUS under `session.verify = block`; pre-push stops a push
    // whose sessions would carry a secret (nothing else of it fails the push).
    let ours = match name {
        PRE_PUSH => "|| exit $?".to_owned(),
        VERIFY_HOOK => format!("|| {{ [ $? -ne {BLOCK_STATUS} ] || exit 1; }}"),
        _ => "|| :".to_owned(),
    };
    format!(
        "#!/bin/sh\n{MARKER}\n# A hook that was here before runs first, from {name}{CHAINED_SUFFIX}.\n{run_previous}{chained}bin={bin}\nif [ -x \"$bin\" ]; then\n    \"$bin\" hook {name} \"$@\" </dev/null {ours}\nelse\n    echo \"warning: git-session hook: $bin is missing; run 'git session hooks install' again\" >&2\nfi\nexit $status\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        for s in ["/usr/bin/git-session", "/a b/it's/x"] {
            assert_eq!(unquote(&quote(s)), s);
        }
    }
}
