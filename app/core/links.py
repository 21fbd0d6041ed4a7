"""Links: ``{BASE_URL}/s/{id}#{b64u(K)}``, made and taken apart strictly.

The fragment never reaches a server; whoever parses a link keeps the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from .errors import InvalidInput
from .protocol import KEY_LEN, b64u_decode, b64u_encode, is_secret_id

_NOT_A_LINK = "This is not a burnlink link (expected https://host/s/ID#KEY)."


def make_link(base_url: str, secret_id: str, key: bytes) -> str:
    """``{BASE_URL}/s/{id}#{b64u(K)}``."""
    return with_key(secret_url(base_url, secret_id), key)


def with_key(url: str, key: bytes) -> str:
    """A secret's URL (as the server answered it) with the fragment key appended."""
    return f"{url}#{b64u_encode(key)}"


def secret_url(base_url: str, secret_id: str) -> str:
    """``{BASE_URL}/s/{id}``: the link without its key."""
    return f"{base_url.rstrip('/')}/s/{secret_id}"


@dataclass(frozen=True)
class ParsedLink:
    """A link's server (``base_url``), ``secret_id`` and fragment ``key`` (``b""`` when only an id was asked for)."""

    base_url: str
    secret_id: str
    key: bytes = b""


def split_link(url: object, path: str, wrong: str) -> tuple[SplitResult, re.Match[str]]:
    """An http(s) URL whose path fully matches the regex ``path``; :class:`InvalidInput` saying ``wrong`` otherwise."""
    if not isinstance(url, str):
        raise InvalidInput(wrong, field="url")
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. "http://[": urlsplit checks brackets and some characters itself
        raise InvalidInput(wrong, field="url") from None
    match = re.fullmatch(path, parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or not match:
        raise InvalidInput(wrong, field="url")
    if "@" in parts.netloc or " " in parts.netloc:
        # https://burnlink.example@evil.example/... reads as one host and goes to another.
        raise InvalidInput("This link hides its real host behind a user name; it is not a burnlink link.", field="url")
    return parts, match


def _split(url: str) -> tuple[str, str, str]:
    """``(base_url, id, fragment)`` of an http(s) link to ``/s/ID``, or :class:`InvalidInput`."""
    parts, match = split_link(url, r"(.*)/s/([A-Za-z0-9_-]+)/?", _NOT_A_LINK)
    if not is_secret_id(match.group(2)):
        raise InvalidInput("This link's id is damaged or cut short (expected 22 characters after /s/).", field="url")
    return f"{parts.scheme}://{parts.netloc}{match.group(1)}", match.group(2), parts.fragment


def parse_link(url: str) -> ParsedLink:
    """Split a burnlink link into its server, id and fragment key, strictly."""
    base_url, secret_id, fragment = _split(url)
    if not fragment:
        raise InvalidInput("The link has no key after '#': it was cut short.", field="url")
    try:
        key = b64u_decode(fragment, length=KEY_LEN, field="key")
    except InvalidInput:
        raise InvalidInput("The key after '#' is damaged, cut short, or from another protocol version.", field="url") from None
    return ParsedLink(base_url, secret_id, key)


def parse_target(text: str, default_server: str) -> ParsedLink:
    """A link (its server and id; any key is dropped) or a bare id on ``default_server``."""
    text = text.strip()
    if "://" in text:
        base_url, secret_id, _ = _split(text)
        return ParsedLink(base_url, secret_id)
    if not is_secret_id(text):
        raise InvalidInput("Expected a burnlink link or a 22-character secret id.", field="id")
    return ParsedLink(default_server, text)
