"""Creators' accounts through real gunicorn, on a real redis-server and on a real 3-primary Cluster.

The two-step create: a secret's index entry is written first, the secret second (on a Cluster the
two live in different slots and no script spans both). A second gunicorn reaches Redis as an ACL
user that may write the creators' indexes and nothing else, so every create it tries dies between
the two steps, for real: the entry exists and the secret does not. Listing keeps such an entry while
its create may still be under way and drops it after ``CREATE_GRACE`` (shown with an index entry
written as if long ago, and with a settable clock in an app on the same Redis: nothing sleeps), and
burn-all burns every real secret. Last, the server's own output (request logs on, at DEBUG) never
holds a sign-in cookie, a CSRF token or an API token.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
import requests
from flask import Flask

from app.core.identity import digest
from app.core.protocol import b64u_encode, new_id
from app.server.sessions import COOKIE
from app.store import connect
from app.store.accounts import CREATE_GRACE, Accounts
from tests.support import GunicornProcess, RedisProcess, secret_keys
from tests.support.api import Made, create_body, made_from
from tests.support.cluster import RedisCluster

PREFIX = f"blacl{secrets.token_hex(3)}"
ADMIN = "root@example.com"
INDEX_TTL = 8 * 24 * 3600  # the app's: the longest TTL and the receipt's retention
HALFWAY_USER, HALFWAY_PASSWORD = "halfway", "halfway-password"
ENV = {
    "BURNLINK_KEY_PREFIX": PREFIX,
    "BURNLINK_TRUSTED_USER_HEADER": "X-Forwarded-Email",
    "BURNLINK_TRUSTED_PROXY_NETWORKS": "127.0.0.0/8,::1/128",
    "BURNLINK_ADMINS": ADMIN,
    "BURNLINK_LOG_REQUESTS": "1",
    "BURNLINK_LOG_LEVEL": "DEBUG",
}
PROXY: dict[str, Any] = {"key_prefix": PREFIX, "trusted_user_header": "X-Forwarded-Email",
                         "trusted_proxy_networks": ("127.0.0.0/8", "::1/128"), "admins": (ADMIN,)}
# The ACL user of the half-way server: the creators' indexes (and the script-flags probe), no secret.
HALFWAY_ACL = ("ACL", "SETUSER", HALFWAY_USER, "on", f">{HALFWAY_PASSWORD}", "resetkeys",
               f"~{PREFIX}:user:*", f"~{PREFIX}:probe", "+@all")


@dataclass
class Backend:
    name: str
    server: GunicornProcess  # full rights
    halfway: GunicornProcess  # may write indexes only: every create dies between its two steps
    connect: Callable[[], Any]  # a client for the test itself


@pytest.fixture(scope="module", params=["redis", "cluster"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    started: list[Any] = []
    try:
        if request.param == "redis":
            server = RedisProcess().start()
            started.append(server)
            server.cli(*HALFWAY_ACL)
            full_url, port = server.url, server.port
            halfway_url = f"redis://{HALFWAY_USER}:{HALFWAY_PASSWORD}@127.0.0.1:{port}/0"
            make_client: Callable[[], Any] = lambda: redis.Redis.from_url(full_url)  # noqa: E731
        else:
            cluster: RedisCluster = request.getfixturevalue("cluster")
            for node in cluster.nodes:
                node.cli(*HALFWAY_ACL)
            full_url = cluster.url
            halfway_url = f"redis+cluster://{HALFWAY_USER}:{HALFWAY_PASSWORD}@127.0.0.1:{cluster.ports[0]}"
            make_client = lambda: connect(full_url, timeout=2.0)[0]  # noqa: E731
        full = GunicornProcess(full_url, workers=2, env=ENV).start()
        started.append(full)
        halfway = GunicornProcess(halfway_url, workers=1, env=ENV).start()
        started.append(halfway)
        yield Backend(request.param, full, halfway, make_client)
        assert "Traceback" not in full.output() and "Traceback" not in halfway.output()
    finally:
        for process in reversed(started):
            process.stop()


def someone(name: str) -> str:
    """A creator of one's own, so that the tests sharing a backend never see each other's links."""
    return f"{name}.{secrets.token_hex(4)}@example.com"


def proxied(base: str, email: str) -> dict[str, str]:
    """What the proxy adds for ``email``, with the CSRF token its page reads from /api/v1/me."""
    headers = {"X-Forwarded-Email": email}
    me = requests.get(f"{base}/api/v1/me", headers=headers, timeout=10)
    assert me.status_code == 200, me.text
    return {**headers, "X-CSRF-Token": me.json()["csrf_token"]}


def make(base: str, headers: dict[str, str], **extra: Any) -> Made:
    body, sealed = create_body(code=None, **extra)
    response = requests.post(f"{base}/api/v1/secrets", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return made_from(sealed, response, response.json())


def readable(base: str, made: Made) -> bool:
    response = requests.get(f"{base}/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}, timeout=10)
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


def listed(base: str, headers: dict[str, str]) -> list[str]:
    response = requests.get(f"{base}/api/v1/me/secrets", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["secrets"]]


def index(client: Any, email: str) -> set[str]:
    return {sid for sid, _ in Accounts(client, prefix=PREFIX, index_ttl=INDEX_TTL).made_by(email)}


def test_a_create_that_dies_halfway_leaves_its_index_entry_and_listing_drops_it_after_the_grace(
        backend: Backend, make_app: Callable[..., Flask]) -> None:
    base, client = backend.server.url, backend.connect()
    alice, bob = someone("alice"), someone("bob")
    me = proxied(base, alice)
    real = [make(base, me, label=f"real {i}") for i in range(3)]
    bobs = make(base, proxied(base, bob))
    assert index(client, alice) == {m.id for m in real}  # every secret has its entry

    # A create that dies between its two steps: the entry was written, the secret never was.
    died = requests.post(f"{backend.halfway.url}/api/v1/secrets", json=create_body(code=None)[0],
                         headers=proxied(backend.halfway.url, alice), timeout=10)
    assert died.status_code == 503 and died.json()["code"] == "storage_unavailable", died.text
    (halfway,) = index(client, alice) - {m.id for m in real}
    assert not any(client.exists(key) for key in secret_keys(PREFIX, halfway))

    # And one that died long ago, its entry written by a clock set back past the grace.
    long_ago = b64u_encode(new_id())
    Accounts(client, prefix=PREFIX, index_ttl=INDEX_TTL, clock=lambda: time.time() - CREATE_GRACE - 5).remember(alice, long_ago)

    assert set(listed(base, me)) == {m.id for m in real}
    assert index(client, alice) == {m.id for m in real} | {halfway}  # the young one may still be under way: kept

    # The grace passes (a settable clock, in an app on the same Redis): the dead entry goes.
    app = make_app(redis_client=client, **PROXY)
    app.extensions["burnlink"].accounts.clock = lambda: time.time() + CREATE_GRACE + 1
    local = app.test_client()
    response = local.get("/api/v1/me/secrets", headers={"X-Forwarded-Email": alice})
    assert {s["id"] for s in response.get_json()["secrets"]} == {m.id for m in real}
    assert index(client, alice) == {m.id for m in real}

    # Burn-all still finds every real secret, and touches nobody else's.
    burned = requests.delete(f"{base}/api/v1/me/secrets", headers=me, timeout=10)
    assert burned.status_code == 200 and burned.json() == {"burned": 3}
    assert not any(readable(base, m) for m in real)
    assert readable(base, bobs)
    print(f"\n[{backend.name}] half-way create kept in the grace, dropped after it; burn-all burned 3 of 3")


def test_an_admin_burns_everything_a_creator_made_through_the_real_server(backend: Backend) -> None:
    base = backend.server.url
    bob, carol = someone("bob"), someone("carol")
    bobs = [make(base, proxied(base, bob), label=f"bob {i}") for i in range(4)]
    carols = make(base, proxied(base, carol))
    admin = proxied(base, ADMIN)
    listing = requests.get(f"{base}/api/v1/creators/{bob}/secrets", headers=admin, timeout=10).json()["secrets"]
    assert {s["id"] for s in listing} == {m.id for m in bobs}
    assert requests.delete(f"{base}/api/v1/creators/{bob}/secrets", headers=admin, timeout=10).json() == {"burned": 4}
    assert not any(readable(base, m) for m in bobs) and readable(base, carols)


def test_sign_in_cookies_csrf_tokens_and_api_tokens_never_reach_the_logs(backend: Backend) -> None:
    base, client = backend.server.url, backend.connect()
    alice = someone("alice")
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    # A session as sign-in leaves one (app/server/sessions.py): its cookie holds only the random id.
    Accounts(client, prefix=PREFIX).save_session(sid, {"email": alice, "sub": "s", "csrf": csrf,
                                                        "exp": time.time() + 3600}, 3600)
    web = requests.Session()
    web.cookies.set(COOKIE, sid, domain="127.0.0.1", path="/")
    assert web.get(f"{base}/api/v1/me", timeout=10).json()["email"] == alice
    made = web.post(f"{base}/api/v1/me/tokens", json={"name": "ci"}, headers={"X-CSRF-Token": csrf}, timeout=10)
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    cli = {"Authorization": f"Bearer {token}"}
    secret = make(base, cli, label="from CI")
    assert requests.get(f"{base}/api/v1/secrets/{secret.id}/receipt", headers=cli, timeout=10).status_code == 200
    assert web.get(f"{base}/api/v1/me/secrets", timeout=10).json()["secrets"][0]["id"] == secret.id
    assert web.delete(f"{base}/api/v1/me/secrets", timeout=10).status_code == 403  # no CSRF token: refused
    assert requests.get(f"{base}/api/v1/me", params={"token": token}, headers=cli, timeout=10).status_code == 400
    assert requests.get(f"{base}/api/v1/me", cookies={COOKIE: sid + "x"}, timeout=10).status_code == 401
    assert web.delete(f"{base}/api/v1/me/tokens/{made.json()['id']}", headers={"X-CSRF-Token": csrf}, timeout=10).status_code == 204
    assert requests.get(f"{base}/api/v1/me", headers=cli, timeout=10).status_code == 401
    assert web.delete(f"{base}/api/v1/me/secrets", headers={"X-CSRF-Token": csrf}, timeout=10).json() == {"burned": 1}

    output = backend.server.output()
    assert '"route": "/api/v1/me/tokens"' in output  # request logging is on
    for never in (sid, digest(sid), csrf, token, token.removeprefix("blt_"), digest(token), secret.token):
        assert never not in output
