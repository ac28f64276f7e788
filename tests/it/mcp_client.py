"""A conversation with `git-session mcp` through the official MCP Python SDK
(`pip install 'mcp>=2,<3'`), driven by tests/it/mcp.rs.

Usage: mcp_client.py BINARY REPO MODE, MODE being `legacy` (the initialize
handshake) or `auto` (the SDK probes `server/discover` and goes stateless,
2026-07-28). The server inherits this process's (sealed) environment. It
prints one JSON document: what the client saw, for the Rust test to check
against the repository with git and the CLI as the oracle. The SDK itself
validates every result against the protocol version's schema and every
`structuredContent` against the tool's `outputSchema`.
"""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError


def result(r):
    """A tool result as plain JSON."""
    return {
        "isError": bool(r.is_error),
        "text": [c.text for c in r.content if getattr(c, "type", "") == "text"],
        "structured": r.structured_content,
    }


async def main(binary, repo, mode):
    server = StdioServerParameters(command=binary, args=["mcp"], cwd=repo, env=dict(os.environ))
    seen = {"calls": {}}
    async with Client(server, mode=mode, read_timeout_seconds=60) as client:
        seen["protocol_version"] = client.protocol_version
        info = client.server_info
        seen["server_name"] = info.name if info else None
        tools = await client.list_tools()
        seen["tools"] = {t.name: {"output_schema": t.output_schema is not None} for t in tools.tools}

        async def call(key, name, arguments):
            seen["calls"][key] = result(await client.call_tool(name, arguments))

        # A tool that runs and fails: a result with isError, not an exception.
        await call("checkpoint_before_start", "checkpoint", {})
        await call("start", "start", {"name": f"sdk-{mode}", "intent": "try the SDK"})
        await call("intent", "intent", {"text": "write hello.txt"})
        await call("snapshot", "snapshot", {"paths": ["hello.txt"]})
        with open(os.path.join(repo, "hello.txt"), "w") as f:
            f.write("hello\n")
        await call(
            "decision",
            "note",
            {"text": "serve MCP by hand", "kind": "decision", "rationale": "six methods", "alternatives": ["rmcp"]},
        )
        await call("discovery", "note", {"text": "the SDK validates outputSchema", "kind": "discovery"})
        await call("objective", "objective", {"action": "add", "text": "ship the server"})
        await call("checkpoint", "checkpoint", {"label": "hello written"})
        with open(os.path.join(repo, "hello.txt"), "w") as f:
            f.write("changed after the checkpoint\n")
        await call("status", "status", {})
        await call("log", "log", {})
        await call("rewind", "rewind", {"target": "hello written"})
        await call("bad_arguments", "note", {"text": "x", "kind": "shout"})
        await call("context", "context", {"max_chars": 2000})
        # The rest are here for the SDK's check of each result against its outputSchema.
        await call("blocker", "note", {"text": "flaky network", "kind": "blocker"})
        await call("resolve", "resolve", {"blocker": "flaky", "how": "retried"})
        await call("objective_done", "objective", {"action": "done", "text": "ship"})
        await call("list", "list", {"all": True})
        await call("summarize", "summarize", {})
        await call("undo", "undo", {})
        await call("resume", "resume", {"session": f"sdk-{mode}", "local": True})
        try:
            await client.call_tool("no-such-tool", {})
            seen["unknown_tool"] = None
        except MCPError as e:
            seen["unknown_tool"] = {"code": e.code, "message": str(e)}
    print(json.dumps(seen))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
