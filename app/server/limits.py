"""Rate limits, kept in Redis so they hold across workers and hosts (flask-limiter).

flask-limiter does the counting (moving windows, storage back-ends); writing our own
would only re-do that. Limits: secret creation per client, reads per client, and reads
per secret (on top of the wrong-code limit).

- The client is ``request.remote_addr`` (which ProxyFix sets from the configured number
  of trusted hops only, never from a raw X-Forwarded-For), and Redis only ever sees a
  keyed hash of it (:func:`client_key`), never the address.
- A read counts against its secret only when it proved the link (a view spent, 200, or a
  wrong code counted, 403): someone who knows just an id cannot use up the recipient's
  reads. Every read counts against its client, whatever the answer.
- No ``X-RateLimit-*`` headers: they would tell anyone how often others read an id. A 429
  still says when to come back (``Retry-After``, :func:`retry_after`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request

from ..core.config import Config

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
# Answers of a reveal that prove the caller held the link: a view was spent, or a wrong code counted.
LINK_PROVEN = frozenset({200, 403})


def _unlimited(view: Callable[..., Any]) -> Callable[..., Any]:
    return view


@dataclass(frozen=True)
class RouteLimits:
    """The decorators the API's routes are registered with (identity when limits are off)."""

    create: Decorator = _unlimited
    read: Decorator = _unlimited
    reveal: Decorator = _unlimited


def client_key(secret_key: str) -> Callable[[], str]:
    """The limiter's key for the current client: an HMAC of its address, keyed from ``secret_key``.

    Counters still tell clients apart, but a look into Redis finds no address in them.
    """
    key = hmac.new(secret_key.encode(), b"burnlink/v1/rate-limit-client", hashlib.sha256).digest()

    def current() -> str:
        address = request.remote_addr or "unknown"
        return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]

    return current


def _secret_key() -> str:
    return f"secret:{(request.view_args or {}).get('sid', '')}"


def _link_proven(response: Response) -> bool:
    return response.status_code in LINK_PROVEN


def init_rate_limits(app: Flask, config: Config) -> Any:
    """The app's limiter, counting in the configured Redis; ``None`` when limits are off."""
    if not config.rate_limits:
        return None
    from flask_limiter import Limiter

    return Limiter(
        client_key(config.secret_key),
        app=app,
        storage_uri=config.redis_url or "memory://",
        # Counters live under the key prefix too (bl:rl:…), so an ACL limited to ~bl:* covers them.
        storage_options={"socket_timeout": config.redis_timeout, "socket_connect_timeout": config.redis_timeout,
                         "key_prefix": f"{config.key_prefix}:rl"},
        strategy="moving-window",
        headers_enabled=False,
        # If Redis is down the store answers 503 anyway; a limiter error must not become a 500.
        swallow_errors=True,
    )


def route_limits(limiter: Any, config: Config) -> RouteLimits:
    """flask-limiter's own decorators for each kind of route."""
    if limiter is None:
        return RouteLimits()
    per_ip = limiter.shared_limit(config.rate_reveal, scope="read")
    per_secret = limiter.limit(config.rate_reveal_secret, key_func=_secret_key, scope="read-secret", deduct_when=_link_proven)
    return RouteLimits(
        create=limiter.limit(config.rate_create, scope="create"),
        read=per_ip,
        reveal=lambda view: per_secret(per_ip(view)),
    )


def retry_after(limiter: Any) -> str:
    """Whole seconds until the limit this request broke lets the client in again (at least 1)."""
    breached = getattr(limiter, "current_limit", None) if limiter is not None else None
    try:
        seconds = int(breached.reset_at - time.time()) if breached is not None else 60
    except Exception:  # the limiter's storage may be down; any honest hint will do
        seconds = 60
    return str(max(1, seconds))
