//! `git session rewind`: the work tree (and, when asked, the branch) back to
//! a checkpoint, an intent, any snapshot, or the start of the session.
//!
//! Also the machinery `restore` and `undo` share: every one of them records
//! an event carrying the work tree it replaces *before* a file changes, then
//! moves the branch, writes the files and brings the index in line.

use std::collections::HashSet;

use anyhow::Result;
use bstr::{BString, ByteSlice};
use gix::ObjectId;

use super::{print_json, Ctx, Target};
use crate::error::{fail, fail_with_hint};
use crate::render::out;
use crate::rewind::commits::{self, Mode, Move};
use crate::rewind::{self, target, Plan, Scope};
use crate::session::{Event, EventKind};
use crate::store::SessionHead;

/// Arguments of `git session rewind` (documented in `src/cli.rs`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `start`, a checkpoint label, an intent, an event id (or its last
    /// digits) or an event commit prefix.
    pub target: String,
    /// What to do with the commits made in the session since the target.
    #[arg(long, value_enum, default_value_t = Mode::Keep)]
    pub commits: Mode,
    /// With `--commits reset`: move the branch even over commits that are not
    /// the session's, or to a commit that is no longer an ancestor.
    #[arg(long)]
    pub force: bool,
    /// Print what would change and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    ctx.store.workdir()?;
    if args.force && args.commits != Mode::Reset {
        return Err(crate::error::usage("--force only applies to --commits reset"));
    }
    let target = ctx.target()?;
    let events = ctx.store.events(&target.head)?;
    let point = target::find(&events, &args.target)?;
    let (event, capture) = ctx.snapshot_event_with_capture(EventKind::Rewind)?;
    let plan = rewind::plan(&ctx.store.repo, capture.tree, point.tree, &Scope::All)?;

    let moves = match args.commits {
        Mode::Keep => None,
        mode => {
            let Some(base) = point.event.head.as_deref().and_then(|h| ObjectId::from_hex(h.as_bytes()).ok()) else {
                return Err(fail("the target was recorded before the first commit; there is no commit to go back to"));
            };
            let head = current_head(ctx)?;
            let own: HashSet<ObjectId> = events
                .iter()
                .filter(|e| e.event.known_kind() == Some(EventKind::Commit) && e.event.clock > point.event.clock)
                .filter_map(|e| e.event.str_field("commit"))
                .filter_map(|c| ObjectId::from_hex(c.as_bytes()).ok())
                .collect();
            if mode == Mode::Revert {
                commits::plan_revert(&ctx.store.repo, &head, base, &own, &event.author, event_time(&event)?)?
            } else {
                commits::plan_reset(&ctx.store.repo, &head, base, &own, args.force)?
            }
        }
    };

    let what = format!("to {}", point.describe());
    if args.dry_run {
        return report(ctx, &Report::dry("rewind", &what, &plan, moves.as_ref()), args.json);
    }
    if plan.is_empty() && moves.is_none() {
        return report(ctx, &Report::nothing("rewind", &what, &plan), args.json);
    }
    let event = event
        .with("text", what.as_str())
        .with("target", point.event.id.as_str())
        .with("target_commit", point.commit.to_string())
        .with("to", point.tree.to_string())
        .with("commits", args.commits.as_str());
    let done = carry_out(ctx, &target, event, capture.index_tree, &plan, moves.as_ref(), None)?;
    report(ctx, &Report::done("rewind", &what, &plan, moves.as_ref(), &done), args.json)
}

/// HEAD's commit and the ref a commit would move (its branch, or HEAD).
fn current_head(ctx: &Ctx) -> Result<commits::Head> {
    let state = ctx.store.head_state()?;
    let Some(commit) = state.commit else {
        return Err(fail("HEAD has no commit yet"));
    };
    let refname = match state.branch {
        Some(b) => format!("refs/heads/{b}"),
        None => "HEAD".to_owned(),
    };
    Ok(commits::Head { commit, refname })
}

