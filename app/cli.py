"""The ``burnlink`` command: send, get, receipt, burn, serve.

``send`` and ``get`` encrypt and decrypt locally with :mod:`app.protocol`; the
server sees ciphertext and verifiers only, exactly as with the web page.
Exit codes: 0 ok, 1 usage or bad input, 2 not found or already used, 3 wrong
access code, 4 server unreachable or failing. Errors are one line on stderr.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import protocol
from .client import Client
from .errors import BurnlinkError, InvalidInput

DEFAULT_SERVER = "http://127.0.0.1:8000"
EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_WRONG_CODE, EXIT_SERVER = 0, 1, 2, 3, 4
KINDS = ("text", "aws-access-key", "console-login", "file")


def exit_code(err: BurnlinkError) -> int:
    """The one mapping from error codes to exit codes."""
    if err.code == "not_found":
        return EXIT_NOT_FOUND
    if err.code == "wrong_access_code":
        return EXIT_WRONG_CODE
    if err.code in ("unreachable", "bad_answer", "storage_unavailable", "rate_limited") or err.status >= 500:
        return EXIT_SERVER
    return EXIT_USAGE


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    raise BurnlinkError(message, code={EXIT_NOT_FOUND: "not_found", EXIT_SERVER: "unreachable"}.get(code, "usage"))


def max_blob() -> int:
    return int(os.environ.get("BURNLINK_MAX_BLOB", str(1024 * 1024)))


# --- reading what to send -----------------------------------------------------------------------


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


AWS_NAMES = {
    "accesskeyid": "access_key_id", "access_key_id": "access_key_id", "aws_access_key_id": "access_key_id",
    "access_key_id_": "access_key_id", "secretaccesskey": "secret_access_key", "secret_access_key": "secret_access_key",
    "aws_secret_access_key": "secret_access_key", "region": "region", "aws_default_region": "region", "note": "note",
}


def aws_fields(text: str) -> dict[str, str] | None:
    """Fields of an access key pair from `aws iam create-access-key` JSON, a credentials.csv, or name/value lines."""
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        key = document.get("AccessKey", document)
        if isinstance(key, dict) and key.get("AccessKeyId") and key.get("SecretAccessKey"):
            fields = {"access_key_id": str(key["AccessKeyId"]), "secret_access_key": str(key["SecretAccessKey"])}
            if key.get("UserName"):
                fields["note"] = f"IAM user {key['UserName']}"
            return fields
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and rows[0].get("Access key ID") and rows[0].get("Secret access key"):
        fields = {"access_key_id": rows[0]["Access key ID"].strip(), "secret_access_key": rows[0]["Secret access key"].strip()}
        if rows[0].get("User name"):
            fields["note"] = f"IAM user {rows[0]['User name'].strip()}"
        return fields
    pairs = {AWS_NAMES[k]: v for k, v in _pairs(text).items() if k in AWS_NAMES}
    if pairs.get("access_key_id") and pairs.get("secret_access_key"):
        return pairs
    return None


def console_fields(text: str) -> dict[str, str]:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    source = document if isinstance(document, dict) else _pairs(text)
    aliases = {"sign_in_url": "sign_in_url", "url": "sign_in_url", "console_login_link": "sign_in_url", "link": "sign_in_url",
               "username": "username", "user_name": "username", "user": "username", "password": "password", "note": "note"}
    fields = {aliases[k.lower()]: str(v) for k, v in source.items() if k.lower() in aliases and v}
    if not fields.get("sign_in_url"):
        fail("A console sign-in needs at least `sign_in_url: https://…` (plus `username:` and `password:` lines).")
    return fields


def build_payload(source: str | None, kind: str | None, note: str | None) -> dict[str, Any]:
    """Read FILE (or stdin for ``-``/nothing) and shape it into a payload."""
    if source in (None, "-"):
        data, name = sys.stdin.buffer.read(), None
    else:
        path = Path(source)
        if path.is_dir():
            fail(f"{source} is a directory; send a file (or an archive of the directory).")
        if not path.is_file():
            fail(f"{source}: no such file.")
        data, name = path.read_bytes(), path.name
    kind = kind or ("file" if name else None)
    if kind is None:  # piped input: recognise an AWS access key, else plain text
        text = _text(data)
        kind = "aws-access-key" if aws_fields(text) else "text"
    fields: dict[str, str] = {}
    if kind == "file":
        content_type = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
        payload = protocol.make_payload("file", files=[protocol.file_entry(name or "secret.bin", data, content_type)])
    elif kind == "aws-access-key":
        found = aws_fields(_text(data))
        if not found:
            fail("No AWS access key found: expected `aws iam create-access-key` JSON, a credentials.csv, or "
                 "access_key_id/secret_access_key lines.")
        fields = found
        payload = protocol.make_payload(kind, fields=fields)
    elif kind == "console-login":
        fields = console_fields(_text(data))
        payload = protocol.make_payload(kind, fields=fields)
    else:
        payload = protocol.make_payload("text", text=_text(data))
    if note:
        payload.setdefault("fields", {})["note"] = note
    return payload


# --- commands -----------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="burnlink")
def cli() -> None:
    """One-time secret links, encrypted on this machine. See docs/recipes.md."""


server_option = click.option("--server", envvar="BURNLINK_SERVER", default=DEFAULT_SERVER, show_default=True,
                             help="burnlink server (or BURNLINK_SERVER).")


@cli.command()
@click.argument("source", required=False, metavar="[FILE|-]")
@click.option("--kind", type=click.Choice(KINDS), help="How the recipient's page shows it (default: guessed).")
@click.option("--ttl", default=None, help="Expiry: 3600, 90m, 1h, 7d (default: the server's, 1 day).")
@click.option("--views", type=click.IntRange(1, 1000), default=None, help="How many times it may be opened (default 1).")
@click.option("--code/--no-code", default=True, show_default=True, help="Require an access code (sent over another channel).")
@click.option("--code-value", envvar="BURNLINK_CODE_VALUE", help="Your own access code instead of a generated one.")
@click.option("--note", help="A note shown with the secret.")
@server_option
@click.option("--qr", is_flag=True, help="Also print the link as a QR code (on stderr).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def send(source: str | None, kind: str | None, ttl: str | None, views: int | None, code: bool, code_value: str | None,
         note: str | None, server: str, qr: bool, as_json: bool) -> None:
    """Encrypt FILE (or stdin) locally and print a one-time link."""
    if code_value is not None and not code:
        fail("--code-value and --no-code contradict each other.")
    access_code = None
    if code:
        access_code = code_value if code_value is not None else protocol.generate_code()
        protocol.normalize_code(access_code)  # refuse a bad own code before anything else
    body: dict[str, Any] = {}
    if ttl is not None:
        body["ttl"] = protocol.parse_duration(ttl)
    if views is not None:
        body["views"] = views
    payload = build_payload(source, kind, note)
    plaintext = protocol.encode_payload(payload)
    if len(plaintext) + protocol.MIN_BLOB > max_blob():
        fail(f"Too large: {len(plaintext) + protocol.MIN_BLOB} bytes encrypted, the limit is {max_blob()}; nothing was sent.")
    sealed = protocol.seal_payload(payload, access_code)
    body.update(ciphertext=protocol.b64u_encode(sealed.blob), link_verifier=protocol.b64u_encode(sealed.link_verifier),
                auth_verifier=protocol.b64u_encode(sealed.auth_verifier), has_code=access_code is not None)
    created = Client(server).create(body)
    link = f"{created['url']}#{protocol.b64u_encode(sealed.key)}"
    if as_json:
        result = {"id": created["id"], "url": created["url"], "link": link, "access_code": access_code,
                  "expires_at": created["expires_at"], "views": created["views"], "manage_token": created["manage_token"]}
        click.echo(json.dumps(result))
    else:
        click.echo(link)
        if access_code:
            click.echo(f"access code: {access_code}  (send it over another channel: SMS, a call)", err=True)
        click.echo(f"expires: {created['expires_at']}", err=True)
        click.echo(f"manage token: {created['manage_token']}", err=True)
    if qr:
        import qrcode

        code_image = qrcode.QRCode(border=1)
        code_image.add_data(link)
        code_image.print_ascii(out=sys.stderr, invert=True)


def _safe_name(name: str) -> str:
    """The base name only (no directories, no '..'), control characters replaced."""
    base = re.sub(r"[\x00-\x1f]", "_", os.path.basename(name.replace("\\", "/")).strip())
    return "secret.bin" if base in ("", ".", "..") else base


def _free_path(directory: Path, name: str, force: bool) -> Path:
    target = directory / name
    if force or not target.exists():
        return target
    stem, suffix = os.path.splitext(name)
    for n in range(1, 1000):
        candidate = directory / f"{stem} ({n}){suffix}"
        if not candidate.exists():
            return candidate
    fail(f"Too many files named like {name} in {directory}.")


@cli.command()
@click.argument("url")
@click.option("--code", envvar="BURNLINK_CODE", help="The access code (asked for when needed and stdin is a terminal).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Where files are written (default: here).")
@click.option("--force", is_flag=True, help="Overwrite files of the same name.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole payload as JSON (files included).")
def get(url: str, code: str | None, output: Path, force: bool, as_json: bool) -> None:
    """Open a one-time link: decrypt locally and print or save the secret."""
    link = protocol.parse_link(url)
    client = Client(link.base_url)
    link_proof = protocol.b64u_encode(protocol.link_proof(link.key))
    meta = client.metadata(link.secret_id, link_proof)
    if meta["has_code"] and code is None:
        if not sys.stdin.isatty():
            fail("This secret needs its access code: use --code or BURNLINK_CODE.")
        code = click.prompt("Access code", hide_input=True, err=True)
    keys = protocol.derive_keys(link.key, code if meta["has_code"] else None)
    try:
        revealed = client.reveal(link.secret_id, link_proof, protocol.b64u_encode(keys.auth))
    except BurnlinkError as err:
        if err.code == "wrong_access_code":
            left = err.extra.get("attempts_left", 0)
            err.detail = (f"Wrong access code; {left} {'try' if left == 1 else 'tries'} left." if left
                          else "Wrong access code; that was the last try and the secret is destroyed.")
        raise
    payload = protocol.open_blob(protocol.b64u_decode(revealed["ciphertext"]), link.key, keys=keys)
    if as_json:
        click.echo(json.dumps(payload))
        return
    if "text" in payload:
        sys.stdout.write(payload["text"])
        sys.stdout.flush()
    for name, value in payload.get("fields", {}).items():
        click.echo(f"{name}: {value}")
    files = payload.get("files", [])
    if files:
        output.mkdir(parents=True, exist_ok=True)
    for entry in files:
        target = _free_path(output, _safe_name(entry["name"]), force)
        target.write_bytes(protocol.file_data(entry))
        os.chmod(target, 0o600)
        click.echo(f"wrote {target}", err=True)
    click.echo("The secret is now destroyed on the server." if revealed["views_left"] == 0
               else f"{revealed['views_left']} view(s) left.", err=True)


def _target(url_or_id: str, server: str) -> tuple[Client, str]:
    if "/s/" in url_or_id:
        parsed = re.match(r"(https?://.*)/s/([A-Za-z0-9_-]{22})", url_or_id)
        if not parsed:
            fail("This is not a burnlink link (expected https://host/s/ID).")
        return Client(parsed.group(1)), parsed.group(2)
    if not re.fullmatch(r"[A-Za-z0-9_-]{22}", url_or_id):
        fail("Expected a link or a 22-character secret id.")
    return Client(server), url_or_id


token_option = click.option("--token", envvar="BURNLINK_TOKEN", required=True, help="The manage token (or BURNLINK_TOKEN).")


@cli.command()
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
@click.option("--json", "as_json", is_flag=True, help="Print the receipt as JSON.")
def receipt(url_or_id: str, token: str, server: str, as_json: bool) -> None:
    """Show whether a secret was opened, and when."""
    client, secret_id = _target(url_or_id, server)
    data = client.receipt(secret_id, token)
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"state: {data['state']}")
    click.echo(f"views left: {data['views_left']}")
    click.echo(f"viewed at: {', '.join(data['viewed_at']) or '-'}")
    click.echo(f"expires: {data['expires_at']}")


@cli.command()
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
def burn(url_or_id: str, token: str, server: str) -> None:
    """Destroy a secret now (fine to repeat)."""
    client, secret_id = _target(url_or_id, server)
    client.burn(secret_id, token)
    click.echo("burned", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the server for development (production: gunicorn wsgi:app)."""
    os.environ.setdefault("BURNLINK_ENV", "development")
    from . import create_app, load_config
    from .observability import configure_logging

    configure_logging()
    app = create_app(load_config())
    click.echo(f"burnlink serving on http://{host}:{port}", err=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turn every failure into one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="burnlink", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        click.echo("burnlink: aborted", err=True)
        return EXIT_USAGE
    except click.ClickException as err:
        click.echo(f"burnlink: {err.format_message()}", err=True)
        return EXIT_USAGE
    except InvalidInput as err:
        click.echo(f"burnlink: {err.detail}", err=True)
        return EXIT_USAGE
    except BurnlinkError as err:
        click.echo(f"burnlink: {err.detail}", err=True)
        return exit_code(err)
    except KeyboardInterrupt:
        return EXIT_USAGE
    except Exception as err:
        click.echo(f"burnlink: unexpected {type(err).__name__}", err=True)
        return EXIT_SERVER
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
