"""Hypothesis on every parser that reads untrusted input: a value, or a clean InvalidInput, never a crash.

Each parser is also held to an independent reference written from PROTOCOL.md (canonical
base64url, the access-code normalization, the ttl grammar), and the API on fakeredis is fed
arbitrary bodies: never a 5xx, and every error a problem document.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core import links
from app.core import protocol as p
from app.core.errors import BurnlinkError, InvalidInput
from app.server.curl import parse_ttl
from app.server.inputs import parse_json
from app.server.problems import from_error
from tests.apihelp import create_body, made_from

B64U_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B64U_TEXT = st.text(alphabet=B64U_ALPHABET, max_size=60)
NEAR_B64U = st.text(alphabet=B64U_ALPHABET + "=+/ \n\t.\u00e9\uff21", max_size=60)
ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=20), st.lists(st.integers(), max_size=3))
DEEP = 5000  # nesting levels: past CPython's recursion limit of 1000


# --- base64url ------------------------------------------------------------------------------


def canonical_b64u(text: str) -> bool:
    """The reference: text is what b64u_encode makes of some bytes (PROTOCOL.md's strict rules)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        return False
    return base64.urlsafe_b64encode(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))).rstrip(b"=").decode() == text


@given(st.binary(max_size=80))
def test_b64u_decode_inverts_encode(data: bytes) -> None:
    text = p.b64u_encode(data)
    assert p.b64u_decode(text) == data
    assert p.b64u_decode(text, length=len(data)) == data
    assert p.b64u_decode(text, min_length=len(data)) == data


@given(st.one_of(B64U_TEXT, NEAR_B64U, st.text(max_size=60)))
@example("A")  # length ≡ 1 (mod 4)
@example("AB")  # non-zero trailing bits
@example("AA==")  # padding
@example("AA AA")  # white space
def test_b64u_decode_accepts_exactly_the_canonical_encodings(text: str) -> None:
    try:
        data = p.b64u_decode(text)
    except InvalidInput:
        assert not canonical_b64u(text)
        return
    assert canonical_b64u(text)
    assert p.b64u_encode(data) == text


@given(st.one_of(B64U_TEXT, ANYTHING), st.one_of(st.none(), st.integers(0, 40)), st.one_of(st.none(), st.integers(0, 40)))
def test_b64u_decode_raises_only_invalid_input(value: Any, length: int | None, min_length: int | None) -> None:
    try:
        data = p.b64u_decode(value, length=length, min_length=min_length, field="f")
    except InvalidInput as err:
        assert err.field == "f" and err.code == "invalid_field" and from_error(err).status == 400
        return
    assert length is None or len(data) == length
    assert min_length is None or len(data) >= min_length


# --- access codes ---------------------------------------------------------------------------

SEPARATORS = "\t\n\x0b\x0c\r -\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u3000\u00a0"
CODE_TEXT = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=p.CROCKFORD + p.CROCKFORD.lower() + "oOiIlL" + SEPARATORS + "\uff21\uff10\ufb01\u00df", max_size=70),
)


def reference_normalize(code: str) -> str | None:
    """PROTOCOL.md's four steps, written out literally; ``None`` where a client must refuse."""
    text = unicodedata.normalize("NFKC", code)
    text = "".join(c for c in text if not ("\t" <= c <= "\r" or c in " -" or "\u2010" <= c <= "\u2015" or c == "\u2212"))
    text = text.upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if not 8 <= len(text) <= 64 or any(not "!" <= c <= "~" for c in text):
        return None
    return text


@given(CODE_TEXT)
@example("7k4mq 2xr9d")
@example("\u00df" * 32)  # upper() doubles it: 64 characters
def test_normalize_code_agrees_with_the_protocol_and_is_idempotent(text: str) -> None:
    try:
        code = p.normalize_code(text)
    except InvalidInput as err:
        assert err.field == "access_code"
        assert reference_normalize(text) is None
        return
    assert code == reference_normalize(text)
    assert p.normalize_code(code) == code


@given(st.text(alphabet=p.CROCKFORD, min_size=10, max_size=10), st.lists(st.sampled_from(SEPARATORS), max_size=4), st.randoms())
def test_a_code_survives_case_separators_and_aliases(symbols: str, noise: list[str], rnd: Any) -> None:
    typed = symbols.lower().replace("0", "o").replace("1", rnd.choice("iIlL"))
    for sep in noise:
        at = rnd.randint(0, len(typed))
        typed = typed[:at] + sep + typed[at:]
    assert p.normalize_code(typed) == p.normalize_code(f"{symbols[:5]}-{symbols[5:]}") == symbols


# --- links ----------------------------------------------------------------------------------

