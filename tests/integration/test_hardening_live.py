"""Rate limits, metrics and logs through real gunicorn and Redis, where several workers share them."""

from __future__ import annotations

import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from tests.support import GunicornProcess
from tests.support.api import post_secret, receipt, reveal


def test_rate_limits_hold_across_workers(redis_url: str) -> None:
    """Four workers, one limit: the counter lives in Redis, not in a worker."""
    server = GunicornProcess(redis_url, workers=4, env={
        "BURNLINK_RATE_LIMITS": "1", "BURNLINK_RATE_CREATE": "10/minute",
        "BURNLINK_KEY_PREFIX": f"blrl{secrets.token_hex(3)}"}).start()
    try:
        def create(_: int) -> int:
            return requests.post(f"{server.url}/api/v1/secrets", data="x", headers={"Content-Type": "text/plain"},
                                 timeout=10).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            counts = Counter(pool.map(create, range(30)))
        print(f"\n    30 creations against a 10/minute limit over 4 workers: {dict(counts)}")
        assert counts == Counter({201: 10, 429: 20})
        limited = requests.post(f"{server.url}/api/v1/secrets", data="x", headers={"Content-Type": "text/plain"}, timeout=10)
        assert limited.headers["Content-Type"] == "application/problem+json" and int(limited.headers["Retry-After"]) > 0
    finally:
        server.stop()


def test_metrics_sum_all_workers_and_logs_hold_no_secret(redis_url: str) -> None:
    server = GunicornProcess(redis_url, workers=3, env={
        "BURNLINK_METRICS": "1", "BURNLINK_KEY_PREFIX": f"blmx{secrets.token_hex(3)}"}).start()
    try:
        plaintext = "s3cret-" + secrets.token_hex(8)
        made_list, leaks = [], []
        for _ in range(6):
            made, _ = post_secret(server.url, payloads.make_payload(text=plaintext), code="QW3RT-Y9P2Z")
            made_list.append(made)
            assert reveal(server.url, made).status_code == 200
            assert receipt(server.url, made)["state"] == "viewed"
            leaks += [p.b64u_encode(made.key), made.link, made.auth, made.token, made.id]
        curl = requests.post(f"{server.url}/api/v1/secrets?access_code=1", data=plaintext,
                             headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10).json()
        parsed = links.parse_link(curl["link"])
        opened = requests.post(f"{server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                               data={"key": p.b64u_encode(parsed.key), "access_code": curl["access_code"]}, timeout=10)
        assert opened.text == plaintext
        requests.delete(f"{server.url}/api/v1/secrets/{parsed.secret_id}",
                        headers={"Authorization": f"Bearer {curl['manage_token']}"}, timeout=10)
        leaks += [plaintext, "QW3RT-Y9P2Z", "QW3RTY9P2Z", curl["access_code"], curl["manage_token"], p.b64u_encode(parsed.key)]

        text = requests.get(f"{server.url}/metrics", timeout=10).text
        created = [line for line in text.splitlines() if line.startswith('burnlink_events_total{event="created"}')]
        revealed = [line for line in text.splitlines() if line.startswith('burnlink_events_total{event="revealed"}')]
        assert created and float(created[0].split()[-1]) == 7
        assert revealed and float(revealed[0].split()[-1]) == 7
        output = server.output()
    finally:
        server.stop()
    assert '"route": "/api/v1/secrets/<sid>/reveal"' in output  # the JSON access log is there
    for value in leaks:
        assert value not in output
