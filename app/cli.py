"""The ``burnlink`` command: send, get, receipt, burn, serve.

``send`` and ``get`` encrypt and decrypt locally with :mod:`app.protocol`; the
server sees ciphertext and verifiers only, exactly as with the web page. The
key travels only inside the link printed on stdout; the access code never
leaves this machine except on the creator's stderr.

Exit codes: 0 ok, 1 usage or bad input, 2 not found or already used, 3 wrong
access code, 4 server unreachable or failing. Errors are one line on stderr,
made in one place (:func:`describe`).
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn
from urllib.parse import urlsplit

import click

from . import protocol
from .client import Client, is_plain_remote
from .errors import BurnlinkError

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_MAX_BLOB = 1024 * 1024
EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_WRONG_CODE, EXIT_SERVER = 0, 1, 2, 3, 4
KINDS = ("text", "aws-access-key", "console-login", "file")
SERVER_CODES = {"unreachable", "bad_answer", "redirect", "storage_unavailable", "rate_limited", "internal_error"}


# --- the one mapping from failures to exit codes and messages -------------------------------------


def exit_code(err: BurnlinkError) -> int:
    """The exit code of a :class:`BurnlinkError`, from its problem ``code`` and status."""
    if err.code == "not_found":
        return EXIT_NOT_FOUND
    if err.code == "wrong_access_code":
        return EXIT_WRONG_CODE
    if err.code in SERVER_CODES or err.status >= 500:
        return EXIT_SERVER
    return EXIT_USAGE


def describe(err: BaseException) -> tuple[int, str]:
    """Any failure as ``(exit code, one line for stderr)``: the CLI's only error edge."""
    if isinstance(err, BurnlinkError):
        return exit_code(err), err.detail
    if isinstance(err, click.exceptions.Abort):
        return EXIT_USAGE, "aborted."
    if isinstance(err, click.ClickException):
        return EXIT_USAGE, err.format_message()
    if isinstance(err, KeyboardInterrupt):
        return EXIT_USAGE, "interrupted."
    if isinstance(err, OSError):  # a local file or terminal problem
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return EXIT_USAGE, f"{where}{err.strerror or type(err).__name__}."
    return EXIT_USAGE, f"internal error ({type(err).__name__}); please report it."


def fail(message: str) -> NoReturn:
    """Stop with a usage or bad-input error (exit 1)."""
    raise BurnlinkError(message, code="usage")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- terminal safety ------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder what a
# terminal shows: a secret must not be able to drive the recipient's terminal or hide text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as escapes (a CR before LF is kept)."""
    return _UNSAFE.sub(lambda m: "\r" if m.group(0) == "\r" and text[m.end():m.end() + 1] == "\n" else _escape(m), text)


def line_safe(text: str) -> str:
    """``text`` for one ``name: value`` line: every control character escaped, newlines too."""
    return _UNSAFE_IN_LINE.sub(_escape, text)


def _interactive() -> bool:
    """Is stdin a terminal (so we may prompt)?"""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _binary(stream: Any) -> BinaryIO:
    """The byte stream under a text stream (stdin, stdout)."""
    return getattr(stream, "buffer", stream)


def _warn_if_plain_http(server: str) -> None:
    if is_plain_remote(server):
        click.echo(f"burnlink: warning: {server} is plain http; link proofs and manage tokens travel unencrypted "
                   "(the secret itself stays encrypted).", err=True)


# --- reading what to send -------------------------------------------------------------------------


def max_blob() -> int:
    """The largest blob the server takes: 1 MiB, or BURNLINK_MAX_BLOB when your server is set differently."""
    raw = os.environ.get("BURNLINK_MAX_BLOB", str(DEFAULT_MAX_BLOB))
    if not raw.isdigit() or int(raw) < protocol.MIN_BLOB:
        fail("BURNLINK_MAX_BLOB must be a number of bytes (at least 28).")
    return int(raw)


def _too_large(what: str, size: int, limit: int) -> NoReturn:
    fail(f"{what} is too large: {size} bytes once encrypted, the server's limit is {limit}; nothing was sent.")


@dataclass(frozen=True)
class Source:
    """The bytes to send and, for a regular file, its name."""

    data: bytes
    name: str | None


