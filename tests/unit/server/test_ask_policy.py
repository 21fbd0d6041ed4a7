"""The ask page (/r/new) under the operator's policies, the ways to it, and who asks: the
``requester`` a request's GET names only for an asker this service's sign-in verified.

On fakeredis; the browser's side is tests/browser/test_ask_page.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core import request as rq
from app.core.protocol import b64u_encode
from app.core.wire import ANSWER_HEADER
from tests.support.api import problem

PROXY: dict[str, Any] = {"trusted_user_header": "X-Forwarded-Email", "trusted_proxy_networks": ("127.0.0.0/8", "::1/128")}
HTML = {"Accept": "text/html"}
ALICE = "alice@example.com"


def page(client: FlaskClient, path: str = "/r/new", **headers: str) -> tuple[int, str]:
    response = client.get(path, headers={**HTML, **headers})
    return response.status_code, response.get_data(as_text=True)


def test_the_page_offers_what_the_policies_allow(make_app: Callable[..., Flask]) -> None:
    status, html = page(make_app(ttl_min=3600, ttl_max=86400, ttl_default=3600).test_client())
    assert status == 200
    assert re.findall(r'<option value="(\d+)"', html) == ["3600", "86400"]
    assert 'data-ttls="3600,86400"' in html
    # The notification events are a request's, the create page's disclosure reused.
    assert re.findall(r'value="(request\.\w+)"', html)[:6] == ["request.created", "request.opened", "request.answered",
                                                              "request.read", "request.burned", "request.expired"]
    assert "secret.revealed" not in html
    policy = json.loads(re.search(r'<script type="application/json" id="policy">(.*?)</script>', html, re.S)[1])
    assert policy["ttl"] == {"min": 3600, "max": 86400, "default": 3600}
    assert 'maxlength="500"' in html and 'id="ask-form"' in html and "js/ask.js" in html


def test_the_create_page_and_my_links_lead_to_it(client: FlaskClient) -> None:
    for path in ("/", "/me"):
        assert 'href="/r/new" id="ask-link"' in page(client, path)[1], path


def test_reveal_only_and_sign_in_close_it_as_they_close_the_create_page(make_app: Callable[..., Flask]) -> None:
    status, html = page(make_app(mode="reveal-only").test_client())
    assert status == 200 and "This server only opens links" in html and "ask-form" not in html
    oidc = make_app(creators="signed-in", oidc_issuer="https://id.example.com", oidc_client_id="c",
                    oidc_client_secret="s").test_client()
    status, html = page(oidc)
    assert "Sign in to share a secret" in html and 'href="/signin?next=%2Fr%2Fnew"' in html and "ask-form" not in html
    status, html = page(make_app(creators="signed-in", **PROXY).test_client(), **{"X-Forwarded-Email": ALICE})
    assert status == 200 and 'id="ask-form"' in html and 'class="account-nav"' in html  # signed in: the form, and their pages
    status, html = page(make_app(create_networks=("10.0.0.0/8",)).test_client())
    assert status == 403 and "ask-form" not in html


def asked(client: FlaskClient, headers: dict[str, str] | None = None, **extra: Any) -> tuple[Any, Any]:
    keys = rq.new_request_keys()
    verifiers = rq.request_verifiers(keys)
    body = {"answer_verifier": b64u_encode(verifiers.answer_verifier), "inbox_verifier": b64u_encode(verifiers.inbox_verifier),
            **extra}
    return client.post("/api/v1/requests", json=body, headers=headers or {}), keys


def opened(client: FlaskClient, rid: str, keys: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/requests/{rid}", headers={ANSWER_HEADER: b64u_encode(rq.answer_proof(keys.q))})
    assert response.status_code == 200
    return response.get_json()


def test_requester_only_for_a_signed_in_asker(make_app: Callable[..., Flask]) -> None:
    client = make_app(**PROXY).test_client()
    csrf = client.get("/api/v1/me", headers={"X-Forwarded-Email": ALICE}).get_json()["csrf_token"]
    made, keys = asked(client, {"X-Forwarded-Email": ALICE, "X-CSRF-Token": csrf})
    assert made.status_code == 201
    assert opened(client, made.get_json()["id"], keys)["requester"] == ALICE
    made, keys = asked(client)
    assert made.status_code == 201
    assert "requester" not in opened(client, made.get_json()["id"], keys)


@pytest.mark.parametrize("member", ["requester", "creator", "by"])
def test_no_request_member_can_forge_a_requester(client: FlaskClient, member: str) -> None:
    problem(asked(client, **{member: ALICE})[0], 400, "unknown_field")
