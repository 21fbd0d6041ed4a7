"""``burnlink receipt`` and ``burnlink burn``: the creator's side, with the manage token (or an API token).

Both take a secret's link or id, or a request's (:mod:`app.cli.request_manage`).
"""

from __future__ import annotations

import json
import time

import click

from ..core.errors import BurnlinkError
from ..core.links import parse_target
from .accounts import burn_everything
from .client import Client, check_server, warn_if_plain_http
from .exits import fail
from .notify import delivery_line, event_line
from .options import api_token_option, optional_token_option, server_option, timeout_option, token_option
from .request_manage import burn_request, refused_request_token, request_receipt, request_target
from .terminal import line_safe


def _target(url_or_id: str, server: str, timeout: float) -> tuple[Client, str]:
    """A link (its server, its id; the key after '#' is never sent) or an id on ``server``."""
    target = parse_target(url_or_id, server)
    client = Client(target.base_url, timeout=timeout)
    warn_if_plain_http(client.server)
    return client, target.secret_id


@click.command()
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
@timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print the receipt as JSON.")
@click.option("--wait", is_flag=True, help="Block until the secret is revealed or has ended, then print the receipt.")
@click.option("--interval", type=click.FloatRange(min=0.2), default=2.0, show_default=True,
              help="Seconds between looks while --wait waits.")
def receipt(url_or_id: str, token: str, server: str, timeout: float, as_json: bool, wait: bool, interval: float) -> None:
    """Show whether a secret was opened, and when, with what happened to it.

    With --wait it returns as soon as a view was spent or the secret ended (burned, expired,
    destroyed), so a script can rotate the old key right after the new one was picked up.

    A request's link, its inbox link or its id works too, with the manage token `burnlink request` printed.
    """
    options = {"token": token, "timeout": timeout, "as_json": as_json, "wait": wait, "interval": interval}
    request = request_target(url_or_id)
    if request is not None:
        request_receipt(*request, **options)
        return
    client, secret_id = _target(url_or_id, server, timeout)
    try:
        data = client.receipt(secret_id, token.strip())
    except BurnlinkError as err:
        if not refused_request_token(err, url_or_id, token):
            raise
        request_receipt(server, url_or_id.strip(), **options, warn=False)
        return
    while wait and data.get("state") == "waiting":
        time.sleep(interval)
        data = client.receipt(secret_id, token.strip())
    if as_json:
        click.echo(json.dumps(data))
        return
    viewed = data["viewed_at"] if isinstance(data["viewed_at"], list) else []
    # Every value is the server's: escaped, so a hostile server cannot drive the terminal.
    click.echo(f"state: {_safe(data['state'])}")
    click.echo(f"views left: {_safe(data['views_left'])}")
    click.echo(f"viewed at: {', '.join(map(_safe, viewed)) or '-'}")
    click.echo(f"expires: {_safe(data['expires_at'])}")
    events = data.get("events")
    if isinstance(events, list) and events:
        click.echo("events:")
        for event in events:
            click.echo(f"  {event_line(event)}")
    deliveries = data.get("deliveries")
    if isinstance(deliveries, list) and deliveries:
        click.echo("notifications:")
        for delivery in deliveries:
            click.echo(f"  {delivery_line(delivery)}")


def _safe(value: object) -> str:
    return line_safe(str(value))


@click.command()
@click.argument("url_or_id", metavar="[URL|ID]", required=False)
@optional_token_option
@click.option("--all", "burn_all", is_flag=True, help="Burn every outstanding secret you made (needs BURNLINK_API_TOKEN).")
@click.option("--creator", metavar="EMAIL", help="With --all, as an admin (BURNLINK_ADMINS): burn every outstanding "
              "secret EMAIL made (offboarding).")
@click.option("--yes", is_flag=True, help="Do not ask before --all (it asks only at a terminal).")
@api_token_option
@server_option
@timeout_option
def burn(url_or_id: str | None, token: str | None, burn_all: bool, creator: str | None, yes: bool,
         api_token: str | None, server: str, timeout: float) -> None:
    """Destroy a secret now (harmless to repeat, and for one that has already ended).

    With its manage token (BURNLINK_TOKEN), or with your API token (BURNLINK_API_TOKEN) for a
    secret you made. --all burns every outstanding secret you made and prints how many.

    A request's link, its inbox link or its id works too, with the manage token `burnlink request` printed.
    """
    if burn_all:
        if url_or_id is not None:
            fail("Give a secret's URL or ID, or --all, not both.")
        burn_everything(api_token, server, timeout, creator, yes)
        return
    if url_or_id is None:
        fail("Give the secret's URL or ID (or --all).")
    if creator is not None:
        fail("--creator goes with --all.")
    request = request_target(url_or_id)
    if request is not None:
        burn_request(*request, token=token, timeout=timeout)
        return
    if token is None and api_token is None:
        fail("Missing the manage token: set BURNLINK_TOKEN (or --token), or BURNLINK_API_TOKEN for a secret you made.")
    client, secret_id = _target(url_or_id, server, timeout)
    if token is not None:
        try:
            client.burn(secret_id, token.strip())
        except BurnlinkError as err:
            if not refused_request_token(err, url_or_id, token):
                raise
            burn_request(server, url_or_id.strip(), token=token, timeout=timeout, warn=False)
            return
    else:
        # The API token goes to --server alone, never to whatever server a pasted link names.
        if client.server != check_server(server):
            fail(f"That link is on {line_safe(client.server)}, not on --server {line_safe(check_server(server))}; "
                 "the API token is sent only to --server (BURNLINK_SERVER).")
        Client(client.server, timeout=timeout, api_token=api_token).burn_mine(secret_id)
    click.echo(f"burned {secret_id}", err=True)
