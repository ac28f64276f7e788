//! Shell completion as a git user meets it (issue 11): `git session <TAB>`
//! through git's own completion script in bash, and through fish's and
//! zsh's, with subcommands, their options, and names read from the
//! repository (sessions, checkpoint labels, remotes).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{TestRepo, BIN};

/// git's bash completion script, as Debian installs it.
const GIT_BASH_COMPLETION: &str = "/usr/share/bash-completion/completions/git";

/// A directory holding `git-session`, to put first in PATH.
fn bin_dir() -> PathBuf {
    Path::new(BIN).parent().unwrap().to_owned()
}

/// Whether a shell is here; CI installs them and sets
/// `GIT_SESSION_TEST_SHELLS=require`, so there a missing one fails.
fn have(shell: &str) -> bool {
    let found = Command::new(shell).arg("-c").arg("exit 0").output().is_ok();
    if !found && std::env::var("GIT_SESSION_TEST_SHELLS").as_deref() == Ok("require") {
        panic!("{shell} is required by GIT_SESSION_TEST_SHELLS=require");
    }
    if !found {
        eprintln!("note: {shell} is not installed; its completion test checks nothing here");
    }
    found
}

/// A repository with two sessions, a checkpoint and a remote.
fn repo() -> TestRepo {
    let t = TestRepo::new();
    t.git(&["remote", "add", "upstream", "file:///nowhere"]);
    t.ok(&["start", "--name", "parser-rewrite"]);
    t.write("a.txt", "x\n");
    t.ok(&["checkpoint", "-m", "lexer compiles"]);
    t.ok(&["start", "--name", "docs-pass"]);
    t
}

/// Runs `script` in `shell` in the repository, with `git-session` first in PATH.
fn shell(t: &TestRepo, shell: &str, script: &str) -> String {
    let mut cmd = Command::new(shell);
    t.seal(&mut cmd);
    let path = format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    cmd.env("PATH", path).current_dir(&t.dir).arg("-c").arg(script);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{shell}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What bash offers for `line` typed after `git`, through git's completion.
fn bash_completes(t: &TestRepo, line: &str) -> Vec<String> {
    let script = format!(
        r#"
source {GIT_BASH_COMPLETION}
eval "$(git-session completions bash)"
COMP_LINE={line:?}
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
COMP_TYPE=9
COMPREPLY=()
__git_wrap__git_main git "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#
    );
    shell(t, "bash", &script).lines().map(str::to_owned).collect()
}

#[test]
fn bash_completes_git_session_through_gits_completion() {
    assert!(
        Path::new(GIT_BASH_COMPLETION).exists(),
        "git's bash completion script is missing at {GIT_BASH_COMPLETION}"
    );
    let t = repo();
    assert!(
        bash_completes(&t, "git sess").iter().any(|w| w.trim() == "session"),
        "git lists the subcommand"
    );
    assert_eq!(bash_completes(&t, "git session checkp"), ["checkpoint"]);
    assert!(bash_completes(&t, "git session checkpoint --m").contains(&"--message".to_owned()));
    let sessions = bash_completes(&t, "git session resume ");
    assert!(
        sessions.contains(&"parser-rewrite".to_owned()) && sessions.contains(&"docs-pass".to_owned()),
        "{sessions:?}"
    );
    assert_eq!(bash_completes(&t, "git session show pars"), ["parser-rewrite"]);
    let points = bash_completes(&t, "git -c color.ui=never session -s parser-rewrite rewind ");
    assert!(points.contains(&"start".to_owned()), "{points:?}");
    let labels = bash_completes(&t, "git session -s parser-rewrite rewind lex");
    assert_eq!(labels, ["lexer compiles"]);
    assert_eq!(bash_completes(&t, "git session push up"), ["upstream"]);
}

#[test]
fn fish_completes_git_session() {
    if !have("fish") {
        return;
    }
    let t = repo();
    let out = shell(
        &t,
        "fish",
        r#"git-session completions fish | source
complete -C "git session checkp"
echo ==
complete -C "git session resume docs"
echo ==
complete -C "git session checkpoint --me""#,
    );
    let parts: Vec<&str> = out.split("==\n").collect();
    assert!(parts[0].starts_with("checkpoint\t"), "{out}");
    assert!(parts[1].starts_with("docs-pass\t"), "{out}");
    assert!(parts[2].starts_with("--message\t"), "{out}");
}

#[test]
fn zsh_hooks_into_gits_completion_and_asks_the_binary() {
    if !have("zsh") {
        return;
    }
    let t = repo();
    let out = shell(
        &t,
        "zsh",
        "autoload -U compinit && compinit -u && source <(git-session completions zsh) && whence -w _git-session _clap_dynamic_completer_git_session",
    );
    assert!(out.contains("_git-session: function"), "{out}");
    assert!(out.contains("_clap_dynamic_completer_git_session: function"), "{out}");
    // What `_git-session` asks for `git session resume pa<TAB>`: the words
    // from `git-session`, the index of the word being completed.
    let mut cmd = t.cmd(&["--", "git-session", "resume", "pa"]);
    cmd.env("COMPLETE", "zsh").env("_CLAP_COMPLETE_INDEX", "2");
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("parser-rewrite")), "{text}");
}
