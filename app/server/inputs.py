"""Reading requests: bodies by their declared type, strict JSON, and typed members.

Everything here raises :class:`~app.core.errors.BurnlinkError` values; the app's one
error handler turns them into problem documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from werkzeug.sansio.utils import host_is_trusted

from ..core.errors import BurnlinkError, ErrorCode, InvalidInput, NotFound
from ..core.protocol import MIN_BLOB, b64u_decode, is_secret_id

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class Body:
    """A parsed request body: ``kind`` is json, form or text."""

    kind: str
    values: dict[str, Any]
    raw: bytes = b""


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BurnlinkError(f"The member {key!r} appears twice.", code=ErrorCode.INVALID_JSON, field=key)
        seen[key] = value
    return seen


def parse_json(data: bytes) -> dict[str, Any]:
    """Strict JSON: UTF-8, one object, no duplicate members, no NaN or Infinity."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: a body nested a thousand levels deep is malformed input, not a crash.
        raise BurnlinkError(code=ErrorCode.INVALID_JSON) from None
    if not isinstance(value, dict):
        raise BurnlinkError("The request body must be a JSON object.", code=ErrorCode.INVALID_JSON)
    return value


def read_body(*, text_ok: bool = False) -> Body:
    """Read the body by its declared type; anything unexpected is 415."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES:
        return Body("json", parse_json(request.get_data(cache=False)))
    if mimetype in FORM_TYPES:
        values: dict[str, Any] = {}
        for key, items in request.form.lists():
            if len(items) > 1:
                raise InvalidInput(f"The field {key!r} appears more than once.", field=key)
            values[key] = items[0]
        for key, files in request.files.lists():
            values[key] = files
        return Body("form", values)
    if text_ok and mimetype == "text/plain":
        return Body("text", {}, request.get_data(cache=False))
    accepted = ", ".join(JSON_TYPES + FORM_TYPES + (("text/plain",) if text_ok else ()))
    raise BurnlinkError(
        f"Unsupported request type {mimetype or '(none)'!r}; send one of: {accepted}.",
        code=ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    )


def only(values: dict[str, Any], allowed: set[str]) -> None:
    """400 ``unknown_field`` naming the first member not in ``allowed``."""
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise BurnlinkError(f"Unknown member {unknown[0]!r}.", code=ErrorCode.UNKNOWN_FIELD, field=unknown[0])


def integer(value: Any, name: str, low: int, high: int, *, form: bool) -> int:
    """A JSON integer (not a boolean, float or string), or digits in a form."""
    if form and isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be an integer.", field=name)
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}.", field=name)
    return value


def boolean(value: Any, name: str, *, form: bool) -> bool:
    if form and value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false.", field=name)
    return value


def b64_member(values: dict[str, Any], name: str, length: int) -> bytes:
    if name not in values:
        raise InvalidInput(f"{name} is required.", field=name)
    if not isinstance(values[name], str):
        raise InvalidInput(f"{name} must be a base64url string.", field=name)
    return b64u_decode(values[name], length=length, field=name)


def ciphertext_member(values: dict[str, Any]) -> bytes:
    """The blob, refused as 413 before decoding when its text is already too long."""
    text = values.get("ciphertext")
    if not isinstance(text, str):
        raise InvalidInput("ciphertext is required, as a base64url string.", field="ciphertext")
    limit = current_app.config["BURNLINK"].max_blob
    if len(text) > (limit * 4 + 2) // 3:
        raise too_large(limit)
    return b64u_decode(text, min_length=MIN_BLOB, field="ciphertext")


def too_large(limit: int) -> BurnlinkError:
    return BurnlinkError(f"The secret is larger than the limit of {limit} bytes of ciphertext.", code=ErrorCode.TOO_LARGE)


def secret_id(value: str) -> str:
    """A well-formed id; anything else is simply not found."""
    if not is_secret_id(value):
        raise NotFound()
    return value


def base_url() -> str:
    """The origin links are built on: BASE_URL, else a listed Host, else (outside production) any Host."""
    cfg = current_app.config["BURNLINK"]
    if cfg.base_url:
        return cfg.base_url.rstrip("/")
    if cfg.allowed_hosts:
        if not host_is_trusted(request.host, cfg.allowed_hosts):
            raise BurnlinkError("This server does not make links for the host this request names.", code=ErrorCode.BAD_REQUEST)
    elif cfg.production:
        # The settings refuse this at start; a Host header alone never becomes a link in production.
        raise BurnlinkError("BASE_URL is not set; this server cannot make links.", code=ErrorCode.INTERNAL_ERROR)
    return request.host_url.rstrip("/")


def no_query(*allowed: str) -> None:
    """Refuse query parameters, and secrets in the query string most of all."""
    for key in request.args:
        if key in ("key", "access_code", "link", "auth") and key not in allowed:
            raise InvalidInput(f"{key} must never be sent in the query string (it ends up in logs); send it in the body.", field=key)
        if key not in allowed:
            raise BurnlinkError(f"Unknown query parameter {key!r}.", code=ErrorCode.UNKNOWN_FIELD, field=key)