def _read_stream(stream: BinaryIO, what: str) -> bytes:
    """Read a pipe, stopping as soon as it is certainly over the limit."""
    limit = max_blob()
    data = stream.read(limit - protocol.MIN_BLOB + 1)
    if len(data) > limit - protocol.MIN_BLOB:
        _too_large(what, len(data) + protocol.MIN_BLOB, limit)
    return data


def read_source(source: str | None) -> Source:
    """FILE, a pipe like ``<(cmd)``, ``-`` for stdin, or (no argument at a terminal) a hidden prompt."""
    if source is None and _interactive():
        text = click.prompt("Secret (typing is hidden; Enter ends it)", hide_input=True, err=True)
        return Source(text.encode("utf-8"), None)
    if source in (None, "-"):
        if _interactive():
            click.echo("Reading the secret from the terminal; end it with Ctrl-D.", err=True)
        return Source(_read_stream(_binary(sys.stdin), "The input"), None)
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        fail(f"{source}: no such file.")
    if stat.S_ISDIR(mode):
        fail(f"{source} is a directory; send one file (for example an archive: tar czf dir.tgz {source}).")
    if stat.S_ISREG(mode):
        limit = max_blob()
        if path.stat().st_size + protocol.MIN_BLOB > limit:  # refused before it is even read
            _too_large(source, path.stat().st_size + protocol.MIN_BLOB, limit)
        return Source(path.read_bytes(), path.name)
    with path.open("rb") as stream:  # a FIFO or a process substitution: read it like stdin
        return Source(_read_stream(stream, source), None)


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
            kind = "aws-access-key" if aws_json_fields(_text(source.data)) else "text"
    if kind == "file":
        file_name = name or source.name or ("stdin.txt" if _is_utf8(source.data) else "stdin.bin")
        entry = protocol.file_entry(file_name, source.data, _file_type(file_name, source.data if not source.name else None))
        payload = protocol.make_payload("file", files=[entry])
    elif kind == "aws-access-key":
        found = aws_fields(_text(source.data))
        if not found:
            fail("No AWS access key found: expected `aws iam create-access-key` JSON, a credentials.csv, or "
                 "access_key_id/secret_access_key lines.")
        payload = protocol.make_payload(kind, fields=found)
    elif kind == "console-login":
        payload = protocol.make_payload(kind, fields=console_fields(_text(source.data)))
    else:
        payload = protocol.make_payload("text", text=_text(source.data))
    if note:
        payload.setdefault("fields", {})["note"] = note
    return payload


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- commands -------------------------------------------------------------------------------------


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("burnlink")
    except Exception:
        return "0.1.0"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="burnlink")
def cli() -> None:
    """One-time secret links, encrypted on this machine. See docs/recipes.md.

    Exit codes: 0 ok, 1 bad input, 2 not found or already used, 3 wrong access code,
    4 server unreachable or failing.
    """


server_option = click.option("--server", envvar="BURNLINK_SERVER", default=DEFAULT_SERVER, show_default=True,
                             help="burnlink server (or BURNLINK_SERVER).")


@cli.command()
@click.argument("source", required=False, metavar="[FILE|-]")
@click.option("--kind", type=click.Choice(KINDS), help="How the recipient sees it (default: a FILE is a file, "
              "`aws iam create-access-key` JSON an access key, anything else text).")
