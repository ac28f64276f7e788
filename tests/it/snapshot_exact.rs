//! DESIGN.md invariant 2: a snapshot tree has the oid git writes for
//! `cp index tmp; GIT_INDEX_FILE=tmp git add -A; git write-tree`.

use std::path::Path;

use crate::harness::{event_of, Rng, TestRepo};

/// Records a checkpoint, intent or snapshot (in turn) and asserts its tree is git's.
fn assert_snapshot_exact(t: &TestRepo, round: usize, what: &str) {
    let (args, kind): (Vec<String>, &str) = match round % 3 {
        0 => (
            vec!["checkpoint".into(), "-m".into(), format!("round {round}")],
            "checkpoint",
        ),
        1 => (vec!["intent".into(), format!("round {round}")], "intent"),
        _ => (vec!["snapshot".into()], "snapshot"),
    };
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.push("--json");
    let before = t.user_state();
    let v = t.json(&args);
    t.user_state().assert_same(&before, &format!("round {round}"));
    let expected = t.oracle_tree();
    let got = event_of(&v, kind)["tree"].as_str().unwrap().to_owned();
    if got != expected {
        let diff = t.git(&["diff-tree", "-r", &expected, &got]);
        panic!("round {round} ({what}): snapshot {got} != git's {expected}:\n{diff}");
    }
}

#[test]
fn snapshots_of_a_mixed_work_tree_match_git() {
    let t = TestRepo::new();
    t.fixture("make_mixed_worktree.sh", &[]);
    let v = t.json(&["start", "--name", "mixed", "--json"]);
    assert_eq!(event_of(&v, "start")["tree"], t.oracle_tree().as_str());
    // The embedded repository is a gitlink at its HEAD.
    let tree = v["events"][0]["tree"].as_str().unwrap();
    let nested_head = t.git_in(&t.path("nested"), &["rev-parse", "HEAD"]);
    assert_eq!(
        t.git(&["ls-tree", tree, "nested"]),
        format!("160000 commit {nested_head}\tnested")
    );
    // Move the embedded repository on: the gitlink follows.
    t.write("nested/more.txt", "more\n");
    t.git_in(&t.path("nested"), &["add", "more.txt"]);
    t.git_in(&t.path("nested"), &["commit", "-q", "-m", "inner two"]);
    assert_snapshot_exact(&t, 0, "nested repository moved");
}

/// Random edits — modify, create, delete, chmod, symlinks, nested
/// directories, ignored files, file/directory swaps, same-size rewrites within
/// the same second, staging and committing — with a snapshot after each round.
#[test]
fn snapshots_match_git_through_random_edits() {
    let t = TestRepo::new();
    t.fixture("make_mixed_worktree.sh", &[]);
    t.ok(&["start", "--name", "random"]);
    let seed = 0x5eed_0001;
    let mut rng = Rng::new(seed);
    let dirs = [
        "",
        "src/",
        "src/deep/",
        "src/deep/er/still/",
        "docs/",
        "new/a/b/",
        "with space/",
        "target/",
        "build/",
    ];
    let names = [
        "a.txt", "b.rs", "c", "ünï.md", "x.log", "keep.txt", "main.rs", "lib.rs", "run.sh",
    ];
    for round in 0..30 {
        let mut log = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let rel = format!("{}{}", rng.pick(&dirs), rng.pick(&names));
            let path = t.path(&rel);
            let exists = path.symlink_metadata().is_ok();
            match rng.below(10) {
                0 | 1 => {
                    // create or overwrite with random content
                    if path.is_dir() {
                        t.remove(&rel);
                    }
                    let n = rng.below(40);
                    let text: String = (0..n).map(|_| char::from(b'a' + rng.below(26) as u8)).collect();
                    t.write(&rel, format!("{text}\n"));
                    log.push(format!("write {rel}"));
                }
                2 if exists => {
                    t.remove(&rel);
                    log.push(format!("remove {rel}"));
                }
                3 if path.is_file() && !path.symlink_metadata().unwrap().file_type().is_symlink() => {
                    let mode = if rng.below(2) == 0 { 0o755 } else { 0o644 };
                    t.chmod(&rel, mode);
                    log.push(format!("chmod {mode:o} {rel}"));
                }
                4 if !exists => {
                    let target = *rng.pick(&["README", "src/main.rs", "../docs", "nowhere", "src"]);
                    t.symlink(target, &rel);
                    log.push(format!("symlink {rel} -> {target}"));
                }
                5 => {
                    // Same size, same second: "aaaa" then "bbbb" with a snapshot between.
                    t.write(&rel, "aaaa");
                    assert_snapshot_exact(&t, round * 100 + 1, &format!("same-size {rel} (aaaa)"));
                    t.write(&rel, "bbbb");
                    log.push(format!("aaaa->bbbb {rel}"));
                }
                6 => {
                    // A directory where a file was (or the reverse).
                    let dir_rel = format!("{}{}", rng.pick(&dirs), "swap");
                    let p = t.path(&dir_rel);
                    if p.is_dir() && !p.symlink_metadata().unwrap().file_type().is_symlink() {
                        t.remove(&dir_rel);
                        t.write(&dir_rel, "now a file\n");
                    } else {
                        if p.symlink_metadata().is_ok() {
                            t.remove(&dir_rel);
                        }
                        t.write(&format!("{dir_rel}/inner.txt"), "now a directory\n");
                    }
                    log.push(format!("swap {dir_rel}"));
                }
                7 => {
                    t.git(&["add", "-A", "src"]);
                    log.push("git add -A src".into());
                }
                8 if rng.below(3) == 0 => {
                    t.git(&["add", "-A"]);
                    t.git(&["commit", "-q", "--allow-empty", "-m", &format!("round {round}")]);
                    log.push("git commit".into());
                }
                _ => {
                    let ignored = format!("{}junk-{round}.log", rng.pick(&dirs));
                    t.write(&ignored, "ignored\n");
                    log.push(format!("ignored {ignored}"));
                }
            }
        }
        assert_snapshot_exact(&t, round, &format!("seed {seed:#x}: {}", log.join("; ")));
    }
    t.fsck();
}

