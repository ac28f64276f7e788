//! Redaction of agent prompts and transcripts before they are stored in a
//! session (issue 12, "Transcripts"): every byte range that the rules of the
//! push scan ([`super::rules::RULES`]) identify as secret is replaced by
//! `[REDACTED:<rule id>]`, so that the secret text is in no object.
//!
//! What is replaced, by kind of finding:
//! - a token or a value (`API_KEY=[REDACTED:…]`, `https://user:[REDACTED:url-credentials]@host`,
//!   `Password=[REDACTED:…];`): the secret only, the name and the
//!   punctuation around it stay;
//! - a private key: the whole block, from its `BEGIN` line to the end of its
//!   `END` line (PuTTY: to the end of its `Private-MAC`), or to the end of
//!   the text — of the JSON string, in JSON — when there is none;
//! - a secret inside a base64 value: the whole base64 value;
//! - a secret in UTF-16 text: its encoded bytes, replaced by the marker in
//!   the same encoding (in ASCII for UTF-16 inside other text: a Windows
//!   file an agent read as bytes, `G\u0000H\u0000` in JSON);
//! - every other occurrence, anywhere in the text, of a secret value found
//!   once (a password found in `DB_PASSWORD=…` and repeated in a sentence).
//!
//! JSON. Transcripts are JSON Lines, and the text of a prompt or of a file
//! an agent read is a JSON string there, its newlines written `\n`, its
//! quotes `\"`. A line whose first non-blank byte is `{`, `[`, `"`, `}` or
//! `]` and whose strings all close on it (or run to the end of the text: an
//! increment cut in the middle of a line) is read through a *view* in which
//! every string is unescaped (`\n`, `\"`, `\/`, `\uXXXX` and surrogate
//! pairs); a string holding a newline, or starting as an assignment to a
//! secret-looking name (`"DB_PASSWORD=…"`), is also delimited by newlines
//! rather than quotes in the view, so that its first and last lines are
//! lines to the rules that read whole lines (`password = …` in a `.env` the
//! agent read, or in a prompt).
//! The line numbers an agent's file viewer puts before each line
//! (`     1\t`, `     1→`) are blanked in the view for the same reason. The
//! rules run on the view; each match is mapped back to the raw bytes, widened
//! to whole escape sequences and whole UTF-8 characters, and cut at the end
//! of the JSON string it starts in: the replacement is ASCII without quotes
//! or backslashes inside one string, so a line that was valid JSON stays
//! valid JSON. Any other line is read as it is. (A match that starts outside
//! every string of a JSON line, which no rule makes of valid JSON, is
//! replaced as it is.)
//!
//! Every rule applies, including the ones the push scan keeps for
//! configuration files ([`super::rules::Scope::Config`]): a transcript holds
//! the `.env` files its agent read. Because it also holds code, a value of
//! those rules that reads as code (`brace_token: token::Brace,`) is kept
//! ([`reads_as_code`]).
//!
//! Fixed point: a replacement can uncover a match that an overlapping one
//! hid; the lines around each marker are read again until they hold
//! nothing more (at most [`MAX_ROUNDS`] rounds), so that
//! `redact(redact(x)) == redact(x)`.
//!
//! Cost: the text is read in line-aligned chunks of about 1 MiB with 16 KiB
//! of context on each side, spread over up to 4 threads; each chunk costs
//! one decoding pass and what [`super::matcher::scan_text`] costs on it (one
//! keyword pass, the rules whose keywords occur, the base64 values). When
//! something was found, one Aho-Corasick pass over the raw text looks for
//! its other occurrences, the chunks holding one are decoded again, the
//! marked lines are read again, and the text is copied once. Measured by
//! `secrets::bench::redact_timings` (release build, two cores): a 68 MB
//! Claude-like transcript in 0.25 s (270 MB/s; 0.29 s with nine planted
//! secrets) on a quiet machine, 0.44–0.64 s with four other builds
//! running; increments of about 11 KB in 0.08 ms (median; 0.8 ms at most).
//! The push scan's `scan_blob_streaming` reads the same text in 0.17 s:
//! the rest is the JSON decoding and the rules for configuration files.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use super::decode::{self, Encoding};
use super::matcher;

/// The redacted text and what was replaced in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redacted<'a> {
    /// The text with every secret replaced; borrowed when nothing was.
    pub bytes: Cow<'a, [u8]>,
    /// Each rule that matched, with how many ranges it replaced, in order of
    /// first occurrence.
    pub findings: Vec<(&'static str, usize)>,
}

