//! `git session rename`: give a session another name.

use anyhow::Result;

use super::{print_json, recorded_json, Ctx};
use crate::error::{fail_with_hint, usage};
use crate::render::out;
use crate::session::{normalize_name, EventKind};
use crate::store::Listed;

/// Arguments of `git session rename` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `[SESSION] NEW-NAME`.
    #[arg(num_args = 1..=2, required = true, value_names = ["SESSION", "NEW_NAME"])]
    pub names: Vec<String>,
    /// Print the recorded events as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let (spec, raw) = match args.names.as_slice() {
        [new] => (None, new),
        [session, new] => (Some(session.as_str()), new),
        _ => return Err(usage("rename takes [SESSION] NEW-NAME")),
    };
    let name = normalize_name(raw).map_err(crate::error::fail)?;
    let target = ctx.target_for(spec)?;
    for l in ctx.store.list()? {
        if let Listed::Ok(h) = l {
            if h.name == name && h.id != target.head.id {
                return Err(fail_with_hint(
                    format!("a session named '{name}' exists already"),
                    "choose another name",
                ));
            }
        }
    }
    let old = target.head.header.name.clone();
    let event = ctx
        .event(EventKind::Rename)?
        .with("name", name.as_str())
        .with("old_name", old.as_str());
    let (head, events) = ctx.record(&target, vec![event])?;
    if args.json {
        return print_json(&recorded_json(&head, &events));
    }
    out(&format!("Renamed '{old}' to '{name}'.\n"));
    Ok(())
}
