"""Rate limits, kept in Redis so they hold across workers and hosts (flask-limiter).

flask-limiter does the counting (moving windows, storage back-ends, headers);
writing our own would only re-do that. Limits: secret creation per client IP,
reads per client IP, and reads per secret (on top of the wrong-code limit).
The client IP is ``request.remote_addr``, which ProxyFix sets from the
configured number of trusted hops only, never from a raw X-Forwarded-For.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .config import Config


def _storage_uri(config: Config) -> str:
    if not config.redis_url:
        return "memory://"
    return config.redis_url


def _secret_key() -> str:
    return f"secret:{(request.view_args or {}).get('sid', '')}"


def init_rate_limits(app: Flask, config: Config) -> Limiter | None:
    """Attach the limits to the API's views; ``None`` when switched off."""
    if not config.rate_limits:
        return None
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=_storage_uri(config),
        storage_options={"socket_timeout": config.redis_timeout, "socket_connect_timeout": config.redis_timeout},
        strategy="moving-window",
        key_prefix=f"{config.key_prefix}:rl",
        headers_enabled=True,
        retry_after="delta-seconds",
        # If Redis is down the store answers 503 anyway; a limiter error must not become a 500.
        swallow_errors=True,
    )
    views = app.view_functions
    views["api.create_secret"] = limiter.limit(config.rate_create, scope="create")(views["api.create_secret"])
    per_ip = limiter.shared_limit(config.rate_reveal, scope="read")
    per_secret = limiter.limit(config.rate_reveal_secret, key_func=_secret_key, scope="read-secret")
    views["api.reveal_secret"] = per_secret(per_ip(views["api.reveal_secret"]))
    views["api.secret_metadata"] = per_ip(views["api.secret_metadata"])
    return limiter
