"""The CLI as the tests drive it: `burnlink` run in-process, a record of what it sends, stand-in servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import click
from click.testing import CliRunner

from app.cli import main


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.pass_context
def _entry(ctx: click.Context) -> None:
    """Hand every argument to app.cli.main, so its error edge and exit codes are what is tested."""
    ctx.exit(main(list(ctx.args)))


# A token in the caller's own environment must not turn the tests' anonymous creates into signed-in ones.
NO_API_TOKEN: dict[str, str | None] = {"BURNLINK_API_TOKEN": None, "BURNLINK_API_TOKEN_FILE": None}


# What `burnlink get` says first (on stderr) about a secret made without sign-in.
UNVERIFIED = "Sender not verified\n"


def after_sender(err: str) -> str:
    """``err`` after get's first line, which must say the sender is not verified."""
    assert err.startswith(UNVERIFIED), err
    return err[len(UNVERIFIED):]


def run(args: list[str], server: str, stdin: str | bytes | None = None, **env: str | None) -> tuple[int, str, str]:
    """Run the CLI in-process as a user would; return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(_entry, args, input=stdin, env={"BURNLINK_SERVER": server, "BURNLINK_CODE": None,
                                                                "BURNLINK_TOKEN": None, **NO_API_TOKEN, **env},
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_bytes(args: list[str], server: str, stdin: str | bytes | None = None, **env: str | None) -> tuple[int, bytes, str]:
    """Like :func:`run`, with stdout as the exact bytes written."""
    result = CliRunner().invoke(_entry, args, input=stdin, env={"BURNLINK_SERVER": server, **NO_API_TOKEN, **env},
                                catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def send_json(server: str, args: list[str], stdin: str | bytes | None = None) -> dict:
    """`burnlink send --json ARGS`; the parsed object (asserts success)."""
    code, out, err = run(["send", "--json", *args], server, stdin)
    assert code == 0, err
    return json.loads(out)


@dataclass
class Wire:
    """Every request the CLI's client sent: URL, headers and body."""

    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def dump(self) -> bytes:
        return b"\n".join(f"{m} {u} {h!r}".encode() + b" " + d for m, u, h, d in self.requests)


@dataclass
class Stub:
    """A stand-in HTTP server answering every request with one canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""


@contextmanager
def stub_server(status: int, body: bytes | dict, headers: dict[str, str] | None = None) -> Iterator[Stub]:
    """Serve one canned answer on a free loopback port for the duration of the block."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    stub = Stub(status, raw, headers or {"Content-Type": "application/problem+json"})

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            stub.seen.append((self.command, self.path, dict(self.headers)))
            self.send_response(stub.status)
            for name, value in stub.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(stub.body)))
            self.end_headers()
            self.wfile.write(stub.body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
