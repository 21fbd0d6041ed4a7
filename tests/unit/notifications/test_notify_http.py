"""The delivery's HTTP client: vetted addresses only, one lookup, no redirects, no proxies, one deadline.

Every receiver here is a real server on 127.0.0.1 that the test starts.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.notifications.guard import Allow
from app.notifications.http import MAX_READ, post, tls_context
from tests.support.receivers import WebhookReceiver, make_certificate

LOCAL = Allow.parse(["127.0.0.1"])
BY_NAME = Allow.parse(["localhost"])


def send(url: str, allow: Allow = LOCAL, **options: Any) -> Any:
    """One delivery of a fixed body, as the worker makes it."""
    return post(url, b'{"type":"secret.revealed"}', {"Content-Type": "application/json"}, allow=allow,
                timeout=options.pop("timeout", 5.0), **options)


def test_a_2xx_is_delivered_and_anything_else_is_not(receiver: WebhookReceiver) -> None:
    answer = send(receiver.url)
    assert (answer.status, answer.ok, answer.final) == ("200", True, False)
    assert receiver.requests[0].body == b'{"type":"secret.revealed"}' and receiver.requests[0].path == "/hook"
    receiver.status = 503
    answer = send(receiver.url)
    assert (answer.status, answer.ok, answer.final) == ("503", False, False)


def test_a_redirect_is_a_failure_and_is_not_followed(receiver: WebhookReceiver) -> None:
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("Location", receiver.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = send(f"http://127.0.0.1:{server.server_port}/moved")
    finally:
        server.shutdown()
        server.server_close()
    assert (answer.status, answer.ok) == ("307", False)
    assert receiver.requests == []


def test_private_addresses_are_refused_unless_allowed(receiver: WebhookReceiver) -> None:
    https_by_name = f"https://localhost:{receiver.port}/hook"
    for url, allow in ((receiver.url, Allow()), (https_by_name, Allow()), (https_by_name, LOCAL.__class__()),
                       ("https://10.1.2.3/hook", LOCAL), ("https://[::1]:1/hook", LOCAL)):
        answer = send(url, allow)
        assert (answer.status, answer.ok, answer.final) == ("refused", False, True), url
    assert receiver.requests == []


def test_the_host_is_resolved_once_and_the_vetted_address_is_the_one_dialled(
        receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebinding DNS server gets one question: the connection goes to the address that answer gave."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def counting(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    answer = send(f"http://localhost:{receiver.port}/hook", BY_NAME)
    assert answer.ok
    assert asked.count("localhost") == 1
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"


def test_proxy_variables_are_ignored(receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # the discard port: nothing would get through
    assert send(receiver.url).ok


def test_https_checks_the_certificate_for_the_host_name(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path)
    receiver = WebhookReceiver(tls=(cert, key)).start()
    try:
        assert send(receiver.url, context=tls_context(str(cert))).ok
        by_name = f"https://localhost:{receiver.port}/hook"
        assert send(by_name, BY_NAME, context=tls_context(str(cert))).ok
        untrusted = send(receiver.url, context=tls_context())
        assert (untrusted.status, untrusted.ok) == ("tls error", False)
    finally:
        receiver.stop()
    assert len(receiver.requests) == 2


def test_a_receiver_that_is_down_or_trickles_costs_one_deadline() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert send(f"http://127.0.0.1:{port}/hook").status == "connection failed"

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(0.1):  # a header byte now and then: each read succeeds, the whole never ends
            try:
                conn.sendall(b"X")
            except OSError:
                break
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    try:
        answer = send(f"http://127.0.0.1:{listener.getsockname()[1]}/hook", timeout=0.5)
    finally:
        stop.set()
        listener.close()
    assert (answer.status, answer.ok, answer.final) == ("timeout", False, False)


def test_only_the_start_of_a_large_answer_is_read() -> None:
    sent = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def flood() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" + b"x" * MAX_READ * 4)
        sent.set()
        conn.settimeout(5)
        try:
            conn.recv(1)  # hold the connection open until the client hangs up
        except OSError:
            pass
        conn.close()

    threading.Thread(target=flood, daemon=True).start()
    try:
        answer = send(f"http://127.0.0.1:{listener.getsockname()[1]}/hook", timeout=5)
    finally:
        listener.close()
    # The flood thread sets the event right after its send returns, which may come after our read.
    assert sent.wait(5) and answer.ok and answer.status == "200"


def test_attempts_share_one_deadline_thread(receiver: WebhookReceiver) -> None:
    send(receiver.url)  # the watchdog starts with the first attempt
    watchdogs = [t for t in threading.enumerate() if t.name == "burnlink-notify-deadlines"]
    started = threading.active_count()
    assert all(send(receiver.url).ok for _ in range(20))
    assert len(watchdogs) == 1 and watchdogs[0].is_alive()
    # No timer thread per attempt: only the receiver's request threads (which end) come and go.
    assert [t for t in threading.enumerate() if t.name == "burnlink-notify-deadlines"] == watchdogs
    assert threading.active_count() <= started + 2
