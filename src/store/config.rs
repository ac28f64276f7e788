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

    /// Adds to `remote.<remote>.fetch` the refspec that fetches every
    /// session beside the local ones (when it is not there yet), and takes
    /// out of `remote.<remote>.push` the two refspecs earlier versions
    /// added (`HEAD` and the one pushing every session), which let plain
    /// `git push` send unscanned sessions and create branches plain git
    /// would refuse. Returns the `key value` lines added and removed.
    pub(crate) fn set_session_refspecs(&self, remote: &str) -> Result<(Vec<String>, Vec<String>)> {
        let fetch = fetch_all_refspec(remote);
        let side_door = [push_all_refspec(), "HEAD".to_owned()];
        let path = self.repo.git_dir().join("config");
        let path = if path.exists() {
            path
        } else {
            self.repo.common_dir().join("config")
        };
        let mut config = gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let values = |config: &gix::config::File, key: &str| -> Vec<String> {
            config
                .strings_by("remote", Some(remote.into()), key)
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        let pushes = values(&config, "push");
        let mut added = Vec::new();
        let mut removed = Vec::new();
        // Only when the old pair is there: a `HEAD` the user configured alone is theirs.
        if pushes.contains(&side_door[0]) {
            if let Ok(mut multi) = config.raw_values_mut_by("remote", Some(remote.into()), "push") {
                let all: Vec<String> = multi
                    .get()
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                for (index, value) in all.iter().enumerate().rev() {
                    if side_door.contains(value) {
                        multi.delete(index);
                        removed.push(format!("remote.{remote}.push {value}"));
                    }
                }
                removed.reverse();
            }
        }
        if !values(&config, "fetch").contains(&fetch) {
            let mut section = config
                .section_mut_or_create_new("remote", Some(remote.into()))
                .context("cannot edit the remote's section")?;
            section
                .push("fetch", Some(fetch.as_str().into()))
                .map_err(|err| fail(format!("cannot add fetch: {err}")))?;
            added.push(format!("remote.{remote}.fetch {fetch}"));
        }
        if added.is_empty() && removed.is_empty() {
            return Ok((added, removed));
        }
        let mut lock =
            gix::lock::File::acquire_to_update_resource(&path, gix::lock::acquire::Fail::Immediately, None, 0)
                .map_err(|err| fail(format!("cannot lock {}: {err}", path.display())))?;
        config
            .write_to(&mut lock)
            .with_context(|| format!("cannot write {}", path.display()))?;
        lock.commit()
            .map_err(|err| fail(format!("cannot write {}: {err}", path.display())))?;
        Ok((added, removed))
    }
}
