"""The application factory: settings in, a wired Flask app out; nothing happens at import time."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SessionInterface

from ..core.config import Config, load_config
from ..store import Store, connect
from . import api, pages
from .assets import STATIC, TEMPLATES
from .headers import apply_security_headers, is_api
from .limits import init_rate_limits
from .observability import init_observability
from .problems import problem_response, to_problem
from .services import Services
from .tokens import ManageTokens

log = logging.getLogger("burnlink")


def create_app(config: Config | None = None, *, redis_client: Any = None) -> Flask:
    """Build the burnlink app from ``config`` (default: :func:`load_config` of the environment).

    ``redis_client`` replaces the connection ``config.redis_url`` names (tests pass fakeredis).
    """
    config = config or load_config()
    app = Flask("app", template_folder=str(TEMPLATES), static_folder=str(STATIC))
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
    limiter = init_rate_limits(app, config)
    app.extensions["burnlink"] = Services(config, redis_client, store, ManageTokens(config.secret_key), embedded, limiter)

    app.register_blueprint(api.build_blueprint(limiter, config))
    app.register_blueprint(api.health)
    app.register_blueprint(pages.bp)
    app.register_error_handler(Exception, _handle_error)
    app.after_request(apply_security_headers)
    init_observability(app)
    return app


def wsgi_app() -> Flask:
    """The production app: settings from the environment, logs to stderr.

    ``gunicorn 'app.server:wsgi_app()'`` serves an installed burnlink from any directory.
    """
    from .observability import configure_logging

    config = load_config()
    configure_logging(config.log_level)
    return create_app(config)


class _NoSessions(SessionInterface):
    """burnlink sets no cookies; a null session for every request."""

    def open_session(self, app: Flask, request: Any) -> None:
        return None

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


def _handle_error(exc: Exception) -> Response:
    problem = to_problem(exc)
    if is_api(request.path):
        return problem_response(problem)
    return pages.render_error_page(problem.status)
