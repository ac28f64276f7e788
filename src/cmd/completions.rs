//! `git session completions`: shell completion scripts.
//!
//! The scripts register clap_complete's dynamic engine: on each <TAB> the
//! shell runs `COMPLETE=<shell> git-session -- <words>` (found through
//! PATH, so an upgraded or moved binary keeps working), which answers with
//! subcommands, options, and values read from the repository — session
//! names, checkpoint labels and intents, remotes. Each script also hooks
//! into git's own completion, so `git session <TAB>` completes as
//! `git-session <TAB>` does: bash's git completion calls `_git_session`,
//! zsh's calls `_git-session`, and fish gets a completion for `git` after
//! `session`.

use anyhow::Result;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

/// The shells completion scripts are made for.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

/// Arguments of `git session completions` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    pub shell: Shell,
}

use crate::cli::{COMPLETE_PROGRAM as PROGRAM, COMPLETE_VAR as VAR};

/// `git session <TAB>` in bash: git's completion calls `_git_session` with
/// its own `words` and `cword`; it asks as if `git-session` was typed.
const BASH_GIT: &str = r#"
_git_session() {
    local i at=-1
    for ((i = 1; i < ${#words[@]}; i++)); do
        if [[ ${words[i]} == session ]]; then
            at=$i
            break
        fi
    done
    ((at < 0)) && return
    local COMP_WORDS=("git-session" "${words[@]:at+1}")
    local COMP_CWORD=$((cword - at))
    _clap_complete_git_session git-session "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
}
"#;

/// `git session <TAB>` in zsh: git's completion calls `_git-session` with
/// `words` starting at the subcommand.
const ZSH_GIT: &str = r#"
function _git-session() {
    local -a words=("git-session" "${(@)words[2,-1]}")
    _clap_dynamic_completer_git_session
}
"#;

/// `git session <TAB>` in fish: the words after `git session`, asked as if
/// `git-session` was typed.
const FISH_GIT: &str = r#"complete --keep-order --exclusive --command git --condition '__fish_seen_subcommand_from session' --arguments "(COMPLETE=fish git-session -- git-session (commandline --current-process --tokenize --cut-at-cursor)[3..-1] (commandline --current-token))"
"#;

pub(crate) fn run(args: &Args) -> Result<()> {
    let shell: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::Powershell => &Powershell,
    };
    let mut buf = Vec::new();
    shell.write_registration(VAR, PROGRAM, PROGRAM, PROGRAM, &mut buf)?;
    match args.shell {
        Shell::Bash => buf.extend_from_slice(BASH_GIT.as_bytes()),
        Shell::Zsh => buf.extend_from_slice(ZSH_GIT.as_bytes()),
        Shell::Fish => buf.extend_from_slice(FISH_GIT.as_bytes()),
        _ => {}
    }
    crate::render::out(&String::from_utf8_lossy(&buf));
    Ok(())
}
