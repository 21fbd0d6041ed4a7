"""``burnlink request``, ``respond`` and ``inbox``: ask someone for a secret, answer, read the answer once.

The asker's machine makes a P-256 key pair (``app.core.request``): the request link carries the
public key, the inbox link the private one. The answer is sealed to the public key on the
answering machine, so the server only ever holds ciphertext and verifiers. The note travels with
a MAC under the public key: ``respond`` refuses to send when a server changed it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..core import payload as payloads
from ..core import request as rq
from ..core.errors import BurnlinkError, ErrorCode, InvalidInput
from ..core.payload import KINDS
from ..core.protocol import KEY_LEN, b64u_decode, b64u_encode
from ..core.wire import MAX_NOTE, parse_duration
from .client import Client, warn_if_plain_http
from .exits import fail
from .get import check_show_options, sender_of, show_options, show_payload
from .notify import targets as notify_targets
from .options import api_token_option, max_blob_option, server_option, timeout_option, warn_on_argv
from .output import check_output_dir
from .readers import build_payload, read_source, too_large
from .sources import Stdin, read_link
from .terminal import line_safe, lines_safe

_INBOX_INSTEAD = "`burnlink inbox -` (the link on stdin), BURNLINK_LINK, or no link at a terminal (you are asked)"
_REQUEST_INSTEAD = "BURNLINK_LINK, the first line of stdin, or no link at a terminal (you are asked)"


def _checked(client: Client, url: Any, fragment: bytes, rid: str, inbox: bool) -> str:
    """The server's URL for ``rid`` with its key: refused unless it is a plain request (or inbox) link to ``rid``."""
    link = f"{url}#{b64u_encode(fragment)}" if isinstance(url, str) else ""
    try:
        parsed_id = (rq.parse_inbox_link(link) if inbox else rq.parse_request_link(link)).rid
    except BurnlinkError:
        parsed_id = None
    # The links go to a terminal and into chat messages: nothing invisible or spaced may ride along.
    if parsed_id != rid or not link.isprintable() or " " in link:
        raise BurnlinkError(f"{client.server} answered with a link that is not a plain burnlink request link; check --server.",
                            code=ErrorCode.BAD_ANSWER)
    return link


@click.command("request")
@click.option("--note", help=f"What you ask for, shown to the person answering (at most {MAX_NOTE} characters; "
              "they can check that the server did not change it).")
@click.option("--ttl", default=None, help="How long the request may be answered: 3600, 90m, 1h, 7d (default: the server's).")
@server_option
@api_token_option
@timeout_option
@click.option("--notify", "notify", multiple=True, metavar="TARGET",
              help="Tell someone what happens to the request: slack:URL, mailto:ADDRESS, a webhook URL, or a JSON "
              "target (repeatable, at most 3).")
@click.option("--webhook-secret", envvar="BURNLINK_WEBHOOK_SECRET",
              callback=warn_on_argv("webhook secret", "BURNLINK_WEBHOOK_SECRET"),
              help="The whsec_… secret that signs webhook deliveries (better: BURNLINK_WEBHOOK_SECRET).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout instead of the request link alone.")
def request(note: str | None, ttl: str | None, server: str, api_token: str | None, timeout: float,
            notify: tuple[str, ...], webhook_secret: str | None, as_json: bool) -> None:
    """Ask someone for a secret: print a link to send them, and keep the inbox link.

    The request link goes to stdout (send it to the person who answers); the inbox link, which
    alone opens the answer, the expiry and the manage token go to stderr (or all of it as --json).
    """
    if note is not None and len(note) > MAX_NOTE:
        fail(f"--note must be at most {MAX_NOTE} characters.")
    seconds = parse_duration(ttl) if ttl is not None else None
    targets = notify_targets(notify, webhook_secret)
    client = Client(server, timeout=timeout, api_token=api_token)  # with a token, made as its owner
    keys = rq.new_request_keys()
    verifiers = rq.request_verifiers(keys)
    body: dict[str, Any] = {"answer_verifier": b64u_encode(verifiers.answer_verifier),
                            "inbox_verifier": b64u_encode(verifiers.inbox_verifier)}
    if seconds is not None:
        body["ttl"] = seconds
    if targets:
        body["notify"] = targets
    warn_if_plain_http(client.server)
    created = client.create_request(body)
    rid = created["id"]
    link = _checked(client, created["url"], keys.q, rid, inbox=False)
    inbox_link = _checked(client, created["inbox_url"], keys.inbox_fragment, rid, inbox=True)
    if note is not None:
        # The MAC binds the id, which exists only now: the note is set in a second call.
        client.set_note(rid, b64u_encode(rq.inbox_proof(keys.d)), note, b64u_encode(rq.note_mac(keys.q, rid, note)))
    if as_json:
        click.echo(json.dumps({"id": rid, "link": link, "inbox_link": inbox_link, "expires_at": created["expires_at"],
                               "manage_token": created["manage_token"]}))
        return
    click.echo(link)
    click.echo(f"inbox link: {inbox_link}  (keep it: it alone opens the answer; burnlink inbox)", err=True)
    click.echo(f"expires: {line_safe(str(created['expires_at']))}", err=True)
    click.echo(f"manage token: {line_safe(str(created['manage_token']))}", err=True)


