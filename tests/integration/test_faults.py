"""Faults with a real redis-server and a real gunicorn: Redis killed under load, paused, full; a worker
killed mid-reveal; an answer lost after its view was spent.

Every Redis here is private (started by the test on a free port) and every load is bounded in
threads, requests and seconds. Client threads never assert: they record what they saw and the
test judges it afterwards, so a failure in a thread cannot go unnoticed. Each test prints its
figures (run with ``pytest -s``).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from app.core import payload as payloads
from app.core import protocol as p
from tests.support import GunicornProcess, RedisProcess, secret_keys, wait_for
from tests.support.api import Made, create_body, made_from, post_secret, receipt, reveal

PREFIX = "blfault"
ENV = {"BURNLINK_REDIS_TIMEOUT": "1.0", "BURNLINK_KEY_PREFIX": PREFIX}


# --- what every fault test makes and judges ---------------------------------------------------


def make(url: str, views: int = 1, code: str | None = None, text: str = "fault test") -> tuple[Made, p.Sealed]:
    """A text secret without an access code unless given one (no PBKDF2: fast); asserts 201."""
    return post_secret(url, payloads.make_payload(text=text), code, views=views)


def problem_of(response: requests.Response) -> str | None:
    """What is wrong with a 503 (None when it is the documented storage_unavailable problem)."""
    if response.headers.get("Content-Type") != "application/problem+json":
        return f"503 as {response.headers.get('Content-Type')}"
    body = response.json()
    if body.get("code") != "storage_unavailable" or body.get("status") != 503:
        return f"503 with {body}"
    if not response.headers.get("Retry-After", "").isdigit():
        return "503 without Retry-After"
    return None


def iso_to_epoch(text: str) -> int:
    return int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone)


@dataclass
class Record:
    """What the client threads saw, judged by the test thread afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def bad(self, what: str) -> None:
        with self.lock:
            if len(self.problems) < 20:
                self.problems.append(what)


@pytest.fixture
def private_redis() -> Iterator[RedisProcess]:
    store = RedisProcess().start()
    yield store
    store.stop()
    shutil.rmtree(store.workdir, ignore_errors=True)


# --- 1. Redis killed with SIGKILL and restarted under load --------------------------------


