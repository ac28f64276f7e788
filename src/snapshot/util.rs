//! Small helpers shared by the snapshot engine: git's mode rules, stat comparison, racy-git
//! checks and gitlink (`HEAD` of a nested repository) resolution.

use std::path::{Path, PathBuf};

use bstr::{BStr, ByteSlice};
use gix::index::entry::{stat::Time, Mode, Stat};
use gix::ObjectId;

/// What the file system and configuration let us trust (`core.fileMode`, `core.symlinks`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caps {
    pub executable_bit: bool,
    pub symlinks: bool,
}

/// How stat data is compared (`core.trustctime`, `core.checkStat`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StatOpts {
    pub trust_ctime: bool,
    pub check_stat: bool,
}

/// The mode `git add` records for a regular file or symlink, following `add_to_index()` and
/// `ce_mode_from_stat()`: `user_mode` is the mode of the entry in the user's index (the stage git
/// prefers for conflicts), `None` for untracked files.
pub(crate) fn mode_for(user_mode: Option<Mode>, is_symlink: bool, is_executable: bool, caps: Caps) -> Mode {
    if is_symlink {
        return Mode::SYMLINK;
    }
    let from_stat = if is_executable && caps.executable_bit {
        Mode::FILE_EXECUTABLE
    } else {
        Mode::FILE
    };
    if caps.executable_bit && caps.symlinks {
        return from_stat;
    }
    if !caps.symlinks && user_mode == Some(Mode::SYMLINK) {
        return Mode::SYMLINK;
    }
    if !caps.executable_bit {
        return match user_mode {
            Some(m) if m == Mode::FILE || m == Mode::FILE_EXECUTABLE => m,
            _ => Mode::FILE,
        };
    }
    if is_executable {
        Mode::FILE_EXECUTABLE
    } else {
        Mode::FILE
    }
}

/// The category of content a mode stands for; a stat match is only trusted within one category.
pub(crate) fn category(mode: Mode) -> u8 {
    if mode == Mode::SYMLINK {
        1
    } else if mode == Mode::COMMIT {
        2
    } else if mode == Mode::DIR {
        3
    } else {
        0
    }
}

pub(crate) fn mode_to_kind(mode: Mode) -> gix::objs::tree::EntryKind {
    use gix::objs::tree::EntryKind;
    if mode == Mode::FILE_EXECUTABLE {
        EntryKind::BlobExecutable
    } else if mode == Mode::SYMLINK {
        EntryKind::Link
    } else if mode == Mode::COMMIT {
        EntryKind::Commit
    } else if mode == Mode::DIR {
        EntryKind::Tree
    } else {
        EntryKind::Blob
    }
}

/// `true` if `a` (freshly read) and `b` (recorded) describe the same file version. Nanoseconds are
/// always compared: stricter than git only means hashing a little more, never a wrong result.
pub(crate) fn stat_matches(a: &Stat, b: &Stat, opts: StatOpts) -> bool {
    if a.mtime.secs != b.mtime.secs || a.mtime.nsecs != b.mtime.nsecs || a.size != b.size {
        return false;
    }
    if opts.trust_ctime && (a.ctime.secs != b.ctime.secs || a.ctime.nsecs != b.ctime.nsecs) {
        return false;
    }
    if opts.check_stat && (a.ino != b.ino || a.uid != b.uid || a.gid != b.gid) {
        return false;
    }
    true
}

/// `true` if a file with this stat may have been changed after its content was recorded at
/// `timestamp` without the stat telling (racy git): its mtime is not older than the timestamp.
/// A file system without sub-second times makes the whole second racy.
pub(crate) fn is_racy(stat: &Stat, timestamp: Time) -> bool {
    match stat.mtime.secs.cmp(&timestamp.secs) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => stat.mtime.nsecs == 0 || stat.mtime.nsecs >= timestamp.nsecs,
    }
}

/// Stat comparison as git makes it against its index, built as usual without `USE_NSEC`:
/// seconds only. Used for the user's index entries, whose stat data git trusts that way.
pub(crate) fn stat_matches_git(a: &Stat, b: &Stat, opts: StatOpts) -> bool {
    if a.mtime.secs != b.mtime.secs || a.size != b.size {
        return false;
    }
    if opts.trust_ctime && opts.check_stat && a.ctime.secs != b.ctime.secs {
        return false;
    }
    if opts.check_stat && (a.ino != b.ino || a.uid != b.uid || a.gid != b.gid) {
        return false;
    }
    true
}

/// Racy-git as git checks the user's index (without `USE_NSEC`): a file modified in the same
/// second the index was written is racy.
pub(crate) fn is_racy_secs(stat: &Stat, timestamp: Time) -> bool {
    stat.mtime.secs >= timestamp.secs
}

pub(crate) fn is_zero_stat(stat: &Stat) -> bool {
    *stat == Stat::default()
}

pub(crate) fn time_from_system(t: std::time::SystemTime) -> Time {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => Time {
            secs: d.as_secs() as u32,
            nsecs: d.subsec_nanos(),
        },
        Err(_) => Time { secs: 0, nsecs: 0 },
    }
}

