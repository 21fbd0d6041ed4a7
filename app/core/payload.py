"""The payload: what a secret holds once decrypted (UTF-8 JSON of one object).

``{"v": 1, "kind": "text", "text": …, "fields": {…}, "files": [{"name", "type", "data"}]}``;
absent members are left out, never ``null``. :data:`KINDS` are the kinds the
clients make; a reader shows an unknown kind as text plus fields.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .errors import InvalidInput
from .protocol import VERSION, Keys, Sealed, derive_keys, seal_plaintext, unseal

KINDS = ("text", "aws-access-key", "aws-session", "console-login", "file")


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
    """Decode a ``files[]`` member's data: strict standard base64, one spelling per value."""
    try:
        text = entry["data"]
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidInput("A file in the payload has invalid base64 data.", field="files") from None
    # b64decode ignores non-zero trailing bits ("QR==" reads as "A"); the browser refuses them.
    if base64.b64encode(data).decode("ascii") != text:
        raise InvalidInput("A file in the payload has invalid base64 data.", field="files")
    return data


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


def seal_payload(payload: dict[str, Any], code: str | None = None, key: bytes | None = None) -> Sealed:
    """Serialize and seal ``payload``: a creating client's whole part."""
    return seal_plaintext(encode_payload(payload), code, key)


def open_blob(blob: bytes, key: bytes, code: str | None = None, keys: Keys | None = None) -> dict[str, Any]:
    """Decrypt and decode a blob fetched from the server."""
    keys = keys or derive_keys(key, code)
    return decode_payload(unseal(blob, keys.enc_key))
