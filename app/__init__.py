"""burnlink: one-time secret links whose server keeps ciphertext only.

:func:`create_app` is the application factory; nothing is connected at import time.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SessionInterface
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException

from . import api, web
from .config import Config, load_config
from .errors import BurnlinkError, StorageUnavailable
from .headers import apply_security_headers, is_api
from .observability import init_observability
from .ratelimit import init_rate_limits
from .services import Services
from .store import Store, connect
from .tokens import ManageTokens

__all__ = ["Config", "create_app", "load_config"]

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("burnlink")

_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def create_app(config: Config | None = None, *, redis_client: Any = None) -> Flask:
    """Build the burnlink app from ``config`` (default: :func:`load_config` of the environment)."""
    config = config or load_config()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    # No cookies, so no sessions: skip Flask's cookie parsing on every request.
    app.session_interface = _NoSessions()
    app.config.update(
        SECRET_KEY=config.secret_key,
        BURNLINK=config,
        MAX_CONTENT_LENGTH=config.max_body,
        MAX_FORM_MEMORY_SIZE=config.max_body,
        MAX_FORM_PARTS=64,
    )
    if config.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    embedded = False
    if redis_client is None:
        redis_client, embedded = connect(config.redis_url, timeout=config.redis_timeout)
    if embedded:
        log.warning(
            "REDIS_URL is not set: using the embedded in-memory store. Secrets live only in this "
            "process's memory and vanish when it restarts; set REDIS_URL for anything real."
        )
    store = Store(
        redis_client,
        prefix=config.key_prefix,
        max_failures=config.max_failures,
        receipt_retention=config.receipt_retention,
    )
    app.extensions["burnlink"] = Services(config, redis_client, store, ManageTokens(config.secret_key), embedded)

    app.register_blueprint(api.bp)
    app.register_blueprint(api.health)
    app.register_blueprint(web.bp)
    app.register_error_handler(Exception, _handle_error)
    app.after_request(apply_security_headers)
    init_observability(app)
    app.extensions["burnlink_limiter"] = init_rate_limits(app, config)
    return app


class _NoSessions(SessionInterface):
    """burnlink sets no cookies; a null session for every request."""

    def open_session(self, app: Flask, request: Any) -> None:
        return None

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


def as_burnlink_error(exc: Exception) -> BurnlinkError:
    """Map any exception to a :class:`BurnlinkError` (the one place that does)."""
    if isinstance(exc, BurnlinkError):
        return exc
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        detail = {
            413: "The request body is larger than this server accepts.",
            404: "There is nothing at this address.",
        }.get(status, exc.description or "")
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
        return BurnlinkError(detail, status=status, code=_HTTP_CODES.get(status, "http_error"), headers=headers)
    if isinstance(exc, RedisError):
        log.warning("storage unavailable: %s", type(exc).__name__)
        return StorageUnavailable()
    # The message may quote input; log the type and the frames only.
    log.error("unhandled %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    return BurnlinkError("Something went wrong on our side.", status=500, code="internal_error")


def _handle_error(exc: Exception) -> Response:
    err = as_burnlink_error(exc)
    if is_api(request.path):
        return api.problem(err)
    return web.render_error_page(err.status)
