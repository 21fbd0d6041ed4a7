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
from .headers import apply_security_headers, is_api
from .identity import TrustedUserHeader
from .limits import init_rate_limits, retry_after
from .notify import Notifications
from .observability import init_observability
from .problems import problem_response, to_problem
from .services import Services
from .sessions import RedisSessions
from .tokens import ManageTokens

log = logging.getLogger("burnlink")


def create_app(config: Config | None = None, *, redis_client: Any = None) -> Flask:
    """Build the burnlink app from ``config`` (default: :func:`load_config` of the environment).

    ``redis_client`` replaces the connection ``config.redis_url`` names (tests pass fakeredis).
    """
    config = config or load_config()
    app = Flask("app", template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.config.update(
        SECRET_KEY=config.secret_key,
        BURNLINK=config,
        MAX_CONTENT_LENGTH=config.max_body,
        MAX_FORM_MEMORY_SIZE=config.max_body,
        MAX_FORM_PARTS=64,
    )
    i18n.init_i18n(app)
    # Bodies arrive whole, in time and within the limit, before any view runs (bodies.py).
    app.wsgi_app = BodyDeadline(app.wsgi_app, limit=config.max_body, seconds=config.body_timeout)  # type: ignore[method-assign]
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
    if config.trusted_user_header:
        # Outermost, so the address it checks is the connection's own, not one ProxyFix believed.
        app.wsgi_app = TrustedUserHeader(app.wsgi_app, config.trusted_user_header,  # type: ignore[method-assign]
                                         config.trusted_proxy_networks)

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
    app.after_request(apply_security_headers)
    init_observability(app)
    # After the logging and limiting hooks, so a refused body is logged and counted like any request.
    app.before_request(refuse_unread_body)
    return app


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
