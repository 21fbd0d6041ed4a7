"""One HTTP POST to a notification URL, to the address the guard vetted and nowhere else.

Every attempt checks the URL again (:func:`~app.notifications.guard.check_url`), resolves the
host once (:func:`~app.notifications.guard.vetted_addresses`) and opens the TCP connection to a
vetted address itself: a second lookup, which a rebinding DNS server could answer differently,
never happens. TLS still names the host (SNI and the certificate check). Proxy variables are
not read, redirects are not followed (a 3xx is a failure), and the attempt has one deadline for
connecting, sending and reading at most :data:`MAX_READ` bytes of the answer.

A connection whose answer was read to its end may serve a later attempt (keep-alive), but only
an attempt that vetted the very same route: host name, port, address and TLS context. The
check and the lookup still happen on every attempt; reuse only skips the TCP and TLS handshakes.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import os
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field

from ..core.errors import InvalidInput
from .guard import Address, Allow, Refused, check_url, vetted_addresses

MAX_READ = 4096
USER_AGENT = "burnlink-notify/1"
POOL_SIZE = 8
POOL_IDLE = 30.0


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


def _dial(address: Address, port: int, timeout: float) -> socket.socket:
    """A TCP connection to ``address`` with Nagle's algorithm off.

    http.client sends a request's headers and body in two writes: on a kept-alive connection,
    with Nagle on, the body would wait for the receiver's delayed ACK of the headers (40 ms
    on Linux) on every delivery.
    """
    sock = socket.create_connection((str(address), port), timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _Pinned(http.client.HTTPConnection):
    """A plain HTTP connection whose socket goes to one given address, whatever the host name says."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _dial(self._address, self.port, self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """The same over TLS: TCP to the vetted address, SNI and the certificate check for the host name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        self.sock = self._tls.wrap_socket(_dial(self._address, self.port, self.timeout), server_hostname=self.host)


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

    def finish(self, deadline: _Deadline) -> bool:
        """Mark ``deadline``'s attempt over; True when its time ran out first (its socket is being shut)."""
        with self._wake:
            deadline.done = True
            return deadline.expired.is_set()

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
                # Decided under the lock that finish() takes: an attempt that finished in time is
                # never shut afterwards, when its connection may be back in the pool.
                deadline.expired.set()
            _shut(deadline.connection)


_WATCHDOG = _Watchdog()


@dataclass(frozen=True, eq=False)
class _Route:
    """Where one attempt goes: the host name (Host, SNI, certificate), port, vetted address, TLS context."""

    host: str
    port: int
    address: Address
    tls: ssl.SSLContext | None

    def same(self, other: _Route) -> bool:
        # The context by identity: another one may trust other CAs, so its connections are not ours
        # (and None, plain http, never meets a TLS one).
        return (self.host == other.host and self.port == other.port and self.address == other.address
                and self.tls is other.tls)


class _Pool:
    """Idle keep-alive connections: at most ``size`` in all (the oldest go first), none idle over ``idle`` s."""

    def __init__(self, size: int = POOL_SIZE, idle: float = POOL_IDLE) -> None:
        self.size = size
        self.idle = idle
        self._lock = threading.Lock()
        self._entries: list[tuple[float, _Route, http.client.HTTPConnection]] = []  # oldest first

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def take(self, route: _Route) -> http.client.HTTPConnection | None:
        """An idle connection opened for exactly ``route`` and still quiet, or None."""
        while True:
            found = None
            with self._lock:
                gone = self._expire(time.monotonic())
                for i in range(len(self._entries) - 1, -1, -1):  # the newest: the least likely closed by now
                    if self._entries[i][1].same(route):
                        found = self._entries.pop(i)[2]
                        break
            for connection in gone:
                connection.close()
            if found is None or _quiet(found):
                return found
            found.close()

    def put(self, route: _Route, connection: http.client.HTTPConnection) -> None:
        """Keep ``connection`` for a later attempt on ``route``, closing what falls out of the bounds."""
        with self._lock:
            now = time.monotonic()
            gone = self._expire(now)
            self._entries.append((now, route, connection))
            while len(self._entries) > self.size:
                gone.append(self._entries.pop(0)[2])
        for old in gone:
            old.close()

    def clear(self) -> None:
        """Close every idle connection."""
        with self._lock:
            gone, self._entries = [entry[2] for entry in self._entries], []
        for connection in gone:
            connection.close()

    def _forget(self) -> None:
        # A forked child must not write into its parent's connections; its copies just go away.
        self._lock = threading.Lock()
        self._entries = []

    def _expire(self, now: float) -> list[http.client.HTTPConnection]:
        old = [entry[2] for entry in self._entries if now - entry[0] > self.idle]
        if old:
            self._entries = [entry for entry in self._entries if now - entry[0] <= self.idle]
        return old


