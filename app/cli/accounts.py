"""``burnlink list``, ``whoami`` and ``burn --all``: the signed-in creator's side, with an API token.

The API token (``BURNLINK_API_TOKEN``, or ``--api-token-file``) acts as its owner: these
commands list what they made, burn all of it at once, and (for an admin) do the same for
another creator when someone leaves. The token is only ever sent to ``--server``.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..core.errors import BurnlinkError, ErrorCode
from ..core.identity import normal_email
from . import terminal
from .client import Client, warn_if_plain_http
from .exits import fail
from .options import api_token_option, server_option, timeout_option
from .terminal import line_safe

COLUMNS = ("id", "label", "kind", "state", "views left", "expires")


def creator_client(api_token: str | None, server: str, timeout: float, what: str) -> Client:
    """A client that acts as the token's owner; without a token, say how to get one (exit 5)."""
    if api_token is None:
        raise BurnlinkError(code=ErrorCode.SIGN_IN_REQUIRED, command=what)
    client = Client(server, timeout=timeout, api_token=api_token)
    warn_if_plain_http(client.server)
    return client


def checked_creator(creator: str | None) -> str | None:
    """``--creator``: an e-mail address, lower-cased as the server keeps it."""
    if creator is None:
        return None
    email = normal_email(creator)
    if email is None:
        fail("--creator must be an e-mail address such as bob@example.com.")
    return email


def _cell(value: Any) -> str:
    """A table cell from a server's value: one escaped line, ``-`` for nothing."""
    return "-" if value is None or value == "" else line_safe(terminal.one_line(str(value)))


def table(secrets: list[dict[str, Any]]) -> list[str]:
    """The lines of the "my links" table, columns padded to their widest cell."""
    rows = [[_cell(item.get(key)) for key in ("id", "label", "kind", "state", "views_left", "expires_at")]
            for item in secrets]
    header = [name.upper() for name in COLUMNS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(COLUMNS))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]]


@click.command("list")
@click.option("--creator", metavar="EMAIL", help="As an admin (BURNLINK_ADMINS): the secrets EMAIL made.")
@click.option("--json", "as_json", is_flag=True, help='Print the server\'s answer as JSON ({"secrets": [...]}, with events).')
@api_token_option
@server_option
@timeout_option
def list_secrets(creator: str | None, as_json: bool, api_token: str | None, server: str, timeout: float) -> None:
    """Your links: every secret you made that is alive or ended recently, newest first.

    Needs an API token (BURNLINK_API_TOKEN). Prints a table of id, label, kind, state, views left
    and expiry; the label is yours alone and never shown to the recipient.
    """
    email = checked_creator(creator)
    secrets = creator_client(api_token, server, timeout, "list").secrets_of(email)
    if as_json:
        click.echo(json.dumps({"secrets": secrets}))
        return
    if not secrets:
        click.echo("No secrets: nothing made with this sign-in is alive or ended recently.", err=True)
        return
    for line in table(secrets):
        click.echo(line)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print email, admin and via as JSON.")
@api_token_option
@server_option
@timeout_option
def whoami(as_json: bool, api_token: str | None, server: str, timeout: float) -> None:
    """Who the API token acts as on --server (BURNLINK_API_TOKEN), and whether an admin."""
    me = creator_client(api_token, server, timeout, "whoami").me()
    # Only what a person needs: a CSRF token (cookie sign-ins only) is no business of a terminal.
    shown = {"email": me["email"], "admin": me["admin"] is True, "via": me["via"]}
    if as_json:
        click.echo(json.dumps(shown))
        return
    click.echo(f"email: {_cell(shown['email'])}")
    click.echo(f"admin: {'yes' if shown['admin'] else 'no'}")
    click.echo(f"via: {_cell(shown['via'])}")


def burn_everything(api_token: str | None, server: str, timeout: float, creator: str | None, yes: bool) -> None:
    """``burnlink burn --all [--creator EMAIL]``: burn every outstanding secret, after asking at a terminal."""
    email = checked_creator(creator)
    client = creator_client(api_token, server, timeout, "burn --all")
    whose = f"{email} made" if email else "you made"
    if not yes and terminal.interactive():
        click.confirm(f"Burn every outstanding secret {whose} on {line_safe(client.server)}? Nobody can open them "
                      "afterwards", abort=True, err=True)
    burned = client.burn_all(email)
    click.echo(f"burned {burned} outstanding secret{'' if burned == 1 else 's'} {whose}")
