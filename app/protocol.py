"""The burnlink protocol, version 1, in Python.

The one Python implementation of ``shared/PROTOCOL.md``: strict base64url,
access codes, the key schedule, the payload and its AES-256-GCM seal, and
links. The CLI, the server's curl mode and the tests all use this module; the
browser uses ``static/js/protocol.js``. Both are held to ``tests/vectors.json``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from .errors import InvalidInput

VERSION = 1
KEY_LEN = 32
ID_LEN = 16
IV_LEN = 12
TAG_LEN = 16
MIN_BLOB = IV_LEN + TAG_LEN
PBKDF2_ITERATIONS = 600_000
AAD = b"burnlink/v1"
INFO_LINK = b"burnlink/v1/link"
INFO_ENC = b"burnlink/v1/enc"
INFO_AUTH = b"burnlink/v1/auth"

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_MIN, CODE_MAX = 8, 64
# U+0009–U+000D, space, hyphen-minus, U+2010–U+2015 and U+2212: what phones and
# word processors put between the groups of a code read aloud or pasted.
_CODE_STRIP = re.compile("[\t\n\x0b\x0c\r \\-\u2010-\u2015\u2212]")
_CODE_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_B64U = re.compile(r"[A-Za-z0-9_-]*")
_B64U_VALUE = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}


# --- base64url ---------------------------------------------------------------------------


def b64u_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str, *, length: int | None = None, min_length: int | None = None, field: str | None = None) -> bytes:
    """Decode strict base64url: no padding, no white space, canonical trailing bits.

    ``length`` demands an exact decoded size, ``min_length`` a smallest one.
    Raises :class:`InvalidInput` (naming ``field``) for anything else.
    """
    name = field or "value"
    if not isinstance(text, str) or not _B64U.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidInput(f"{name} must be base64url without padding.", field=field)
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{name} must be base64url without padding.", field=field) from None
    # Non-zero trailing bits decode silently; only the last symbol can carry them
    # (4 spare bits after 2 symbols of a group, 2 after 3), so check that one alone.
    spare = {2: 0x0F, 3: 0x03}.get(len(text) % 4, 0)
    if spare and _B64U_VALUE[text[-1]] & spare:
        raise InvalidInput(f"{name} has non-canonical trailing bits.", field=field)
    if length is not None and len(data) != length:
        raise InvalidInput(f"{name} must decode to {length} bytes.", field=field)
    if min_length is not None and len(data) < min_length:
        raise InvalidInput(f"{name} must decode to at least {min_length} bytes.", field=field)
    return data


def new_key() -> bytes:
    """A fresh fragment key ``K``."""
    return secrets.token_bytes(KEY_LEN)


def new_id() -> bytes:
    """A fresh secret id (made by the server)."""
    return secrets.token_bytes(ID_LEN)


# --- access codes ------------------------------------------------------------------------


def generate_code() -> str:
    """Ten Crockford base32 symbols (50 bits) shown as ``XXXXX-XXXXX``."""
    symbols = "".join(CROCKFORD[secrets.randbelow(32)] for _ in range(10))
    return f"{symbols[:5]}-{symbols[5:]}"


def normalize_code(code: str) -> str:
    """Normalize an access code as PROTOCOL.md says, or raise :class:`InvalidInput`."""
    text = unicodedata.normalize("NFKC", code)
    text = _CODE_STRIP.sub("", text).upper().translate(_CODE_ALIASES)
    if not CODE_MIN <= len(text) <= CODE_MAX:
        raise InvalidInput(
            f"An access code must be {CODE_MIN} to {CODE_MAX} characters (not counting spaces and dashes).",
            field="access_code",
        )
    if any(not 0x21 <= ord(ch) <= 0x7E for ch in text):
        raise InvalidInput("An access code may use only printable ASCII characters.", field="access_code")
    return text


# --- key schedule ------------------------------------------------------------------------


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)


def code_key(key: bytes, code: str | None) -> bytes:
    """``ck``: PBKDF2 of the normalized code salted with ``K``; empty without a code."""
    if code is None:
        return b""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=key, iterations=PBKDF2_ITERATIONS)
    return kdf.derive(normalize_code(code).encode("ascii"))


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def link_proof(key: bytes) -> bytes:
    """``link``: proves the holder has the fragment key (no PBKDF2, cheap)."""
    return _hkdf(key, INFO_LINK)


@dataclass(frozen=True)
class Keys:
    """Everything the key schedule derives from ``K`` and the optional code."""

    link: bytes
    enc_key: bytes
    auth: bytes

    @property
    def link_verifier(self) -> bytes:
        return sha256(self.link)

    @property
    def auth_verifier(self) -> bytes:
        return sha256(self.auth)


def derive_keys(key: bytes, code: str | None = None) -> Keys:
    """Run the key schedule; ``code`` is the access code as typed (normalized here)."""
    if len(key) != KEY_LEN:
        raise InvalidInput("The fragment key must be 32 bytes.", field="key")
    ikm = key + code_key(key, code)
    return Keys(link=link_proof(key), enc_key=_hkdf(ikm, INFO_ENC), auth=_hkdf(ikm, INFO_AUTH))


# --- payload and ciphertext ----------------------------------------------------------------


def make_payload(
    kind: str = "text",
    text: str | None = None,
    fields: dict[str, str] | None = None,
    files: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Build a payload object, leaving absent members out (never ``null``)."""
    payload: dict[str, Any] = {"v": VERSION, "kind": kind}
    if text is not None:
        payload["text"] = text
    if fields:
        payload["fields"] = dict(fields)
    if files:
        payload["files"] = list(files)
    return payload


