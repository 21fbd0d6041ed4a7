"""The delivery's HTTP client, keep-alive: a pooled connection serves only the same vetted route,
and only once its answer was read to its end.

Every receiver here is a real HTTP/1.1 server on 127.0.0.1 that the test starts.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.notifications import http as notify_http
from app.notifications.guard import Allow
from app.notifications.http import _POOL, MAX_READ, POOL_SIZE, post, tls_context
from tests.support.receivers import WebhookReceiver, make_certificate
from tests.unit.notifications.test_notify_http import LOCAL
from tests.unit.notifications.test_notify_http import send as send


class KeepAliveReceiver(ThreadingHTTPServer):
    """An HTTP/1.1 receiver on 127.0.0.1 counting the TCP connections it accepts and closes.

    ``mode``: "keep" answers and keeps the connection open; "close" says ``Connection: close``;
    "drop" answers, then closes without saying so; "race" hangs up on a kept connection's second
    request unanswered (its idle timeout meeting the request); "mute" hangs up on every request;
    "big" answers more than MAX_READ bytes; "trickle" dribbles the second answer's headers forever.
    """

    daemon_threads = True

    def __init__(self, mode: str = "keep", tls: tuple[Path, Path] | None = None) -> None:
        self.mode = mode
        self.accepted = 0
        self.closed = 0
        self.received: list[tuple[str, bytes]] = []  # (Host header, body) of each answered request
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), KeepAliveHandler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.socket = context.wrap_socket(self.socket, server_side=True)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{'https' if isinstance(self.socket, ssl.SSLSocket) else 'http'}://127.0.0.1:{self.server_port}/hook"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        with self.lock:
            self.closed += 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer is what some tests do


class KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: KeepAliveReceiver
    answered = 0  # on this connection: one handler serves one connection

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        mode = self.server.mode
        if mode == "mute" or (mode == "race" and self.answered):
            self.close_connection = True
            return
        if mode == "trickle" and self.answered:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(100):
                self.wfile.write(b"X-Wait: 1\r\n")
                self.wfile.flush()
                time.sleep(0.1)
            return
        with self.server.lock:
            self.server.received.append((self.headers["Host"], body))
        answer = b"x" * (MAX_READ * 2) if mode == "big" else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        if mode == "close":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer)
        self.answered += 1
        self.close_connection = self.close_connection or mode == "drop"

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[Callable[..., KeepAliveReceiver]]:
    started: list[KeepAliveReceiver] = []

    def start(mode: str = "keep", tls: tuple[Path, Path] | None = None) -> KeepAliveReceiver:
        started.append(KeepAliveReceiver(mode, tls))
        return started[-1]

    yield start
    _POOL.clear()
    for server in started:
        server.shutdown()
        server.server_close()


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    until = time.monotonic() + seconds
    while not check():
        if time.monotonic() > until:
            return False
        time.sleep(0.01)
    return True


def numbered(url: str, n: int, **options: Any) -> Any:
    return post(url, b"delivery %d" % n, {}, allow=LOCAL, timeout=options.pop("timeout", 5.0), **options)


def test_deliveries_to_one_receiver_share_one_connection(servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers()
    assert all(numbered(server.url, n).ok for n in range(3))
    assert [body for _, body in server.received] == [b"delivery 0", b"delivery 1", b"delivery 2"]
    assert server.accepted == 1 and server.closed == 0 and len(_POOL) == 1


def test_a_kept_connection_sends_at_once(servers: Callable[..., KeepAliveReceiver]) -> None:
    """Nagle's algorithm is off: a request's body does not wait for the receiver's delayed ACK of its headers."""
    server = servers()
    assert numbered(server.url, 0).ok
    (_, _, kept), = _POOL._entries
    assert kept.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_a_receiver_that_closes_after_each_answer_gets_every_delivery(
        servers: Callable[..., KeepAliveReceiver], receiver: WebhookReceiver) -> None:
    server = servers("close")
    assert all(numbered(server.url, n).ok for n in range(3))
    assert len(server.received) == 3 and server.accepted == 3 and len(_POOL) == 0
    assert all(send(receiver.url).ok for _ in range(2))  # an HTTP/1.0 receiver: every answer ends its connection
    assert len(receiver.requests) == 2 and len(_POOL) == 0


