"""Slow and idle clients against the web process as the Procfile starts it (gunicorn.conf.py).

Floods of loopback sockets that trickle their headers, trickle their body, or say nothing,
kept up for a few seconds (bounded in count and time), while /healthz probes and real
create + reveal cycles must still be answered. The server must also end each slow client
by itself: a trickled body gets 408, trickled headers and idle sockets are closed.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from tests.support import GunicornProcess
from tests.support.api import create, reveal

HEADER_TIMEOUT = 2  # seconds (BURNLINK_HEADER_TIMEOUT): kept short so the test is short
BODY_TIMEOUT = 2  # seconds (BURNLINK_BODY_TIMEOUT)
FLOOD_SECONDS = 8.0
PER_KIND = 60  # sockets of each kind held open at once
MAX_OPENED = 240  # sockets of each kind opened in all, at most
TRICKLE_EVERY = 0.5  # seconds between two bytes of a slow client
ANSWER_WITHIN = 10.0  # a generous bound for a probe's answer: starved, it would wait forever


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[GunicornProcess]:
    """The shipped settings (gevent workers, 2 of them), with short header and body deadlines."""
    process = GunicornProcess(redis_url, workers=2, env={
        "BURNLINK_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "BURNLINK_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "BURNLINK_KEY_PREFIX": f"blslow{secrets.token_hex(3)}"}).start()
    try:
        yield process
    finally:
        process.stop()


@dataclass
class Slow:
    sock: socket.socket
    kind: str
    opened: float
    sent: int = 0
    reply: bytes = b""


@dataclass
class Flood:
    """Keeps ``PER_KIND`` sockets of each kind open against ``port`` until stopped."""

    port: int
    kinds: tuple[str, ...]
    opened: Counter = field(default_factory=Counter)
    ended: Counter = field(default_factory=Counter)  # (kind, how): the server answered or closed
    lifetimes: dict = field(default_factory=dict)  # kind -> seconds from open to the server's end
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list = field(default_factory=list)

    def _open(self, kind: str) -> Slow:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if kind == "slow_body":
            sock.sendall(b"POST /api/v1/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000\r\n\r\n{")
        elif kind == "slow_headers":
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sock.setblocking(False)
        self.opened[kind] += 1
        return Slow(sock, kind, time.monotonic())

    def _poll(self, slow: Slow, trickle: bool) -> bool:
        """True while the server keeps the socket open and silent."""
        try:
            data = slow.sock.recv(4096)
        except BlockingIOError:
            data = None
        except OSError:
            data = b""
        if data:
            slow.reply += data
            return True if b"\r\n\r\n" not in slow.reply else self._end(slow, "answered")
        if data == b"":
            return self._end(slow, "closed")
        if trickle and slow.kind != "idle":
            try:
                slow.sock.send(b" " if slow.kind == "slow_body" else b"X")
                slow.sent += 1
            except OSError:
                return self._end(slow, "closed")
        return True

    def _end(self, slow: Slow, how: str) -> bool:
        status = slow.reply.split(b" ", 2)[1].decode() if slow.reply.startswith(b"HTTP/1.1 ") else ""
        self.ended[(slow.kind, how, status)] += 1
        self.lifetimes.setdefault(slow.kind, []).append(time.monotonic() - slow.opened)
        slow.sock.close()
        return False

    def run(self) -> None:
        live: list[Slow] = []
        last_trickle = 0.0
        try:
            while not self.stop.is_set():
                for kind in self.kinds:
                    while sum(s.kind == kind for s in live) < PER_KIND and self.opened[kind] < MAX_OPENED:
                        live.append(self._open(kind))
                trickle = time.monotonic() - last_trickle >= TRICKLE_EVERY
                if trickle:
                    last_trickle = time.monotonic()
                live = [slow for slow in live if self._poll(slow, trickle)]
                time.sleep(0.05)
        except Exception as err:  # recorded and asserted by the test thread
            self.errors.append(repr(err))
        finally:
            for slow in live:
                slow.sock.close()


def probe_while_flooding(server: GunicornProcess, kinds: tuple[str, ...]) -> tuple[Flood, list, int]:
    """Flood for FLOOD_SECONDS; meanwhile probe /healthz and make and read real secrets."""
    flood = Flood(server.port, kinds)
    thread = threading.Thread(target=flood.run, daemon=True)
    thread.start()
    failures, answered = [], 0
    deadline = time.monotonic() + FLOOD_SECONDS
    try:
        time.sleep(1.0)  # let the flood fill up first
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"{server.url}/healthz", timeout=ANSWER_WITHIN)
                made = create(server.url, code=None)
                opened = reveal(server.url, made)
                if health.status_code != 200 or opened.status_code != 200:
                    failures.append((health.status_code, opened.status_code))
                answered += 1
            except Exception as err:
                failures.append(repr(err))
            time.sleep(0.2)
    finally:
        flood.stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive() and flood.errors == []
    return flood, failures, answered


def test_slow_headers_slow_bodies_and_idle_sockets_do_not_starve_the_service(server: GunicornProcess) -> None:
    flood, failures, answered = probe_while_flooding(server, ("slow_headers", "slow_body", "idle"))
    print(f"\n    {sum(flood.opened.values())} slow sockets opened {dict(flood.opened)}; ended by the server: "
          f"{dict(flood.ended)}; {answered} probe rounds answered, failures: {failures[:3]}")
    assert failures == [] and answered >= 5
    # Every kind was really held open at once, in full.
    assert all(flood.opened[kind] >= PER_KIND for kind in ("slow_headers", "slow_body", "idle"))
    # And the server ended slow clients by itself: a late body is answered 408, late headers and
    # silence are closed. Each was still trickling when it was cut off (never before its deadline).
    assert flood.ended[("slow_body", "answered", "408")] > 0
    assert flood.ended[("slow_headers", "closed", "")] > 0
    assert flood.ended[("idle", "closed", "")] > 0
    assert {how for (kind, how, status) in flood.ended} <= {"answered", "closed"}
    assert all(status in ("", "408") for (_, _, status) in flood.ended)
    for kind, deadline in (("slow_headers", HEADER_TIMEOUT), ("idle", HEADER_TIMEOUT), ("slow_body", BODY_TIMEOUT)):
        assert min(flood.lifetimes[kind]) >= deadline * 0.9, (kind, min(flood.lifetimes[kind]))


def test_a_trickled_body_gets_a_408_problem_document(server: GunicornProcess) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_WITHIN) as sock:
        sock.sendall(b"POST /api/v1/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"cipher")
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), reply[:300]
    assert b"Content-Type: application/problem+json" in head
    assert b'"status": 408' in body and b"did not arrive in time" in body


def test_an_oversized_chunked_body_is_413_through_gunicorn(server: GunicornProcess) -> None:
    """No Content-Length: the body is counted as it arrives and refused past the limit."""
    chunk = b"A" * 65536

    def body() -> Iterator[bytes]:
        yield b'{"ciphertext": "'
        for _ in range(40):  # 2.6 MB, past the limit of about 1.4 MB
            yield chunk
        yield b'"}'

    try:
        response = requests.post(f"{server.url}/api/v1/secrets", data=body(), timeout=ANSWER_WITHIN,
                                 headers={"Content-Type": "application/json"})
    except requests.ConnectionError:
        pytest.fail("the server cut the connection instead of answering 413")
    assert response.status_code == 413, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"
