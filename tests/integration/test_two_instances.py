"""Two app instances (two gunicorn masters on different ports) in front of one real Redis.

What a load balancer in front of several hosts relies on: the instances share nothing but
Redis and SECRET_KEY (GunicornProcess gives every instance the same fixed key).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support import GunicornProcess
from tests.support.api import create, receipt

Pair = tuple[GunicornProcess, GunicornProcess]


@pytest.fixture(scope="module")
def pair(redis_url: str) -> Iterator[Pair]:
    env = {"BURNLINK_KEY_PREFIX": f"bltwo{secrets.token_hex(3)}"}
    first = GunicornProcess(redis_url, workers=2, env=env).start()
    try:
        second = GunicornProcess(redis_url, workers=2, env=env).start()
    except BaseException:
        first.stop()
        raise
    assert first.port != second.port
    yield first, second
    first.stop()
    second.stop()
    assert "Traceback" not in first.output() + second.output()


@pytest.mark.parametrize("maker", [0, 1], ids=["made-on-first", "made-on-second"])
def test_a_secret_made_on_one_instance_opens_on_the_other(pair: Pair, maker: int) -> None:
    made_on, read_on = pair[maker], pair[1 - maker]
    made = create(made_on.url, views=2)
    meta = requests.get(f"{read_on.url}/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}, timeout=10)
    assert meta.status_code == 200 and meta.json()["views_left"] == 2
    opened = requests.post(f"{read_on.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10)
    assert opened.status_code == 200 and opened.json()["views_left"] == 1
    for server in pair:  # the manage token, signed by one instance, is good on either
        seen = receipt(server.url, made)
        assert seen["state"] == "viewed" and seen["views_left"] == 1 and len(seen["viewed_at"]) == 1
    burned = requests.delete(f"{read_on.url}/api/v1/secrets/{made.id}", headers={"Authorization": f"Bearer {made.token}"},
                             timeout=10)
    assert burned.status_code == 204
    assert requests.post(f"{made_on.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).status_code == 404
    assert receipt(made_on.url, made)["state"] == "burned"


def test_200_parallel_reveals_split_over_both_instances(pair: Pair) -> None:
    made = create(pair[1].url)
    barrier = threading.Barrier(200)

    def one(index: int) -> tuple[int, int]:
        server = pair[index % 2]
        session = requests.Session()
        barrier.wait()
        return index % 2, session.post(f"{server.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(),
                                       timeout=30).status_code

    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(one, range(200)))
    counts = Counter(status for _, status in answers)
    print(f"\n    200 parallel reveals split over two instances: {dict(counts)} "
          f"(the success came from instance {[i for i, s in answers if s == 200]})")
    assert counts == Counter({200: 1, 404: 199})
    seen = receipt(pair[0].url, made)
    assert seen["state"] == "viewed" and seen["views_left"] == 0 and len(seen["viewed_at"]) == 1
