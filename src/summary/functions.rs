//! Which functions a change touched, by name, for Rust, Python,
//! JavaScript/TypeScript, Go, C/C++ and Java.
//!
//! # Method
//!
//! The same kind of heuristic git uses for the function name in hunk headers
//! (`userdiff.c`'s `funcname` patterns), extended to find where each function
//! ends; not a parser:
//!
//! 1. Comments and the insides of string and character literals are blanked
//!    (replaced by spaces, line breaks kept), so that a brace or a `def` in a
//!    string or a comment counts for nothing.
//! 2. A regular expression per language recognises definition lines:
//!    functions and methods, and the containers that qualify their names
//!    (Rust `impl`/`trait`/`mod`, classes in Python, JavaScript/TypeScript and
//!    Java; a Go method is qualified by its receiver type, a C++ one by the
//!    `Class::` it is defined with).
//! 3. Each definition's extent comes from brace matching (the first `{` after
//!    the signature, outside parentheses, to its partner; a `;` first means a
//!    declaration without a body, which is not a function here) or, in Python,
//!    from indentation (every following line indented deeper, or blank).
//! 4. A changed line belongs to the outermost function that contains it,
//!    named with its containers (`Greeter.greet`, `Parser::parse`,
//!    `Server.Handle`). Nested functions and closures are part of the
//!    function they are written in. Lines outside every function (imports,
//!    constants, type definitions) name no function.
//!
//! Added lines are looked up in the new version of the file, removed lines in
//! the old one. A name found only in the new version is *added*, only in the
//! old one *removed*, in both *modified*; each name is listed once.
//!
//! # Why not tree-sitter
//!
//! Six grammars are megabytes of generated C and a C toolchain in the build
//! for a summary that needs only names and extents; git's own function
//! context has used this kind of heuristic for years and is right for the
//! usual layout of code.
//!
//! # Limits
//!
//! Code formatted unusually defeats it: a C function whose return type and
//! name are on separate lines is found only if the name line carries the
//! `(`; macros that expand to functions, Python lambdas, JavaScript object
//! literal methods outside classes and arrow functions not assigned to a
//! `const`/`let`/`var` are not named; raw strings with unbalanced quotes,
//! Rust lifetimes next to character literals and nested template literals
//! can throw the blanking off; overloads (Java, C++) share one name; a
//! rename shows as one function removed and another added.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// The languages functions are named in, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Language {
    Rust,
    Python,
    JavaScript,
    Go,
    C,
    Java,
}

impl Language {
    /// The language of a file, from its extension.
    pub(crate) fn for_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "rs" => Language::Rust,
            "py" | "pyi" => Language::Python,
            "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => Language::JavaScript,
            "go" => Language::Go,
            "c" | "h" | "cc" | "cpp" | "cxx" | "c++" | "hh" | "hpp" | "hxx" | "h++" => Language::C,
            "java" => Language::Java,
            _ => return None,
        })
    }

    fn separator(self) -> &'static str {
        match self {
            Language::Rust | Language::C => "::",
            _ => ".",
        }
    }
}

/// A function found in a text: its qualified name and its lines (0-based,
/// end exclusive), from the definition line to the end of its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Function {
    pub name: String,
    pub lines: Range<usize>,
}

/// How a change affected a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionChange {
    Modified,
    Added,
    Removed,
}

impl FunctionChange {
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionChange::Modified => "modified",
            FunctionChange::Added => "added",
            FunctionChange::Removed => "removed",
        }
    }
}

/// The functions that the changed lines touch, each once, in the order of
/// their first changed line (new version first, then removed-only ones).
///
/// `hunks` are pairs of changed line ranges (0-based, end exclusive) in the
/// old and the new text, as a line diff gives them.
pub(crate) fn changed_functions(
    lang: Language,
    old: &str,
    new: &str,
    hunks: &[(Range<u32>, Range<u32>)],
) -> Vec<(String, FunctionChange)> {
    let old_fns = outermost(functions(lang, old));
    let new_fns = outermost(functions(lang, new));
    let mut touched: Vec<String> = Vec::new();
    let mut note = |fns: &[Function], lines: &Range<u32>| {
        for line in lines.start as usize..lines.end as usize {
            if let Some(f) = fns.iter().find(|f| f.lines.contains(&line)) {
                if !touched.contains(&f.name) {
                    touched.push(f.name.clone());
                }
            }
        }
    };
    for (_, after) in hunks {
        note(&new_fns, after);
    }
    for (before, _) in hunks {
        note(&old_fns, before);
    }
    let in_old: std::collections::HashSet<&str> = old_fns.iter().map(|f| f.name.as_str()).collect();
    let in_new: std::collections::HashSet<&str> = new_fns.iter().map(|f| f.name.as_str()).collect();
    touched
        .into_iter()
        .map(|name| {
            let change = match (in_old.contains(name.as_str()), in_new.contains(name.as_str())) {
                (true, true) => FunctionChange::Modified,
                (false, _) => FunctionChange::Added,
                (true, false) => FunctionChange::Removed,
            };
            (name, change)
        })
        .collect()
}

