"""Faults with a real redis-server and gunicorn: kills, pauses, a full Redis, a killed worker, lost answers.

Every Redis here is private (started by the test) and every load is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict

import requests

from app import protocol as p
from tests.apihelp import create_body, made_from
from tests.support import GunicornProcess, RedisProcess, wait_for


def make(url: str, views: int = 1):
    body, sealed = create_body(p.make_payload(text="fault test"), code=None, views=views)
    response = requests.post(f"{url}/api/v1/secrets", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return made_from(sealed, response, response.json())


def test_redis_killed_and_restarted_under_load() -> None:
    store = RedisProcess(extra=("--appendonly", "yes", "--appendfsync", "always")).start()
    app = GunicornProcess(store.url, workers=2, env={"BURNLINK_REDIS_TIMEOUT": "1.0"}).start()
    statuses: Counter = Counter()
    wins: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    secrets = [make(app.url) for _ in range(40)]
    stop_at = time.monotonic() + 8

    def worker(offset: int) -> None:
        session = requests.Session()
        index = offset
        while time.monotonic() < stop_at:
            made = secrets[index % len(secrets)]
            index += 1
            try:
                response = session.post(f"{app.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10)
                create = session.post(f"{app.url}/api/v1/secrets", json=create_body(code=None)[0], timeout=10)
            except requests.RequestException:
                with lock:
                    statuses["connection error"] += 1
                continue
            with lock:
                statuses[response.status_code] += 1
                statuses[create.status_code] += 1
                if response.status_code == 200:
                    wins[made.id] += 1
                for r in (response, create):
                    if r.status_code == 503:
                        assert r.json()["code"] == "storage_unavailable" and "Retry-After" in r.headers

    threads = [threading.Thread(target=worker, args=(i * 10,)) for i in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        store.stop()  # SIGKILL mid-load
        time.sleep(2)
        store.start()
        for thread in threads:
            thread.join()
        wait_for(lambda: requests.get(app.url + "/readyz", timeout=5).ok, timeout=20, what="recovery")
        after = make(app.url)
        assert requests.post(f"{app.url}/api/v1/secrets/{after.id}/reveal", json=after.reveal_body(), timeout=10).ok
    finally:
        app.stop()
        store.stop()
    print(f"\n    Redis killed and restarted under load: {dict(statuses)}")
    assert statuses[503] > 0 and statuses[200] > 0
    assert not [s for s in statuses if isinstance(s, int) and s >= 500 and s != 503]
    assert max(wins.values()) == 1  # no secret was revealed twice


def test_redis_paused_answers_503_within_the_timeout() -> None:
    store = RedisProcess().start()
    app = GunicornProcess(store.url, workers=2, env={"BURNLINK_REDIS_TIMEOUT": "1.0"}).start()
    try:
        made = make(app.url)
        store.cli("client", "pause", "4000", "all")
        durations, results = [], []

        def one() -> None:
            started = time.perf_counter()
            response = requests.post(f"{app.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=20)
            durations.append(time.perf_counter() - started)
            results.append(response.status_code)

        threads = [threading.Thread(target=one) for _ in range(6)]
        for thread in threads:
            thread.start()
        assert requests.get(app.url + "/healthz", timeout=5).status_code == 200  # the process itself still answers
        for thread in threads:
            thread.join()
        print(f"\n    Redis paused: {Counter(results)}, slowest {max(durations):.2f}s with a 1.0s socket timeout")
        assert set(results) == {503}
        assert max(durations) < 3.0
        wait_for(lambda: requests.get(app.url + "/readyz", timeout=5).ok, timeout=20, what="the pause to end")
        # The secret was never spent by the timed-out calls.
        assert requests.post(f"{app.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).status_code == 200
    finally:
        app.stop()
        store.stop()


def test_a_full_redis_refuses_new_secrets_and_keeps_old_ones() -> None:
    store = RedisProcess(extra=("--maxmemory", "3mb", "--maxmemory-policy", "noeviction")).start()
    app = GunicornProcess(store.url, workers=1).start()
    try:
        kept = [make(app.url) for _ in range(3)]
        big = create_body(p.make_payload(text="x" * 200_000), code=None)[0]
        statuses = Counter()
        for _ in range(60):
            response = requests.post(f"{app.url}/api/v1/secrets", json=big, timeout=10)
            statuses[response.status_code] += 1
            if response.status_code == 503:
                assert response.json()["code"] == "storage_unavailable"
                break
        print(f"\n    filling a 3 MB noeviction Redis: {dict(statuses)}")
        assert statuses[503] == 1 and 500 not in statuses
        for made in kept:
            assert requests.post(f"{app.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).ok
    finally:
        app.stop()
        store.stop()


def worker_pids(app: GunicornProcess) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(app.proc.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def test_a_killed_worker_leaves_the_store_consistent(redis_url: str) -> None:
    app = GunicornProcess(redis_url, workers=2, env={"BURNLINK_KEY_PREFIX": "blkill"}).start()
    try:
        batch = [make(app.url, views=3) for _ in range(20)]
        seen: Counter = Counter()
        lock = threading.Lock()

        def reader(items) -> None:
            session = requests.Session()
            for made in items:
                for _ in range(4):
                    try:
                        response = session.post(f"{app.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10)
                    except requests.RequestException:
                        continue  # the killed worker's connections
                    assert response.status_code in (200, 404), response.text
                    if response.status_code == 200:
                        with lock:
                            seen[made.id] += 1

        threads = [threading.Thread(target=reader, args=(batch[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        workers = worker_pids(app)
        os.kill(workers[0], signal.SIGKILL)
        for thread in threads:
            thread.join()
        wait_for(lambda: len(worker_pids(app)) == 2 and workers[0] not in worker_pids(app), timeout=20, what="a new worker")
        for made in batch:
            receipt = requests.get(f"{app.url}/api/v1/secrets/{made.id}/receipt",
                                   headers={"Authorization": f"Bearer {made.token}"}, timeout=10).json()
            spent = 3 - receipt["views_left"]
            assert len(receipt["viewed_at"]) == spent  # every spent view is in the receipt
            assert seen[made.id] <= spent  # nobody got more than was spent (a lost answer is the difference)
        print(f"\n    killed worker {workers[0]}: {sum(seen.values())} answers seen, {3 * len(batch)} views offered")
    finally:
        app.stop()


def test_a_lost_answer_still_shows_in_the_receipt(redis_url: str, live_server: GunicornProcess) -> None:
    made = make(live_server.url)
    body = json.dumps({"link": made.link, "auth": made.auth}).encode()
    request = (f"POST /api/v1/secrets/{made.id}/reveal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_RD)  # the recipient's network drops before the answer arrives
    receipt = {}

    def viewed() -> bool:
        receipt.update(requests.get(f"{live_server.url}/api/v1/secrets/{made.id}/receipt",
                                    headers={"Authorization": f"Bearer {made.token}"}, timeout=10).json())
        return receipt["state"] == "viewed"

    wait_for(viewed, timeout=10, what="the receipt to show the view")
    assert len(receipt["viewed_at"]) == 1
    assert requests.post(f"{live_server.url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10).status_code == 404
