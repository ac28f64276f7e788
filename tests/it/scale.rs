//! Many sessions (issue 13, "Scale"): the name index that lets `start`,
//! `fork` and `rename` check uniqueness without listing every session stays
//! right whoever changes the refs, and a fetch of one session from a
//! remote with many asks for, and receives, that one session only.

use std::path::{Path, PathBuf};

use crate::harness::TestRepo;

/// Plants `n` sessions named `s<first>`… beside the one real session
/// `template` of `dir` (started when absent), with `git fast-import`: each
/// a copy of the template's start event with its own id and name. Returns
/// their ids.
fn plant_sessions(t: &TestRepo, dir: &Path, first: usize, n: usize) -> Vec<String> {
    let template = match t.git_in(dir, &["for-each-ref", "--format=%(refname)", "refs/aura/sessions"]) {
        refs if !refs.is_empty() => refs.lines().next().unwrap().to_owned(),
        _ => {
            t.ok_in(dir, &["start", "--name", "template"]);
            t.git_in(dir, &["for-each-ref", "--format=%(refname)", "refs/aura/sessions"])
        }
    };
    let sid = template.rsplit('/').next().unwrap().to_owned();
    let session = t.git_in(dir, &["show", &format!("{template}:session.json")]);
    let event = t.git_in(dir, &["show", &format!("{template}:event.json")]);
    let message = t.git_in(dir, &["log", "-1", "--format=%B", &template]);
    let parents = t.git_in(dir, &["rev-parse", &format!("{template}^@")]);
    let worktree = t.git_in(dir, &["rev-parse", &format!("{template}:worktree")]);
    let old_name = format!(
        "\"name\": \"{}\"",
        serde_json::from_str::<serde_json::Value>(&session).unwrap()["name"]
            .as_str()
            .unwrap()
    );
    let mut stream = String::new();
    let mut ids = Vec::new();
    for i in first..first + n {
        let id = format!("{}{i:012x}", &sid[..20]);
        let name = format!("\"name\": \"s{i}\"");
        let blobs = [
            session.replace(&sid, &id).replace(&old_name, &name),
            event.replace(&old_name, &name),
        ];
        for (k, blob) in blobs.iter().enumerate() {
            stream.push_str(&format!("blob\nmark :{}\ndata {}\n{blob}\n", 2 * i + k + 1, blob.len()));
        }
        let msg = message.replace(&sid, &id);
        stream.push_str(&format!(
            "commit refs/aura/sessions/{id}\ncommitter Ada Tester <ada@example.com> 1796000000 +0000\ndata {}\n{msg}\n",
            msg.len()
        ));
        for (k, parent) in parents.lines().enumerate() {
            stream.push_str(&format!("{} {parent}\n", if k == 0 { "from" } else { "merge" }));
        }
        stream.push_str(&format!(
            "deleteall\nM 100644 :{} session.json\nM 100644 :{} event.json\nM 040000 {worktree} worktree\n\n",
            2 * i + 1,
            2 * i + 2
        ));
        ids.push(id);
    }
    t.git_input_in(dir, &["fast-import", "--quiet"], stream.as_bytes());
    ids
}

/// Whether `start --name NAME` refuses the name; a session it starts is
/// deleted again (with plain git, behind the index's back), so asking
/// changes nothing.
fn name_is_taken(t: &TestRepo, dir: &Path, name: &str) -> bool {
    let out = t.run_in(dir, &["start", "--name", name, "--json"]);
    match out.status.code() {
        Some(0) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let id = v["session"].as_str().unwrap();
            t.git_in(dir, &["update-ref", "-d", &format!("refs/aura/sessions/{id}")]);
            false
        }
        Some(1) => {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("taken") || err.contains("already"), "{err}");
            true
        }
        other => panic!(
            "start --name {name}: exit {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn session_ref(id: &str) -> String {
    format!("refs/aura/sessions/{id}")
}

#[test]
fn names_stay_unique_without_case_through_renames_and_many_sessions() {
    let t = TestRepo::new();
    plant_sessions(&t, &t.dir, 0, 300);
    assert!(name_is_taken(&t, &t.dir, "s17"), "a planted name");
    assert!(name_is_taken(&t, &t.dir, "S299"), "names differing by case are one");
    assert!(!name_is_taken(&t, &t.dir, "Review"));
    t.ok(&["start", "--name", "Review"]);
    assert!(name_is_taken(&t, &t.dir, "review"), "the session just started");
    t.ok(&["rename", "Review", "audit"]);
    assert!(
        !name_is_taken(&t, &t.dir, "review"),
        "the old name is free after a rename"
    );
    assert!(name_is_taken(&t, &t.dir, "AUDIT"));
    t.ok(&["rename", "s17", "Seventeen"]);
    assert!(name_is_taken(&t, &t.dir, "seventeen"));
    assert!(!name_is_taken(&t, &t.dir, "s17"));
    let out = t.run(&["rename", "s18", "audit"]);
    assert_eq!(out.status.code(), Some(1), "rename onto a taken name is refused");
    // A fork's default name and an explicit one are checked the same way.
    t.ok(&["resume", "s20"]);
    let out = t.run(&["fork", "--name", "S21"]);
    assert_eq!(out.status.code(), Some(1), "fork onto a taken name is refused");
}

