"""Two app instances (two gunicorn masters) in front of one Redis."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.integration.test_live import create
from tests.support import GunicornProcess


def test_two_instances_share_one_store(redis_url: str) -> None:
    prefix = {"BURNLINK_KEY_PREFIX": f"bltwo{secrets.token_hex(3)}"}
    first = GunicornProcess(redis_url, workers=2, env=prefix).start()
    second = GunicornProcess(redis_url, workers=2, env=prefix).start()
    try:
        made = create(first.url, views=2)
        assert requests.post(f"{second.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).ok
        for server in (first, second):
            receipt = requests.get(f"{server.url}/api/v1/secrets/{made.id}/receipt",
                                   headers={"Authorization": f"Bearer {made.token}"}, timeout=10).json()
            assert receipt["state"] == "viewed" and receipt["views_left"] == 1

        made = create(second.url)
        barrier = threading.Barrier(200)

        def one(index: int) -> int:
            server = (first, second)[index % 2]
            session = requests.Session()
            barrier.wait()
            return session.post(f"{server.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=30).status_code

        with ThreadPoolExecutor(max_workers=200) as pool:
            counts = Counter(pool.map(one, range(200)))
        print(f"\n    200 parallel reveals split over two instances: {dict(counts)}")
        assert counts == Counter({200: 1, 404: 199})
    finally:
        first.stop()
        second.stop()