impl Redacted<'_> {
    /// Whether anything was replaced.
    pub(crate) fn changed(&self) -> bool {
        !self.findings.is_empty()
    }
}

/// The marker that replaces a secret found by rule `rule`: ASCII, no quote,
/// backslash or newline, and nothing of the secret.
pub(crate) fn marker(rule: &str) -> String {
    format!("[REDACTED:{rule}]")
}

/// Replaces every secret in `text` (UTF-8 or any ASCII-compatible bytes,
/// JSON Lines or not, or UTF-16 text with or without a byte-order mark) by
/// [`marker`]; see the module documentation for what counts and what is
/// replaced. Total: any input, binary included, yields an output, and
/// `redact(redact(x)) == redact(x)`.
pub(crate) fn redact(text: &[u8]) -> Redacted<'_> {
    match decode::sniff(text) {
        Encoding::Utf16Le { bom } => redact_utf16(text, bom, false),
        Encoding::Utf16Be { bom } => redact_utf16(text, bom, true),
        Encoding::Bytes | Encoding::Binary => redact_bytes(text),
    }
}

/// Rounds of [`redact_bytes`] at most: a replacement can uncover a match
/// that an overlapping one hid (a token run into a PuTTY armour), which the
/// next round replaces; one round is the rule, two are rare.
const MAX_ROUNDS: usize = 4;

/// [`redact`] of text that is not UTF-16: the spans of [`secret_spans`]
/// replaced, then the lines of the markers read again until they hold
/// nothing more, so that the result is a fixed point.
fn redact_bytes(text: &[u8]) -> Redacted<'_> {
    let spans = secret_spans(text, None);
    if spans.is_empty() {
        return Redacted {
            bytes: Cow::Borrowed(text),
            findings: Vec::new(),
        };
    }
    let mut findings = Vec::new();
    let (mut bytes, mut markers) = apply(text, &spans, &mut findings);
    for _ in 1..MAX_ROUNDS {
        let spans = secret_spans(&bytes, Some(&markers));
        if spans.is_empty() {
            break;
        }
        (bytes, markers) = apply(&bytes, &spans, &mut findings);
    }
    Redacted {
        bytes: Cow::Owned(bytes),
        findings,
    }
}

/// One range of the input to replace, and the rule that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    range: Range<usize>,
    rule: &'static str,
}

/// What the chunks report of one match: its raw range, and where the JSON
/// string it starts in ends (the end of the text outside JSON).
struct RawHit {
    range: Range<usize>,
    rule: &'static str,
    limit: usize,
    /// The secret as the rules read it (JSON unescaped), when its other
    /// occurrences are to be replaced too.
    value: Option<Vec<u8>>,
    /// Found in what a base64 value decodes to (`range` is the value).
    encoded: bool,
}

/// Bytes each chunk reports on (it ends at the first line end after this).
const CHUNK: usize = 1 << 20;

/// Bytes of context each chunk also reads on each side (as the windows of
/// [`super::scan_blob_streaming`]).
const OVERLAP: usize = 16 << 10;

/// Other occurrences of a found secret are replaced when it is at least this
/// long (shorter values are common words and numbers) and at most
/// [`MAX_ECHO`].
const MIN_ECHO: usize = 6;
const MAX_ECHO: usize = 16 << 10;

