"""burnlink on a real 3-primary Redis Cluster: the store contract, the API through gunicorn, exactly-once.

One cluster for the module (tests/support/cluster.py); the app reaches it the way production does,
``REDIS_URL=redis+cluster://127.0.0.1:PORT`` through :func:`app.store.connect`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
import requests
from redis.cluster import RedisCluster as ClusterClient

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.store import Store, connect
from tests.support import GunicornProcess
from tests.support.accounts_contract import AccountsContract
from tests.support.api import create, race_for_views, receipt
from tests.support.cluster import RedisCluster
from tests.support.request_contract import RequestContract
from tests.support.store_contract import StoreContract

PREFIX = f"blcl{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def cluster_server(cluster: RedisCluster) -> Iterator[GunicornProcess]:
    """The production entry point (gunicorn, 4 workers) with REDIS_URL=redis+cluster://…"""
    server = GunicornProcess(cluster.url, workers=4, env={"BURNLINK_KEY_PREFIX": PREFIX}).start()
    yield server
    server.stop()
    assert "Traceback" not in server.output()


def cluster_client(cluster: RedisCluster) -> ClusterClient:
    """A client made exactly as the app makes it from its REDIS_URL."""
    client, embedded = connect(cluster.url, timeout=2.0)
    assert not embedded and isinstance(client, ClusterClient)
    return client


class TestStoreOnCluster(StoreContract):
    """The whole store contract, on a RedisCluster client."""

    @pytest.fixture
    def redis_client(self, cluster: RedisCluster) -> Iterator[ClusterClient]:
        client = cluster_client(cluster)
        yield client
        client.close()


class TestRequestsOnCluster(RequestContract):
    """The whole request store contract, on a RedisCluster client."""

    @pytest.fixture
    def redis_client(self, cluster: RedisCluster) -> Iterator[ClusterClient]:
        client = cluster_client(cluster)
        yield client
        client.close()


class TestAccountsOnCluster(AccountsContract):
    """The whole accounts contract (sessions, API tokens, creator indexes), on a RedisCluster client."""

    @pytest.fixture
    def redis_client(self, cluster: RedisCluster) -> Iterator[ClusterClient]:
        client = cluster_client(cluster)
        yield client
        client.close()


def test_the_cluster_client_never_retries_a_command(cluster: RedisCluster) -> None:
    """A retried reveal whose first answer was lost could spend a second view; connect() turns retries off."""
    client = cluster_client(cluster)
    try:
        assert client.retry.get_retries() == 0
        assert len(client.get_primaries()) == 3
    finally:
        client.close()


def test_secrets_spread_over_the_nodes_and_keep_their_keys_together(cluster: RedisCluster) -> None:
    client = cluster_client(cluster)
    store = Store(client, prefix=f"blspread{secrets.token_hex(3)}")
    expected: dict[int, set[bytes]] = {port: set() for port in cluster.ports}
    try:
        for _ in range(30):
            sid = store.create(b"x" * 64, b"l" * 32, b"a" * 32, ttl=60, views=1, has_code=False).id
            secret_key, receipt_key = store.keys(sid)
            node = client.get_node_from_key(secret_key)
            assert client.get_node_from_key(receipt_key) == node
            slot = client.keyslot(secret_key)
            assert client.keyslot(receipt_key) == slot
            expected[node.port] |= {secret_key.encode(), receipt_key.encode()}
    finally:
        client.close()
    # Ask each node itself what it holds: the keys really are where the slot map says.
    for port in cluster.ports:
        node = redis.Redis(host="127.0.0.1", port=port)
        held = set(node.scan_iter(match=f"{store.prefix}:*", count=1000))
        for key in held:
            assert node.execute_command("CLUSTER", "COUNTKEYSINSLOT", node.execute_command("CLUSTER", "KEYSLOT", key)) >= 1
        node.close()
        assert held == expected[port]
    holding = [port for port, keys in expected.items() if keys]
    print(f"\n    30 secrets over the primaries: {[len(expected[p]) // 2 for p in cluster.ports]}")
    assert len(holding) >= 2


def test_api_through_gunicorn_on_the_cluster(cluster_server: GunicornProcess) -> None:
    base_url = cluster_server.url
    made = create(base_url, views=2)
    base = f"{base_url}/api/v1/secrets/{made.id}"
    auth = {"Authorization": f"Bearer {made.token}"}
    meta = requests.get(base, headers={"X-Burnlink-Link": made.link}, timeout=10)
    assert meta.status_code == 200 and meta.json()["views_left"] == 2 and meta.json()["has_code"] is True
    assert receipt(base_url, made)["state"] == "waiting"
    wrong = requests.post(f"{base}/reveal", json=made.reveal_body(p.b64u_encode(b"w" * 32)), timeout=10)
    assert wrong.status_code == 403 and wrong.json()["attempts_left"] == 4
    opened = requests.post(f"{base}/reveal", json=made.reveal_body(), timeout=10).json()
    assert opened["views_left"] == 1
    assert payloads.open_blob(p.b64u_decode(opened["ciphertext"]), made.key, made.code)["text"] == "the one secret"
    seen = receipt(base_url, made)
    assert seen["state"] == "viewed" and seen["views_left"] == 1 and len(seen["viewed_at"]) == 1
    assert requests.delete(base, headers=auth, timeout=10).status_code == 204
    assert requests.post(f"{base}/reveal", json=made.reveal_body(), timeout=10).status_code == 404
    assert receipt(base_url, made)["state"] == "burned"

    curl = requests.post(f"{base_url}/api/v1/secrets?access_code=1", data="on a cluster",
                         headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10)
    assert curl.status_code == 201
    parsed = links.parse_link(curl.json()["link"])
    reveal_url = f"{base_url}/api/v1/secrets/{parsed.secret_id}/reveal"
    form = {"key": p.b64u_encode(parsed.key), "access_code": curl.json()["access_code"]}
    opened_by_curl = requests.post(reveal_url, data=form, timeout=10)
    assert opened_by_curl.status_code == 200 and opened_by_curl.text == "on a cluster"
    assert requests.post(reveal_url, data=form, timeout=10).status_code == 404
    assert requests.get(f"{base_url}/readyz", timeout=10).json()["storage"] == "redis"


def test_200_parallel_reveals_of_a_one_view_secret_on_the_cluster(cluster_server: GunicornProcess) -> None:
    counts, _ = race_for_views(cluster_server.url, views=1, readers=200)
    print(f"\n    cluster, 200 parallel reveals of a 1-view secret: {dict(counts)}")
    assert not [status for status in counts if status >= 500]
    assert counts == Counter({200: 1, 404: 199})


def test_a_three_view_secret_read_by_50_clients_on_the_cluster(cluster_server: GunicornProcess) -> None:
    counts, _ = race_for_views(cluster_server.url, views=3, readers=50)
    print(f"\n    cluster, 3-view secret, 50 parallel readers: {dict(counts)}")
    assert counts == Counter({200: 3, 404: 47})


def test_rate_limits_are_counted_on_the_cluster(cluster: RedisCluster) -> None:
    from app.core.config import load_config
    from app.server import create_app

    app = create_app(load_config({"BURNLINK_ENV": "testing", "SECRET_KEY": "k", "REDIS_URL": cluster.url,
                                  "BURNLINK_RATE_CREATE": "2/minute", "BURNLINK_KEY_PREFIX": f"blrlc{secrets.token_hex(3)}"}))
    client = app.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
