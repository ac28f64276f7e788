//! `git session objective`: what the session is for, and what is done.

use anyhow::Result;

use super::{print_json, Ui};
use crate::ops;
use crate::render::{item_id, out};

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
        /// Print the recorded event as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark an open objective done: its id prefix, or words of its text.
    Done {
        /// Id prefix or a unique part of the text.
        objective: String,
        /// Print the recorded event as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the open objectives.
    List {
        /// Print the objectives as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    match &args.action {
        Action::Add { text, json } => {
            let landed = ops::objective_add(&ui.engine, text)?;
            if *json {
                return print_json(&landed);
            }
            out(&format!("Objective added to '{}'.\n", landed.name));
        }
        Action::Done { objective, json } => {
            let (landed, item) = ops::objective_done(&ui.engine, objective)?;
            if *json {
                return print_json(&landed);
            }
            out(&format!("Objective done: {}\n", item.text));
        }
        Action::List { json } => {
            let objectives = ops::objectives(&ui.engine)?;
            if *json {
                return print_json(&objectives);
            }
            let mut s = String::new();
            for o in &objectives {
                s.push_str(&format!("{} {}\n", item_id(&o.id), o.text));
            }
            out(&s);
        }
    }
    Ok(())
}
