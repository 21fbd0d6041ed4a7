"""Notifications on a real 3-primary Redis Cluster: the shards spread over the primaries, delivery end to end.

The worker's every command and script names the keys of one slot (a shard's hash tag), and the
audit trail is one key; gunicorn and ``burnlink worker`` reach the cluster through
``REDIS_URL=redis+cluster://…`` as in production.
"""

from __future__ import annotations

import base64
import secrets
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
from redis.crc import key_slot

from app.store import Store
from tests.support import GunicornProcess, wait_for
from tests.support.api import create, receipt, reveal
from tests.support.cluster import RedisCluster
from tests.support.receivers import WebhookReceiver
from tests.support.workers import WorkerProcess

PREFIX = f"blnc{secrets.token_hex(3)}"
WHSEC = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
ENV = {"BURNLINK_KEY_PREFIX": PREFIX, "BURNLINK_NOTIFY_ALLOW": "127.0.0.1", "BURNLINK_TTL_MIN": "1"}


@pytest.fixture(scope="module")
def server(cluster: RedisCluster) -> Iterator[GunicornProcess]:
    running = GunicornProcess(cluster.url, workers=2, env=ENV).start()
    yield running
    running.stop()
    assert "Traceback" not in running.output()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver(secret=WHSEC).start()
    yield running
    running.stop()


def test_the_shards_spread_over_the_primaries(cluster: RedisCluster) -> None:
    node = redis.Redis(port=cluster.ports[0])
    try:
        ranges = node.execute_command("CLUSTER", "SLOTS")
    finally:
        node.close()
    owner = {}
    for low, high, primary, *_ in ranges:
        for slot in range(int(low), int(high) + 1):
            owner[slot] = int(primary[1])
    per_primary = Counter(owner[key_slot(f"{{{tag}}}".encode())] for tag in Store.shards())
    print(f"\n    16 shards over the primaries: {sorted(per_primary.values())}")
    assert len(per_primary) == 3 and min(per_primary.values()) >= 4
    store = Store(None, prefix=PREFIX)
    for tag in Store.shards():  # the stream, the due index and the retry schedule of a shard share its slot
        assert len({key_slot(k.encode()) for k in (store.stream_key(tag), store.due_key(tag), f"{PREFIX}:{{{tag}}}:retry")}) == 1


def test_a_delivery_and_an_expiry_end_to_end_on_the_cluster(server: GunicornProcess, cluster: RedisCluster,
                                                            receiver: WebhookReceiver) -> None:
    worker = WorkerProcess(cluster.url, env=ENV).start()
    try:
        made = create(server.url, views=1, notify=[{"type": "webhook", "url": receiver.url, "secret": WHSEC}])
        assert reveal(server.url, made).status_code == 200
        later = create(server.url, ttl=1, notify=[{"type": "webhook", "url": receiver.url, "secret": WHSEC}])
        wait_for(lambda: receiver.of(made.id, "secret.revealed") and receiver.of(later.id, "secret.expired"), timeout=30,
                 what="the revealed and expired events")
        assert all(r.verified for r in receiver.requests)
        wait_for(lambda: receipt(server.url, made)["deliveries"][0]["state"] == "delivered", what="the receipt")
        assert receipt(server.url, made)["deliveries"][0] == {"type": "webhook", "state": "delivered", "attempts": 1,
                                                              "last_status": "200"}
        assert worker.terminate() == 0
    finally:
        worker.stop()
    assert "Traceback" not in worker.output() and "Redis failed" not in worker.output(), worker.output()
