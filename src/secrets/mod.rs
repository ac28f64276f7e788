//! The secrets scan that runs before `git session push` (docs/design.md §4,
//! invariant 8: a push that would carry something that looks like a secret
//! stops and says where).
//!
//! [`scan_new_blobs`] finds the blobs a push of session refs would send that
//! are not already in the user's own branches and tags — snapshots,
//! attachments, transcripts — and scans each: text blobs up to
//! [`MAX_BLOB_SIZE`] whole with [`scan_blob`], larger and binary blobs in
//! windows with [`scan_blob_streaming`]. The push turns a non-empty result
//! into an error naming each file and rule, unless `--allow-secrets` was
//! given.
//!
//! What a scan reads:
//! - the rules of [`rules::RULES`]: private-key armours, about twenty token
//!   formats, credentials in URLs, connection strings, `.npmrc` and Docker
//!   `config.json`, and names that say "secret" with a value;
//! - base64 values (Kubernetes `Secret` data, `.dockerconfigjson`, any
//!   value that decodes to text), decoded and scanned again
//!   ([`matcher`]);
//! - UTF-16 text (with or without a byte-order mark), decoded first;
//! - binary blobs, by their printable runs ([`decode`]).
//!
//! The same rules redact what agent hooks store ([`redact()`]): prompts and
//! transcripts, with each secret replaced by `[REDACTED:<rule id>]`.
//!
//! Why the `regex` crate: the rules are a data table of patterns with
//! character classes, bounded repetitions and alternations, which is exactly
//! what a regex engine is for. `regex` guarantees linear-time matching (no
//! catastrophic backtracking on hostile input from a snapshot), and it was
//! already in the dependency tree through gix, as is `aho-corasick`, which
//! runs every rule's keywords in one pass so that a rule's pattern only runs
//! on text that holds one of them.
//!
//! Why a table kept here rather than a maintained rule set: gitleaks'
//! `gitleaks.toml` (MIT) and Nosey Parker's rules (Apache-2.0) were the
//! candidates. Neither is published as a crate, and the crates that re-ship
//! them are one-person projects a security check should not trust; vendoring
//! the file would bring 200 patterns (most for services this tool's users
//! never meet, each one more pass and more false positives), their own
//! allow-list and entropy semantics to re-implement, and a TOML or YAML
//! parser. What this scan needs beyond a pattern — decoding base64 values
//! and Docker `auth`, telling `password: hunter2` in a YAML file from
//! `password: String` in code, a `PRIVATE KEY` armour from a string that
//! names it — is code either way. The table borrows the published token
//! shapes (gitleaks' and the issuers' documentation) and is pinned by a
//! corpus of positive and negative samples in the tests, which reports
//! recall and false positives.
//!
//! Cost: the walk only decodes trees that differ from the trees of the
//! excluded tips (identical subtrees are skipped wholesale), and only reads
//! blobs that are new, so a scan of a session whose snapshots share most of
//! HEAD's tree costs roughly the size of what changed, plus one pass over the
//! tree objects (never the blobs) of the excluded tips. On the 100,000-file
//! benchmark repository (release build, one snapshot with one file changed
//! and one added) a scan takes 23–44 ms, which is almost all that pass (the
//! session walk decodes only the few changed trees, not timed apart); walking
//! the session trees in step with HEAD's, path by path, would remove it if it
//! ever matters. The scan of the text itself (release build, measured by
//! `secrets::bench` on a busy two-core machine) reads source code at
//! 220–340 MB/s (this crate and the gix crates, 10 MB: 45 ms; all 449 MB
//! of crates.io sources in the cargo registry: 1.3 s, with 19 findings,
//! 18 of them real test keys), where the table of 11 rules it replaced read
//! 300–500 MB/s and reported 1,127 findings on the same sources, nearly all
//! false; the one-pass keyword filter is what keeps the extra rules cheap.

pub(crate) mod redact;
pub(crate) mod rules;

mod decode;
mod matcher;

// Called by the agent hooks (issue 12) for prompts and transcripts.
pub(crate) use redact::redact;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::Mutex;

use anyhow::{Context, Result};
use gix::ObjectId;

use decode::Encoding;
#[cfg(test)]
use matcher::COMPILED;
use matcher::{scan_text, Hit};
use rules::RULES;

/// What the rule `id` finds, for people ("GitHub fine-grained personal access token").
pub(crate) fn describe(id: &str) -> &'static str {
    RULES.iter().find(|r| r.id == id).map_or("", |r| r.description)
}

