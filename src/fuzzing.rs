//! Entry points of the fuzz targets in `fuzz/` (docs/design.md "Proof"):
//! one function per parser of data from elsewhere, taking raw bytes.
//!
//! Compiled only with the `fuzzing` feature (the fuzz crate turns it on)
//! and for the crate's own tests, and hidden from the documentation: it is
//! not part of the public surface of docs/design.md §5.
//!
//! Every entry point must return for any input without panicking, and
//! checks what the crate promises of what it accepted (STYLE.md rule 10,
//! "what a writer accepts, every reader must be able to read"): an event
//! or header that was read is written and read back to the same value, a
//! cache line that was read comes out as a line that reads the same, a
//! trailer that was added is found and not added twice. A panic (or a
//! failed assertion) is a bug to fix, kept as a file of the target's
//! corpus in `fuzz/corpus/<target>/`.

use bstr::ByteSlice;

use crate::session::{read_versioned, Event, SessionHeader};

/// An entry point: bytes in, a panic on a bug.
pub type Target = fn(&[u8]);

/// The targets, by the name of their corpus directory and fuzz binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("event_json", event_json),
    ("header_json", header_json),
    ("tree_entries", tree_entries),
    ("hook_payload", hook_payload),
    ("mcp_lines", mcp_lines),
    ("cache_line", cache_line),
    ("trailers", trailers),
    ("push_reply", push_reply),
    ("plan_markdown", plan_markdown),
];

/// `event.json` of an event commit: read, and when read, written and read
/// back to the same event.
pub fn event_json(data: &[u8]) {
    let Ok(event) = Event::from_json(data) else {
        return;
    };
    let _ = (
        event.summary(),
        event.kind(),
        event.text(),
        event.tree(),
        event.tree_after(),
    );
    let written = event.to_json();
    let again = Event::from_json(&written).expect("an event that was read is read again once written");
    assert_eq!(again, event, "an event changes when written and read again");
}

/// `session.json` of an event commit: read, written and read back; and
/// the header folds every event that reads from the same bytes.
pub fn header_json(data: &[u8]) {
    if let Ok(mut header) = read_versioned::<SessionHeader>(data) {
        let written = serde_json::to_vec_pretty(&header).expect("a header serialises");
        let again: SessionHeader = read_versioned(&written).expect("a header that was read is read again once written");
        assert_eq!(again, header, "a header changes when written and read again");
        if let Ok(event) = Event::from_json(data) {
            header.apply(&event);
        }
    }
}

/// Tree entries of a fetched snapshot: the bytes are a git tree object;
/// each entry's name, alone and below a directory, goes through the check
/// a rewind makes before it writes a path. A path the check lets through
/// never leaves the work tree.
pub fn tree_entries(data: &[u8]) {
    let mut paths: Vec<(Vec<u8>, bool)> = Vec::new();
    for (name, link) in crate::rewind::tree_object_entries(data) {
        let mut nested = b"dir/".to_vec();
        nested.extend_from_slice(&name);
        paths.push((name, link));
        paths.push((nested, link));
    }
    // The bytes themselves as `/`-separated paths, one per NUL.
    for raw in data.split(|b| *b == 0) {
        paths.push((raw.to_vec(), false));
    }
    for (path, link) in paths {
        if crate::rewind::check_path(path.as_bstr(), link).is_ok() {
            assert!(!path.starts_with(b"/"), "an absolute path passed: {:?}", path.as_bstr());
            for part in path.split(|b| *b == b'/') {
                assert!(
                    !part.is_empty() && part != b"." && part != b".." && !part.eq_ignore_ascii_case(b".git"),
                    "a path that leaves the work tree passed: {:?}",
                    path.as_bstr()
                );
            }
        }
    }
}

/// A hook's JSON payload, as each agent would send it.
pub fn hook_payload(data: &[u8]) {
    for agent in crate::agent::Agent::ALL {
        let _ = crate::agent::payload::parse(agent, data);
    }
}

