//! `--stat`: a line per path with its count of changed lines and a bar of
//! `+` and `-` scaled to the width, then the summary line (`show_stats` and
//! `print_stat_summary_inserts_deletes` in git's `diff.c`).

use anyhow::Result;

use super::{quote, Content, DiffOptions, FileChange, LineCounts};

const NEW: &str = "\x1b[32m";
const OLD: &str = "\x1b[31m";
const RESET: &str = "\x1b[m";

/// What `--stat` shows of one path.
struct StatFile {
    /// The quoted path; quoting leaves only printable ASCII, so its length
    /// is its width on screen.
    name: Vec<u8>,
    /// Lines added and removed, or for a binary file the new and old sizes.
    added: u64,
    deleted: u64,
    is_binary: bool,
}

impl StatFile {
    fn for_change(repo: &gix::Repository, change: &FileChange, context: u32) -> Result<StatFile> {
        let old = Content::load(repo, change.old)?;
        let new = Content::load(repo, change.new)?;
        let counts = LineCounts::of(change.old, change.new, &old, &new, context);
        Ok(StatFile {
            name: quote::quoted(&change.path),
            added: counts.added,
            deleted: counts.removed,
            is_binary: counts.binary,
        })
    }
}

/// Writes the `--stat` lines and summary for `changes`; nothing when there
/// are none.
pub(super) fn write_stat(
    repo: &gix::Repository,
    changes: &[FileChange],
    opts: &DiffOptions,
    out: &mut Vec<u8>,
) -> Result<()> {
    let files = changes
        .iter()
        .map(|change| StatFile::for_change(repo, change, opts.context))
        .collect::<Result<Vec<_>>>()?;
    let (add_c, del_c, reset) = if opts.color { (NEW, OLD, RESET) } else { ("", "", "") };
    if files.is_empty() {
        return Ok(());
    }

    let mut max_len = 0i64;
    let mut max_change = 0i64;
    let mut bin_width = 0i64;
    let mut number_width = 0i64;
    for file in &files {
        max_len = max_len.max(file.name.len() as i64);
        if file.is_binary {
            // "Bin XXX -> YYY bytes"
            bin_width = bin_width.max(14 + decimal_width(file.added) + decimal_width(file.deleted));
            // Counts line up with "Bin".
            number_width = 3;
            continue;
        }
        max_change = max_change.max((file.added + file.deleted) as i64);
    }
    number_width = number_width.max(decimal_width(max_change as u64));

    // Room for at least 6 columns of bar and 10 of name.
    let width = (opts.stat_width as i64).max(16 + 6 + number_width);
    let mut graph_width = if max_change + 4 > bin_width {
        max_change
    } else {
        bin_width - 4
    };
    let mut name_width = max_len;
    if name_width + number_width + 6 + graph_width > width {
        if graph_width > width * 3 / 8 - number_width - 6 {
            graph_width = (width * 3 / 8 - number_width - 6).max(6);
        }
        if name_width > width - number_width - 6 - graph_width {
            name_width = width - number_width - 6 - graph_width;
        } else {
            graph_width = width - number_width - 6 - name_width;
        }
    }

    for file in &files {
        // A name too long for its column loses its start, and then up to
        // its first slash, to "...".
        let mut name: &[u8] = &file.name;
        let mut prefix: &[u8] = b"";
        let mut len = name_width;
        if name_width < name.len() as i64 {
            prefix = b"...";
            len = (len - 3).max(0);
            name = &name[name.len() - len as usize..];
            if let Some(slash) = name.iter().position(|&c| c == b'/') {
                name = &name[slash..];
            }
        }
        let padding = (len - name.len() as i64).max(0) as usize;
        out.push(b' ');
        out.extend_from_slice(prefix);
        out.extend_from_slice(name);
        out.extend(std::iter::repeat_n(b' ', padding));
        out.extend_from_slice(b" | ");

        if file.is_binary {
            out.extend_from_slice(format!("{:>w$}", "Bin", w = number_width as usize).as_bytes());
            if file.added != 0 || file.deleted != 0 {
                let sizes = format!(" {del_c}{}{reset} -> {add_c}{}{reset} bytes", file.deleted, file.added);
                out.extend_from_slice(sizes.as_bytes());
            }
            out.push(b'\n');
            continue;
        }

        let total = file.added + file.deleted;
        out.extend_from_slice(format!("{total:>w$}", w = number_width as usize).as_bytes());
        if total != 0 {
            out.push(b' ');
        }
        let (mut add, mut del) = (file.added as i64, file.deleted as i64);
        if graph_width <= max_change {
            let mut scaled = scale_linear(add + del, graph_width, max_change);
            if scaled < 2 && add != 0 && del != 0 {
                scaled = 2;
            }
            if add < del {
                add = scale_linear(add, graph_width, max_change);
                del = scaled - add;
            } else {
                del = scale_linear(del, graph_width, max_change);
                add = scaled - del;
            }
        }
        bar(out, b'+', add, add_c, reset);
        bar(out, b'-', del, del_c, reset);
        out.push(b'\n');
    }

    let (insertions, deletions) = files
        .iter()
        .filter(|f| !f.is_binary)
        .fold((0, 0), |(i, d), f| (i + f.added, d + f.deleted));
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut summary = format!(" {}", plural(files.len() as u64, "file changed", "files changed"));
    if insertions != 0 || deletions == 0 {
        summary.push_str(&format!(", {}", plural(insertions, "insertion(+)", "insertions(+)")));
    }
    if deletions != 0 || insertions == 0 {
        summary.push_str(&format!(", {}", plural(deletions, "deletion(-)", "deletions(-)")));
    }
    summary.push('\n');
    out.extend_from_slice(summary.as_bytes());
    Ok(())
}

/// `scale_linear`: `it` of `max_change` in `width` columns, at least one
/// column for anything but zero.
fn scale_linear(it: i64, width: i64, max_change: i64) -> i64 {
    if it == 0 {
        return 0;
    }
    1 + it * (width - 1) / max_change
}

fn bar(out: &mut Vec<u8>, sign: u8, count: i64, color: &str, reset: &str) {
    if count <= 0 {
        return;
    }
    out.extend_from_slice(color.as_bytes());
    out.extend(std::iter::repeat_n(sign, count as usize));
    out.extend_from_slice(reset.as_bytes());
}

fn decimal_width(n: u64) -> i64 {
    n.to_string().len() as i64
}