/// Every range of `raw` to replace, sorted, disjoint; with `near` (sorted
/// ranges: the markers of an earlier round), only in the lines that hold
/// one of those, but the other occurrences of what is found there in all of
/// `raw`.
fn secret_spans(raw: &[u8], near: Option<&[Range<usize>]>) -> Vec<Span> {
    let all = chunk_starts(raw);
    let chunks = match near {
        None => all.clone(),
        Some(near) => lines_of(raw, near),
    };
    let mut hits = in_chunks(&chunks, |own| scan_chunk(raw, own));
    hits.sort_by_key(|h| h.range.start);
    let mut spans: Vec<Span> = Vec::with_capacity(hits.len());
    let mut echoes: Vec<(Vec<u8>, &'static str)> = Vec::new();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut finder = Finder::default();
    for hit in &mut hits {
        let mut range = hit.range.clone();
        if !hit.encoded && matches!(hit.rule, "private-key" | "gcp-service-account") {
            range.end = key_block_end(raw, range.clone(), &mut finder);
        }
        range.end = range.end.min(hit.limit).max(range.start);
        if let Some(value) = hit.value.take() {
            if seen.insert(value.clone()) {
                echoes.push((value, hit.rule));
            }
        }
        spans.push(Span { range, rule: hit.rule });
    }
    if let Some(echoes) = Echoes::of(echoes) {
        let candidates = echoes.chunks_to_read(raw, &all);
        let found = in_chunks(&candidates, |own| echoes_in_chunk(raw, own, &echoes));
        spans.extend(found.into_iter().map(|h| Span {
            range: h.range.start..h.range.end.min(h.limit),
            rule: h.rule,
        }));
    }
    for span in &mut spans {
        span.range = whole_chars(raw, span.range.clone());
    }
    merge(spans)
}

/// The lines of `raw` (each with its newline) that hold one of `ranges`
/// (sorted), joined with the lines between them where less than
/// [`OVERLAP`] apart (each range is read with that much context: lines
/// closer than that are read once, not once per line).
fn lines_of(raw: &[u8], ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        let start = memchr::memrchr(b'\n', &raw[..r.start.min(raw.len())]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &raw[r.end.min(raw.len())..]).map_or(raw.len(), |p| r.end + p + 1);
        match out.last_mut() {
            Some(last) if start <= last.end + OVERLAP => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// What `per_chunk` returns for each of `chunks`, in the order of the
/// chunks, run on up to 4 threads.
fn in_chunks(chunks: &[Range<usize>], per_chunk: impl Fn(Range<usize>) -> Vec<RawHit> + Sync) -> Vec<RawHit> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(chunks.len());
    if threads <= 1 {
        return chunks.iter().flat_map(|c| per_chunk(c.clone())).collect();
    }
    let per_chunk = &per_chunk;
    let per_thread: Vec<Vec<(usize, Vec<RawHit>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..chunks.len())
                        .step_by(threads)
                        .map(|i| (i, per_chunk(chunks[i].clone())))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a redaction thread panicked"))
            .collect()
    });
    let mut by_chunk: Vec<(usize, Vec<RawHit>)> = per_thread.into_iter().flatten().collect();
    by_chunk.sort_by_key(|(i, _)| *i);
    by_chunk.into_iter().flat_map(|(_, h)| h).collect()
}

/// The own ranges of the chunks of `raw`: consecutive, each ending just
/// after a newline (or at the end), each at least [`CHUNK`] bytes but the
/// last.
fn chunk_starts(raw: &[u8]) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < raw.len() {
        let end = match raw.get(start + CHUNK..) {
            Some(rest) => memchr::memchr(b'\n', rest).map_or(raw.len(), |p| start + CHUNK + p + 1),
            None => raw.len(),
        };
        chunks.push(start..end);
        start = end;
    }
    if chunks.is_empty() {
        chunks.push(0..0);
    }
    chunks
}

/// The view of the chunk whose own bytes are `own`, with [`OVERLAP`] bytes
/// of context on each side (the left context starting at a line).
fn chunk_view(raw: &[u8], own: &Range<usize>) -> View {
    let floor = own.start.saturating_sub(OVERLAP);
    let left = if floor == 0 {
        0
    } else {
        memchr::memchr(b'\n', &raw[floor..own.start]).map_or(own.start, |p| floor + p + 1)
    };
    let right = raw.len().min(own.end + OVERLAP);
    View::of(raw, left..right)
}

/// The matches of the rules that start in `own`.
fn scan_chunk(raw: &[u8], own: Range<usize>) -> Vec<RawHit> {
    let view = chunk_view(raw, &own);
    let mut out = Vec::new();
    for hit in matcher::scan_text_all(&view.bytes, true) {
        if hit.range.is_empty() {
            continue;
        }
        let in_view = if hit.encoded {
            wrapped_base64(&view.bytes, hit.range.clone())
        } else {
            hit.range.clone()
        };
        let range = view.raw_range(in_view);
        if range.start < own.start || range.start >= own.end {
            continue;
        }
        if configuration_only(hit.rule) && reads_as_code(&view.bytes[hit.range.clone()]) {
            continue;
        }
        let echo = !matches!(hit.rule, "private-key" | "gcp-service-account")
            && (MIN_ECHO..=MAX_ECHO).contains(&hit.range.len());
        out.push(RawHit {
            value: echo.then(|| view.bytes[hit.range.clone()].to_vec()),
            limit: view.string_end(range.start).unwrap_or(raw.len()),
            range,
            rule: hit.rule,
            encoded: hit.encoded,
        });
    }
    if memchr::memchr(0, &view.bytes).is_some() {
        out.extend(utf16_hits(raw, &own, &view));
    }
    out
}

