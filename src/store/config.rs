//! The repository's git config: what this program reads of remotes, and
//! the one edit it makes (the refspecs of `remote setup`).

use anyhow::{Context, Result};

use super::refs::{fetch_all_refspec, push_all_refspec};
use super::Store;
use crate::error::fail;

impl Store {
    /// Whether `name` is a configured remote.
    pub(crate) fn has_remote(&self, name: &str) -> bool {
        self.repo.find_remote(name).is_ok()
    }

    /// The fetch URL of the configured remote `name`.
    pub(crate) fn remote_url(&self, name: &str) -> Option<String> {
        self.repo
            .find_remote(name)
            .ok()
            .and_then(|r| r.url(gix::remote::Direction::Fetch).map(|u| u.to_bstring().to_string()))
    }

    /// Adds to `remote.<remote>.fetch` the refspec that fetches every session
    /// beside the local ones, and to `remote.<remote>.push` both `HEAD` (a
    /// configured push refspec replaces git's default) and the one that
    /// pushes every session, each only when it is not there yet. Returns
    /// the `key value` lines added.
    pub(crate) fn add_session_refspecs(&self, remote: &str) -> Result<Vec<String>> {
        let fetch = fetch_all_refspec(remote);
        let push = push_all_refspec();
        let path = self.repo.git_dir().join("config");
        let path = if path.exists() {
            path
        } else {
            self.repo.common_dir().join("config")
        };
        let mut config = gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let values = |key: &str| -> Vec<String> {
            config
                .strings_by("remote", Some(remote.into()), key)
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        let (fetches, pushes) = (values("fetch"), values("push"));
        let mut wanted = Vec::new();
        if !fetches.contains(&fetch) {
            wanted.push(("fetch", fetch));
        }
        if pushes.is_empty() {
            wanted.push(("push", "HEAD".to_owned()));
        }
        if !pushes.contains(&push) {
            wanted.push(("push", push));
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut added = Vec::new();
        {
            let mut section = config
                .section_mut_or_create_new("remote", Some(remote.into()))
                .context("cannot edit the remote's section")?;
            for (key, value) in wanted {
                section
                    .push(key, Some(value.as_str().into()))
                    .map_err(|err| fail(format!("cannot add {key}: {err}")))?;
                added.push(format!("remote.{remote}.{key} {value}"));
            }
        }
        let mut lock =
            gix::lock::File::acquire_to_update_resource(&path, gix::lock::acquire::Fail::Immediately, None, 0)
                .map_err(|err| fail(format!("cannot lock {}: {err}", path.display())))?;
        config
            .write_to(&mut lock)
            .with_context(|| format!("cannot write {}", path.display()))?;
        lock.commit()
            .map_err(|err| fail(format!("cannot write {}: {err}", path.display())))?;
        Ok(added)
    }
}
