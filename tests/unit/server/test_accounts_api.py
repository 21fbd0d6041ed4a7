"""The account API on fakeredis: /api/v1/me*, the admins' calls, "Sent by", CSRF, and the policies on every create path.

A creator signs in the way the tests can without an identity provider: an authenticating proxy on
loopback vouches for them (``X-Forwarded-Email``), an API token, or a session stored the way
app/server/sessions.py stores one (its cookie set on the test client).
"""

from __future__ import annotations

import io
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import fakeredis
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core import request as rq
from app.core.protocol import b64u_encode
from app.notifications.worker import Worker
from app.server.sessions import COOKIE
from app.store.accounts import CREATE_GRACE
from tests.support.api import Made, create_body, made_from, problem

ALICE, BOB, CAROL, ADMIN = "alice@example.com", "bob@example.com", "carol@example.org", "root@example.com"
PROXY: dict[str, Any] = {"trusted_user_header": "X-Forwarded-Email", "trusted_proxy_networks": ("127.0.0.0/8", "::1/128")}
S, ME, MINE, TOKENS = "/api/v1/secrets", "/api/v1/me", "/api/v1/me/secrets", "/api/v1/me/tokens"
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}  # not one of the proxy's networks
SLACK = {"type": "slack", "url": "https://hooks.slack.com/services/T000/B000/XXXX"}


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(admins=(ADMIN,), **PROXY)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def accounts(app: Flask) -> Any:
    return app.extensions["burnlink"].accounts


def proxied(client: FlaskClient, email: str, csrf: bool = True) -> dict[str, str]:
    """The headers the proxy adds for ``email``, with the CSRF token its page reads from /api/v1/me."""
    headers = {"X-Forwarded-Email": email}
    if csrf:
        headers["X-CSRF-Token"] = client.get(ME, headers=headers).get_json()["csrf_token"]
    return headers


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_token(app: Flask, email: str, ttl: int = 3600) -> str:
    return accounts(app).issue_token(email, "test", ttl)[0]


