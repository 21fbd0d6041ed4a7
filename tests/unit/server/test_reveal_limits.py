"""Rate limits an id alone cannot use against a recipient, and that tell no one about others' reads."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from flask import Flask

from app.core import protocol as p
from app.server.limits import client_key
from tests.support.api import make_secret, problem

ATTACKER, RECIPIENT = {"REMOTE_ADDR": "198.51.100.66"}, {"REMOTE_ADDR": "203.0.113.10"}


@pytest.fixture
def app(make_app: Any) -> Flask:
    # The per-client limit is raised so that only the per-secret one (20/minute, the default) can bite.
    return make_app(rate_limits=True, rate_reveal="1000/minute", rate_reveal_secret="20/minute")


def random_proofs() -> dict[str, str]:
    return {"link": p.b64u_encode(secrets.token_bytes(32)), "auth": p.b64u_encode(secrets.token_bytes(32))}


def test_an_id_alone_cannot_use_up_the_recipients_reads(app: Flask) -> None:
    client = app.test_client()
    made = make_secret(client, code=None)
    url = f"/api/v1/secrets/{made.id}/reveal"
    statuses = [client.post(url, json=random_proofs(), environ_base=ATTACKER).status_code for _ in range(30)]
    assert statuses == [404] * 30
    # Nor do bodies that prove nothing at all, or curl mode with a made-up key.
    assert client.post(url, data="{", content_type="application/json", environ_base=ATTACKER).status_code == 400
    assert client.post(url, json={"key": p.b64u_encode(secrets.token_bytes(32))}, environ_base=ATTACKER).status_code == 404
    response = client.post(url, json=made.reveal_body(), environ_base=RECIPIENT)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_link_holders_still_count_against_the_secret(make_app: Any) -> None:
    """Wrong codes (403: the link was right) are what the per-secret limit is for."""
    client = make_app(rate_limits=True, rate_reveal="1000/minute", rate_reveal_secret="3/minute",
                      max_failures=10).test_client()
    made = make_secret(client)
    url = f"/api/v1/secrets/{made.id}/reveal"
    wrong = made.reveal_body(auth=p.b64u_encode(b"w" * 32))
    assert [client.post(url, json=wrong, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(3)] == [403] * 3
    problem(client.post(url, json=made.reveal_body(), environ_base=RECIPIENT), 429, "rate_limited")


def test_every_read_still_counts_against_its_client(make_app: Any) -> None:
    client = make_app(rate_limits=True, rate_reveal="5/minute", rate_reveal_secret="20/minute").test_client()
    made = make_secret(client, code=None)
    url = f"/api/v1/secrets/{made.id}/reveal"
    statuses = [client.post(url, json=random_proofs(), environ_base=ATTACKER).status_code for _ in range(7)]
    assert statuses == [404] * 5 + [429] * 2
    assert client.post(url, json=made.reveal_body(), environ_base=RECIPIENT).status_code == 200


def test_no_rate_limit_counters_are_sent(make_app: Any) -> None:
    app = make_app(rate_limits=True, rate_create="2/minute", rate_reveal="3/minute", rate_reveal_secret="20/minute")
    client = app.test_client()
    made = make_secret(client, code=None)
    responses = [
        client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}),
        client.post(f"/api/v1/secrets/{made.id}/reveal", json=random_proofs()),
        client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()),
        client.post("/api/v1/secrets", data="x", content_type="text/plain"),
        client.post("/api/v1/secrets", data="x", content_type="text/plain"),
        client.post(f"/api/v1/secrets/{made.id}/reveal", json=random_proofs()),
    ]
    assert [r.status_code for r in responses] == [200, 404, 200, 201, 429, 429]
    for response in responses:
        assert [name for name in response.headers.keys() if name.lower().startswith("x-ratelimit")] == []
    for limited in responses[-2:]:
        problem(limited, 429, "rate_limited")
        assert 0 < int(limited.headers["Retry-After"]) <= 60


def test_the_client_key_is_a_keyed_hash_of_the_address(app: Flask) -> None:
    one, other = client_key("a" * 40), client_key("b" * 40)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        first, second = one(), other()
        assert "192.0.2.7" not in first and first != second and len(first) == 32
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.8"}):
        assert one() != first
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert one() == first