def test_redis_killed_and_restarted_under_load() -> None:
    """4 threads create and reveal for ~6 s; Redis is SIGKILLed at 2 s and back (same port, AOF) at 4 s.

    While it is down every answer is 503 storage_unavailable; no secret is ever revealed twice; no
    acknowledged secret is lost (AOF, fsync always); the service recovers without a restart.
    """
    store = RedisProcess(extra=("--appendonly", "yes", "--appendfsync", "always")).start()
    app = GunicornProcess(store.url, workers=2, env=ENV).start()
    master = app.proc.pid
    rec = Record()
    pool: list[tuple[Made, p.Sealed]] = [make(app.url) for _ in range(20)]  # made before the outage
    wins: Counter = Counter()  # secret id -> 200 answers to its reveals
    unsure: set[str] = set()  # ids with a reveal whose outcome the client could not know (503)
    down = {"from": float("inf"), "until": float("inf"), "back": float("inf")}
    first_success_after_back: list[float] = []
    cap, stop_at = 600, time.monotonic() + 6.0  # creates are paced (one per 40 ms per thread), so the cap is a backstop

    def judge(kind: str, started: float, response: requests.Response) -> None:
        ended = time.monotonic()
        with rec.lock:
            rec.statuses[(kind, response.status_code)] += 1
        allowed = {"create": {201, 503}, "reveal": {200, 404, 503}}[kind]
        if response.status_code not in allowed:
            rec.bad(f"{kind}: {response.status_code} {response.text[:200]}")
        if response.status_code == 503 and (why := problem_of(response)):
            rec.bad(f"{kind}: {why}")
        if down["from"] < started and ended < down["until"] and response.status_code != 503:
            rec.bad(f"{kind}: {response.status_code} while Redis was down")
        if response.status_code < 300 and started > down["back"]:
            with rec.lock:
                first_success_after_back.append(ended)

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        session = requests.Session()
        next_create = 0.0
        while time.monotonic() < stop_at:
            try:
                if len(pool) < cap and time.monotonic() >= next_create:
                    next_create = time.monotonic() + 0.04
                    body, sealed = create_body(payloads.make_payload(text=f"load {seed}"), code=None)
                    started = time.monotonic()
                    response = session.post(f"{app.url}/api/v1/secrets", json=body, timeout=10)
                    judge("create", started, response)
                    if response.status_code == 201:
                        with rec.lock:
                            pool.append((made_from(sealed, response, response.json()), sealed))
                # A recent secret, so that several threads race for the same one.
                made, sealed = rnd.choice(pool[-8:] if rnd.random() < 0.7 else pool)
                started = time.monotonic()
                response = reveal(app.url, made, session)
                judge("reveal", started, response)
                if response.status_code == 200:
                    if p.b64u_decode(response.json()["ciphertext"]) != sealed.blob:
                        rec.bad(f"reveal of {made.id} gave another ciphertext")
                    with rec.lock:
                        wins[made.id] += 1
                elif response.status_code == 503:
                    with rec.lock:
                        unsure.add(made.id)
            except requests.RequestException as exc:  # gunicorn itself never went away
                rec.bad(f"client error {type(exc).__name__}: {exc}")
                time.sleep(0.05)
            time.sleep(0.01)  # bounded load: about 100 requests a second per thread at most

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        down["from"] = time.monotonic()
        store.stop()  # SIGKILL mid-load
        time.sleep(0.5)
        during = {path: requests.get(app.url + path, timeout=10) for path in ("/healthz", "/readyz")}
        time.sleep(1.5)
        down["until"] = time.monotonic()
        store.start()  # same port, same directory: the AOF is replayed
        down["back"] = time.monotonic()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)

        recovered = min(first_success_after_back, default=float("inf")) - down["back"]
        # Every acknowledged secret is still there and was revealed at most once, over the load and a last sweep.
        lost_answers = 0
        for made, sealed in pool:
            response = reveal(app.url, made)
            assert response.status_code in (200, 404), response.text
            if response.status_code == 200:  # AOF replayed it intact
                assert p.b64u_decode(response.json()["ciphertext"]) == sealed.blob
            total = wins[made.id] + (response.status_code == 200)
            state = receipt(app.url, made)
            assert total <= 1, f"{made.id} revealed {total} times"
            assert state["state"] == "viewed" and state["views_left"] == 0 and len(state["viewed_at"]) == 1, state
            if total == 0:  # the view was spent but its answer never arrived: only where the client saw a 503
                assert made.id in unsure, f"{made.id} was spent without any reveal answering 200 or 503"
                lost_answers += 1
        assert app.proc.poll() is None and app.proc.pid == master  # no restart
    finally:
        for thread in threads:
            thread.join(timeout=30)
        app.stop()
        store.stop()
        shutil.rmtree(store.workdir, ignore_errors=True)
    print(f"\n    Redis SIGKILLed for {down['until'] - down['from']:.1f}s under 4 threads: "
          f"{dict(sorted(rec.statuses.items()))}; {len(pool)} secrets, {sum(wins.values())} revealed during the load, "
          f"{lost_answers} views spent whose answer was a 503; first success {recovered:.2f}s after Redis was back")
    assert not rec.problems, rec.problems
    assert during["/healthz"].status_code == 200
    assert during["/readyz"].status_code == 503 and problem_of(during["/readyz"]) is None
    assert rec.statuses[("create", 503)] > 0 and rec.statuses[("reveal", 503)] > 0  # the outage was hit
    assert rec.statuses[("create", 201)] > 0 and rec.statuses[("reveal", 200)] > 0
    assert recovered < 5.0, f"no success within 5 s of Redis coming back ({recovered:.2f}s)"


