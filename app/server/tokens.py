"""Manage tokens: signed with itsdangerous, naming one secret, expiring with its receipt."""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import BadSignature, Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from ..core.errors import Forbidden, Unauthorized

SALT = "burnlink/v1/manage"


class _Serializer(URLSafeTimedSerializer):
    """itsdangerous's URL-safe format, written without trying zlib first.

    The stock serializer compresses every payload and keeps the result only when it is
    shorter, which an id and a time never are: the same tokens, without a zlib call on every
    create. ``loads`` still reads a compressed payload.
    """

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


class ManageTokens:
    """Issue and check the bearer tokens that let a creator see a receipt and burn early."""

    def __init__(self, secret_key: str, fallbacks: tuple[str, ...] = ()) -> None:
        # itsdangerous signs with the last key and verifies with any: old keys first, SECRET_KEY last.
        self._serializer = _Serializer([*fallbacks, secret_key], salt=SALT)

    def issue(self, secret_id: str, expires_at: int) -> str:
        """A token for ``secret_id`` valid until ``expires_at`` (epoch seconds)."""
        return self._serializer.dumps([secret_id, int(expires_at)])

    def check(self, authorization: str | None, secret_id: str) -> None:
        """Raise :class:`Unauthorized` (401) or :class:`Forbidden` (403) unless the
        ``Authorization`` header carries a live token for ``secret_id``."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized()
        try:
            named, expires_at = self._serializer.loads(token.strip())
        except (BadSignature, ValueError, TypeError):
            raise Unauthorized("The manage token is malformed or forged.") from None
        if not isinstance(named, str) or not isinstance(expires_at, int) or expires_at < time.time():
            raise Unauthorized("The manage token has expired.")
        if named != secret_id:
            raise Forbidden()
