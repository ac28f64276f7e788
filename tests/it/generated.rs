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
            rendered.contains(&format!("\\fBgit session {verb}")),
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
