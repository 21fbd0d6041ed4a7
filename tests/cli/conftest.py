"""Fixtures of the CLI tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.clihelp import Wire


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