@click.option("--ttl", default=None, help="Expiry: 3600, 90m, 1h, 7d (default: the server's, 1 day).")
@click.option("--views", type=click.IntRange(min=1), default=None, help="How many times it may be opened (default 1).")
@click.option("--code/--no-code", default=True, show_default=True, help="Require an access code (send it over another channel).")
@click.option("--code-value", envvar="BURNLINK_CODE_VALUE", help="Your own access code (8-64 characters) instead of a generated one.")
@click.option("--note", help="A note shown with the secret.")
@click.option("--name", "file_name", help="The file name the recipient gets (default: FILE's own name).")
@server_option
@click.option("--qr", is_flag=True, help="Also print the link as a QR code (on stderr).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of the link alone.")
def send(source: str | None, kind: str | None, ttl: str | None, views: int | None, code: bool, code_value: str | None,
         note: str | None, file_name: str | None, server: str, qr: bool, as_json: bool) -> None:
    """Encrypt FILE (or stdin) here and print a one-time link.

    The link (with its key after '#') goes to stdout, so LINK=$(burnlink send …) works; the access
    code, the expiry and the manage token go to stderr (or all of it as --json).
    """
    if code_value is not None and not code:
        fail("--code-value and --no-code contradict each other.")
    access_code = None
    if code:
        access_code = code_value if code_value is not None else protocol.generate_code()
        protocol.normalize_code(access_code)  # refuse a bad own code before anything else
    if file_name is not None:
        kind = kind or "file"
        if kind != "file":
            fail("--name is for files (--kind file).")
    body: dict[str, Any] = {}
    if ttl is not None:
        body["ttl"] = protocol.parse_duration(ttl)
    if views is not None:
        body["views"] = views
    client = Client(server)
    what = read_source(source)
    if not what.data:
        fail("Nothing to send: the input is empty.")
    payload = build_payload(what, kind, note, file_name)
    plaintext = protocol.encode_payload(payload)
    if len(plaintext) + protocol.MIN_BLOB > max_blob():
        _too_large(source if source not in (None, "-") else "The input", len(plaintext) + protocol.MIN_BLOB, max_blob())
    sealed = protocol.seal_payload(payload, access_code)
    body.update(ciphertext=protocol.b64u_encode(sealed.blob), link_verifier=protocol.b64u_encode(sealed.link_verifier),
                auth_verifier=protocol.b64u_encode(sealed.auth_verifier), has_code=access_code is not None)
    _warn_if_plain_http(client.server)
    created = client.create(body)
    link = f"{created['url']}#{protocol.b64u_encode(sealed.key)}"
    if as_json:
        result = {"id": created["id"], "url": created["url"], "link": link, "access_code": access_code,
                  "expires_at": created["expires_at"], "views": created["views"], "manage_token": created["manage_token"]}
        click.echo(json.dumps({k: v for k, v in result.items() if v is not None}))
    else:
        click.echo(link)
        if access_code:
            click.echo(f"access code: {access_code}  (send it over another channel: SMS, a call)", err=True)
        click.echo(f"expires: {created['expires_at']}", err=True)
        click.echo(f"manage token: {created['manage_token']}", err=True)
    if qr:
        import qrcode

        image = qrcode.QRCode(border=1)
        image.add_data(link)
        image.print_ascii(out=sys.stderr, invert=True)


# --- get: writing what was received ---------------------------------------------------------------

MAX_NAME = 200


def _safe_name(name: str) -> str:
    """The base name only (no directories, no '..'), control characters replaced, length capped."""
    base = _UNSAFE_IN_LINE.sub("_", os.path.basename(name.replace("\\", "/")).strip())
    if base.strip(".") == "":
        return "secret.bin"
    if len(base) > MAX_NAME:
        stem, suffix = os.path.splitext(base)
        suffix = suffix[:20]
        base = stem[:MAX_NAME - len(suffix)] + suffix
    return base


def _check_output_dir(directory: Path) -> None:
    """Refuse an unusable -o before a view is spent: it must be (or become) a writable directory."""
    probe = directory
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        fail(f"{probe} is not a directory.")
    if not os.access(probe, os.W_OK | os.X_OK):
        fail(f"{probe} is not writable; choose another -o directory.")


def _write_new(directory: Path, name: str, data: bytes, force: bool) -> Path:
    """Write ``data`` as ``name`` (or ``name (n)`` when taken), mode 0600; never follow a symlink."""
    stem, suffix = os.path.splitext(name)
    candidates = [name] + [f"{stem} ({n}){suffix}" for n in range(1, 1000)]
    for index, candidate in enumerate(candidates):
        target = directory / candidate
        if force and index == 0 and (target.is_symlink() or target.is_file()):
            target.unlink()  # --force replaces the file (or the link itself, never what it points to)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return target
    fail(f"Too many files named like {name} in {directory}.")