#[test]
fn snapshots_apply_attributes_eol_conversion_and_clean_filters() {
    let t = TestRepo::new();
    t.git(&["config", "filter.upper.clean", "tr a-z A-Z"]);
    t.git(&["config", "filter.upper.smudge", "cat"]);
    t.git(&["config", "core.autocrlf", "input"]);
    t.write(".gitattributes", "*.up filter=upper\n*.txt text\n*.bin binary\n");
    t.write("shout.up", "quiet words\n");
    t.write("dos.txt", "line one\r\nline two\r\n");
    t.write("raw.bin", "keep\r\nas is\r\n");
    t.write("auto.md", "autocrlf\r\n");
    t.ok(&["start", "--name", "filters"]);
    assert_snapshot_exact(&t, 0, "filters and eol");
    let tree = t.header()["latest_snapshot"].as_str().unwrap().to_owned();
    assert_eq!(t.git(&["show", &format!("{tree}:shout.up")]), "QUIET WORDS");
    assert_eq!(t.git(&["show", &format!("{tree}:dos.txt")]), "line one\nline two");
    t.write("shout.up", "louder\n");
    t.write("dos.txt", "changed\r\n");
    assert_snapshot_exact(&t, 1, "filters and eol, edited");
}

#[test]
fn snapshots_honour_core_filemode_false() {
    let t = TestRepo::new();
    t.write("script.sh", "#!/bin/sh\n");
    t.git(&["add", "script.sh"]);
    t.git(&["commit", "-q", "-m", "script"]);
    t.git(&["config", "core.fileMode", "false"]);
    t.ok(&["start", "--name", "filemode"]);
    t.chmod("script.sh", 0o755);
    t.write("new.sh", "#!/bin/sh\n");
    t.chmod("new.sh", 0o755);
    assert_snapshot_exact(&t, 0, "core.fileMode=false");
    let tree = t.header()["latest_snapshot"].as_str().unwrap().to_owned();
    assert!(
        t.git(&["ls-tree", &tree, "script.sh"]).starts_with("100644 "),
        "the exec bit is not trusted"
    );
}

#[test]
fn snapshots_of_an_unfinished_merge_match_git() {
    let t = TestRepo::new();
    t.fixture("make_conflict.sh", &[]);
    t.ok(&["start", "--name", "conflicted"]);
    assert_snapshot_exact(&t, 0, "unmerged index entries");
    t.write("conflict.txt", "resolved\n");
    assert_snapshot_exact(&t, 1, "conflict resolved in the work tree, not in the index");
    assert!(
        !t.git(&["ls-files", "-u"]).is_empty(),
        "the user's index is still conflicted"
    );
    assert!(Path::new(&t.dir.join(".git/MERGE_HEAD")).exists());
}

#[test]
fn snapshots_with_intent_to_add_and_deleted_files_match_git() {
    let t = TestRepo::new();
    t.write("ita.txt", "intent to add\n");
    t.git(&["add", "-N", "ita.txt"]);
    t.ok(&["start", "--name", "ita"]);
    assert_snapshot_exact(&t, 0, "intent-to-add entry");
    t.remove("README");
    t.remove("ita.txt");
    assert_snapshot_exact(&t, 1, "tracked and intent-to-add files deleted");
    // Everything deleted: the empty tree.
    let v = t.json(&["checkpoint", "--json"]);
    assert_eq!(
        event_of(&v, "checkpoint")["tree"],
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    );
}
