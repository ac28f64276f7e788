//! Generated documentation cannot go stale (STYLE.md §9).

use std::path::Path;

use clap::CommandFactory;

use crate::harness::TestRepo;

#[test]
fn the_committed_man_page_is_current() {
    let t = TestRepo::bare_dir();
    let rendered = t.ok_in(&t.root, &["manpage"]);
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/git-session.1");
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(rendered.contains(".TH git-session 1"), "not a man page");
    if rendered != committed {
        let line = rendered
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(rendered.lines().count().min(committed.lines().count()));
        panic!(
            "man/git-session.1 is stale: run `cargo run -- manpage > man/git-session.1`\n(first difference at line {}: generated {:?}, committed {:?})",
            line + 1,
            rendered.lines().nth(line),
            committed.lines().nth(line)
        );
    }
    // Every visible subcommand is documented, by the name clap knows it by;
    // the hidden ones are not.
    let cli = git_session::cli::Cli::command();
    let (hidden, visible): (Vec<_>, Vec<_>) = cli.get_subcommands().partition(|c| c.is_hide_set());
    assert!(visible.len() > 20, "only {} visible subcommands", visible.len());
    for verb in visible.iter().map(|c| c.get_name()) {
        assert!(
            rendered.contains(&format!("\\fBgit session {}", verb.replace('-', "\\-"))),
            "man page lacks {verb}"
        );
    }
    assert!(!hidden.is_empty(), "`manpage` and `hook` are hidden");
    for verb in hidden.iter().map(|c| c.get_name()) {
        // `hook` is a prefix of the visible `hooks`: the name must end there.
        for heading in [format!("git session {verb} "), format!("git session {verb}\\fR")] {
            assert!(!rendered.contains(&heading), "man page documents the hidden {verb}");
        }
    }
    assert!(!rendered.contains("git session manpage"));
}

#[test]
fn completions_are_generated_for_each_shell() {
    // The scripts hand every <TAB> to the binary (dynamic completion, so
    // subcommands, their options and the repository's names complete);
    // tests/it/completion.rs drives them in the shells.
    let t = TestRepo::bare_dir();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = t.ok_in(&t.root, &["completions", shell]);
        assert!(script.contains("git-session"), "{shell}: {script}");
        assert!(
            script.contains("COMPLETE"),
            "{shell} completions do not ask the binary: {script}"
        );
    }
}

#[test]
fn the_man_page_and_completions_need_no_repository() {
    let t = TestRepo::bare_dir();
    let empty = t.root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    t.ok_in(&empty, &["manpage"]);
    t.ok_in(&empty, &["completions", "bash"]);
}

/// The README's Configuration table is `cli::CONFIG`, row for row, and every
/// `session.*` key the code reads is in it (so the man page documents it).
#[test]
fn the_readme_and_the_man_page_document_every_config_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| key | default | meaning |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want: Vec<String> = git_session::cli::CONFIG
        .iter()
        .map(|k| format!("| `{}` | {} | {} |", k.key, k.default, k.meaning))
        .collect();
    assert_eq!(rows, want, "README's Configuration table differs from cli::CONFIG");

    let mut read = std::collections::BTreeSet::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = std::fs::read_to_string(&path).unwrap();
                for piece in code.split("\"session.").skip(1) {
                    let key: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                    if piece[key.len()..].starts_with('"') && key != "json" {
                        read.insert(format!("session.{key}"));
                    }
                }
            }
        }
    }
    assert!(read.len() >= 5, "found only {read:?}");
    let t = TestRepo::bare_dir();
    let page = t.ok_in(&t.root, &["manpage"]);
    let configuration = page.split(".SH CONFIGURATION").nth(1).unwrap();
    for key in &read {
        assert!(
            git_session::cli::CONFIG.iter().any(|k| k.key == key),
            "{key} is read but not in cli::CONFIG"
        );
        assert!(configuration.contains(&format!(".TP\n{key}\n")), "man page lacks {key}");
    }
}

/// The documented one-line install: `git session install-man` puts the page
/// where `man` finds it through PATH, and `git help session` shows it.
#[test]
fn install_man_makes_man_and_git_help_find_the_page() {
    let t = TestRepo::new();
    let prefix = t.root.join("prefix");
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(crate::harness::BIN, bin.join("git-session")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = |program: &str, args: &[&str]| {
        let mut cmd = std::process::Command::new(program);
        t.seal(&mut cmd);
        cmd.args(args)
            .current_dir(&t.dir)
            .env("PATH", &path)
            .env_remove("MANPATH")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100");
        // A process that another test thread forks while the copy above
        // is open for writing holds that descriptor until it execs: the
        // copy is then briefly "busy" (ETXTBSY). Try again.
        let mut tries = 0;
        let out = loop {
            match cmd.output() {
                Err(err) if err.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other.unwrap(),
            }
        };
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let installed = run("git-session", &["install-man"]);
    let page = prefix.join("share/man/man1/git-session.1");
    assert_eq!(installed.trim(), page.display().to_string());
    assert_eq!(run("man", &["-w", "git-session"]).trim(), page.display().to_string());
    let shown = run("git", &["help", "session"]);
    assert!(shown.contains("Record work sessions as git objects"), "{shown}");
    assert!(shown.contains("session.autoPush"), "{shown}");

    // A DIR of one's own, as for MANPATH.
    let own = t.root.join("man");
    run("git-session", &["install-man", own.to_str().unwrap()]);
    assert!(own.join("man1/git-session.1").is_file());
}
