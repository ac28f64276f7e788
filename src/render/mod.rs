//! Human views of sessions: status and TL;DR, listings, the timeline.
//! JSON views are the serde forms of the domain types and need no code here.

mod list;
mod plan;
mod rewound;
mod status;
mod timeline;

pub(crate) use list::list_table;
pub(crate) use plan::plan_excerpt;
pub(crate) use rewound::rewound;
pub(crate) use status::{header_details, tldr};
pub(crate) use timeline::timeline;

use std::io::{IsTerminal, Write};

use crate::session::{text, Timestamp};

/// Writes `text` to stdout; a closed pipe (`git session log | head`) ends the
/// program quietly with exit 0, as ripgrep and git do.
pub(crate) fn out(text: &str) {
    out_bytes(text.as_bytes());
}

/// [`out`] for bytes that need not be UTF-8 (patches of arbitrary files).
pub(crate) fn out_bytes(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {err}");
        std::process::exit(1);
    }
}

/// Colours for a terminal; all empty when stdout is not a terminal, when
/// `NO_COLOR` is set, or when `color.ui` says never.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Palette {
    pub bold: &'static str,
    pub dim: &'static str,
    pub yellow: &'static str,
    pub green: &'static str,
    pub red: &'static str,
    pub cyan: &'static str,
    pub reset: &'static str,
}

impl Palette {
    pub(crate) const PLAIN: Palette = Palette {
        bold: "",
        dim: "",
        yellow: "",
        green: "",
        red: "",
        cyan: "",
        reset: "",
    };
    const ANSI: Palette = Palette {
        bold: "\x1b[1m",
        dim: "\x1b[2m",
        yellow: "\x1b[33m",
        green: "\x1b[32m",
        red: "\x1b[31m",
        cyan: "\x1b[36m",
        reset: "\x1b[0m",
    };

    /// The palette for stdout given git's `color.ui` value.
    pub(crate) fn for_stdout(color_ui: Option<&str>) -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match color_ui.map(str::to_ascii_lowercase).as_deref() {
            _ if no_color => Palette::PLAIN,
            Some("always") => Palette::ANSI,
            Some("never" | "false" | "no" | "off" | "0") => Palette::PLAIN,
            _ if std::io::stdout().is_terminal() => Palette::ANSI,
            _ => Palette::PLAIN,
        }
    }
}

/// `2026-11-24T07:21:28+01:00` → `2026-11-24 07:21`.
pub(crate) fn short_time(time: &Timestamp) -> String {
    time.short()
}

/// The first 12 characters of an id (a session id, an object id).
pub(crate) fn short_id<T: AsRef<str> + ?Sized>(id: &T) -> &str {
    text::prefix(id.as_ref(), 12)
}

/// How objectives and blockers are shown: the last 8 digits of the event id
/// (the random part of a UUIDv7; its first digits are a timestamp shared by
/// everything recorded in the same moment).
pub(crate) fn item_id<T: AsRef<str> + ?Sized>(id: &T) -> &str {
    text::suffix(id.as_ref(), 8)
}

/// A text from a session (an intent, a label, a note — maybe from somebody
/// else's remote) made safe for a terminal: control characters other than
/// newline and tab are written as escapes, as git quotes odd paths.
pub(crate) fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    text::escape_controls(text)
}

/// [`esc`] for a text shown on one line: newlines and tabs are escaped too.
pub(crate) fn esc_line(text: &str) -> std::borrow::Cow<'_, str> {
    text::escape_line(text)
}

/// `1h 05m`, `12m`, `0m`.
pub(crate) fn hours(secs: u64) -> String {
    let m = secs / 60;
    if m >= 60 {
        format!("{}h {:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    }
}

/// `3725` → `1h 02m`; under a minute, `45s`.
pub(crate) fn duration(secs: u64) -> String {
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    match (h, m) {
        (0, 0) => format!("{secs}s"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h {m:02}m"),
    }
}

/// How long between two times, as `2h 05m`.
pub(crate) fn duration_between(from: &Timestamp, to: &Timestamp) -> String {
    let secs = (to.seconds() - from.seconds()).max(0);
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else {
        format!("{m}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_hours_and_minutes() {
        assert_eq!(hours(3900), "1h 05m");
        assert_eq!(hours(59), "0m");
    }
}