def file_entry(name: str, data: bytes, content_type: str = "application/octet-stream") -> dict[str, str]:
    """One ``files[]`` member: the data as standard base64 with padding."""
    return {"name": name, "type": content_type, "data": base64.b64encode(data).decode("ascii")}


def file_data(entry: dict[str, str]) -> bytes:
    """Decode a ``files[]`` member's data (strict standard base64)."""
    try:
        return base64.b64decode(entry["data"], validate=True)
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidInput("A file in the payload has invalid base64 data.", field="files") from None


def encode_payload(payload: dict[str, Any]) -> bytes:
    """Serialize a payload as compact UTF-8 JSON (no BOM)."""
    validate_payload(payload)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_payload(plaintext: bytes) -> dict[str, Any]:
    """Parse and check a plaintext; strict UTF-8, version 1 only."""
    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("The secret's payload is not valid UTF-8 JSON.", field="payload") from None
    validate_payload(payload)
    return payload


def validate_payload(payload: Any) -> None:
    """Raise :class:`InvalidInput` unless ``payload`` has the version-1 shape."""

    def bad(why: str) -> InvalidInput:
        return InvalidInput(f"Invalid payload: {why}.", field="payload")

    if not isinstance(payload, dict):
        raise bad("not an object")
    if payload.get("v") != VERSION or isinstance(payload.get("v"), bool):
        raise bad("unsupported version")
    if not isinstance(payload.get("kind"), str) or not payload["kind"]:
        raise bad("kind must be a non-empty string")
    if "text" in payload and not isinstance(payload["text"], str):
        raise bad("text must be a string")
    fields = payload.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise bad("fields must map names to strings")
    files = payload.get("files", [])
    if not isinstance(files, list):
        raise bad("files must be a list")
    for entry in files:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(m), str) for m in ("name", "type", "data")):
            raise bad("each file needs a name, a type and data")


def seal(plaintext: bytes, enc_key: bytes, iv: bytes | None = None) -> bytes:
    """``blob = iv || AES-256-GCM(enc_key, iv, plaintext, aad)``; ``iv`` is random unless given."""
    iv = iv if iv is not None else secrets.token_bytes(IV_LEN)
    return iv + AESGCM(enc_key).encrypt(iv, plaintext, AAD)


