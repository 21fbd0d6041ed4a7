"""app/server/limits.py: rate limits per client address and per secret, and which address counts
behind trusted proxies (ProxyFix, set up in app/server/factory.py)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.core import protocol as p
from tests.support.api import make_secret, problem


@pytest.fixture
def limited(make_app: Any) -> Flask:
    return make_app(rate_limits=True, rate_create="3/minute", rate_reveal="5/minute", rate_reveal_secret="2/minute")


def test_creation_is_limited_per_ip(limited: Flask) -> None:
    client = limited.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = client.post("/api/v1/secrets", data="x", content_type="text/plain")
    problem(response, 429, "rate_limited")
    assert 0 < int(response.headers["Retry-After"]) <= 60
    other = client.post("/api/v1/secrets", data="x", content_type="text/plain", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 201


def test_reveals_are_limited_per_secret_and_per_ip(limited: Flask) -> None:
    client = limited.test_client()
    made = make_secret(client, code=None)
    url = f"/api/v1/secrets/{made.id}/reveal"
    wrong = {"link": made.link, "auth": p.b64u_encode(b"w" * 32)}
    assert client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 403
    assert client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 403
    # A third try on the same secret, from a third address, meets the per-secret limit.
    problem(client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.3"}), 429, "rate_limited")
    statuses = [client.post(f"/api/v1/secrets/{'A' * 21}{c}/reveal", json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.4"}).status_code
                for c in "ABCDEFG"]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]


def test_forwarded_for_is_ignored_without_trusted_proxies(limited: Flask) -> None:
    client = limited.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain",
                            headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(4)]
    assert statuses[-1] == 429  # a client cannot mint fresh addresses with a header


def test_one_trusted_proxy_hop_is_honoured(make_app: Any) -> None:
    client = make_app(rate_limits=True, rate_create="1/minute", trusted_proxies=1).test_client()
    send = lambda forwarded: client.post("/api/v1/secrets", data="x", content_type="text/plain",  # noqa: E731
                                         headers={"X-Forwarded-For": forwarded}).status_code
    assert send("198.51.100.1") == 201
    assert send("198.51.100.1") == 429
    assert send("198.51.100.2") == 201
    # Only the last hop counts: a client-supplied address in front changes nothing.
    assert send("203.0.113.7, 198.51.100.2") == 429


def test_limits_can_be_switched_off(make_app: Any) -> None:
    client = make_app(rate_limits=False, rate_create="1/minute").test_client()
    assert [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(3)] == [201] * 3
