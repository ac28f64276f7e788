//! Commits and branch switches made with plain git during a session become
//! `commit` and `branch` events at the next command (DESIGN.md §3).

use crate::harness::{event_of, TestRepo};

#[test]
fn commits_made_with_git_appear_as_commit_events() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "commits"]);
    let id = t.current_id();
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "feat: add a", "-m", "with a body"]);
    let first = t.git(&["rev-parse", "HEAD"]);
    t.write("a.txt", "aa\n");
    t.git(&["commit", "-q", "-am", "fix: a again"]);
    let second = t.git(&["rev-parse", "HEAD"]);

    // status sees the pending moves but records nothing.
    let s = t.json(&["status", "--json"]);
    assert_eq!(s["unrecorded_reflog_entries"], 2);
    assert!(t
        .ok(&["status"])
        .contains("(2 HEAD move(s) not recorded yet; the next command records them)"));
    assert_eq!(t.kinds(&id), ["start"]);

    let v = t.json(&["note", "after two commits", "--json"]);
    let events = v["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["commit", "commit", "note"],
        "commits first, in order, then the note"
    );
    assert_eq!(events[0]["commit"], first.as_str());
    assert_eq!(events[0]["subject"], "feat: add a");
    assert_eq!(events[0]["head"], first.as_str());
    assert_eq!(events[1]["commit"], second.as_str());
    assert_eq!(events[1]["subject"], "fix: a again");
    let h = t.header();
    assert_eq!(h["counters"]["commits"], 2);
    assert_eq!(t.json(&["status", "--json"])["unrecorded_reflog_entries"], 0);

    // Recorded once: the next command adds no commit event.
    let again = t.json(&["note", "again", "--json"]);
    assert_eq!(again["events"].as_array().unwrap().len(), 1);

    // amend counts as a commit too.
    t.git(&["commit", "-q", "--amend", "-m", "fix: a, amended"]);
    let amended = t.git(&["rev-parse", "HEAD"]);
    let v = t.json(&["checkpoint", "--json"]);
    assert_eq!(event_of(&v, "commit")["commit"], amended.as_str());
    assert_eq!(event_of(&v, "commit")["subject"], "fix: a, amended");
    // The user's commits stay reachable from the session (anchors).
    for c in [&first, &second, &amended] {
        t.git(&["merge-base", "--is-ancestor", c, &format!("refs/aura/sessions/{id}")]);
    }
    t.fsck();
}

#[test]
fn branch_switches_appear_as_branch_events() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "branches"]);
    t.git(&["checkout", "-q", "-b", "other"]);
    let v = t.json(&["note", "on other", "--json"]);
    let b = event_of(&v, "branch");
    assert_eq!(b["from"], "main");
    assert_eq!(b["to"], "other");
    assert_eq!(b["branch"], "other");
    assert_eq!(t.header()["branch"], "other");
    t.git(&["switch", "-q", "main"]);
    t.write("m.txt", "m\n");
    t.git(&["add", "m.txt"]);
    t.git(&["commit", "-q", "-m", "on main"]);
    let v = t.json(&["note", "back", "--json"]);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["branch", "commit", "note"]);
    assert_eq!(v["events"][0]["to"], "main");
    assert_eq!(t.header()["branch"], "main");
    assert!(t.ok(&["log"]).contains("branch main → other"), "{}", t.ok(&["log"]));
}

/// Commits made while the session is current are recorded even when the
/// next command is `resume` of that same session.
#[test]

fn resume_of_the_current_session_keeps_the_commits_made_before_it() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "resumed"]);
    let id = t.current_id();
    t.write("a.txt", "a\n");
    t.git(&["add", "a.txt"]);
    t.git(&["commit", "-q", "-m", "made before resume"]);
    t.ok(&["resume", "resumed"]);
    t.ok(&["note", "after"]);
    assert_eq!(t.kinds(&id), ["start", "commit", "resume", "note"]);
}

/// Commits are attributed to the session of the work tree they were made in.
#[test]
fn commits_in_another_work_tree_are_not_attributed() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "main-work"]);
    let id = t.current_id();
    let wt = t.root.join("wt");
    t.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    std::fs::write(wt.join("w.txt"), "w\n").unwrap();
    t.git_in(&wt, &["add", "w.txt"]);
    t.git_in(&wt, &["commit", "-q", "-m", "in the other work tree"]);
    t.ok(&["note", "here"]);
    assert_eq!(t.kinds(&id), ["start", "note"]);
}

