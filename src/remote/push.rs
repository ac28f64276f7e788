//! `push` over gix's transports, speaking git's receive-pack protocol (v0/v1)
//! by hand: gix has fetch but no push.
//!
//! One push is one conversation with the remote's `git-receive-pack`:
//!
//! 1. connect with gix's transport for the URL (file:// spawns the remote's
//!    `git-receive-pack`, git:// talks to a daemon, ssh:// runs ssh,
//!    http(s):// is `GET <url>/info/refs?service=git-receive-pack`) and read
//!    the advertised refs and capabilities;
//! 2. decide per ref: the expected old value is a lease, checked here against
//!    the advertisement ("stale info", as `git push --force-with-lease` says)
//!    and sent along so the server does the compare-and-swap again under its
//!    lock;
//! 3. send `<old> <new> <ref>\0<capabilities>` lines, a flush, then the pack
//!    (built in [`super::pack`]); like git, no pack when every command is a
//!    delete, an empty one when the remote has all objects already. Over
//!    http all of it is the body of one `POST <url>/git-receive-pack`: gix's
//!    `request()` starts the POST and streams what is written to it (chunked)
//!    until the writer is dropped, and only then is the response read;
//! 4. read `report-status` (through side-band-64k when the server offers it,
//!    with band 2 forwarded to stderr and band 3 a fatal error) and map
//!    `ok <ref>` / `ng <ref> <reason>` to [`RefResult`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::rc::Rc;

use anyhow::{bail, Context, Result};
use gix::bstr::ByteSlice;
use gix::protocol::handshake::Ref;
use gix::protocol::transport::client::blocking_io::{connect, ExtendedBufRead, Transport};
use gix::protocol::transport::client::{Capabilities, MessageKind, WriteMode};
use gix::protocol::transport::{Protocol, Service};
use gix::ObjectId;

/// One ref to update on the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefUpdate {
    /// The full ref name, e.g. `refs/aura/sessions/<id>`.
    pub name: String,
    /// The value the remote must have for the update to happen; `None`
    /// means the ref must not exist there. Never ignored: there is no force.
    pub expected: Option<ObjectId>,
    /// The new value; the null id deletes the ref.
    pub new: ObjectId,
}

/// What became of one [`RefUpdate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefResult {
    /// The remote ref has the new value (also when it had it already).
    Ok,
    /// The ref was left alone, and why.
    Rejected(Rejection),
}

/// Why the remote left a ref alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The remote's ref is not where this clone expected it: our lease
    /// check (`stale info`, as git says for a failed lease) or the server's
    /// own compare-and-swap (`non-fast-forward`, a lost ref lock). A fetch
    /// and merge can cure it.
    Moved,
    /// A hook on the remote declined the update.
    Declined,
    /// Any other refusal (a hidden ref, no deletes, a missing ref, …).
    Refused,
}

/// A rejected ref: the reason, and the message as the server (or we) gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub reason: Reason,
    pub message: String,
}

impl Rejection {
    /// The remote said nothing about the ref.
    pub(super) fn no_answer() -> Rejection {
        Rejection::ours(Reason::Refused, "no answer from the remote")
    }

    fn ours(reason: Reason, message: &str) -> Rejection {
        Rejection {
            reason,
            message: message.to_owned(),
        }
    }

