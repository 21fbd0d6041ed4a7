"""Fixtures of the delivery client's tests: a stock receiver, and no idle connection between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.notifications.http import _POOL
from tests.support.receivers import WebhookReceiver


@pytest.fixture(autouse=True)
def no_idle_connections() -> Iterator[None]:
    """A test starts and ends with an empty keep-alive pool, whatever the test before it left."""
    _POOL.clear()
    yield
    _POOL.clear()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver().start()
    yield running
    running.stop()