def unseal(blob: bytes, enc_key: bytes) -> bytes:
    """Open a blob; raise :class:`InvalidInput` if it was not sealed with ``enc_key``."""
    from cryptography.exceptions import InvalidTag

    if len(blob) < MIN_BLOB:
        raise InvalidInput("The ciphertext is too short.", field="ciphertext")
    try:
        return AESGCM(enc_key).decrypt(blob[:IV_LEN], blob[IV_LEN:], AAD)
    except InvalidTag:
        raise InvalidInput("The ciphertext does not open with these keys.", field="ciphertext") from None


# --- links -----------------------------------------------------------------------------


def make_link(base_url: str, secret_id: str, key: bytes) -> str:
    """``{BASE_URL}/s/{id}#{b64u(K)}``."""
    return f"{base_url.rstrip('/')}/s/{secret_id}#{b64u_encode(key)}"


@dataclass(frozen=True)
class ParsedLink:
    base_url: str
    secret_id: str
    key: bytes


def parse_link(url: str) -> ParsedLink:
    """Split a burnlink link into its server, id and fragment key, strictly."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. "http://[": urlsplit checks brackets and some characters itself
        raise InvalidInput("This is not a burnlink link (expected https://host/s/ID#KEY).", field="url") from None
    match = re.fullmatch(r"(.*)/s/([A-Za-z0-9_-]+)/?", parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or not match:
        raise InvalidInput("This is not a burnlink link (expected https://host/s/ID#KEY).", field="url")
    if "@" in parts.netloc or " " in parts.netloc:
        # https://burnlink.example@evil.example/... reads as one host and goes to another.
        raise InvalidInput("This link hides its real host behind a user name; it is not a burnlink link.", field="url")
    try:
        b64u_decode(match.group(2), length=ID_LEN, field="id")
    except InvalidInput:
        raise InvalidInput("This link's id is damaged or cut short (expected 22 characters after /s/).", field="url") from None
    if not parts.fragment:
        raise InvalidInput("The link has no key after '#': it was cut short.", field="url")
    try:
        key = b64u_decode(parts.fragment, length=KEY_LEN, field="key")
    except InvalidInput:
        raise InvalidInput(
            "The key after '#' is damaged, cut short, or from another protocol version.", field="url"
        ) from None
    return ParsedLink(base_url=f"{parts.scheme}://{parts.netloc}{match.group(1)}", secret_id=match.group(2), key=key)


# --- durations ----------------------------------------------------------------------------

_DURATION = re.compile(r"[1-9][0-9]{0,9}([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """``3600``, ``90m``, ``1h``, ``7d`` → seconds (the curl mode's and the CLI's ``ttl``)."""
    match = _DURATION.fullmatch(text)
    if not match:
        raise InvalidInput("ttl must look like 3600, 90m, 1h or 7d.", field="ttl")
    return int(text.rstrip("smhd")) * _UNITS[match.group(1)]


# --- one-call helpers used by the CLI and the curl mode ----------------------------------


@dataclass(frozen=True)
class Sealed:
    """What a creating client sends (``blob``, verifiers) and keeps (``key``, ``code``)."""

    key: bytes
    code: str | None
    blob: bytes
    link_verifier: bytes
    auth_verifier: bytes


def seal_payload(payload: dict[str, Any], code: str | None = None, key: bytes | None = None) -> Sealed:
    """Do a creating client's whole part: key, key schedule, encryption."""
    key = key or new_key()
    keys = derive_keys(key, code)
    blob = seal(encode_payload(payload), keys.enc_key)
    return Sealed(key, code, blob, keys.link_verifier, keys.auth_verifier)


def open_blob(blob: bytes, key: bytes, code: str | None = None, keys: Keys | None = None) -> dict[str, Any]:
    """Decrypt and decode a blob fetched from the server."""
    keys = keys or derive_keys(key, code)
    return decode_payload(unseal(blob, keys.enc_key))
