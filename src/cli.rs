//! The command line: one clap derive definition that also generates the man
//! page (`man/git-session.1`) and the shell completions.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

/// Record work sessions as git objects.
///
/// git-session records what a developer or a coding agent did in a stretch of
/// work: intents, exact snapshots of the work tree, checkpoints, decisions,
/// notes and the commits that came out. Each event is a commit under
/// refs/aura/sessions/<id>, so a session can be read with git log, pushed,
/// fetched, resumed and rewound. Snapshots never touch the index, HEAD or any
/// file. Commands that take SESSION accept its id, its name, or a unique
/// prefix of either.
#[derive(Parser, Debug)]
#[command(name = "git-session", bin_name = "git session", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in PATH (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// Act on this session (id, name or unique prefix) instead of the current one.
    #[arg(
        long,
        short = 's',
        global = true,
        value_name = "SESSION",
        add = clap_complete::engine::ArgValueCandidates::new(cmd::candidates::sessions)
    )]
    pub session: Option<String>,
    /// Print no status messages on stderr.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a session in this work tree.
    ///
    /// Start a session: record a `start` event carrying a snapshot of the work
    /// tree and make it this work tree's current session. A session that was
    /// current is paused first.
    Start(cmd::start::Args),
    /// Show the current session: objective, progress, intent, blockers, next steps.
    ///
    /// Show the current session of this work tree: objective, progress, intent,
    /// blockers and next steps.
    Status(cmd::status::Args),
    /// List sessions.
    ///
    /// List sessions, oldest first. Closed and abandoned ones only with `--all`.
    /// Refs that cannot be read are reported on stderr and do not hide the others.
    List(cmd::list::Args),
    /// Show one session in detail.
    ///
    /// Show a session's header and its most recent events.
    Show(cmd::show::Args),
    /// Record an intent (and a snapshot).
    ///
    /// Record an intent; it also takes a snapshot of the work tree, so the state
    /// before the edits it announces can be rewound to.
    Intent(cmd::intent::Args),
    /// Take a pre-edit snapshot, naming the files about to be edited.
    ///
    /// Take a snapshot of the whole work tree before editing, naming the files
    /// about to be edited (agents call this from a pre-edit hook).
    Snapshot(cmd::snapshot::Args),
    /// Record a named checkpoint (with a snapshot).
    ///
    /// Record a checkpoint: a snapshot of the work tree with a label, a
    /// milestone in `git session log`.
    Checkpoint(cmd::checkpoint::Args),
    /// Record a note, decision, discovery, blocker, next step or progress.
    ///
    /// Record a note. With a flag, record it as a decision (with its rationale
    /// and the alternatives that were set aside), a discovery, a blocker, a next
    /// step or a progress report. Notes take no snapshot and cost next to nothing.
    Note(cmd::note::Args),
    /// Add, complete and list objectives.
    ///
    /// Add objectives, mark them done, list the open ones.
    Objective(cmd::objective::Args),
    /// Set, show and check off the plan the session works from.
    ///
    /// The plan is a markdown document; each version is a `plan` event with
    /// the markdown attached as `plan.md`, so it travels with push, fetch and
    /// handoff, and `status`, `resume` and `context` show it (bounded). Its
    /// checklist items (`- [ ] step`, `* [x] step`, `1. [ ] step`, indented
    /// too) give its progress; `plan done STEP` checks one. Without a
    /// subcommand, `plan` is `plan show`.
    Plan(cmd::plan::Args),
    /// Mark a blocker resolved.
    ///
    /// Mark an open blocker resolved, optionally saying how.
    Resolve(cmd::resolve::Args),
    /// Show a session's timeline.
    ///
    /// Show every event of a session, oldest first, drawn as a tree:
    /// checkpoint → intent → edit → commit.
    Log(cmd::log::Args),
    /// Summarise a session: time, objectives, changes, functions, decisions.
    ///
    /// Describe a session (default: the current one) densely: when it ran and
    /// for how long, and its active time (the gaps between consecutive events,
    /// each counted as at most 30 minutes, so breaks do not count); its
    /// objectives (done or open), intents, checkpoints, commits, decisions with
    /// their rationale and alternatives, discoveries, blockers (open, or
    /// resolved and how), next steps, notes, progress, rewinds and handoffs;
    /// the files changed from its first snapshot to its latest, with lines
    /// added and removed as `git diff --numstat` counts them; and, for Rust,
    /// Python, JavaScript/TypeScript, Go, C/C++ and Java files, the functions
    /// the changed lines are in, marked added or removed when they are new or
    /// gone. Functions are found as git finds hunk-header function names (a
    /// pattern per language for definition lines, braces or indentation for
    /// their extent), not by parsing. Events of kinds this version does not
    /// know are listed raw; every text is cut to 300 characters.
    ///
    /// `--format markdown` prints a pull-request description; `--format json`
    /// prints one JSON document (schema in docs/design.md). Nothing is recorded.
    Summarize(cmd::summarize::Args),
    /// Rewind the work tree to a checkpoint, an intent or the start of the session.
    ///
    /// Make the work tree exactly a snapshot of the session: TARGET is `start`
    /// (the state before the session began), a checkpoint label, an intent, an
    /// event id (or its last digits) or an event commit prefix (`git session
    /// log --ids`). Changed files are rewritten, files absent from the snapshot
    /// are removed, exec bits and symlinks come back; ignored files and
    /// submodules are never touched. Before a file changes, the current work
    /// tree is recorded in a `rewind` event, so `git session undo` brings it
    /// back exactly.
    ///
    /// HEAD and the index: the branch stays where it is (unless `--commits`
    /// says otherwise) and, for every path the rewind changed, the index entry
    /// becomes HEAD's, so `git status` shows the rewound files as unstaged
    /// changes against HEAD. Other paths keep what was staged.
    ///
    /// `--commits revert` adds commits on the current branch that revert the
    /// session's own commits made since TARGET, newest first; commits that came
    /// from elsewhere (pulls, merges, teammates) are left alone, and a conflict
    /// stops before anything changes. `--commits reset` moves the branch back to
    /// where it was at TARGET, refused when a commit that is not the session's
    /// would be dropped (unless `--force`).
    ///
    /// Snapshots may come from other people's remotes, so every path is checked
    /// before anything is written: `..`, absolute paths, `.git` in any letter
    /// case or disguise (`.GIT`, `git~1`) and paths through a symlink are refused.
    Rewind(cmd::rewind::Args),
    /// Bring back the named paths from a snapshot.
    ///
    /// Like rewind, for the named files and directories only:
    /// `git session restore TARGET -- PATH…`. Recorded in a `restore` event, so
    /// `git session undo` takes it back. The index follows the same rule.
    Restore(cmd::restore::Args),
    /// Take back the last rewind, restore or undo.
    ///
    /// Put back the files, the index entries and the branch that the latest
    /// rewind, restore or undo of the session replaced (or the one named by
    /// EVENT). Undo is itself recorded, so undoing an undo redoes. Files
    /// changed since the rewind are recorded in the undo event first.
    Undo(cmd::undo::Args),
    /// Show the changes between two snapshots, or a snapshot and the work tree.
    ///
    /// Print what changed from FROM (default `start`, the state before the
    /// session began) to TO (default: the work tree as it is now), as `git diff`
    /// prints it: a patch, or `--stat`, `--name-status`, `--name-only`. FROM and
    /// TO name snapshots as rewind does: `start`, a checkpoint label, an intent,
    /// an event id or an event commit prefix (`git session log --ids`). Colours
    /// on a terminal. Nothing is recorded.
    Diff(cmd::diff::Args),
    /// Fetch sessions from a remote and merge them into the local ones.
    ///
    /// Fetch `refs/aura/sessions/*` (or only the sessions named) from REMOTE
    /// (default: `session.remote`, else the branch's upstream remote, else
    /// `origin`) into `refs/aura/remotes/<remote>/sessions/`, then bring each
    /// into the local session: a new one is created, one that is ahead is
    /// fast-forwarded to, and diverged ones are joined by a `merge` event over
    /// the union of both sides' events. A local event is never lost.
    /// `--prune` removes remote-tracking refs of sessions gone from the remote.
    Fetch(cmd::fetch::Args),
    /// Hand the session over: a final snapshot, a note, the brief, a push.
    ///
    /// Record a `handoff` event with a snapshot of the work tree, a note for
    /// whoever picks the session up and the onboarding brief of `git session
    /// context` and the markdown of `git session summarize` as the attachments
    /// `handoff.md` and `summary.md`; mark the session handed over;
    /// push it (to `--remote`, else the default remote; `--no-push` keeps it
    /// local); and print the commands the successor runs: `git session fetch
    /// URL ID` and `git session resume ID`, which check out the session's
    /// branch, restore its latest snapshot and print its TL;DR.
    Handoff(cmd::handoff::Args),
    /// Push sessions to a remote, never forcing.
    ///
    /// Push the current session (or the ones named, or `--all`) to
    /// `refs/aura/sessions/<id>` on REMOTE, sending the old value the remote is
    /// expected to hold so the server does the compare-and-swap. When the remote
    /// moved, the session is fetched, merged and pushed again. Before anything
    /// is sent, the blobs the push would carry that are not in your branches
    /// are scanned for secrets (private keys, cloud and forge tokens,
    /// high-entropy assignments); a finding stops the push and names each file
    /// and rule, unless `--allow-secrets`. Built on gitoxide's transport: works
    /// over file://, git://, ssh:// and http(s)://; over git://, ssh:// and
    /// http(s):// no git binary is needed on this machine (file:// runs the
    /// remote repository's own git-receive-pack).
    Push(cmd::push::Args),
    /// Fetch, merge and push the current session.
    ///
    /// `git session fetch` of the current session, then `git session push`.
    Sync(cmd::sync::Args),
    /// Which open sessions touched or claimed these paths recently.
    ///
    /// For every open session here or fetched from a remote (`git session
    /// fetch`), updated in the last `--days` days, list the files it changed
    /// (between its first and latest snapshot) and the paths it claimed,
    /// restricted to PATHs when given. Zone awareness over plain git.
    Who(cmd::who::Args),
    /// Claim paths (advisory) for the current session.
    ///
    /// Record a `claim` event: `who` shows the paths, and a checkpoint of
    /// another session that changed them warns. Nothing is locked.
    Claim(cmd::claim::Args),
    /// Set up a remote so plain git fetch and push carry sessions.
    ///
    /// `git session remote setup [REMOTE]` adds the refspecs (opt-in).
    Remote(cmd::remote::Args),
    /// Print the onboarding brief for whoever continues the session.
    ///
    /// For a coding agent or a person taking over: the TL;DR (objective,
    /// progress, intent, blockers, next steps, handoff note), key decisions with
    /// their rationale, what changed, recent commits, discoveries and notes,
    /// and the project's own context files (`session.contextFiles`, default
    /// AGENTS.md, CLAUDE.md, GEMINI.md, .github/copilot-instructions.md). At
    /// most `--max-chars` characters (`session.contextLimit`, default 10000),
    /// the most important and newest first.
    Context(cmd::context::Args),
    /// Export a whole session as markdown or JSON.
    ///
    /// Markdown: the TL;DR and every event in order, to read or to keep.
    /// JSON: `{format, session, head, events: [{commit, event}]}`, the header
    /// and every event exactly as stored. `-o FILE` writes to a file.
    Export(cmd::export::Args),
    /// The sessions of this repository over time.
    ///
    /// One line per session (oldest first): status, start, duration, active
    /// time (the gaps between events, each counted up to 30 minutes), events,
    /// checkpoints, commits, and files changed between its first and latest
    /// snapshot. `--since` limits it to sessions active since a date or age.
    History(cmd::history::Args),
    /// A weekly or whole-project report: outcomes, active time, velocity.
    ///
    /// Sessions completed, abandoned, handed over and still open; active time;
    /// commits and checkpoints per active hour; files changed. `--weekly` (the
    /// default) covers the sessions active in the last 7 days, `--project`
    /// every session. `--format markdown` for a document.
    Report(cmd::report::Args),
    /// Rename a session.
    ///
    /// Rename a session: `rename NEW` renames the current one, `rename SESSION NEW` another.
    Rename(cmd::rename::Args),
    /// Pause a session.
    ///
    /// Pause a session (default: the current one). The work tree is left
    /// without a current session until `git session resume`.
    Pause(cmd::pause::Args),
    /// Resume a session and print its TL;DR.
    ///
    /// Make a session current in this work tree and print its TL;DR: objective,
    /// progress, current intent, blockers, next steps. A session that was
    /// current is paused. When HEAD is on another branch, resume switches to
    /// the session's branch if nothing can be lost: HEAD alone moves when the
    /// branch points at the same commit, and a clean work tree (no change,
    /// staged or not, no untracked file) is checked out, writing only the
    /// files that differ. A work tree with changes is left alone, with a hint.
    Resume(cmd::resume::Args),
    /// Close (or abandon) a session.
    ///
    /// Close a session (default: the current one), with a final snapshot when it
    /// is this work tree's current session. `--abandon` records that the work was
    /// given up rather than finished.
    Close(cmd::close::Args),
    /// Fork the current session into a new one.
    ///
    /// Start a new session that inherits the current one's objectives, blockers,
    /// intent and next steps; the current one is paused.
    Fork(cmd::fork::Args),
    /// Compare two trials of a task.
    ///
    /// Sessions linked to one task (`start --task ID`) are trials of it.
    /// Print the difference between A's latest snapshot and B's (`--stat` by
    /// default, as `git diff --stat`; `--patch`, `--name-status`,
    /// `--name-only`), then both summaries side by side: status, tasks,
    /// objectives done, commits, checkpoints, active time, files changed from
    /// each one's baseline. `--json` prints one document (`{format, a, b,
    /// diff}`). Nothing is recorded.
    Compare(cmd::compare::Args),
    /// Bring a trial's result onto the current branch and close the trials.
    ///
    /// In this work tree, put trial SESSION's work on the current branch: its
    /// commits not yet on it — a fast-forward when the branch is behind them,
    /// else cherry-picked oldest first with their authors and messages — or,
    /// when it made no commits, one commit of its latest snapshot (merged with
    /// what the branch gained since the trial began) with a message built from
    /// its summary and a `Session-Id` trailer. The branch moves through HEAD
    /// (one reflog entry per new commit, so this work tree's session records
    /// them), the work tree and the index follow. Then SESSION is closed
    /// ("promoted onto <branch>") and every other open session sharing a task
    /// with it is abandoned ("trial <name> promoted"); this work tree's current
    /// session is never closed.
    ///
    /// Refused before anything changes when the work tree has changes that no
    /// snapshot holds (HEAD's tree, a snapshot of the current session or of
    /// SESSION are fine), when SESSION is closed already or is this work
    /// tree's current session, and on a conflict, naming the paths.
    Promote(cmd::promote::Args),
    /// Move closed sessions to the archive.
    ///
    /// Move closed or abandoned sessions from `refs/aura/sessions/` to
    /// `refs/aura/archive/`: still reachable (git's gc keeps them), out of
    /// `list` and of the default push and fetch. Open sessions are refused.
    /// `show`, `log` and `summarize` still find them; `list --archived` lists
    /// them and `unarchive` brings them back.
    Archive(cmd::archive::Args),
    /// Bring archived sessions back.
    ///
    /// Move sessions from `refs/aura/archive/` back to `refs/aura/sessions/`,
    /// their history unchanged.
    Unarchive(cmd::unarchive::Args),
    /// Archive expired sessions; squash or delete archived ones.
    ///
    /// Archive the closed sessions last updated longer ago than `--expire`
    /// (default `session.autoArchive`, else 30 days). `--squash` drops the
    /// intermediate snapshots of expired archived sessions, keeping every
    /// event; `--delete` deletes them, after a confirmation. Objects are left
    /// to git's own gc.
    Gc(cmd::gc::Args),
    /// Install, remove or show the git hooks that make attribution prompt.
    ///
    /// `git session hooks install` adds a `prepare-commit-msg` hook that puts
    /// `Session-Id: <id>` (and `Session-Intent: <intent>` when the session has
    /// one) trailers in the message of each commit made while a session is
    /// current, where `git interpret-trailers` would put them and never twice,
    /// and a `post-commit` hook that records the commit into the session at
    /// once instead of at the next command. Hooks that were there keep running
    /// first; `uninstall` puts them back exactly. The hooks never stop a commit.
    ///
    /// Without hooks, commits are still recorded from the HEAD reflog at the
    /// next command. Either way, a commit rewritten by a rebase or cherry-pick
    /// is tied to the commit it came from by patch id (`rewritten_from`), and a
    /// squash merge to the commits whose `Session-Id` its message quotes.
    Hooks(cmd::hooks::Args),
    /// Hook a coding agent into git-session: install, uninstall, status.
    ///
    /// `git session agent install AGENT` (claude, codex, gemini, cursor or
    /// copilot) merges hooks that run `git-session hook AGENT` (through PATH)
    /// into the agent's own configuration file: `.claude/settings.json`,
    /// `.codex/hooks.json`, `.gemini/settings.json`, `.cursor/hooks.json` or
    /// `.github/hooks/git-session.json` at the top of the work tree, or with
    /// `--scope user` the agent's file under $HOME (`~/.claude/settings.json`,
    /// `~/.codex/hooks.json`, `~/.gemini/settings.json`, `~/.cursor/hooks.json`,
    /// `~/.copilot/hooks/git-session.json`). The user's other settings and
    /// hooks stay as they are, in their order; installing twice adds nothing.
    /// `--mcp` also registers the MCP server `git-session mcp` (`.mcp.json` or
    /// `~/.claude.json`, Codex's `config.toml`, Gemini's settings, Cursor's
    /// `mcp.json`, Copilot's `.github/mcp.json` or `~/.copilot/mcp-config.json`).
    /// It prints what it did and any step the agent still needs (Codex: approve
    /// new hooks once with `/hooks`, in a trusted project).
    ///
    /// `uninstall` removes exactly what install added, and puts a file back
    /// byte for byte when nothing else changed in it since (install keeps the
    /// bytes it found in `.git/aura/agent-install/`, or for user scope in
    /// `~/.local/state/git-session/agent-install/`). A file that cannot be
    /// parsed is an error that changes nothing. `status` shows, per agent and
    /// scope, whether the hooks are complete, partial or absent and whether
    /// the MCP server is registered.
    Agent(cmd::agent::Args),
    /// What the installed hooks run.
    ///
    /// `git-session hook prepare-commit-msg FILE [SOURCE [COMMIT]]` and
    /// `git-session hook post-commit`; always exits 0.
    #[command(hide = true)]
    Hook(cmd::hook::Args),
    /// Serve the session tools to a coding agent over MCP (stdio).
    ///
    /// A Model Context Protocol server on stdin and stdout, for agents to
    /// register (`git session agent install <agent> --mcp` does it): tools
    /// start, resume, status, intent, snapshot, checkpoint, note, resolve,
    /// objective, summarize, context, rewind, undo, list and log, each
    /// calling the operation of the verb of that name and returning what
    /// its `--json` prints. `rewind` and `undo` are dry runs unless called
    /// with `confirm: true`. Speaks the `initialize` handshake (2025-06-18,
    /// 2025-11-25) and the stateless 2026-07-28 revision (`server/discover`).
    /// Acts on the session bound to `CLAUDE_CODE_SESSION_ID` when it is set
    /// and bound, else on the work tree's current session.
    Mcp(cmd::mcp::Args),
    /// Print shell completions.
    ///
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    Completions(cmd::completions::Args),
    /// Print the man page.
    ///
    /// Print the man page (roff). `git session manpage > man/git-session.1`.
    #[command(hide = true)]
    Manpage(cmd::manpage::Args),
    /// Install the man page, so that `man git-session` and `git help session` find it.
    ///
    /// Write the man page to DIR/man1/git-session.1. DIR defaults to
    /// `share/man` beside the directory of this binary (`~/.cargo/share/man`
    /// for `cargo install`), which `man` finds through PATH; for another DIR,
    /// add it to MANPATH.
    InstallMan(cmd::manpage::InstallArgs),
}

