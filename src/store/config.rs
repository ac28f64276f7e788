//! The repository's git config: what this program reads of remotes, and
//! the one edit it makes (the refspecs of `remote setup`).

use anyhow::{Context, Result};

use super::refs::{fetch_all_refspec, push_all_refspec};
use super::Store;
use crate::error::fail;

impl Store {
    /// The names of the configured remotes.
    pub(crate) fn remote_names(&self) -> Vec<String> {
        self.repo.remote_names().iter().map(|n| n.to_string()).collect()
    }

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

/// The configuration `git -c` and `git --config-env` hand to a subcommand,
/// as `key=value` overrides (a key alone means `true`): `GIT_CONFIG_PARAMETERS`
/// is a space-separated list of `'key'='value'` (or older `'key=value'`)
/// items in git's shell quoting, where a quote is written `'\''`.
/// (`GIT_CONFIG_COUNT` and `GIT_CONFIG_KEY_<n>` gix reads itself.)
///
/// Written by hand: neither gix nor a crate reads git's `sq_quote` format
/// back (gix-quote reads ANSI-C quotes), and it is a few lines.
pub(crate) fn command_line_overrides() -> Vec<String> {
    std::env::var("GIT_CONFIG_PARAMETERS")
        .map(|params| parse_parameters(&params))
        .unwrap_or_default()
}

/// The items of a `GIT_CONFIG_PARAMETERS` value as `key=value`.
fn parse_parameters(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return items;
        }
        // One item: quoted words, maybe `'key'='value'`.
        let mut parts: Vec<String> = vec![String::new()];
        while let Some(&c) = chars.peek() {
            match c {
                '\'' => {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                        parts.last_mut().expect("one part at least").push(c);
                    }
                }
                // `'\''` puts a quote inside a quoted word.
                '\\' => {
                    chars.next();
                    if let Some(c) = chars.next() {
                        parts.last_mut().expect("one part at least").push(c);
                    }
                }
                '=' if parts.len() == 1 => {
                    chars.next();
                    parts.push(String::new());
                }
                c if c.is_whitespace() => break,
                c => {
                    chars.next();
                    parts.last_mut().expect("one part at least").push(c);
                }
            }
        }
        let item = match parts.as_slice() {
            [key, value] => format!("{key}={value}"),
            [key] if key.contains('=') => key.clone(),
            [key] => format!("{key}=true"),
            _ => continue,
        };
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_parameters;

    #[test]
    fn git_dash_c_parameters_read_back() {
        assert_eq!(
            parse_parameters("'session.remote'='x' 'color.ui'='never'"),
            ["session.remote=x", "color.ui=never"]
        );
        assert_eq!(parse_parameters("'core.foo=bar baz'"), ["core.foo=bar baz"]);
        assert_eq!(parse_parameters("'a.b'='it'\\''s'"), ["a.b=it's"]);
        assert_eq!(parse_parameters("'flag.on'"), ["flag.on=true"]);
        assert!(parse_parameters("").is_empty());
    }
}
