"""The API through real gunicorn and a real redis-server: concurrency, expiry, outages, attackers.

Each test prints a one-line figure (run with ``-s`` to see them); they are
facts about behaviour, never timing assertions.
"""

from __future__ import annotations

import secrets
import socket
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
import requests

from app.core import protocol as p
from tests.support import GunicornProcess, RedisProcess, secret_keys, wait_for
from tests.support.api import assert_opens_once, create, create_body, race_for_views, receipt, storm

PREFIX = f"bllive{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[GunicornProcess]:
    """gunicorn with 4 workers, so parallel requests race in separate processes; short TTLs allowed for the expiry test."""
    gunicorn = GunicornProcess(redis_url, workers=4,
                               env={"BURNLINK_TTL_MIN": "1", "BURNLINK_KEY_PREFIX": PREFIX}).start()
    yield gunicorn
    gunicorn.stop()


def test_a_200_parallel_reveals_of_a_one_view_secret(server: GunicornProcess) -> None:
    counts, seconds = race_for_views(server.url, views=1, readers=200)
    print(f"\n(a) 200 parallel reveals, 4 workers: {dict(counts)} in {seconds:.2f}s")
    assert counts == Counter({200: 1, 404: 199})


def test_b_a_three_view_secret_read_by_50_clients(server: GunicornProcess) -> None:
    counts, _ = race_for_views(server.url, views=3, readers=50)
    print(f"\n(b) 3-view secret, 50 parallel readers: {dict(counts)}")
    assert counts == Counter({200: 3, 404: 47})


def test_parallel_wrong_codes_cannot_pass_the_limit(server: GunicornProcess) -> None:
    made = create(server.url)
    wrong = made.reveal_body(p.b64u_encode(b"w" * 32))
    counts = storm(f"{server.url}/api/v1/secrets/{made.id}/reveal", [wrong] * 40)
    print(f"\n    40 parallel wrong codes: {dict(counts)}")
    assert counts == Counter({403: 5, 404: 35})


def test_c_ttl_expiry_on_real_redis(server: GunicornProcess) -> None:
    made = create(server.url, ttl=1)
    assert receipt(server.url, made)["state"] == "waiting"
    started = time.monotonic()
    # Probe with the metadata call: it consumes nothing and counts no try.
    wait_for(lambda: requests.get(f"{server.url}/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link},
                                  timeout=10).status_code == 404, timeout=10, what="expiry")
    print(f"\n(c) a 1 s secret was gone {time.monotonic() - started:.2f}s after the first check")
    assert requests.post(f"{server.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).status_code == 404
    seen = receipt(server.url, made)
    assert seen["state"] == "expired" and seen["views_left"] == 0


def test_e_knowing_only_the_id_opens_nothing_and_spends_nothing(server: GunicornProcess, redis_url: str) -> None:
    made = create(server.url, views=1)
    url = f"{server.url}/api/v1/secrets/{made.id}/reveal"
    guesses = [{"link": p.b64u_encode(secrets.token_bytes(32)), "auth": p.b64u_encode(secrets.token_bytes(32))} for _ in range(100)]
    counts = storm(url, guesses)
    print(f"\n(e) 100 reveals with made-up proofs: {dict(counts)}")
    assert counts == Counter({404: 100})
    client = redis.Redis.from_url(redis_url)
    stored = client.hgetall(secret_keys(PREFIX, made.id)[1])
    assert stored[b"n"] == b"1" and stored[b"f"] == b"0" and stored[b"s"] == b"waiting"
    assert_opens_once(server.url, made)


def test_body_over_the_limit_is_refused_before_it_is_read(server: GunicornProcess) -> None:
    """413 arrives while the client still has ~50 MiB to send."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/secrets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 52428800\r\n\r\n" + b"{" * 1024)
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < _content_length(reply):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"application/problem+json" in reply and b"too_large" in reply


def _content_length(reply: bytes) -> int:
    for line in reply.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def test_d_redis_stopped_mid_run() -> None:
    """503 while Redis is down (bounded by the socket timeout), recovery without a restart."""
    store = RedisProcess(extra=("--appendonly", "yes", "--appendfsync", "always")).start()
    app = GunicornProcess(store.url, workers=2, env={"BURNLINK_REDIS_TIMEOUT": "1.0"}).start()
    try:
        before = [create(app.url, code=None) for _ in range(3)]
        store.stop()  # SIGKILL: nothing graceful
        statuses, slowest = Counter(), 0.0
        for _ in range(5):
            for method, path, body in [("get", "/readyz", None), ("post", "/api/v1/secrets", create_body(code=None)[0]),
                                       ("post", f"/api/v1/secrets/{before[0].id}/reveal", before[0].reveal_body())]:
                started = time.perf_counter()
                response = requests.request(method, app.url + path, json=body, timeout=10)
                slowest = max(slowest, time.perf_counter() - started)
                statuses[response.status_code] += 1
                assert response.status_code == 503, response.text
                assert response.json()["code"] == "storage_unavailable" and "Retry-After" in response.headers
        print(f"\n(d) Redis down: {dict(statuses)}, slowest answer {slowest:.3f}s (socket timeout 1.0s)")
        assert slowest < 3.0  # bounded by the 1 s socket timeout (plus slack), i.e. no hang
        store.start()  # same port, same AOF
        started = time.perf_counter()
        wait_for(lambda: requests.get(app.url + "/readyz", timeout=5).status_code == 200, timeout=20, what="recovery")
        print(f"    ready again {time.perf_counter() - started:.2f}s after Redis came back, no restart")
        for made in before:
            assert_opens_once(app.url, made)
        assert "Traceback" not in app.output()
    finally:
        app.stop()
        store.stop()