def signed_in_session(app: Flask, client: FlaskClient, email: str) -> str:
    """A sign-in session for ``email`` as sessions.py keeps one, its cookie on ``client``; its CSRF token."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    accounts(app).save_session(sid, {"email": email, "sub": "sub-1", "csrf": csrf, "exp": time.time() + 3600}, 3600)
    client.set_cookie(COOKIE, sid)
    return csrf


def make(client: FlaskClient, headers: dict[str, str] | None = None, **extra: Any) -> Made:
    """A secret made with ``headers`` (a creator, or nobody); asserts 201."""
    body, sealed = create_body(code=None, **extra)
    response = client.post(S, json=body, headers=headers or {})
    assert response.status_code == 201, response.get_data(as_text=True)
    return made_from(sealed, response, response.get_json())


def metadata(client: FlaskClient, made: Made) -> Any:
    return client.get(f"{S}/{made.id}", headers={"X-Burnlink-Link": made.link})


def listed(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(MINE, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["secrets"]


# --- who may call --------------------------------------------------------------------------------

ACCOUNT_ROUTES = [("GET", ME), ("GET", MINE), ("DELETE", MINE), ("DELETE", f"{MINE}/{'A' * 22}"), ("GET", TOKENS),
                  ("POST", TOKENS), ("DELETE", f"{TOKENS}/0123456789abcdef"), ("GET", f"/api/v1/creators/{BOB}/secrets"),
                  ("DELETE", f"/api/v1/creators/{BOB}/secrets"), ("DELETE", f"/api/v1/creators/{BOB}/sessions"),
                  ("GET", "/api/v1/audit")]
ADMIN_ROUTES = ACCOUNT_ROUTES[-4:]


@pytest.mark.parametrize(("method", "path"), ACCOUNT_ROUTES)
def test_every_account_route_is_401_for_nobody(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, json={"name": "x"} if method == "POST" else None)
    body = problem(response, 401, "sign_in_required")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Sign in" in body["detail"]


@pytest.mark.parametrize(("method", "path"), ACCOUNT_ROUTES)
def test_a_dead_api_token_is_refused_not_taken_for_nobody(app: Flask, client: FlaskClient, method: str, path: str) -> None:
    token = api_token(app, ALICE)
    accounts(app).revoke_tokens(ALICE)
    problem(client.open(path, method=method, headers=bearer(token)), 401, "unauthorized")


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_the_admin_routes_are_403_for_other_creators(app: Flask, client: FlaskClient, method: str, path: str) -> None:
    for headers in (bearer(api_token(app, ALICE)), proxied(client, ALICE)):
        body = problem(client.open(path, method=method, headers=headers), 403, "policy_forbidden")
        assert body["policy"] == "admins"


def test_me_says_who_how_and_gives_cookie_identities_their_csrf_token(app: Flask, client: FlaskClient) -> None:
    me = client.get(ME, headers={"X-Forwarded-Email": "Alice@Example.COM"}).get_json()
    assert me["email"] == ALICE and me["via"] == "proxy" and me["admin"] is False and len(me["csrf_token"]) >= 32
    assert client.get(ME, headers=bearer(api_token(app, ADMIN))).get_json() == {"email": ADMIN, "admin": True, "via": "token"}
    csrf = signed_in_session(app, client, BOB)
    assert client.get(ME).get_json() == {"email": BOB, "admin": False, "via": "session", "csrf_token": csrf}


def test_a_proxy_header_from_outside_the_proxys_networks_is_ignored(client: FlaskClient) -> None:
    forged = {"X-Forwarded-Email": ALICE}
    problem(client.get(ME, headers=forged, environ_base=OUTSIDE), 401, "sign_in_required")
    body, sealed = create_body(code=None)
    response = client.post(S, json=body, headers=forged, environ_base=OUTSIDE)
    assert response.status_code == 201  # made anonymously: the header was dropped, so no CSRF was asked for either
    assert "sender" not in metadata(client, made_from(sealed, response, response.get_json())).get_json()
    assert listed(client, proxied(client, ALICE)) == []


def test_without_a_trusted_header_setting_the_header_means_nothing(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    problem(client.get(ME, headers={"X-Forwarded-Email": ALICE}), 401, "sign_in_required")
    made = make(client, {"X-Forwarded-Email": ALICE})
    assert "sender" not in metadata(client, made).get_json()


# --- CSRF ------------------------------------------------------------------------------------------


def changes(client: FlaskClient, mine: Made) -> list[tuple[str, str, dict[str, Any]]]:
    return [("POST", S, {"json": create_body(code=None)[0]}), ("POST", TOKENS, {"json": {"name": "ci"}}),
            ("DELETE", f"{MINE}/{mine.id}", {}), ("DELETE", f"{S}/{mine.id}", {}), ("DELETE", MINE, {})]


def test_csrf_is_refused_for_a_proxy_identity_without_its_token_and_accepted_with_it(client: FlaskClient) -> None:
    good = proxied(client, ALICE)
    mine = make(client, good)
    for method, path, kwargs in changes(client, mine):
        for bad in ({"X-Forwarded-Email": ALICE}, {"X-Forwarded-Email": ALICE, "X-CSRF-Token": "0" * 64},
                    {"X-Forwarded-Email": ALICE, "X-CSRF-Token": proxied(client, BOB)["X-CSRF-Token"]}):
            problem(client.open(path, method=method, headers=bad, **kwargs), 403, "csrf_failed")
    assert metadata(client, mine).status_code == 200  # none of those changed anything
    for method, path, kwargs in changes(client, mine):
        assert client.open(path, method=method, headers=good, **kwargs).status_code in (200, 201, 204), path


def test_csrf_is_refused_for_a_session_without_its_token_and_accepted_with_it(app: Flask, client: FlaskClient) -> None:
    csrf = signed_in_session(app, client, ALICE)
    mine = make(client, {"X-CSRF-Token": csrf})
    assert listed(client, {})[0]["id"] == mine.id
    for method, path, kwargs in changes(client, mine):
        problem(client.open(path, method=method, **kwargs), 403, "csrf_failed")
        problem(client.open(path, method=method, headers={"X-CSRF-Token": csrf[::-1]}, **kwargs), 403, "csrf_failed")
    assert metadata(client, mine).status_code == 200
    for method, path, kwargs in changes(client, mine):
        assert client.open(path, method=method, headers={"X-CSRF-Token": csrf}, **kwargs).status_code in (200, 201, 204)


def test_an_api_token_needs_no_csrf_token(app: Flask, client: FlaskClient) -> None:
    token = bearer(api_token(app, ALICE))
    mine = make(client, token)
    assert client.delete(f"{MINE}/{mine.id}", headers=token).status_code == 204
    assert metadata(client, mine).status_code == 404


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_is_made_used_listed_and_revoked(client: FlaskClient) -> None:
    me = proxied(client, ALICE)
    response = client.post(TOKENS, json={"name": "  CI deploy job ", "ttl": 7200}, headers=me)
    assert response.status_code == 201
    made = response.get_json()
    assert made["name"] == "CI deploy job" and made["token"].startswith("blt_")
    assert set(made) == {"id", "name", "token", "created_at", "expires_at"}
    listing = client.get(TOKENS, headers=me).get_json()["tokens"]
    assert listing == [{k: made[k] for k in ("id", "name", "created_at", "expires_at")}]
    assert made["token"] not in client.get(TOKENS, headers=me).get_data(as_text=True)
    secret = make(client, bearer(made["token"]))  # the CLI's create
    assert metadata(client, secret).get_json()["sender"] == ALICE
    assert [s["id"] for s in listed(client, bearer(made["token"]))] == [secret.id]
    assert client.delete(f"{TOKENS}/{made['id']}", headers=me).status_code == 204
    problem(client.post(S, json=create_body(code=None)[0], headers=bearer(made["token"])), 401, "unauthorized")
    assert client.get(TOKENS, headers=me).get_json() == {"tokens": []}
    problem(client.delete(f"{TOKENS}/{made['id']}", headers=me), 404, "not_found")


def test_a_token_may_revoke_itself_but_not_anothers(app: Flask, client: FlaskClient) -> None:
    alices, bobs = api_token(app, ALICE), api_token(app, BOB)
    bob_id = accounts(app).tokens(BOB)[0].id
    problem(client.delete(f"{TOKENS}/{bob_id}", headers=bearer(alices)), 404, "not_found")
    assert accounts(app).token_owner(bobs) == BOB
    problem(client.delete(f"{TOKENS}/not-an-id", headers=bearer(alices)), 404, "not_found")
    own = accounts(app).tokens(ALICE)[0].id
    assert client.delete(f"{TOKENS}/{own}", headers=bearer(alices)).status_code == 204
    problem(client.get(ME, headers=bearer(alices)), 401, "unauthorized")


def test_a_token_may_not_make_tokens(app: Flask, client: FlaskClient) -> None:
    body = problem(client.post(TOKENS, json={"name": "more"}, headers=bearer(api_token(app, ALICE))), 403, "policy_forbidden")
    assert body["policy"] == "tokens"
    assert len(accounts(app).tokens(ALICE)) == 1


def test_an_expired_token_is_refused(app: Flask, client: FlaskClient) -> None:
    token = api_token(app, ALICE, ttl=1)
    assert client.get(ME, headers=bearer(token)).status_code == 200
    deadline = time.monotonic() + 10
    while client.get(ME, headers=bearer(token)).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    problem(client.get(ME, headers=bearer(token)), 401, "unauthorized")
    problem(client.post(S, json=create_body(code=None)[0], headers=bearer(token)), 401, "unauthorized")


def test_token_names_and_lifetimes_are_checked(app: Flask, client: FlaskClient) -> None:
    me = proxied(client, ALICE)
    for bad in ("", "   ", "x" * 81, "two\nlines", "tab\there", "line\u2028separator", 7, None):
        body = problem(client.post(TOKENS, json={"name": bad}, headers=me), 400, "invalid_field")
        assert body["field"] == "name"
    most = app.config["BURNLINK"].api_token_ttl_max
    for bad_ttl in (59, most + 1, "3600", True):
        assert problem(client.post(TOKENS, json={"name": "ci", "ttl": bad_ttl}, headers=me), 400, "invalid_field")["field"] == "ttl"
    assert problem(client.post(TOKENS, json={"name": "ci", "owner": BOB}, headers=me), 400, "unknown_field")["field"] == "owner"
    problem(client.post(TOKENS, data={"name": "ci"}, headers=me), 400, "invalid_field")
    made = client.post(TOKENS, json={"name": "x" * 80}, headers=me).get_json()
    accounts_made = accounts(app).tokens(ALICE)[0]
    assert accounts_made.expires - accounts_made.created == 90 * 24 * 3600 and made["name"] == "x" * 80


def test_a_creator_outside_the_list_makes_no_tokens(make_app: Callable[..., Flask]) -> None:
    client = make_app(creators="alice@example.com", **PROXY).test_client()
    body = problem(client.post(TOKENS, json={"name": "ci"}, headers=proxied(client, BOB)), 403, "policy_forbidden")
    assert body["policy"] == "creators"
    assert client.post(TOKENS, json={"name": "ci"}, headers=proxied(client, ALICE)).status_code == 201


# --- "Sent by" ------------------------------------------------------------------------------------------


def test_sender_only_on_signed_in_creations(app: Flask, client: FlaskClient) -> None:
    anonymous = make(client)
    assert "sender" not in metadata(client, anonymous).get_json()
    for headers in (proxied(client, ALICE), bearer(api_token(app, ALICE)), {"X-CSRF-Token": signed_in_session(app, client, ALICE)}):
        assert metadata(client, make(client, headers)).get_json()["sender"] == ALICE


@pytest.mark.parametrize("member", ["sender", "creator", "by", "email"])
def test_no_request_member_can_forge_a_sender(client: FlaskClient, member: str) -> None:
    problem(client.post(S, json=create_body(code=None, **{member: ADMIN})[0]), 400, "unknown_field")
    problem(client.post(S, json=create_body(code=None, **{member: ADMIN})[0], headers=proxied(client, ALICE)), 400, "unknown_field")
    problem(client.post(S, data={"secret": "hunter2", member: ADMIN}), 400, "unknown_field")
    form = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in create_body(code=None)[0].items()}
    problem(client.post(S, data={**form, member: ADMIN}), 400, "unknown_field")
    problem(client.post(S, data=b"hunter2", content_type="text/plain", query_string={member: ADMIN}), 400, "unknown_field")


def test_labels_are_one_short_line(client: FlaskClient) -> None:
    me = proxied(client, ALICE)
    for bad in ("x" * 81, "two\nlines", "bell\x07", 5, ["x"]):
        body = problem(client.post(S, json=create_body(code=None, label=bad)[0], headers=me), 400, "invalid_field")
        assert body["field"] == "label"
    problem(client.post(S, json=create_body(code=None, kind="spreadsheet")[0], headers=me), 400, "invalid_field")
    made = make(client, me, label="ü" * 80, kind="aws-access-key")
    assert listed(client, me)[0] | {"events": []} == {"id": made.id, "label": "ü" * 80, "kind": "aws-access-key",
                                                     "state": "waiting", "views_left": 1, "events": [],
                                                     "expires_at": listed(client, me)[0]["expires_at"]}
    assert metadata(client, made).get_json()["sender"] == ALICE


# --- My links and burn-all --------------------------------------------------------------------------


def reveal(client: FlaskClient, made: Made) -> Any:
    return client.post(f"{S}/{made.id}/reveal", json=made.reveal_body())


def test_my_links_are_mine_newest_first_with_state_and_events(app: Flask, client: FlaskClient) -> None:
    clock = Clock()
    accounts(app).clock = clock  # the index keeps whole seconds; two creates a second apart
    me = proxied(client, ALICE)
    first = make(client, me, label="first", views=2)
    clock.now += 1
    second = make(client, me, label="second")
    others = make(client, proxied(client, BOB), label="bob's")
    make(client)
    assert reveal(client, first).status_code == 200
    mine = listed(client, me)
    assert [s["id"] for s in mine] == [second.id, first.id] and others.id not in json.dumps(mine)
    assert mine[1]["state"] == "viewed" and mine[1]["views_left"] == 1 and mine[1]["kind"] is None
    assert [e["type"] for e in mine[1]["events"]] == ["secret.created", "secret.revealed"]
    assert [s["label"] for s in listed(client, proxied(client, BOB))] == ["bob's"]


def test_burning_one_is_only_for_its_creator(client: FlaskClient) -> None:
    alice, bob = proxied(client, ALICE), proxied(client, BOB)
    bobs = make(client, bob)
    problem(client.delete(f"{MINE}/{bobs.id}", headers=alice), 404, "not_found")
    problem(client.delete(f"{MINE}/{'A' * 22}", headers=alice), 404, "not_found")
    problem(client.delete(f"{MINE}/not-an-id", headers=alice), 404, "not_found")
    assert metadata(client, bobs).status_code == 200
    assert client.delete(f"{MINE}/{bobs.id}", headers=bob).status_code == 204
    assert client.delete(f"{MINE}/{bobs.id}", headers=bob).status_code == 204  # again: already ended
    assert metadata(client, bobs).status_code == 404


def test_burn_all_leaves_none_of_mine_readable_and_nobody_elses_touched(client: FlaskClient) -> None:
    alice, bob = proxied(client, ALICE), proxied(client, BOB)
    waiting = [make(client, alice) for _ in range(3)]
    viewed = make(client, alice, views=3)
    assert reveal(client, viewed).status_code == 200
    spent = make(client, alice)
    assert reveal(client, spent).status_code == 200
    bobs, anonymous = make(client, bob), make(client)
    assert client.delete(MINE, headers=alice).get_json() == {"burned": 4}
    for made in [*waiting, viewed, spent]:
        assert metadata(client, made).status_code == 404
        assert reveal(client, made).status_code == 404
    assert {s["state"] for s in listed(client, alice)} == {"burned", "viewed"}
    for made in (bobs, anonymous):
        assert metadata(client, made).status_code == 200
        assert reveal(client, made).status_code == 200
    assert client.delete(MINE, headers=alice).get_json() == {"burned": 0}


def test_an_index_entry_never_lets_one_creator_see_or_burn_anothers_secret(app: Flask, client: FlaskClient) -> None:
    bobs = make(client, proxied(client, BOB))
    anonymous = make(client)
    for planted in (bobs, anonymous):
        accounts(app).remember(ALICE, planted.id)
    alice = proxied(client, ALICE)
    assert listed(client, alice) == []
    assert client.delete(MINE, headers=alice).get_json() == {"burned": 0}
    assert metadata(client, bobs).status_code == 200 and metadata(client, anonymous).status_code == 200


def test_a_create_that_died_halfway_is_dropped_after_the_grace(app: Flask, client: FlaskClient) -> None:
    clock = Clock()
    accounts(app).clock = clock
    alice = proxied(client, ALICE)
    real = make(client, alice)
    ghost = b64u_encode(secrets.token_bytes(16))
    accounts(app).remember(ALICE, ghost)  # the index entry of a create whose secret never came
    assert [s["id"] for s in listed(client, alice)] == [real.id]
    assert ghost in [sid for sid, _ in accounts(app).made_by(ALICE)]  # still in flight: kept
    clock.now += CREATE_GRACE + 1
    assert [s["id"] for s in listed(client, alice)] == [real.id]
    assert [sid for sid, _ in accounts(app).made_by(ALICE)] == [real.id]
    assert client.delete(MINE, headers=alice).get_json() == {"burned": 1}
    assert metadata(client, real).status_code == 404


# --- receipts and burns with an API token or a session ------------------------------------------------


def test_the_creator_or_an_admin_manages_with_a_token_or_session(app: Flask, client: FlaskClient) -> None:
    mine = make(client, proxied(client, ALICE))
    receipt = f"{S}/{mine.id}/receipt"
    assert client.get(receipt, headers=bearer(api_token(app, ALICE))).get_json()["state"] == "waiting"
    assert client.get(receipt, headers={"X-Forwarded-Email": ALICE}).status_code == 200
    assert client.get(receipt, headers=bearer(api_token(app, ADMIN))).status_code == 200
    assert client.get(receipt, headers=bearer(mine.token)).status_code == 200  # the manage token, as before
    problem(client.get(receipt, headers=bearer(api_token(app, BOB))), 404, "not_found")
    problem(client.get(receipt, headers={"X-Forwarded-Email": BOB}), 404, "not_found")
    problem(client.get(receipt), 401, "unauthorized")
    problem(client.delete(f"{S}/{mine.id}", headers=bearer(api_token(app, BOB))), 404, "not_found")
    problem(client.delete(f"{S}/{mine.id}", headers={"X-Forwarded-Email": ALICE}), 403, "csrf_failed")
    assert metadata(client, mine).status_code == 200
    csrf = signed_in_session(app, client, ALICE)
    assert client.get(receipt).status_code == 200
    assert client.delete(f"{S}/{mine.id}", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert metadata(client, mine).status_code == 404


def test_a_signed_in_creators_secret_still_burns_with_its_manage_token(app: Flask, client: FlaskClient) -> None:
    mine = make(client, bearer(api_token(app, ALICE)))
    other = make(client, bearer(api_token(app, ALICE)))
    problem(client.delete(f"{S}/{mine.id}", headers=bearer(other.token)), 403, "forbidden")
    assert client.delete(f"{S}/{mine.id}", headers=bearer(mine.token)).status_code == 204
    assert metadata(client, mine).status_code == 404 and metadata(client, other).status_code == 200


# --- offboarding and the audit trail ---------------------------------------------------------------------


def test_an_admin_offboards_a_creator(app: Flask, client: FlaskClient) -> None:
    admin = proxied(client, ADMIN)
    bob_token = api_token(app, BOB)
    bobs = [make(client, bearer(bob_token), label=f"b{i}") for i in range(2)]
    alices = make(client, proxied(client, ALICE))
    other = app.test_client()
    signed_in_session(app, other, BOB)
    assert other.get(ME).get_json()["email"] == BOB
    listing = client.get(f"/api/v1/creators/{BOB.upper()}/secrets", headers=admin).get_json()["secrets"]
    assert sorted(s["label"] for s in listing) == ["b0", "b1"]
    assert client.delete(f"/api/v1/creators/{BOB}/secrets", headers=admin).get_json() == {"burned": 2}
    assert all(metadata(client, made).status_code == 404 for made in bobs)
    assert metadata(client, alices).status_code == 200
    api_token(app, BOB)
    ended = client.delete(f"/api/v1/creators/{BOB}/sessions", headers=admin).get_json()
    assert ended == {"sessions_ended": 1, "tokens_revoked": 2}
    problem(client.get(ME, headers=bearer(bob_token)), 401, "unauthorized")
    problem(other.get(ME), 401, "sign_in_required")
    assert client.get(ME, headers=proxied(client, ALICE)).status_code == 200
    for bad in ("bob", "@example.com", "bob@", "bob%20@example.com"):
        assert problem(client.get(f"/api/v1/creators/{bad}/secrets", headers=admin), 400, "invalid_field")["field"] == "email"


def test_an_admin_reads_the_audit_trail_as_ndjson_with_creator_and_label(app: Flask, client: FlaskClient) -> None:
    started = time.time() - 1
    mine = make(client, proxied(client, ALICE), label="prod db")
    anonymous = make(client)
    assert reveal(client, mine).status_code == 200
    Worker(app.extensions["burnlink"].store, app.config["BURNLINK"]).step()
    admin = proxied(client, ADMIN)
    response = client.get("/api/v1/audit", headers=admin, query_string={"since": str(int(started))})
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert {(r["type"], r["id"]) for r in rows} >= {("secret.created", mine.id), ("secret.revealed", mine.id),
                                                    ("secret.created", anonymous.id)}
    for row in rows:
        if row["id"] == mine.id:
            assert row["creator"] == ALICE and row["label"] == "prod db"
        else:
            assert "creator" not in row and "label" not in row
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))
    assert client.get("/api/v1/audit", headers=admin, query_string={"since": iso}).get_data() == response.get_data()
    assert client.get("/api/v1/audit", headers=admin, query_string={"since": str(int(time.time()) + 3600)}).get_data() == b""
    for bad in ("yesterday", "-5", "1e9", "2025-13-01T00:00:00Z", ""):
        body = problem(client.get("/api/v1/audit", headers=admin, query_string={"since": bad}), 400, "invalid_field")
        assert body["field"] == "since"
    problem(client.get("/api/v1/audit", headers=admin, query_string={"until": "0"}), 400, "unknown_field")


# --- the operator's policies on every create path --------------------------------------------------------


def attempt(client: FlaskClient, path: str, headers: dict[str, str] | None = None, environ: dict[str, str] | None = None,
            code: bool = False, notify: list[dict[str, Any]] | None = None, kind: str | None = None,
            upload: bytes | None = None) -> Any:
    """One create by ``path``: json, form, curl (text or a file) or request."""
    headers, kwargs = headers or {}, {"environ_base": environ} if environ else {}
    extra: dict[str, Any] = {"notify": notify} if notify else {}
    if path == "json":
        body = create_body(code=None, has_code=code, **({"kind": kind} if kind else {}), **extra)[0]
        if upload:
            body["ciphertext"] = b64u_encode(secrets.token_bytes(len(upload)))
        return client.post(S, json=body, headers=headers, **kwargs)
    if path == "form":
        body = create_body(code=None, has_code=code, **({"kind": kind} if kind else {}))[0]
        form = {k: str(v).lower() if isinstance(v, bool) else v for k, v in body.items()}
        return client.post(S, data={**form, **({"notify": json.dumps(notify)} if notify else {})}, headers=headers, **kwargs)
    if path == "curl":
        data: dict[str, Any] = {"access_code": "1" if code else "0"}
        if upload is not None:
            data["file"] = (io.BytesIO(upload), "dump.sql", "application/octet-stream")
        else:
            data["secret"] = "hunter2"
        if notify:
            data["notify"] = json.dumps(notify)
        return client.post(S, data=data, content_type="multipart/form-data", headers=headers | {"Accept": "application/json"},
                           **kwargs)
    keys = rq.request_verifiers(rq.new_request_keys())
    body = {"answer_verifier": b64u_encode(keys.answer_verifier), "inbox_verifier": b64u_encode(keys.inbox_verifier), **extra}
    return client.post("/api/v1/requests", json=body, headers=headers, **kwargs)


PATHS = ["json", "form", "curl", "request"]


def refused(response: Any, status: int, code: str, policy: str) -> None:
    assert problem(response, status, code)["policy"] == policy


@pytest.mark.parametrize("path", PATHS)
def test_reveal_only_mode_creates_nothing_but_still_opens(make_app: Callable[..., Flask], path: str) -> None:
    shared = fakeredis.FakeServer()
    inside = make_app(redis_client=fakeredis.FakeRedis(server=shared)).test_client()
    outside = make_app(redis_client=fakeredis.FakeRedis(server=shared), mode="reveal-only").test_client()
    refused(attempt(outside, path), 403, "policy_forbidden", "mode")
    made = make(inside)
    assert reveal(outside, made).status_code == 200
    assert outside.get("/api/v1/policy").get_json()["mode"] == "reveal-only"


@pytest.mark.parametrize("path", PATHS)
def test_creates_come_only_from_the_allowed_networks(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(create_networks=("10.0.0.0/8",)).test_client()
    refused(attempt(client, path), 403, "policy_forbidden", "create_networks")
    assert attempt(client, path, environ={"REMOTE_ADDR": "10.1.2.3"}).status_code == 201
    assert client.get("/api/v1/policy").get_json()["create_networks_restricted"] is True
    assert "10.0.0.0" not in client.get("/api/v1/policy").get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS)
def test_only_listed_creators_create(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(creators="alice@example.com, @Example.org", **PROXY).test_client()
    problem(attempt(client, path), 401, "sign_in_required")
    for outsider in (BOB, "mallory@sub.example.org", "mallory@example.org.evil.com", "example.org@evil.com"):
        refused(attempt(client, path, proxied(client, outsider)), 403, "policy_forbidden", "creators")
    for insider in (ALICE, "ALICE@EXAMPLE.COM", CAROL, "Dave@EXAMPLE.ORG"):
        assert attempt(client, path, proxied(client, insider)).status_code == 201, insider
    assert client.get("/api/v1/policy").get_json()["creators"] == "listed"


def test_signed_in_creators_only(make_app: Callable[..., Flask]) -> None:
    app = make_app(creators="signed-in", **PROXY)
    client = app.test_client()
    for path in PATHS:
        problem(attempt(client, path), 401, "sign_in_required")
        assert attempt(client, path, bearer(api_token(app, BOB))).status_code == 201
    assert client.get("/api/v1/policy").get_json()["sign_in"] == ["proxy"]


@pytest.mark.parametrize("path", ["json", "form", "curl"])
def test_an_access_code_can_be_required(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(require_code=True).test_client()
    refused(attempt(client, path), 400, "policy_violation", "require_code")
    assert attempt(client, path, code=True).status_code == 201


@pytest.mark.parametrize("path", ["json", "form", "curl"])
def test_only_the_allowed_kinds(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(kinds=("text",)).test_client()
    if path == "curl":
        refused(attempt(client, path, upload=b"x" * 10), 400, "policy_violation", "kinds")  # the server sees a file
    else:
        refused(attempt(client, path, kind="aws-access-key"), 400, "policy_violation", "kinds")
    assert attempt(client, path, kind="text" if path != "curl" else None).status_code == 201
    assert client.get("/api/v1/policy").get_json()["kinds"] == ["text"]


@pytest.mark.parametrize("path", ["json", "curl"])
def test_the_largest_file(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(max_file=1000).test_client()
    body = problem(attempt(client, path, upload=b"x" * 9000), 413, "too_large")
    assert body["policy"] == "max_file" and body["limit"] == 1000
    assert attempt(client, path, upload=b"x" * 900).status_code == 201
    assert client.get("/api/v1/policy").get_json()["max_file"] == 1000


def test_a_file_of_exactly_the_largest_size_passes_the_server(make_app: Callable[..., Flask]) -> None:
    # The file is base64 inside the payload: the server's bound on the blob allows for that.
    client = make_app(max_file=30000).test_client()
    assert attempt(client, "curl", upload=secrets.token_bytes(30000)).status_code == 201
    problem(attempt(client, "curl", upload=b"x" * 45000), 413, "too_large")


@pytest.mark.parametrize("path", PATHS)
def test_only_the_allowed_notification_types(make_app: Callable[..., Flask], path: str) -> None:
    client = make_app(notify_types=("webhook",)).test_client()
    refused(attempt(client, path, notify=[SLACK]), 400, "policy_violation", "notify_types")
    assert client.get("/api/v1/policy").get_json()["notify_types"] == ["webhook"]
