"""The API on fakeredis fed arbitrary bodies (Hypothesis): never a 5xx, and every error a problem document."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core import protocol as p
from tests.support.api import create_body, made_from
from tests.support.strategies import B64U_TEXT, DEEP, JSON_BYTES, JSON_VALUES

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code"}
TEXT_OR_ANY = st.one_of(st.text(max_size=60), B64U_TEXT, JSON_VALUES)


def assert_clean(response: Any) -> None:
    """Never a server error; every error a problem document that names its own status."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", response.mimetype
        problem = response.get_json()
        assert PROBLEM_MEMBERS <= set(problem) and problem["status"] == response.status_code
        assert re.fullmatch(r"[a-z][a-z0-9_]*", problem["code"])


@st.composite
def create_bodies(draw: Any) -> Any:
    """A create body: valid members mixed with arbitrary ones, or any JSON value at all."""
    valid, _ = create_body(code=None, ttl=3600, views=2)
    members = {name: draw(st.one_of(st.just(value), TEXT_OR_ANY)) for name, value in valid.items() if draw(st.booleans())}
    if draw(st.booleans()):
        members[draw(st.text(max_size=10))] = draw(JSON_VALUES)
    return draw(st.one_of(st.just(members), JSON_VALUES))


@settings(max_examples=200, deadline=None)
@given(body=create_bodies())
@example(body=json.loads("[" * 50 + "]" * 50))
def test_create_never_answers_5xx(body: Any, make_app_once: Flask) -> None:
    response = make_app_once.test_client().post("/api/v1/secrets", data=json.dumps(body), content_type="application/json")
    assert_clean(response)
    if response.status_code == 201:
        assert set(response.get_json()) >= {"id", "url", "expires_at", "views", "manage_token"}


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_reveal_never_answers_5xx(data: Any, make_app_once: Flask) -> None:
    """A fresh real secret per example; its real proofs and key mixed with arbitrary members."""
    client = make_app_once.test_client()
    body, sealed = create_body(code=None, views=2)
    created = client.post("/api/v1/secrets", json=body)
    made = made_from(sealed, created, created.get_json())
    real = {"link": made.link, "auth": made.auth, "key": p.b64u_encode(made.key), "access_code": "7K4MQ-2XR9D"}
    members = {name: data.draw(st.one_of(st.just(value), TEXT_OR_ANY), label=name) for name, value in real.items()
               if data.draw(st.booleans(), label=f"send {name}")}
    if data.draw(st.booleans(), label="extra member"):
        members[data.draw(st.text(max_size=10), label="extra name")] = data.draw(JSON_VALUES, label="extra value")
    sent = data.draw(st.one_of(st.just(members), JSON_VALUES), label="body")
    response = client.post(f"/api/v1/secrets/{made.id}/reveal", data=json.dumps(sent), content_type="application/json")
    assert_clean(response)
    if response.status_code == 200 and "link" in sent:
        assert p.b64u_decode(response.get_json()["ciphertext"]) == sealed.blob


@settings(max_examples=150, deadline=None)
@given(raw=JSON_BYTES, content_type=st.sampled_from(
    ["application/json", "application/json; charset=latin-1", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain", "application/xml", ""]),
    reveal=st.booleans())
@example(raw=b"[" * DEEP, content_type="application/json", reveal=False)
@example(raw=b"[" * DEEP, content_type="application/json", reveal=True)
def test_any_body_bytes_never_answer_5xx(raw: bytes, content_type: str, reveal: bool, make_app_once: Flask) -> None:
    path = "/api/v1/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal" if reveal else "/api/v1/secrets"
    headers = {"Content-Type": content_type} if content_type else {}
    assert_clean(make_app_once.test_client().post(path, data=raw, headers=headers))