@pytest.mark.parametrize("seen", [True, False], ids=["close-seen", "close-unseen"])
def test_a_receiver_that_silently_closes_idle_connections_gets_each_delivery_once(
        servers: Callable[..., KeepAliveReceiver], monkeypatch: pytest.MonkeyPatch, seen: bool) -> None:
    """Seen: the pool notices the receiver's FIN and drops the connection. Unseen: the close arrives
    only as the request goes out (pretended here), and the attempt goes again on a fresh connection."""
    if not seen:
        monkeypatch.setattr(notify_http, "_quiet", lambda connection: True)
    server = servers("drop")
    for n in range(4):
        assert eventually(lambda: server.closed == server.accepted)  # the receiver closed the last connection
        assert numbered(server.url, n).ok
    assert [body for _, body in server.received] == [b"delivery %d" % n for n in range(4)]
    assert server.accepted == 4


def test_a_request_meeting_the_receivers_idle_close_goes_again_once_on_a_fresh_connection(
        servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers("race")
    assert numbered(server.url, 0).ok and numbered(server.url, 1).ok
    assert [body for _, body in server.received] == [b"delivery 0", b"delivery 1"]
    assert server.accepted == 2 and len(_POOL) == 1


def test_a_fresh_connection_that_fails_is_not_tried_again(servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers("mute")
    answer = numbered(server.url, 0)
    assert (answer.status, answer.ok) == ("bad answer", False)
    assert server.accepted == 1 and len(_POOL) == 0


def test_a_pooled_connection_serves_only_its_own_port_host_and_context(
        servers: Callable[..., KeepAliveReceiver], tmp_path: Path) -> None:
    one, two = servers(), servers()
    for n in range(2):
        assert numbered(one.url, n).ok and numbered(two.url, n).ok
    assert (one.accepted, two.accepted) == (1, 1) and len(one.received) == len(two.received) == 2
    # The same address and port under another name: its own connection, and the Host it names.
    by_name = f"http://localhost:{one.server_port}/hook"
    both = Allow.parse(["127.0.0.1", "localhost"])
    assert send(by_name, both).ok and send(one.url).ok and send(by_name, both).ok
    assert one.accepted == 2
    assert [host for host, _ in one.received[2:]] == [f"localhost:{one.server_port}", f"127.0.0.1:{one.server_port}",
                                                       f"localhost:{one.server_port}"]

    cert, key = make_certificate(tmp_path)
    secure = servers(tls=(cert, key))
    first, second = tls_context(str(cert)), tls_context(str(cert))
    assert numbered(secure.url, 0, context=first).ok and numbered(secure.url, 1, context=first).ok
    assert secure.accepted == 1
    assert numbered(secure.url, 2, context=second).ok and secure.accepted == 2


def test_an_answer_longer_than_max_read_ends_its_connection(servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers("big")
    assert numbered(server.url, 0).ok and numbered(server.url, 1).ok
    assert server.accepted == 2 and len(_POOL) == 0
    assert eventually(lambda: server.closed == 2)


def test_a_reused_connection_still_has_the_deadline(servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers("trickle")
    assert numbered(server.url, 0, timeout=0.3).ok and len(_POOL) == 1
    started = time.monotonic()
    answer = numbered(server.url, 1, timeout=0.3)
    assert (answer.status, answer.ok) == ("timeout", False) and time.monotonic() - started < 2
    assert server.accepted == 1 and len(_POOL) == 0


def test_the_pool_stays_small_and_fresh(servers: Callable[..., KeepAliveReceiver],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    many = [servers() for _ in range(POOL_SIZE + 2)]
    for n, server in enumerate(many):
        assert numbered(server.url, n).ok
    assert len(_POOL) == POOL_SIZE
    assert eventually(lambda: [s.closed for s in many] == [1, 1] + [0] * POOL_SIZE)  # the oldest two are closed
    assert numbered(many[-1].url, 0).ok and many[-1].accepted == 1
    assert numbered(many[0].url, 0).ok and many[0].accepted == 2 and len(_POOL) == POOL_SIZE

    monkeypatch.setattr(_POOL, "idle", 0.05)
    time.sleep(0.1)
    assert numbered(many[-1].url, 1).ok and many[-1].accepted == 2  # too long idle: closed, not used
    assert len(_POOL) == 1
    assert eventually(lambda: sum(s.closed for s in many) == sum(s.accepted for s in many) - 1)


def test_threads_share_the_pool(servers: Callable[..., KeepAliveReceiver]) -> None:
    server = servers()
    results: dict[int, list[bool]] = {}

    def deliver(thread: int) -> None:
        results[thread] = [numbered(server.url, thread * 100 + n).ok for n in range(10)]

    threads = [threading.Thread(target=deliver, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1, 2, 3] and all(all(oks) for oks in results.values())
    assert sorted(body for _, body in server.received) == sorted(b"delivery %d" % (t * 100 + n)
                                                               for t in range(4) for n in range(10))
    assert server.accepted <= 4 and len(_POOL) == server.accepted
