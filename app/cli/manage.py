"""``burnlink receipt`` and ``burnlink burn``: the creator's side, with the manage token."""

from __future__ import annotations

import json

import click

from ..core.links import parse_target
from .client import Client, warn_if_plain_http
from .options import server_option, timeout_option, token_option


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
def receipt(url_or_id: str, token: str, server: str, timeout: float, as_json: bool) -> None:
    """Show whether a secret was opened, and when."""
    client, secret_id = _target(url_or_id, server, timeout)
    data = client.receipt(secret_id, token.strip())
    if as_json:
        click.echo(json.dumps(data))
        return
    viewed = data["viewed_at"] if isinstance(data["viewed_at"], list) else []
    click.echo(f"state: {data['state']}")
    click.echo(f"views left: {data['views_left']}")
    click.echo(f"viewed at: {', '.join(map(str, viewed)) or '-'}")
    click.echo(f"expires: {data['expires_at']}")


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
