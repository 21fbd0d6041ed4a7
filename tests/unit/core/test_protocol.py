"""app/core/protocol.py against tests/vectors.json, against an independent derivation, and (with
Hypothesis) against references written from PROTOCOL.md: canonical base64url, the access-code
normalization. Every parser of untrusted input gives a value or a clean InvalidInput, never a crash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.core.errors import InvalidInput
from app.server.problems import from_error
from tests.support import ROOT
from tests.support.strategies import B64U_ALPHABET, B64U_TEXT

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
SECRETS = VECTORS["secrets"]
NEAR_B64U = st.text(alphabet=B64U_ALPHABET + "=+/ \n\t.\u00e9\uff21", max_size=60)
ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=20), st.lists(st.integers(), max_size=3))


def hkdf_sha256(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt and one output block, written out with hmac alone."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def b64u(text: str) -> bytes:
    return p.b64u_decode(text)


@pytest.mark.parametrize("vector", SECRETS, ids=[v["name"] for v in SECRETS])
def test_key_schedule_matches_an_independent_derivation(vector: dict) -> None:
    key = b64u(vector["K"])
    if vector["code"] is None:
        ck = b""
    else:
        ck = hashlib.pbkdf2_hmac("sha256", vector["normalized_code"].encode("ascii"), key, 600_000, 32)
    assert b64u(vector["ck"]) == ck
    link = hkdf_sha256(key, b"burnlink/v1/link")
    enc = hkdf_sha256(key + ck, b"burnlink/v1/enc")
    auth = hkdf_sha256(key + ck, b"burnlink/v1/auth")
    assert (b64u(vector["link"]), b64u(vector["enc_key"]), b64u(vector["auth"])) == (link, enc, auth)
    assert b64u(vector["link_verifier"]) == hashlib.sha256(link).digest()
    assert b64u(vector["auth_verifier"]) == hashlib.sha256(auth).digest()


@pytest.mark.parametrize("vector", SECRETS, ids=[v["name"] for v in SECRETS])
def test_implementation_reproduces_each_vector(vector: dict) -> None:
    key = b64u(vector["K"])
    keys = p.derive_keys(key, vector["code"])
    assert p.b64u_encode(keys.link) == vector["link"]
    assert p.b64u_encode(keys.enc_key) == vector["enc_key"]
    assert p.b64u_encode(keys.auth) == vector["auth"]
    assert p.b64u_encode(keys.link_verifier) == vector["link_verifier"]
    assert p.b64u_encode(keys.auth_verifier) == vector["auth_verifier"]
    plaintext = b64u(vector["plaintext"])
    assert json.loads(plaintext) == vector["payload"]
    assert payloads.encode_payload(vector["payload"]) == plaintext
    assert p.b64u_encode(p.seal(plaintext, keys.enc_key, b64u(vector["iv"]))) == vector["blob"]
    assert p.unseal(b64u(vector["blob"]), keys.enc_key) == plaintext
    assert payloads.open_blob(b64u(vector["blob"]), key, vector["code"]) == vector["payload"]
    assert links.make_link(vector["base_url"], vector["id"], key) == vector["url"]
    parsed = links.parse_link(vector["url"])
    assert (parsed.base_url, parsed.secret_id, parsed.key) == (vector["base_url"], vector["id"], key)


def test_vectors_cover_what_the_issue_names() -> None:
    """Every payload kind, secrets with and without a code, a non-ASCII code and an empty text."""
    kinds = {v["payload"]["kind"] for v in SECRETS}
    assert {"text", "file", "aws-access-key", "console-login"} <= kinds
    assert any(v["code"] is None for v in SECRETS) and any(v["code"] for v in SECRETS)
    assert any(v["code"] and not v["code"].isascii() for v in SECRETS)
    assert any(v["payload"].get("text") == "" for v in SECRETS)


def test_vectors_file_is_what_the_generator_writes() -> None:
    from tests.make_vectors import build

    assert build() == VECTORS


# --- base64url ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["b64u_valid"], ids=lambda c: c["b64u"] or "empty")
def test_b64u_valid(case: dict) -> None:
    assert p.b64u_decode(case["b64u"]) == bytes.fromhex(case["hex"])
    assert p.b64u_encode(bytes.fromhex(case["hex"])) == case["b64u"]


@pytest.mark.parametrize("case", VECTORS["b64u_invalid"], ids=lambda c: c["why"])
def test_b64u_rejects(case: dict) -> None:
    with pytest.raises(InvalidInput):
        p.b64u_decode(case["input"])


def test_b64u_length_checks() -> None:
    with pytest.raises(InvalidInput):
        p.b64u_decode(p.b64u_encode(b"x" * 31), length=32)
    with pytest.raises(InvalidInput):
        p.b64u_decode(p.b64u_encode(b"x" * 27), min_length=28)
    assert p.b64u_decode(p.b64u_encode(b"x" * 28), min_length=28) == b"x" * 28


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


@pytest.mark.parametrize("case", VECTORS["normalize"], ids=lambda c: c["output"])
def test_normalize(case: dict) -> None:
    assert p.normalize_code(case["input"]) == case["output"]


@pytest.mark.parametrize("case", VECTORS["normalize"], ids=lambda c: c["output"])
def test_a_creator_may_choose_every_normalizable_vector(case: dict) -> None:
    assert p.check_creator_code(case["input"]) == case["output"]


@pytest.mark.parametrize("case", VECTORS["creator_code_invalid"], ids=lambda c: c["why"])
def test_a_creator_may_not_choose(case: dict) -> None:
    with pytest.raises(InvalidInput) as raised:
        p.check_creator_code(case["input"])
    assert raised.value.field == "access_code"


@pytest.mark.parametrize("case", VECTORS["normalize_invalid"], ids=lambda c: c["why"])
def test_normalize_refuses(case: dict) -> None:
    with pytest.raises(InvalidInput) as info:
        p.normalize_code(case["input"])
    assert info.value.field == "access_code"


def test_generated_codes_use_the_crockford_alphabet() -> None:
    codes = {p.generate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert p.normalize_code(code) == code.replace("-", "")
        assert set(code.replace("-", "")) <= set(p.CROCKFORD)


code_chars = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


@settings(max_examples=40, deadline=None)
@given(raw=st.text(alphabet=code_chars, min_size=8, max_size=64), noise=st.sampled_from(["", " ", "-", "\u2013", "\t"]))
def test_normalize_is_idempotent_and_ignores_separators(raw: str, noise: str) -> None:
    try:
        once = p.normalize_code(raw)
    except InvalidInput:
        return  # e.g. all dashes: too short once stripped
    assert p.normalize_code(once) == once
    spaced = noise.join(raw)
    assert p.normalize_code(spaced) == once
    assert p.normalize_code(unicodedata.normalize("NFKC", spaced.lower())) == once


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
