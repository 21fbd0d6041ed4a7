"""Rate limits, kept in Redis so they hold across workers and hosts (flask-limiter).

flask-limiter does the counting (moving windows, storage back-ends, headers);
writing our own would only re-do that. Limits: secret creation per client IP,
reads per client IP, and reads per secret (on top of the wrong-code limit).
The client IP is ``request.remote_addr``, which ProxyFix sets from the
configured number of trusted hops only, never from a raw X-Forwarded-For.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..core.config import Config

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _unlimited(view: Callable[..., Any]) -> Callable[..., Any]:
    return view


@dataclass(frozen=True)
class RouteLimits:
    """The decorators the API's routes are registered with (identity when limits are off)."""

    create: Decorator = _unlimited
    read: Decorator = _unlimited
    reveal: Decorator = _unlimited


def _secret_key() -> str:
    return f"secret:{(request.view_args or {}).get('sid', '')}"


def init_rate_limits(app: Flask, config: Config) -> Limiter | None:
    """The app's limiter, counting in the configured Redis; ``None`` when limits are off."""
    if not config.rate_limits:
        return None
    return Limiter(
        get_remote_address,
        app=app,
        storage_uri=config.redis_url or "memory://",
        storage_options={"socket_timeout": config.redis_timeout, "socket_connect_timeout": config.redis_timeout},
        strategy="moving-window",
        key_prefix=f"{config.key_prefix}:rl",
        headers_enabled=True,
        retry_after="delta-seconds",
        # If Redis is down the store answers 503 anyway; a limiter error must not become a 500.
        swallow_errors=True,
    )


def route_limits(limiter: Limiter | None, config: Config) -> RouteLimits:
    """flask-limiter's own decorators for each kind of route."""
    if limiter is None:
        return RouteLimits()
    per_ip = limiter.shared_limit(config.rate_reveal, scope="read")
    per_secret = limiter.limit(config.rate_reveal_secret, key_func=_secret_key, scope="read-secret")
    return RouteLimits(
        create=limiter.limit(config.rate_create, scope="create"),
        read=per_ip,
        reveal=lambda view: per_secret(per_ip(view)),
    )
