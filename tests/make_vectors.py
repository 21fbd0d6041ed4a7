"""Regenerate tests/vectors.json from fixed inputs: ``python tests/make_vectors.py``.

The file is the shared contract for the Python and the JavaScript protocol
implementations; tests/unit/core/test_protocol.py also re-derives every value with
hashlib/hmac alone, so the vectors do not merely echo app.core.protocol.
The ``requests`` member (app.core.request, static/js/request.js) is re-derived the
same way by tests/unit/core/test_request_crypto.py and tests/js/request.test.mjs.
"""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.core import request as rq

BASE_URL = "https://burnlink.example"

CASES = [
    ("text with a generated code", bytes(range(32)), "7K4MQ-2XR9D", payloads.make_payload("text", text="correct horse battery staple\n")),
    ("empty text without a code", bytes([0xFF] * 32), None, payloads.make_payload("text", text="")),
    (
        "non-ASCII code typed by its creator",
        bytes(range(100, 132)),
        "ｐａｓｓ ｗｏｒｄ－ß１２",
        payloads.make_payload("text", text="Grüße, 世界 🔐 \"quoted\" \\ <b>"),
    ),
    (
        "file payload (credentials.csv)",
        bytes(range(1, 33)),
        "abcde-fghjk",
        payloads.make_payload(
            "file",
            files=[
                payloads.file_entry(
                    "credentials.csv",
                    b"User name,Password,Access key ID,Secret access key,Console login link\n"
                    b"bob,,AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,\n",
                    "text/csv",
                )
            ],
        ),
    ),
    (
        "aws-access-key",
        bytes(range(7, 39)),
        "QW3RT-Y9P2Z",
        payloads.make_payload(
            "aws-access-key",
            fields={
                "access_key_id": "AKIAIOSFODNN7EXAMPLE",
                "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "region": "eu-west-1",
                "note": "first key of bob",
            },
        ),
    ),
    (
        "console-login",
        bytes(range(50, 82)),
        None,
        payloads.make_payload(
            "console-login",
            fields={
                "sign_in_url": "https://123456789012.signin.aws.amazon.com/console",
                "username": "bob",
                "password": "Temp#Pass-2026!",
            },
        ),
    ),
    (
        "text, fields and a file together",
        bytes(range(200, 232)),
        "l0ng-enough-code",
        payloads.make_payload(
            "text",
            text="see fields",
            fields={"env": "prod"},
            files=[payloads.file_entry(".env", b"DB_PASSWORD=s3cret\n", "text/plain")],
        ),
    ),
]


def secret_vector(index: int, name: str, key: bytes, code: str | None, payload: dict) -> dict:
    keys = p.derive_keys(key, code)
    iv = bytes([index] * 12)
    plaintext = payloads.encode_payload(payload)
    blob = p.seal(plaintext, keys.enc_key, iv)
    secret_id = p.b64u_encode(bytes([0x10 + index] * 16))
    return {
        "name": name,
        "K": p.b64u_encode(key),
        "code": code,
        "normalized_code": p.normalize_code(code) if code is not None else None,
        "ck": p.b64u_encode(p.code_key(key, code)),
        "link": p.b64u_encode(keys.link),
        "enc_key": p.b64u_encode(keys.enc_key),
        "auth": p.b64u_encode(keys.auth),
        "link_verifier": p.b64u_encode(keys.link_verifier),
        "auth_verifier": p.b64u_encode(keys.auth_verifier),
        "payload": payload,
        "plaintext": p.b64u_encode(plaintext),
        "iv": p.b64u_encode(iv),
        "blob": p.b64u_encode(blob),
        "id": secret_id,
        "base_url": BASE_URL,
        "url": links.make_link(BASE_URL, secret_id, key),
    }


NORMALIZE = [
    ("7K4MQ-2XR9D", "7K4MQ2XR9D"),
    ("7k4mq 2xr9d", "7K4MQ2XR9D"),
    ("7k4mq\u20132xr9d", "7K4MQ2XR9D"),
    ("7k4mq\u22122xr9d\n", "7K4MQ2XR9D"),
    ("\u3000７Ｋ４ＭＱ－２ＸＲ９Ｄ", "7K4MQ2XR9D"),
    ("oil-lamp-oil", "0111AMP011"),
    ("ｐａｓｓ ｗｏｒｄ－ß１２", "PASSW0RDSS12"),
    ("correct horse battery", "C0RRECTH0RSEBATTERY"),
    ("a!b@c#d$e%", "A!B@C#D$E%"),
]
NORMALIZE_INVALID = [
    ("1234567", "too short"),
    ("- - - -", "nothing left"),
    ("x" * 65, "too long"),
    ("pässwörd-123", "non-ASCII after normalization"),
    ("code\u0000code", "control character"),
]
# Codes a creator may not choose: normalization would accept them, but a character outside the
# set every client's Unicode tables map alike (or too short) makes them ambiguous.
CREATOR_CODE_INVALID = [
    ("abcd\ua7f1efgh", "a letter added in Unicode 16"),
    ("code\u2460\u2461\u2462\u2463", "circled digits, outside the characters every client maps alike"),
    ("\ufb01nance-code", "a ligature, outside the characters every client maps alike"),
    ("short", "too short"),
]
B64U_VALID = [("", ""), ("00", "AA"), ("fb", "-w"), ("ffff", "__8"), ("000102", "AAEC")]
B64U_INVALID = [
    ("AA==", "padding"),
    ("AA A", "white space"),
    ("AA+/", "standard alphabet"),
    ("AAAAA", "length 1 mod 4"),
    ("AB", "non-zero trailing bits"),
    ("AAF", "non-zero trailing bits"),
]


