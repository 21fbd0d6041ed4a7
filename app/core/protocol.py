"""The burnlink protocol, version 1, in Python: encodings, access codes, keys and the seal.

With :mod:`app.core.payload`, :mod:`app.core.links` and :mod:`app.core.wire`
this is the one Python implementation of the protocol (``docs/protocol.md``).
The CLI, the server's curl mode, the tests and the benchmarks all use it; the
browser uses ``static/js/protocol.js``. Both are held to ``tests/vectors.json``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

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

# An id in a path: 22 base64url symbols (16 bytes); canonical trailing bits are checked on decode.
ID_PATTERN = r"[A-Za-z0-9_-]{22}"
_ID = re.compile(ID_PATTERN)

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


def is_secret_id(text: object) -> bool:
    """Is ``text`` a canonical secret id (22 base64url symbols decoding to 16 bytes)?"""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return False
    try:
        b64u_decode(text, length=ID_LEN)
    except InvalidInput:
        return False
    return True


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


# A code a creator types must read the same in every client. NFKC and upper-casing follow each
# runtime's Unicode tables (Python 3.11 has Unicode 14, browsers newer ones), so a creator may use
# only characters whose mapping no Unicode update has changed: printable ASCII, white space,
# Latin-1 and Latin Extended-A, the dashes normalization strips, the ideographic space and the
# full-width ASCII forms. A recipient's input is never restricted.
_STABLE_CODE_CHARS = re.compile("[\t\n\x0b\x0c\r\x20-\x7e\u00a0-\u017f\u2010-\u2015\u2212\u3000\uff01-\uff5e]*")


def check_creator_code(code: str) -> str:
    """Normalize a code a creator chose, refusing characters that clients may map differently."""
    normalized = normalize_code(code)
    if not _STABLE_CODE_CHARS.fullmatch(code):
        raise InvalidInput(
            "Use letters, digits and punctuation for your own code: some characters are not read the same way by every client.",
            field="access_code",
        )
    return normalized


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


# --- ciphertext ---------------------------------------------------------------------------


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


# --- a creating client's whole part --------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """What a creating client sends (``blob``, verifiers) and keeps (``key``, ``code``)."""

    key: bytes
    code: str | None
    blob: bytes
    link_verifier: bytes
    auth_verifier: bytes


def seal_plaintext(plaintext: bytes, code: str | None = None, key: bytes | None = None) -> Sealed:
    """Do a creating client's whole part: key, key schedule, encryption."""
    key = key or new_key()
    keys = derive_keys(key, code)
    return Sealed(key, code, seal(plaintext, keys.enc_key), keys.link_verifier, keys.auth_verifier)
