//! `git session plan`: the plan the session works from — set it from a
//! markdown file, show it (as of any event), compare versions, check off
//! its steps.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{print_json, Ui};
use crate::error::fail;
use crate::ops::{self, PlanDiffInput, PlanSetInput, PlanShowInput, PlanStepInput};
use crate::render::{esc, out, out_bytes};

/// The most of a plan file read: one byte more than a plan may have, so a
/// larger one is refused without reading all of it.
const READ_LIMIT: u64 = 256 * 1024 + 1;

/// Arguments of `git session plan` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Without a subcommand: `plan show`.
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Set the plan from a markdown file (`-`: standard input).
    ///
    /// Records a new version of the plan (a `plan` event with the markdown
    /// attached as `plan.md`). Refused, with nothing recorded, when the text
    /// is empty, not UTF-8 or larger than 256 KiB; the same text as the plan
    /// in force records nothing.
    Set {
        /// The markdown file, or `-` for standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the plan (the latest, or the one in force at an event).
    Show {
        /// The plan in force as of this event (an event id, its last digits,
        /// or an event commit prefix: `git session log --ids`), or this
        /// version (`3`, `v3`).
        #[arg(long, value_name = "EVENT")]
        at: Option<String>,
        /// Print the plan, its counts and its steps as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare two versions of the plan, as `git diff` does.
    ///
    /// FROM and TO are versions (`2`, `v2`) or events, as for `show --at`;
    /// the default compares the version before TO with TO, the latest.
    Diff {
        /// The older plan (default: the version before TO).
        from: Option<String>,
        /// The newer plan (default: the plan in force).
        to: Option<String>,
        /// Colour the output: `auto` (on a terminal; honours NO_COLOR and `color.ui`), `always` or `never`.
        #[arg(long, value_name = "WHEN", default_value = "auto")]
        color: String,
        /// Print the versions compared and the patch as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a step of the plan's checklist: a new version with `[x]`.
    ///
    /// STEP is the item's number (1-based, as `plan show` counts the `- [ ]`
    /// items) or a unique part of its text, without case; when several
    /// match, the open ones count. A step already checked records nothing.
    Done {
        /// The step's number or a part of its text.
        step: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Clear a checked step of the plan's checklist: a new version with `[ ]`.
    Undone {
        /// The step's number or a part of its text.
        step: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(ui: &Ui, args: &Args) -> Result<()> {
    let show = Action::Show { at: None, json: false };
    match args.action.as_ref().unwrap_or(&show) {
        Action::Set { file, json } => {
            let markdown = read_plan(file)?;
            let recorded = ops::plan_set(
                &ui.engine,
                &PlanSetInput {
                    markdown,
                    source: Some("cli".into()),
                },
            )?;
            if *json {
                return print_json(&recorded);
            }
            let p = &recorded.plan;
            if recorded.recorded {
                out(&format!(
                    "Plan v{} of '{}': {} ({}/{} done).\n",
                    p.version,
                    esc(&recorded.name),
                    esc(&p.title),
                    p.done,
                    p.total
                ));
            } else {
                out(&format!(
                    "The plan is unchanged (v{}); nothing was recorded.\n",
                    p.version
                ));
            }
        }
        Action::Show { at, json } => {
            let shown = ops::plan_show(&ui.engine, &PlanShowInput { at: at.clone() })?;
            if *json {
                return print_json(&shown);
            }
            let mut text = esc(&shown.markdown).into_owned();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            out(&text);
            ui.say(format!(
                "(plan v{} of '{}', {}/{} done)",
                shown.version, shown.name, shown.done, shown.total
            ));
        }
        Action::Diff { from, to, color, json } => {
            let color = match color.as_str() {
                "always" => true,
                "never" => false,
                "auto" => !ui.palette().bold.is_empty(),
                other => {
                    return Err(crate::error::usage(format!(
                        "--color takes auto, always or never, not '{other}'"
                    )))
                }
            };
            let diff = ops::plan_diff(
                &ui.engine,
                &PlanDiffInput {
                    from: from.clone(),
                    to: to.clone(),
                    color: color && !json,
                },
            )?;
            if *json {
                return print_json(&diff);
            }
            if diff.from.is_none() {
                ui.say(format!(
                    "(v{} is the first plan: compared with nothing)",
                    diff.to.version
                ));
            }
            if diff.colored {
                out_bytes(diff.patch.as_bytes());
            } else {
                out_bytes(esc(&diff.patch).as_bytes());
            }
        }
        Action::Done { step, json } | Action::Undone { step, json } => {
            let done = matches!(args.action, Some(Action::Done { .. }));
            let recorded = ops::plan_step(
                &ui.engine,
                &PlanStepInput {
                    step: step.clone(),
                    done,
                    source: Some("cli".into()),
                },
            )?;
            if *json {
                return print_json(&recorded);
            }
            let p = &recorded.plan;
            let line = recorded.step.as_ref().map(ops::step_line).unwrap_or_default();
            if recorded.recorded {
                out(&format!(
                    "{} (plan v{}, {}/{} done)\n",
                    esc(&line),
                    p.version,
                    p.done,
                    p.total
                ));
            } else {
                let state = if done { "done" } else { "open" };
                out(&format!("Already {state}: {}; nothing was recorded.\n", esc(&line)));
            }
        }
    }
    Ok(())
}

/// The bytes of the plan file (`-`: standard input), at most [`READ_LIMIT`].
fn read_plan(file: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .take(READ_LIMIT)
            .read_to_end(&mut bytes)
            .context("cannot read the plan from standard input")?;
        return Ok(bytes);
    }
    let f = std::fs::File::open(file).map_err(|err| {
        let why = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            _ => err.to_string(),
        };
        fail(format!("cannot read the plan from {}: {why}", file.display()))
    })?;
    f.take(READ_LIMIT)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the plan from {}", file.display()))?;
    Ok(bytes)
}
