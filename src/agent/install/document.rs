//! The agents' configuration files as documents to edit: JSON (kept in the
//! user's key order and indentation) and TOML (through `toml_edit`, so
//! comments and layout stay). Our entries are recognised by their command
//! alone, so whatever else a file holds is never touched.

use anyhow::Result;
use serde_json::{Map, Value};

/// What the command of one of our hook entries says, and what an MCP
/// server entry of ours runs.
pub(super) const PROGRAM: &str = "git-session";
/// The name our MCP server is registered under.
pub(super) const MCP_NAME: &str = "git-session";

/// A parsed configuration file.
pub(super) enum Document {
    Json {
        root: Map<String, Value>,
        /// The indentation unit the file uses (two spaces for a new file).
        indent: String,
        /// Whether the text ends with a newline.
        newline: bool,
    },
    Toml(toml_edit::DocumentMut),
}

/// The refusal of a file we cannot edit safely.
fn malformed(shown: &str, why: impl std::fmt::Display) -> anyhow::Error {
    crate::error::fail_with_hint(
        format!("{shown} cannot be read: {why}; nothing was changed"),
        format!("fix {shown} (or move it away) and run the command again"),
    )
}

impl Document {
    /// Parses `text` (`None`: the file does not exist) as JSON or, with
    /// `toml`, as TOML. `shown` names the file in errors.
    pub(super) fn parse(text: Option<&str>, toml: bool, shown: &str) -> Result<Document> {
        let text = text.unwrap_or("");
        if toml {
            return text
                .parse::<toml_edit::DocumentMut>()
                .map(Document::Toml)
                .map_err(|err| malformed(shown, format!("not valid TOML ({})", err.to_string().trim())));
        }
        if text.trim().is_empty() {
            return Ok(Document::Json {
                root: Map::new(),
                indent: "  ".to_owned(),
                newline: true,
            });
        }
        let value: Value =
            serde_json::from_str(text).map_err(|err| malformed(shown, format!("not valid JSON ({err})")))?;
        let Value::Object(root) = value else {
            return Err(malformed(shown, "it is not a JSON object"));
        };
        Ok(Document::Json {
            root,
            indent: indentation(text),
            newline: text.ends_with('\n'),
        })
    }

    /// The document as text, in the file's own indentation.
    pub(super) fn render(&self) -> String {
        match self {
            Document::Toml(doc) => doc.to_string(),
            Document::Json { root, indent, newline } => {
                let mut out = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
                let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
                serde::Serialize::serialize(root, &mut ser).expect("a JSON value always serialises");
                let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
                if *newline {
                    text.push('\n');
                }
                text
            }
        }
    }

    /// Whether nothing is left (an empty object or table, or only a `version`).
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Document::Toml(doc) => doc.as_table().is_empty(),
            Document::Json { root, .. } => root.keys().all(|k| k == "version"),
        }
    }

    fn json(&mut self) -> &mut Map<String, Value> {
        match self {
            Document::Json { root, .. } => root,
            Document::Toml(_) => unreachable!("hooks and JSON MCP entries live in JSON files"),
        }
    }

    fn json_ref(&self) -> Option<&Map<String, Value>> {
        match self {
            Document::Json { root, .. } => Some(root),
            Document::Toml(_) => None,
        }
    }
}

/// The indentation unit of a JSON text: the leading white space of its
/// first indented line (two spaces when there is none).
fn indentation(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|line| line.chars().take_while(|c| *c == ' ' || *c == '\t').collect::<String>())
        .find(|lead| !lead.is_empty())
        .unwrap_or_else(|| "  ".to_owned())
}

/// How an agent lists its hooks.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    /// `hooks.<Event>: [{matcher?, hooks: [{name?, type: command, command, timeout}]}]`
    /// (Claude Code, Codex, Gemini CLI).
    Grouped {
        /// The timeout in the agent's unit (seconds, or milliseconds for Gemini).
        timeout: u64,
        /// Gemini wants a `name` on each hook.
        named: bool,
    },
    /// `{version: 1, hooks: {<event>: [{command}]}}` (Cursor).
    Cursor,
    /// `{version: 1, hooks: {<event>: [{type: command, bash, timeoutSec}]}}` (Copilot CLI).
    Copilot,
}

/// One hook to install: the event and, for tool events, the matcher.
#[derive(Clone, Copy, Debug)]
pub(super) struct HookSpec {
    pub(super) event: &'static str,
    pub(super) matcher: Option<&'static str>,
}

/// Whether `entry` is one of our hook entries: its command (`command`, or
/// Copilot's `bash`) is exactly `command`.
fn is_our_entry(entry: &Value, command: &str) -> bool {
    ["command", "bash"]
        .iter()
        .any(|key| entry.get(key).and_then(Value::as_str).map(str::trim) == Some(command))
}

