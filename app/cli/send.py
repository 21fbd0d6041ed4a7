"""``burnlink send``: encrypt here, store ciphertext, print the link."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..core import kinds, protocol
from ..core import payload as payloads
from ..core.errors import BurnlinkError, ErrorCode
from ..core.links import parse_link, with_key
from ..core.payload import KINDS
from ..core.protocol import MIN_BLOB
from ..core.wire import create_body, parse_duration
from .client import Client, warn_if_plain_http
from .exits import fail
from .expiry import session_ttl
from .notify import targets as notify_targets
from .options import api_token_option, max_blob_option, server_option, timeout_option, warn_on_argv
from .policy import Policy, check_label, with_identity
from .readers import build_payload, read_source, too_large
from .terminal import line_safe


@click.command()
@click.argument("source", required=False, metavar="[FILE|-]")
@click.option("--kind", type=click.Choice(KINDS), help="How the recipient sees it (default: a FILE is a file, "
              "`aws iam create-access-key` JSON an access key, `aws sts assume-role` JSON or export lines with "
              "AWS_SESSION_TOKEN temporary credentials, anything else text).")
@click.option("--ttl", default=None, help="Expiry: 3600, 90m, 1h, 7d (default: the server's, 1 day; temporary AWS "
              "credentials: never later than they expire).")
@click.option("--views", type=click.IntRange(min=1), default=None, help="How many times it may be opened (default 1).")
@click.option("--code/--no-code", default=True, show_default=True, help="Require an access code (send it over another channel).")
@click.option("--code-value", envvar="BURNLINK_CODE_VALUE", callback=warn_on_argv("access code", "BURNLINK_CODE_VALUE"),
              help="Your own access code (8-64 characters) instead of a generated one (better: BURNLINK_CODE_VALUE).")
@click.option("--note", help="A note shown with the secret.")
@click.option("--label", help="A name for the link in your list (`burnlink list`, at most 80 characters); "
              "seen by you and the audit trail, never by the recipient, and not secret.")
@click.option("--name", "file_name", help="The file name the recipient gets (default: FILE's own name).")
@server_option
@api_token_option
@timeout_option
@max_blob_option
@click.option("--notify", "notify", multiple=True, metavar="TARGET",
              help="Tell someone what happens to the link: slack:URL, mailto:ADDRESS, a webhook URL, or a JSON "
              "target (repeatable, at most 3).")
@click.option("--webhook-secret", envvar="BURNLINK_WEBHOOK_SECRET",
              callback=warn_on_argv("webhook secret", "BURNLINK_WEBHOOK_SECRET"),
              help="The whsec_… secret that signs webhook deliveries (better: BURNLINK_WEBHOOK_SECRET).")
@click.option("--qr", is_flag=True, help="Also print the link as a QR code (on stderr).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of the link alone.")
def send(source: str | None, kind: str | None, ttl: str | None, views: int | None, code: bool, code_value: str | None,
         note: str | None, label: str | None, file_name: str | None, server: str, api_token: str | None, timeout: float,
         max_blob: int, notify: tuple[str, ...], webhook_secret: str | None, qr: bool, as_json: bool) -> None:
    """Encrypt FILE (or stdin) here and print a one-time link.

    The link (with its key after '#') goes to stdout, so LINK=$(burnlink send …) works; the access
    code, the expiry and the manage token go to stderr (or all of it as --json). With an API token
    (BURNLINK_API_TOKEN) the secret is made as its owner: the recipient sees a verified sender.
    """
    if code_value is not None and not code:
        fail("--code-value and --no-code contradict each other.")
    access_code = None
    if code:
        access_code = code_value if code_value is not None else protocol.generate_code()
        protocol.check_creator_code(access_code)  # refuse a bad own code before anything else
    if file_name is not None:
        kind = kind or "file"
        if kind != "file":
            fail("--name is for files (--kind file).")
    label = check_label(label)
    seconds = parse_duration(ttl) if ttl is not None else None
    targets = notify_targets(notify, webhook_secret)
    client = Client(server, timeout=timeout, api_token=api_token)
    what = read_source(source, max_blob)
    if not what.data:
        fail("Nothing to send: the input is empty.")
    payload = build_payload(what, kind, note, file_name)
    if payload["kind"] in kinds.AWS_KINDS:
        warn_about_shapes(payload["fields"], payload["kind"])
    if payload["kind"] == "aws-session":  # the link lives no longer than the credentials
        seconds = session_ttl(payload["fields"], seconds, ttl)
    size = len(payloads.encode_payload(payload)) + MIN_BLOB
    if size > max_blob:
        too_large(source if source not in (None, "-") else "The input", size, max_blob)
    warn_if_plain_http(client.server)
    policy = Policy.fetch(client)  # once, after every local check, before anything is stored
    policy.check_mode(client.server)
    policy.check_kind(payload["kind"])
    policy.check_size(source if source not in (None, "-") else "The input", len(what.data))
    if policy.code_needed(access_code is not None):
        access_code = protocol.generate_code()
    sealed = payloads.seal_payload(payload, access_code)
    created = client.create(with_identity(create_body(sealed, ttl=seconds, views=views, notify=targets),
                                          payload["kind"], label))
    link = checked_link(client, created, sealed.key)
    if as_json:
        result: dict[str, Any] = {"id": created["id"], "url": created["url"], "link": link, "access_code": access_code,
                                  "expires_at": created["expires_at"], "views": created["views"],
                                  "manage_token": created["manage_token"]}
        click.echo(json.dumps({k: v for k, v in result.items() if v is not None}))
    else:
        click.echo(link)
        if access_code:
            click.echo(f"access code: {access_code}  (send it over another channel: SMS, a call)", err=True)
        click.echo(f"expires: {line_safe(str(created['expires_at']))}", err=True)
        click.echo(f"manage token: {line_safe(str(created['manage_token']))}", err=True)
    if qr:
        import qrcode

        image = qrcode.QRCode(border=1)
        image.add_data(link)
        image.print_ascii(out=sys.stderr, invert=True)


def warn_about_shapes(fields: dict[str, str], kind: str = "aws-access-key") -> None:
    """Say which AWS fields lack their real shape; the secret itself is sent as it is."""
    problems = kinds.aws_field_problems(fields, kind)
    if problems:
        click.echo(f"burnlink: warning: {', '.join(problems)} missing or not in the shape AWS uses; sent unchanged, "
                   "but the recipient gets no export lines or credentials profile built from it.", err=True)


def checked_link(client: Client, created: dict[str, Any], key: bytes) -> str:
    """The link to print: the server's URL for the new id, refused unless it is a plain link to that id."""
    url = created["url"]
    link = with_key(url, key) if isinstance(url, str) else ""
    try:
        parsed = parse_link(link)
    except BurnlinkError:
        parsed = None
    # The link goes to a terminal and into chat messages: nothing invisible or spaced may ride along.
    if parsed is None or parsed.secret_id != created["id"] or not link.isprintable() or " " in link:
        raise BurnlinkError(f"{client.server} answered with a link that is not a plain burnlink link; check --server.",
                            code=ErrorCode.BAD_ANSWER)
    return link
