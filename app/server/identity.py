"""Who is asking: an API token, an authenticating proxy's header, or a sign-in session.

Resolved once per request (:func:`current_creator`) and only by the views that care: the
reveal path never looks. A request that a cookie or the proxy authenticates and that changes
something must carry the CSRF token its page was given (``X-CSRF-Token`` or a ``csrf_token``
form field); a bearer token needs none, as no browser sends one by itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import g, request, session

from ..core.errors import BurnlinkError, ErrorCode, Unauthorized
from ..core.identity import Creator, in_networks, is_api_token, normal_email
from .services import services

PROXY_USER = "burnlink.proxy_user"
_SAFE = ("GET", "HEAD", "OPTIONS")


class TrustedUserHeader:
    """WSGI middleware: the proxy's user header is believed only from the proxy's networks.

    It runs before anything else (and before ProxyFix), so the address it checks is the
    connection's own. The header is removed from every request; a believed value moves to
    ``environ["burnlink.proxy_user"]``, where nobody outside can put one.
    """

    def __init__(self, app: Any, header: str, networks: tuple[str, ...]) -> None:
        self.app = app
        self.key = "HTTP_" + header.upper().replace("-", "_")
        self.networks = networks

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        value = environ.pop(self.key, None)
        environ.pop(PROXY_USER, None)
        if value is not None and in_networks(environ.get("REMOTE_ADDR", ""), self.networks):
            environ[PROXY_USER] = value
        return self.app(environ, start_response)


def bearer() -> str | None:
    """The bearer credential of this request, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_creator() -> Creator | None:
    """The creator behind this request, or ``None`` for an anonymous one.

    An API token that is unknown, revoked or expired is refused (401) rather than taken
    for anonymous, so a script with a dead token learns it at once.
    """
    if "creator" in g:
        return g.creator
    creator = _resolve()
    g.creator = creator
    if creator is not None and creator.via != "token" and request.method not in _SAFE:
        check_csrf()
    return creator


def _resolve() -> Creator | None:
    svc = services()
    admins = {a.lower() for a in svc.config.admins}
    token = bearer()
    if token is not None and is_api_token(token):
        email = svc.accounts.token_owner(token)
        if email is None:
            raise Unauthorized("This API token is unknown, revoked or expired.")
        return Creator(email, "token", email in admins)
    proxied = request.environ.get(PROXY_USER)
    if proxied is not None:
        email = normal_email(proxied)
        return Creator(email, "proxy", email in admins) if email else None
    email = session.get("email") if session else None
    if isinstance(email, str):
        return Creator(email, "session", email in admins, sub=str(session.get("sub", "")))
    return None


def csrf_token() -> str:
    """The CSRF token of this request's creator (``""`` when a cookie or proxy signs in nobody)."""
    creator = current_creator() if "creator" in g else _resolve()
    if creator is None or creator.via == "token":
        return ""
    if creator.via == "session":
        return str(session.get("csrf", ""))
    # Behind a proxy there is no session of ours: the token is a MAC of the address.
    key = services().config.secret_key.encode()
    return hmac.new(key, b"csrf:" + creator.email.encode(), hashlib.sha256).hexdigest()


def check_csrf() -> None:
    """Refuse (403 ``csrf_failed``) a state change whose CSRF token is missing or wrong."""
    sent = request.headers.get("X-CSRF-Token") or (request.form.get("csrf_token") if request.form else None) or ""
    expected = csrf_token()
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BurnlinkError(code=ErrorCode.CSRF_FAILED)