_POOL = _Pool()
os.register_at_fork(after_in_child=_POOL._forget)

# What a reused connection raises when the receiver had closed it while it sat idle, before any
# byte of an answer (RemoteDisconnected is the empty status line).
_CLOSED_WHILE_IDLE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                      ConnectionAbortedError, ssl.SSLEOFError, ssl.SSLZeroReturnError)


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
    # A context made for this call alone never comes again: its connections would only fill the pool.
    pooled = tls is None or context is not None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {**headers, "User-Agent": USER_AGENT, "Content-Length": str(len(body))}
    answer = Answer("connection failed")
    for address in addresses:
        answer = _attempt(_Route(parts.hostname or "", port, address, tls), path, body, sent, timeout, pooled)
        if answer.status != "connection failed":
            break
    return answer


def _attempt(route: _Route, path: str, body: bytes, headers: dict[str, str], timeout: float,
             pooled: bool) -> Answer:
    until = time.monotonic() + timeout * 2
    idle = _POOL.take(route) if pooled else None
    if idle is not None:
        idle.timeout = timeout
        if idle.sock is not None:
            idle.sock.settimeout(timeout)
        answer = _exchange(idle, route, path, body, headers, until, reused=True, pooled=pooled)
        if answer is not None:
            return answer
        # The receiver closed the idle connection (many do after a few seconds) as the request went
        # out, and nothing of an answer came: the same attempt goes once more, now, on a fresh
        # connection to the same vetted address. Had the receiver acted on the first one after all,
        # the webhook-id header is the same on both and lets it drop the duplicate.
    fresh = _Pinned(route.host, route.port, route.address, timeout) if route.tls is None \
        else _PinnedTLS(route.host, route.port, route.address, timeout, route.tls)
    return _exchange(fresh, route, path, body, headers, until, reused=False, pooled=pooled) or Answer("bad answer")


def _exchange(connection: http.client.HTTPConnection, route: _Route, path: str, body: bytes,
              headers: dict[str, str], until: float, *, reused: bool, pooled: bool) -> Answer | None:
    """One request and its answer on ``connection``; None when a reused one turned out closed before answering."""
    # A receiver that trickles its answer a byte at a time must not hold the worker: past the
    # deadline the socket is shut, which ends any read in progress, and the answer does not count.
    deadline = _WATCHDOG.watch(connection, until - time.monotonic())
    answer: Answer | None = None
    keep = False
    try:
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
        except _CLOSED_WHILE_IDLE:
            if not reused:
                raise
        else:
            response.read(MAX_READ)
            answer = Answer(str(response.status), ok=200 <= response.status < 300)
            # Only an answer read to its end, on a connection neither side means to close, leaves
            # the connection ready for another request.
            keep = response.isclosed() and not response.will_close and connection.sock is not None
    except ssl.SSLError:
        answer = Answer("tls error")
    except TimeoutError:
        answer = Answer("timeout")
    except ConnectionRefusedError:
        answer = Answer("connection failed")
    except (OSError, http.client.HTTPException):
        answer = Answer("bad answer")
    finally:
        expired = _WATCHDOG.finish(deadline)
        if keep and pooled and not expired:
            _POOL.put(route, connection)
        else:
            connection.close()
    return Answer("timeout") if expired else answer


def _quiet(connection: http.client.HTTPConnection) -> bool:
    """Is an idle connection still open, with nothing to read (a receiver's FIN, reset or TLS alert)?"""
    sock = connection.sock
    if sock is None:
        return False
    try:
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
