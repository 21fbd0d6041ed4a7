"""Creators sign in with OpenID Connect: ``/signin``, ``/signin/callback`` and ``POST /signout``.

Authlib's Flask client does the protocol: discovery from the issuer's
``/.well-known/openid-configuration``, the authorization code flow with PKCE (S256), and the ID
token's checks (signature, issuer, audience, expiry, nonce). It keeps the round trip's state,
nonce and code verifier in ``flask.session``, which is our Redis session (``sessions.py``): a
short pending session that signing in replaces with a fresh one. What is kept of the identity is
the verified e-mail address and the ``sub``; an unverified address, or one outside
``BURNLINK_CREATORS``, is refused with a page that says so. Every failure at the provider
(refused, expired or forged state, unreachable) ends in a friendly page, never a 500.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, Response, current_app, redirect, request, session, url_for

from ..core.config import Config
from ..core.errors import BurnlinkError
from ..core.identity import normal_email
from . import identity, sessions
from .i18n import N_, gettext, same_site_path
from .identity import PROXY_USER
from .pages import STATUS_TITLES, page
from .services import services

log = logging.getLogger("burnlink.signin")

SCOPES = "openid email profile"
# Seconds to wait for the identity provider (discovery, keys, token, userinfo).
PROVIDER_TIMEOUT = 10
_CLIENT = "burnlink.oidc"
_NEXT = "signin_next"
_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint")

UNAVAILABLE = N_("The sign-in service cannot be reached right now. Please try again in a moment.")
EXPIRED = N_("This sign-in expired or did not start on this page. Please sign in again.")
REFUSED = N_("The sign-in was cancelled or refused at the identity provider.")
FAILED = N_("The identity provider's answer could not be verified, so nobody was signed in. Please sign in again.")
UNVERIFIED = N_("Your identity provider has not verified the e-mail address of this account, so it cannot sign in here.")
# The sentence of a csrf_failed problem (problems.py): one translation serves both.
STALE_FORM = N_("This form has expired or did not come from this site; reload the page and try again.")
NOT_CREATOR = N_("%(email)s may not create links on this service. Ask its administrators to add you, or sign in with another account.")


class SignInFailed(Exception):
    """A sign-in that ends on a page: the HTTP status and the sentence to show (never leaves this module)."""

    def __init__(self, status: int, message: str, **values: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.values = values


def init_app(app: Flask, config: Config) -> None:
    """Register the OpenID client and the sign-in routes on ``app`` (only when an issuer is set)."""
    oauth = OAuth(app)
    issuer = config.oidc_issuer.rstrip("/")
    oauth.register(
        "oidc",
        client_id=config.oidc_client_id,
        client_secret=config.oidc_client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": PROVIDER_TIMEOUT},
    )
    app.extensions[_CLIENT] = oauth.create_client("oidc")
    bp = Blueprint("signin", __name__)
    # Each start writes a short session to Redis: counted like creates, in a bucket of its own.
    limiter = app.extensions["burnlink"].limiter
    limited = limiter.limit(config.rate_create, scope="signin") if limiter is not None else (lambda view: view)
    bp.add_url_rule("/signin", "signin", limited(signin), methods=["GET"])
    bp.add_url_rule("/signin/callback", "callback", callback, methods=["GET"])
    bp.add_url_rule("/signout", "signout", signout, methods=["POST"])
    app.register_blueprint(bp)


def _client() -> Any:
    return current_app.extensions[_CLIENT]


def _transport_allowed(url: object, config: Config) -> bool:
    """https; plain http only on a loopback address, outside production, for an issuer itself on plain http.

    The settings refuse any other plain-http issuer at start (``identity_problems``); Authlib's
    client would follow whatever the discovery document names, so the same rule is held here for
    each endpoint, and no process-wide switch (``AUTHLIB_INSECURE_TRANSPORT``) is needed.
    """
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or config.production or urlsplit(config.oidc_issuer).scheme != "http":
        return False
    host = parts.hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _provider(config: Config) -> Any:
    """The OpenID client, its discovery document loaded and checked; :class:`SignInFailed` when it cannot be."""
    client = _client()
    try:
        metadata = client.load_server_metadata()
    except Exception as err:  # requests' errors, a non-JSON answer: the provider is not usable now
        log.warning("sign-in: the issuer's discovery document could not be read (%s)", type(err).__name__)
        raise SignInFailed(503, UNAVAILABLE) from None
    # Discovery's own rule (the document names the issuer it was fetched for), and the transport
    # rule the settings apply to the issuer holds for every endpoint it points to.
    issuer_ok = str(metadata.get("issuer", "")).rstrip("/") == config.oidc_issuer.rstrip("/")
    endpoints_ok = all(_transport_allowed(metadata.get(name), config) for name in _ENDPOINTS if name in metadata)
    if not issuer_ok or not endpoints_ok or "authorization_endpoint" not in metadata:
        client.server_metadata.pop("_loaded_at", None)  # read it again next time
        log.warning("sign-in: the discovery document names another issuer or an endpoint over plain http")
        raise SignInFailed(503, UNAVAILABLE)
    return client


def _next_path(value: str | None) -> str:
    path = same_site_path(value)
    # Never back into the sign-in routes: a provider that consents silently would loop.
    return "/" if path.startswith(("/signin", "/signout")) else path


def signin() -> Response:
    """Start the authorization code flow with PKCE; ``?next=`` is where to come back to (a path here)."""
    config = services().config
    try:
        client = _provider(config)
        session[_NEXT] = _next_path(request.args.get("next"))
        # This server's own address, not BASE_URL: an internal deployment may make links for a
        # public reveal-only one. The provider accepts only the redirect URI registered with it.
        return client.authorize_redirect(url_for("signin.callback", _external=True))
    except SignInFailed as failed:
        return _failure_page(failed, _next_path(request.args.get("next")))


def callback() -> Response:
    """Finish the flow: exchange the code, check the ID token and the address, and sign the creator in."""
    config = services().config
    try:
        email, sub = _verified_identity(config)
        creators = services().creators
        if not (creators.allows(email) or email in {a.lower() for a in config.admins}):
            raise SignInFailed(403, NOT_CREATOR, email=email)
    except SignInFailed as failed:
        target = _next_path(session.get(_NEXT))
        _forget_round_trip()
        return _failure_page(failed, target)
    target = _next_path(session.get(_NEXT))
    sessions.start_signed_in(session, email, sub, config.session_ttl)  # type: ignore[arg-type]
    log.info("sign-in: a creator signed in")
    return redirect(target, code=303)


def _verified_identity(config: Config) -> tuple[str, str]:
    """The verified, normalised e-mail and the ``sub`` of the provider's answer to this callback."""
    error = request.args.get("error")
    if error:
        log.info("sign-in: the provider answered %s", error if re.fullmatch(r"[a-z_]{1,40}", error) else "an error")
        raise SignInFailed(403 if error == "access_denied" else 400, REFUSED)
    client = _provider(config)
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        log.info("sign-in: a callback came with a state this session did not send")
        raise SignInFailed(400, EXPIRED) from None
    except Exception as err:  # the token endpoint's refusal, a bad ID token, the network
        log.warning("sign-in: the callback was refused (%s)", type(err).__name__)
        if _unreachable(err):
            raise SignInFailed(503, UNAVAILABLE) from None
        raise SignInFailed(400, FAILED) from None
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        # Authlib validates the ID token whenever one came back for a nonce we sent; none came.
        raise SignInFailed(400, FAILED)
    if "email" not in claims or "email_verified" not in claims:
        claims = _with_userinfo(client, token, claims)
    email = normal_email(claims.get("email"))
    verified = claims.get("email_verified")
    # A boolean, as the standard says; a few providers send the string "true".
    if email is None or not (verified is True or (isinstance(verified, str) and verified.lower() == "true")):
        raise SignInFailed(403, UNVERIFIED)
    return email, str(claims["sub"])


