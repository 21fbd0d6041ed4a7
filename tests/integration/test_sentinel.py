"""burnlink behind Redis Sentinel: the store contract, and a failover followed without a restart."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
import requests
from redis.sentinel import SentinelConnectionPool

from app.store import connect
from tests.support import GunicornProcess, wait_for
from tests.support.api import assert_opens_once, create
from tests.support.sentinel import SERVICE, SentinelGroup
from tests.support.store_contract import StoreContract


@pytest.fixture(scope="module")
def group() -> Iterator[SentinelGroup]:
    running = SentinelGroup().start()
    yield running
    running.stop()


class TestStoreBehindSentinel(StoreContract):
    @pytest.fixture
    def redis_client(self, group: SentinelGroup):
        client, embedded = connect(group.url, timeout=2.0)
        assert embedded is False and isinstance(client.connection_pool, SentinelConnectionPool)
        assert client.connection_pool.service_name == SERVICE
        return client


def test_a_failover_is_followed_without_a_restart(group: SentinelGroup) -> None:
    server = GunicornProcess(group.url, workers=2, env={"BURNLINK_KEY_PREFIX": f"blsen{secrets.token_hex(3)}",
                                                        "BURNLINK_REDIS_TIMEOUT": "1.0"}).start()
    try:
        made = create(server.url, code=None)
        group.primary.cli("wait", "1", "2000")  # the secret has reached the replica before the primary dies
        old_primary = group.primary.port
        group.primary.stop()  # the primary dies; Sentinel promotes the replica
        started = time.monotonic()
        statuses: list[int] = []

        def promoted() -> bool:
            response = requests.get(f"{server.url}/readyz", timeout=5)
            statuses.append(response.status_code)
            return response.ok and "role:master" in group.replica.cli("info", "replication")

        wait_for(promoted, timeout=40, interval=0.5, what="the failover")
        print(f"\n    Sentinel failover: ready again {time.monotonic() - started:.1f}s after the primary died "
              f"(answers meanwhile: {sorted(set(statuses))}); old primary port {old_primary}")
        assert set(statuses) <= {200, 503}
        assert_opens_once(server.url, made)
        assert "Traceback" not in server.output()
    finally:
        server.stop()
