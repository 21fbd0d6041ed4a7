"""app.protocol against tests/vectors.json, and against an independent derivation."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.core.errors import InvalidInput

VECTORS = json.loads(Path(__file__).resolve().parent.parent.joinpath("vectors.json").read_text(encoding="utf-8"))
SECRETS = VECTORS["secrets"]


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
    kinds = {v["payload"]["kind"] for v in SECRETS}
    assert {"text", "file", "aws-access-key", "console-login"} <= kinds
    assert any(v["code"] is None for v in SECRETS) and any(v["code"] for v in SECRETS)
    assert any(v["code"] and not v["code"].isascii() for v in SECRETS)
    assert any(v["payload"].get("text") == "" for v in SECRETS)


def test_vectors_file_is_what_the_generator_writes() -> None:
    from tests.make_vectors import build

    assert build() == VECTORS


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


def test_a_code_read_aloud_opens_the_secret() -> None:
    sealed = payloads.seal_payload(payloads.make_payload(text="s3cret"), "7K4MQ-2XR9D")
    assert payloads.open_blob(sealed.blob, sealed.key, "7k4mq 2xr9d")["text"] == "s3cret"
    with pytest.raises(InvalidInput):
        payloads.open_blob(sealed.blob, sealed.key, "7K4MQ-2XR9E")
    with pytest.raises(InvalidInput):
        payloads.open_blob(sealed.blob, sealed.key, None)


def test_tampered_blob_does_not_open() -> None:
    sealed = payloads.seal_payload(payloads.make_payload(text="s3cret"))
    for index in (0, 12, len(sealed.blob) - 1):
        broken = bytearray(sealed.blob)
        broken[index] ^= 1
        with pytest.raises(InvalidInput):
            payloads.open_blob(bytes(broken), sealed.key)


def test_payload_decoding_is_strict() -> None:
    for bad in (b"\xff", b"[]", b'{"v": 2, "kind": "text"}', b'{"v": 1}', b'{"v": true, "kind": "text"}',
                b'{"v": 1, "kind": "text", "fields": {"a": 1}}', b'{"v": 1, "kind": "t", "files": [{"name": "x"}]}'):
        with pytest.raises(InvalidInput):
            payloads.decode_payload(bad)


@pytest.mark.parametrize(
    "url",
    [
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA",  # no fragment
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA#abc",  # truncated key
        "https://h/s/AAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # short id
        "https://h/x/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # not /s/
        "ftp://h/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,
        "https://h/s/AAAAAAAAAAAAAAAAAAAAAA#v2." + "A" * 43,  # another protocol version
        "https://burnlink.example@evil.example/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,  # a host behind a user name
    ],
)
def test_parse_link_refuses(url: str) -> None:
    with pytest.raises(InvalidInput):
        links.parse_link(url)


payload_objects = st.builds(
    payloads.make_payload,
    kind=st.sampled_from(["text", "file", "aws-access-key", "console-login", "something-new"]),
    text=st.none() | st.text(),
    fields=st.none() | st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=200), max_size=5),
    files=st.none() | st.lists(st.builds(payloads.file_entry, st.text(min_size=1, max_size=30), st.binary(max_size=2000)), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(payload=payload_objects, key=st.binary(min_size=32, max_size=32))
def test_payload_round_trip(payload: dict, key: bytes) -> None:
    # No code here: PBKDF2's 600,000 rounds would make each example slow; codes round-trip below.
    sealed = payloads.seal_payload(payload, None, key=key)
    assert payloads.open_blob(sealed.blob, key) == payload
    assert len(sealed.blob) == len(payloads.encode_payload(payload)) + 28


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
