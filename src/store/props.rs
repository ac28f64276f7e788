//! Property tests of the store (docs/design.md "Proof"), on real
//! repositories: merging diverged logs is commutative, associative and
//! idempotent (same header, same event set), and resolving a prefix never
//! names a session whose id or name does not start with it.
//!
//! Cases: [`crate::testing::cases`] (`GIT_SESSION_PROPTEST_CASES` for more).

use std::collections::BTreeSet;

use gix::ObjectId;
use proptest::prelude::*;

use super::refs::session_ref;
use super::Store;
use crate::session::{Event, Person, SessionHeader, SessionId, Timestamp};
use crate::testing::TempRepo;

fn author() -> Person {
    Person {
        name: "Prop".into(),
        email: "prop@example.com".into(),
    }
}

/// An event of one of the kinds that change the header, at a time within
/// a day (so that the order of folding changes the active time).
fn event() -> impl Strategy<Value = Event> {
    let text = "[a-z ]{0,12}";
    (0..9u8, text, 0..86_400i64).prop_map(|(kind, text, secs)| {
        let time = Timestamp::from_unix(1_700_000_000 + secs, 0);
        let e = |kind: &str| Event::of_kind(kind, time.as_str(), author());
        match kind {
            0 => e("note").with("text", text),
            1 => e("decision").with("text", text),
            2 => e("intent").with("text", text),
            3 => e("objective").with("text", text),
            4 => e("next").with("text", text),
            5 => e("blocker").with("text", text),
            6 => e("pause"),
            7 => e("resume"),
            _ => e("claim").with("paths", vec![format!("src/{}", text.trim().replace(' ', "-"))]),
        }
    })
}

/// Three branches of events that diverge from a common start.
fn branches() -> impl Strategy<Value = [Vec<Event>; 3]> {
    let branch = || proptest::collection::vec(event(), 1..5);
    (branch(), branch(), branch()).prop_map(|(a, b, c)| [a, b, c])
}

struct Repo {
    _tmp: TempRepo,
    store: Store,
}

impl Repo {
    fn new() -> Repo {
        let tmp = TempRepo::new();
        let store = Store::discover(&tmp.path).expect("a store");
        Repo { _tmp: tmp, store }
    }

    /// Creates session `name` with its start event and returns its id and head.
    fn start(&self, name: &str) -> (SessionId, ObjectId) {
        let id = SessionId::generate();
        let start = Event::of_kind("start", "2023-11-14T00:00:00Z", author()).with("name", name);
        let seed = SessionHeader::new(&id, name, &start);
        let (head, _) = self.store.append(&id, Some(&seed), &[start]).expect("start");
        (id, head.commit)
    }

    /// Points the session's ref at `commit`.
    fn set(&self, id: &SessionId, commit: ObjectId) {
        let refname = session_ref(id.as_str());
        let now = self.store.ref_target(&refname).expect("the ref reads");
        self.store
            .compare_and_swap(&refname, now, commit)
            .expect("a ref name")
            .expect("the ref moves");
    }

    /// Appends `events` on top of `base` and returns the new head.
    fn branch(&self, id: &SessionId, base: ObjectId, events: &[Event]) -> ObjectId {
        self.set(id, base);
        self.store.append(id, None, events).expect("append").0.commit
    }

    /// The head after merging `theirs` into a ref at `ours`.
    fn merge(&self, id: &SessionId, ours: ObjectId, theirs: ObjectId) -> ObjectId {
        self.set(id, ours);
        let time = Timestamp::from_unix(1_700_200_000, 0);
        self.store
            .merge_in(id, theirs, "prop", &author(), &time)
            .expect("the merge");
        self.store
            .ref_target(&session_ref(id.as_str()))
            .expect("the ref reads")
            .expect("the ref exists")
    }