/// Shortest run of UTF-16 code units inside other text that is read.
const MIN_UTF16: usize = 8;

/// The matches in the runs of UTF-16 text inside the view of a chunk:
/// ASCII code units (a byte and a NUL, or a NUL and a byte), as a file
/// written by Windows tools shows when read as bytes, or as JSON writes it
/// (`G\u0000H\u0000`). Each run is decoded and scanned; a match covers
/// its whole code units.
fn utf16_hits(raw: &[u8], own: &Range<usize>, view: &View) -> Vec<RawHit> {
    let text = &view.bytes;
    let ascii = |b: u8| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\r' | b'\n');
    let mut out = Vec::new();
    let mut decoded = Vec::new();
    // The runs read little-endian: the same bytes one off are a big-endian
    // run too, read once.
    let mut little: Vec<Range<usize>> = Vec::new();
    for big_endian in [false, true] {
        let unit = |i: usize| -> Option<u8> {
            let (a, b) = (*text.get(i)?, *text.get(i + 1)?);
            let (byte, zero) = if big_endian { (b, a) } else { (a, b) };
            (zero == 0 && ascii(byte)).then_some(byte)
        };
        let mut i = 0;
        while i + 1 < text.len() {
            let start = i;
            decoded.clear();
            while let Some(b) = unit(i) {
                decoded.push(b);
                i += 2;
            }
            if decoded.len() < MIN_UTF16 {
                i = start + 1;
                continue;
            }
            if !big_endian {
                little.push(start..i);
            } else if little
                .get(little.partition_point(|r| r.end <= start))
                .is_some_and(|r| r.start < i)
            {
                continue;
            }
            for hit in matcher::scan_text_all(&decoded, true) {
                if hit.range.is_empty() {
                    continue;
                }
                let range = view.raw_range(start + 2 * hit.range.start..start + 2 * hit.range.end);
                if own.contains(&range.start) {
                    out.push(RawHit {
                        limit: view.string_end(range.start).unwrap_or(raw.len()),
                        range,
                        rule: hit.rule,
                        value: None,
                        encoded: true,
                    });
                }
            }
        }
    }
    out
}

/// The base64 value `run` of `text` with the lines before and after it
/// that continue it: base64 wrapped at a fixed width (`base64` wraps at 76
/// characters, PEM at 64), where the rules read each line apart — the one
/// that decodes to a key's `BEGIN` line is found, and the lines of the key
/// after it must go too. A line continues the value when it is all base64
/// and as wide as the value's line (the last one may be narrower, and
/// padded).
fn wrapped_base64(text: &[u8], run: Range<usize>) -> Range<usize> {
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_');
    let width = run.len();
    let newline_at = |i: usize| match text.get(i..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([b'\n', ..]) => 1,
        _ => 0,
    };
    let mut out = run.clone();
    // Forward, unless the value is padded (its last line).
    while text.get(out.end - 1) != Some(&b'=') {
        let skip = newline_at(out.end);
        if skip == 0 {
            break;
        }
        let start = out.end + skip;
        let len = text[start..].iter().take(width + 1).take_while(|&&b| base64(b)).count();
        if len == 0 || len > width {
            break;
        }
        out.end = start + len;
        if len < width {
            break;
        }
    }
    // Backward: whole lines of the same width.
    loop {
        let before = &text[..out.start];
        let skip = match before {
            [.., b'\r', b'\n'] => 2,
            [.., b'\n'] => 1,
            _ => 0,
        };
        if skip == 0 || before.len() < skip + width {
            break;
        }
        let line = &before[before.len() - skip - width..before.len() - skip];
        let at_line_start = before.len() - skip - width == 0 || before[before.len() - skip - width - 1] == b'\n';
        if !at_line_start || !line.iter().all(|&b| base64(b) && b != b'=') {
            break;
        }
        out.start = before.len() - skip - width;
    }
    out
}

/// Whether rule `id` is one the push scan applies to configuration files
/// only.
fn configuration_only(id: &str) -> bool {
    super::rules::RULES
        .iter()
        .any(|r| r.id == id && r.scope == super::rules::Scope::Config)
}

