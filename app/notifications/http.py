"""One HTTP POST to a notification URL, to the address the guard vetted and nowhere else.

Every attempt checks the URL again (:func:`~app.notifications.guard.check_url`), resolves the
host once (:func:`~app.notifications.guard.vetted_addresses`) and opens the TCP connection to a
vetted address itself: a second lookup, which a rebinding DNS server could answer differently,
never happens. TLS still names the host (SNI and the certificate check). Proxy variables are
not read, redirects are not followed (a 3xx is a failure), and the attempt has one deadline for
connecting, sending and reading at most :data:`MAX_READ` bytes of the answer.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from .guard import Address, Allow, Refused, check_url, vetted_addresses

MAX_READ = 4096
USER_AGENT = "burnlink-notify/1"


@dataclass(frozen=True)
class Answer:
    """What one attempt came to: ``status`` is the HTTP status or a short word ("timeout", "refused")."""

    status: str
    ok: bool = False
    final: bool = False


REFUSED = Answer("refused", final=True)


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's CAs, plus ``ca_file``'s when the operator names one (a private CA, the tests' own)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


class _Pinned(http.client.HTTPConnection):
    """A plain HTTP connection whose socket goes to one given address, whatever the host name says."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """The same over TLS: TCP to the vetted address, SNI and the certificate check for the host name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(order=True)
class _Deadline:
    at: float
    number: int
    connection: http.client.HTTPConnection = field(compare=False)
    expired: threading.Event = field(compare=False, default_factory=threading.Event)
    done: bool = field(compare=False, default=False)


class _Watchdog:
    """One thread that shuts every attempt's socket at its deadline.

    A timer thread per attempt cost more CPU than the attempt itself; this one sleeps until the
    nearest deadline, and an attempt that finished in time is only marked done.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[_Deadline] = []
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, connection: http.client.HTTPConnection, seconds: float) -> _Deadline:
        deadline = _Deadline(time.monotonic() + seconds, next(self._numbers), connection)
        with self._wake:
            heapq.heappush(self._heap, deadline)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="burnlink-notify-deadlines", daemon=True)
                self._thread.start()
            self._wake.notify()
        return deadline

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                wait = self._heap[0].at - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                deadline = heapq.heappop(self._heap)
            _shut(deadline.connection, deadline.expired)


_WATCHDOG = _Watchdog()


def post(url: str, body: bytes, headers: dict[str, str], *, allow: Allow, timeout: float,
         context: ssl.SSLContext | None = None) -> Answer:
    """POST ``body`` to ``url``; never raises for the network's or the receiver's failures."""
    try:
        parts = check_url(url, allow)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = vetted_addresses(parts.hostname or "", port, allow)
    except (InvalidInput, Refused):
        return REFUSED
    tls = (context or tls_context()) if parts.scheme == "https" else None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    answer = Answer("connection failed")
    for address in addresses:
        answer = _attempt(parts.hostname or "", port, address, path, body, headers, timeout, tls)
        if answer.status != "connection failed":
            break
    return answer


def _attempt(host: str, port: int, address: Address, path: str, body: bytes, headers: dict[str, str],
             timeout: float, tls: ssl.SSLContext | None) -> Answer:
    connection = _Pinned(host, port, address, timeout) if tls is None else _PinnedTLS(host, port, address, timeout, tls)
    # A receiver that trickles its answer a byte at a time must not hold the worker: past the
    # deadline the socket is shut, which ends any read in progress, and the answer does not count.
    deadline = _WATCHDOG.watch(connection, timeout * 2)
    try:
        connection.request("POST", path, body=body, headers={**headers, "User-Agent": USER_AGENT,
                                                            "Content-Length": str(len(body))})
        response = connection.getresponse()
        response.read(MAX_READ)
        answer = Answer(str(response.status), ok=200 <= response.status < 300)
    except ssl.SSLError:
        answer = Answer("tls error")
    except TimeoutError:
        answer = Answer("timeout")
    except ConnectionRefusedError:
        answer = Answer("connection failed")
    except (OSError, http.client.HTTPException):
        answer = Answer("bad answer")
    finally:
        deadline.done = True
        connection.close()
    return Answer("timeout") if deadline.expired.is_set() else answer


def _shut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
