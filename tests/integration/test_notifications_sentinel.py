"""Notifications behind Redis Sentinel: the app and the worker reach the primary through ``redis+sentinel://``."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator

import pytest

from app.core.config import load_config
from app.notifications.worker import Worker
from app.server import create_app
from tests.support import wait_for
from tests.support.api import make_secret
from tests.support.receivers import WebhookReceiver
from tests.support.sentinel import SentinelGroup

WHSEC = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="module")
def group() -> Iterator[SentinelGroup]:
    running = SentinelGroup().start()
    yield running
    running.stop()


def test_a_reveal_is_delivered_behind_sentinel(group: SentinelGroup) -> None:
    receiver = WebhookReceiver(secret=WHSEC).start()
    try:
        config = load_config({"BURNLINK_ENV": "testing", "SECRET_KEY": "sentinel-notify-key", "REDIS_URL": group.url,
                              "BURNLINK_KEY_PREFIX": f"blns{secrets.token_hex(3)}", "BURNLINK_RATE_LIMITS": "0",
                              "BURNLINK_NOTIFY_ALLOW": "127.0.0.1"})
        app = create_app(config)
        client = app.test_client()
        made = make_secret(client, notify=[{"type": "webhook", "url": receiver.url, "secret": WHSEC}])
        assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200
        worker = Worker(app.extensions["burnlink"].store, config)
        wait_for(lambda: worker.step() >= 0 and receiver.of(made.id, "secret.revealed"), timeout=20,
                 what="the delivery behind Sentinel")
        assert all(r.verified for r in receiver.requests)
        body = client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"}).get_json()
        assert body["deliveries"] == [{"type": "webhook", "state": "delivered", "attempts": 1, "last_status": "200"}]
    finally:
        receiver.stop()