/// A value of `name = value` that is code rather than a password: the
/// rules for configuration files read all of a transcript, code included,
/// where `token: windows_sys::Win32::Foundation::HANDLE,`,
/// `paren_token = paren_token;`, `Token::U8(70),` and
/// `password = get_password()` are fields, statements and calls. A value
/// ending in `,` or `;` (the bare value of the rule takes them in), starting
/// with `:` (the second colon of a path), or holding `::`, `->`, `=>`, `![`
/// or a pair of parentheses is code.
fn reads_as_code(value: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(value, needle).is_some();
    matches!(value.last(), Some(b',' | b';'))
        || value.first() == Some(&b':')
        || has(b"::")
        || has(b"->")
        || has(b"=>")
        || has(b"![")
        || (value.contains(&b'(') && value.contains(&b')'))
}

/// The secret values found by the rules, searched for everywhere.
struct Echoes {
    automaton: aho_corasick::AhoCorasick,
    values: Vec<Vec<u8>>,
    rules: Vec<&'static str>,
}

impl Echoes {
    /// The search for `values` (with the rule that found each); `None` when
    /// there is none.
    fn of(values: Vec<(Vec<u8>, &'static str)>) -> Option<Echoes> {
        if values.is_empty() {
            return None;
        }
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(values.iter().map(|(v, _)| v))
            .ok()?;
        let (values, rules) = values.into_iter().unzip();
        Some(Echoes {
            automaton,
            values,
            rules,
        })
    }
}

impl Echoes {
    /// The chunks among `chunks` that can hold an occurrence: all of them
    /// when a value is not plain ASCII (JSON may write it with `\u`
    /// escapes), else those where the value, or the value with its `/`
    /// written `\/`, occurs in the raw text — one pass over it, and a view
    /// only of those chunks.
    fn chunks_to_read(&self, raw: &[u8], chunks: &[Range<usize>]) -> Vec<Range<usize>> {
        let plain = |v: &[u8]| v.iter().all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if !self.values.iter().all(|v| plain(v)) {
            return chunks.to_vec();
        }
        let mut forms: Vec<Vec<u8>> = self.values.clone();
        for v in &self.values {
            if v.contains(&b'/') {
                forms.push(
                    v.iter()
                        .flat_map(|&b| if b == b'/' { vec![b'\\', b'/'] } else { vec![b] })
                        .collect(),
                );
            }
        }
        let Ok(automaton) = aho_corasick::AhoCorasick::new(&forms) else {
            return chunks.to_vec();
        };
        let mut out: Vec<Range<usize>> = Vec::new();
        for m in automaton.find_iter(raw) {
            // The chunk the occurrence starts in, and the next when it
            // runs into that (a later occurrence may overlap it).
            for at in [m.start(), m.end() - 1] {
                let i = chunks.partition_point(|c| c.end <= at);
                if let Some(c) = chunks.get(i) {
                    if out.last() != Some(c) {
                        out.push(c.clone());
                    }
                }
            }
        }
        out
    }
}

/// Every occurrence, in the view of the chunk `own`, of a secret value
/// found somewhere in the text, whole escape sequences included.
fn echoes_in_chunk(raw: &[u8], own: Range<usize>, echoes: &Echoes) -> Vec<RawHit> {
    let view = chunk_view(raw, &own);
    echoes
        .automaton
        .find_iter(&view.bytes)
        .filter(|m| !m.is_empty())
        .filter_map(|m| {
            let range = view.raw_range(m.range());
            (own.contains(&range.start)).then(|| RawHit {
                limit: view.string_end(range.start).unwrap_or(raw.len()),
                range,
                rule: echoes.rules[m.pattern().as_usize()],
                value: None,
                encoded: false,
            })
        })
        .collect()
}

/// Where the private-key block whose armour `armour` matched ends: after
/// its `END` line (`-----END …-----`, `---- END … ----`), after the
/// `Private-MAC` of a PuTTY key, or at the end of `raw`.
fn key_block_end(raw: &[u8], armour: Range<usize>, finder: &mut Finder) -> usize {
    let head = &raw[armour.clone()];
    if head.starts_with(b"PuTTY") {
        let Some(mac) = finder.find(raw, b"Private-MAC:", armour.end) else {
            return raw.len();
        };
        let mut i = mac + b"Private-MAC:".len();
        while raw.get(i) == Some(&b' ') {
            i += 1;
        }
        while raw.get(i).is_some_and(u8::is_ascii_hexdigit) {
            i += 1;
        }
        return i;
    }
    let (open, close): (&'static [u8], &'static [u8]) = if head.starts_with(b"---- ") {
        (b"---- END ", b" ----")
    } else {
        (b"-----END ", b"-----")
    };
    let Some(at) = finder.find(raw, open, armour.end) else {
        return raw.len();
    };
    finder
        .find(raw, close, at + open.len())
        .map_or(raw.len(), |p| p + close.len())
}

/// Searches of one text for a few needles, each answered from the last
/// search for the same needle when that still holds (it started at or
/// before this one and found nothing, or something at or after this one's
/// start): a text of many armours and no `END` is read once, not once per
/// armour.
#[derive(Default)]
struct Finder {
    last: Vec<(&'static [u8], usize, Option<usize>)>,
}

impl Finder {
    /// Where `needle` first occurs in `raw` at or after `from`.
    fn find(&mut self, raw: &[u8], needle: &'static [u8], from: usize) -> Option<usize> {
        let slot = self.last.iter().position(|(n, ..)| *n == needle);
        if let Some(&(_, searched, found)) = slot.map(|i| &self.last[i]) {
            if searched <= from && found.is_none_or(|p| p >= from) {
                return found;
            }
        }
        let found = raw
            .get(from..)
            .and_then(|hay| memchr::memmem::find(hay, needle))
            .map(|p| from + p);
        match slot {
            Some(i) => self.last[i] = (needle, from, found),
            None => self.last.push((needle, from, found)),
        }
        found
    }
}

/// `range` widened so that it starts and ends on UTF-8 character
/// boundaries of `raw` (when `raw` is UTF-8 there).
fn whole_chars(raw: &[u8], mut range: Range<usize>) -> Range<usize> {
    let continuation = |b: u8| (0x80..0xC0).contains(&b);
    for _ in 0..3 {
        if range.start > 0 && range.start < raw.len() && continuation(raw[range.start]) {
            range.start -= 1;
        }
        if range.end < raw.len() && continuation(raw[range.end]) {
            range.end += 1;
        }
    }
    range
}

/// `spans` sorted by start, overlapping ones joined (under the rule of the
/// first), empty ones dropped.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| !s.range.is_empty());
    spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.range.start < last.range.end => {
                last.range.end = last.range.end.max(span.range.end);
            }
            _ => out.push(span),
        }
    }
    out
}