# --- 2. Redis paused -----------------------------------------------------------------------


def test_redis_paused_answers_503_within_the_timeout(private_redis: RedisProcess) -> None:
    """CLIENT PAUSE 5000 ALL while 4 threads keep sending: each request ends in about the 1 s socket
    timeout with 503 instead of holding a worker; /healthz answers throughout; nothing was spent."""
    app = GunicornProcess(private_redis.url, workers=2, env=ENV).start()
    rec = Record()
    timings: list[tuple[str, float, float, int]] = []  # (operation, started, ended, status)
    targets = [make(app.url)[0] for _ in range(40)]
    spare, _ = make(app.url)
    health: list[tuple[int, float]] = []
    reveals: list[tuple[str, int]] = []  # (secret id, status)
    try:
        paused_at = time.monotonic()
        private_redis.cli("CLIENT", "PAUSE", "5000", "ALL")
        started_pause = time.monotonic()
        ends = paused_at + 5.0
        last_start = ends - 1.5  # leave each request time to end inside the pause

        def worker(n: int) -> None:
            session = requests.Session()
            ops = 0
            while time.monotonic() < last_start:
                made = targets[(n * 10 + ops) % len(targets)]
                kind = ("reveal", "create", "metadata", "receipt")[ops % 4]
                ops += 1
                started = time.monotonic()
                try:
                    if kind == "reveal":
                        response = reveal(app.url, made, session)
                    elif kind == "create":
                        response = session.post(f"{app.url}/api/v1/secrets", json=create_body(code=None)[0], timeout=10)
                    elif kind == "metadata":
                        response = session.get(f"{app.url}/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link},
                                               timeout=10)
                    else:
                        response = session.get(f"{app.url}/api/v1/secrets/{made.id}/receipt",
                                               headers={"Authorization": f"Bearer {made.token}"}, timeout=10)
                except requests.RequestException as exc:
                    rec.bad(f"{kind}: client error {exc}")
                    continue
                with rec.lock:
                    timings.append((kind, started, time.monotonic(), response.status_code))
                    if kind == "reveal":
                        reveals.append((made.id, response.status_code))
                if response.status_code == 503 and (why := problem_of(response)):
                    rec.bad(f"{kind}: {why}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while time.monotonic() < last_start:
            started = time.monotonic()
            health.append((requests.get(app.url + "/healthz", timeout=10).status_code, time.monotonic() - started))
            time.sleep(0.4)
        for thread in threads:
            thread.join(timeout=30)
        ready_wait = time.monotonic()
        wait_for(lambda: requests.get(app.url + "/readyz", timeout=5).status_code == 200, timeout=10, what="the pause to end")
        answered_after = time.monotonic() - max(ends, ready_wait)
        # The timed-out reveals spent nothing: Redis drops a paused command whose client has hung up.
        answered = {made_id for made_id, status in reveals if status == 200}
        timed_out = {made_id for made_id, status in reveals if status == 503} - answered
        for made in targets:
            if made.id in timed_out:
                state = receipt(app.url, made)
                assert state["state"] == "waiting" and state["views_left"] == 1, state
        assert reveal(app.url, spare).status_code == 200
        assert not any(thread.is_alive() for thread in threads)
    finally:
        app.stop()
    inside = [t for t in timings if t[1] >= started_pause and t[2] < ends - 0.1]
    durations = [t[2] - t[1] for t in timings]
    by_kind = Counter((kind, status) for kind, _, _, status in timings)
    print(f"\n    Redis paused 5 s, 1.0 s socket timeout, 4 threads: {len(timings)} requests {dict(sorted(by_kind.items()))}; "
          f"slowest {max(durations):.2f}s, median {sorted(durations)[len(durations) // 2]:.2f}s; /healthz {len(health)}x "
          f"{Counter(s for s, _ in health)}, slowest {max(d for _, d in health):.3f}s; ready {answered_after:.2f}s after the pause")
    assert not rec.problems, rec.problems
    assert len(inside) >= 4 and all(status == 503 for *_, status in inside), Counter(t[3] for t in inside)
    assert max(durations) < 3.0, f"a request took {max(durations):.2f}s"
    assert len(health) >= 5 and all(status == 200 and took < 1.0 for status, took in health), health


# --- 3. a gunicorn worker killed mid-reveal ------------------------------------------------


def worker_pids(app: GunicornProcess) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(app.proc.pid)], capture_output=True, text=True, check=False).stdout
    return sorted(int(pid) for pid in out.split())


