"""Requests: an admin asks someone to send a secret, sealed to a key the server never sees.

The admin's client makes a P-256 key pair (``d``, ``Q``). The request link
``{BASE_URL}/r/{rid}#{b64u(Q)}`` goes to the person who answers; the inbox link
``{BASE_URL}/r/{rid}/inbox#{b64u(d || Q)}`` stays with the admin. The server keeps
two verifiers, the note with its MAC and the sealed answer (``docs/protocol.md``,
"Requests"). ``static/js/request.js`` is the browser's twin; both are held to
``tests/vectors.json`` ``requests``.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import InvalidInput
from .links import split_link
from .payload import decode_payload, encode_payload
from .protocol import ID_LEN, IV_LEN, KEY_LEN, TAG_LEN, b64u_decode, b64u_encode, is_secret_id, sha256

PUBLIC_LEN = 65  # uncompressed SEC1: 0x04 || x || y
PRIVATE_LEN = 32
INBOX_LEN = PRIVATE_LEN + PUBLIC_LEN
MIN_ANSWER = PUBLIC_LEN + IV_LEN + TAG_LEN
ANSWER_AAD = b"burnlink/v1/request"
INFO_ANSWER = b"burnlink/v1/request/answer"
INFO_INBOX = b"burnlink/v1/request/inbox"
INFO_NOTE = b"burnlink/v1/request/note"
INFO_ANSWER_ENC = b"burnlink/v1/request/enc"

_CURVE = ec.SECP256R1()
# The order of P-256's base point: a private scalar d must be 1 <= d < n.
_ORDER = 0xFFFFFFFF_00000000_FFFFFFFF_FFFFFFFF_BCE6FAAD_A7179E84_F3B9CAC2_FC632551
_NOT_A_REQUEST = "This is not a burnlink request link (expected https://host/r/ID#KEY)."
_NOT_AN_INBOX = "This is not a burnlink inbox link (expected https://host/r/ID/inbox#KEY)."


# --- keys --------------------------------------------------------------------------------


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=info).derive(ikm)


def _as_bytes(value: object, what: str, field_name: str) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise InvalidInput(f"{what} must be bytes.", field=field_name)
    return bytes(value)


def _public_key(q: object, what: str = "A request's public key", field_name: str = "public_key") -> ec.EllipticCurvePublicKey:
    data = _as_bytes(q, what, field_name)
    # Only the uncompressed form: one spelling per key, and the size the links promise.
    if len(data) != PUBLIC_LEN or data[0] != 0x04:
        raise InvalidInput(f"{what} must be {PUBLIC_LEN} bytes in uncompressed form (starting 0x04).", field=field_name)
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, data)
    except ValueError:
        raise InvalidInput(f"{what} is not a point on the P-256 curve.", field=field_name) from None


def _private_key(d: object, what: str = "A request's private key", field_name: str = "private_key") -> ec.EllipticCurvePrivateKey:
    data = _as_bytes(d, what, field_name)
    if len(data) != PRIVATE_LEN:
        raise InvalidInput(f"{what} must be {PRIVATE_LEN} bytes.", field=field_name)
    value = int.from_bytes(data, "big")
    if not 1 <= value < _ORDER:
        raise InvalidInput(f"{what} is out of range for the P-256 curve.", field=field_name)
    return ec.derive_private_key(value, _CURVE)


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass(frozen=True)
class RequestKeys:
    """A P-256 key pair: ``d`` (32-byte scalar, only in the inbox link) and ``q`` (65-byte point ``Q``).

    Construction checks both halves and that ``q`` is ``d``'s point, so a value of
    this type always holds a working pair.
    """

    d: bytes = field(repr=False)  # never in a traceback or a log line
    q: bytes

    def __post_init__(self) -> None:
        private = _private_key(self.d)
        _public_key(self.q)
        if not hmac.compare_digest(_point(private.public_key()), bytes(self.q)):
            raise InvalidInput("The inbox key's two halves do not belong together: the link is damaged.", field="inbox_key")
        # A bytearray would let the checked pair change later; keep immutable copies.
        object.__setattr__(self, "d", bytes(self.d))
        object.__setattr__(self, "q", bytes(self.q))

    @property
    def inbox_fragment(self) -> bytes:
        """``d || Q``: the 97 bytes after '#' in the inbox link."""
        return self.d + self.q


def new_request_keys() -> RequestKeys:
    """A fresh key pair for a new request (made by the admin's client)."""
    private = ec.generate_private_key(_CURVE)
    d = private.private_numbers().private_value.to_bytes(PRIVATE_LEN, "big")
    return RequestKeys(d, _point(private.public_key()))


def request_keys_from_private(d: bytes) -> RequestKeys:
    """The key pair of the private scalar ``d`` (``Q`` computed from it)."""
    private = _private_key(d)
    return RequestKeys(bytes(d), _point(private.public_key()))


def request_keys_from_inbox(fragment: bytes) -> RequestKeys:
    """The key pair in an inbox link's fragment ``d || Q`` (97 bytes), checked to belong together."""
    data = _as_bytes(fragment, "The inbox key", "inbox_key")
    if len(data) != INBOX_LEN:
        raise InvalidInput(f"The inbox key must be {INBOX_LEN} bytes.", field="inbox_key")
    return RequestKeys(data[:PRIVATE_LEN], data[PRIVATE_LEN:])


# --- proofs and verifiers ------------------------------------------------------------------


def answer_proof(q: bytes) -> bytes:
    """``HKDF(Q, "burnlink/v1/request/answer")``: proves an answer came from someone holding ``Q``."""
    _public_key(q)
    return _hkdf(bytes(q), INFO_ANSWER)


def inbox_proof(d: bytes) -> bytes:
    """``HKDF(d, "burnlink/v1/request/inbox")``: proves a reader of the answer holds ``d``."""
    _private_key(d)
    return _hkdf(bytes(d), INFO_INBOX)


@dataclass(frozen=True)
class RequestVerifiers:
    """What a server keeps to check proofs: SHA-256 of the answer proof and of the inbox proof."""

    answer_verifier: bytes
    inbox_verifier: bytes


def request_verifiers(keys: RequestKeys) -> RequestVerifiers:
    """The two verifiers the admin's client sends when it creates a request."""
    return RequestVerifiers(sha256(answer_proof(keys.q)), sha256(inbox_proof(keys.d)))


# --- the note --------------------------------------------------------------------------------


def _rid(rid: object) -> bytes:
    if not is_secret_id(rid):
        raise InvalidInput("A request id must be 22 base64url characters (16 bytes).", field="rid")
    return b64u_decode(str(rid), length=ID_LEN)


def _note_bytes(note: object) -> bytes:
    if not isinstance(note, str):
        raise InvalidInput("The note must be text.", field="note")
    try:
        return note.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JS would turn it into U+FFFD, so no MAC would match
        raise InvalidInput("The note must be valid Unicode text.", field="note") from None


def note_mac(q: bytes, rid: str, note: str) -> bytes:
    """``HMAC-SHA256(HKDF(Q, "burnlink/v1/request/note"), rid || UTF-8(note))``."""
    _public_key(q)
    message = _rid(rid) + _note_bytes(note)
    return hmac.new(_hkdf(bytes(q), INFO_NOTE), message, "sha256").digest()


def verify_note(q: bytes, rid: str, note: str, mac: bytes) -> None:
    """Raise :class:`InvalidInput` unless ``mac`` is the note's MAC under ``Q`` for request ``rid``."""
    mac = _as_bytes(mac, "The note's MAC", "note_mac")
    if len(mac) != KEY_LEN:
        raise InvalidInput(f"The note's MAC must be {KEY_LEN} bytes.", field="note_mac")
    if not hmac.compare_digest(note_mac(q, rid, note), mac):
        raise InvalidInput("The request's note was changed after it was written (its MAC does not match).", field="note")


# --- the answer --------------------------------------------------------------------------------


def _answer_key(shared: bytes, rid: bytes, q: bytes, e: bytes) -> bytes:
    # The info binds the version, the request and both public keys: a blob cannot move to another.
    return _hkdf(shared, INFO_ANSWER_ENC + rid + q + e)


def seal_answer(
    payload: dict[str, Any], q: bytes, rid: str, ephemeral: RequestKeys | None = None, iv: bytes | None = None
) -> bytes:
    """``E || iv || AES-256-GCM(enc_key, iv, payload JSON, "burnlink/v1/request")``, sealed to ``Q``.

    ``ephemeral`` (the pair ``e``, ``E``) and ``iv`` are fresh unless given (vectors fix them).
    """
    plaintext = encode_payload(payload)
    public = _public_key(q)
    rid_bytes = _rid(rid)
    if ephemeral is not None and not isinstance(ephemeral, RequestKeys):
        raise InvalidInput("The ephemeral key must be a key pair.", field="ephemeral")
    pair = new_request_keys() if ephemeral is None else ephemeral
    if iv is not None and (not isinstance(iv, bytes | bytearray) or len(iv) != IV_LEN):
        raise InvalidInput(f"The iv must be {IV_LEN} bytes.", field="iv")
    nonce = bytes(iv) if iv is not None else secrets.token_bytes(IV_LEN)
    shared = _private_key(pair.d).exchange(ec.ECDH(), public)
    enc_key = _answer_key(shared, rid_bytes, bytes(q), pair.q)
    return pair.q + nonce + AESGCM(enc_key).encrypt(nonce, plaintext, ANSWER_AAD)


def open_answer(blob: bytes, keys: RequestKeys, rid: str) -> dict[str, Any]:
    """Open an answer with the inbox keys; refuse one sealed for another request or key, or altered."""
    data = _as_bytes(blob, "The answer", "answer")
    if len(data) < MIN_ANSWER:
        raise InvalidInput(f"The answer is too short (at least {MIN_ANSWER} bytes).", field="answer")
    if not isinstance(keys, RequestKeys):
        raise InvalidInput("The inbox key must be a key pair.", field="inbox_key")
    rid_bytes = _rid(rid)
    e = data[:PUBLIC_LEN]
    sender = _public_key(e, "The answer's ephemeral key", "answer")
    shared = _private_key(keys.d).exchange(ec.ECDH(), sender)
    enc_key = _answer_key(shared, rid_bytes, keys.q, e)
    iv_end = PUBLIC_LEN + IV_LEN
    try:
        plaintext = AESGCM(enc_key).decrypt(data[PUBLIC_LEN:iv_end], data[iv_end:], ANSWER_AAD)
    except InvalidTag:
        raise InvalidInput(
            "The answer does not open with this inbox key: it was sealed for another request or key, or it was changed.",
            field="answer",
        ) from None
    return decode_payload(plaintext)


# --- links ---------------------------------------------------------------------------------------


def make_request_link(base_url: str, rid: str, q: bytes) -> str:
    """``{BASE_URL}/r/{rid}#{b64u(Q)}``: the link for the person who answers."""
    _rid(rid)
    _public_key(q)
    return f"{base_url.rstrip('/')}/r/{rid}#{b64u_encode(bytes(q))}"


def make_inbox_link(base_url: str, rid: str, keys: RequestKeys) -> str:
    """``{BASE_URL}/r/{rid}/inbox#{b64u(d || Q)}``: the link the admin keeps to read the answer."""
    _rid(rid)
    if not isinstance(keys, RequestKeys):
        raise InvalidInput("The inbox key must be a key pair.", field="inbox_key")
    return f"{base_url.rstrip('/')}/r/{rid}/inbox#{b64u_encode(keys.inbox_fragment)}"


@dataclass(frozen=True)
class RequestLink:
    """A request link's server (``base_url``), request id and public key ``q``."""

    base_url: str
    rid: str
    q: bytes


@dataclass(frozen=True)
class InboxLink:
    """An inbox link's server (``base_url``), request id and key pair."""

    base_url: str
    rid: str
    keys: RequestKeys


def _split(url: object, inbox: bool) -> tuple[str, str, str]:
    """``(base_url, rid, fragment)`` of an http(s) link to ``/r/ID`` (or ``/r/ID/inbox``), strictly."""
    parts, match = split_link(url, r"(.*)/r/([A-Za-z0-9_-]+)(/inbox)?/?", _NOT_AN_INBOX if inbox else _NOT_A_REQUEST)
    if inbox and not match.group(3):
        raise InvalidInput("This is the link to answer a request, not its inbox link.", field="url")
    if not inbox and match.group(3):
        raise InvalidInput("This is the inbox link of a request, for the person who asked; it cannot answer it.", field="url")
    if not is_secret_id(match.group(2)):
        raise InvalidInput("This link's request id is damaged or cut short (expected 22 characters after /r/).", field="url")
    if not parts.fragment:
        raise InvalidInput("The link has no key after '#': it was cut short.", field="url")
    return f"{parts.scheme}://{parts.netloc}{match.group(1)}", match.group(2), parts.fragment


def _fragment(fragment: str, length: int) -> bytes:
    try:
        return b64u_decode(fragment, length=length, field="key")
    except InvalidInput:
        raise InvalidInput("The key after '#' is damaged, cut short, or from another protocol version.", field="url") from None


def parse_request_link(url: str) -> RequestLink:
    """Split a request link into its server, request id and public key ``Q`` (checked on the curve)."""
    base_url, rid, fragment = _split(url, inbox=False)
    q = _fragment(fragment, PUBLIC_LEN)
    try:
        _public_key(q)
    except InvalidInput:
        raise InvalidInput("The key after '#' is not a valid public key: the link is damaged.", field="url") from None
    return RequestLink(base_url, rid, q)


def parse_inbox_link(url: str) -> InboxLink:
    """Split an inbox link into its server, request id and key pair (``Q`` checked to be ``d``'s point)."""
    base_url, rid, fragment = _split(url, inbox=True)
    try:
        keys = request_keys_from_inbox(_fragment(fragment, INBOX_LEN))
    except InvalidInput as error:
        if error.field == "url":
            raise
        raise InvalidInput("The key after '#' is not a valid inbox key: the link is damaged.", field="url") from None
    return InboxLink(base_url, rid, keys)
