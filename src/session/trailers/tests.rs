//! Oracle tests: [`add_trailers`] against
//! `git interpret-trailers --no-divider --trailer …` on the same message.

use std::io::Write;
use std::process::{Command, Stdio};

use super::*;

fn oracle(message: &str, trailers: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("git");
    cmd.current_dir(tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .args(["interpret-trailers", "--no-divider"]);
    for (k, v) in trailers {
        cmd.arg("--trailer").arg(format!("{k}: {v}"));
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn trailers_go_where_git_interpret_trailers_puts_them() {
    let t: &[(&str, &str)] = &[("Session-Id", "0190abcd"), ("Session-Intent", "extract the parser")];
    let cases = [
        "subject\n",
        "subject\n\nbody line\n",
        "subject\n\nbody\n\nSigned-off-by: A U Thor <a@example.com>\n",
        "subject\n\nFixes: #12\nReviewed-by: B\n",
        "subject\n\nFixes: #12\n  continued on a second line\n",
        "subject\n\nbody\nKey: value but mixed with prose\n",
        "subject\n\nprose line\nmore prose\nthird\nSigned-off-by: A <a@x>\n",
        "subject\n\nSigned-off-by: A <a@x>\n\n# Please enter the commit message.\n# Lines starting with '#' are ignored.\n",
        "subject\n\n\n\n",
        "subject\nsecond title line\n",
        "Key: value as title\n",
        "",
        "\n# Please enter the commit message for your changes.\n#\n",
        "subject\n\nbody\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n",
    ];
    for message in cases {
        let ours = add_trailers(message, t, "#").expect("something added");
        assert_eq!(ours, oracle(message, t), "message {message:?}");
    }
}

#[test]
fn present_trailers_are_never_added_twice() {
    let t: &[(&str, &str)] = &[("Session-Id", "0190abcd")];
    assert_eq!(add_trailers("subject\n\nSession-Id: 0190abcd\n", t, "#"), None);
    // A squash message quotes the squashed commits' messages, indented.
    let squash = "Squashed commit of the following:\n\ncommit 1234\n\n    feat: a\n\n    Session-Id: 0190abcd\n";
    assert_eq!(add_trailers(squash, t, "#"), None);
    let other = add_trailers("subject\n\nSession-Id: 0190ffff\n", t, "#").expect("a different session");
    assert_eq!(other, "subject\n\nSession-Id: 0190ffff\nSession-Id: 0190abcd\n");
    assert_eq!(trailer_values(squash, "session-id"), ["0190abcd"]);
}