#[test]
fn refs_changed_behind_our_back_are_seen_loose_and_packed() {
    let t = TestRepo::new();
    let ids = plant_sessions(&t, &t.dir, 0, 50);
    let s3 = session_ref(&ids[3]);
    let before = t.git(&["rev-parse", &s3]);
    assert!(name_is_taken(&t, &t.dir, "s3"));

    // Renamed, then put back with plain git: the old name is taken again.
    t.ok(&["rename", "s3", "three"]);
    assert!(!name_is_taken(&t, &t.dir, "s3"));
    t.git(&["update-ref", &s3, &before]);
    assert!(
        name_is_taken(&t, &t.dir, "s3"),
        "a loose ref moved back by git update-ref"
    );
    assert!(!name_is_taken(&t, &t.dir, "three"));

    // The same through packed-refs.
    t.git(&["pack-refs", "--all"]);
    assert!(name_is_taken(&t, &t.dir, "s3"));
    t.ok(&["rename", "s3", "drei"]);
    let renamed = t.git(&["rev-parse", &s3]);
    t.git(&["pack-refs", "--all"]);
    assert!(name_is_taken(&t, &t.dir, "drei"), "packed after the rename");
    t.git(&["update-ref", &s3, &before]);
    t.git(&["pack-refs", "--all"]);
    assert!(name_is_taken(&t, &t.dir, "s3"), "moved back and packed");
    assert!(!name_is_taken(&t, &t.dir, "drei"));
    assert_ne!(renamed, before);

    // Deleted with plain git: the name is free.
    let s4 = session_ref(&ids[4]);
    assert!(name_is_taken(&t, &t.dir, "s4"));
    t.git(&["update-ref", "-d", &s4]);
    assert!(
        !name_is_taken(&t, &t.dir, "s4"),
        "a deleted packed session names nothing"
    );
    // A session planted by plumbing after the index was written.
    plant_sessions(&t, &t.dir, 1000, 3);
    assert!(name_is_taken(&t, &t.dir, "s1001"));
}

#[test]
fn a_damaged_name_index_is_rebuilt_never_trusted() {
    let t = TestRepo::new();
    let ids = plant_sessions(&t, &t.dir, 0, 40);
    assert!(name_is_taken(&t, &t.dir, "s5"));
    let aura = t.dir.join(".git/aura");
    let names = aura.join("names");
    let state = aura.join("names.state");
    assert!(names.is_file() && state.is_file(), "the index is written");

    // Every byte of the records changed, the header and the size kept.
    let mut bytes = std::fs::read(&names).unwrap();
    let header = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    for b in &mut bytes[header..] {
        if b.is_ascii_hexdigit() {
            *b = b'0';
        }
    }
    std::fs::write(&names, &bytes).unwrap();
    assert!(name_is_taken(&t, &t.dir, "s6"), "zeroed records");
    assert!(name_is_taken(&t, &t.dir, "s7"));

    // A state whose lines were edited (an overlay saying s8 has no name).
    let text = std::fs::read_to_string(&state).unwrap();
    let id = &ids[8];
    let forged = text.replace("\ncheck ", &format!("\nover {id} -\ncheck "));
    std::fs::write(&state, forged).unwrap();
    assert!(name_is_taken(&t, &t.dir, "s8"), "an edited state");

    for garbage in [&b""[..], b"git-session names v1 x\n", b"\xff\xfe nonsense \n"] {
        std::fs::write(&names, garbage).unwrap();
        std::fs::write(&state, garbage).unwrap();
        assert!(name_is_taken(&t, &t.dir, "s9"), "garbage {garbage:?}");
    }
    std::fs::remove_file(&names).unwrap();
    assert!(name_is_taken(&t, &t.dir, "s10"), "a missing index");
}

/// A clone of `url` at `<root>/b`, with its own identity.
fn clone_b(t: &TestRepo, url: &str) -> PathBuf {
    let b = t.root.join("b");
    t.git(&["clone", "-q", url, b.to_str().unwrap()]);
    t.git_in(&b, &["config", "user.name", "Bo Clone"]);
    t.git_in(&b, &["config", "user.email", "bo@example.com"]);
    b
}

/// A bare remote holding `n` planted sessions (and `main`); returns its path
/// and the ids.
fn remote_with_sessions(t: &TestRepo, n: usize) -> (PathBuf, Vec<String>) {
    let ids = plant_sessions(t, &t.dir, 0, n);
    let bare = t.root.join("many.git");
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&[
        "push",
        "-q",
        bare.to_str().unwrap(),
        "main",
        "refs/aura/sessions/*:refs/aura/sessions/*",
    ]);
    t.git_in(&bare, &["pack-refs", "--all"]);
    (bare, ids)
}