/// The MCP server's line handling: the bytes are what a client writes on
/// the server's standard input; every line that is not blank gets at most
/// one answer, and every answer is one JSON line. `tools/call` requests are
/// left out: they run operations on the repository of the current
/// directory, which a fuzzer must not touch.
pub fn mcp_lines(data: &[u8]) {
    let mut input = Vec::with_capacity(data.len());
    for line in data.split(|b| *b == b'\n') {
        let calls_a_tool = serde_json::from_slice::<serde_json::Value>(line)
            .ok()
            .is_some_and(|v| calls_a_tool(&v));
        if !calls_a_tool {
            input.extend_from_slice(line);
            input.push(b'\n');
        }
    }
    let mut output = Vec::new();
    crate::mcp::serve(input.as_slice(), &mut output).expect("the server reads from memory");
    let lines = input
        .split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .count();
    let answers = output.lines().count();
    assert!(answers <= lines, "{answers} answers to {lines} lines");
    for answer in output.lines() {
        serde_json::from_slice::<serde_json::Value>(answer).expect("every answer is JSON");
    }
}

/// Whether a JSON-RPC message (or anything inside it) names a method that
/// would run a tool.
fn calls_a_tool(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains("tools/call"),
        serde_json::Value::Array(items) => items.iter().any(calls_a_tool),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains("tools/call") || calls_a_tool(v)),
        _ => false,
    }
}

/// A line of `sessions.cache`: read, written and read back the same.
pub fn cache_line(data: &[u8]) {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(summary) = crate::store::SessionSummary::from_line(line) {
        let written = summary.to_line();
        assert!(written.ends_with('\n') && !written[..written.len() - 1].contains('\n'));
        let again = crate::store::SessionSummary::from_line(&written).expect("a written cache line reads");
        assert_eq!(
            again.to_line(),
            written,
            "a cache line changes when written and read again"
        );
    }
}

/// A commit message from elsewhere and the trailers git-session reads
/// from it and adds to it: an added trailer is found, and adding it again
/// adds nothing.
pub fn trailers(data: &[u8]) {
    let message = String::from_utf8_lossy(data);
    let _ = crate::session::trailers::trailer_values(&message, "Session");
    for comment in ["#", ";"] {
        let trailers = [("Session", "019a0000-0000-7000-8000-000000000000")];
        if let Some(added) = crate::session::trailers::add_trailers(&message, &trailers, comment) {
            assert!(
                crate::session::trailers::add_trailers(&added, &trailers, comment).is_none(),
                "a trailer is added twice to {message:?}"
            );
        }
    }
}

/// The reply of `git receive-pack` to a push (report-status, with and
/// without side-band framing).
pub fn push_reply(data: &[u8]) {
    for sideband in [false, true] {
        let _ = crate::remote::parse_reply(data, true, sideband);
    }
}