def _with_userinfo(client: Any, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with what is missing taken from the userinfo endpoint (same ``sub`` only)."""
    if "userinfo_endpoint" not in client.server_metadata:
        return claims
    try:
        extra = dict(client.userinfo(token=token))
    except Exception as err:
        log.warning("sign-in: the userinfo endpoint could not be read (%s)", type(err).__name__)
        raise SignInFailed(503, UNAVAILABLE) from None
    if extra.get("sub") != claims["sub"]:
        raise SignInFailed(400, FAILED)
    return {**extra, **claims}


def _unreachable(err: Exception) -> bool:
    from requests import ConnectionError as Unreachable
    from requests import Timeout

    return isinstance(err, Unreachable | Timeout)


def _forget_round_trip() -> None:
    """Drop what the refused round trip left in the session (a pending session then ends)."""
    for key in [k for k in session if k.startswith("_state_oidc_") or k == _NEXT]:
        session.pop(key, None)
    if "email" not in session and not any(k.startswith("_state_oidc_") for k in session):
        session.clear()  # its lifetime ("exp") is all that is left of it


def _failure_page(failed: SignInFailed, next_path: str) -> Response:
    title = STATUS_TITLES.get(failed.status, STATUS_TITLES[500])
    return page("signin_error.html", status=failed.status, title=gettext(title), message=gettext(failed.message, **failed.values),
                retry_url=url_for("signin.signin", next=next_path))


def signout() -> Response:
    """End this browser's session (``csrf_token`` form field required) and go home."""
    if session.get("email"):
        try:
            identity.check_csrf()
        except BurnlinkError:
            return page("signin_error.html", status=403, title=gettext(STATUS_TITLES[403]), message=gettext(STALE_FORM),
                        retry_url=None)
        session.clear()
        log.info("sign-in: a creator signed out")
    return redirect(url_for("web.create_page"), code=303)


def header_state() -> dict[str, Any]:
    """The page header's sign-in state: ``signed_in_email``, ``csrf_token`` and ``sign_in_url``."""
    email: str | None = None
    proxied = request.environ.get(PROXY_USER)
    if proxied is not None:
        email = normal_email(proxied)
    elif session and isinstance(session.get("email"), str):
        email = session["email"]
    token = ""
    if email:
        try:
            token = identity.csrf_token()
        except BurnlinkError:  # a dead API token on a page request: the page still renders
            token = ""
    signs_in = _CLIENT in current_app.extensions
    return {
        "signed_in_email": email,
        "csrf_token": token,
        "sign_in_url": url_for("signin.signin", next=_next_path(request.path)) if signs_in else None,
    }