/// `raw` with each of `spans` (sorted, disjoint) replaced by its
/// [`marker`], and where the markers are in it; counts each span in
/// `findings`.
fn apply(raw: &[u8], spans: &[Span], findings: &mut Vec<(&'static str, usize)>) -> (Vec<u8>, Vec<Range<usize>>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut markers = Vec::with_capacity(spans.len());
    let mut copied = 0;
    for span in spans {
        out.extend_from_slice(&raw[copied..span.range.start]);
        let at = out.len();
        out.extend_from_slice(marker(span.rule).as_bytes());
        markers.push(at..out.len());
        copied = span.range.end;
        match findings.iter_mut().find(|(r, _)| *r == span.rule) {
            Some((_, n)) => *n += 1,
            None => findings.push((span.rule, 1)),
        }
    }
    out.extend_from_slice(&raw[copied..]);
    (out, markers)
}

/// Redacts UTF-16 text: decoded to UTF-8 (unpaired surrogates become
/// U+FFFD), redacted, and encoded again in the same byte order, with its
/// byte-order mark and odd last byte, when anything was replaced.
fn redact_utf16(text: &[u8], bom: bool, big_endian: bool) -> Redacted<'_> {
    let body_start = if bom { 2 } else { 0 };
    let body = &text[body_start..];
    let mut decoded = Vec::with_capacity(body.len());
    decode::utf16_into(body, big_endian, &mut decoded);
    let inner = redact_bytes(&decoded);
    if !inner.changed() {
        return Redacted {
            bytes: Cow::Borrowed(text),
            findings: Vec::new(),
        };
    }
    let mut out = text[..body_start].to_vec();
    for unit in String::from_utf8_lossy(&inner.bytes).encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    if body.len() % 2 == 1 {
        out.extend_from_slice(&body[body.len() - 1..]);
    }
    Redacted {
        bytes: Cow::Owned(out),
        findings: inner.findings,
    }
}