/// A plan's markdown from elsewhere: its checklist, title and excerpt,
/// and `plan done`/`undone` of every step. A step's mark is the one byte
/// between `[` and `]`; changing it changes nothing else, and the
/// checklist reads back the same steps with that one changed; the title
/// is one bounded line and the excerpt stays within its budget.
pub fn plan_markdown(data: &[u8]) {
    use crate::session::plan;
    let text = String::from_utf8_lossy(data);
    let steps = plan::checklist(&text);
    let title = plan::title(&text);
    assert!(
        title.chars().count() <= 121 && !title.contains(['\n', '\r']),
        "{title:?}"
    );
    let (excerpt, _) = plan::excerpt(&text, 40, 4_000);
    assert!(excerpt.chars().count() <= 4_000);
    for step in steps.iter().take(64) {
        let bytes = text.as_bytes();
        assert!(bytes[step.mark - 1] == b'[' && bytes[step.mark + 1] == b']', "{step:?}");
        for done in [true, false] {
            let changed = plan::with_step(&text, step, done);
            assert_eq!(changed.len(), text.len());
            let again = plan::checklist(&changed);
            assert_eq!(again.len(), steps.len(), "checking a box changed the checklist");
            let same = &again[step.number - 1];
            assert_eq!((same.done, &same.text, same.mark), (done, &step.text, step.mark));
        }
    }
    if let Some(line) = text.lines().next() {
        let _ = plan::find_step(&steps, line, true);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    /// Every file of every corpus (`fuzz/corpus/<target>/`) goes through its
    /// entry point, so that the corpus, and the bugs it keeps, are checked on
    /// every `cargo test` even where no fuzzer is installed.
    #[test]
    fn every_corpus_file_replays_through_its_entry_point() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
        let mut replayed = 0;
        for (name, target) in super::TARGETS {
            let dir = root.join(name);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
                .map(|entry| entry.expect("a corpus entry").path())
                .collect();
            files.sort();
            assert!(!files.is_empty(), "{}: an empty corpus", dir.display());
            for file in files {
                let data = std::fs::read(&file).expect("a corpus file");
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", file.display());
                replayed += 1;
            }
        }
        assert!(replayed >= super::TARGETS.len());
    }

    /// The corpus of `target`, file by file.
    fn corpus(target: &str) -> Vec<Vec<u8>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("a corpus")
            .map(|e| e.expect("an entry").path())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|f| std::fs::read(f).expect("a corpus file"))
            .collect()
    }

    /// One edit of an input: a byte replaced, inserted or removed, a cut,
    /// or a splice of a piece of a known-interesting text.
    #[derive(Clone, Debug)]
    enum Edit {
        Set(usize, u8),
        Insert(usize, u8),
        Remove(usize),
        Cut(usize),
        Splice(usize, &'static str),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let pieces = proptest::sample::select(vec![
            "\\u0000",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "-1",
            "1e999",
            "18446744073709551616",
            "\"format\":2",
            "\"kind\":\"merge\"",
            "\"clock\":9007199254740993",
            "\u{feff}",
            "\u{202e}",
            "\n",
            "\r\n",
            "0000",
            "ffff",
            "ng ",
            "ok ",
            ".git/",
            "../",
            "Session: ",
            "# ",
            "\"tools/list\"",
            "\"initialize\"",
            "\"id\":null",
            "\u{1b}[2J",
        ]);
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Insert(at, b)),
            any::<usize>().prop_map(Edit::Remove),
            any::<usize>().prop_map(Edit::Cut),
            (any::<usize>(), pieces).prop_map(|(at, p)| Edit::Splice(at, p)),
        ]
    }

    fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
        for e in edits {
            let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
            match *e {
                Edit::Set(i, b) if !data.is_empty() => {
                    let i = i % data.len();
                    data[i] = b;
                }
                Edit::Set(..) => {}
                Edit::Insert(i, b) => data.insert(at(i, data.len()), b),
                Edit::Remove(i) if !data.is_empty() => {
                    data.remove(i % data.len());
                }
                Edit::Remove(_) => {}
                Edit::Cut(i) => data.truncate(at(i, data.len())),
                Edit::Splice(i, piece) => {
                    let i = at(i, data.len());
                    data.splice(i..i, piece.bytes());
                }
            }
        }
        data
    }

    proptest! {
        #![proptest_config(crate::testing::proptest_config(256))]

        /// The fallback where the fuzzer does not run (CI): every target
        /// gets corpus files with random edits, and random bytes.
        #[test]
        fn every_target_survives_edited_corpus_files_and_random_bytes(
            pick in any::<proptest::sample::Index>(),
            edits in proptest::collection::vec(edit(), 0..8),
            noise in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            for (name, target) in super::TARGETS {
                let files = corpus(name);
                let data = apply(pick.get(&files).clone(), &edits);
                let outcome = std::panic::catch_unwind(|| target(&data));
                prop_assert!(outcome.is_ok(), "{}: {:?}", name, String::from_utf8_lossy(&data));
                let outcome = std::panic::catch_unwind(|| target(&noise));
                prop_assert!(outcome.is_ok(), "{}: {:?}", name, noise);
            }
        }
    }

    /// The targets' directories are exactly the corpus directories: a new
    /// target cannot be forgotten in the corpus, nor a corpus left behind.
    #[test]
    fn every_corpus_directory_is_a_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
        let mut dirs: Vec<String> = std::fs::read_dir(&root)
            .expect("fuzz/corpus")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        let mut names: Vec<String> = super::TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.sort();
        assert_eq!(dirs, names);
    }
}
