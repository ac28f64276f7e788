//! `git session remote setup [REMOTE]`: opt in to carrying sessions with
//! plain `git fetch` and `git push`, through the remote's refspecs.

use anyhow::{Context, Result};

use super::Ctx;
use crate::error::{fail, fail_with_hint};
use crate::render::out;
use crate::store::refs::{remote_sessions_prefix, SESSIONS_PREFIX};

/// Arguments of `git session remote` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Add refspecs so plain `git fetch` and `git push` carry sessions.
    ///
    /// Adds `+refs/aura/sessions/*:refs/aura/remotes/REMOTE/sessions/*` to
    /// `remote.REMOTE.fetch` (fetched sessions land beside, never over, the
    /// local ones; `git session fetch` merges them), and to `remote.REMOTE.push`
    /// both `HEAD` and `refs/aura/sessions/*:refs/aura/sessions/*`. A configured
    /// push refspec replaces git's default, so `HEAD` keeps `git push` pushing
    /// the current branch (to the branch of the same name). Running it twice
    /// adds nothing.
    Setup {
        /// The remote (default: `session.remote`, else the branch's upstream
        /// remote, else `origin`).
        remote: Option<String>,
    },
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let Action::Setup { remote } = &args.action;
    let remote = match remote {
        Some(r) => r.clone(),
        None => ctx.default_remote()?,
    };
    if ctx.store.repo.find_remote(remote.as_str()).is_err() {
        return Err(fail_with_hint(
            format!("there is no remote named '{remote}'"),
            "`git remote -v` lists them; `git remote add NAME URL` adds one",
        ));
    }
    let fetch = format!("+{SESSIONS_PREFIX}*:{}*", remote_sessions_prefix(&remote));
    let push = format!("{SESSIONS_PREFIX}*:{SESSIONS_PREFIX}*");
    let path = ctx.store.repo.git_dir().join("config");
    let path = if path.exists() {
        path
    } else {
        ctx.store.repo.common_dir().join("config")
    };
    let mut config = gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let values = |key: &str| -> Vec<String> {
        config
            .strings_by("remote", Some(remote.as_str().into()), key)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let (fetches, pushes) = (values("fetch"), values("push"));
    let mut wanted = Vec::new();
    if !fetches.contains(&fetch) {
        wanted.push(("fetch", fetch.clone()));
    }
    if pushes.is_empty() {
        wanted.push(("push", "HEAD".to_owned()));
    }
    if !pushes.contains(&push) {
        wanted.push(("push", push.clone()));
    }
    let mut added = Vec::new();
    if !wanted.is_empty() {
        let mut section = config
            .section_mut_or_create_new("remote", Some(remote.as_str().into()))
            .context("cannot edit the remote's section")?;
        for (key, value) in wanted {
            section
                .push(key, Some(value.as_str().into()))
                .map_err(|err| fail(format!("cannot add {key}: {err}")))?;
            added.push(format!("remote.{remote}.{key} {value}"));
        }
    }
    if added.is_empty() {
        out(&format!("Remote '{remote}' already carries sessions.\n"));
        return Ok(());
    }
    let mut lock = gix::lock::File::acquire_to_update_resource(&path, gix::lock::acquire::Fail::Immediately, None, 0)
        .map_err(|err| fail(format!("cannot lock {}: {err}", path.display())))?;
    config
        .write_to(&mut lock)
        .with_context(|| format!("cannot write {}", path.display()))?;
    lock.commit()
        .map_err(|err| fail(format!("cannot write {}: {err}", path.display())))?;
    let mut text = format!("Remote '{remote}' now carries sessions with plain git:\n");
    for a in &added {
        text.push_str(&format!("  {a}\n"));
    }
    out(&text);
    Ok(())
}