/// Blobs larger than this are not read whole by [`scan_blob`] (a stray dump
/// is not a config file); [`scan_blob_streaming`] reads them in windows.
pub(crate) const MAX_BLOB_SIZE: u64 = 2 * 1024 * 1024;

/// A blob with a NUL byte in this many leading bytes is binary, unless it is
/// UTF-16 (git's own heuristic).
#[cfg(test)]
const BINARY_PROBE: usize = decode::PROBE;

/// One thing that looks like a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Finding {
    /// Path of the blob inside the tree it was met in, `/`-separated (for a
    /// session event: `worktree/src/config.rs`, `attachments/plan.md`, …).
    pub path: String,
    /// The [`rules::Rule::id`] that matched.
    pub rule: &'static str,
    /// 1-based line number of the start of the match.
    pub line: usize,
    /// The first four characters of the secret followed by `…`; never more
    /// (fewer for a secret under 16 characters; for a secret found in a
    /// base64 value, the first characters of the encoded value).
    pub excerpt: String,
}

/// Scans one blob's bytes for secrets; `path` is only copied into the
/// findings and decides whether the blob is configuration (see
/// [`is_config_path`]). UTF-16 text is decoded first; other binary blobs (a
/// NUL in the first 8000 bytes) and blobs larger than [`MAX_BLOB_SIZE`]
/// yield nothing here: [`scan_blob_streaming`] reads those. Invalid UTF-8
/// is read as bytes. Findings come in order of position, at most 100;
/// when two rules match overlapping text only the earlier rule reports.
pub(crate) fn scan_blob(path: &str, data: &[u8]) -> Vec<Finding> {
    if data.len() as u64 > MAX_BLOB_SIZE {
        return Vec::new();
    }
    let config = is_config_path(path);
    let (text, big_endian) = match decode::sniff(data) {
        Encoding::Binary => return Vec::new(),
        Encoding::Bytes => return findings(path, data, scan_text(data, config, 0)),
        Encoding::Utf16Le { bom } => (if bom { &data[2..] } else { data }, false),
        Encoding::Utf16Be { bom } => (if bom { &data[2..] } else { data }, true),
    };
    let mut decoded = Vec::with_capacity(text.len());
    decode::utf16_into(text, big_endian, &mut decoded);
    findings(path, &decoded, scan_text(&decoded, config, 0))
}

/// Bytes of a blob each window of [`scan_blob_streaming`] reports on.
const WINDOW: usize = 1 << 20;

/// Bytes each window also reads on each side of the bytes it reports on:
/// more than the longest match of any rule and more than the longest base64
/// value decoded ([`matcher::BASE64_MAX`]), so a secret across the border of
/// two windows is seen whole by the window it starts in.
const OVERLAP: usize = 16 << 10;

/// Scans a blob of any size and kind — text, UTF-16 or binary — in windows
/// of 1 MiB that overlap by 16 KiB on each side, with the rules of
/// [`scan_blob`]. A binary blob is read by its printable runs of 8 bytes
/// or more (as `strings` would); a finding's line is the count of newline
/// bytes before it. Findings come in order of position, at most
/// 100.
///
/// Memory: one window buffer (about 1 MiB, 1.5 MiB for UTF-16) per thread
/// besides `data` itself. gix 0.90 has no streaming read of an object, so
/// `data` is the whole blob in memory; [`scan_new_blobs`] holds at most one
/// blob over [`MAX_BLOB_SIZE`] at a time.
///
/// Time: each window costs one pass for the keywords of every rule, one per
/// rule whose keyword occurs and one for base64 values, each linear (the
/// `regex` crate's lazy DFA, Aho-Corasick for the keywords). Windows are
/// spread over up to 4 threads. A 100 MB blob of keyword-dense text (a
/// secret-looking name on every line, base64 on every eighth: the worst
/// realistic case) takes about 0.45 s on two cores (0.9 s of CPU, release
/// build); 100 MB of random binary data about 0.23 s, since few of its runs
/// are printable (`secrets::bench` measures both). Large blobs are rare in
/// what a push sends, and this is cheap next to sending them.
pub(crate) fn scan_blob_streaming(path: &str, data: &[u8]) -> Vec<Finding> {
    let config = is_config_path(path);
    let encoding = decode::sniff(data);
    let body = match encoding {
        Encoding::Utf16Le { bom: true } | Encoding::Utf16Be { bom: true } => &data[2..],
        _ => data,
    };
    let windows = body.len().div_ceil(WINDOW);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(windows.max(1));
    // Thread `t` scans windows t, t + threads, …; each window says what it
    // found (with the newlines before each finding in the window) and how
    // many newlines it holds, so lines are numbered once all are done.
    let scanned: Vec<Vec<(usize, WindowScan)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut buffer = Vec::with_capacity(WINDOW + 2 * OVERLAP);
                    (t..windows)
                        .step_by(threads)
                        .map(|w| (w, scan_window(body, w * WINDOW, encoding, config, &mut buffer)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a secrets scan thread panicked"))
            .collect()
    });
    let mut by_window: Vec<(usize, WindowScan)> = scanned.into_iter().flatten().collect();
    by_window.sort_by_key(|(w, _)| *w);
    let mut out = Vec::new();
    let mut lines_before = 0;
    for (_, window) in by_window {
        for (lines, hit) in window.hits {
            if out.len() < MAX_FINDINGS {
                out.push(finding(path, lines_before + lines + 1, hit));
            }
        }
        lines_before += window.newlines;
    }
    out
}

