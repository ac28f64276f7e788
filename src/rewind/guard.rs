//! DESIGN invariant 6: a snapshot is untrusted input (it may come from
//! someone else's remote), so every path a rewind would write or remove is
//! checked before anything is written.

use std::path::{Path, PathBuf};

use anyhow::Result;
use bstr::{BStr, ByteSlice};
use gix::validate::path::component;

use crate::error::fail;

/// The checks git itself applies on checkout with `core.protectNTFS` and
/// `core.protectHFS` on: no empty, `.` or `..` component, no `/` inside a
/// name, no `.git` in any letter case or NTFS/HFS disguise (`git~1`,
/// `.git.`, `.g\u{200c}it`), no symlinked `.gitmodules`. Windows device
/// names are refused only on Windows, where they are devices.
const OPTIONS: component::Options = component::Options {
    protect_windows: cfg!(windows),
    protect_hfs: true,
    protect_ntfs: true,
};

/// Refuses a path (`/`-separated, relative to the work tree) that could
/// write outside the work tree or into `.git`.
pub(crate) fn check_path(path: &BStr, is_symlink: bool) -> Result<()> {
    if path.is_empty() || path.starts_with(b"/") {
        return Err(unsafe_path(path, "it is absolute or empty"));
    }
    let mut parts = path.split_str("/").peekable();
    while let Some(part) = parts.next() {
        let mode = (is_symlink && parts.peek().is_none()).then_some(component::Mode::Symlink);
        if let Err(err) = gix::validate::path::component(part.as_bstr(), mode, OPTIONS) {
            return Err(unsafe_path(path, &err.to_string()));
        }
    }
    Ok(())
}

/// The entries of a git tree object as it arrives in a fetched pack (the
/// raw bytes): each name and whether it is a symlink; nothing when the
/// bytes are not a tree. For the fuzz target `tree_entries`.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn tree_object_entries(data: &[u8]) -> Vec<(Vec<u8>, bool)> {
    gix::objs::TreeRef::from_bytes(data, gix::hash::Kind::Sha1)
        .map(|tree| {
            tree.entries
                .iter()
                .map(|e| (e.filename.to_vec(), e.mode.is_link()))
                .collect()
        })
        .unwrap_or_default()
}

/// The file-system path of a checked `/`-separated path.
pub(super) fn full_path(workdir: &Path, path: &BStr) -> Result<PathBuf> {
    let rel = gix::path::from_bstr(path).map_err(|_| unsafe_path(path, "it is not a valid file name here"))?;
    Ok(workdir.join(rel))
}

/// Refuses to write `path` when one of its leading directories is a
/// symlink (or a file) on disk that the rewind does not remove first:
/// writing there would follow the link out of the work tree.
/// `removed_first` tells whether the rewind removes a given leading path.
pub(super) fn check_leading_dirs(workdir: &Path, path: &BStr, removed_first: impl Fn(&BStr) -> bool) -> Result<()> {
    let mut end = 0;
    while let Some(slash) = path[end..].find_byte(b'/') {
        let leading = path[..end + slash].as_bstr();
        end += slash + 1;
        let full = full_path(workdir, leading)?;
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.is_dir() => continue,
            // Removed before anything is written below it.
            Ok(_) if removed_first(leading) => return Ok(()),
            Ok(meta) => {
                let what = if meta.file_type().is_symlink() {
                    "a symlink"
                } else {
                    "a file"
                };
                return Err(unsafe_path(
                    path,
                    &format!("{leading} is {what} in the work tree and writing through it could leave the work tree"),
                ));
            }
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn unsafe_path(path: &BStr, why: &str) -> anyhow::Error {
    fail(format!(
        "refusing the snapshot: the path {:?} is unsafe ({why}); nothing was changed",
        path.to_str_lossy()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes_and_git_dirs() {
        for bad in [
            "..",
            "a/../../x",
            "/etc/passwd",
            ".git/config",
            ".GIT/hooks/x",
            "sub/.Git/config",
            "git~1/config",
            ".git./x",
            "a//b",
            "",
            "./a",
        ] {
            assert!(check_path(bad.into(), false).is_err(), "{bad:?} was accepted");
        }
        assert!(check_path(".gitmodules".into(), true).is_err());
    }

    #[test]
    fn accepts_ordinary_names() {
        for good in [
            "a",
            "src/main.rs",
            ".gitignore",
            ".github/workflows/ci.yml",
            "a b/c:d",
            "gitx/.gitkeep",
        ] {
            check_path(good.into(), false).unwrap();
        }
        check_path(".gitmodules".into(), false).unwrap();
    }
}
