//! The scan of one text: which rules can match (one keyword pass), the
//! matches of those rules, the base64 values that decode to a secret, and
//! one report per secret.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::bytes::{Regex, RegexBuilder};

use super::decode;
use super::rules::{Candidate, Rule, Scope, Tier, RULES};

/// One match in a text, before it becomes a [`super::Finding`].
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: &'static str,
    /// Where the match begins; the finding's line is this byte's line.
    pub start: usize,
    /// The bytes reported: a second match over any of them is not reported.
    pub range: Range<usize>,
    /// What the finding shows of the secret (see [`redact`]).
    pub excerpt: String,
    /// The secret was found in what `range`, a base64 value, decodes to.
    pub encoded: bool,
}

/// How deep base64 values are decoded (a base64 value inside a decoded
/// value is decoded once more: a `.dockerconfigjson` in a Kubernetes
/// Secret).
const MAX_DEPTH: u8 = 2;

/// Shortest base64 value that is decoded (18 bytes of text), and how much
/// of a longer one (12 KiB, 9 KiB decoded: a base64 PEM key's header comes
/// first, and no configuration value is longer).
const BASE64_MIN: usize = 24;
pub(crate) const BASE64_MAX: usize = 12 << 10;

/// How much of a line a check sees on each side of a match.
const LINE_CONTEXT: usize = 512;

/// How much of the text around a match a check sees as [`Candidate::near`].
const NEAR: usize = 8192;

/// At most this many hits per text: a blob full of keys is reported by its
/// first ones, and the one-report-per-secret check stays cheap.
pub(crate) const MAX_HITS: usize = 100;

/// The rules' regular expressions, in the order of [`RULES`], compiled once
/// (for bytes, Unicode off: see [`super::rules`]).
pub(crate) static COMPILED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| {
            RegexBuilder::new(rule.pattern)
                .unicode(false)
                .build()
                .expect("the rules table holds valid patterns")
        })
        .collect()
});

/// The capture groups named `key` and `bare` of each rule.
static GROUPS: LazyLock<Vec<(Option<usize>, Option<usize>)>> = LazyLock::new(|| {
    COMPILED
        .iter()
        .map(|re| {
            let index = |name: &str| re.capture_names().position(|n| n == Some(name));
            (index("key"), index("bare"))
        })
        .collect()
});

/// Every keyword of every rule, one automaton, and for each of its patterns
/// the rules that need it.
static KEYWORDS: LazyLock<(AhoCorasick, Vec<Vec<usize>>)> = LazyLock::new(|| {
    let mut words: Vec<String> = Vec::new();
    let mut rules_of: Vec<Vec<usize>> = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for word in rule.keywords {
            let word = word.to_ascii_lowercase();
            match words.iter().position(|w| *w == word) {
                Some(p) => rules_of[p].push(i),
                None => {
                    words.push(word);
                    rules_of.push(vec![i]);
                }
            }
        }
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .expect("the keywords are plain strings");
    (automaton, rules_of)
});

/// A run of base64 characters (either alphabet) long enough to decode, as
/// a regular expression: what [`base64_runs`] finds, kept to test it.
#[cfg(test)]
pub(crate) static BASE64_RUN: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(&format!("[A-Za-z0-9+/_-]{{{BASE64_MIN},}}={{0,2}}"))
        .unicode(false)
        .build()
        .expect("a valid pattern")
});

/// The bytes of either base64 alphabet.
static BASE64_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-');
        b += 1;
    }
    table
};

/// The runs of base64 characters of [`BASE64_MIN`] or more in `text`, each
/// with up to two `=` after it: the matches of
/// `[A-Za-z0-9+/_-]{24,}={0,2}`, found with a table rather than the regex
/// engine (five times faster on text of many short words).
pub(crate) fn base64_runs(text: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            if !BASE64_BYTE[text[i] as usize] {
                i += 1;
                continue;
            }
            let start = i;
            while i < text.len() && BASE64_BYTE[text[i] as usize] {
                i += 1;
            }
            if i - start >= BASE64_MIN {
                let mut end = i;
                while end < text.len() && end - i < 2 && text[end] == b'=' {
                    end += 1;
                }
                i = end;
                return Some(start..end);
            }
        }
        None
    })
}