/// At most this many findings per blob: a blob full of keys is reported by
/// its first ones.
const MAX_FINDINGS: usize = matcher::MAX_HITS;

/// What one window of [`scan_blob_streaming`] found.
struct WindowScan {
    /// Each hit that starts in the window's own bytes, with the newlines
    /// between the start of those bytes and the hit.
    hits: Vec<(usize, Hit)>,
    /// Newlines in the window's own bytes.
    newlines: usize,
}

/// Scans the window of `body` whose own bytes start at `start`, decoded
/// into `buffer` with its overlap on each side.
fn scan_window(body: &[u8], start: usize, encoding: Encoding, config: bool, buffer: &mut Vec<u8>) -> WindowScan {
    let end = body.len().min(start + WINDOW);
    let left = start.saturating_sub(OVERLAP);
    let right = body.len().min(end + OVERLAP);
    buffer.clear();
    let mut hits = Vec::new();
    if encoding == Encoding::Binary {
        // Only the printable runs are scanned; a hit is placed (and its
        // line counted) in the blob's own bytes.
        let mut runs = Vec::new();
        decode::printable_runs_into(&body[left..right], buffer, &mut runs);
        let mut lines = 0;
        let mut counted = start;
        for hit in scan_text(buffer, config, 0) {
            let at = left + decode::offset_in_binary(&runs, hit.start);
            if at < start || at >= end {
                continue;
            }
            lines += count_newlines(&body[counted..at]);
            counted = at;
            hits.push((lines, hit));
        }
        return WindowScan {
            hits,
            newlines: count_newlines(&body[start..end]),
        };
    }
    let decode_into = |raw: &[u8], out: &mut Vec<u8>| match encoding {
        Encoding::Utf16Le { .. } => decode::utf16_into(raw, false, out),
        Encoding::Utf16Be { .. } => decode::utf16_into(raw, true, out),
        Encoding::Bytes | Encoding::Binary => out.extend_from_slice(raw),
    };
    decode_into(&body[left..start], buffer);
    let from = buffer.len();
    decode_into(&body[start..end], buffer);
    let to = buffer.len();
    decode_into(&body[end..right], buffer);
    let mut lines = 0;
    let mut counted = from;
    for hit in scan_text(buffer, config, 0) {
        if hit.start < from || hit.start >= to {
            continue;
        }
        lines += count_newlines(&buffer[counted..hit.start]);
        counted = hit.start;
        hits.push((lines, hit));
    }
    WindowScan {
        hits,
        newlines: count_newlines(&buffer[from..to]),
    }
}

/// Scans a blob with [`scan_blob`] when it is text of at most
/// [`MAX_BLOB_SIZE`], else with [`scan_blob_streaming`].
fn scan_any_blob(path: &str, data: &[u8]) -> Vec<Finding> {
    if data.len() as u64 > MAX_BLOB_SIZE || decode::sniff(data) == Encoding::Binary {
        scan_blob_streaming(path, data)
    } else {
        scan_blob(path, data)
    }
}

