"""Hypothesis on the parsers: arbitrary input gives a value or a clean InvalidInput, never a crash."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app import protocol as p
from app.errors import BurnlinkError, InvalidInput
from app.inputs import parse_json

B64U_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ \n", max_size=60)


@given(st.binary(max_size=80))
def test_b64u_round_trip(data: bytes) -> None:
    assert p.b64u_decode(p.b64u_encode(data)) == data


@given(st.one_of(B64U_TEXT, st.text(max_size=60)))
def test_b64u_accepts_exactly_the_canonical_encodings(text: str) -> None:
    try:
        data = p.b64u_decode(text)
    except InvalidInput:
        return
    assert p.b64u_encode(data) == text


@given(st.text(max_size=80))
def test_normalize_code_never_crashes_and_is_idempotent(text: str) -> None:
    try:
        code = p.normalize_code(text)
    except InvalidInput:
        return
    assert p.normalize_code(code) == code
    assert 8 <= len(code) <= 64 and all(0x21 <= ord(c) <= 0x7E for c in code)


@given(st.one_of(st.text(max_size=120), st.builds(lambda a, b: f"https://h/s/{a}#{b}", B64U_TEXT, B64U_TEXT)))
def test_parse_link_never_crashes(text: str) -> None:
    try:
        link = p.parse_link(text)
    except InvalidInput:
        return
    assert len(link.key) == 32 and len(p.b64u_decode(link.secret_id)) == 16


TTL = re.compile(r"[1-9][0-9]{0,9}[smhd]?")


@given(st.one_of(st.text(alphabet="0123456789smhdw -", max_size=12), st.text(max_size=12)))
def test_parse_duration_agrees_with_the_protocol_grammar(text: str) -> None:
    try:
        seconds = p.parse_duration(text)
    except InvalidInput:
        assert not TTL.fullmatch(text)
        return
    assert TTL.fullmatch(text) and seconds > 0


@given(st.binary(max_size=200))
def test_parse_json_gives_an_object_or_invalid_json(data: bytes) -> None:
    try:
        value = parse_json(data)
    except BurnlinkError as err:
        assert err.code == "invalid_json" and err.status == 400
        return
    assert isinstance(value, dict)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=12)
create_like = st.fixed_dictionaries({}, optional={
    "ciphertext": st.one_of(st.text(max_size=60), json_values), "link_verifier": st.one_of(st.text(max_size=50), json_values),
    "auth_verifier": st.one_of(st.text(max_size=50), json_values), "ttl": json_values, "views": json_values,
    "has_code": json_values, "extra": json_values})


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(create_like, json_values))
def test_api_never_answers_5xx_to_any_json(body: Any, make_app_once: Any) -> None:
    client = make_app_once.test_client()
    for path in ("/api/v1/secrets", "/api/v1/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal"):
        response = client.post(path, data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, response.get_data(as_text=True)
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"