/// `true` if the last component of `path` is `.gitattributes`.
pub(crate) fn is_gitattributes(path: &BStr) -> bool {
    path == ".gitattributes" || path.ends_with(b"/.gitattributes")
}

/// Resolve `HEAD` of the repository whose work tree is `dir` the way `resolve_gitlink_ref()` does:
/// `None` when `dir` holds no repository or its `HEAD` is unborn.
pub(crate) fn gitlink_head(dir: &Path, object_hash: gix::hash::Kind) -> Option<ObjectId> {
    let dot_git = dir.join(".git");
    let md = std::fs::symlink_metadata(&dot_git).ok()?;
    let git_dir = if md.is_dir() {
        dot_git
    } else if md.is_file() {
        let content = std::fs::read(&dot_git).ok()?;
        let target = content.trim().strip_prefix(b"gitdir:")?.trim();
        let target = gix::path::from_byte_slice(target).ok()?;
        if target.is_absolute() {
            target.to_owned()
        } else {
            dir.join(target)
        }
    } else {
        return None;
    };
    if !git_dir.join("HEAD").is_file() {
        return None;
    }
    match resolve_head_simple(&git_dir, object_hash) {
        Some(Resolved::Id(id)) => Some(id),
        Some(Resolved::Unborn) => None,
        // Reftable or anything else unusual: let gix find out.
        None => {
            let opts = gix::open::Options::isolated();
            let repo = gix::open_opts(&git_dir, opts).ok()?;
            repo.head_id().ok().map(|id| id.detach())
        }
    }
}

enum Resolved {
    Id(ObjectId),
    Unborn,
}

fn resolve_head_simple(git_dir: &Path, object_hash: gix::hash::Kind) -> Option<Resolved> {
    if git_dir.join("reftable").exists() {
        return None;
    }
    let common_dir: PathBuf = match std::fs::read(git_dir.join("commondir")) {
        Ok(c) => {
            let p = gix::path::from_byte_slice(c.trim()).ok()?;
            if p.is_absolute() {
                p.to_owned()
            } else {
                git_dir.join(p)
            }
        }
        Err(_) => git_dir.to_owned(),
    };
    let mut content = std::fs::read(git_dir.join("HEAD")).ok()?;
    for _ in 0..10 {
        let line = content.trim();
        if let Some(name) = line.strip_prefix(b"ref:") {
            let name = name.trim().to_owned();
            let rel = gix::path::from_byte_slice(&name).ok()?;
            let per_worktree = name.starts_with(b"refs/bisect/")
                || name.starts_with(b"refs/worktree/")
                || name.starts_with(b"refs/rewritten/")
                || !name.starts_with(b"refs/");
            let base = if per_worktree { git_dir } else { common_dir.as_path() };
            match std::fs::read(base.join(rel)) {
                Ok(c) => {
                    content = c;
                    continue;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(20) => {
                    return Some(match packed_ref(&common_dir, &name, object_hash) {
                        Some(id) => Resolved::Id(id),
                        None => Resolved::Unborn,
                    });
                }
                Err(_) => return None,
            }
        }
        return ObjectId::from_hex(line)
            .ok()
            .filter(|id| id.kind() == object_hash)
            .map(Resolved::Id);
    }
    None
}

fn packed_ref(common_dir: &Path, name: &[u8], object_hash: gix::hash::Kind) -> Option<ObjectId> {
    let packed = std::fs::read(common_dir.join("packed-refs")).ok()?;
    for line in packed.lines() {
        if line.starts_with(b"#") || line.starts_with(b"^") {
            continue;
        }
        let mut parts = line.splitn_str(2, " ");
        let (Some(hex), Some(refname)) = (parts.next(), parts.next()) else {
            continue;
        };
        if refname.trim_end() == name {
            return ObjectId::from_hex(hex).ok().filter(|id| id.kind() == object_hash);
        }
    }
    None
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn file_mode_rules() {
        let both = Caps {
            executable_bit: true,
            symlinks: true,
        };
        let no_exec = Caps {
            executable_bit: false,
            symlinks: true,
        };
        let no_links = Caps {
            executable_bit: true,
            symlinks: false,
        };
        assert_eq!(mode_for(Some(Mode::FILE), false, true, both), Mode::FILE_EXECUTABLE);
        assert_eq!(mode_for(None, false, true, no_exec), Mode::FILE);
        assert_eq!(
            mode_for(Some(Mode::FILE_EXECUTABLE), false, false, no_exec),
            Mode::FILE_EXECUTABLE
        );
        assert_eq!(mode_for(Some(Mode::SYMLINK), false, false, no_exec), Mode::FILE);
        assert_eq!(mode_for(Some(Mode::SYMLINK), false, false, no_links), Mode::SYMLINK);
        assert_eq!(mode_for(Some(Mode::FILE), true, false, no_exec), Mode::SYMLINK);
    }
}
