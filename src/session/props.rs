//! Property tests of the domain (docs/design.md "Proof"): name
//! normalisation is idempotent, and the header is the fold of the events
//! in log order (Lamport clock, then event id) whatever order they were
//! delivered in, as a reader that walks a merged log gets them.
//!
//! Cases: [`crate::testing::cases`] (`GIT_SESSION_PROPTEST_CASES` for more).

use proptest::prelude::*;

use super::{normalize_name, Event, Person, SessionHeader, SessionId, Timestamp};

fn author(n: u8) -> Person {
    Person {
        name: format!("p{n}"),
        email: format!("p{n}@example.com"),
    }
}

/// An event of a kind that changes the header, with its clock already set
/// (as a log holds it), at a time within a day.
fn event() -> impl Strategy<Value = Event> {
    (0..14u8, "[a-z ]{0,10}", 0..86_400i64, 1..40u64, 0..3u8).prop_map(|(kind, text, secs, clock, who)| {
        let time = Timestamp::from_unix(1_700_000_000 + secs, 0);
        let e = |kind: &str| Event::of_kind(kind, time.as_str(), author(who));
        let mut event = match kind {
            0 => e("note").with("text", text),
            1 => e("decision").with("text", text),
            2 => e("intent").with("text", text),
            3 => e("objective").with("text", text),
            4 => e("next").with("text", text),
            5 => e("blocker").with("text", text),
            6 => e("pause"),
            7 => e("resume"),
            8 => e("claim").with("paths", vec![text]),
            9 => e("rename").with("name", format!("n-{}", text.trim().replace(' ', "-"))),
            10 => e("handoff").with("text", text),
            11 => e("close").with("status", "closed"),
            12 => e("checkpoint").with("text", text),
            _ => e("progress").with("text", text),
        };
        event.clock = clock;
        event
    })
}

proptest! {
    #![proptest_config(crate::testing::proptest_config(256))]

    /// A normalised name normalises to itself.
    #[test]
    fn normalising_a_name_is_idempotent(raw in "\\PC{0,24}|[ a-z.@{}~^:-]{0,24}|[ a.-]{0,16}") {
        if let Ok(name) = normalize_name(&raw) {
            prop_assert_eq!(normalize_name(&name), Ok(name.clone()));
        }
    }

    /// Any order of delivery, read back in log order, folds to the same
    /// header.
    #[test]
    fn the_fold_does_not_depend_on_the_order_of_delivery(
        events in proptest::collection::vec(event(), 0..24),
        seed in any::<u64>(),
    ) {
        let id = SessionId::generate();
        let first = {
            let mut e = Event::of_kind("start", "2023-11-14T00:00:00Z", author(0)).with("name", "folded");
            e.clock = 0;
            e
        };
        let mut delivered = events.clone();
        // A Fisher-Yates shuffle driven by `seed`.
        let mut state = seed | 1;
        for i in (1..delivered.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            delivered.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut log = events.clone();
        log.push(first.clone());
        delivered.push(first);
        prop_assert_eq!(SessionHeader::fold(&id, &delivered), SessionHeader::fold(&id, &log));
    }
}