NETLOC = st.text(alphabet="abcxyz019.-:[]@%\uff03\u2100\u00e9", max_size=16)
LINKISH = st.builds(lambda scheme, host, path, sid, key: f"{scheme}://{host}{path}/s/{sid}#{key}",
                    st.sampled_from(["https", "http", "ftp", "HTTPS", ""]), NETLOC,
                    st.sampled_from(["", "/x", "/s"]), B64U_TEXT, B64U_TEXT)


@given(st.one_of(st.text(max_size=120), LINKISH))
@example("http://[")  # urlsplit: Invalid IPv6 URL
@example("https://h]/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43)
@example("https://a\uff03b/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43)  # urlsplit: invalid under NFKC
def test_parse_link_raises_only_invalid_input(text: str) -> None:
    try:
        link = links.parse_link(text)
    except InvalidInput as err:
        assert err.field == "url"
        return
    assert len(link.key) == 32 and len(p.b64u_decode(link.secret_id)) == 16
    assert link.base_url.startswith(("http://", "https://"))


HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5})?(:[1-9][0-9]{0,4})?", fullmatch=True)
BASE_URL = st.builds(lambda scheme, host, prefix: f"{scheme}://{host}{prefix}", st.sampled_from(["http", "https"]), HOST,
                     st.sampled_from(["", "/burn", "/a/b"]))


@given(BASE_URL, st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32), st.sampled_from(["", " ", "\n"]))
def test_parse_link_inverts_make_link(base: str, sid: bytes, key: bytes, pad: str) -> None:
    link = links.parse_link(pad + links.make_link(base, p.b64u_encode(sid), key) + pad)
    assert (link.base_url, link.secret_id, link.key) == (base, p.b64u_encode(sid), key)


# --- ttl ------------------------------------------------------------------------------------

TTL_GRAMMAR = re.compile(r"[1-9][0-9]*[smhd]?")  # PROTOCOL.md: ^[1-9][0-9]*[smhd]?$
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TTL_TEXT = st.one_of(
    st.text(alphabet="0123456789smhdwSM -+._\n\u0660\uff11", max_size=14),
    st.text(max_size=12),
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**12), st.sampled_from(["", "s", "m", "h", "d", "w", "ms"])),
)


def reference_ttl(text: str, low: int, high: int) -> int | None:
    if not TTL_GRAMMAR.fullmatch(text):
        return None
    seconds = int(text[:-1]) * UNITS[text[-1]] if text[-1] in UNITS else int(text)
    return seconds if low <= seconds <= high else None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # parse_ttl only reads the app's config
@given(text=TTL_TEXT)
@example(text="60")
@example(text="7d")
@example(text="10081m")  # one minute past 7 days
@example(text="1\n")  # a trailing newline: `$` would let it through, fullmatch does not
@example(text="\u0661\u0662\u0660m")  # Arabic-Indic digits: int() reads them, the grammar does not
def test_parse_ttl_agrees_with_the_grammar_and_the_range(text: str, app: Flask) -> None:
    config = app.config["BURNLINK"]
    expected = reference_ttl(text, config.ttl_min, config.ttl_max)
    with app.app_context():
        try:
            seconds = parse_ttl(text)
        except InvalidInput as err:
            assert err.field == "ttl"
            assert expected is None
            return
    assert seconds == expected


# --- JSON bodies ----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
JSON_BYTES = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8"), JSON_VALUES),
    st.builds(lambda v, enc: json.dumps(v).encode(enc), JSON_VALUES, st.sampled_from(["utf-16", "utf-8-sig", "utf-32"])),
    st.sampled_from([b'{"a": 1, "a": 2}', b'{"ttl": NaN}', b'{"ttl": Infinity}', b'{"ttl": -Infinity}', b'{"x": 1e999}',
                     b'{"x": "\\ud800"}', b'{"x": 1} trailing', b"", b"\xef\xbb\xbf{}", b'{"x": ' + b"9" * 5000 + b"}"]),
    st.builds(lambda n, opener: opener * n, st.integers(1, DEEP), st.sampled_from([b"[", b'{"a":', b'{"a":['])),
)


@given(JSON_BYTES)
@example(b"[" * DEEP)  # nesting deeper than the recursion limit
@example(b'{"a":' * DEEP)
def test_parse_json_gives_an_object_or_invalid_json(data: bytes) -> None:
    try:
        value = parse_json(data)
    except BurnlinkError as err:
        assert err.code == "invalid_json" and from_error(err).status == 400
        return
    assert isinstance(value, dict)
    assert value == json.loads(data)


@given(st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5))
def test_parse_json_reads_every_json_object(value: dict) -> None:
    assert parse_json(json.dumps(value).encode()) == value


# --- the API on fakeredis -------------------------------------------------------------------

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
