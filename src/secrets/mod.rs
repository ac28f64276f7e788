//! The secrets scan that runs before `git session push` (docs/design.md §4,
//! invariant 8: a push that would carry something that looks like a secret
//! stops and says where).
//!
//! [`scan_new_blobs`] finds the blobs a push of session refs would send that
//! are not already in the user's own branches and tags — snapshots,
//! attachments, transcripts — and [`scan_blob`] checks each against the
//! table of [`rules::RULES`]. The push turns a non-empty result into an
//! error naming each file and rule, unless `--allow-secrets` was given.
//!
//! Why the `regex` crate: the rules are a data table of patterns with
//! character classes, bounded repetitions and alternations, which is exactly
//! what a regex engine is for; hand-written matchers for a dozen token
//! formats would be longer, slower to review and easier to get subtly wrong.
//! `regex` guarantees linear-time matching (no catastrophic backtracking on
//! hostile input from a snapshot), and it was already in the dependency tree
//! through gix. Each pattern is compiled once, on first use, into
//! [`COMPILED`].
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
//! ever matters.

pub(crate) mod rules;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use gix::ObjectId;
use regex::Regex;

use rules::RULES;

/// What the rule `id` finds, for people ("GitHub fine-grained personal access token").
pub(crate) fn describe(id: &str) -> &'static str {
    RULES.iter().find(|r| r.id == id).map_or("", |r| r.description)
}

/// Blobs larger than this are not scanned (a stray dump is not a config file).
pub(crate) const MAX_BLOB_SIZE: u64 = 2 * 1024 * 1024;

/// A blob with a NUL byte in this many leading bytes is binary and not
/// scanned (git's own heuristic).
const BINARY_PROBE: usize = 8000;

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
    /// The first four characters of the secret followed by `…`; never more.
    pub excerpt: String,
}

/// The rules' regular expressions, in the order of [`RULES`], compiled once.
static COMPILED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| Regex::new(rule.pattern).expect("the rules table holds valid patterns"))
        .collect()
});

/// Scans one blob's bytes for secrets; `path` is only copied into the
/// findings. Binary blobs (a NUL in the first 8000 bytes) and blobs larger
/// than [`MAX_BLOB_SIZE`] yield nothing. Invalid UTF-8 is replaced, not
/// rejected. Findings come in rule order, then in order of position; when two
/// rules match overlapping text on one line only the earlier rule reports.
pub(crate) fn scan_blob(path: &str, data: &[u8]) -> Vec<Finding> {
    if data.len() as u64 > MAX_BLOB_SIZE || is_binary(data) {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(data);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);

    let mut findings = Vec::new();
    // Byte ranges already reported, to keep one report per secret.
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for (rule, regex) in RULES.iter().zip(COMPILED.iter()) {
        for caps in regex.captures_iter(&text) {
            let whole = caps.get(0).expect("group 0 always takes part");
            let (secret, bare) = match caps.iter().skip(1).flatten().next() {
                Some(m) => (m, caps.name("bare").is_some_and(|b| b.start() == m.start())),
                None => (whole, false),
            };
            if rule.check.is_some_and(|check| !check(secret.as_str(), bare)) {
                continue;
            }
            let range = secret.range();
            if taken.iter().any(|t| t.start < range.end && range.start < t.end) {
                continue;
            }
            taken.push(range);
            findings.push(Finding {
                path: path.to_owned(),
                rule: rule.id,
                line: line_of(whole.start()),
                excerpt: redact(secret.as_str()),
            });
        }
    }
    findings
}

/// The first four characters of `secret` and an ellipsis.
fn redact(secret: &str) -> String {
    let mut out: String = secret.chars().take(4).collect();
    out.push('…');
    out
}

fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(BINARY_PROBE)].contains(&0)
}

/// Scans every blob reachable from `tips` that is not reachable from
/// `exclude`, and returns what [`scan_blob`] finds in them.
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

/// Scans the blobs `candidates` (id and path), in order.
fn scan_candidates(repo: &gix::Repository, candidates: &[(ObjectId, String)]) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for (id, path) in candidates {
        let header = repo
            .find_header(*id)
            .with_context(|| format!("cannot read blob {id} ({path})"))?;
        if header.size() > MAX_BLOB_SIZE {
            continue;
        }
        let blob = repo
            .find_object(*id)
            .with_context(|| format!("cannot read blob {id} ({path})"))?;
        findings.extend(scan_blob(path, &blob.data));
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
