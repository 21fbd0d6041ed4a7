"""Signing in with OpenID Connect, in a real Chromium, through the real redirects.

A real provider (oidc-provider-mock, tests/support/oidc.py) and a real gunicorn burnlink on a
private redis-server, set up as an operator would: ``BURNLINK_OIDC_*``, ``BURNLINK_CREATORS=@example.com``.
The browser goes to the provider's authorization page, types the ``sub`` and comes back; every
check below is on what the browser holds, what the server answered, and what Redis keeps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import redis
from playwright.sync_api import BrowserContext, Page, Request, Response, Route, expect

from app.core.identity import digest, user_key
from tests.support import GunicornProcess
from tests.support.oidc import OidcProvider

REVEAL_PATH = "/s/AAAAAAAAAAAAAAAAAAAAAA"  # any page with the header; this secret need not exist
COOKIE = "burnlink_session"


@dataclass
class Site:
    server: GunicornProcess
    provider: OidcProvider
    redis: Any
    prefix: str

    @property
    def url(self) -> str:
        return self.server.url

    def session_data(self, session_id: str) -> dict[str, Any] | None:
        raw = self.redis.get(f"{self.prefix}:sess:{digest(session_id)}")
        return json.loads(raw) if raw else None

    def sessions_of(self, email: str) -> set[bytes]:
        return self.redis.smembers(f"{self.prefix}:user:{user_key(email)}:sess")


@pytest.fixture(scope="module")
def site(redis_url: str) -> Iterator[Site]:
    provider = OidcProvider().start()
    prefix = f"blsignin{secrets.token_hex(3)}"
    server = GunicornProcess(redis_url, workers=2, env={
        **provider.env(), "BURNLINK_CREATORS": "@example.com", "BURNLINK_ADMINS": "admin@example.com",
        "BURNLINK_KEY_PREFIX": prefix,
    })
    try:
        server.start()
        yield Site(server, provider, redis.Redis.from_url(redis_url), prefix)
    finally:
        server.stop()
        provider.stop()


def browser_page(new_page: Any) -> Page:
    page = new_page()
    # Only loopback: the provider's page asks a CDN for a stylesheet this machine cannot reach.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    return page


def session_cookie(context: BrowserContext) -> dict[str, Any] | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def to_provider(page: Page, site: Site, start: str = REVEAL_PATH) -> None:
    """From a burnlink page, follow its "Sign in" link to the provider's authorization page."""
    page.goto(site.url + start)
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.wait_for_url(site.provider.issuer + "/oauth2/authorize?*")


def authorize(page: Page, site: Site, sub: str) -> Response:
    """On the provider's page: type ``sub``, submit, and return burnlink's answer at the callback."""
    page.fill("input[name=sub]", sub)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/signin/callback") as answer:
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()
    return answer.value


def sign_in(page: Page, site: Site, sub: str = "alice") -> str:
    """Sign in as ``sub`` from the reveal page; the session id the browser ends up with."""
    to_provider(page, site)
    assert authorize(page, site, sub).status == 303
    expect(page.locator(".who bdi")).to_have_text(f"{sub}@example.com")
    cookie = session_cookie(page.context)
    assert cookie is not None
    return cookie["value"]


def test_alice_signs_in_through_the_real_redirects_and_signs_out(new_page: Any, site: Site) -> None:
    page = browser_page(new_page)
    authorizations: list[str] = []
    set_cookies: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.startswith(site.provider.issuer + "/oauth2/authorize"):
            authorizations.append(request.url)

    def on_response(response: Response) -> None:
        if response.url.startswith(site.url):
            set_cookies.extend(h["value"] for h in response.headers_array() if h["name"].lower() == "set-cookie")

    page.on("request", on_request)
    page.on("response", on_response)

    # Reading a page sets no cookie: an anonymous visitor has no session.
    page.goto(site.url + REVEAL_PATH)
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_have_attribute("href", f"/signin?next={REVEAL_PATH}")
    assert session_cookie(page.context) is None and set_cookies == []

    to_provider(page, site)
    pending = session_cookie(page.context)
    assert pending is not None
    pending_data = site.session_data(pending["value"])
    assert pending_data is not None and "email" not in pending_data

    # The authorization request: code flow, our scopes, a nonce, and PKCE with S256.
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorizations[0]).query).items()}
    assert query["response_type"] == "code" and query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256" and re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"])
    assert query["nonce"] and query["state"]
    assert query["redirect_uri"] == site.url + "/signin/callback"

    answer = authorize(page, site, "alice")
    assert answer.status == 303
    page.wait_for_url(site.url + REVEAL_PATH)
    expect(page.locator(".who")).to_contain_text("Signed in as")
    expect(page.locator(".who bdi")).to_have_text("alice@example.com")

    # The code was redeemed with the verifier whose S256 is the challenge sent before.
    verifier = site.provider.token_requests[-1]["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"]

    # A new session id at sign-in (fixation): the pending one is gone from Redis.
    cookie = session_cookie(page.context)
    assert cookie is not None and cookie["value"] != pending["value"]
    assert site.session_data(pending["value"]) is None
    data = site.session_data(cookie["value"])
    assert data is not None and data["email"] == "alice@example.com" and data["sub"] == "alice"
    assert digest(cookie["value"]).encode() in site.sessions_of("alice@example.com")
    # The cookie: HttpOnly, SameSite=Lax, and Secure (BURNLINK_ENV=testing is not development).
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["secure"]
    signed_in_header = next(h for h in set_cookies if h.startswith(f"{COOKIE}={cookie['value']};"))
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= {part.strip() for part in signed_in_header.split(";")}

    # The page carries the session's CSRF token for scripts and for the sign-out form.
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    assert token == data["csrf"] and page.locator(".who input[name=csrf_token]").input_value() == token

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(site.url + "/")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert page.locator("meta[name=csrf-token]").count() == 0
    assert session_cookie(page.context) is None
    assert site.session_data(cookie["value"]) is None
    assert digest(cookie["value"]).encode() not in site.sessions_of("alice@example.com")

    # Neither session id, nor the code, nor the verifier ever reached the server's log.
    log = site.server.output()
    for value in (pending["value"], cookie["value"], verifier, query["state"], query["nonce"]):
        assert value not in log