@click.command()
@click.argument("args", nargs=-1, metavar="[LINK] [FILE|-]")
@click.option("--link", "link_env", envvar="BURNLINK_LINK", hidden=True)
@click.option("--kind", type=click.Choice(KINDS), help="How the asker sees it (default: as `burnlink send` guesses).")
@click.option("--name", "file_name", help="The file name the asker gets (default: FILE's own name).")
@timeout_option
@max_blob_option
def respond(args: tuple[str, ...], link_env: str | None, kind: str | None, file_name: str | None, timeout: float,
            max_blob: int) -> None:
    """Answer a request: encrypt FILE (or stdin) here for the asker alone, and send it.

    The request link comes from BURNLINK_LINK, the first line of stdin, or a hidden prompt (LINK
    before FILE also works, but other users can read a command line). Who asks comes first on
    stderr: an asker this server's sign-in verified, or "Requester not verified"; then the asker's
    note, after its MAC is checked; a note the server changed stops everything (exit 2).
    """
    if len(args) > 2:
        fail("Give at most a link and a file.")
    given_link = args[0] if len(args) == 2 else None
    source = args[-1] if args else None
    if given_link is not None:
        click.echo(f"burnlink: warning: the link on the command line is visible to other users of this machine; "
                   f"use {_REQUEST_INSTEAD} instead.", err=True)
    if file_name is not None:
        kind = kind or "file"
        if kind != "file":
            fail("--name is for files (--kind file).")
    link = rq.parse_request_link(read_link(given_link or link_env, Stdin()))
    what = read_source(source, max_blob)
    if not what.data:
        fail("Nothing to send: the input is empty.")
    payload = build_payload(what, kind, None, file_name)
    size = len(payloads.encode_payload(payload)) + rq.MIN_ANSWER
    if size > max_blob:
        too_large(source if source not in (None, "-") else "The input", size, max_blob)
    client = Client(link.base_url, timeout=timeout)
    warn_if_plain_http(client.server)
    proof = b64u_encode(rq.answer_proof(link.q))
    view = client.open_request(link.rid, proof)
    requester = sender_of(view, "requester")
    # Before the note and before anything is sent: the person decides whether to trust the request first.
    click.echo(f"Requested by {requester} (verified by this server's sign-in)" if requester else "Requester not verified",
               err=True)
    _show_note(link, view)
    if view["state"] != "open":
        raise BurnlinkError("This request has already been answered; nothing was sent.", code=ErrorCode.ALREADY_ANSWERED)
    sealed = rq.seal_answer(payload, link.q, link.rid)
    client.answer_request(link.rid, proof, b64u_encode(sealed))
    click.echo("Sent, sealed for the person who asked: only their inbox link opens it, once.", err=True)


def _show_note(link: rq.RequestLink, view: dict[str, Any]) -> None:
    """Check the note's MAC, then show it on stderr; a changed note is refused before anything is sent."""
    note, mac = view.get("note"), view.get("note_mac")
    if note is None and mac is None:
        click.echo("The request has no note.", err=True)
        return
    try:
        if not isinstance(note, str) or not isinstance(mac, str):
            raise InvalidInput("The note or its MAC is missing.", field="note")
        rq.verify_note(link.q, link.rid, note, b64u_decode(mac, length=KEY_LEN, field="note_mac"))
    except InvalidInput:
        raise BurnlinkError("The request's note was altered after the asker wrote it (its MAC does not match): "
                            "nothing was sent. Ask the person who sent the link over another channel.",
                            code=ErrorCode.TAMPERED) from None
    first, *rest = lines_safe(note)
    click.echo(f"note: {first}", err=True)
    for line in rest:
        click.echo(f"  {line}", err=True)


@click.command()
@click.argument("url", required=False, metavar="[LINK|-]", envvar="BURNLINK_LINK",
                callback=warn_on_argv("inbox link", _INBOX_INSTEAD))
@show_options
@timeout_option
@click.pass_context
def inbox(ctx: click.Context, url: str | None, output: Path | None, force: bool, form: str, profile: str,
          as_json: bool, timeout: float) -> None:
    """Read the answer to your request, once: decrypt here and print the text, or save the files.

    The inbox link comes from LINK, `-` (stdin), BURNLINK_LINK, or a hidden prompt. Output is
    as `burnlink get`'s: text to stdout exactly as sent, files into -o DIR, --format, --json.
    """
    check_show_options(ctx, as_json, form, profile)
    link = rq.parse_inbox_link(read_link(url, Stdin()))
    client = Client(link.base_url, timeout=timeout)
    if output is not None and not as_json:
        check_output_dir(output)
    warn_if_plain_http(client.server)
    proof = b64u_encode(rq.inbox_proof(link.keys.d))
    state = client.inbox_status(link.rid, proof)["state"]
    if state != "answered":
        sentence = {"open": "This request has not been answered yet.",
                    "read": "This answer has already been read; it is gone from the server."}.get(
            state, "This request has ended without an answer to read.")
        raise BurnlinkError(sentence, code=ErrorCode.NOT_FOUND)
    blob = client.read_inbox(link.rid, proof)["ciphertext"]
    try:
        payload = rq.open_answer(b64u_decode(blob, min_length=rq.MIN_ANSWER), link.keys, link.rid)
    except BurnlinkError:
        raise BurnlinkError("The answer arrived damaged (it does not open with this inbox link); it is gone from the server.",
                            code=ErrorCode.BAD_ANSWER) from None
    show_payload(payload, output, force, as_json, form, profile)
