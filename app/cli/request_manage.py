"""``burnlink receipt`` and ``burnlink burn`` for a request: its link (``/r/ID``), its inbox link
(``/r/ID/inbox``, whose key after '#' is never sent) or its id, with the request's manage token.

:mod:`app.cli.manage` hands a request's link here, and a bare id too once the secrets' route has
refused the token (a request's manage token names ``r:ID``, so that route answers 403 ``forbidden``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import click

from ..core.errors import BurnlinkError, ErrorCode, InvalidInput
from ..core.links import split_link
from ..core.protocol import is_secret_id
from .client import Client, warn_if_plain_http
from .exits import fail
from .notify import delivery_line, event_line
from .terminal import line_safe

_REQUEST_PATH = r"(.*)/r/([A-Za-z0-9_-]+)(?:/inbox)?/?"
_NOT_A_REQUEST = "This is not a burnlink request link (expected https://host/r/ID)."


def request_target(text: str) -> tuple[str, str] | None:
    """``(server, request id)`` of a request or inbox link; ``None`` for a secret's link or a bare id."""
    text = text.strip()
    if "://" not in text or "/r/" not in text.split("#", 1)[0]:
        return None
    parts, match = split_link(text, _REQUEST_PATH, _NOT_A_REQUEST)
    if not is_secret_id(match.group(2)):
        raise InvalidInput("This link's request id is damaged or cut short (expected 22 characters after /r/).", field="url")
    return f"{parts.scheme}://{parts.netloc}{match.group(1)}", match.group(2)


def _client(server: str, timeout: float, warn: bool) -> Client:
    client = Client(server, timeout=timeout)
    if warn:
        warn_if_plain_http(client.server)
    return client


def _receipt(client: Client, rid: str, token: str) -> dict[str, Any]:
    data = client.request("GET", f"/api/v1/requests/{rid}/receipt", headers={"Authorization": f"Bearer {token}"})[1]
    if not isinstance(data, dict) or not all(k in data for k in ("state", "created_at", "expires_at", "answered_at")):
        raise BurnlinkError(f"{client.server} did not answer like a burnlink server; check --server.", code=ErrorCode.BAD_ANSWER)
    return data


def refused_request_token(err: BurnlinkError, url_or_id: str, token: str | None) -> bool:
    """Whether the secrets' route refused ``token`` for a bare id that may be a request's."""
    return err.code is ErrorCode.FORBIDDEN and "://" not in url_or_id and bool(token)


def _token(token: str | None) -> str:
    if not token:
        fail("A request is managed with the manage token `burnlink request` printed: set BURNLINK_TOKEN (or --token).")
    return token.strip()


def request_receipt(server: str, rid: str, *, token: str | None, timeout: float, as_json: bool = False, wait: bool = False,
                    interval: float = 2.0, warn: bool = True) -> None:
    """Print a request's receipt; with ``wait``, once it is no longer open (answered, or ended)."""
    client = _client(server, timeout, warn)
    data = _receipt(client, rid, _token(token))
    while wait and data.get("state") == "open":
        time.sleep(interval)
        data = _receipt(client, rid, _token(token))
    if as_json:
        click.echo(json.dumps(data))
        return
    # Every value is the server's: escaped, so a hostile server cannot drive the terminal.
    for label, member in (("state", "state"), ("created", "created_at"), ("answered at", "answered_at"),
                          ("expires", "expires_at")):
        click.echo(f"{label}: {line_safe(str(data[member] if data[member] is not None else '-'))}")
    for title, member, line in (("events", "events", event_line), ("notifications", "deliveries", delivery_line)):
        items = data.get(member)
        if isinstance(items, list) and items:
            click.echo(f"{title}:")
            for item in items:
                click.echo(f"  {line(item)}")


def burn_request(server: str, rid: str, *, token: str | None, timeout: float, warn: bool = True) -> None:
    """End a request now; its unread answer goes with it (harmless to repeat)."""
    client = _client(server, timeout, warn)
    client.request("DELETE", f"/api/v1/requests/{rid}", headers={"Authorization": f"Bearer {_token(token)}"})
    click.echo(f"burned request {rid}", err=True)
