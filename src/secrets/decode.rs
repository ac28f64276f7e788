//! Turning what a blob holds into text the rules can read: UTF-16 text,
//! base64 values, and the printable runs of binary data.
//!
//! Hand-written rather than a dependency: each decoder is a few lines over
//! bytes, must be total (never panic, whatever a snapshot holds) and is
//! used on small, bounded pieces.

/// How the bytes of a blob are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 or an ASCII-compatible 8-bit encoding (invalid UTF-8 is read as
    /// bytes).
    Bytes,
    /// UTF-16, little-endian; `bom` says whether the first two bytes are a
    /// byte-order mark to skip.
    Utf16Le { bom: bool },
    /// UTF-16, big-endian.
    Utf16Be { bom: bool },
    /// Not text: only the printable runs are read.
    Binary,
}

/// How many leading bytes decide the encoding (git's own binary probe).
pub(crate) const PROBE: usize = 8000;

/// Decides how `data` is text from its first [`PROBE`] bytes: a UTF-16
/// byte-order mark, or (without one) a NUL in every other byte with
/// printable ASCII in between, is UTF-16; any other NUL makes it binary.
pub(crate) fn sniff(data: &[u8]) -> Encoding {
    let probe = &data[..data.len().min(PROBE)];
    match probe {
        [0xFF, 0xFE, ..] if !probe.starts_with(&[0xFF, 0xFE, 0, 0]) => return Encoding::Utf16Le { bom: true },
        [0xFE, 0xFF, ..] => return Encoding::Utf16Be { bom: true },
        _ => {}
    }
    if !probe.contains(&0) {
        return Encoding::Bytes;
    }
    let pairs = probe.len() / 2;
    if pairs >= 2 {
        let (mut zero_even, mut zero_odd, mut text_even, mut text_odd) = (0usize, 0usize, 0usize, 0usize);
        for pair in probe.chunks_exact(2) {
            let text = |b: u8| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r');
            zero_even += usize::from(pair[0] == 0);
            zero_odd += usize::from(pair[1] == 0);
            text_even += usize::from(text(pair[0]));
            text_odd += usize::from(text(pair[1]));
        }
        let most = |n: usize| n * 10 >= pairs * 9;
        let few = |n: usize| n * 20 <= pairs;
        if most(zero_odd) && few(zero_even) && most(text_even) {
            return Encoding::Utf16Le { bom: false };
        }
        if most(zero_even) && few(zero_odd) && most(text_odd) {
            return Encoding::Utf16Be { bom: false };
        }
    }
    Encoding::Binary
}

/// Appends the UTF-8 form of the UTF-16 code units in `data` (an odd last
/// byte is dropped, unpaired surrogates become U+FFFD) to `out`.
pub(crate) fn utf16_into(data: &[u8], big_endian: bool, out: &mut Vec<u8>) {
    let units = data.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut buf = [0u8; 4];
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
}

/// Shortest printable run of binary data that is read: no secret is
/// shorter.
const MIN_RUN: usize = 8;

/// Appends each printable run of `data` (printable ASCII, tab, CR and LF)
/// of 8 bytes or more to `out`, followed by `\n` (what `strings -n 8`
/// prints), and for each run its offset in `out` and in `data` to `runs`,
/// so that a match in `out` can be placed in `data`.
pub(crate) fn printable_runs_into(data: &[u8], out: &mut Vec<u8>, runs: &mut Vec<(usize, usize)>) {
    let printable = |b: u8| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\r' | b'\n');
    let mut i = 0;
    while i < data.len() {
        if !printable(data[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < data.len() && printable(data[i]) {
            i += 1;
        }
        if i - start >= MIN_RUN {
            runs.push((out.len(), start));
            out.extend_from_slice(&data[start..i]);
            out.push(b'\n');
        }
    }
}

/// Where byte `at` of what [`printable_runs_into`] wrote comes from in its
/// input.
pub(crate) fn offset_in_binary(runs: &[(usize, usize)], at: usize) -> usize {
    match runs.partition_point(|&(out, _)| out <= at) {
        0 => 0,
        i => runs[i - 1].1 + (at - runs[i - 1].0),
    }
}

/// Decodes standard or URL-safe base64, padded or not; `None` when `text`
/// is not base64 (a character outside the alphabet, the two alphabets
/// mixed, or an impossible length).
pub(crate) fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() % 4 == 1 {
        return None;
    }
    let standard = body.iter().any(|b| matches!(b, b'+' | b'/'));
    let url_safe = body.iter().any(|b| matches!(b, b'-' | b'_'));
    if standard && url_safe {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for quad in body.chunks(4) {
        let mut acc = 0u32;
        for &b in quad {
            acc = acc << 6 | value(b)?;
        }
        match quad.len() {
            4 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            2 => out.push((acc >> 4) as u8),
            _ => return None,
        }
    }
    Some(out)
}

/// Whether decoded bytes are text worth scanning: valid UTF-8, at least 8
/// bytes, and printable (no control character but tab, CR and LF).
pub(crate) fn is_text(data: &[u8]) -> bool {
    data.len() >= 8
        && std::str::from_utf8(data)
            .is_ok_and(|s| s.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n')))
}