    /// The ids of the events at `head` that are not merges.
    fn event_set(&self, id: &SessionId, head: ObjectId) -> BTreeSet<String> {
        let events = self.store.events_at(id, head).expect("the events read");
        events
            .iter()
            .filter(|e| e.event.kind() != "merge")
            .map(|e| e.event.id.as_str().to_owned())
            .collect()
    }

    /// The header at `head` without the fields the merge events themselves
    /// set: which one came last (`last_event`), the clock and count of
    /// events, when it happened, and the active time measured up to it.
    fn header(&self, id: &SessionId, head: ObjectId, of_merges_too: bool) -> SessionHeader {
        let mut h = self
            .store
            .header_at(&session_ref(id.as_str()), head)
            .expect("the header reads");
        h.last_event = crate::session::EventId::parse("0").expect("an id");
        if of_merges_too {
            h.clock = 0;
            h.counters.events = 0;
            h.updated = Timestamp::from_unix(0, 0);
            h.active_seconds = 0;
        }
        h
    }
}

proptest! {
    #![proptest_config(crate::testing::proptest_config(32))]

    /// merge(a, b) and merge(b, a) hold the same events and the same
    /// header (up to the id of the merge event); merging a head already
    /// in is a no-op, and merging twice changes nothing.
    #[test]
    fn merging_is_commutative_and_idempotent(branches in branches()) {
        let r = Repo::new();
        let (id, base) = r.start("merged");
        let a = r.branch(&id, base, &branches[0]);
        let b = r.branch(&id, base, &branches[1]);
        let ab = r.merge(&id, a, b);
        let ba = r.merge(&id, b, a);
        prop_assert_eq!(r.event_set(&id, ab), r.event_set(&id, ba));
        let mut union = r.event_set(&id, a);
        union.extend(r.event_set(&id, b));
        prop_assert_eq!(r.event_set(&id, ab), union);
        prop_assert_eq!(r.header(&id, ab, false), r.header(&id, ba, false));
        // Idempotent: a with itself, and ab with either side again.
        prop_assert_eq!(r.merge(&id, a, a), a);
        prop_assert_eq!(r.merge(&id, ab, b), ab);
        prop_assert_eq!(r.merge(&id, ab, a), ab);
        prop_assert_eq!(r.merge(&id, b, ab), ab);
    }

    /// merge(merge(a, b), c) and merge(a, merge(b, c)) hold the same
    /// events and the same header, but for what the two merge events of
    /// each set themselves (they are different events).
    #[test]
    fn merging_is_associative(branches in branches()) {
        let r = Repo::new();
        let (id, base) = r.start("merged");
        let [a, b, c] = [0, 1, 2].map(|i| r.branch(&id, base, &branches[i]));
        let ab = r.merge(&id, a, b);
        let left = r.merge(&id, ab, c);
        let bc = r.merge(&id, b, c);
        let right = r.merge(&id, a, bc);
        prop_assert_eq!(r.event_set(&id, left), r.event_set(&id, right));
        prop_assert_eq!(r.header(&id, left, true), r.header(&id, right, true));
    }

    /// Whatever `resolve` returns for a spec is a session whose id or name
    /// starts with the spec.
    #[test]
    fn a_prefix_resolves_only_to_a_session_it_starts(
        names in proptest::collection::btree_set("[ab][ab-]{0,4}", 1..6),
        specs in proptest::collection::vec("[0-9a-f]{1,3}|[ab][ab-]{0,4}", 1..12),
    ) {
        let r = Repo::new();
        let ids: Vec<SessionId> = names.iter().map(|n| r.start(n).0).collect();
        let mut specs = specs;
        specs.extend(ids.iter().map(|id| id.as_str()[..10].to_owned()));
        for spec in &specs {
            if let Ok(head) = r.store.resolve(spec) {
                let name = &head.header.name;
                prop_assert!(
                    head.id.as_str().starts_with(spec.as_str()) || name.starts_with(spec.as_str()),
                    "{spec:?} resolved to {} {name:?}", head.id
                );
            }
        }
    }
}