    /// Classifies the reason of an `ng <ref> <reason>` line once, where the
    /// protocol hands it over as text (receive-pack's wording, `refs.c`'s
    /// lock errors).
    fn from_server(message: &str) -> Rejection {
        let moved = [
            "stale info",
            "fetch first",
            "non-fast-forward",
            "failed to lock",
            "cannot lock",
            "incorrect old value",
        ];
        let reason = if moved.iter().any(|m| message.contains(m)) {
            Reason::Moved
        } else if message.contains("hook declined") {
            Reason::Declined
        } else {
            Reason::Refused
        };
        Rejection {
            reason,
            message: message.to_owned(),
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The result of a [`push`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PushOutcome {
    /// One entry per [`RefUpdate`], in the same order: the ref name and its result.
    pub results: Vec<(String, RefResult)>,
    /// Bytes written to the remote after the ref advertisement: the command
    /// lines and the pack.
    pub bytes_sent: u64,
    /// The part of `bytes_sent` that is the pack (0 when none was sent).
    pub pack_bytes: u64,
    /// The number of objects in the pack sent.
    pub objects_sent: usize,
    /// What the remote printed on the progress channel (hook output, its
    /// own progress), line by line, without the `remote: ` prefix.
    pub remote_messages: Vec<String>,
}

/// Updates refs on `remote` (a remote name from the repository's
/// configuration, or a URL: file://, a plain path, git://, ssh://, http://,
/// https://) and sends
/// the objects it lacks.
///
/// Each ref is updated only if the remote's current value is its
/// `expected` value: the lease is checked against the advertisement before
/// anything is sent and again by the server. A rejected ref is not an error;
/// it is reported in [`PushOutcome::results`]. Refs are updated one by one,
/// not atomically. With `progress`, the remote's progress and hook output go
/// to stderr, prefixed with `remote: ` like git does.
///
/// Errors are for what stops the whole push: no connection, a missing local
/// object, a failed pack upload or a fatal error from the server.
#[cfg(test)]
pub(crate) fn push(repo: &gix::Repository, remote: &str, updates: &[RefUpdate], progress: bool) -> Result<PushOutcome> {
    push_checked(repo, remote, updates, progress, &|_, _| Ok(()))
}

/// What a push is about to send, shown to [`push_checked`]'s check: the new
/// tips and the objects the remote advertised (and this repository has).
/// Everything reachable from `tips` and not from `remote_has` is sent.
pub(crate) type Check<'a> = &'a dyn Fn(&[ObjectId], &[ObjectId]) -> Result<()>;

/// [`push`], with `check` run once the remote said what it has and before
/// anything is sent: an error from it ends the push with nothing sent.
pub(crate) fn push_checked(
    repo: &gix::Repository,
    remote: &str,
    updates: &[RefUpdate],
    progress: bool,
    check: Check<'_>,
) -> Result<PushOutcome> {
    let (url, remote_name) = push_url(repo, remote)?;
    let display_url = url.to_bstring().to_string();
    let ssh = if url.scheme == gix::url::Scheme::Ssh {
        repo.ssh_connect_options()
            .context("cannot read the ssh configuration")?
    } else {
        Default::default()
    };
    let mut transport = connect::connect(
        url.clone(),
        connect::Options {
            // receive-pack speaks no protocol v2.
            version: Protocol::V1,
            ssh,
            trace: false,
        },
    )
    .with_context(|| format!("cannot connect to {display_url}"))?;
    // http.* settings (proxy, extra headers, TLS, user agent), as gix's
    // fetch applies them; `None` for the other transports.
    if let Some(options) = repo
        .transport_options(url.to_bstring().as_bstr(), remote_name.as_ref().map(|n| n.as_bstr()))
        .with_context(|| format!("cannot read the transport configuration for {display_url}"))?
    {
        transport
            .configure(&*options)
            .with_context(|| format!("cannot configure the transport for {display_url}"))?;
    }

    let (mut cascade, _, prompt) = repo
        .config_snapshot()
        .credential_helpers(url)
        .context("cannot read the credential helper configuration")?;
    let handshake = gix::protocol::handshake(
        &mut transport,
        Service::ReceivePack,
        move |action| cascade.invoke(action, prompt.clone()),
        Vec::new(),
        &mut gix::progress::Discard,
    )
    .with_context(|| format!("cannot start receive-pack on {display_url}"))?;

    let advertised = advertised_refs(handshake.refs.as_deref().unwrap_or_default());
    let caps = &handshake.capabilities;
    let plan = plan(repo, updates, &advertised, caps)?;

    let mut outcome = PushOutcome {
        results: Vec::new(),
        bytes_sent: 0,
        pack_bytes: 0,
        objects_sent: 0,
        remote_messages: Vec::new(),
    };
    if plan.commands.is_empty() {
        // Like git: a flush tells a waiting receive-pack there is nothing
        // to do. Over http nothing waits: the advertisement was one request
        // and there is no second one to make.
        if transport.connection_persists_across_multiple_requests() {
            let mut writer = transport.request(WriteMode::Binary, MessageKind::Flush, false)?;
            writer.write_message(MessageKind::Flush)?;
            writer.flush()?;
        }
        outcome.results = finish(updates, plan.verdicts, &HashMap::new(), false);
        return Ok(outcome);
    }

    let report_status = caps.contains("report-status");
    let sideband = caps.contains("side-band-64k");
    let mut request_caps = Vec::new();
    if report_status {
        request_caps.push("report-status".to_owned());
    }
    if sideband {
        request_caps.push("side-band-64k".to_owned());
    }
    if !progress && caps.contains("quiet") {
        request_caps.push("quiet".to_owned());
    }
    if caps.contains("agent") {
        request_caps.push(format!("agent=git-session/{}", env!("CARGO_PKG_VERSION")));
    }

    // Objects: everything reachable from the new values minus what the
    // remote advertised (and we have).
    let tips: Vec<ObjectId> = plan.commands.iter().map(|c| c.new).filter(|id| !id.is_null()).collect();
    let remote_has = haves(&advertised, updates);
    let known: Vec<ObjectId> = remote_has.iter().copied().filter(|id| repo.has_object(id)).collect();
    check(&tips, &known)?;
    let need_pack = !tips.is_empty();
    let started = std::time::Instant::now();
    let objects = if need_pack {
        super::pack::objects_to_send(repo, &tips, &remote_has)?
    } else {
        Vec::new()
    };
    super::report_time("objects_to_send", started.elapsed());

    let mut writer = transport
        .request(WriteMode::Binary, MessageKind::Flush, false)
        .with_context(|| format!("cannot send commands to {display_url}"))?;
    for (i, command) in plan.commands.iter().enumerate() {
        let mut line = format!("{} {} {}", command.old, command.new, command.name).into_bytes();
        if i == 0 {
            line.push(0);
            line.extend_from_slice(request_caps.join(" ").as_bytes());
        }
        writer.write_all(&line)?;
        outcome.bytes_sent += 4 + line.len() as u64;
    }
    writer.write_message(MessageKind::Flush)?;
    outcome.bytes_sent += 4;
    let (raw, mut reader) = writer.into_parts();
    // The writer must be gone before the reply is read: over http, dropping
    // it ends the POST body, and the server answers only after that.
    {
        let mut raw = std::io::BufWriter::with_capacity(64 * 1024, raw);
        if need_pack {
            let started = std::time::Instant::now();
            outcome.pack_bytes = super::pack::write_pack(repo, &objects, caps.contains("ofs-delta"), &mut raw)?;
            outcome.bytes_sent += outcome.pack_bytes;
            outcome.objects_sent = objects.len();
            super::report_time("write_pack", started.elapsed());
        }
        raw.flush()
            .with_context(|| format!("cannot send the pack to {display_url}"))?;
    }

    let messages = Rc::new(RefCell::new(RemoteText::default()));
    let fatal = Rc::new(RefCell::new(Vec::<u8>::new()));
    if sideband {
        let messages = Rc::clone(&messages);
        let fatal = Rc::clone(&fatal);
        reader.set_progress_handler(Some(Box::new(move |is_error: bool, text: &[u8]| {
            if is_error {
                fatal.borrow_mut().extend_from_slice(text);
            } else {
                messages.borrow_mut().add(text, progress);
            }
            std::ops::ControlFlow::Continue(())
        })));
    }
    let started = std::time::Instant::now();
    let reply = read_reply(&mut reader, report_status, sideband);
    super::report_time("remote reply", started.elapsed());
    drop(reader);
    let remote_messages = std::mem::take(&mut messages.borrow_mut().lines);
    let fatal = String::from_utf8_lossy(&fatal.borrow()).trim().to_owned();
    if !fatal.is_empty() {
        bail!("{display_url} failed: {fatal}");
    }
    let reply = reply.with_context(|| format!("cannot read the reply of {display_url}"))?;
    if let Some(status) = reply.unpack.as_deref().filter(|s| *s != "ok") {
        if reply.refs.is_empty() {
            bail!("{display_url} could not unpack the objects: {status}");
        }
    }
    let mut reported = reply.refs;
    for reason in reported.values_mut().flatten() {
        if reason.contains("hook declined") {
            let hook_output: Vec<&str> = remote_messages
                .iter()
                .map(String::as_str)
                .filter(|line| !is_progress_line(line))
                .collect();
            if !hook_output.is_empty() {
                *reason = format!("{reason}: {}", hook_output.join("\n"));
            }
        }
    }
    outcome.results = finish(updates, plan.verdicts, &reported, report_status);
    outcome.remote_messages = remote_messages;
    Ok(outcome)
}

/// The URL to push to: a configured remote's push URL, or `remote` itself
/// (a plain path is made absolute); and the remote's name when it has one.
fn push_url(repo: &gix::Repository, remote: &str) -> Result<(gix::Url, Option<gix::bstr::BString>)> {
    let remote = match repo.try_find_remote(remote) {
        Some(found) => found.with_context(|| format!("invalid configuration for remote '{remote}'"))?,
        None => {
            let mut url = gix::url::parse(remote.as_bytes().as_bstr())
                .with_context(|| format!("'{remote}' is neither a remote name nor a URL"))?;
            if url.scheme == gix::url::Scheme::File {
                let path = gix::path::from_bstr(url.path.as_bstr())?.into_owned();
                let path =
                    std::path::absolute(&path).with_context(|| format!("cannot make '{}' absolute", path.display()))?;
                url.path = gix::path::into_bstr(path)?.into_owned();
            }
            repo.remote_at(url)
                .with_context(|| format!("cannot use '{remote}' as a remote"))?
        }
    };
    let (url, _version) = remote
        .sanitized_url_and_version(gix::remote::Direction::Push)
        .context("cannot determine where to push")?;
    let name = remote.name().map(|name| name.as_bstr().to_owned());
    Ok((url, name))
}

/// Above this many other sessions on the remote, their heads are not taken
/// as what the remote has (see [`haves`]).
const MAX_SESSION_HAVES: usize = 1000;

/// What the remote is taken to have, so that neither the pack nor the
/// secrets scan walks it: every advertised ref but the session refs, the
/// advertised values of the refs being pushed, and the other sessions' heads
/// while there are at most [`MAX_SESSION_HAVES`]. On a remote with 100,000
/// sessions, walking from every head cost a push of one session seconds;
/// leaving them out can only send (and scan) objects the remote already has
/// through another session, never too few.
fn haves(advertised: &HashMap<String, Option<ObjectId>>, updates: &[RefUpdate]) -> Vec<ObjectId> {
    let sessions = crate::store::refs::SESSIONS_PREFIX;
    let other_sessions = advertised.keys().filter(|name| name.starts_with(sessions)).count();
    advertised
        .iter()
        .filter(|(name, _)| {
            !name.starts_with(sessions)
                || other_sessions <= MAX_SESSION_HAVES
                || updates.iter().any(|u| &u.name == *name)
        })
        .filter_map(|(_, id)| *id)
        .collect()
}

/// The advertised refs by name, with the value each has (`None` for an
/// unborn symbolic ref). Peeled tags count with both the tag and its target.
fn advertised_refs(refs: &[Ref]) -> HashMap<String, Option<ObjectId>> {
    let mut out = HashMap::new();
    for r in refs {
        match r {
            Ref::Direct { full_ref_name, object } => {
                out.insert(full_ref_name.to_string(), Some(*object));
            }
            Ref::Peeled { full_ref_name, tag, .. } => {
                out.insert(full_ref_name.to_string(), Some(*tag));
            }
            Ref::Symbolic {
                full_ref_name,
                tag,
                object,
                ..
            } => {
                out.insert(full_ref_name.to_string(), Some(tag.unwrap_or(*object)));
            }
            Ref::Unborn { full_ref_name, .. } => {
                out.insert(full_ref_name.to_string(), None);
            }
        }
    }
    out
}

struct Command {
    old: ObjectId,
    new: ObjectId,
    name: String,
}

struct Plan {
    /// The commands to send, at most one per ref.
    commands: Vec<Command>,
    /// Results decided before sending anything, by index into the updates.
    verdicts: Vec<Option<RefResult>>,
}

/// Checks each update against the advertisement and turns the ones worth
/// sending into commands.
fn plan(
    repo: &gix::Repository,
    updates: &[RefUpdate],
    advertised: &HashMap<String, Option<ObjectId>>,
    caps: &Capabilities,
) -> Result<Plan> {
    let null = ObjectId::null(repo.object_hash());
    let mut commands: Vec<Command> = Vec::new();
    let mut verdicts = Vec::new();
    for update in updates {
        gix::refs::FullName::try_from(update.name.as_str())
            .ok()
            .filter(|name| name.as_bstr().starts_with(b"refs/"))
            .with_context(|| format!("'{}' is not a full ref name", update.name))?;
        if !update.new.is_null() && !repo.has_object(update.new) {
            bail!("cannot push {}: object {} does not exist here", update.name, update.new);
        }
        if commands.iter().any(|c| c.name == update.name) {
            bail!("{} is updated twice in one push", update.name);
        }
        let current = advertised.get(&update.name).copied().flatten();
        let verdict = if current != update.expected {
            Some(RefResult::Rejected(Rejection::ours(Reason::Moved, "stale info")))
        } else if current == Some(update.new) {
            // Up to date: like git, nothing to send.
            Some(RefResult::Ok)
        } else if update.new.is_null() && current.is_none() {
            Some(RefResult::Rejected(Rejection::ours(
                Reason::Refused,
                "remote ref does not exist",
            )))
        } else if update.new.is_null() && !caps.contains("delete-refs") {
            Some(RefResult::Rejected(Rejection::ours(
                Reason::Refused,
                "the remote does not support deleting refs",
            )))
        } else {
            commands.push(Command {
                old: current.unwrap_or(null),
                new: update.new,
                name: update.name.clone(),
            });
            None
        };
        verdicts.push(verdict);
    }
    Ok(Plan { commands, verdicts })
}

/// Combines the verdicts made before sending with the server's report.
fn finish(
    updates: &[RefUpdate],
    verdicts: Vec<Option<RefResult>>,
    reported: &HashMap<String, Option<String>>,
    report_status: bool,
) -> Vec<(String, RefResult)> {
    updates
        .iter()
        .zip(verdicts)
        .map(|(update, verdict)| {
            let result = verdict.unwrap_or_else(|| match reported.get(&update.name) {
                Some(None) => RefResult::Ok,
                Some(Some(reason)) => RefResult::Rejected(Rejection::from_server(reason)),
                // Without report-status the server says nothing; git
                // assumes success too.
                None if !report_status => RefResult::Ok,
                None => RefResult::Rejected(Rejection::ours(
                    Reason::Refused,
                    "the remote did not report on this ref",
                )),
            });
            (update.name.clone(), result)
        })
        .collect()
}

#[derive(Default)]
pub(crate) struct Reply {
    /// The `unpack` status: `ok` or the error.
    unpack: Option<String>,
    /// `None` for `ok <ref>`, the reason for `ng <ref> <reason>`.
    refs: HashMap<String, Option<String>>,
}

/// Reads the server's reply up to its final flush, so that the server has
/// finished (post-receive hooks included) when this returns.
fn read_reply(
    reader: &mut Box<dyn ExtendedBufRead<'_> + Unpin + '_>,
    report_status: bool,
    sideband: bool,
) -> Result<Reply> {
    let mut data = Vec::new();
    reader.read_to_end(&mut data)?;
    parse_reply(&data, report_status, sideband)
}

/// Parses the server's reply read in full: `report-status` lines, framed
/// as packet lines when the side-band carried them.
pub(crate) fn parse_reply(data: &[u8], report_status: bool, sideband: bool) -> Result<Reply> {
    let mut reply = Reply::default();
    if !report_status {
        return Ok(reply);
    }
    let lines: Vec<&[u8]> = if sideband {
        // Band 1 carries the report as packet lines of its own.
        let mut lines = Vec::new();
        let mut rest = data;
        while rest.len() >= 4 {
            let len = std::str::from_utf8(&rest[..4])
                .ok()
                .and_then(|hex| usize::from_str_radix(hex, 16).ok())
                .context("malformed report-status")?;
            if len == 0 {
                break;
            }
            if len < 4 || len > rest.len() {
                bail!("malformed report-status");
            }
            lines.push(&rest[4..len]);
            rest = &rest[len..];
        }
        lines
    } else {
        data.split_inclusive(|b| *b == b'\n').collect()
    };
    for line in lines {
        let line = line.strip_suffix(b"\n").unwrap_or(line).to_str_lossy();
        if let Some(status) = line.strip_prefix("unpack ") {
            reply.unpack = Some(status.to_owned());
        } else if let Some(name) = line.strip_prefix("ok ") {
            reply.refs.insert(name.to_owned(), None);
        } else if let Some(rest) = line.strip_prefix("ng ") {
            let (name, reason) = rest.split_once(' ').unwrap_or((rest, "rejected"));
            reply.refs.insert(name.to_owned(), Some(reason.to_owned()));
        }
    }
    Ok(reply)
}

/// Band 2 of the side-band: split into lines, optionally echoed to stderr.
///
/// gix hands each band-2 packet over without its trailing newline, so a
/// packet ends a line unless it ends in a carriage return (a progress line
/// that is redrawn; only its last state is kept).
#[derive(Default)]
struct RemoteText {
    lines: Vec<String>,
}

impl RemoteText {
    fn add(&mut self, text: &[u8], echo: bool) {
        let text = String::from_utf8_lossy(text);
        let mut rest = text.as_ref();
        while !rest.is_empty() {
            let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let (line, terminator) = (&rest[..end], rest[end..].chars().next().unwrap_or('\n'));
            if echo {
                eprint!("remote: {line}{terminator}");
            }
            if terminator == '\n' && !line.trim().is_empty() {
                self.lines.push(line.to_owned());
            }
            rest = rest.get(end + 1..).unwrap_or_default();
        }
    }
}

/// Whether a line of remote text is receive-pack's own progress rather
/// than a hook's output.
fn is_progress_line(line: &str) -> bool {
    ["Unpacking objects:", "Resolving deltas:", "Checking connectivity"]
        .iter()
        .any(|prefix| line.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_is_classified_once_by_what_cures_it() {
        for moved in [
            "non-fast-forward",
            "stale info",
            "fetch first",
            "failed to lock",
            "cannot lock ref 'refs/aura/sessions/x': is at 1234 but expected 5678",
            "incorrect old value provided",
        ] {
            assert_eq!(Rejection::from_server(moved).reason, Reason::Moved, "{moved}");
        }
        assert_eq!(
            Rejection::from_server("pre-receive hook declined").reason,
            Reason::Declined
        );
        for refused in ["deny updating a hidden ref", "deletion prohibited", "funny refname"] {
            assert_eq!(Rejection::from_server(refused).reason, Reason::Refused, "{refused}");
        }
        assert_eq!(Rejection::from_server("non-fast-forward").message, "non-fast-forward");
    }
}