#[test]
fn merges_cherry_picks_and_rebases_are_commits_but_resets_are_not() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "history"]);
    let id = t.current_id();
    let commit = |file: &str, subject: &str| -> String {
        t.write(file, subject);
        t.git(&["add", file]);
        t.git(&["commit", "-q", "-m", subject]);
        t.git(&["rev-parse", "HEAD"])
    };
    t.git(&["checkout", "-q", "-b", "topic"]);
    let topic = commit("t.txt", "topic work");
    t.git(&["checkout", "-q", "main"]);
    let main_work = commit("m.txt", "main work");
    t.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    let merge = t.git(&["rev-parse", "HEAD"]);
    t.git(&["reset", "-q", "--hard", "HEAD~1"]);
    t.git(&["cherry-pick", &topic]);
    let picked = t.git(&["rev-parse", "HEAD"]);
    t.git(&["checkout", "-q", "topic"]);
    let topic_two = commit("t2.txt", "topic two");
    t.git(&["rebase", "-q", "main"]);
    let rebased = t.git(&["rev-parse", "HEAD"]);
    t.ok(&["note", "history made"]);

    let events = t.events(&id);
    let commits: Vec<(&str, &str)> = events
        .iter()
        .filter(|(_, e)| e["kind"] == "commit")
        .map(|(_, e)| (e["commit"].as_str().unwrap(), e["subject"].as_str().unwrap()))
        .collect();
    assert_eq!(
        commits,
        [
            (topic.as_str(), "topic work"),
            (main_work.as_str(), "main work"),
            (merge.as_str(), "merge topic"),
            (picked.as_str(), "topic work"),
            (topic_two.as_str(), "topic two"),
            (rebased.as_str(), "topic two"),
        ]
    );
    let branches: Vec<(&str, &str)> = events
        .iter()
        .filter(|(_, e)| e["kind"] == "branch")
        .map(|(_, e)| (e["from"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(branches, [("main", "topic"), ("topic", "main"), ("main", "topic")]);
    assert_eq!(t.header()["counters"]["commits"], 6);
    t.fsck();
}

/// Work squash-merged on a forge comes back with a pull; the squash commit
/// quotes the session's `Session-Id` trailer, so it is attributed, while the
/// other pulled commits are not.
#[test]
fn a_pulled_squash_merge_carrying_the_trailer_is_attributed() {
    let t = TestRepo::new();
    let bare = t.root.join("forge.git");
    t.git(&["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
    t.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    t.git(&["push", "-q", "-u", "origin", "main"]);
    t.ok(&["start", "--name", "forge"]);
    let id = t.current_id();

    // On the forge: somebody else's commit, then the squash of the session's PR.
    let other = t.root.join("other");
    t.git(&["clone", "-q", bare.to_str().unwrap(), other.to_str().unwrap()]);
    t.git_in(&other, &["config", "user.name", "Forge"]);
    t.git_in(&other, &["config", "user.email", "forge@example.com"]);
    t.write_in(&other, "theirs.txt", "theirs\n");
    t.git_in(&other, &["add", "theirs.txt"]);
    t.git_in(&other, &["commit", "-q", "-m", "unrelated work"]);
    t.write_in(&other, "ours.txt", "the session's work\n");
    t.git_in(&other, &["add", "ours.txt"]);
    let message = format!("Add ours (#7)\n\n* first step\n\nSession-Id: {id}\n\n* second step\n\nSession-Id: {id}\n");
    t.git_in(&other, &["commit", "-q", "-m", &message]);
    t.git_in(&other, &["push", "-q", "origin", "main"]);

    t.git(&["pull", "-q", "--ff-only"]);
    t.ok(&["note", "after the pull"]);
    let commits: Vec<serde_json::Value> = t
        .events(&id)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e["kind"] == "commit")
        .collect();
    assert_eq!(commits.len(), 1, "{commits:?}");
    assert_eq!(commits[0]["subject"], "Add ours (#7)");
    assert_eq!(commits[0]["attributed_by"], "trailer");
}

/// `git merge --squash` without hooks: the message quotes the squashed
/// commits, and those the session recorded tie the squash commit to them.
#[test]
fn a_squash_merge_without_trailers_names_the_sessions_commits() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "squashy"]);
    let id = t.current_id();
    t.git(&["switch", "-q", "-c", "topic"]);
    t.write("one.txt", "1\n");
    t.git(&["add", "one.txt"]);
    t.git(&["commit", "-q", "-m", "one"]);
    t.write("two.txt", "2\n");
    t.git(&["add", "two.txt"]);
    t.git(&["commit", "-q", "-m", "two"]);
    t.ok(&["note", "topic done"]);
    let topic: Vec<String> = t.git(&["rev-list", "main..topic"]).lines().map(str::to_owned).collect();
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--squash", "topic"]);
    t.git(&["commit", "-q", "--no-edit"]);
    t.ok(&["note", "squashed"]);
    let last = t
        .events(&id)
        .into_iter()
        .map(|(_, e)| e)
        .rfind(|e| e["kind"] == "commit")
        .unwrap();
    assert_eq!(last["attributed_by"], "squash", "{last}");
    let mut squashed: Vec<String> = last["squashed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    squashed.sort();
    let mut topic = topic;
    topic.sort();
    assert_eq!(squashed, topic);
}
