//! DESIGN.md invariant 4: appends are atomic and lose nothing, even when
//! several processes append to one session at once.

use std::collections::HashSet;

use crate::harness::{assert_status, TestRepo};

#[test]
fn four_writers_appending_fifty_notes_each_all_land() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "busy"]);
    let id = t.current_id();
    std::thread::scope(|s| {
        for writer in 0..4 {
            let (t, id) = (&t, &id);
            s.spawn(move || {
                for n in 0..50 {
                    let text = format!("writer {writer} note {n}");
                    // Half the writers name the session, half use the current one.
                    let args: Vec<&str> = if writer % 2 == 0 {
                        vec!["note", "--session", id, &text]
                    } else {
                        vec!["note", &text]
                    };
                    let out = t.run(&args);
                    assert_status(&args, &out, 0);
                }
            });
        }
    });
    let events = t.events(&id);
    assert_eq!(events.len(), 201, "start + 4 × 50 notes");
    let clocks: Vec<u64> = events.iter().map(|(_, e)| e["clock"].as_u64().unwrap()).collect();
    assert!(
        clocks.windows(2).all(|w| w[0] < w[1]),
        "clocks strictly increase along the log: {clocks:?}"
    );
    let ids: HashSet<&str> = events.iter().map(|(_, e)| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are distinct");
    let texts: HashSet<&str> = events.iter().filter_map(|(_, e)| e["text"].as_str()).collect();
    for writer in 0..4 {
        for n in 0..50 {
            assert!(
                texts.contains(format!("writer {writer} note {n}").as_str()),
                "writer {writer} note {n} was lost"
            );
        }
    }
    // Each writer's notes stay in its own order.
    for writer in 0..4 {
        let mine: Vec<&str> = events
            .iter()
            .filter_map(|(_, e)| e["text"].as_str())
            .filter(|x| x.starts_with(&format!("writer {writer} ")))
            .collect();
        let expected: Vec<String> = (0..50).map(|n| format!("writer {writer} note {n}")).collect();
        assert_eq!(mine, expected);
    }
    let h = t.header();
    assert_eq!(h["counters"]["events"], 201);
    assert_eq!(h["clock"], 201);
    t.fsck();
}

/// Snapshot-carrying appends race with notes too.
#[test]
fn checkpoints_and_notes_racing_all_land() {
    let t = TestRepo::new();
    t.ok(&["start", "--name", "racy"]);
    let id = t.current_id();
    std::thread::scope(|s| {
        let t = &t;
        s.spawn(move || {
            for n in 0..10 {
                t.ok(&["checkpoint", "-m", &format!("cp {n}")]);
            }
        });
        s.spawn(move || {
            for n in 0..20 {
                t.ok(&["note", &format!("n {n}")]);
            }
        });
    });
    let events = t.events(&id);
    assert_eq!(events.len(), 31);
    assert_eq!(t.header()["counters"]["checkpoints"], 10);
    t.fsck();
}
