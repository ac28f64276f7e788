//! The function finder, one language at a time, and the classification of
//! changed lines into modified, added and removed functions.

use super::*;

fn names(lang: Language, text: &str) -> Vec<(String, Range<usize>)> {
    functions(lang, text).into_iter().map(|f| (f.name, f.lines)).collect()
}

/// The changed functions between two texts, with the hunks of a plain line
/// diff (every line that differs at the same position, plus the tail).
fn changed(lang: Language, old: &str, new: &str) -> Vec<(String, FunctionChange)> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // A small LCS diff, enough for tests.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut hunks: Vec<(Range<u32>, Range<u32>)> = Vec::new();
    let mut push = |i: usize, j: usize, del: bool| {
        let (oi, nj) = (i as u32, j as u32);
        match hunks.last_mut() {
            Some((o, nn)) if o.end == oi && nn.end == nj => {
                if del {
                    o.end += 1
                } else {
                    nn.end += 1
                }
            }
            _ => hunks.push(if del {
                (oi..oi + 1, nj..nj)
            } else {
                (oi..oi, nj..nj + 1)
            }),
        }
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            push(i, j, false);
            j += 1;
        } else {
            push(i, j, true);
            i += 1;
        }
    }
    changed_functions(lang, old, new, &hunks)
}

#[test]
fn languages_by_extension() {
    assert_eq!(Language::for_path("src/a.rs"), Some(Language::Rust));
    assert_eq!(Language::for_path("a/b.tsx"), Some(Language::JavaScript));
    assert_eq!(Language::for_path("x.H"), Some(Language::C));
    assert_eq!(Language::for_path("Makefile"), None);
    assert_eq!(Language::for_path("notes.txt"), None);
}

#[test]
fn rust_functions_methods_and_declarations() {
    let text = r#"use std::fmt;

pub fn parse(input: &str) -> Result<u8, String> {
    let s = "fn fake() {";
    let c = '{';
    input.len().try_into().map_err(|_| "}".to_owned())
}

impl<'a, T: fmt::Debug> fmt::Display for Wrapper<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> &str {
        "shape"
    }
}

pub(crate) async unsafe fn raw<T>(x: T)
where
    T: Copy,
{
    // } a brace in a comment
}
"#;
    assert_eq!(
        names(Language::Rust, text),
        vec![
            ("parse".into(), 2..7),
            ("Wrapper::fmt".into(), 9..12),
            ("Shape::name".into(), 16..19),
            ("raw".into(), 21..27),
        ]
    );
}

#[test]
fn rust_one_changed_one_added_one_untouched() {
    let old = "fn a() {\n    1\n}\n\nfn b() {\n    2\n}\n\nfn c() {\n    3\n}\n";
    let new = "fn a() {\n    1\n}\n\nfn b() {\n    20\n}\n\nfn c() {\n    3\n}\n\nfn d() {\n    4\n}\n";
    assert_eq!(
        changed(Language::Rust, old, new),
        vec![
            ("b".into(), FunctionChange::Modified),
            ("d".into(), FunctionChange::Added)
        ]
    );
}

#[test]
fn removed_functions_are_found_in_the_old_text() {
    let old = "fn a() {\n    1\n}\n\nfn gone() {\n    2\n}\n";
    let new = "fn a() {\n    1\n}\n";
    assert_eq!(
        changed(Language::Rust, old, new),
        vec![("gone".into(), FunctionChange::Removed)]
    );
}

#[test]
fn python_methods_by_indentation() {
    let text = r#"import os

class Greeter:
    """A class.

def not_a_function():
    """

    def __init__(self, name):
        self.name = name

    def greet(self,
              loud=False):
        def inner():
            return 1
        # def commented():
        return f"hi {self.name}"


async def main():
    await x()
"#;
    let found = names(Language::Python, text);
    assert_eq!(
        found,
        vec![
            ("Greeter.__init__".into(), 8..10),
            ("Greeter.greet".into(), 11..17),
            ("Greeter.inner".into(), 13..15),
            ("main".into(), 19..21),
        ]
    );
    let new = text.replace("return 1", "return 2");
    assert_eq!(
        changed(Language::Python, text, &new),
        vec![("Greeter.greet".into(), FunctionChange::Modified)]
    );
}

#[test]
fn javascript_and_typescript() {
    let text = r#"import x from "y";

export function render(items) {
  return items.map((i) => {
    return `${i}}`;
  });
}

const add = (a: number, b: number): number => {
  return a + b;
};

export default class Widget extends Base {
  private count: number = 0;
  constructor(el) {
    super(el);
  }
  async update(value: string): Promise<void> {
    if (value) {
      this.count++;
    }
  }
}

doSomething(() => {
  x();
});
"#;
    assert_eq!(
        names(Language::JavaScript, text),
        vec![
            ("render".into(), 2..7),
            ("add".into(), 8..11),
            ("Widget.constructor".into(), 14..17),
            ("Widget.update".into(), 17..22),
        ]
    );
}

#[test]
fn go_functions_and_methods() {
    let text = "package main\n\nfunc (s *Server) Handle(w http.ResponseWriter) {\n\tif x {\n\t}\n}\n\nfunc Map[T any](xs []T) []T {\n\treturn xs\n}\n\nvar f = func() {}\n";
    assert_eq!(
        names(Language::Go, text),
        vec![("Server.Handle".into(), 2..6), ("Map".into(), 7..10)]
    );
}

#[test]
fn c_and_cpp() {
    let text = r#"#include <stdio.h>

static int add(int a, int b);

static int
helper(void) { return 0; }

int add(int a, int b)
{
    if (a) {
        printf("}\n");
    }
    return a + b;
}

struct point make(int x) {
    struct point p = { x, 0 };
    return p;
}

namespace geo {
class Shape {
  public:
    virtual ~Shape() {}
    double area() const {
        return 0;
    }
};
}

void Shape::draw(Canvas &c) {
    c.line();
}
"#;
    assert_eq!(
        names(Language::C, text),
        vec![
            ("add".into(), 7..14),
            ("make".into(), 15..19),
            ("geo::Shape::~Shape".into(), 23..24),
            ("geo::Shape::area".into(), 24..27),
            ("Shape::draw".into(), 30..33),
        ]
    );
}

#[test]
fn java_methods_and_constructors() {
    let text = r#"package a;

@Service
public class Account {
    private final List<String> names = new ArrayList<>();

    public Account(String owner) {
        this.owner = owner;
    }

    @Override
    public Map<String, List<Integer>> totals(int[] xs) throws IOException {
        for (int x : xs) {
            call(x);
        }
        return Map.of();
    }

    abstract void later();

    static class Inner {
        void run() {
        }
    }
}
"#;
    assert_eq!(
        names(Language::Java, text),
        vec![
            ("Account.Account".into(), 6..9),
            ("Account.totals".into(), 11..17),
            ("Account.Inner.run".into(), 21..23),
        ]
    );
}

#[test]
fn lines_outside_functions_name_nothing() {
    let old = "use a;\n\nfn f() {\n}\n";
    let new = "use a;\nuse b;\n\nfn f() {\n}\n";
    assert!(changed(Language::Rust, old, new).is_empty());
}