def worker_holding(app: GunicornProcess, client_port: int) -> int | None:
    """The worker pid whose socket is the server end of the connection from ``client_port``."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == app.port and int(remote.split(":")[1], 16) == client_port and fields[9] != "0":
            inode = fields[9]
    if inode is None:
        return None
    for pid in worker_pids(app):
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def test_a_killed_worker_leaves_the_store_consistent(private_redis: RedisProcess) -> None:
    """SIGKILL to the worker that is serving a slow reveal (curl mode with a code: PBKDF2 runs) while
    4 threads reveal 3-view secrets: only 200/404 answers and client-side connection errors; per
    secret, spent views == len(viewed_at), answers seen <= spent, and spent - seen <= the connection
    errors on it (a lost answer); the master boots a replacement."""
    app = GunicornProcess(private_redis.url, workers=2, env=ENV).start()
    views = 3
    batch = [make(app.url, views=views)[0] for _ in range(60)]
    slow, _ = make(app.url, views=views, code="7K4MQ-2XR9D", text="slow")
    rec = Record()
    seen: Counter = Counter()
    errors: Counter = Counter()
    inflight: dict[str, Any] = {}
    go, killed_event = threading.Event(), threading.Event()
    slow_outcomes: list[str] = []

    def reader(seed: int) -> None:
        rnd = random.Random(seed)
        session = requests.Session()
        order = [m for _ in range(2) for m in rnd.sample(batch, len(batch))]
        go.wait()
        for made in order:
            try:
                response = reveal(app.url, made, session)
            except requests.RequestException:
                with rec.lock:
                    errors[made.id] += 1
                continue
            with rec.lock:
                rec.statuses[("fast", response.status_code)] += 1
            if response.status_code == 200:
                with rec.lock:
                    seen[made.id] += 1
            elif response.status_code != 404:
                rec.bad(f"fast reveal: {response.status_code} {response.text[:200]}")

    def slow_reader() -> None:
        body = json.dumps({"key": p.b64u_encode(slow.key), "access_code": slow.code})
        go.wait()
        for attempt in range(views + 2):
            conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=20)
            conn.connect()
            if attempt == 0:
                inflight.update(port=conn.sock.getsockname()[1], sent=time.monotonic())
            try:
                conn.request("POST", f"/api/v1/secrets/{slow.id}/reveal", body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                status = response.status
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                slow_outcomes.append(f"error {type(exc).__name__}")
                with rec.lock:
                    errors[slow.id] += 1
                continue
            finally:
                conn.close()
            if attempt == 0:
                inflight["answered"] = status
                killed_event.wait(10)
            slow_outcomes.append(str(status))
            with rec.lock:
                rec.statuses[("slow", status)] += 1
                if status == 200:
                    seen[slow.id] += 1
            if status not in (200, 404):
                rec.bad(f"slow reveal: {status}")

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)] + [threading.Thread(target=slow_reader)]
    victim = None
    try:
        before = worker_pids(app)
        for thread in threads:
            thread.start()
        go.set()
        wait_for(lambda: "sent" in inflight, timeout=10, what="the slow reveal to be sent")
        # As soon as a worker has accepted its connection: PBKDF2 (600,000 rounds) keeps it busy for 0.2 s or more.
        # (/proc/net/tcp is not read atomically while other sockets come and go, so a miss is simply retried.)
        holder: dict[str, int | None] = {}
        wait_for(lambda: holder.update(pid=worker_holding(app, inflight["port"])) or holder["pid"] is not None,
                 timeout=5, interval=0.002, what="a worker to take the slow reveal")
        victim = holder["pid"]
        assert victim in before and "answered" not in inflight, (victim, before, inflight)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic() - inflight["sent"]
        killed_event.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        wait_for(lambda: len(worker_pids(app)) == 2 and victim not in worker_pids(app), timeout=30, what="a new worker")
        replacement = sorted(set(worker_pids(app)) - set(before))
        assert requests.get(app.url + "/healthz", timeout=10).status_code == 200

        lost = 0
        for made in [*batch, slow]:
            state = receipt(app.url, made)
            spent = views - state["views_left"]
            assert len(state["viewed_at"]) == spent, (made.id, state)
            assert seen[made.id] <= spent, (made.id, seen[made.id], state)
            assert spent - seen[made.id] <= errors[made.id], (made.id, seen[made.id], errors[made.id], state)
            lost += spent - seen[made.id]
            # What is left can still be read, exactly up to the views.
            extra = 0
            while reveal(app.url, made).status_code == 200:
                extra += 1
            assert spent + extra == views, (made.id, spent, extra)
            assert receipt(app.url, made)["views_left"] == 0
    finally:
        for thread in threads:
            thread.join(timeout=60)
        app.stop()
    print(f"\n    worker {victim} SIGKILLed {killed_at:.2f}s into a slow reveal, replaced by {replacement}; "
          f"answers {dict(sorted(rec.statuses.items()))}, connection errors {sum(errors.values())}, "
          f"slow reveal: {slow_outcomes}; {sum(seen.values())} views answered, {lost} spent without an answer")
    assert not rec.problems, rec.problems
    assert slow_outcomes[0].startswith("error"), slow_outcomes  # the kill hit that reveal in flight
    assert f"Worker (pid:{victim}) was sent SIGKILL" in app.output()


# --- 4. a lost answer ------------------------------------------------------------------------


def test_a_lost_answer_still_spends_the_view(private_redis: RedisProcess) -> None:
    """The client sends the reveal and hangs up at once: the view is spent, the receipt says when,
    the ciphertext is gone from Redis. With views: 2 the reader can simply try again."""
    app = GunicornProcess(private_redis.url, workers=1, env=ENV).start()
    client = redis.Redis.from_url(private_redis.url)
    try:
        one, _ = make(app.url, views=1)
        two, sealed_two = make(app.url, views=2)
        before = int(time.time())
        for made in (one, two):
            body = json.dumps(made.reveal_body()).encode()
            request = (f"POST /api/v1/secrets/{made.id}/reveal HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            with socket.create_connection(("127.0.0.1", app.port), timeout=10) as sock:
                sock.sendall(request)
            # closed without reading a byte of the answer
        states: dict[str, dict] = {}

        def spent() -> bool:
            states.update({m.id: receipt(app.url, m) for m in (one, two)})
            return all(s["state"] == "viewed" for s in states.values())

        wait_for(spent, timeout=10, what="the receipts to show the views")
        after = int(time.time())
        for made, left in ((one, 0), (two, 1)):
            state = states[made.id]
            assert state["views_left"] == left and len(state["viewed_at"]) == 1, state
            assert before <= iso_to_epoch(state["viewed_at"][0]) <= after, (before, state, after)
        # The one-view secret is gone: no metadata, no reveal, no ciphertext key; only its receipt is left.
        assert requests.get(f"{app.url}/api/v1/secrets/{one.id}", headers={"X-Burnlink-Link": one.link},
                            timeout=10).status_code == 404
        assert reveal(app.url, one).status_code == 404
        ciphertext_key, receipt_key = secret_keys(PREFIX, one.id)
        assert client.exists(ciphertext_key) == 0 and client.exists(receipt_key) == 1
        # Counters, times and the event history only (q: its events also go to the audit trail, on by default).
        assert set(client.hkeys(receipt_key)) == {b"s", b"n", b"f", b"h", b"e", b"ev", b"q"}
        assert [e.split(b",")[0] for e in client.hget(receipt_key, "ev").split(b";")] == [b"c", b"r"]
        # The two-view secret: the reader tries again and gets it.
        again = reveal(app.url, two)
        assert again.status_code == 200 and p.b64u_decode(again.json()["ciphertext"]) == sealed_two.blob
        assert len(receipt(app.url, two)["viewed_at"]) == 2
    finally:
        app.stop()
    print(f"\n    lost answers: 1-view secret {states[one.id]}, 2-view secret {states[two.id]} (then read on the retry)")


# --- 5. a full Redis -------------------------------------------------------------------------


def test_a_full_redis_refuses_new_secrets_and_keeps_old_ones() -> None:
    """maxmemory 2mb, noeviction: creating ~100 KB secrets until it is full gives 503 (never 500), the
    refused create leaves nothing behind, stored secrets stay readable, burning frees room again."""
    store = RedisProcess(extra=("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")).start()
    app = GunicornProcess(store.url, workers=1, env=ENV).start()
    client = redis.Redis.from_url(store.url)
    try:
        kept = [make(app.url, views=1) for _ in range(3)]
        multi, multi_sealed = make(app.url, views=3)
        big = payloads.make_payload(text=os.urandom(50_000).hex())  # ~100 KB of ciphertext each
        fillers: list[Made] = []
        statuses: Counter = Counter()
        refused = None
        for _ in range(40):
            body, sealed = create_body(big, code=None)
            keys_before = client.dbsize()
            response = requests.post(f"{app.url}/api/v1/secrets", json=body, timeout=10)
            statuses[response.status_code] += 1
            if response.status_code == 201:
                fillers.append(made_from(sealed, response, response.json()))
                continue
            refused = response
            assert client.dbsize() == keys_before  # the refused create wrote nothing
            break
        memory = client.info("memory")
        assert refused is not None and len(fillers) >= 2, statuses
        assert refused.status_code == 503 and problem_of(refused) is None, refused.text
        # Stored secrets are still readable (a 1-view reveal deletes first, which Redis allows when full).
        for made, sealed in kept:
            response = reveal(app.url, made)
            assert response.status_code == 200, response.text
            assert p.b64u_decode(response.json()["ciphertext"]) == sealed.blob
        # A multi-view reveal must grow the receipt; its script carries allow-oom, so it works when full.
        multi_first = reveal(app.url, multi)
        assert multi_first.status_code == 200, multi_first.text
        assert receipt(app.url, multi)["views_left"] == 2
        # Burning frees room (DEL is allowed when full); creating works again without a restart.
        for made in fillers[: len(fillers) // 2]:
            burned = requests.delete(f"{app.url}/api/v1/secrets/{made.id}", headers={"Authorization": f"Bearer {made.token}"},
                                     timeout=10)
            assert burned.status_code == 204, burned.text
        make(app.url)  # asserts 201
        multi_after = reveal(app.url, multi)
        assert multi_after.status_code == 200 and p.b64u_decode(multi_after.json()["ciphertext"]) == multi_sealed.blob
        assert receipt(app.url, multi)["views_left"] == 1
        assert "internal_error" not in app.output() and "unhandled" not in app.output()
    finally:
        app.stop()
        store.stop()
        shutil.rmtree(store.workdir, ignore_errors=True)
    print(f"\n    2 MB noeviction Redis: {len(fillers)} secrets of ~100 KB stored, then {refused.status_code} "
          f"{refused.json()['code']} (Retry-After {refused.headers.get('Retry-After')}); used_memory {memory['used_memory']} "
          f"of {memory['maxmemory']}; statuses {dict(statuses)}; 1-view secrets read while full: 3/3; 3-view secret "
          f"while full: {multi_first.status_code}; after burning {len(fillers) // 2}: create 201, 3-view read 200")