/// Whether the file at `path` is configuration by its name: `.env` files,
/// YAML, TOML, JSON, INI, properties, `.conf`/`.cfg`, Terraform variables,
/// shell scripts and profiles, Dockerfiles, `.npmrc`, `.pypirc`, `.netrc`,
/// `.pgpass`, `credentials`. Only there does a short value after a
/// secret-looking name count (`DB_PASSWORD=hunter2`): in code,
/// `password: String` is a type and `token = next()` a call.
pub(crate) fn is_config_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    const NAMES: &[&str] = &[
        ".envrc",
        ".npmrc",
        ".yarnrc",
        ".pypirc",
        ".netrc",
        "_netrc",
        ".pgpass",
        "credentials",
        "config",
        ".git-credentials",
        ".bashrc",
        ".bash_profile",
        ".profile",
        ".zshrc",
        ".zprofile",
        ".zshenv",
        "dockerfile",
        "containerfile",
    ];
    const EXTENSIONS: &[&str] = &[
        "env",
        "yaml",
        "yml",
        "toml",
        "ini",
        "cfg",
        "conf",
        "cnf",
        "config",
        "properties",
        "json",
        "json5",
        "jsonc",
        "tfvars",
        "hcl",
        "sh",
        "bash",
        "zsh",
        "fish",
        "ps1",
        "bat",
        "cmd",
        "service",
        "dockerfile",
    ];
    name.starts_with(".env")
        || name.starts_with("dockerfile")
        || NAMES.contains(&name.as_str())
        || name.rsplit_once('.').is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The findings of `hits` (in order of position) in `text`.
fn findings(path: &str, text: &[u8], hits: Vec<Hit>) -> Vec<Finding> {
    let mut line = 1;
    let mut counted = 0;
    hits.into_iter()
        .map(|hit| {
            line += count_newlines(&text[counted..hit.start]);
            counted = hit.start;
            finding(path, line, hit)
        })
        .collect()
}

fn finding(path: &str, line: usize, hit: Hit) -> Finding {
    Finding {
        path: path.to_owned(),
        rule: hit.rule,
        line,
        excerpt: hit.excerpt,
    }
}

/// Scans every blob reachable from `tips` that is not reachable from
/// `exclude`, and returns what [`scan_blob`] finds in them (text blobs up
/// to [`MAX_BLOB_SIZE`]) or [`scan_blob_streaming`] (larger and binary
/// blobs).
///
/// `tips` are commits, trees or tags of either (the session refs about to be
/// pushed); `exclude` are the user's own tips (`refs/heads/*`,
/// `refs/remotes/*`, `refs/tags/*`), whose content is not the session's to
/// leak. Commits are walked through all parents, stopping at commits
/// reachable from `exclude` — so the anchor parents of session events are
/// not followed into the user's history — and the tree of every commit the
/// walk yields is scanned, except subtrees and blobs that also appear in the
/// trees of the `exclude` tips themselves. Each blob is scanned once, under
/// the path it was first met at (commits newest first, trees breadth first).
pub(crate) fn scan_new_blobs(repo: &gix::Repository, tips: &[ObjectId], exclude: &[ObjectId]) -> Result<Vec<Finding>> {
    let mut tip_commits = Vec::new();
    let mut roots = Vec::new();
    let mut tip_blobs = Vec::new();
    for &tip in tips {
        match peel(repo, tip)? {
            Peeled::Commit(commit) => tip_commits.push(commit),
            Peeled::Tree(tree) => roots.push(tree),
            Peeled::Blob(blob) => tip_blobs.push(blob),
        }
    }
    let mut hidden = Vec::new();
    let mut known_roots = Vec::new();
    for &tip in exclude {
        match peel(repo, tip)? {
            Peeled::Commit(commit) => {
                hidden.push(commit);
                known_roots.push(commit_tree(repo, commit)?);
            }
            Peeled::Tree(tree) => known_roots.push(tree),
            Peeled::Blob(_) => {}
        }
    }

    if !tip_commits.is_empty() {
        let walk = repo
            .rev_walk(tip_commits)
            .with_hidden(hidden)
            .all()
            .context("cannot walk the session history")?;
        let mut trees = Vec::new();
        for info in walk {
            let info = info.context("cannot walk the session history")?;
            trees.push(commit_tree(repo, info.id)?);
        }
        // Commit trees first (newest first), then trees named directly.
        trees.append(&mut roots);
        roots = trees;
    }
    if roots.is_empty() && tip_blobs.is_empty() {
        return Ok(Vec::new());
    }

    let known = Known::of(repo, &known_roots)?;
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut candidates: Vec<(ObjectId, String)> = Vec::new();
    let mut queue: std::collections::VecDeque<(ObjectId, String)> = Default::default();
    for blob in tip_blobs {
        if !known.blobs.contains(&blob) && seen_blobs.insert(blob) {
            candidates.push((blob, blob.to_string()));
        }
    }
    for root in roots {
        queue.push_back((root, String::new()));
        while let Some((tree_id, prefix)) = queue.pop_front() {
            if known.trees.contains(&tree_id) || !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repo
                .find_tree(tree_id)
                .with_context(|| format!("cannot read tree {tree_id}"))?;
            for entry in tree.iter() {
                let entry = entry.with_context(|| format!("cannot decode tree {tree_id}"))?;
                let mode = entry.mode();
                let id = entry.oid().to_owned();
                let path = format!("{prefix}{}", entry.filename());
                if mode.is_tree() {
                    queue.push_back((id, path + "/"));
                } else if mode.is_blob() && !known.blobs.contains(&id) && seen_blobs.insert(id) {
                    candidates.push((id, path));
                }
            }
        }
    }

    // Reading and scanning the blobs is most of the work (each new blob is
    // usually a loose object): spread it over threads, keeping the order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(candidates.len().div_ceil(64).max(1));
    let chunk = candidates.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<Finding>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| {
                let repo = repo.clone();
                scope.spawn(move || scan_candidates(&repo, part))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a secrets scan thread panicked"))
            .collect()
    });
    let mut findings = Vec::new();
    for part in results {
        findings.extend(part?);
    }
    Ok(findings)
}