fn event_time(event: &Event) -> Result<gix::date::Time> {
    crate::store::parse_rfc3339(&event.time).ok_or_else(|| fail("the event time cannot be read"))
}

/// What a finished operation did.
pub(super) struct Done {
    pub head: SessionHead,
    pub event: Event,
}

/// Records `event` (the work tree it replaces, the plan, the branch move),
/// then moves the branch, writes the files and updates the index. The index
/// entries of the changed paths become those of `index_source`, or of HEAD's
/// tree (after the move) when there is none.
pub(super) fn carry_out(
    ctx: &Ctx,
    target: &Target,
    mut event: Event,
    index_tree: Option<ObjectId>,
    plan: &Plan,
    moves: Option<&Move>,
    index_source: Option<ObjectId>,
) -> Result<Done> {
    let repo = &ctx.store.repo;
    let lock = repo.index_path().with_extension("lock");
    if lock.exists() {
        return Err(fail_with_hint(
            format!("{} exists: another git process is using the index; nothing was changed", lock.display()),
            "wait for it to finish, or remove the file if that process is gone",
        ));
    }
    event = event
        .with("after", plan.after.to_string())
        .with("index", index_tree.map(|t| t.to_string()))
        .with("written", plan.write.len())
        .with("removed", plan.remove.len());
    if let Some(m) = moves {
        event = event
            .with("ref", m.refname.as_str())
            .with("head_before", m.before.to_string())
            .with("head_after", m.after.to_string())
            .with("undone", serde_json::to_value(&m.undone)?)
            .with(
                "created",
                m.created.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            );
    }
    let (head, landed) = ctx.record(target, vec![event])?;
    let event = landed.into_iter().last().expect("the event just recorded");

    let mut index_paths: Vec<BString> = plan.changed_paths();
    if let Some(m) = moves {
        let why = format!("git-session {}: {}", event.kind, event.summary());
        commits::move_ref(repo, &m.refname, m.before, m.after, &why)?;
        let tree_of = |c: ObjectId| -> Result<ObjectId> { Ok(repo.find_commit(c)?.tree_id()?.detach()) };
        index_paths.extend(rewind::changed_paths(repo, tree_of(m.before)?, tree_of(m.after)?)?);
        index_paths.sort();
        index_paths.dedup();
    }
    rewind::apply(repo, plan)?;
    let source = match index_source {
        Some(tree) => Some(tree),
        None => ctx.store.head_tree()?,
    };
    rewind::index::follow(repo, &index_paths, source, plan.after)?;
    Ok(Done { head, event })
}

/// What an operation did or would do, for people and for `--json`.
#[derive(serde::Serialize)]
pub(super) struct Report {
    operation: &'static str,
    what: String,
    dry_run: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<Event>,
    write: Vec<String>,
    add: Vec<String>,
    remove: Vec<String>,
    skipped: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commits: Option<serde_json::Value>,
}

impl Report {
    fn new(operation: &'static str, what: &str, plan: &Plan, moves: Option<&Move>, dry_run: bool) -> Report {
        let show = |p: &BString| rewind::display(p.as_bstr());
        let added: HashSet<&BString> = plan
            .write
            .iter()
            .filter(|w| w.added)
            .map(|w| &w.path)
            .collect();
        Report {
            operation,
            what: what.to_owned(),
            dry_run,
            session: None,
            event: None,
            write: plan.write.iter().filter(|w| !w.added).map(|w| show(&w.path)).collect(),
            add: added.iter().map(|p| show(p)).collect::<std::collections::BTreeSet<_>>().into_iter().collect(),
            remove: plan
                .remove
                .iter()
                .filter(|p| !added.contains(p))
                .map(show)
                .collect(),
            skipped: plan
                .skipped
                .iter()
                .map(|s| serde_json::json!({"path": show(&s.path), "why": s.why}))
                .collect(),
            commits: moves.map(|m| {
                serde_json::json!({
                    "ref": m.refname,
                    "before": m.before.to_string(),
                    "after": m.after.to_string(),
                    "undone": m.undone,
                    "created": m.created.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                    "left": m.left,
                })
            }),
        }
    }

