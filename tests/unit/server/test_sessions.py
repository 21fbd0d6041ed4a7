"""The Redis sessions (app/server/sessions.py) on fakeredis: no cookie until something is kept, a short
life for a sign-in round trip, a new id and the full life at sign-in, and nothing left after an end."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import fakeredis
import pytest
from flask import Flask, session
from flask.testing import FlaskClient

from app.core.identity import digest, user_key
from app.server.sessions import COOKIE, PENDING_TTL, RedisSessions, start_signed_in
from app.store.accounts import Accounts

TTL = 8 * 3600


@pytest.fixture
def redis() -> Any:
    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def build(redis: Any, env: str = "testing") -> Flask:
    """A bare app with the session interface and the steps of a sign-in as routes."""
    app = Flask(__name__)
    app.session_interface = RedisSessions(Accounts(redis, prefix="t"), ttl=TTL, env=env)

    @app.get("/read")
    def read() -> dict[str, Any]:
        return {"email": session.get("email"), "keys": sorted(session)}

    @app.get("/pending")
    def pending() -> str:
        session["_state_oidc_abc"] = {"data": {"nonce": "n"}}
        return "ok"

    @app.get("/signed-in")
    def signed_in() -> str:
        start_signed_in(session, "alice@example.com", "alice-sub", TTL)  # type: ignore[arg-type]
        return "ok"

    @app.get("/clear")
    def clear() -> str:
        session.clear()
        return "ok"

    return app


def set_cookie(response: Any) -> Any:
    """The session cookie the response sets, parsed (``None`` when it sets none)."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie(header)
        if COOKIE in cookie:
            return cookie[COOKIE]
    return None


def session_key(session_id: str) -> str:
    return f"t:sess:{digest(session_id)}"


def test_an_anonymous_request_gets_no_cookie_and_writes_nothing(redis: Any) -> None:
    client = build(redis).test_client()
    response = client.get("/read")
    assert response.json == {"email": None, "keys": []}
    assert set_cookie(response) is None and "Set-Cookie" not in response.headers
    # An unknown id (guessed, or of a session that ended) is an anonymous request, and stays cookie-less.
    client.set_cookie(COOKIE, "made-up-session-id")
    assert set_cookie(client.get("/read")) is None
    assert redis.keys("*") == []


def test_the_whole_app_sets_no_cookie_for_an_anonymous_reader(make_app: Any) -> None:
    client: FlaskClient = make_app(oidc_issuer="https://id.example.com", oidc_client_id="c", oidc_client_secret="s",
                                   creators="signed-in").test_client()
    for path in ("/", "/s/AAAAAAAAAAAAAAAAAAAAAA", "/api/v1/policy"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        assert all(not h.startswith(COOKIE) for h in response.headers.getlist("Set-Cookie")), path


def test_a_sign_in_round_trip_lives_only_minutes(redis: Any) -> None:
    client = build(redis).test_client()
    cookie = set_cookie(client.get("/pending"))
    assert cookie is not None
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) <= PENDING_TTL
    assert 0 < redis.ttl(session_key(cookie.value)) <= PENDING_TTL
    stored = json.loads(redis.get(session_key(cookie.value)))
    assert "email" not in stored and "_state_oidc_abc" in stored
    # Nobody's session list holds a round trip.
    assert redis.keys("t:user:*") == []


def test_development_cookies_are_not_secure(redis: Any) -> None:
    cookie = set_cookie(build(redis, env="development").test_client().get("/pending"))
    assert cookie is not None and not cookie["secure"] and cookie["httponly"]


def test_signing_in_renews_the_id_and_gives_the_full_lifetime(redis: Any) -> None:
    client = build(redis).test_client()
    pending = set_cookie(client.get("/pending")).value
    signed_in = set_cookie(client.get("/signed-in"))
    assert signed_in is not None and signed_in.value != pending
    # The id planted before sign-in (fixation) is gone; the new one holds the creator and a CSRF secret.
    assert redis.get(session_key(pending)) is None
    stored = json.loads(redis.get(session_key(signed_in.value)))
    assert stored["email"] == "alice@example.com" and stored["sub"] == "alice-sub" and len(stored["csrf"]) >= 32
    assert "_state_oidc_abc" not in stored
    assert PENDING_TTL < redis.ttl(session_key(signed_in.value)) <= TTL
    assert int(signed_in["max-age"]) > PENDING_TTL
    assert redis.smembers(f"t:user:{user_key('alice@example.com')}:sess") == {digest(signed_in.value).encode()}
    assert client.get("/read").json["email"] == "alice@example.com"


def test_signing_in_again_makes_yet_another_id(redis: Any) -> None:
    client = build(redis).test_client()
    first = set_cookie(client.get("/signed-in")).value
    second = set_cookie(client.get("/signed-in")).value
    assert first != second and redis.get(session_key(first)) is None


def test_clearing_a_session_ends_it_in_redis_and_in_the_browser(redis: Any) -> None:
    client = build(redis).test_client()
    session_id = set_cookie(client.get("/signed-in")).value
    response = client.get("/clear")
    gone = set_cookie(response)
    assert gone is not None and gone.value == "" and int(gone["max-age"]) == 0
    assert redis.get(session_key(session_id)) is None
    assert redis.smembers(f"t:user:{user_key('alice@example.com')}:sess") == set()
    assert client.get("/read").json["email"] is None


def test_an_ended_session_signs_nobody_in(redis: Any) -> None:
    client = build(redis).test_client()
    set_cookie(client.get("/signed-in"))
    assert Accounts(redis, prefix="t").end_sessions("alice@example.com") == 1
    response = client.get("/read")
    assert response.json["email"] is None and set_cookie(response) is None


def test_a_session_past_its_lifetime_signs_nobody_in(redis: Any) -> None:
    client = build(redis).test_client()
    session_id = set_cookie(client.get("/signed-in")).value
    stored = json.loads(redis.get(session_key(session_id)))
    redis.set(session_key(session_id), json.dumps({**stored, "exp": 1}))
    assert client.get("/read").json["email"] is None
