"""burnlink on a real 3-primary Redis Cluster: the store contract, the API and exactly-once."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
from redis.cluster import RedisCluster as ClusterClient

from app import protocol as p
from tests.cluster import RedisCluster
from tests.integration.test_live import create, storm
from tests.store_contract import StoreContract
from tests.support import GunicornProcess


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisCluster]:
    running = RedisCluster().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def cluster_server(cluster: RedisCluster) -> Iterator[GunicornProcess]:
    server = GunicornProcess(cluster.url, workers=4, env={"BURNLINK_KEY_PREFIX": f"blcl{secrets.token_hex(3)}"}).start()
    yield server
    server.stop()


class TestStoreOnCluster(StoreContract):
    @pytest.fixture
    def redis_client(self, cluster: RedisCluster) -> Iterator[ClusterClient]:
        client = ClusterClient(host="127.0.0.1", port=cluster.nodes[0].port)
        yield client
        client.close()


def test_secrets_spread_over_the_nodes_and_keep_their_keys_together(cluster: RedisCluster) -> None:
    from app.store import Store

    client = ClusterClient(host="127.0.0.1", port=cluster.nodes[0].port)
    store = Store(client, prefix="blspread")
    owners = Counter()
    for _ in range(30):
        sid = store.create(b"x" * 64, b"l" * 32, b"a" * 32, ttl=60, views=1, has_code=False).id
        secret_key, receipt_key = store.keys(sid)
        node = client.get_node_from_key(secret_key)
        assert node == client.get_node_from_key(receipt_key)
        owners[node.port] += 1
    client.close()
    assert len(owners) >= 2


def test_api_through_gunicorn_on_the_cluster(cluster_server: GunicornProcess) -> None:
    made = create(cluster_server.url, views=2)
    base = f"{cluster_server.url}/api/v1/secrets/{made.id}"
    assert requests.get(base, headers={"X-Burnlink-Link": made.link}, timeout=10).json()["views_left"] == 2
    wrong = requests.post(f"{base}/reveal", json=made.reveal_body(p.b64u_encode(b"w" * 32)), timeout=10)
    assert wrong.status_code == 403 and wrong.json()["attempts_left"] == 4
    assert requests.post(f"{base}/reveal", json=made.reveal_body(), timeout=10).json()["views_left"] == 1
    receipt = requests.get(f"{base}/receipt", headers={"Authorization": f"Bearer {made.token}"}, timeout=10).json()
    assert receipt["state"] == "viewed"
    assert requests.delete(base, headers={"Authorization": f"Bearer {made.token}"}, timeout=10).status_code == 204
    assert requests.post(f"{base}/reveal", json=made.reveal_body(), timeout=10).status_code == 404
    curl = requests.post(f"{cluster_server.url}/api/v1/secrets?access_code=1", data="on a cluster",
                         headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10).json()
    parsed = p.parse_link(curl["link"])
    opened = requests.post(f"{cluster_server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                           data={"key": p.b64u_encode(parsed.key), "access_code": curl["access_code"]}, timeout=10)
    assert opened.text == "on a cluster"
    assert requests.get(f"{cluster_server.url}/readyz", timeout=10).json()["storage"] == "redis"


def test_exactly_once_on_the_cluster(cluster_server: GunicornProcess) -> None:
    made = create(cluster_server.url)
    counts = storm(f"{cluster_server.url}/api/v1/secrets/{made.id}/reveal", [made.reveal_body()] * 200)
    print(f"\n    cluster, 200 parallel reveals of a 1-view secret: {dict(counts)}")
    assert counts == Counter({200: 1, 404: 199})
    made = create(cluster_server.url, views=3)
    counts = storm(f"{cluster_server.url}/api/v1/secrets/{made.id}/reveal", [made.reveal_body()] * 50)
    print(f"    cluster, 3-view secret, 50 parallel readers: {dict(counts)}")
    assert counts == Counter({200: 3, 404: 47})


def test_rate_limits_are_counted_on_the_cluster(cluster: RedisCluster) -> None:
    from app import create_app, load_config

    app = create_app(load_config({"SECRET_KEY": "k", "REDIS_URL": cluster.url, "BURNLINK_RATE_CREATE": "2/minute",
                                  "BURNLINK_KEY_PREFIX": f"blrlc{secrets.token_hex(3)}"}))
    client = app.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
