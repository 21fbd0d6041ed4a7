"""The application factory: settings in, a wired Flask app out; nothing happens at import time."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask, Response, current_app, request

from ..core.config import Config, load_config
from ..core.errors import BurnlinkError, ConfigError
from ..core.identity import Creators
from ..store import RequestStore, Store, connect
from ..store.accounts import Accounts
from . import account_pages, api, i18n, pages, request_pages, signin
from .assets import STATIC, TEMPLATES
from .bodies import BodyDeadline, refuse_unread_body
from .headers import SecurityHeaders, is_api
from .identity import TrustedUserHeader
from .limits import init_rate_limits, retry_after
from .notify import Notifications
from .observability import RequestLog, init_observability
from .problems import problem_response, to_problem
from .services import Services
from .sessions import RedisSessions
from .tokens import ManageTokens

log = logging.getLogger("burnlink")


class BurnlinkFlask(Flask):
    """Flask, asking once per handler (not on every call) whether it is a coroutine function."""

    _SYNC_CACHE_MAX = 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        """:meth:`Flask.ensure_sync`, remembered: hooks, views and handlers are the same few functions."""
        try:
            return self._sync[func]
        except KeyError:
            wrapped = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_CACHE_MAX:
                self._sync[func] = wrapped
            return wrapped
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def create_app(config: Config | None = None, *, redis_client: Any = None) -> Flask:
    """Build the burnlink app from ``config`` (default: :func:`load_config` of the environment).

    ``redis_client`` replaces the connection ``config.redis_url`` names (tests pass fakeredis).
    """
    config = config or load_config()
    app = BurnlinkFlask("app", template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.config.update(
        SECRET_KEY=config.secret_key,
        BURNLINK=config,
        MAX_CONTENT_LENGTH=config.max_body,
        MAX_FORM_MEMORY_SIZE=config.max_body,
        MAX_FORM_PARTS=64,
    )
    i18n.init_i18n(app)

    embedded = False
    if redis_client is None:
        redis_client, embedded = connect(config.redis_url, timeout=config.redis_timeout)
    if embedded:
        log.warning(
            "REDIS_URL is not set: using the embedded in-memory store. Secrets live only in this "
            "process's memory and vanish when it restarts; set REDIS_URL for anything real."
        )
    store = Store.from_config(redis_client, config)
    if not embedded:
        _say_if_unreachable(store)
    try:
        notifications = Notifications.from_config(config)
    except BurnlinkError as err:
        raise ConfigError(f"BURNLINK_NOTIFY_DEFAULT: {err}") from None
    limiter = init_rate_limits(app, config)
    tokens = ManageTokens(config.secret_key, config.secret_key_fallbacks)
    accounts = Accounts(redis_client, prefix=config.key_prefix, index_ttl=config.ttl_max + config.receipt_retention)
    app.extensions["burnlink"] = Services(config, redis_client, store, tokens, embedded, notifications, limiter,
                                          RequestStore.from_config(redis_client, config), accounts,
                                          Creators.parse(config.creators))
    # The one cookie besides the reader's language (i18n.py): a sign-in session, set only by signing in.
    app.session_interface = RedisSessions(accounts, ttl=config.session_ttl, env=config.env)

    app.register_blueprint(api.build_blueprint(limiter, config))
    app.register_blueprint(api.health)
    app.register_blueprint(pages.bp)
    app.register_blueprint(request_pages.bp)
    app.register_blueprint(account_pages.bp)
    if config.oidc_issuer:
        signin.init_app(app, config)  # /signin, /signin/callback, POST /signout
    if config.oidc_issuer or config.trusted_user_header:
        app.context_processor(signin.header_state)  # the header's "Signed in as …" or "Sign in"
    app.register_error_handler(Exception, _handle_error)
    metrics = init_observability(app)
    # After the limiting hooks, so a refused body is counted like any request.
    app.before_request(refuse_unread_body)
    app.wsgi_app = _middleware(app.wsgi_app, config, metrics)  # type: ignore[method-assign]
    return app


def _middleware(wsgi: Any, config: Config, metrics: Any) -> Any:
    """Wrap Flask's WSGI callable, innermost first."""
    # Every answer Flask makes, errors included, leaves with the security headers.
    wsgi = SecurityHeaders(wsgi)
    # Bodies arrive whole, in time and within the limit, before any view runs (bodies.py).
    wsgi = BodyDeadline(wsgi, limit=config.max_body, seconds=config.body_timeout)
    # Outside the body's reading, so that a line's duration includes a slow upload.
    wsgi = RequestLog(wsgi, metrics, config.log_requests)
    if config.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = config.trusted_proxies
        wsgi = ProxyFix(wsgi, x_for=n, x_proto=n, x_host=n)
    if config.trusted_user_header:
        # Outermost, so the address it checks is the connection's own, not one ProxyFix believed.
        wsgi = TrustedUserHeader(wsgi, config.trusted_user_header, config.trusted_proxy_networks)
    return wsgi


def wsgi_app() -> Flask:
    """The production app: settings from the environment, logs to stderr.

    ``gunicorn 'app.server:wsgi_app()'`` serves an installed burnlink from any directory.
    """
    from .observability import configure_logging

    config = load_config()
    configure_logging(config.log_level)
    return create_app(config)


def _say_if_unreachable(store: Store) -> None:
    # The app starts all the same (it answers 503 and /readyz says so until storage is back),
    # but an operator starting it should hear about a wrong REDIS_URL at once, not from users.
    from redis.exceptions import RedisError

    try:
        store.ping()
    except RedisError as err:
        log.warning("storage cannot be reached (%s): requests will answer 503 until it can; check REDIS_URL.",
                    type(err).__name__)


def _handle_error(exc: Exception) -> Response:
    problem = to_problem(exc)
    if problem.status == 429 and "Retry-After" not in problem.headers:
        # The limiter sends no headers of its own (they would show others' counters); say when to retry.
        problem = replace(problem, headers={**problem.headers, "Retry-After": retry_after(current_app.extensions["burnlink"].limiter)})
    if is_api(request.path):
        return problem_response(problem)
    return pages.render_error_page(problem.status)