/// One escape sequence of a JSON string and what it decodes to in a
/// [`View`].
#[derive(Debug, Clone, Copy)]
struct Escape {
    /// Offset in the view of the decoded bytes.
    view: usize,
    view_len: usize,
    /// Offset in the raw text of the sequence (`\n`, `\u00e9`, a surrogate
    /// pair).
    raw: usize,
    raw_len: usize,
}

/// A piece of raw text as the rules read it: JSON strings unescaped, line
/// numbers of file views blanked (see the module documentation), with what
/// maps each of its bytes back.
struct View {
    bytes: Vec<u8>,
    /// Where the view starts in the raw text.
    base: usize,
    /// The escape sequences, in order.
    escapes: Vec<Escape>,
    /// The raw ranges of the contents of the JSON strings (quotes
    /// excluded), in order.
    strings: Vec<Range<usize>>,
}

impl View {
    /// The view of `raw[range]`.
    fn of(raw: &[u8], range: Range<usize>) -> View {
        let mut view = View {
            bytes: Vec::with_capacity(range.len()),
            base: range.start,
            escapes: Vec::new(),
            strings: Vec::new(),
        };
        let mut at = range.start;
        while at < range.end {
            let end = memchr::memchr(b'\n', &raw[at..range.end]).map_or(range.end, |p| at + p + 1);
            view.line(raw, at..end);
            at = end;
        }
        view.blank_line_numbers();
        view
    }

    /// Appends the line `raw[line]` (with its newline, if any): decoded when
    /// it is JSON, else as it is.
    fn line(&mut self, raw: &[u8], line: Range<usize>) {
        let text = &raw[line.clone()];
        let first = text.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        let json = first.is_some_and(|i| matches!(text[i], b'{' | b'[' | b'"' | b'}' | b']'));
        if json && memchr::memchr(b'"', text).is_some() {
            let marks = (self.bytes.len(), self.escapes.len(), self.strings.len());
            if self.json_line(raw, line.clone()) {
                return;
            }
            // A string left open: not JSON, read as it is.
            self.bytes.truncate(marks.0);
            self.escapes.truncate(marks.1);
            self.strings.truncate(marks.2);
        }
        self.bytes.extend_from_slice(text);
    }

    /// Appends the JSON line `raw[line]` with its strings decoded; `false`
    /// when a string is still open at its newline (a line without one ends
    /// the text or the view: its last string runs to its end).
    fn json_line(&mut self, raw: &[u8], line: Range<usize>) -> bool {
        let mut at = line.start;
        loop {
            // Outside a string: up to the next quote, as it is.
            let Some(p) = memchr::memchr(b'"', &raw[at..line.end]) else {
                self.bytes.extend_from_slice(&raw[at..line.end]);
                return true;
            };
            let quote = at + p;
            self.bytes.extend_from_slice(&raw[at..=quote]);
            let open_in_view = self.bytes.len() - 1;
            let content_start = quote + 1;
            at = content_start;
            let mut multiline = false;
            // Inside the string.
            loop {
                let Some(p) = memchr::memchr3(b'"', b'\\', b'\n', &raw[at..line.end]) else {
                    // The text ends inside the string (an increment cut in
                    // the middle of a line): a string to the end.
                    self.bytes.extend_from_slice(&raw[at..line.end]);
                    self.strings.push(content_start..line.end);
                    if multiline {
                        self.bytes[open_in_view] = b'\n';
                    }
                    return true;
                };
                let stop = at + p;
                self.bytes.extend_from_slice(&raw[at..stop]);
                match raw[stop] {
                    b'"' => {
                        self.strings.push(content_start..stop);
                        if multiline || assigns_a_secret(&self.bytes[open_in_view + 1..]) {
                            self.bytes[open_in_view] = b'\n';
                            self.bytes.push(b'\n');
                        } else {
                            self.bytes.push(b'"');
                        }
                        at = stop + 1;
                        break;
                    }
                    b'\n' => return false,
                    _ => {
                        let (decoded, len) = unescape(&raw[stop..line.end]);
                        match decoded {
                            Some(ch) => {
                                let mut buf = [0u8; 4];
                                let bytes = ch.encode_utf8(&mut buf).as_bytes();
                                multiline |= ch == '\n';
                                self.escapes.push(Escape {
                                    view: self.bytes.len(),
                                    view_len: bytes.len(),
                                    raw: stop,
                                    raw_len: len,
                                });
                                self.bytes.extend_from_slice(bytes);
                            }
                            None => self.bytes.extend_from_slice(&raw[stop..stop + len]),
                        }
                        at = stop + len;
                    }
                }
            }
        }
    }

