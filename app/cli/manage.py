"""``burnlink receipt`` and ``burnlink burn``: the creator's side, with the manage token."""

from __future__ import annotations

import json
import time

import click

from ..core.links import parse_target
from .client import Client, warn_if_plain_http
from .notify import delivery_line, event_line
from .options import server_option, timeout_option, token_option
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
    """
    client, secret_id = _target(url_or_id, server, timeout)
    data = client.receipt(secret_id, token.strip())
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
@click.argument("url_or_id", metavar="URL|ID")
@token_option
@server_option
@timeout_option
def burn(url_or_id: str, token: str, server: str, timeout: float) -> None:
    """Destroy a secret now (harmless to repeat, and for one that has already ended)."""
    client, secret_id = _target(url_or_id, server, timeout)
    client.burn(secret_id, token.strip())
    click.echo(f"burned {secret_id}", err=True)