/// The environment variable that asks the binary for completions (the
/// scripts of `git session completions` set it; `main` answers it).
pub const COMPLETE_VAR: &str = "COMPLETE";

/// The program the completion scripts run, through PATH.
pub const COMPLETE_PROGRAM: &str = "git-session";

/// One `session.*` git config key: the README's Configuration table and
/// the man page's CONFIGURATION section are both this table (a test
/// compares the README's).
pub struct ConfigKey {
    pub key: &'static str,
    /// Markdown, as the README shows it.
    pub default: &'static str,
    /// Markdown, as the README shows it.
    pub meaning: &'static str,
}

/// Every `session.*` key that git-session reads.
pub const CONFIG: &[ConfigKey] = &[
    ConfigKey {
        key: "session.maxUntrackedSize",
        default: "`50m`",
        meaning: "untracked files larger than this are left out of snapshots, named in a warning and in the event; `0` means no limit",
    },
    ConfigKey {
        key: "session.remote",
        default: "the branch's upstream remote, else `origin`",
        meaning: "where `push`, `fetch`, `sync` and `handoff` go when no remote is named (`git -c session.remote=x` works too)",
    },
    ConfigKey {
        key: "session.autoPush",
        default: "`true`",
        meaning: "`false`: `handoff` pushes only with `--push`",
    },
    ConfigKey {
        key: "session.contextFiles",
        default: "`AGENTS.md CLAUDE.md GEMINI.md .github/copilot-instructions.md`",
        meaning: "the project files `context` includes (space- or comma-separated)",
    },
    ConfigKey {
        key: "session.contextLimit",
        default: "`10000`",
        meaning: "characters of `context`",
    },
    ConfigKey {
        key: "session.autoArchive",
        default: "off",
        meaning: "an age (`30.days`, `2 weeks`): `close` archives the sessions closed longer ago than it, and it is `gc`'s default `--expire`",
    },
    ConfigKey {
        key: "session.lockTimeout",
        default: "`30000`",
        meaning: "milliseconds an append keeps retrying a session ref that another process holds locked or keeps moving",
    },
    ConfigKey {
        key: "session.agentHooks",
        default: "`true`",
        meaning: "`false`: the coding agents' hooks (`git-session hook <agent>`) record nothing and return at once (so does `GIT_SESSION_DISABLE=1`)",
    },
    ConfigKey {
        key: "session.attachTranscripts",
        default: "`true`",
        meaning: "`false`: the agent hooks attach no transcripts",
    },
    ConfigKey {
        key: "session.verify",
        default: "`warn`",
        meaning: "what the `commit-msg` hook of `hooks install --verify` does with a commit that touches files outside the current intent's scope: `warn`, `block` (the commit fails; `git commit --no-verify` skips it) or `off`",
    },
];
