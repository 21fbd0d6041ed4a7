"""app/core/request.py against tests/vectors.json ``requests``, an independent derivation, and hostile input.

The independent half computes P-256 points with the curve's formulas in plain
integers, HKDF with hmac (and cryptography's HKDF), the note MAC with hmac and the
blob with AES-GCM alone, so the vectors do not merely echo app.core.request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core import payload as payloads
from app.core import protocol as p
from app.core import request as rq
from app.core.errors import InvalidInput
from tests.support import ROOT

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
REQUESTS = VECTORS["requests"]
IDS = [v["name"] for v in REQUESTS]
FIRST = REQUESTS[0]

# P-256 (SEC 2, FIPS 186-4 D.1.2.3), for an affine double-and-add that shares no code with OpenSSL.
P = 2**256 - 2**224 + 2**192 + 2**96 - 1
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
Point = tuple[int, int] | None


def ec_add(p1: Point, p2: Point) -> Point:
    if p1 is None or p2 is None:
        return p1 or p2
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        slope = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def ec_mul(k: int, point: Point) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = ec_add(result, point)
        point = ec_add(point, point)
        k >>= 1
    return result


def sec1(point: Point) -> bytes:
    assert point is not None
    return b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def from_sec1(data: bytes) -> Point:
    return int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")


def on_curve(data: bytes) -> bool:
    x, y = from_sec1(data)
    return x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def hkdf_sha256(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt and one output block, written out with hmac alone."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def b64u(text: str) -> bytes:
    return p.b64u_decode(text)


def refused(call: Callable[[], Any], field: str) -> InvalidInput:
    """Run ``call``, expecting InvalidInput naming ``field`` with a sentence for a person."""
    with pytest.raises(InvalidInput) as raised:
        call()
    error = raised.value
    assert error.field == field, (error.field, error.detail)
    assert error.detail and error.detail[0].isupper() and error.detail.endswith("."), error.detail
    return error


def keys_of(vector: dict) -> rq.RequestKeys:
    return rq.RequestKeys(b64u(vector["d"]), b64u(vector["Q"]))


OTHER = rq.request_keys_from_private(bytes(range(0x10, 0x30)))  # someone else's pair (a swapping server's)
OTHER_RID = p.b64u_encode(b"\x5a" * 16)


# --- the vectors --------------------------------------------------------------------------


@pytest.mark.parametrize("vector", REQUESTS, ids=IDS)
def test_request_vector_matches_an_independent_derivation(vector: dict) -> None:
    d, e, rid, iv = b64u(vector["d"]), b64u(vector["e"]), b64u(vector["rid"]), b64u(vector["iv"])
    assert len(rid) == 16 and len(iv) == 12 and 1 <= int.from_bytes(d, "big") < N
    q = sec1(ec_mul(int.from_bytes(d, "big"), G))
    big_e = sec1(ec_mul(int.from_bytes(e, "big"), G))
    assert b64u(vector["Q"]) == q
    assert b64u(vector["E"]) == big_e
    assert b64u(vector["inbox_fragment"]) == d + q
    # Both sides of the exchange reach the same x-coordinate.
    shared = ec_mul(int.from_bytes(e, "big"), from_sec1(q))
    assert shared == ec_mul(int.from_bytes(d, "big"), from_sec1(big_e))
    assert shared is not None and b64u(vector["shared"]) == shared[0].to_bytes(32, "big")

    answer = hkdf_sha256(q, b"burnlink/v1/request/answer")
    inbox = hkdf_sha256(d, b"burnlink/v1/request/inbox")
    assert (b64u(vector["answer_proof"]), b64u(vector["inbox_proof"])) == (answer, inbox)
    assert b64u(vector["answer_verifier"]) == hashlib.sha256(answer).digest()
    assert b64u(vector["inbox_verifier"]) == hashlib.sha256(inbox).digest()

    note_key = hkdf_sha256(q, b"burnlink/v1/request/note")
    assert b64u(vector["note_key"]) == note_key
    assert b64u(vector["note_mac"]) == hmac.new(note_key, rid + vector["note"].encode("utf-8"), hashlib.sha256).digest()

    info = b"burnlink/v1/request/enc" + rid + q + big_e
    enc_key = hkdf_sha256(b64u(vector["shared"]), info)
    assert enc_key == HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=info).derive(b64u(vector["shared"]))
    assert b64u(vector["enc_key"]) == enc_key
    plaintext = b64u(vector["plaintext"])
    assert json.loads(plaintext) == vector["payload"]
    sealed = AESGCM(enc_key).encrypt(iv, plaintext, b"burnlink/v1/request")
    assert b64u(vector["blob"]) == big_e + iv + sealed
    assert len(b64u(vector["blob"])) == 65 + 12 + len(plaintext) + 16

    base = vector["base_url"]
    assert vector["request_url"] == f"{base}/r/{vector['rid']}#{vector['Q']}"
    assert vector["inbox_url"] == f"{base}/r/{vector['rid']}/inbox#{vector['inbox_fragment']}"
    assert len(vector["Q"]) == 87 and len(vector["inbox_fragment"]) == 130


@pytest.mark.parametrize("vector", REQUESTS, ids=IDS)
def test_implementation_reproduces_each_request_vector(vector: dict) -> None:
    d, q, rid = b64u(vector["d"]), b64u(vector["Q"]), vector["rid"]
    keys = rq.request_keys_from_private(d)
    assert (keys.d, keys.q) == (d, q)
    assert rq.request_keys_from_inbox(b64u(vector["inbox_fragment"])) == keys
    assert keys.inbox_fragment == b64u(vector["inbox_fragment"])
    assert p.b64u_encode(rq.answer_proof(q)) == vector["answer_proof"]
    assert p.b64u_encode(rq.inbox_proof(d)) == vector["inbox_proof"]
    verifiers = rq.request_verifiers(keys)
    assert p.b64u_encode(verifiers.answer_verifier) == vector["answer_verifier"]
    assert p.b64u_encode(verifiers.inbox_verifier) == vector["inbox_verifier"]
    assert p.b64u_encode(rq.note_mac(q, rid, vector["note"])) == vector["note_mac"]
    rq.verify_note(q, rid, vector["note"], b64u(vector["note_mac"]))

    ephemeral = rq.request_keys_from_private(b64u(vector["e"]))
    assert p.b64u_encode(ephemeral.q) == vector["E"]
    blob = rq.seal_answer(vector["payload"], q, rid, ephemeral=ephemeral, iv=b64u(vector["iv"]))
    assert p.b64u_encode(blob) == vector["blob"]
    assert rq.open_answer(b64u(vector["blob"]), keys, rid) == vector["payload"]

    assert rq.make_request_link(vector["base_url"], rid, q) == vector["request_url"]
    assert rq.make_inbox_link(vector["base_url"], rid, keys) == vector["inbox_url"]
    assert rq.parse_request_link(vector["request_url"]) == rq.RequestLink(vector["base_url"], rid, q)
    assert rq.parse_inbox_link(vector["inbox_url"]) == rq.InboxLink(vector["base_url"], rid, keys)


def test_request_vectors_cover_the_cases_that_differ_between_languages() -> None:
    notes = [v["note"] for v in REQUESTS]
    assert "" in notes and any(not n.isascii() for n in notes) and any(ord(c) > 0xFFFF for n in notes for c in n)
    assert len({v["payload"]["kind"] for v in REQUESTS}) == len(REQUESTS)
    assert len({v["rid"] for v in REQUESTS}) == len({v["Q"] for v in REQUESTS}) == len(REQUESTS)


# --- round trips ------------------------------------------------------------------------------


def test_a_fresh_request_round_trips_through_its_links() -> None:
    keys = rq.new_request_keys()
    rid = p.b64u_encode(p.new_id())
    assert keys != rq.new_request_keys()
    request = rq.parse_request_link(rq.make_request_link("https://example.org/tools/burnlink/", rid, keys.q))
    assert (request.base_url, request.rid, request.q) == ("https://example.org/tools/burnlink", rid, keys.q)
    mac = rq.note_mac(keys.q, rid, "the VPN password, please")
    rq.verify_note(request.q, request.rid, "the VPN password, please", mac)
    payload = payloads.make_payload("text", text="s3cret")
    blob = rq.seal_answer(payload, request.q, request.rid)
    assert p.sha256(rq.answer_proof(request.q)) == rq.request_verifiers(keys).answer_verifier
    inbox = rq.parse_inbox_link(rq.make_inbox_link("https://example.org/tools/burnlink", rid, keys))
    assert inbox.keys == keys
    assert p.sha256(rq.inbox_proof(inbox.keys.d)) == rq.request_verifiers(keys).inbox_verifier
    assert rq.open_answer(blob, inbox.keys, inbox.rid) == payload


def test_each_seal_draws_a_fresh_ephemeral_key_and_iv() -> None:
    payload, q, rid = FIRST["payload"], b64u(FIRST["Q"]), FIRST["rid"]
    one, two = rq.seal_answer(payload, q, rid), rq.seal_answer(payload, q, rid)
    assert one[:65] != two[:65] and one[65:77] != two[65:77]
    assert rq.open_answer(one, keys_of(FIRST), rid) == rq.open_answer(two, keys_of(FIRST), rid) == payload


def test_the_private_scalar_stays_out_of_repr() -> None:
    keys = keys_of(FIRST)
    assert FIRST["d"] not in repr(keys) and repr(keys.d) not in repr(keys)
    assert repr(keys.q) in repr(keys)


# --- hostile input ------------------------------------------------------------------------------


def test_a_swapped_public_key_gives_another_answer_proof_and_its_answer_never_opens() -> None:
    keys, rid = keys_of(FIRST), FIRST["rid"]
    swapped = rq.make_request_link(FIRST["base_url"], rid, OTHER.q)
    parsed = rq.parse_request_link(swapped)  # a valid key, just not the admin's
    assert rq.answer_proof(parsed.q) != b64u(FIRST["answer_proof"])
    assert p.sha256(rq.answer_proof(parsed.q)) != b64u(FIRST["answer_verifier"])  # the server's check refuses it
    blob = rq.seal_answer(FIRST["payload"], parsed.q, rid)
    refused(lambda: rq.open_answer(blob, keys, rid), "answer")
    refused(lambda: rq.verify_note(parsed.q, rid, FIRST["note"], b64u(FIRST["note_mac"])), "note")


@pytest.mark.parametrize("index", range(65))
def test_a_flipped_bit_in_the_request_links_key_is_refused(index: int) -> None:
    q = bytearray(b64u(FIRST["Q"]))
    q[index] ^= 0x01
    url = f"{FIRST['base_url']}/r/{FIRST['rid']}#{p.b64u_encode(bytes(q))}"
    assert not on_curve(bytes(q)) or q[0] != 4
    refused(lambda: rq.parse_request_link(url), "url")
    refused(lambda: rq.answer_proof(bytes(q)), "public_key")


@pytest.mark.parametrize("vector", REQUESTS, ids=IDS)
def test_an_altered_note_or_mac_fails_verification(vector: dict) -> None:
    q, rid, note, mac = b64u(vector["Q"]), vector["rid"], vector["note"], b64u(vector["note_mac"])
    others = {note + " ", " " + note, note[:-1], note.upper(), "Send it to evil@example.com instead."} - {note}
    for other in others:
        refused(lambda other=other: rq.verify_note(q, rid, other, mac), "note")
    if unicodedata.normalize("NFD", note) != note:
        refused(lambda: rq.verify_note(q, rid, unicodedata.normalize("NFD", note), mac), "note")
    for index in (0, 31):
        broken = bytearray(mac)
        broken[index] ^= 0x80
        refused(lambda broken=broken: rq.verify_note(q, rid, note, bytes(broken)), "note")
    refused(lambda: rq.verify_note(q, OTHER_RID, note, mac), "note")
    refused(lambda: rq.verify_note(OTHER.q, rid, note, mac), "note")
    # The same with a MAC made here: it binds the request id and the key, not just the vector.
    fresh = rq.note_mac(q, rid, note)
    rq.verify_note(q, rid, note, fresh)
    refused(lambda: rq.verify_note(q, OTHER_RID, note, fresh), "note")
    refused(lambda: rq.verify_note(OTHER.q, rid, note, rq.note_mac(OTHER.q, OTHER_RID, note)), "note")
    refused(lambda: rq.verify_note(q, rid, note, mac[:31]), "note_mac")


@pytest.mark.parametrize("vector", REQUESTS, ids=IDS)
def test_an_answer_replayed_onto_another_request_does_not_open(vector: dict) -> None:
    keys, blob = keys_of(vector), b64u(vector["blob"])
    fresh = rq.seal_answer(vector["payload"], keys.q, vector["rid"])
    assert rq.open_answer(fresh, keys, vector["rid"]) == vector["payload"]
    for rid in (OTHER_RID, *(v["rid"] for v in REQUESTS if v is not vector)):
        refused(lambda rid=rid: rq.open_answer(blob, keys, rid), "answer")
        refused(lambda rid=rid: rq.open_answer(fresh, keys, rid), "answer")


def test_a_wrong_inbox_key_gives_another_inbox_proof_and_cannot_open() -> None:
    blob, rid = b64u(FIRST["blob"]), FIRST["rid"]
    assert rq.inbox_proof(OTHER.d) != b64u(FIRST["inbox_proof"])
    assert rq.request_verifiers(OTHER).inbox_verifier != b64u(FIRST["inbox_verifier"])
    refused(lambda: rq.open_answer(blob, OTHER, rid), "answer")
    # Another admin's inbox cannot open it under its own request id either.
    refused(lambda: rq.open_answer(b64u(REQUESTS[1]["blob"]), keys_of(FIRST), REQUESTS[1]["rid"]), "answer")


def test_an_inbox_key_whose_halves_do_not_belong_together_is_refused() -> None:
    mixed = b64u(FIRST["d"]) + OTHER.q
    refused(lambda: rq.request_keys_from_inbox(mixed), "inbox_key")
    refused(lambda: rq.RequestKeys(OTHER.d, b64u(FIRST["Q"])), "inbox_key")
    url = f"{FIRST['base_url']}/r/{FIRST['rid']}/inbox#{p.b64u_encode(mixed)}"
    refused(lambda: rq.parse_inbox_link(url), "url")
    refused(lambda: rq.request_keys_from_inbox(b64u(FIRST["inbox_fragment"])[:96]), "inbox_key")


@pytest.mark.parametrize("index", [0, 1, 40, 64, 65, 76, 77, -17, -1])
def test_a_tampered_answer_does_not_open(index: int) -> None:
    broken = bytearray(b64u(FIRST["blob"]))
    broken[index] ^= 0x01
    refused(lambda: rq.open_answer(bytes(broken), keys_of(FIRST), FIRST["rid"]), "answer")


def test_a_short_or_foreign_answer_is_refused() -> None:
    blob, keys, rid = b64u(FIRST["blob"]), keys_of(FIRST), FIRST["rid"]
    refused(lambda: rq.open_answer(blob[:92], keys, rid), "answer")
    refused(lambda: rq.open_answer(blob[:93], keys, rid), "answer")
    refused(lambda: rq.open_answer(b"\x00" * 65 + blob[65:], keys, rid), "answer")
    refused(lambda: rq.open_answer(FIRST["blob"], keys, rid), "answer")  # text, not bytes
    # A normal secret's blob is not an answer.
    refused(lambda: rq.open_answer(b64u(VECTORS["secrets"][0]["blob"]), keys, rid), "answer")
    refused(lambda: rq.open_answer(blob, (keys.d, keys.q), rid), "inbox_key")  # type: ignore[arg-type]


def _compressed(q: bytes) -> bytes:
    return bytes([2 + (q[64] & 1)]) + q[1:33]


Q0 = b64u(FIRST["Q"])
BAD_PUBLIC_KEYS = {
    "empty": b"",
    "64 bytes": Q0[1:],
    "66 bytes": Q0 + b"\x00",
    "compressed (33 bytes)": _compressed(Q0),
    "compressed prefix on 65 bytes": b"\x02" + Q0[1:],
    "hybrid prefix": b"\x06" + Q0[1:],
    "not on the curve (y + 1)": Q0[:33] + (int.from_bytes(Q0[33:], "big") + 1).to_bytes(32, "big"),
    "all zero coordinates": b"\x04" + b"\x00" * 64,
    "x equal to the field prime": b"\x04" + P.to_bytes(32, "big") + Q0[33:],
    "text, not bytes": FIRST["Q"],
}


@pytest.mark.parametrize("bad", BAD_PUBLIC_KEYS.values(), ids=BAD_PUBLIC_KEYS.keys())
def test_malformed_public_keys_are_refused_everywhere(bad: Any) -> None:
    rid, d = FIRST["rid"], b64u(FIRST["d"])
    if isinstance(bad, bytes) and len(bad) == 65 and bad[0] == 4:
        assert not on_curve(bad)
    refused(lambda: rq.answer_proof(bad), "public_key")
    refused(lambda: rq.note_mac(bad, rid, "note"), "public_key")
    refused(lambda: rq.verify_note(bad, rid, FIRST["note"], b64u(FIRST["note_mac"])), "public_key")
    refused(lambda: rq.seal_answer(FIRST["payload"], bad, rid), "public_key")
    refused(lambda: rq.make_request_link(FIRST["base_url"], rid, bad), "public_key")
    refused(lambda: rq.RequestKeys(d, bad), "public_key")
    if isinstance(bad, bytes):
        url = f"{FIRST['base_url']}/r/{rid}#{p.b64u_encode(bad)}"
        refused(lambda: rq.parse_request_link(url), "url")


BAD_PRIVATE_KEYS = {
    "zero": b"\x00" * 32,
    "the order n": N.to_bytes(32, "big"),
    "n + 1": (N + 1).to_bytes(32, "big"),
    "all ones": b"\xff" * 32,
    "31 bytes": b"\x01" * 31,
    "33 bytes": b"\x01" * 33,
    "text, not bytes": FIRST["d"],
}


@pytest.mark.parametrize("bad", BAD_PRIVATE_KEYS.values(), ids=BAD_PRIVATE_KEYS.keys())
def test_malformed_private_keys_are_refused_everywhere(bad: Any) -> None:
    refused(lambda: rq.inbox_proof(bad), "private_key")
    refused(lambda: rq.request_keys_from_private(bad), "private_key")
    refused(lambda: rq.RequestKeys(bad, b64u(FIRST["Q"])), "private_key")
    if isinstance(bad, bytes) and len(bad) == 32:
        refused(lambda: rq.request_keys_from_inbox(bad + b64u(FIRST["Q"])), "private_key")


def test_the_largest_private_scalar_is_accepted() -> None:
    keys = rq.request_keys_from_private((N - 1).to_bytes(32, "big"))
    assert keys.q == sec1(ec_mul(N - 1, G))  # -G: G's x with the other y


BAD_RIDS = ["", "A" * 21, "A" * 23, "A" * 21 + "B", "A" * 20 + "==", "A" * 20 + "+/", b"\x00" * 16, None]


@pytest.mark.parametrize("rid", BAD_RIDS)
def test_malformed_request_ids_are_refused(rid: Any) -> None:
    keys, q = keys_of(FIRST), b64u(FIRST["Q"])
    refused(lambda: rq.note_mac(q, rid, "note"), "rid")
    refused(lambda: rq.seal_answer(FIRST["payload"], q, rid), "rid")
    refused(lambda: rq.open_answer(b64u(FIRST["blob"]), keys, rid), "rid")
    refused(lambda: rq.make_request_link(FIRST["base_url"], rid, q), "rid")
    refused(lambda: rq.make_inbox_link(FIRST["base_url"], rid, keys), "rid")


def test_notes_must_be_text_that_every_client_encodes_alike() -> None:
    q, rid = b64u(FIRST["Q"]), FIRST["rid"]
    refused(lambda: rq.note_mac(q, rid, "half a pair \ud83d"), "note")
    refused(lambda: rq.note_mac(q, rid, b"bytes"), "note")  # type: ignore[arg-type]
    refused(lambda: rq.note_mac(q, rid, None), "note")  # type: ignore[arg-type]


def test_sealing_refuses_a_bad_payload_iv_or_ephemeral_key() -> None:
    q, rid = b64u(FIRST["Q"]), FIRST["rid"]
    refused(lambda: rq.seal_answer({"v": 2, "kind": "text"}, q, rid), "payload")
    refused(lambda: rq.seal_answer(FIRST["payload"], q, rid, iv=b"\x00" * 11), "iv")
    refused(lambda: rq.seal_answer(FIRST["payload"], q, rid, ephemeral=b64u(FIRST["e"])), "ephemeral")  # type: ignore[arg-type]


R = "YGBgYGBgYGBgYGBgYGBgYA"  # the first vector's rid
Q_TEXT, INBOX_TEXT = FIRST["Q"], FIRST["inbox_fragment"]
BAD_REQUEST_LINKS = [
    f"https://h/r/{R}",  # no fragment
    f"https://h/r/{R}#",  # empty fragment
    f"https://h/r/{R}#{Q_TEXT[:-1]}",  # cut short
    f"https://h/r/{R}#{Q_TEXT}A",  # too long
    f"https://h/r/{R}#{Q_TEXT}=",  # padding
    f"https://h/r/{R}#{INBOX_TEXT}",  # an inbox key in a request link
    f"https://h/r/{R[:-1]}#{Q_TEXT}",  # short id
    f"https://h/r/{R[:-1]}B#{Q_TEXT}",  # non-canonical id
    f"https://h/s/{R}#{Q_TEXT}",  # a secret's path
    f"https://h/r/{R}/inbox#{Q_TEXT}",  # the inbox path
    f"ftp://h/r/{R}#{Q_TEXT}",
    f"https:///r/{R}#{Q_TEXT}",
    f"https://burnlink.example@evil.example/r/{R}#{Q_TEXT}",
    f"https://h/r/{R}#v2.{Q_TEXT}",
    "http://[",
    "",
]
BAD_INBOX_LINKS = [
    f"https://h/r/{R}/inbox",
    f"https://h/r/{R}/inbox#{INBOX_TEXT[:-1]}",
    f"https://h/r/{R}/inbox#{Q_TEXT}",  # a public key alone
    f"https://h/r/{R}#{INBOX_TEXT}",  # the answering path
    f"https://h/r/{R[:-1]}/inbox#{INBOX_TEXT}",
    f"https://h/r/{R}/outbox#{INBOX_TEXT}",
    f"javascript://h/r/{R}/inbox#{INBOX_TEXT}",
    f"https://burnlink.example@evil.example/r/{R}/inbox#{INBOX_TEXT}",
]


@pytest.mark.parametrize("url", BAD_REQUEST_LINKS)
def test_parse_request_link_refuses(url: str) -> None:
    refused(lambda: rq.parse_request_link(url), "url")


@pytest.mark.parametrize("url", BAD_INBOX_LINKS)
def test_parse_inbox_link_refuses(url: str) -> None:
    refused(lambda: rq.parse_inbox_link(url), "url")


def test_each_link_refuses_the_other_with_a_reason() -> None:
    assert "inbox link" in refused(lambda: rq.parse_request_link(FIRST["inbox_url"]), "url").detail
    assert "answer" in refused(lambda: rq.parse_inbox_link(FIRST["request_url"]), "url").detail


def test_link_parsers_take_a_path_prefix_a_trailing_slash_and_ignore_a_query() -> None:
    base = "http://example.org/tools/burnlink"
    request = rq.parse_request_link(f"  {base}/r/{R}/?utm=x#{Q_TEXT}\n")
    assert (request.base_url, request.rid, request.q) == (base, R, b64u(Q_TEXT))
    inbox = rq.parse_inbox_link(f"{base}/r/{R}/inbox/#{INBOX_TEXT}")
    assert (inbox.base_url, inbox.rid, inbox.keys) == (base, R, keys_of(FIRST))
