"""The shapes that travel between clients and the server: the create body, durations, times, limits.

Every client that creates a secret (the CLI, the tests, the benchmarks) builds
its body with :func:`create_body`; the server checks incoming bodies against
:data:`CREATE_MEMBERS`. The defaults here are the protocol's; a server may be
configured otherwise (:mod:`app.core.config`).
"""

from __future__ import annotations

import re
import time
from typing import Any

from .errors import InvalidInput
from .protocol import Sealed, b64u_encode

TTL_MIN = 60
TTL_DEFAULT = 24 * 3600
TTL_MAX = 7 * 24 * 3600
VIEWS_DEFAULT = 1
VIEWS_MAX = 100
MAX_BLOB = 1024 * 1024
MAX_FAILURES = 5

CREATE_MEMBERS = frozenset({"ciphertext", "link_verifier", "auth_verifier", "ttl", "views", "has_code", "notify", "label", "kind"})
REVEAL_MEMBERS = frozenset({"link", "auth"})
LINK_HEADER = "X-Burnlink-Link"
# Requests (docs/protocol.md §14): the proofs travel in headers on reads, never in a query string.
ANSWER_HEADER = "X-Burnlink-Answer"
INBOX_HEADER = "X-Burnlink-Inbox"
REQUEST_MEMBERS = frozenset({"answer_verifier", "inbox_verifier", "ttl", "notify"})
MAX_NOTE = 500  # characters


def create_body(sealed: Sealed, *, ttl: int | None = None, views: int | None = None,
                notify: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/secrets`` for a sealed secret.

    ``ttl`` and ``views`` are left to the server when ``None``; ``notify`` lists notification targets.
    """
    body: dict[str, Any] = {
        "ciphertext": b64u_encode(sealed.blob),
        "link_verifier": b64u_encode(sealed.link_verifier),
        "auth_verifier": b64u_encode(sealed.auth_verifier),
        "has_code": sealed.code is not None,
    }
    if ttl is not None:
        body["ttl"] = ttl
    if views is not None:
        body["views"] = views
    if notify:
        body["notify"] = notify
    return body


_DURATION = re.compile(r"[1-9][0-9]{0,9}([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """``3600``, ``90m``, ``1h``, ``7d`` → seconds (the curl mode's and the CLI's ``ttl``)."""
    match = _DURATION.fullmatch(text)
    if not match:
        raise InvalidInput("ttl must look like 3600, 90m, 1h or 7d.", field="ttl")
    return int(text.rstrip("smhd")) * _UNITS[match.group(1)]


def iso_time(ts: float) -> str:
    """Epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds), the API's time format."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))