def test_an_unverified_address_is_refused(new_page: Any, site: Site) -> None:
    page = browser_page(new_page)
    to_provider(page, site)
    answer = authorize(page, site, "mallory")
    assert answer.status == 403
    expect(page.locator("main")).to_contain_text("has not verified the e-mail address")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    expect(page.locator(".who bdi")).to_have_count(0)
    # The round trip's pending session ended with it; nothing was kept for mallory.
    assert session_cookie(page.context) is None
    assert site.sessions_of("mallory@example.com") == set()


def test_an_address_outside_the_creators_list_is_refused(new_page: Any, site: Site) -> None:
    page = browser_page(new_page)
    to_provider(page, site)
    answer = authorize(page, site, "eve")
    assert answer.status == 403
    expect(page.locator("main")).to_contain_text("eve@other.test may not create links on this service")
    expect(page.locator(".who bdi")).to_have_count(0)
    assert session_cookie(page.context) is None
    assert site.sessions_of("eve@other.test") == set()


def test_sign_out_without_the_csrf_token_is_refused(new_page: Any, site: Site) -> None:
    page = browser_page(new_page)
    session_id = sign_in(page, site)
    # The browser's own cookie jar, so the session cookie goes along as a cross-site form's would.
    for form in ({}, {"csrf_token": "not-the-token"}):
        answer = page.request.post(site.url + "/signout", form=form, max_redirects=0)
        assert answer.status == 403
        assert "did not come from this site" in answer.text()
    assert site.session_data(session_id) is not None
    page.reload()
    expect(page.locator(".who bdi")).to_have_text("alice@example.com")


def test_a_tampered_state_is_refused(new_page: Any, site: Site) -> None:
    page = browser_page(new_page)
    held: list[str] = []

    def hold(route: Route) -> None:
        # Keep the provider's answer (a redirect to the callback) back, as an attacker who has it would.
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)
        held.append(answer.headers["location"])
        route.fulfill(status=204)

    page.route(re.compile(re.escape(site.provider.issuer) + r"/oauth2/authorize\?"), hold)
    to_provider(page, site)
    page.fill("input[name=sub]", "alice")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Authorize").click()
    assert len(held) == 1 and held[0].startswith(site.url + "/signin/callback?")

    genuine = urlsplit(held[0])
    params = {k: v[0] for k, v in parse_qs(genuine.query).items()}
    assert params["code"] and params["state"]
    forged = "x" if params["state"][-1] != "x" else "y"
    tampered = urlunsplit(genuine._replace(query=urlencode({**params, "state": params["state"][:-1] + forged})))
    answer = page.goto(tampered)
    assert answer is not None and answer.status == 400
    expect(page.locator("main")).to_contain_text("This sign-in expired or did not start on this page")
    expect(page.locator(".who bdi")).to_have_count(0)
    assert session_cookie(page.context) is None
    # The refused callback spent the round trip: the genuine answer cannot be replayed after it.
    answer = page.goto(held[0])
    assert answer is not None and answer.status == 400
    expect(page.locator(".who bdi")).to_have_count(0)
    assert session_cookie(page.context) is None


def test_an_admin_ending_alices_sessions_signs_her_out_on_the_next_request(new_page: Any, site: Site) -> None:
    alice = browser_page(new_page)
    session_id = sign_in(alice, site)
    # The admin signs in the same way, in a browser of their own, and offboards alice through the API.
    admin = browser_page(new_page)
    to_provider(admin, site)
    assert authorize(admin, site, "admin").status == 303
    csrf = admin.locator("meta[name=csrf-token]").get_attribute("content")
    assert csrf
    refused = admin.request.delete(site.url + "/api/v1/creators/alice@example.com/sessions")
    assert refused.status == 403 and refused.json()["code"] == "csrf_failed"
    assert site.session_data(session_id) is not None
    answer = admin.request.delete(site.url + "/api/v1/creators/alice@example.com/sessions", headers={"X-CSRF-Token": csrf})
    assert answer.status == 200 and answer.json()["sessions_ended"] >= 1
    assert site.session_data(session_id) is None
    alice.reload()
    expect(alice.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(alice.locator(".who bdi")).to_have_count(0)
    # Her old cookie signs nobody in any more: the same call from her browser is anonymous.
    assert alice.request.delete(site.url + "/api/v1/creators/bob@example.com/sessions").status == 401
    # The admin is still signed in.
    admin.reload()
    expect(admin.locator(".who bdi")).to_have_text("admin@example.com")