/// Whether the list of an event holds one of our entries, directly or in a group.
fn list_has_ours(list: &[Value], command: &str) -> bool {
    list.iter().any(|item| {
        is_our_entry(item, command)
            || item
                .get("hooks")
                .and_then(Value::as_array)
                .is_some_and(|inner| inner.iter().any(|e| is_our_entry(e, command)))
    })
}

fn hook_entry(shape: Shape, command: &str) -> Value {
    let mut entry = Map::new();
    match shape {
        Shape::Grouped { timeout, named } => {
            if named {
                entry.insert("name".into(), PROGRAM.into());
            }
            entry.insert("type".into(), "command".into());
            entry.insert("command".into(), command.into());
            entry.insert("timeout".into(), timeout.into());
        }
        Shape::Cursor => {
            entry.insert("command".into(), command.into());
        }
        Shape::Copilot => {
            entry.insert("type".into(), "command".into());
            entry.insert("bash".into(), command.into());
            entry.insert("timeoutSec".into(), 30.into());
        }
    }
    Value::Object(entry)
}

/// The `hooks` object of the document, created when `create`; an error
/// when the file has something else there.
fn hooks_object<'a>(root: &'a mut Map<String, Value>, shape: Shape, shown: &str) -> Result<&'a mut Map<String, Value>> {
    if !matches!(shape, Shape::Grouped { .. }) && !root.contains_key("version") && !root.contains_key("hooks") {
        root.insert("version".into(), 1.into());
    }
    let hooks = root.entry("hooks").or_insert_with(|| Value::Object(Map::new()));
    hooks
        .as_object_mut()
        .ok_or_else(|| malformed(shown, "its `hooks` is not an object"))
}

/// Refuses a file whose `hooks` is not an object, or whose list of one of
/// our events is not a list: we could not add to it without losing something.
pub(super) fn check_hooks(doc: &Document, specs: &[HookSpec], shown: &str) -> Result<()> {
    let Some(hooks) = doc.json_ref().and_then(|root| root.get("hooks")) else {
        return Ok(());
    };
    let Some(hooks) = hooks.as_object() else {
        return Err(malformed(shown, "its `hooks` is not an object"));
    };
    for spec in specs {
        if hooks.get(spec.event).is_some_and(|list| !list.is_array()) {
            return Err(malformed(shown, format!("its `hooks.{}` is not a list", spec.event)));
        }
    }
    Ok(())
}

/// Adds the hooks of `specs` that are not there yet; returns how many were added.
pub(super) fn add_hooks(
    doc: &mut Document,
    shape: Shape,
    specs: &[HookSpec],
    command: &str,
    shown: &str,
) -> Result<usize> {
    // Check the whole file before changing anything.
    check_hooks(doc, specs, shown)?;
    let hooks = hooks_object(doc.json(), shape, shown)?;
    let mut added = 0;
    for spec in specs {
        let list = hooks
            .entry(spec.event)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .expect("checked above: a list");
        if list_has_ours(list, command) {
            continue;
        }
        let entry = hook_entry(shape, command);
        let item = match shape {
            Shape::Grouped { .. } => {
                let mut group = Map::new();
                if let Some(matcher) = spec.matcher {
                    group.insert("matcher".into(), matcher.into());
                }
                group.insert("hooks".into(), Value::Array(vec![entry]));
                Value::Object(group)
            }
            Shape::Cursor | Shape::Copilot => entry,
        };
        list.push(item);
        added += 1;
    }
    Ok(added)
}

/// Removes our hook entries; a matcher group, an event list or the `hooks`
/// object left empty by the removal goes too. Returns how many entries were removed.
pub(super) fn remove_hooks(doc: &mut Document, command: &str) -> usize {
    let Some(Value::Object(hooks)) = doc.json().get_mut("hooks") else {
        return 0;
    };
    let mut removed = 0;
    let mut emptied = Vec::new();
    for (event, list) in hooks.iter_mut() {
        let Value::Array(list) = list else { continue };
        let before = removed;
        list.retain_mut(|item| {
            if is_our_entry(item, command) {
                removed += 1;
                return false;
            }
            if let Some(Value::Array(inner)) = item.get_mut("hooks") {
                let n = inner.len();
                inner.retain(|e| !is_our_entry(e, command));
                if inner.len() < n {
                    removed += n - inner.len();
                    return !inner.is_empty();
                }
            }
            true
        });
        if removed > before && list.is_empty() {
            emptied.push(event.clone());
        }
    }
    for event in emptied {
        hooks.shift_remove(&event);
    }
    if removed > 0 && hooks.is_empty() {
        doc.json().shift_remove("hooks");
    }
    removed
}

/// How many of `specs` have one of our entries in their event.
pub(super) fn count_hooks(doc: &Document, specs: &[HookSpec], command: &str) -> usize {
    let Some(hooks) = doc.json_ref().and_then(|r| r.get("hooks")).and_then(Value::as_object) else {
        return 0;
    };
    specs
        .iter()
        .filter(|spec| {
            hooks
                .get(spec.event)
                .and_then(Value::as_array)
                .is_some_and(|list| list_has_ours(list, command))
        })
        .count()
}

