"""Reading what to send: a file, a pipe, stdin or a hidden prompt, shaped into a payload.

The kind is guessed the way an admin would expect: a regular file is sent as
itself, ``aws iam create-access-key`` JSON becomes an access key pair, the JSON of
``aws sts assume-role`` (and its kin) or ``export AWS_…`` lines with a session token
become temporary credentials, anything else is text. :func:`aws_fields` and :func:`console_fields` also take the
console's credentials.csv and ``name: value`` lines.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import click

from ..core import kinds
from ..core import payload as payloads
from ..core.protocol import MIN_BLOB
from . import terminal
from .exits import fail
from .terminal import binary


def too_large(what: str, size: int, limit: int) -> NoReturn:
    fail(f"{what} is too large: {size} bytes once encrypted, the server's limit is {limit}; nothing was sent.")


@dataclass(frozen=True)
class Source:
    """The bytes to send and, for a regular file, its name."""

    data: bytes
    name: str | None


def _read_stream(stream: BinaryIO, what: str, limit: int) -> bytes:
    """Read a pipe, stopping as soon as it is certainly over the limit."""
    data = stream.read(limit - MIN_BLOB + 1)
    if len(data) > limit - MIN_BLOB:
        too_large(what, len(data) + MIN_BLOB, limit)
    return data


def read_source(source: str | None, limit: int) -> Source:
    """FILE, a pipe like ``<(cmd)``, ``-`` for stdin, or (no argument at a terminal) a hidden prompt."""
    if source is None and terminal.interactive():
        text = click.prompt("Secret (typing is hidden; Enter ends it)", hide_input=True, err=True)
        return Source(text.encode("utf-8"), None)
    if source in (None, "-"):
        if terminal.interactive():
            click.echo("Reading the secret from the terminal; end it with Ctrl-D.", err=True)
        return Source(_read_stream(binary(sys.stdin), "The input", limit), None)
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        fail(f"{source}: no such file.")
    if stat.S_ISDIR(mode):
        fail(f"{source} is a directory; send one file (for example an archive: tar czf dir.tgz {source}).")
    if stat.S_ISREG(mode):
        if path.stat().st_size + MIN_BLOB > limit:  # refused before it is even read
            too_large(source, path.stat().st_size + MIN_BLOB, limit)
        return Source(path.read_bytes(), path.name)
    with path.open("rb") as stream:  # a FIFO or a process substitution: read it like stdin
        return Source(_read_stream(stream, source, limit), None)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail("The input is not UTF-8 text; send it as a file (--kind file).")


def _pairs(text: str) -> dict[str, str]:
    """``name: value`` or ``NAME=value`` lines, names folded to snake_case."""
    pairs = {}
    for line in text.splitlines():
        match = re.match(r"\s*([A-Za-z][A-Za-z0-9 _-]*?)\s*[:=]\s*(.*?)\s*$", line)
        if match:
            pairs[re.sub(r"[ -]+", "_", match.group(1).strip()).lower()] = match.group(2)
    return pairs


def _csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of a CSV such as the console's credentials.csv (a leading BOM is dropped)."""
    try:
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
                for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    except csv.Error:
        return []


AWS_NAMES = {
    "accesskeyid": "access_key_id", "access_key_id": "access_key_id", "aws_access_key_id": "access_key_id",
    "secretaccesskey": "secret_access_key", "secret_access_key": "secret_access_key",
    "aws_secret_access_key": "secret_access_key", "region": "region", "aws_default_region": "region",
    "aws_region": "region", "note": "note",
}


