//! An intent's declared scope (`git session intent --writes PATHSPEC…`):
//! git pathspecs, parsed and matched by gix-pathspec exactly as `git add`
//! reads them — globs, `dir/`, `:(exclude)`, `:(icase)`, `:(literal)`,
//! `:(glob)`, `:/` — minus attribute magic, which would need the work
//! tree's `.gitattributes` at the time of each commit.
//!
//! What is stored is each pattern normalised to the top of the work tree
//! (the current directory's prefix applied), in a form that parses back to
//! the same pattern with git's defaults: a plain path or glob as is, any
//! other in gix's long form (`:(exclude,icase)a/b`). So a scope read from a
//! session means the same in every clone and from every directory.

use std::path::Path;

use anyhow::Result;
use bstr::ByteSlice;
use gix::pathspec::{MagicSignature, Pattern, Search, SearchMode};

use crate::error::usage;

/// A scope ready to match paths.
pub(crate) struct Scope {
    search: Search,
}

/// Parses `patterns` as typed in `prefix` (the current directory relative to
/// the top of the work tree `root`, `/`-separated, empty at the top) with
/// `defaults` (git's `GIT_*_PATHSPECS` settings) and returns them as they are
/// stored. A pattern git would refuse, one leaving the work tree, or one with
/// attribute magic is a usage error naming it.
pub(crate) fn declare(
    patterns: &[String],
    prefix: &Path,
    root: &Path,
    defaults: gix::pathspec::Defaults,
) -> Result<Vec<String>> {
    let mut stored = Vec::with_capacity(patterns.len());
    for typed in patterns {
        let invalid = |why: String| usage(format!("invalid pathspec '{typed}' in --writes: {why}"));
        if typed.is_empty() {
            return Err(invalid("it is empty".into()));
        }
        let mut pattern = gix::pathspec::parse(typed.as_bytes(), defaults).map_err(|e| invalid(e.to_string()))?;
        if !pattern.attributes.is_empty() {
            return Err(invalid(
                "attribute magic (:(attr:…)) is not supported in a scope".into(),
            ));
        }
        pattern.normalize(prefix, root).map_err(|e| invalid(e.to_string()))?;
        stored.push(stored_form(&pattern));
    }
    Ok(stored)
}

/// The text that parses back to `pattern` (already normalised) with git's defaults.
fn stored_form(pattern: &Pattern) -> String {
    let plain = MagicSignature::TOP | MagicSignature::MUST_BE_DIR;
    let path = pattern.path();
    if pattern.is_nil() {
        return ":".into();
    }
    if (pattern.signature - plain).is_empty()
        && pattern.search_mode == SearchMode::ShellGlob
        && !path.starts_with(b":")
        && !path.is_empty()
    {
        let mut text = path.to_str_lossy().into_owned();
        if pattern.signature.contains(MagicSignature::MUST_BE_DIR) {
            text.push('/');
        }
        return text;
    }
    let mut long = pattern.to_bstring();
    // The path is already from the top; `top` would only repeat it.
    if long.starts_with(b":(top,") {
        long = [b":(".as_slice(), &long[6..]].concat().into();
    } else if long.starts_with(b":(top)") {
        long = [b":()".as_slice(), &long[6..]].concat().into();
    }
    long.to_str_lossy().into_owned()
}

impl Scope {
    /// A scope from its stored patterns (see [`declare`]). A session from
    /// elsewhere may hold anything: a pattern that does not parse is an error.
    pub(crate) fn parse(stored: &[String]) -> Result<Scope> {
        let patterns = stored
            .iter()
            .map(|p| {
                let pattern = gix::pathspec::parse(p.as_bytes(), Default::default())
                    .map_err(|e| anyhow::anyhow!("the scope's pathspec '{p}' does not parse: {e}"))?;
                if !pattern.attributes.is_empty() {
                    anyhow::bail!("the scope's pathspec '{p}' uses attribute magic");
                }
                Ok(pattern)
            })
            .collect::<Result<Vec<_>>>()?;
        // Stored patterns are relative to the top: no prefix, and a root that
        // only an absolute pattern would consult (it then fails to match).
        let search = Search::from_specs(patterns, None, Path::new("/"))
            .map_err(|e| anyhow::anyhow!("the scope does not parse: {e}"))?;
        Ok(Scope { search })
    }

    /// True when the scope takes in the file `path` (`/`-separated, from the top).
    pub(crate) fn contains(&mut self, path: &str) -> bool {
        self.search
            .pattern_matching_relative_path(path.as_bytes().as_bstr(), Some(false), &mut |_, _, _, _| false)
            .is_some_and(|m| !m.is_excluded())
    }

    /// The paths of `paths` outside the scope, in their order.
    pub(crate) fn outside<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        paths.into_iter().filter(|p| !self.contains(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(patterns: &[&str], prefix: &str) -> Vec<String> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        declare(&patterns, Path::new(prefix), Path::new("/repo"), Default::default()).unwrap()
    }

    fn scope(patterns: &[&str], prefix: &str) -> Scope {
        Scope::parse(&declared(patterns, prefix)).unwrap()
    }

    #[test]
    fn globs_directories_and_excludes_match_as_git_add_reads_them() {
        let mut s = scope(&["src/*.rs", "docs/", ":(exclude)src/secret.rs", "README"], "");
        for yes in ["src/a.rs", "src/deep/b.rs", "docs/x/y.md", "README"] {
            assert!(s.contains(yes), "{yes}");
        }
        for no in ["src/secret.rs", "lib/a.rs", "docsx", "README.md", "src/a.c"] {
            assert!(!s.contains(no), "{no}");
        }
        // `:(glob)`: `*` stops at `/`.
        let mut g = scope(&[":(glob)src/*.rs"], "");
        assert!(g.contains("src/a.rs") && !g.contains("src/deep/b.rs"));
        // Only excludes: everything else.
        let mut e = scope(&[":!vendor"], "");
        assert!(e.contains("src/a.rs") && !e.contains("vendor/x"));
        // `:` is everything.
        assert!(scope(&[":"], "").contains("any/thing"));
    }

    #[test]
    fn patterns_typed_in_a_subdirectory_are_stored_from_the_top() {
        assert_eq!(
            declared(&["*.rs", "../docs/", ":/top.txt", ":(icase)x"], "lib"),
            vec!["lib/*.rs", "docs/", "top.txt", ":(icase)lib/x"]
        );
        let mut s = scope(&["*.rs"], "lib");
        assert!(s.contains("lib/a.rs") && !s.contains("a.rs"));
        // The stored form parses back to itself.
        let stored = declared(&[":(exclude,icase)Gen/", ":(literal)a*b", "q?"], "");
        let again: Vec<&str> = stored.iter().map(String::as_str).collect();
        assert_eq!(declared(&again, ""), stored);
    }

    #[test]
    fn bad_patterns_are_usage_errors() {
        let root = Path::new("/repo");
        for bad in ["", "../outside", ":(attr:binary)x", ":(nonsense)x"] {
            let r = declare(&[bad.to_string()], Path::new(""), root, Default::default());
            assert!(r.is_err(), "{bad} was accepted");
        }
        // A hostile stored scope is an error, not a panic.
        assert!(Scope::parse(&[":(attr:x)a".into()]).is_err());
        assert!(Scope::parse(&[":(bogus)a".into()]).is_err());
    }
}
