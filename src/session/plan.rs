//! The plan a session works from: a markdown document stored as the
//! `plan.md` attachment of each `plan` event, and what is read out of it —
//! its title and its checklist (GitHub's task-list items, `- [ ] step`).
//!
//! Everything here is pure text work on a plan that may have come from
//! somebody else's remote: no byte-index slicing that could split a
//! character, bounded titles, and nothing that trusts the counts an event
//! claims over the markdown itself.
//!
//! The checklist parser is written by hand rather than on pulldown-cmark: a
//! task-list item is one line (`- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`, `1) [ ]`,
//! any indentation), the only block structure that matters is a fenced code
//! block (whose lines are not items), and `plan done` must change exactly
//! one byte of the document — the box — which an event-based parser would
//! make us map back from its offsets anyway.

use serde::{Deserialize, Serialize};

use super::{EventId, Oid};

/// The attachment of a `plan` event that holds the markdown.
pub const PLAN_FILE: &str = "plan.md";

/// The largest plan accepted (bytes); a larger one is refused when set and
/// not read when it came from elsewhere.
pub const MAX_PLAN: usize = 256 * 1024;

/// The title is cut to this many characters.
const MAX_TITLE: usize = 120;

/// The plan in force, as the session header keeps it (`session.json`'s
/// `plan`): which event set it, its version, its title and checklist counts,
/// and the blob of its markdown, so `status` and `context` read one blob.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlanState {
    /// The `plan` event that set it.
    pub id: EventId,
    pub version: u64,
    pub title: String,
    /// Checked and all checklist items.
    pub done: u64,
    pub total: u64,
    /// The `plan.md` blob (absent when the event carries none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<Oid>,
}

/// The plan in force, bounded, as `status`, `resume` and `context` show it:
/// its state, the beginning of its markdown and the next open steps.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlanExcerpt {
    /// The `plan` event that set it.
    pub event: EventId,
    pub version: u64,
    pub title: String,
    /// Checked and all checklist items, counted in the markdown when it
    /// could be read (else as the event says).
    pub done: u64,
    pub total: u64,
    /// The first lines of the markdown (bounded).
    pub text: String,
    /// How many lines `text` left out.
    pub more_lines: usize,
    /// The first open (unchecked) steps.
    pub next: Vec<Step>,
    /// Why the markdown could not be read (it came from elsewhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One checklist item of a plan.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Step {
    /// 1-based, in document order.
    pub number: usize,
    pub done: bool,
    /// The item's text (the rest of its line after the box, trimmed).
    pub text: String,
    /// Byte offset of the box's mark (the ` `, `x` or `X` inside `[ ]`).
    #[serde(skip)]
    pub mark: usize,
}

/// The checklist items of `markdown`, in order. Lines inside fenced code
/// blocks (``` or ~~~) are not items.
pub fn checklist(markdown: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut offset = 0;
    for raw in markdown.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = &line[indent..];
        if let Some(run) = fence_run(rest) {
            match fence {
                None => fence = Some(run),
                Some((c, n)) if run.0 == c && run.1 >= n && rest[run.1..].trim().is_empty() => fence = None,
                Some(_) => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        if let Some((at, done, text)) = task_item(rest) {
            steps.push(Step {
                number: steps.len() + 1,
                done,
                text: text.to_owned(),
                mark: start + indent + at,
            });
        }
    }
    steps
}

/// A fence opening or closing: its character and how many of them.
fn fence_run(line: &str) -> Option<(u8, usize)> {
    let c = *line.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = line.bytes().take_while(|&b| b == c).count();
    (n >= 3).then_some((c, n))
}

/// A task-list item (without its indentation): the offset of the box's
/// mark in `line`, whether it is checked, and its text.
fn task_item(line: &str) -> Option<(usize, bool, &str)> {
    let bytes = line.as_bytes();
    let marker = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => digits + 1,
                _ => return None,
            }
        }
        _ => return None,
    };
    let after = &line[marker..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    if gap == 0 {
        return None;
    }
    let at = marker + gap;
    let b = &bytes[at..];
    if b.len() < 3 || b[0] != b'[' || b[2] != b']' {
        return None;
    }
    let done = match b[1] {
        b' ' => false,
        b'x' | b'X' => true,
        _ => return None,
    };
    let text = &line[at + 3..];
    if !(text.is_empty() || text.starts_with([' ', '\t'])) {
        return None;
    }
    Some((at + 1, done, text.trim()))
}