# Requests: (name, admin's private scalar d, responder's ephemeral scalar e, note, payload).
REQUEST_CASES = [
    (
        "text answer to an ASCII note",
        bytes(range(1, 33)),
        bytes(range(0x41, 0x61)),
        "Please send the staging database password.",
        payloads.make_payload("text", text="correct horse battery staple\n"),
    ),
    (
        "aws-access-key answer to a non-ASCII note",
        bytes(range(0x80, 0xA0)),
        bytes(range(0xC0, 0xE0)),
        "Grüße! Die AWS-Schlüssel für 🔐 prod, bitte: \"quoted\" \\ <b>",
        payloads.make_payload(
            "aws-access-key",
            fields={"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
        ),
    ),
    (
        "file answer to an empty note",
        bytes([0x7F] * 32),
        bytes(range(0x21, 0x41)),
        "",
        payloads.make_payload("file", files=[payloads.file_entry(".env", b"DB_PASSWORD=s3cret\n", "text/plain")]),
    ),
]


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)


def request_vector(index: int, name: str, d: bytes, e: bytes, note: str, payload: dict) -> dict:
    keys = rq.request_keys_from_private(d)
    ephemeral = rq.request_keys_from_private(e)
    rid_bytes = bytes([0x60 + index] * 16)
    rid = p.b64u_encode(rid_bytes)
    iv = bytes([0x70 + index] * 12)
    # The intermediates come from the primitives; the blob and links from app.core.request.
    curve = ec.SECP256R1()
    shared = ec.derive_private_key(int.from_bytes(e, "big"), curve).exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(curve, keys.q)
    )
    answer = rq.answer_proof(keys.q)
    inbox = rq.inbox_proof(d)
    return {
        "name": name,
        "d": p.b64u_encode(d),
        "Q": p.b64u_encode(keys.q),
        "inbox_fragment": p.b64u_encode(keys.inbox_fragment),
        "rid": rid,
        "answer_proof": p.b64u_encode(answer),
        "answer_verifier": p.b64u_encode(p.sha256(answer)),
        "inbox_proof": p.b64u_encode(inbox),
        "inbox_verifier": p.b64u_encode(p.sha256(inbox)),
        "note": note,
        "note_key": p.b64u_encode(_hkdf(keys.q, b"burnlink/v1/request/note")),
        "note_mac": p.b64u_encode(rq.note_mac(keys.q, rid, note)),
        "e": p.b64u_encode(e),
        "E": p.b64u_encode(ephemeral.q),
        "shared": p.b64u_encode(shared),
        "enc_key": p.b64u_encode(_hkdf(shared, b"burnlink/v1/request/enc" + rid_bytes + keys.q + ephemeral.q)),
        "iv": p.b64u_encode(iv),
        "payload": payload,
        "plaintext": p.b64u_encode(payloads.encode_payload(payload)),
        "blob": p.b64u_encode(rq.seal_answer(payload, keys.q, rid, ephemeral=ephemeral, iv=iv)),
        "base_url": BASE_URL,
        "request_url": rq.make_request_link(BASE_URL, rid, keys.q),
        "inbox_url": rq.make_inbox_link(BASE_URL, rid, keys),
    }


def build() -> dict:
    return {
        "protocol": 1,
        "comment": "Generated by tests/make_vectors.py. Byte strings are base64url without padding.",
        "b64u_valid": [{"hex": h, "b64u": b} for h, b in B64U_VALID],
        "b64u_invalid": [{"input": i, "why": w} for i, w in B64U_INVALID],
        "normalize": [{"input": i, "output": o} for i, o in NORMALIZE],
        "normalize_invalid": [{"input": i, "why": w} for i, w in NORMALIZE_INVALID],
        "creator_code_invalid": [{"input": i, "why": w} for i, w in CREATOR_CODE_INVALID],
        "secrets": [secret_vector(i, *case) for i, case in enumerate(CASES)],
        "requests": [request_vector(i, *case) for i, case in enumerate(REQUEST_CASES)],
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("vectors.json")
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