/// Keeps the functions not inside another one.
fn outermost(mut fns: Vec<Function>) -> Vec<Function> {
    fns.sort_by_key(|f| (f.lines.start, std::cmp::Reverse(f.lines.end)));
    let mut out: Vec<Function> = Vec::with_capacity(fns.len());
    for f in fns {
        if out.last().is_some_and(|o| o.lines.end > f.lines.start) {
            continue;
        }
        out.push(f);
    }
    out
}

/// Every function definition (with a body) in `text`, nested ones included,
/// in order of their definition lines.
pub(crate) fn functions(lang: Language, text: &str) -> Vec<Function> {
    let clean = blank_non_code(lang, text);
    let lines: Vec<&str> = clean.split('\n').collect();
    let defs = definitions(lang, &lines);
    let containers: Vec<&Def> = defs.iter().filter(|d| d.container).collect();
    let sep = lang.separator();
    let mut out = Vec::new();
    for def in defs.iter().filter(|d| !d.container) {
        // A JavaScript method-shaped line counts only directly inside a class.
        if def.needs_class
            && !containers
                .iter()
                .any(|c| c.lines.start < def.lines.start && def.lines.end <= c.lines.end)
        {
            continue;
        }
        let mut name = String::new();
        for c in containers
            .iter()
            .filter(|c| c.lines.start < def.lines.start && def.lines.end <= c.lines.end)
        {
            name.push_str(&c.name);
            name.push_str(sep);
        }
        name.push_str(&def.name);
        out.push(Function {
            name,
            lines: def.lines.clone(),
        });
    }
    out
}

/// A definition line and the extent of what it defines.
#[derive(Debug)]
struct Def {
    name: String,
    lines: Range<usize>,
    container: bool,
    needs_class: bool,
}

struct Patterns {
    functions: Vec<Regex>,
    containers: Vec<Regex>,
    /// Functions recognised only inside a container (class methods in JavaScript).
    methods: Option<Regex>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("the function patterns are valid")
}

