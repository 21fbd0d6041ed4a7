"""Fixtures of the CLI tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from tests.support.cli import Stub, Wire, stub_server

STUB_ID = "AAAAAAAAAAAAAAAAAAAAAA"


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Wire:
    """Record what leaves the process through app.client.Client (its one sending method)."""
    from app.cli.client import Client

    recorded = Wire()
    original = Client._open

    def spy(self: Client, request: Any) -> tuple[int, bytes]:
        recorded.requests.append((request.get_method(), request.full_url, dict(request.header_items()), request.data or b""))
        return original(self, request)

    monkeypatch.setattr(Client, "_open", spy)
    return recorded


@contextmanager
def _payload_server(payload: dict[str, Any], code: str | None = None, views_left: Any = 0,
                    **extra: Any) -> Iterator[tuple[Stub, str]]:
    """A stand-in server that opens one secret holding ``payload``: yields (stub, link).

    One canned answer serves both requests of `burnlink get` (metadata wants ``has_code``, reveal wants
    ``ciphertext`` and ``views_left``), so any member can be made hostile through ``extra``.
    """
    sealed = payloads.seal_payload(payload, code)
    body = {"has_code": code is not None, "ciphertext": p.b64u_encode(sealed.blob), "views_left": views_left, **extra}
    with stub_server(200, body, {"Content-Type": "application/json"}) as stub:
        yield stub, links.make_link(stub.url, STUB_ID, sealed.key)


@pytest.fixture
def payload_server() -> Callable[..., AbstractContextManager[tuple[Stub, str]]]:
    """``with payload_server(payload) as (stub, link):`` a server that hands out ``payload`` to `burnlink get`."""
    return _payload_server
