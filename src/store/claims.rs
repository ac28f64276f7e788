//! The claims registry, `<common dir>/aura/claims`: one `id<TAB>path` line
//! per path a session claimed (`git session claim`), for this repository's
//! sessions and those merged in by fetch. `checkpoint` reads it to warn about
//! paths another active session claimed, at the cost of one small file read
//! (none when nobody claimed anything), whatever the number of sessions.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Store;

impl Store {
    fn claims_path(&self) -> PathBuf {
        self.repo.common_dir().join("aura").join("claims")
    }

    /// Every `(session id, path)` claimed.
    pub fn claims(&self) -> Vec<(String, String)> {
        let Ok(text) = std::fs::read_to_string(self.claims_path()) else {
            return Vec::new();
        };
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(id, path)| (id.to_owned(), path.to_owned()))
            .collect()
    }

    /// Makes `paths` the claims of session `id` (none: forget it).
    pub fn register_claims(&self, id: &str, paths: &[String]) -> Result<()> {
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
}
