//! `git session objective`: what the session is for, and what is done.

use anyhow::Result;

use super::{non_empty, print_json, recorded_json, Ctx};
use crate::error::{fail, fail_with_hint};
use crate::render::{item_id, out};
use crate::session::{EventKind, Item};

/// Arguments of `git session objective` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Add an objective.
    Add {
        /// The objective.
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark an open objective done: its id prefix, or words of its text.
    Done {
        /// Id prefix or a unique part of the text.
        objective: String,
        #[arg(long)]
        json: bool,
    },
    /// List the open objectives.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Finds an open item by id prefix or by a unique part of its text.
pub fn find_item<'a>(items: &'a [Item], spec: &str, what: &str) -> Result<&'a Item> {
    let by_id: Vec<&Item> = items
        .iter()
        .filter(|i| spec.len() >= 4 && (i.id.starts_with(spec) || i.id.ends_with(spec)))
        .collect();
    let found: Vec<&Item> = if by_id.is_empty() {
        let needle = spec.to_lowercase();
        items
            .iter()
            .filter(|i| i.text.to_lowercase().contains(&needle))
            .collect()
    } else {
        by_id
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(fail_with_hint(
            format!("no open {what} matches '{spec}'"),
            "see them with `git session status`",
        )),
        many => Err(fail(format!(
            "'{spec}' matches {} open {what}s:\n{}",
            many.len(),
            many.iter()
                .map(|i| format!("  {} {}", item_id(&i.id), i.text))
                .collect::<Vec<_>>()
                .join("\n")
        ))),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.action {
        Action::Add { text, json } => {
            let text = non_empty(text, "the objective")?;
            let target = ctx.target()?;
            let event = ctx.event(EventKind::Objective)?.with("text", text.as_str());
            let (head, events) = ctx.record(&target, vec![event])?;
            if *json {
                return print_json(&recorded_json(&head, &events));
            }
            out(&format!("Objective added to '{}'.\n", head.header.name));
        }
        Action::Done { objective, json } => {
            let target = ctx.target()?;
            let item = find_item(&target.head.header.objectives, objective, "objective")?.clone();
            let event = ctx
                .event(EventKind::ObjectiveDone)?
                .with("objective", item.id.as_str())
                .with("text", item.text.as_str());
            let (head, events) = ctx.record(&target, vec![event])?;
            if *json {
                return print_json(&recorded_json(&head, &events));
            }
            out(&format!("Objective done: {}\n", item.text));
            let _ = head;
        }
        Action::List { json } => {
            let head = ctx.target()?.head;
            if *json {
                return print_json(&head.header.objectives);
            }
            let mut s = String::new();
            for o in &head.header.objectives {
                s.push_str(&format!("{} {}\n", item_id(&o.id), o.text));
            }
            out(&s);
        }
    }
    Ok(())
}