    /// Replaces with spaces, at the start of each line of the view, the line
    /// number of a file viewer: blanks, digits, then a tab or `→`.
    fn blank_line_numbers(&mut self) {
        let mut start = 0;
        loop {
            let line = &self.bytes[start..];
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
            let digits = line[spaces..]
                .iter()
                .take(10)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if (1..10).contains(&digits) {
                let after = &line[spaces + digits..];
                let sep = if after.starts_with(b"\t") {
                    1
                } else if after.starts_with("→".as_bytes()) {
                    3
                } else {
                    0
                };
                if sep > 0 {
                    self.bytes[start..start + spaces + digits + sep].fill(b' ');
                }
            }
            match memchr::memchr(b'\n', &self.bytes[start..]) {
                Some(p) => start += p + 1,
                None => return,
            }
        }
    }

    /// The raw offset of view byte `at` (of the start of its escape
    /// sequence, for a decoded byte), or with `end` the raw offset just
    /// after it (after its escape sequence).
    fn raw_offset(&self, at: usize, end: bool) -> usize {
        let i = self.escapes.partition_point(|e| e.view <= at);
        let Some(e) = i.checked_sub(1).map(|i| self.escapes[i]) else {
            return self.base + at + usize::from(end);
        };
        if at < e.view + e.view_len {
            return if end { e.raw + e.raw_len } else { e.raw };
        }
        e.raw + e.raw_len + (at - e.view - e.view_len) + usize::from(end)
    }

    /// The raw range of the view's bytes `range` (not empty), whole escape
    /// sequences included.
    fn raw_range(&self, range: Range<usize>) -> Range<usize> {
        self.raw_offset(range.start, false)..self.raw_offset(range.end - 1, true)
    }

    /// Where the content of the JSON string holding raw offset `at` ends,
    /// if `at` is in one.
    fn string_end(&self, at: usize) -> Option<usize> {
        let i = self.strings.partition_point(|s| s.start <= at);
        let s = &self.strings[i.checked_sub(1)?];
        (at < s.end).then_some(s.end)
    }
}

/// Whether the decoded content of a JSON string starts as a line that
/// assigns a secret-looking name (`DB_PASSWORD=…`, `export API_TOKEN=…`,
/// `password: …`): such a string is delimited by newlines in the view, as
/// one with several lines is, so that the rules that read whole lines see
/// it as one (a prompt, a shell command).
fn assigns_a_secret(content: &[u8]) -> bool {
    let mut rest = content.trim_ascii_start();
    for prefix in [&b"export "[..], b"set ", b"ENV "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_ascii_start();
        }
    }
    let name = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if name == 0 || (!rest[0].is_ascii_alphabetic() && rest[0] != b'_') {
        return false;
    }
    let after = rest[name..].trim_ascii_start();
    matches!(after.first(), Some(b'=' | b':')) && super::rules::key_says_secret(&String::from_utf8_lossy(&rest[..name]))
}

/// Decodes the JSON escape sequence at the start of `text` (which starts
/// with a backslash): the character and the length of the sequence, or
/// `None` and 1 (2 for `\` and a byte that is not an escape) when it is
/// none.
fn unescape(text: &[u8]) -> (Option<char>, usize) {
    let Some(&kind) = text.get(1) else {
        return (None, 1);
    };
    let simple = match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = |t: &[u8]| -> Option<u32> {
                let digits = t.get(2..6)?;
                digits.iter().try_fold(0u32, |acc, &b| {
                    let d = (b as char).to_digit(16)?;
                    Some(acc << 4 | d)
                })
            };
            let Some(unit) = hex(text) else {
                return (None, 2);
            };
            if (0xD800..0xDC00).contains(&unit) {
                if let Some(low) = text.get(6..).filter(|t| t.starts_with(b"\\u")).and_then(hex) {
                    if (0xDC00..0xE000).contains(&low) {
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return (char::from_u32(c), 12);
                    }
                }
            }
            return (Some(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)), 6);
        }
        _ => return (None, if kind == b'\n' { 1 } else { 2 }),
    };
    (Some(simple), 2)
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