fn patterns(lang: Language) -> &'static Patterns {
    static CELLS: [OnceLock<Patterns>; 6] = [const { OnceLock::new() }; 6];
    let (i, build): (usize, fn() -> Patterns) = match lang {
        Language::Rust => (0, || Patterns {
            functions: vec![re(
                r#"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+(?:"[^"]*"\s+)?)?fn\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"#,
            )],
            containers: vec![
                re(
                    r"^\s*(?:unsafe\s+)?impl\b(?:\s*<[^{]*?>)?\s+(?:[^{]*?\bfor\s+)?&?(?:mut\s+)?(?:dyn\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)",
                ),
                re(r"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:unsafe\s+)?trait\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"),
                re(r"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\{"),
            ],
            methods: None,
        }),
        Language::Python => (1, || Patterns {
            functions: vec![re(r"^\s*(?:async\s+)?def\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(")],
            containers: vec![re(r"^\s*class\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)")],
            methods: None,
        }),
        Language::JavaScript => (2, || Patterns {
            functions: vec![
                re(
                    r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*(?P<name>[A-Za-z_$][\w$]*)",
                ),
                re(
                    r"^\s*(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(?:function\b|(?:<[^>]*>\s*)?\([^)]*\)?[^=]*=>|[A-Za-z_$][\w$]*\s*=>)",
                ),
            ],
            containers: vec![re(
                r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+(?P<name>[A-Za-z_$][\w$]*)",
            )],
            methods: Some(re(
                r"^\s*(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set)\s+)*\*?\s*(?P<name>#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(",
            )),
        }),
        Language::Go => (3, || Patterns {
            functions: vec![re(
                r"^func\s*(?:\(\s*(?:[A-Za-z_]\w*\s+)?\*?\s*(?P<recv>[A-Za-z_]\w*)(?:\s*\[[^\]]*\])?\s*\)\s*)?(?P<name>[A-Za-z_]\w*)\s*[\[(]",
            )],
            containers: vec![],
            methods: None,
        }),
        Language::C => (4, || Patterns {
            functions: vec![re(
                r"^\s*(?:[A-Za-z_][\w:<>,]*[\s*&]+)+(?P<name>(?:[A-Za-z_]\w*::)*~?[A-Za-z_]\w*)\s*\([^;]*$",
            )],
            containers: vec![re(
                r"^\s*(?:class|struct|namespace)\s+(?:[A-Z_]+\s+)?(?P<name>[A-Za-z_]\w*)[^;(]*$",
            )],
            methods: None,
        }),
        Language::Java => (5, || Patterns {
            functions: vec![re(
                r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp)\s+)*(?:<[^>]+>\s+)?(?:[\w.$]+(?:<[^=;]*>)?(?:\[\])*\s+)?(?P<name>[A-Za-z_$][\w$]*)\s*\([^;]*$",
            )],
            containers: vec![re(
                r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\s+)*(?:class|interface|enum|record|@interface)\s+(?P<name>[A-Za-z_$][\w$]*)",
            )],
            methods: None,
        }),
    };
    CELLS[i].get_or_init(build)
}

/// Words that look like a function name in front of `(` but are not one.
const KEYWORDS: &[&str] = &[
    "if",
    "else",
    "for",
    "while",
    "do",
    "switch",
    "case",
    "return",
    "sizeof",
    "catch",
    "try",
    "new",
    "delete",
    "throw",
    "goto",
    "typeof",
    "await",
    "yield",
    "with",
    "elif",
    "match",
    "synchronized",
    "super",
    "this",
    "function",
    "assert",
    "defined",
    "alignof",
    "decltype",
    "static_assert",
    "using",
    "typedef",
];

fn definitions(lang: Language, lines: &[&str]) -> Vec<Def> {
    let p = patterns(lang);
    let mut defs = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let first_word = line
            .trim_start()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if KEYWORDS.contains(&first_word) && !(lang == Language::JavaScript && first_word == "function") {
            continue;
        }
        let found = p
            .containers
            .iter()
            .find_map(|r| r.captures(line))
            .map(|c| (c, true, false))
            .or_else(|| {
                p.functions
                    .iter()
                    .find_map(|r| r.captures(line))
                    .map(|c| (c, false, false))
            })
            .or_else(|| {
                p.methods
                    .as_ref()
                    .and_then(|r| r.captures(line))
                    .map(|c| (c, false, true))
            });
        let Some((caps, container, needs_class)) = found else {
            continue;
        };
        let mut name = caps["name"].to_owned();
        if KEYWORDS.contains(&name.trim_start_matches('#')) {
            continue;
        }
        if let Some(recv) = caps.name("recv") {
            name = format!("{}.{name}", recv.as_str());
        }
        let end = match lang {
            Language::Python => python_extent(lines, i),
            _ => brace_extent(lines, i, caps.name("name").map_or(0, |m| m.end())),
        };
        if let Some(end) = end {
            defs.push(Def {
                name,
                lines: i..end,
                container,
                needs_class,
            });
        }
    }
    defs
}

/// The end (exclusive) of a Python definition at line `at`: past its
/// signature (which may span lines), every line indented deeper or blank,
/// less trailing blank lines.
fn python_extent(lines: &[&str], at: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[at]);
    // The signature ends where the parentheses balance.
    let mut depth = 0i32;
    let mut sig_end = at;
    'sig: for (i, line) in lines.iter().enumerate().skip(at) {
        for c in line.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
        }
        sig_end = i;
        if depth <= 0 {
            break 'sig;
        }
    }
    let mut end = sig_end + 1;
    let mut last_code = sig_end + 1;
    while end < lines.len() {
        let line = lines[end];
        if line.trim().is_empty() {
            end += 1;
            continue;
        }
        if indent(line) <= base {
            break;
        }
        end += 1;
        last_code = end;
    }
    Some(last_code)
}

