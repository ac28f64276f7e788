//! The layers of docs/design.md §5 hold: each module uses only the modules
//! below it, gix is named only by the modules that talk to the repository,
//! and a verb never names another verb (STYLE.md §1-2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer, from the bottom. A module
/// may use the modules of lower layers only (`cli` and `cmd` are one front
/// end and name each other; the command line dispatches to the other front
/// ends: the agent hooks and the MCP server).
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("session", 1),
    ("diff", 2),
    ("snapshot", 2),
    ("secrets", 2),
    ("store", 3),
    ("rewind", 4),
    ("remote", 4),
    ("render", 5),
    ("summary", 6),
    ("ops", 7),
    ("agent", 8),
    ("mcp", 8),
    ("cmd", 9),
    ("cli", 9),
    ("lib", 10),
    // The fuzz targets' entry points (feature `fuzzing`), over every parser.
    ("fuzzing", 10),
    ("main", 10),
];

/// The modules that may name gix: the ones that talk to the repository.
const GIX: &[&str] = &["diff", "snapshot", "secrets", "store", "rewind", "remote"];

/// The modules that may name clap: the command-line front end.
const CLAP: &[&str] = &["cli", "cmd", "main"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file with its top-level module, test code left out.
fn sources() -> Vec<(String, PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let rel = path.strip_prefix(src()).unwrap().to_string_lossy().into_owned();
        // Test code: unit tests, property tests (`props.rs`) and their helpers.
        if rel == "testing.rs" || rel.ends_with("/tests.rs") || rel.ends_with("/props.rs") || rel.contains("/tests/") {
            continue;
        }
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = without_unit_tests(&text);
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        out.push((top, path, code));
    }
    out
}

/// `text` without its `#[cfg(test)] mod tests { … }` block: unit tests are
/// not part of the layering.
fn without_unit_tests(text: &str) -> String {
    let Some(at) = text.find("#[cfg(test)]\nmod tests {") else {
        return text.to_owned();
    };
    let mut depth = 0;
    for (i, c) in text[at..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return format!("{}{}", &text[..at], &text[at + i + 1..]);
                }
            }
            _ => {}
        }
    }
    text[..at].to_owned()
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .unwrap_or_else(|| panic!("src/{module} is not in the layer table of tests/it/layers.rs and docs/design.md §5"))
        .1
}

/// The crate modules a file names (`crate::x`, `use crate::{x, …}`).
fn uses(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() && rest.starts_with('{') {
            // The first path segment of each entry at the top of the group.
            let mut depth = 0;
            let mut entries = vec![String::new()];
            for c in rest.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => entries.push(String::new()),
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth >= 1 && !(depth == 1 && (c == '{' || c == ',')) {
                    entries.last_mut().expect("one entry at least").push(c);
                }
            }
            for entry in entries {
                let first: String = entry
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !first.is_empty() {
                    out.push(first);
                }
            }
        } else if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (top, path, code) in sources() {
        let mine = layer(&top);
        for used in uses(&code) {
            if used == top || (top == "cli" && used == "cmd") || (top == "cmd" && used == "cli") {
                continue;
            }
            if layer(&used) >= mine {
                wrong
                    .entry(path.display().to_string())
                    .or_default()
                    .push(format!("crate::{used} (layer {}; this is layer {mine})", layer(&used)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "modules that use a layer above or beside their own: {wrong:#?}"
    );
}

#[test]
fn only_the_repository_modules_name_gix_and_only_the_front_end_names_clap() {
    let mut wrong = Vec::new();
    for (top, path, code) in sources() {
        let names = |word: &str| {
            code.match_indices(word).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + word.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    && after.is_some_and(|c| c == ':' || c == '_' || c == '-')
            })
        };
        if names("gix") && !GIX.contains(&top.as_str()) {
            wrong.push(format!("{} names gix", path.display()));
        }
        if names("clap") && !CLAP.contains(&top.as_str()) {
            wrong.push(format!("{} names clap", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_verb_never_names_another_verb() {
    let verbs: Vec<String> = std::fs::read_dir(src().join("cmd"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(verbs.len() > 20, "found the verbs: {verbs:?}");
    let mut wrong = Vec::new();
    for verb in &verbs {
        let code = std::fs::read_to_string(src().join("cmd").join(format!("{verb}.rs"))).unwrap();
        for other in verbs.iter().filter(|o| *o != verb) {
            for form in [
                format!("super::{other}::"),
                format!("cmd::{other}::"),
                format!("super::{other}}}"),
            ] {
                if code.contains(&form) {
                    wrong.push(format!("cmd/{verb}.rs names {form}"));
                }
            }
        }
        if code.contains("crate::store") {
            wrong.push(format!("cmd/{verb}.rs uses the store; verbs call operations"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The test above cannot pass by reading nothing: it sees the uses it must see.
#[test]
fn the_layer_scan_sees_uses() {
    assert_eq!(uses("use crate::{error::fail, ops::{self, Engine}};"), ["error", "ops"]);
    assert_eq!(uses("let x = crate::store::Store::discover(p);"), ["store"]);
    let sources = sources();
    let ops: Vec<_> = sources.iter().filter(|(top, _, _)| top == "ops").collect();
    assert!(!ops.is_empty(), "src/ops is scanned");
    assert!(
        ops.iter().any(|(_, _, code)| uses(code).iter().any(|u| u == "store")),
        "ops uses the store"
    );
}