/// Held while a blob over [`MAX_BLOB_SIZE`] is read and scanned.
static LARGE_BLOB: Mutex<()> = Mutex::new(());

/// Scans the blobs `candidates` (id and path), in order.
fn scan_candidates(repo: &gix::Repository, candidates: &[(ObjectId, String)]) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for (id, path) in candidates {
        let header = repo
            .find_header(*id)
            .with_context(|| format!("cannot read blob {id} ({path})"))?;
        // One large blob in memory at a time, whatever the threads.
        let _large = (header.size() > MAX_BLOB_SIZE).then(|| LARGE_BLOB.lock().unwrap_or_else(|e| e.into_inner()));
        let blob = repo
            .find_object(*id)
            .with_context(|| format!("cannot read blob {id} ({path})"))?;
        findings.extend(scan_any_blob(path, &blob.data));
    }
    Ok(findings)
}

enum Peeled {
    Commit(ObjectId),
    Tree(ObjectId),
    Blob(ObjectId),
}

/// `id` with annotated tags peeled off.
fn peel(repo: &gix::Repository, id: ObjectId) -> Result<Peeled> {
    let object = repo
        .find_object(id)
        .with_context(|| format!("cannot read object {id}"))?
        .peel_tags_to_end()
        .with_context(|| format!("cannot peel tag {id}"))?;
    Ok(match object.kind {
        gix::object::Kind::Commit => Peeled::Commit(object.id),
        gix::object::Kind::Tree => Peeled::Tree(object.id),
        _ => Peeled::Blob(object.id),
    })
}

fn commit_tree(repo: &gix::Repository, commit: ObjectId) -> Result<ObjectId> {
    repo.find_commit(commit)
        .with_context(|| format!("cannot read commit {commit}"))?
        .tree_id()
        .map(|id| id.detach())
        .with_context(|| format!("cannot read the tree of commit {commit}"))
}

/// Every tree and blob in the trees of the excluded tips: content the user
/// already has in their own branches and tags.
struct Known {
    trees: HashSet<ObjectId>,
    blobs: HashSet<ObjectId>,
}

impl Known {
    /// Walks `roots` once; subtrees shared between roots are walked once.
    fn of(repo: &gix::Repository, roots: &[ObjectId]) -> Result<Known> {
        let mut known = Known {
            trees: HashSet::new(),
            blobs: HashSet::new(),
        };
        let mut stack: Vec<ObjectId> = roots.to_vec();
        while let Some(tree_id) = stack.pop() {
            if !known.trees.insert(tree_id) {
                continue;
            }
            let tree = repo
                .find_tree(tree_id)
                .with_context(|| format!("cannot read tree {tree_id}"))?;
            for entry in tree.iter() {
                let entry = entry.with_context(|| format!("cannot decode tree {tree_id}"))?;
                let mode = entry.mode();
                if mode.is_tree() {
                    stack.push(entry.oid().to_owned());
                } else if mode.is_blob() {
                    known.blobs.insert(entry.oid().to_owned());
                }
            }
        }
        Ok(known)
    }
}
