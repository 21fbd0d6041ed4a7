"""Regenerate tests/vectors.json from fixed inputs: ``python tests/make_vectors.py``.

The file is the shared contract for the Python and the JavaScript protocol
implementations; tests/test_protocol.py also re-derives every value with
hashlib/hmac alone, so the vectors do not merely echo app.protocol.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p

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
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("vectors.json")
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