    pub(super) fn dry(operation: &'static str, what: &str, plan: &Plan, moves: Option<&Move>) -> Report {
        Report::new(operation, what, plan, moves, true)
    }

    pub(super) fn nothing(operation: &'static str, what: &str, plan: &Plan) -> Report {
        Report::new(operation, what, plan, None, false)
    }

    pub(super) fn done(operation: &'static str, what: &str, plan: &Plan, moves: Option<&Move>, done: &Done) -> Report {
        let mut r = Report::new(operation, what, plan, moves, false);
        r.session = Some(done.head.id.clone());
        r.event = Some(done.event.clone());
        r
    }

    fn changes(&self) -> usize {
        self.write.len() + self.add.len() + self.remove.len()
    }
}

/// Prints a report: the files line by line for a dry run, a summary otherwise.
pub(super) fn report(ctx: &Ctx, r: &Report, json: bool) -> Result<()> {
    if json {
        return print_json(r);
    }
    let mut s = String::new();
    let verb = match r.operation {
        "rewind" => "Rewound",
        "restore" => "Restored",
        _ => "Undid",
    };
    if r.dry_run {
        s.push_str(&format!("Would {} {}:\n", r.operation, r.what));
        for (tag, list) in [("write", &r.write), ("add", &r.add), ("remove", &r.remove)] {
            for p in list {
                s.push_str(&format!("  {tag:<7} {p}\n"));
            }
        }
        if r.changes() == 0 {
            s.push_str("  no file changes\n");
        }
    } else if r.event.is_none() {
        s.push_str(&format!("Nothing to {}: the work tree already matches {}.\n", r.operation, strip_to(&r.what)));
    } else {
        s.push_str(&format!(
            "{verb} {}: {} written, {} removed.\n",
            r.what,
            plural(r.write.len() + r.add.len(), "file"),
            r.remove.len()
        ));
    }
    for skip in &r.skipped {
        s.push_str(&format!(
            "  left alone: {} ({})\n",
            skip["path"].as_str().unwrap_or(""),
            skip["why"].as_str().unwrap_or("")
        ));
    }
    if let Some(c) = &r.commits {
        let (revert, moved) = if r.dry_run {
            ("would revert", "would move")
        } else {
            ("reverted", "moved")
        };
        let undone = c["undone"].as_array().map(Vec::len).unwrap_or(0);
        let created = c["created"].as_array().map(Vec::len).unwrap_or(0);
        let (reference, before, after) = (c["ref"].as_str().unwrap_or(""), short(&c["before"]), short(&c["after"]));
        if created > 0 {
            s.push_str(&format!("Commits: {revert} {} of this session:\n", plural(undone, "commit")));
        } else if undone > 0 {
            s.push_str(&format!(
                "Commits: {moved} {reference} from {before} to {after}, dropping {}:\n",
                plural(undone, "commit")
            ));
        } else {
            s.push_str(&format!("Commits: {moved} {reference} from {before} to {after}.\n"));
        }
        for commit in c["undone"].as_array().into_iter().flatten() {
            s.push_str(&format!("  {}\n", one_commit(commit)));
        }
        for commit in c["left"].as_array().into_iter().flatten() {
            s.push_str(&format!("  left alone (not this session's, or a merge): {}\n", one_commit(commit)));
        }
    }
    out(&s);
    if r.event.is_some() {
        ctx.say("Undo it with `git session undo`.");
    }
    Ok(())
}

fn one_commit(c: &serde_json::Value) -> String {
    format!("{} {}", short(&c["commit"]), c["subject"].as_str().unwrap_or(""))
}

fn short(id: &serde_json::Value) -> &str {
    let id = id.as_str().unwrap_or("");
    &id[..id.len().min(7)]
}

fn strip_to(what: &str) -> &str {
    what.strip_prefix("to ").unwrap_or(what)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