/// The end (exclusive) of a brace-delimited definition whose line is `at`,
/// scanning from byte `from` of that line: the first `{` outside
/// parentheses opens the body, its partner closes it. `None` when a `;`
/// comes first (a declaration) or no body starts within a few lines.
fn brace_extent(lines: &[&str], at: usize, from: usize) -> Option<usize> {
    const SIGNATURE_LINES: usize = 12;
    let mut parens = 0i32;
    let mut braces = 0i32;
    let mut opened = false;
    for (i, line) in lines.iter().enumerate().skip(at) {
        if !opened && i > at + SIGNATURE_LINES {
            return None;
        }
        let text = if i == at {
            line.get(from..).unwrap_or_default()
        } else {
            line
        };
        for c in text.chars() {
            match c {
                '(' | '[' if !opened => parens += 1,
                ')' | ']' if !opened => parens -= 1,
                ';' if !opened && parens <= 0 => return None,
                '{' if opened || parens <= 0 => {
                    opened = true;
                    braces += 1;
                }
                '}' if opened => {
                    braces -= 1;
                    if braces == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
    }
    // An unbalanced body runs to the end of the text.
    opened.then_some(lines.len())
}

/// `text` with comments and the insides of string and character literals
/// replaced by spaces (line breaks kept, so lines stay where they were).
fn blank_non_code(lang: Language, text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = b.to_vec();
    let blank = |out: &mut Vec<u8>, range: Range<usize>| {
        for i in range {
            if out[i] != b'\n' {
                out[i] = b' ';
            }
        }
    };
    let hash_comments = lang == Language::Python;
    let slash_comments = lang != Language::Python;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if slash_comments && c == b'/' && next == Some(b'/') {
            let end = memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            blank(&mut out, i..end);
            i = end;
        } else if hash_comments && c == b'#' {
            let end = memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            blank(&mut out, i..end);
            i = end;
        } else if slash_comments && c == b'/' && next == Some(b'*') {
            let end = find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
            blank(&mut out, i..end);
            i = end;
        } else if lang == Language::Python && (b[i..].starts_with(b"\"\"\"") || b[i..].starts_with(b"'''")) {
            let quote = &b[i..i + 3];
            let end = find(&b[i + 3..], quote).map_or(b.len(), |n| i + 3 + n + 3);
            blank(&mut out, i + 3..end.saturating_sub(3).max(i + 3));
            i = end;
        } else if c == b'"' || (c == b'`' && matches!(lang, Language::JavaScript | Language::Go)) {
            let end = string_end(b, i, c, c != b'`');
            blank(&mut out, i + 1..end.saturating_sub(1).max(i + 1));
            i = end;
        } else if c == b'\'' {
            match lang {
                Language::Python | Language::JavaScript => {
                    let end = string_end(b, i, c, true);
                    blank(&mut out, i + 1..end.saturating_sub(1).max(i + 1));
                    i = end;
                }
                // A character literal: 'x' or '\n', '\u{..}'; otherwise (a
                // Rust lifetime or label) the quote is code.
                _ => {
                    if next == Some(b'\\') {
                        let close = b[i + 2..].iter().take(12).position(|&c| c == b'\'');
                        match close {
                            Some(n) => {
                                blank(&mut out, i + 1..i + 2 + n);
                                i = i + 3 + n;
                            }
                            None => i += 1,
                        }
                    } else if let Some(len) = char_len_at(b, i + 1).filter(|&l| b.get(i + 1 + l) == Some(&b'\'')) {
                        blank(&mut out, i + 1..i + 1 + len);
                        i += 2 + len;
                    } else {
                        i += 1;
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced, and only whole characters: every
    // multi-byte character is either kept or blanked byte by byte.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Where a string that opens at `at` with `quote` ends (just past the
/// closing quote); a one-line string also ends at the line's end.
fn string_end(b: &[u8], at: usize, quote: u8, one_line: bool) -> usize {
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' if one_line => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The length of the UTF-8 character starting at `at`, if one does.
fn char_len_at(b: &[u8], at: usize) -> Option<usize> {
    let first = *b.get(at)?;
    let len = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return None,
    };
    (first != b'\'' && first != b'\n' && at + len <= b.len()).then_some(len)
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests;
