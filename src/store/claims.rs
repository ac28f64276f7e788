//! The claims registry, `<common dir>/aura/claims`: one `id<TAB>path` line
//! per path a session claimed (`git session claim`), for this repository's
//! sessions and those merged in by fetch. `checkpoint` reads it to warn about
//! paths another active session claimed, at the cost of one small file read
//! (none when nobody claimed anything), whatever the number of sessions.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Store;
use crate::session::SessionId;

/// `a` and `b` name the same path, or one is a directory holding the other
/// (the empty path holds everything).
pub(crate) fn overlaps(a: &str, b: &str) -> bool {
    let within = |inner: &str, outer: &str| {
        outer.is_empty() || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'/'))
    };
    a == b || within(a, b) || within(b, a)
}

impl Store {
    fn claims_path(&self) -> PathBuf {
        self.shared_dir().join("claims")
    }

    /// Every `(session id, path)` claimed.
    pub(crate) fn claims(&self) -> Vec<(String, String)> {
        let Ok(text) = std::fs::read_to_string(self.claims_path()) else {
            return Vec::new();
        };
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(id, path)| (id.to_owned(), path.to_owned()))
            .collect()
    }

    /// Makes `paths` the claims of session `id` (none: forget it).
    pub(crate) fn register_claims(&self, id: &str, paths: &[String]) -> Result<()> {
        let mut all: Vec<(String, String)> = self.claims().into_iter().filter(|(i, _)| i != id).collect();
        all.extend(paths.iter().map(|p| (id.to_owned(), p.clone())));
        let path = self.claims_path();
        if all.is_empty() {
            let _ = std::fs::remove_file(&path);
            return Ok(());
        }
        let dir = path.parent().expect("claims live in aura/");
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let text: String = all
            .iter()
            .filter(|(_, p)| !p.contains('\n'))
            .map(|(i, p)| format!("{i}\t{p}\n"))
            .collect();
        let tmp = dir.join(format!("claims.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    /// The open sessions other than `id` that claimed one of `paths`:
    /// `(session name, claimed path, path of paths)`. Reads the claims
    /// registry, not every session.
    pub(crate) fn claimed_by_others(&self, id: &SessionId, paths: &[String]) -> Result<Vec<(String, String, String)>> {
        let mut out = Vec::new();
        for (other, claimed) in self.claims() {
            let hits: Vec<&String> = paths.iter().filter(|p| overlaps(p, &claimed)).collect();
            if other == id.as_str() || hits.is_empty() {
                continue;
            }
            let Ok(other) = SessionId::parse(&other) else {
                continue;
            };
            if let Some(head) = self.head(&other)? {
                if head.header.status.is_open() {
                    for hit in hits {
                        out.push((head.header.name.clone(), claimed.clone(), hit.clone()));
                    }
                }
            }
        }
        Ok(out)
    }
}