/// The boolean at a dotted path of objects or tables (`hooksConfig.enabled`).
pub(super) fn bool_at(doc: &Document, path: &str) -> Option<bool> {
    match doc {
        Document::Json { root, .. } => {
            let mut parts = path.split('.');
            let mut value = root.get(parts.next()?)?;
            for part in parts {
                value = value.get(part)?;
            }
            value.as_bool()
        }
        Document::Toml(doc) => {
            let mut parts = path.split('.');
            let mut item = doc.get(parts.next()?)?;
            for part in parts {
                item = item.get(part)?;
            }
            item.as_bool()
        }
    }
}

/// Where an MCP server registration stands in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum McpState {
    /// No server named `git-session`.
    Absent,
    /// Ours: `git-session mcp`.
    Registered,
    /// A server named `git-session` that runs something else.
    Other,
}

/// Whether an MCP entry runs `git-session mcp`.
fn json_mcp_is_ours(entry: &Value) -> bool {
    entry.get("command").and_then(Value::as_str) == Some(PROGRAM)
        && entry
            .get("args")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() == 1 && a[0] == "mcp")
}

fn toml_mcp_is_ours(entry: &dyn toml_edit::TableLike) -> bool {
    entry.get("command").and_then(|c| c.as_str()) == Some(PROGRAM)
        && entry
            .get("args")
            .and_then(|a| a.as_array())
            .is_some_and(|a| a.len() == 1 && a.get(0).and_then(|v| v.as_str()) == Some("mcp"))
}

/// The MCP registration of our server in `doc` (`mcpServers`, or Codex's `mcp_servers` table).
pub(super) fn mcp_state(doc: &Document) -> McpState {
    match doc {
        Document::Json { root, .. } => match root.get("mcpServers").and_then(|m| m.get(MCP_NAME)) {
            None => McpState::Absent,
            Some(entry) if json_mcp_is_ours(entry) => McpState::Registered,
            Some(_) => McpState::Other,
        },
        Document::Toml(doc) => match doc
            .get("mcp_servers")
            .and_then(|t| t.as_table_like())
            .and_then(|t| t.get(MCP_NAME))
            .and_then(|e| e.as_table_like())
        {
            None => McpState::Absent,
            Some(entry) if toml_mcp_is_ours(entry) => McpState::Registered,
            Some(_) => McpState::Other,
        },
    }
}

/// Registers our MCP server unless a server of that name is there;
/// `entry` is the JSON entry (unused for TOML). Returns whether it was added.
pub(super) fn add_mcp(doc: &mut Document, entry: &Value, shown: &str) -> Result<bool> {
    if mcp_state(doc) != McpState::Absent {
        return Ok(false);
    }
    match doc {
        Document::Json { root, .. } => {
            let servers = root
                .entry("mcpServers")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| malformed(shown, "its `mcpServers` is not an object"))?;
            servers.insert(MCP_NAME.into(), entry.clone());
        }
        Document::Toml(doc) => {
            let servers = doc.entry("mcp_servers").or_insert_with(|| {
                let mut table = toml_edit::Table::new();
                table.set_implicit(true);
                toml_edit::Item::Table(table)
            });
            let servers = servers
                .as_table_like_mut()
                .ok_or_else(|| malformed(shown, "its `mcp_servers` is not a table"))?;
            let mut ours = toml_edit::Table::new();
            ours.insert("command", toml_edit::value(PROGRAM));
            let mut args = toml_edit::Array::new();
            args.push("mcp");
            ours.insert("args", toml_edit::value(args));
            servers.insert(MCP_NAME, toml_edit::Item::Table(ours));
        }
    }
    Ok(true)
}

/// Removes our MCP server (only when it runs `git-session mcp`), and the
/// list of servers when nothing else is left in it. Returns whether it was removed.
pub(super) fn remove_mcp(doc: &mut Document) -> bool {
    if mcp_state(doc) != McpState::Registered {
        return false;
    }
    match doc {
        Document::Json { root, .. } => {
            if let Some(Value::Object(servers)) = root.get_mut("mcpServers") {
                servers.shift_remove(MCP_NAME);
                if servers.is_empty() {
                    root.shift_remove("mcpServers");
                }
            }
        }
        Document::Toml(doc) => {
            if let Some(servers) = doc.get_mut("mcp_servers").and_then(|t| t.as_table_like_mut()) {
                servers.remove(MCP_NAME);
                if servers.is_empty() {
                    doc.remove("mcp_servers");
                }
            }
        }
    }
    true
}

/// Refuses a file that is not UTF-8.
pub(super) fn text_of(bytes: Vec<u8>, shown: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| malformed(shown, "it is not UTF-8 text"))
}