@cli.command()
@click.argument("url")
@click.option("--code", envvar="BURNLINK_CODE", help="The access code (or BURNLINK_CODE; asked for at a terminal).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Where files are written (default: here).")
@click.option("--force", is_flag=True, help="Overwrite files of the same name (default: write NAME (1) beside them).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole payload as JSON (files included, base64).")
def get(url: str, code: str | None, output: Path | None, force: bool, as_json: bool) -> None:
    """Open a one-time link: decrypt here and print the text, or save the files.

    Text goes to stdout exactly as sent; fields as `name: value` lines; files into -o DIR.
    """
    link = protocol.parse_link(url)
    client = Client(link.base_url)
    if output is not None and not as_json:
        _check_output_dir(output)
    _warn_if_plain_http(client.server)
    link_proof = protocol.b64u_encode(protocol.link_proof(link.key))
    meta = client.metadata(link.secret_id, link_proof)
    if not meta["has_code"]:
        code = None
    elif code is None:
        if not _interactive():
            fail("This secret needs its access code: use --code or BURNLINK_CODE.")
        code = click.prompt("Access code", hide_input=True, err=True)
    keys = protocol.derive_keys(link.key, code)  # a malformed code stops here, before a try is spent
    try:
        revealed = client.reveal(link.secret_id, link_proof, protocol.b64u_encode(keys.auth))
    except BurnlinkError as err:
        if err.code == "wrong_access_code":
            left = err.extra.get("attempts_left")
            if not isinstance(left, int) or isinstance(left, bool):
                err.detail = "Wrong access code."
            elif left > 0:
                err.detail = f"Wrong access code; {left} {'try' if left == 1 else 'tries'} left."
            else:
                err.detail = "Wrong access code; that was the last try and the secret is now destroyed."
        raise
    try:
        payload = protocol.open_blob(protocol.b64u_decode(revealed["ciphertext"], min_length=protocol.MIN_BLOB),
                                     link.key, keys=keys)
    except BurnlinkError:
        raise BurnlinkError("The secret arrived damaged (it does not decrypt with this link and code); that view is spent.",
                            code="bad_answer", status=0) from None
    if not show(payload, output, force, as_json) and _stdout_is_terminal():
        click.echo("", err=True)  # end the terminal line; stdout itself stays exactly the secret
    left = revealed["views_left"]
    click.echo("The secret is now destroyed on the server." if left == 0 else f"{left} view(s) left.", err=True)


def show(payload: dict[str, Any], output: Path | None, force: bool, as_json: bool) -> bool:
    """Print text and fields to stdout, write files into ``output`` (default: here).

    Returns whether stdout ended at the start of a line.
    """
    sys.stdout.flush()
    out = _binary(sys.stdout)
    if as_json:
        out.write(json.dumps(payload).encode("utf-8") + b"\n")
        out.flush()
        return True
    tty = _stdout_is_terminal()
    text = payload.get("text")
    fields = payload.get("fields", {})
    at_line_start = not text or text.endswith("\n")
    if text is not None:
        out.write((terminal_safe(text) if tty else text).encode("utf-8"))
        if fields and not at_line_start:
            out.write(b"\n")  # keep the fields on lines of their own
    for name, value in fields.items():
        out.write(f"{line_safe(name)}: {line_safe(value)}\n".encode())
    out.flush()
    at_line_start = at_line_start or bool(fields)
    files = payload.get("files", [])
    if not files:
        return at_line_start
    if not at_line_start and tty:
        click.echo("", err=True)
        at_line_start = True
    if output is None:
        output = Path(".")
        if not os.access(output, os.W_OK | os.X_OK):  # the view is spent: never lose the files for want of a place
            output = Path(tempfile.mkdtemp(prefix="burnlink-"))
            click.echo(f"burnlink: this directory is not writable; writing to {output} instead.", err=True)
    output.mkdir(parents=True, exist_ok=True)
    for entry in files:
        data = protocol.file_data(entry)
        target = _write_new(output, _safe_name(entry["name"]), data, force)
        click.echo(f"wrote {line_safe(str(target))} ({len(data)} bytes)", err=True)
    return at_line_start


# --- receipt and burn -----------------------------------------------------------------------------


