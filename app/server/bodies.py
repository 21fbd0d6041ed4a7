"""Request bodies, read whole and within a deadline before the app sees them.

The web process may face clients with no buffering proxy in front of it. A client that
trickles its body (a byte every few seconds) would otherwise hold a connection slot for
as long as it likes; here the whole body must arrive within ``BURNLINK_BODY_TIMEOUT``
seconds, or the request is answered 408. A chunked body (no Content-Length) is counted as
it arrives and refused with 413 past the limit, like a declared one.

Under gunicorn's gevent worker (the Procfile's) the deadline interrupts a read that is
waiting on the socket, and the connection's socket gets the same per-operation timeout so
that a client that stops reading its answer cannot hold the slot either. Elsewhere (the
development server) the deadline is checked between reads only.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from flask import request
from werkzeug.exceptions import RequestTimeout

from ..core.errors import BurnlinkError, ErrorCode

OUTCOME = "burnlink.body"
TIMED_OUT, TOO_LARGE, BROKEN = "timed_out", "too_large", "broken"
_CHUNK = 64 * 1024


def _gevent_timeout(seconds: float) -> Any:
    """A ``gevent.Timeout`` when gevent has patched the sockets (its worker does), else ``None``."""
    if "gevent" not in sys.modules:
        return None
    from gevent import Timeout, monkey

    return Timeout(seconds) if monkey.is_module_patched("socket") else None


def _declared_length(environ: dict[str, Any]) -> int | None:
    value = environ.get("CONTENT_LENGTH", "")
    return int(value) if value.isdigit() else None


class BodyDeadline:
    """WSGI middleware: read each request body (at most ``limit`` bytes) within ``seconds``."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, limit: int, seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.seconds = seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        timer = _gevent_timeout(self.seconds)
        sock = environ.get("gunicorn.socket")
        if timer is not None and sock is not None:
            # Each later send or receive on this connection must make progress within the deadline.
            sock.settimeout(self.seconds)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = _declared_length(environ)
        # A declared length over the limit is refused by the app (413) without reading a byte.
        if chunked or (length is not None and 0 < length <= self.limit):
            self._read(environ, None if chunked else length, timer)
        return self.app(environ, start_response)

    def _read(self, environ: dict[str, Any], length: int | None, timer: Any) -> None:
        stream = environ["wsgi.input"]
        want = self.limit + 1 if length is None else length
        parts: list[bytes] = []
        total = 0
        outcome = ""
        deadline = time.monotonic() + self.seconds
        guard: AbstractContextManager[Any] = timer if timer is not None else nullcontext()
        try:
            with guard:
                while total < want:
                    data = stream.read(min(_CHUNK, want - total))
                    if not data:
                        break
                    parts.append(data)
                    total += len(data)
                    if time.monotonic() > deadline:
                        outcome = TIMED_OUT
                        break
        except BaseException as err:
            if timer is not None and err is timer:
                outcome = TIMED_OUT
            elif isinstance(err, Exception):
                # Bad chunk framing, or a client that went away: nothing to serve either way.
                outcome = BROKEN
            else:
                raise
        if not outcome and length is None and total > self.limit:
            outcome = TOO_LARGE
        elif not outcome and length is not None and total < length:
            outcome = BROKEN
        body = b"" if outcome else b"".join(parts)
        if outcome:
            environ[OUTCOME] = outcome
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)


def refuse_unread_body() -> None:
    """``before_request``: answer a body that came too slowly, too large or broken (408, 413, 400)."""
    outcome = request.environ.get(OUTCOME)
    if outcome == TIMED_OUT:
        raise RequestTimeout(description="The request body did not arrive in time; send it again.")
    if outcome == TOO_LARGE:
        raise BurnlinkError(code=ErrorCode.TOO_LARGE)
    if outcome == BROKEN:
        raise BurnlinkError("The request body was cut short or malformed.", code=ErrorCode.BAD_REQUEST)
