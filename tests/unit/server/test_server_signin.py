"""The sign-in routes (app/server/signin.py) without a provider: what they do with a discovery document
already in hand (or none to be had), refusals at the callback, sign-out's CSRF check, and the header.
The whole round trip through a real provider is tests/browser/test_signin.py."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import fakeredis
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.identity import digest
from app.server import signin
from app.server.sessions import COOKIE
from tests.conftest import testing_config as settings_for_tests
from tests.support import free_port

ISSUER = "https://id.example.com"
OIDC = {"oidc_issuer": ISSUER, "oidc_client_id": "burnlink", "oidc_client_secret": "client-secret"}
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/jwks",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
}
HTML = {"Accept": "text/html"}


def with_metadata(app: Flask, **changes: Any) -> Flask:
    """As if discovery had already run and found ``METADATA`` (with ``changes``)."""
    app.extensions[signin._CLIENT].server_metadata.update({**METADATA, **changes, "_loaded_at": time.time()})
    return app


def stored_session(app: Flask, client: FlaskClient) -> dict[str, Any] | None:
    cookie = client.get_cookie(COOKIE)
    if cookie is None:
        return None
    raw = app.extensions["burnlink"].client.get(f"{app.config['BURNLINK'].key_prefix}:sess:{digest(cookie.value)}")
    return json.loads(raw) if raw else None


def signed_in(app: Flask, email: str = "alice@example.com") -> tuple[FlaskClient, dict[str, Any]]:
    """A client holding a signed-in session for ``email``."""
    session_id = secrets.token_urlsafe(32)
    data = {"email": email, "sub": "sub-1", "csrf": secrets.token_urlsafe(32), "exp": time.time() + 3600}
    app.extensions["burnlink"].accounts.save_session(session_id, data, 3600)
    client = app.test_client()
    client.set_cookie(COOKIE, session_id)
    return client, data


def test_no_sign_in_routes_without_an_issuer(client: FlaskClient) -> None:
    assert client.get("/signin", headers=HTML).status_code == 404
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'class="who"' not in page and "csrf-token" not in page


def test_signin_starts_the_code_flow_with_pkce_and_a_nonce(make_app: Any) -> None:
    app = with_metadata(make_app(**OIDC))
    client = app.test_client()
    response = client.get("/signin?next=/s/AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == METADATA["authorization_endpoint"]
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["client_id"] == "burnlink" and query["response_type"] == "code"
    assert query["scope"] == "openid email profile" and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://localhost/signin/callback"
    stored = stored_session(app, client)
    assert stored is not None and "email" not in stored
    assert stored["signin_next"] == "/s/AAAAAAAAAAAAAAAAAAAAAA"
    state = stored[f"_state_oidc_{query['state']}"]["data"]
    assert state["nonce"] == query["nonce"] and state["code_verifier"]


@pytest.mark.parametrize("next_path", ["//evil.example/x", "https://evil.example/", "/signin?next=/", "/signout", "\\\\evil", ""])
def test_next_is_only_ever_a_path_here_and_never_back_into_sign_in(make_app: Any, next_path: str) -> None:
    app = with_metadata(make_app(**OIDC))
    client = app.test_client()
    assert client.get("/signin", query_string={"next": next_path}).status_code == 302
    assert stored_session(app, client)["signin_next"] == "/"


def test_an_unreachable_issuer_gets_a_friendly_page(make_app: Any) -> None:
    app = make_app(oidc_issuer=f"http://127.0.0.1:{free_port()}", oidc_client_id="c", oidc_client_secret="s")
    client = app.test_client()
    response = client.get("/signin?next=/", headers=HTML)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "The sign-in service cannot be reached right now" in response.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None
    # A page like any other: the security headers, and never cached.
    assert response.headers["Cache-Control"] == "no-store" and "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("changes", [
    {"issuer": "https://other.example.com"},
    {"authorization_endpoint": "http://id.example.com/authorize"},
    {"token_endpoint": "http://127.0.0.1:9/token"},  # loopback, but the issuer is https: still https only
    {"jwks_uri": "ftp://id.example.com/jwks"},
])
def test_a_discovery_document_for_another_issuer_or_over_plain_http_is_not_used(make_app: Any, changes: dict) -> None:
    app = make_app(**OIDC)
    with_metadata(app, **changes)
    response = app.test_client().get("/signin", headers=HTML)
    assert response.status_code == 503
    assert "_loaded_at" not in app.extensions[signin._CLIENT].server_metadata  # asked again next time


def test_plain_http_endpoints_only_on_loopback_and_never_in_production() -> None:
    config = settings_for_tests(oidc_issuer="http://127.0.0.1:8080", oidc_client_id="c", oidc_client_secret="s")
    assert signin._transport_allowed("http://127.0.0.1:8080/token", config)
    assert signin._transport_allowed("http://localhost:8080/token", config)
    assert signin._transport_allowed("http://[::1]:8080/token", config)
    assert not signin._transport_allowed("http://10.0.0.1/token", config)
    assert not signin._transport_allowed("http://id.example.com/token", config)
    production = replace(config, env="production")
    assert not signin._transport_allowed("http://127.0.0.1:8080/token", production)
    assert signin._transport_allowed("https://id.example.com/token", production)
    https_issuer = replace(config, oidc_issuer=ISSUER)
    assert not signin._transport_allowed("http://127.0.0.1:8080/token", https_issuer)


def test_a_refusal_at_the_provider_gets_a_friendly_page(make_app: Any) -> None:
    app = with_metadata(make_app(**OIDC))
    response = app.test_client().get("/signin/callback?error=access_denied&state=abc", headers=HTML)
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "cancelled or refused at the identity provider" in body and 'href="/signin?next=/"' in body


def test_a_callback_whose_state_this_browser_never_sent_is_refused(make_app: Any) -> None:
    app = with_metadata(make_app(**OIDC))
    client = app.test_client()
    assert client.get("/signin?next=/s/AAAAAAAAAAAAAAAAAAAAAA").status_code == 302
    response = client.get("/signin/callback?code=abc&state=not-the-state", headers=HTML)
    assert response.status_code == 400
    assert "This sign-in expired or did not start on this page" in response.get_data(as_text=True)
    # The round trip is over: its pending session ended with it.
    assert stored_session(app, client) is None and client.get_cookie(COOKIE) is None


def test_the_refusal_pages_speak_the_readers_language(make_app: Any) -> None:
    app = with_metadata(make_app(**OIDC))
    response = app.test_client().get("/signin/callback?error=access_denied", headers={**HTML, "Accept-Language": "de"})
    assert "Die Anmeldung wurde beim Identitätsanbieter abgebrochen oder abgelehnt." in response.get_data(as_text=True)


def test_sign_out_needs_the_sessions_csrf_token(make_app: Any) -> None:
    app = make_app(**OIDC)
    client, data = signed_in(app)
    for form in ({}, {"csrf_token": "wrong"}):
        response = client.post("/signout", data=form, headers=HTML)
        assert response.status_code == 403
        assert "did not come from this site" in response.get_data(as_text=True)
        assert stored_session(app, client) is not None
    response = client.post("/signout", data={"csrf_token": data["csrf"]})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert stored_session(app, client) is None and client.get_cookie(COOKIE) is None


def test_sign_out_without_a_session_just_goes_home(make_app: Any) -> None:
    response = make_app(**OIDC).test_client().post("/signout")
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_the_header_shows_who_is_signed_in_and_the_csrf_token(make_app: Any) -> None:
    app = make_app(**OIDC)
    client, data = signed_in(app)
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert '<span data-i18n="signed_in_as">Signed in as</span>' in page
    assert ">alice@example.com</bdi>" in page
    assert f'<meta name="csrf-token" content="{data["csrf"]}">' in page
    assert f'<input type="hidden" name="csrf_token" value="{data["csrf"]}">' in page
    anonymous = app.test_client().get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers=HTML).get_data(as_text=True)
    assert 'href="/signin?next=/s/AAAAAAAAAAAAAAAAAAAAAA" data-i18n="sign_in">Sign in</a>' in anonymous
    assert "csrf-token" not in anonymous


def test_behind_a_proxy_the_header_names_the_proxys_user_without_sign_in_or_out(make_app: Any) -> None:
    app = make_app(trusted_user_header="X-Forwarded-Email", trusted_proxy_networks=("127.0.0.0/8",))
    page = app.test_client().get("/", headers={**HTML, "X-Forwarded-Email": "proxied-bob@example.com"},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert ">proxied-bob@example.com</bdi>" in page and 'name="csrf-token"' in page
    assert "/signout" not in page and "/signin" not in page
    # From anywhere else the header is not believed.
    page = app.test_client().get("/", headers={**HTML, "X-Forwarded-Email": "proxied-bob@example.com"},
                                 environ_base={"REMOTE_ADDR": "192.0.2.7"}).get_data(as_text=True)
    assert "proxied-bob@example.com" not in page


def test_the_header_strings_are_in_every_scripts_catalog(client: FlaskClient) -> None:
    from tests.support import ROOT

    for path in sorted((ROOT / "static" / "i18n").glob("*.json")):
        catalog = json.loads(path.read_text(encoding="utf-8"))
        assert all(catalog.get(key) for key in ("signed_in_as", "sign_out", "sign_in")), path.name


def test_a_creator_session_and_the_fakeredis_app_fixture_agree(make_app: Any) -> None:
    """The sessions the tests above plant are the ones the app reads (same prefix, same shape)."""
    app = make_app(**OIDC, redis_client=fakeredis.FakeRedis(server=fakeredis.FakeServer()))
    client, _ = signed_in(app, "carol@example.com")
    assert ">carol@example.com</bdi>" in client.get("/", headers=HTML).get_data(as_text=True)


def test_starting_sign_ins_is_rate_limited_like_creating(make_app: Any) -> None:
    app = with_metadata(make_app(**OIDC, rate_limits=True, rate_create="2/minute"))
    client = app.test_client()
    assert [client.get("/signin", headers=HTML).status_code for _ in range(3)] == [302, 302, 429]
    # The callback and sign-out are not counted in that bucket.
    assert client.get("/signin/callback?error=access_denied", headers=HTML).status_code == 403