#[test]
fn a_fetch_of_one_session_from_a_remote_with_many_asks_for_and_gets_that_one() {
    let t = TestRepo::new();
    let (bare, ids) = remote_with_sessions(&t, 300);
    let url = format!("file://{}", bare.display());
    let b = clone_b(&t, &url);
    let before = t.git_in(&b, &["count-objects", "-v"]);
    let trace = t.root.join("trace");
    let wanted = &ids[150];
    let mut cmd = t.cmd_in(&b, &["fetch", &url, wanted]);
    cmd.env("GIT_TRACE_PACKET", &trace);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The remote advertised one session ref (ls-refs with its name as the prefix).
    let trace = std::fs::read_to_string(&trace).unwrap();
    let advertised: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains("upload-pack>") && l.contains(" refs/aura/sessions/"))
        .collect();
    assert_eq!(advertised.len(), 1, "advertised: {advertised:#?}");
    assert!(advertised[0].ends_with(wanted.as_str()), "{}", advertised[0]);
    assert!(
        trace.contains(&format!("ref-prefix refs/aura/sessions/{wanted}")),
        "the request names the ref"
    );

    // One remote-tracking ref and one session here.
    let tracking = t.git_in(&b, &["for-each-ref", "--format=%(refname)", "refs/aura/remotes"]);
    assert_eq!(tracking.lines().count(), 1, "{tracking}");
    let local = t.git_in(&b, &["for-each-ref", "--format=%(refname)", "refs/aura/sessions"]);
    assert_eq!(local, format!("refs/aura/sessions/{wanted}"));
    // And the objects of that session only: its commit and its two blobs
    // (the snapshot and the anchor came with the clone).
    let objects = t.git_in(
        &b,
        &[
            "rev-list",
            "--objects",
            "--all",
            "--not",
            "refs/heads/main",
            "refs/remotes/origin/main",
        ],
    );
    let count = objects.lines().count();
    assert!(count <= 4, "objects beyond main: {objects}");
    let after = t.git_in(&b, &["count-objects", "-v"]);
    assert_ne!(before, after);
    // The fetched session's name is taken here now, a planted name it does not bear is not.
    assert!(name_is_taken(&t, &b, "s150"));
    assert!(!name_is_taken(&t, &b, "s151"));
}

#[test]
fn a_fetch_that_brings_a_session_of_a_taken_name_keeps_names_unique() {
    let t = TestRepo::new();
    let (bare, ids) = remote_with_sessions(&t, 20);
    let url = format!("file://{}", bare.display());
    let b = clone_b(&t, &url);
    assert!(!name_is_taken(&t, &b, "fresh"), "a session of b, filling b's index");
    assert!(!name_is_taken(&t, &b, "s3"), "not fetched yet");
    t.ok_in(&b, &["start", "--name", "s3"]);
    t.ok_in(&b, &["fetch", &url, &ids[4]]);
    assert!(name_is_taken(&t, &b, "S4"), "a fetched session's name is taken");
    // b has its own s3 now; the remote's s3 merges in beside it.
    t.ok_in(&b, &["fetch", &url, &ids[3]]);
    let out = t.run_in(&b, &["show", "s3"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "two sessions named s3 name neither: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(name_is_taken(&t, &b, "s3"));
}

#[test]
fn list_remote_is_bounded() {
    let t = TestRepo::new();
    let (bare, _) = remote_with_sessions(&t, 150);
    let url = format!("file://{}", bare.display());
    let b = clone_b(&t, &url);
    t.ok_in(&b, &["fetch", "origin"]);
    let text = t.ok_in(&b, &["list", "--remote", "origin"]);
    assert_eq!(text.lines().filter(|l| l.contains(" s")).count(), 100, "{text}");
    assert!(text.contains("51 more"), "{text}");
    let all = t.ok_in(&b, &["list", "--remote", "origin", "--limit", "0"]);
    assert!(!all.contains(" more"), "{all}");
    let v = t.json_in(&b, &["list", "--remote", "origin", "--limit", "10", "--json"]);
    assert_eq!(v.as_array().unwrap().len(), 10);
}

#[test]
fn a_push_of_one_session_to_a_remote_with_many_lands_whole() {
    // More sessions than the push takes as the remote's haves (1,000).
    let t = TestRepo::new();
    let (bare, _) = remote_with_sessions(&t, 1100);
    let url = format!("file://{}", bare.display());
    let b = clone_b(&t, &url);
    t.ok_in(&b, &["start", "--name", "pushed"]);
    t.write_in(&b, "new.txt", "new work\n");
    t.ok_in(&b, &["checkpoint", "-m", "new work"]);
    let v = t.json_in(&b, &["push", &url, "pushed", "--json"]);
    assert_eq!(v["sessions"][0]["result"], "pushed", "{v}");
    let id = v["sessions"][0]["session"].as_str().unwrap();
    let there = t.git_in(&bare, &["rev-parse", &format!("refs/aura/sessions/{id}")]);
    assert_eq!(there, v["sessions"][0]["commit"].as_str().unwrap());
    let out = t.git_output_in(&bare, &["fsck", "--strict", "--no-dangling", "--no-progress"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