/// Checked and all items of a checklist.
pub fn counts(steps: &[Step]) -> (u64, u64) {
    let done = steps.iter().filter(|s| s.done).count();
    (done as u64, steps.len() as u64)
}

/// The one-line title of a plan: its first heading, else its first
/// non-empty line, cut to a bounded length.
pub fn title(markdown: &str) -> String {
    let mut first = None;
    let mut in_fence = false;
    for line in markdown.lines() {
        let line = line.trim();
        if fence_run(line).is_some() {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.is_empty() {
            continue;
        }
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) && (line.len() == hashes || line[hashes..].starts_with([' ', '\t'])) {
            let heading = line[hashes..].trim().trim_end_matches('#').trim();
            if !heading.is_empty() {
                return one_line(heading);
            }
        }
        first.get_or_insert(line);
    }
    first.map(one_line).unwrap_or_default()
}

fn one_line(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    super::text::cut(clean.trim(), MAX_TITLE)
}

/// `markdown` with the box of `step` checked (`[x]`) or cleared (`[ ]`).
pub fn with_step(markdown: &str, step: &Step, done: bool) -> String {
    let mark = if done { "x" } else { " " };
    let mut out = String::with_capacity(markdown.len());
    // The mark is one ASCII byte between `[` and `]`, so these are char boundaries.
    out.push_str(&markdown[..step.mark]);
    out.push_str(mark);
    out.push_str(&markdown[step.mark + 1..]);
    out
}

/// The beginning of a plan for a brief or a TL;DR: at most `max_lines`
/// lines and `max_chars` characters, and how many lines were left out.
pub fn excerpt(markdown: &str, max_lines: usize, max_chars: usize) -> (String, usize) {
    let lines: Vec<&str> = markdown.trim_end().lines().collect();
    if max_lines == 0 || max_chars < 3 {
        return (String::new(), lines.len());
    }
    let mut out = String::new();
    let mut used = 0;
    let mut kept = 0;
    for line in &lines {
        let len = line.chars().count() + 1;
        if kept == max_lines || used + len > max_chars {
            if kept == 0 {
                out.push_str(&super::text::cut(line, max_chars.saturating_sub(2)));
                out.push('\n');
                kept = 1;
            }
            break;
        }
        out.push_str(line);
        out.push('\n');
        used += len;
        kept += 1;
    }
    (out, lines.len() - kept)
}