/// Which rules can match `text`: those with a keyword in it, or with none.
fn rules_present(text: &[u8]) -> Vec<bool> {
    let (automaton, rules_of) = &*KEYWORDS;
    let mut present: Vec<bool> = RULES.iter().map(|r| r.keywords.is_empty()).collect();
    let mut seen = vec![false; rules_of.len()];
    let mut left = rules_of.len();
    for m in automaton.find_overlapping_iter(text) {
        let p = m.pattern().as_usize();
        if !seen[p] {
            seen[p] = true;
            rules_of[p].iter().for_each(|&r| present[r] = true);
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }
    present
}

/// Finds the secrets in `text`, in order of position. `config` says that
/// the text is configuration (the [`Scope::Config`] rules apply); `depth`
/// is how many base64 decodings led here.
pub(crate) fn scan_text(text: &[u8], config: bool, depth: u8) -> Vec<Hit> {
    scan_text_up_to(text, config, depth, MAX_HITS)
}

/// [`scan_text`] without its cap of [`MAX_HITS`]: every secret of `text`,
/// for [`super::redact`], which must replace them all.
pub(crate) fn scan_text_all(text: &[u8], config: bool) -> Vec<Hit> {
    scan_text_up_to(text, config, 0, usize::MAX)
}

/// [`scan_text`] with at most `limit` hits.
fn scan_text_up_to(text: &[u8], config: bool, depth: u8, limit: usize) -> Vec<Hit> {
    let present = rules_present(text);
    let mut hits = Hits {
        list: Vec::new(),
        taken: BTreeMap::new(),
        limit,
    };
    for tier in [Tier::Specific, Tier::Fallback] {
        if tier == Tier::Fallback && depth < MAX_DEPTH {
            base64_values(text, depth, &mut hits);
        }
        for (i, rule) in RULES.iter().enumerate() {
            if rule.tier == tier && present[i] && (config || rule.scope == Scope::Any) {
                rule_matches(text, i, rule, &mut hits);
            }
        }
    }
    let mut hits = hits.list;
    hits.sort_by_key(|h| h.start);
    hits
}

/// The hits of one scan so far, and the bytes they report, so that a later
/// match over any of them is dropped in logarithmic time (a text full of
/// keys has thousands when [`scan_text_all`] reads it).
struct Hits {
    list: Vec<Hit>,
    /// `range.start → range.end` of every hit. The ranges are disjoint, or
    /// equal (the rules found inside one base64 value share its range), so
    /// the range that starts last before an end is the only one that can
    /// overlap what ends there.
    taken: BTreeMap<usize, usize>,
    limit: usize,
}

impl Hits {
    fn full(&self) -> bool {
        self.list.len() >= self.limit
    }

    fn overlaps(&self, range: &Range<usize>) -> bool {
        self.taken
            .range(..range.end)
            .next_back()
            .is_some_and(|(_, &end)| range.start < end)
    }

    fn push(&mut self, hit: Hit) {
        let end = self.taken.entry(hit.range.start).or_insert(hit.range.end);
        *end = (*end).max(hit.range.end);
        self.list.push(hit);
    }
}

/// The matches of rule `i` in `text` that pass its check and overlap no
/// earlier hit.
fn rule_matches(text: &[u8], i: usize, rule: &Rule, hits: &mut Hits) {
    let regex = &COMPILED[i];
    let (key_group, bare_group) = GROUPS[i];
    for caps in regex.captures_iter(text) {
        if hits.full() {
            return;
        }
        let whole = caps.get(0).expect("group 0 always takes part");
        let secret = (1..caps.len())
            .filter(|&g| Some(g) != key_group)
            .find_map(|g| caps.get(g))
            .unwrap_or(whole);
        let range = secret.range();
        if hits.overlaps(&range) {
            continue;
        }
        let bare = bare_group.and_then(|g| caps.get(g)).is_some_and(|b| b.range() == range);
        let secret_text = String::from_utf8_lossy(secret.as_bytes());
        let key = key_group
            .and_then(|g| caps.get(g))
            .map(|m| String::from_utf8_lossy(m.as_bytes()));
        let before = &text[whole.start().saturating_sub(256)..whole.start()];
        let after = &text[whole.end()..text.len().min(whole.end() + 256)];
        let candidate = Candidate {
            secret: &secret_text,
            bare,
            key: key.as_deref(),
            line: line_around(text, whole.start()),
            near: &text[whole.start().saturating_sub(NEAR)..text.len().min(whole.end() + NEAR)],
            whole: whole.as_bytes(),
            before,
            after,
        };
        if rule.check.is_some_and(|check| !check(&candidate)) {
            continue;
        }
        hits.push(Hit {
            rule: rule.id,
            start: whole.start(),
            range,
            excerpt: redact(&secret_text),
            encoded: false,
        });
    }
}

/// The line of `text` that holds byte `at`, at most [`LINE_CONTEXT`] bytes
/// each side.
fn line_around(text: &[u8], at: usize) -> &[u8] {
    let floor = at.saturating_sub(LINE_CONTEXT);
    let start = text[floor..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(floor, |p| floor + p + 1);
    let ceil = text.len().min(at + LINE_CONTEXT);
    let end = text[at..ceil].iter().position(|&b| b == b'\n').map_or(ceil, |p| at + p);
    &text[start..end]
}

/// Decodes each plausible base64 value of `text` that overlaps no hit, and
/// when it decodes to text, scans that (as configuration, prefixed with the
/// name the value is assigned to, so `password: aHVudGVy…` reads as
/// `password=hunter…`). A secret found inside is reported at the encoded
/// value: its line, and an excerpt of the encoded text, which is what the
/// file shows.
fn base64_values(text: &[u8], depth: u8, hits: &mut Hits) {
    for m in base64_runs(text) {
        if hits.full() {
            return;
        }
        let encoded = &text[m.clone()];
        // Base64 of text mixes cases; hex digests, UUIDs and snake_case
        // names do not.
        if !(encoded.iter().any(u8::is_ascii_uppercase) && encoded.iter().any(u8::is_ascii_lowercase)) {
            continue;
        }
        if hits.overlaps(&m) {
            continue;
        }
        let truncated = encoded.len() > BASE64_MAX;
        let take = if truncated { BASE64_MAX } else { encoded.len() };
        let Some(mut decoded) = decode::base64(&encoded[..take]) else {
            continue;
        };
        if truncated {
            // A cut through a UTF-8 sequence at the end is not an error.
            if let Err(e) = std::str::from_utf8(&decoded) {
                if e.error_len().is_none() {
                    decoded.truncate(e.valid_up_to());
                }
            }
        }
        if !decode::is_text(&decoded) {
            continue;
        }
        let mut inner_text = Vec::with_capacity(decoded.len() + 64);
        if let Some(key) = key_before(text, m.start) {
            inner_text.extend_from_slice(key);
            inner_text.push(b'=');
        }
        inner_text.extend_from_slice(&decoded);
        let mut reported: Vec<&'static str> = Vec::new();
        for inner in scan_text(&inner_text, true, depth + 1) {
            if !reported.contains(&inner.rule) {
                reported.push(inner.rule);
                hits.push(Hit {
                    rule: inner.rule,
                    start: m.start,
                    range: m.clone(),
                    excerpt: redact(&String::from_utf8_lossy(encoded)),
                    encoded: true,
                });
            }
        }
    }
}

/// The name that the value at `at` is assigned to on its line
/// (`name: value`, `"name": "value"`, `NAME=value`), if any.
fn key_before(text: &[u8], at: usize) -> Option<&[u8]> {
    let mut end = at;
    let skip_quotes_and_blanks = |mut i: usize| {
        while i > 0 && matches!(text[i - 1], b' ' | b'\t' | b'"' | b'\'') {
            i -= 1;
        }
        i
    };
    end = skip_quotes_and_blanks(end);
    if end == 0 || !matches!(text[end - 1], b':' | b'=') {
        return None;
    }
    end = skip_quotes_and_blanks(end - 1);
    let mut start = end;
    while start > 0
        && end - start < 128
        && (text[start - 1].is_ascii_alphanumeric() || matches!(text[start - 1], b'_' | b'.' | b'-'))
    {
        start -= 1;
    }
    (start < end).then(|| &text[start..end])
}

/// What a finding shows of `secret`: its first characters and an ellipsis,
/// never more than four characters, and fewer for a short secret (a quarter
/// of it: `hunter2` shows `h…`). Control characters are shown as `?`.
pub(crate) fn redact(secret: &str) -> String {
    let shown = (secret.chars().count() / 4).min(4);
    let mut out: String = secret
        .chars()
        .take(shown)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    out.push('…');
    out
}