def _target(url_or_id: str, server: str) -> tuple[Client, str]:
    """A link (its server, its id; the key after '#' is never sent) or an id on ``server``."""
    text = url_or_id.strip()
    if "://" in text:
        parts = urlsplit(text)
        match = re.fullmatch(r"(.*)/s/([^/]+)/?", parts.path)
        if parts.scheme not in ("http", "https") or not parts.hostname or not match or "@" in parts.netloc:
            fail("This is not a burnlink link (expected https://host/s/ID).")
        base, secret_id = f"{parts.scheme}://{parts.netloc}{match.group(1)}", match.group(2)
    else:
        base, secret_id = server, text
    try:
        protocol.b64u_decode(secret_id, length=protocol.ID_LEN)
    except BurnlinkError:
        fail("Expected a burnlink link or a 22-character secret id.")
    client = Client(base)
    _warn_if_plain_http(client.server)
    return client, secret_id


token_option = click.option("--token", envvar="BURNLINK_TOKEN", required=True,
                            help="The manage token `send` printed (or BURNLINK_TOKEN).")


@cli.command()
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
@click.option("--json", "as_json", is_flag=True, help="Print the receipt as JSON.")
def receipt(url_or_id: str, token: str, server: str, as_json: bool) -> None:
    """Show whether a secret was opened, and when."""
    client, secret_id = _target(url_or_id, server)
    data = client.receipt(secret_id, token.strip())
    if as_json:
        click.echo(json.dumps(data))
        return
    viewed = data["viewed_at"] if isinstance(data["viewed_at"], list) else []
    click.echo(f"state: {data['state']}")
    click.echo(f"views left: {data['views_left']}")
    click.echo(f"viewed at: {', '.join(map(str, viewed)) or '-'}")
    click.echo(f"expires: {data['expires_at']}")


@cli.command()
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
def burn(url_or_id: str, token: str, server: str) -> None:
    """Destroy a secret now (harmless to repeat, and for one that has already ended)."""
    client, secret_id = _target(url_or_id, server)
    client.burn(secret_id, token.strip())
    click.echo(f"burned {secret_id}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Run the server for development (production: gunicorn wsgi:app).

    Without REDIS_URL it keeps secrets in this process's memory (and says so).
    """
    import logging

    os.environ.setdefault("BURNLINK_ENV", "development")
    from . import create_app, load_config
    from .config import ConfigError
    from .observability import configure_logging

    configure_logging()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs every request itself
    try:
        app = create_app(load_config())
    except ConfigError as err:
        fail(str(err))
    click.echo(f"burnlink serving on http://{host}:{port}", err=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


_ID_ARG = re.compile(r"-[A-Za-z0-9_-]{21}")
_VALUE_OPTIONS = {"--token", "--server"}


def protect_ids(argv: list[str]) -> list[str]:
    """Move a secret id that starts with '-' (1 in 64 do) behind ``--`` so it is not read as options.

    Without this, ``burnlink burn -hX…`` would print the help and exit 0 without burning anything.
    """
    if len(argv) < 2 or argv[0] not in ("receipt", "burn") or "--" in argv:
        return argv
    rest = argv[1:]
    ids = [i for i, arg in enumerate(rest) if _ID_ARG.fullmatch(arg) and (i == 0 or rest[i - 1] not in _VALUE_OPTIONS)]
    if len(ids) != 1:
        return argv
    return [argv[0], *rest[:ids[0]], *rest[ids[0] + 1:], "--", rest[ids[0]]]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turn every failure into one line and an exit code."""
    args = protect_ids(list(sys.argv[1:] if argv is None else argv))
    try:
        result = cli.main(args=args, prog_name="burnlink", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except BaseException as err:  # the one edge: never a traceback
        if isinstance(err, SystemExit):
            return err.code if isinstance(err.code, int) else EXIT_USAGE
        code, message = describe(err)
        if isinstance(err, BrokenPipeError):
            _silence_stdout()
        try:
            click.echo(f"burnlink: {_one_line(message)}", err=True)
        except OSError:
            pass
        return code
    return result if isinstance(result, int) else EXIT_OK  # --help and --version return their exit code


if __name__ == "__main__":
    sys.exit(main())