/// The step `spec` names: its number (1-based), else the item whose text is
/// `spec`, else the one it starts with, else the one containing it (all
/// without case). When several match, only those not yet `done` (the state
/// asked for) count. `Err` holds the candidates (empty: nothing matched).
pub fn find_step<'a>(steps: &'a [Step], spec: &str, done: bool) -> Result<&'a Step, Vec<&'a Step>> {
    let spec = spec.trim();
    if !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit()) {
        return match spec.parse::<usize>() {
            Ok(n) if (1..=steps.len()).contains(&n) => Ok(&steps[n - 1]),
            _ => Err(Vec::new()),
        };
    }
    let needle = spec.to_lowercase();
    if needle.is_empty() {
        return Err(Vec::new());
    }
    let tiers: [&dyn Fn(&str) -> bool; 3] = [&|t: &str| t == needle, &|t: &str| t.starts_with(&needle), &|t: &str| {
        t.contains(&needle)
    }];
    for tier in tiers {
        let found: Vec<&Step> = steps.iter().filter(|s| tier(&s.text.to_lowercase())).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            many => {
                let open: Vec<&Step> = many.iter().copied().filter(|s| s.done != done).collect();
                return match open.as_slice() {
                    [one] => Ok(one),
                    _ => Err(many.to_vec()),
                };
            }
        }
    }
    Err(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "# Ship the parser\n\nSome words.\n\n- [ ] write the lexer\n* [x] pick a name\n+ [X] read the spec\n1. [ ] numbered one\n2) [ ] numbered two\n   - [ ] indented item\n\t- [x] tab indented\n\n```\n- [ ] inside a fence\n```\n-[ ] no space\n- [y] not a box\n- [ ]glued\n- plain item\n- [ ]\n";

    #[test]
    fn checklist_items_are_found_in_every_list_form() {
        let steps = checklist(PLAN);
        let texts: Vec<(&str, bool)> = steps.iter().map(|s| (s.text.as_str(), s.done)).collect();
        assert_eq!(
            texts,
            [
                ("write the lexer", false),
                ("pick a name", true),
                ("read the spec", true),
                ("numbered one", false),
                ("numbered two", false),
                ("indented item", false),
                ("tab indented", true),
                ("", false),
            ]
        );
        assert_eq!(counts(&steps), (3, 8));
        assert_eq!(steps[3].number, 4);
        for s in &steps {
            assert!(matches!(&PLAN[s.mark..s.mark + 1], " " | "x" | "X"), "{s:?}");
            assert_eq!(&PLAN[s.mark - 1..s.mark], "[");
        }
    }

    #[test]
    fn a_fence_closes_only_with_its_own_kind() {
        let text = "~~~~\n- [ ] a\n```\n- [ ] b\n~~~~\n- [ ] c\n";
        let steps = checklist(text);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].text, "c");
    }

    #[test]
    fn crlf_and_unicode_are_fine() {
        let text = "# Plän\r\n- [ ] état\r\n- [x] 日本語\r\n";
        let steps = checklist(text);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].text, "état");
        assert_eq!(title(text), "Plän");
        let checked = with_step(text, &steps[0], true);
        assert_eq!(checked, "# Plän\r\n- [x] état\r\n- [x] 日本語\r\n");
        let cleared = with_step(&checked, &checklist(&checked)[1], false);
        assert_eq!(cleared, "# Plän\r\n- [x] état\r\n- [ ] 日本語\r\n");
    }

    #[test]
    fn the_title_is_the_first_heading_or_line() {
        assert_eq!(title(PLAN), "Ship the parser");
        assert_eq!(title("\n\n  intro line  \n# Later heading\n"), "Later heading");
        assert_eq!(title("intro line\nmore\n"), "intro line");
        assert_eq!(title("## Closed ##\n"), "Closed");
        assert_eq!(title("#hashtag\n"), "#hashtag");
        assert_eq!(title("```\n# not a title\n```\nreal\n"), "real");
        assert_eq!(title(""), "");
        assert_eq!(title("bell\x07 ring"), "bell  ring");
        let long = title(&format!("# {}", "é".repeat(1000)));
        assert_eq!(long.chars().count(), MAX_TITLE + 1);
    }

    #[test]
    fn steps_are_found_by_number_or_text() {
        let steps = checklist("- [ ] Write tests\n- [ ] write docs\n- [x] Review tests\n- [ ] ship\n");
        assert_eq!(find_step(&steps, "2", true).unwrap().text, "write docs");
        assert!(find_step(&steps, "0", true).unwrap_err().is_empty());
        assert!(find_step(&steps, "5", true).unwrap_err().is_empty());
        assert_eq!(find_step(&steps, "SHIP", true).unwrap().number, 4);
        assert_eq!(find_step(&steps, "write d", true).unwrap().number, 2);
        // Two items start with "write": ambiguous.
        assert_eq!(find_step(&steps, "write", true).unwrap_err().len(), 2);
        // "tests" is in an open item and a done one: the open one, for `done`.
        assert_eq!(find_step(&steps, "tests", true).unwrap().number, 1);
        assert_eq!(find_step(&steps, "tests", false).unwrap().number, 3);
        assert!(find_step(&steps, "nothing like it", true).unwrap_err().is_empty());
        assert!(find_step(&steps, "  ", true).unwrap_err().is_empty());
    }

    #[test]
    fn excerpts_are_bounded_by_lines_and_characters() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let (cut, more) = excerpt(&text, 40, 4_000);
        assert_eq!(cut.lines().count(), 40);
        assert_eq!(more, 60);
        let (cut, more) = excerpt(&text, 40, 30);
        assert!(cut.chars().count() <= 30, "{cut}");
        assert_eq!(more, 100 - cut.lines().count());
        let (cut, more) = excerpt(&"é".repeat(10_000), 40, 100);
        assert!(cut.chars().count() <= 100);
        assert_eq!(more, 0);
        assert_eq!(excerpt("a\nb\n", 40, 100), ("a\nb\n".to_owned(), 0));
    }
}