def aws_json_fields(text: str) -> dict[str, str] | None:
    """The fields of ``aws iam create-access-key`` output, or None if ``text`` is not that JSON."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    key = document.get("AccessKey") if isinstance(document, dict) else None
    if not isinstance(key, dict) or not isinstance(key.get("AccessKeyId"), str) or not isinstance(key.get("SecretAccessKey"), str):
        return None
    fields = {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    if isinstance(key.get("UserName"), str) and key["UserName"]:
        fields["note"] = f"IAM user {key['UserName']}"
    return fields


def aws_fields(text: str) -> dict[str, str] | None:
    """An access key pair from create-access-key JSON, a credentials.csv, or name/value lines."""
    found = aws_json_fields(text)
    if found:
        return found
    rows = _csv_rows(text)
    if rows and rows[0].get("Access key ID") and rows[0].get("Secret access key"):
        fields = {"access_key_id": rows[0]["Access key ID"], "secret_access_key": rows[0]["Secret access key"]}
        if rows[0].get("User name"):
            fields["note"] = f"IAM user {rows[0]['User name']}"
        return fields
    pairs = {AWS_NAMES[k]: v for k, v in _pairs(text).items() if k in AWS_NAMES and v}
    if pairs.get("access_key_id") and pairs.get("secret_access_key"):
        return pairs
    return None


SESSION_NAMES = {**AWS_NAMES, "session_token": "session_token", "aws_session_token": "session_token",
                 "expiration": "expiration", "aws_credential_expiration": "expiration"}


def session_fields(text: str) -> dict[str, str] | None:
    """Temporary credentials from STS JSON, ``export`` lines, or name/value lines."""
    found = kinds.session_fields(text)
    if found:
        return found
    pairs = {SESSION_NAMES[k]: v for k, v in _pairs(text).items() if k in SESSION_NAMES and v}
    if all(pairs.get(name) for name in kinds.AWS_REQUIRED["aws-session"]):
        return pairs
    return None


CONSOLE_NAMES = {
    "sign_in_url": "sign_in_url", "signin_url": "sign_in_url", "url": "sign_in_url", "console_login_link": "sign_in_url",
    "link": "sign_in_url", "username": "username", "user_name": "username", "user": "username",
    "password": "password", "note": "note",
}


def console_fields(text: str) -> dict[str, str]:
    """A console sign-in from ``name: value`` lines, JSON, or the console's credentials.csv."""
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        source = {str(k): v for k, v in document.items() if isinstance(v, str)}
    else:
        rows = _csv_rows(text)
        source = rows[0] if rows and "Console login link" in rows[0] else _pairs(text)
    fields = {CONSOLE_NAMES[k]: v for k, v in ((re.sub(r"[ -]+", "_", k.strip()).lower(), v) for k, v in source.items())
              if k in CONSOLE_NAMES and v}
    if not fields.get("sign_in_url") or not fields.get("username"):
        fail("A console sign-in needs `sign_in_url: https://…` and `username: …` lines (and usually `password: …`).")
    if not fields["sign_in_url"].startswith("https://"):
        fail("sign_in_url must be an https:// address.")
    return fields


def _file_type(name: str, data: bytes | None) -> str:
    guessed = mimetypes.guess_type(name)[0]
    if guessed:
        return guessed
    if data is not None:
        try:
            data.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    return "application/octet-stream"


def build_payload(source: Source, kind: str | None, note: str | None, name: str | None = None) -> dict[str, Any]:
    """Shape what was read into a payload; ``kind`` None means: guess."""
    if kind is None:
        if source.name is not None:
            kind = "file"  # a regular file is sent as itself, credentials.csv included
        else:
            text = _text(source.data)
            kind = ("aws-access-key" if aws_json_fields(text) else
                    "aws-session" if kinds.session_fields(text) else "text")
    if kind == "file":
        file_name = name or source.name or ("stdin.txt" if _is_utf8(source.data) else "stdin.bin")
        entry = payloads.file_entry(file_name, source.data, _file_type(file_name, source.data if not source.name else None))
        payload = payloads.make_payload("file", files=[entry])
    elif kind == "aws-access-key":
        found = aws_fields(_text(source.data))
        if not found:
            fail("No AWS access key found: expected `aws iam create-access-key` JSON, a credentials.csv, or "
                 "access_key_id/secret_access_key lines.")
        payload = payloads.make_payload(kind, fields=found)
    elif kind == "aws-session":
        found = session_fields(_text(source.data))
        if not found:
            fail("No temporary AWS credentials found: expected the JSON of `aws sts assume-role` (get-session-token, "
                 "get-federation-token), or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN lines.")
        payload = payloads.make_payload(kind, fields=found)
    elif kind == "console-login":
        payload = payloads.make_payload(kind, fields=console_fields(_text(source.data)))
    else:
        payload = payloads.make_payload("text", text=_text(source.data))
    if note:
        payload.setdefault("fields", {})["note"] = note
    return payload


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
