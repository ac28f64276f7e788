//! `git session who [PATH…]`: which open sessions, here and fetched from
//! remotes, touched or claimed these paths recently. Zone awareness over
//! plain git: a session's files are those that differ between its first and
//! latest snapshot, plus the paths it claimed.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{esc_line, out, short_id, short_time};

/// Arguments of `git session who` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (relative to the current directory); default: everything.
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Only sessions updated in the last DAYS days.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub days: u32,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let (zones, paths) = ops::who(&ui.engine, &args.paths, args.days)?;
    if args.json {
        return print_json(&zones);
    }
    if zones.is_empty() {
        ui.say(format!(
            "No open session touched or claimed {} in the last {} days.",
            if paths.is_empty() {
                "anything".to_owned()
            } else {
                paths.join(", ")
            },
            args.days
        ));
        return Ok(());
    }
    let mut s = String::new();
    for z in &zones {
        let from = if z.from == "here" {
            String::new()
        } else {
            format!(", from {}", z.from)
        };
        s.push_str(&format!(
            "{} ({}, {}{from}) {} on {}, last active {}\n",
            z.name,
            short_id(&z.session),
            z.status,
            esc_line(z.owner.as_deref().unwrap_or("?")),
            z.branch.as_deref().unwrap_or("(detached)"),
            short_time(&z.updated)
        ));
        for c in &z.claimed {
            s.push_str(&format!("  claimed  {}\n", esc_line(c)));
        }
        for f in z.touched.iter().take(20) {
            s.push_str(&format!("  touched  {}\n", esc_line(f)));
        }
        if z.touched.len() > 20 {
            s.push_str(&format!("  … and {} more files\n", z.touched.len() - 20));
        }
    }
    out(&s);
    Ok(())
}
