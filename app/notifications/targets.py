"""Notification targets: what a creator (or the operator) asks to be told, checked and sealed.

A create body's ``notify`` is a list of at most three targets::

    {"type": "webhook", "url": "https://…", "secret": "whsec_…", "events": [...]}
    {"type": "slack", "url": "https://hooks.slack.com/…"}
    {"type": "email", "to": "alice@example.com"}

The webhook secret and the Slack URL are the creator's credentials: the targets are kept
sealed (AES-256-GCM with a key derived from ``SECRET_KEY``, bound to the secret's id) and
never logged or returned; the receipt shows only each target's type and delivery state.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..core.config import Config
from ..core.errors import InvalidInput, PolicyError
from ..store.records import EVENT_NAMES
from .guard import Allow, check_url

EVENT_TYPES = tuple(EVENT_NAMES.values())
# A target that names no events hears these: a secret's endings, and what the asker of a request
# waits for (a target only ever sees the events of the secret or request it was named on).
DEFAULT_EVENTS = ("secret.revealed", "secret.destroyed", "secret.expired", "secret.burned",
                  "request.answered", "request.expired", "request.burned")
MAX_TARGETS = 3
TYPES = ("webhook", "slack", "email")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@({_LABEL}(?:\.{_LABEL})+)")
_SEAL_INFO = b"burnlink/v1/notify-targets"
FIELD = "notify"


def _bad(sentence: str) -> InvalidInput:
    return InvalidInput(sentence, field=FIELD)


@dataclass(frozen=True)
class Target:
    """One place to tell: a webhook, a Slack incoming webhook, or an e-mail address."""

    type: str
    url: str = ""
    secret: str = ""
    to: str = ""
    events: tuple[str, ...] = DEFAULT_EVENTS

    def wants(self, event_type: str) -> bool:
        return event_type in self.events

    def as_dict(self) -> dict[str, Any]:
        """The full target, for sealing (it holds credentials: never log or return it)."""
        out: dict[str, Any] = {"type": self.type, "events": list(self.events)}
        out.update({k: v for k, v in (("url", self.url), ("secret", self.secret), ("to", self.to)) if v})
        return out


@dataclass(frozen=True)
class Policy:
    """What the operator allows targets to be (from :class:`~app.core.config.Config`)."""

    allow: Allow = field(default_factory=Allow)
    email_domains: frozenset[str] = frozenset()
    email_ready: bool = False
    slack_prefix: str = "https://hooks.slack.com/"
    types: tuple[str, ...] = TYPES

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        return cls(
            allow=Allow.parse(config.notify_allow),
            email_domains=frozenset(d.lower().lstrip("@") for d in config.notify_email_domains),
            email_ready=bool(config.smtp_url),
            slack_prefix=config.slack_url_prefix,
            types=tuple(t for t in TYPES if t in config.notify_types),
        )


def _events(value: Any) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_EVENTS
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _bad("A target's events must be a non-empty list of event names.")
    unknown = [v for v in value if v not in EVENT_TYPES]
    if unknown:
        raise _bad(f"Unknown event {unknown[0]!r}; known events: {', '.join(EVENT_TYPES)}.")
    return tuple(dict.fromkeys(value))


def _webhook_secret(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("whsec_"):
        raise _bad("A webhook target needs a secret of the form whsec_<base64> (Standard Webhooks).")
    try:
        raw = base64.b64decode(value[len("whsec_"):], validate=True)
    except (binascii.Error, ValueError):
        raise _bad("The webhook secret after whsec_ must be base64.") from None
    if not 24 <= len(raw) <= 64:
        raise _bad("The webhook secret must hold 24 to 64 random bytes.")
    return value


def parse_target(value: Any, policy: Policy) -> Target:
    """One target from its JSON form, or :class:`InvalidInput` naming ``notify``."""
    if not isinstance(value, dict):
        raise _bad("Each notification target must be an object with a type.")
    kind = value.get("type")
    allowed = {"webhook": {"type", "url", "secret", "events"}, "slack": {"type", "url", "events"},
               "email": {"type", "to", "events"}}
    if not isinstance(kind, str) or kind not in allowed:
        raise _bad(f"A notification target's type must be one of: {', '.join(TYPES)}.")
    if kind not in policy.types:
        raise PolicyError("notify_types", f"This server does not send {kind} notifications.", field=FIELD)
    extra = sorted(set(value) - allowed[kind])
    if extra:
        raise _bad(f"A {kind} target does not take {extra[0]!r}.")
    events = _events(value.get("events"))
    if kind == "webhook":
        check_url(value.get("url"), policy.allow)
        return Target("webhook", url=value["url"], secret=_webhook_secret(value.get("secret")), events=events)
    if kind == "slack":
        url = value.get("url")
        if not isinstance(url, str) or not url.startswith(policy.slack_prefix) or len(url) <= len(policy.slack_prefix):
            raise _bad(f"A Slack target must be an incoming-webhook URL starting with {policy.slack_prefix}.")
        check_url(url, policy.allow)
        return Target("slack", url=url, events=events)
    to = value.get("to")
    match = _EMAIL.fullmatch(to) if isinstance(to, str) and len(to) <= 254 else None
    if match is None:
        raise _bad("An e-mail target needs one plain address in to.")
    if not policy.email_ready or not policy.email_domains:
        raise _bad("This server does not send e-mail notifications.")
    if match.group(1).lower() not in policy.email_domains:
        raise _bad("This server sends e-mail notifications only to its own domains.")
    return Target("email", to=to, events=events)


def parse_targets(value: Any, policy: Policy) -> list[Target]:
    """A ``notify`` member: a JSON list (or, from a form, the text of one) of at most three targets."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad("notify must be a JSON list of targets.") from None
    if not isinstance(value, list):
        raise _bad("notify must be a list of targets.")
    if len(value) > MAX_TARGETS:
        raise _bad(f"At most {MAX_TARGETS} notification targets.")
    return [parse_target(item, policy) for item in value]


def sealing_keys(secret_key: str, fallbacks: Iterable[str] = ()) -> list[bytes]:
    """The sealing key of ``SECRET_KEY`` first, then those of the old keys (to open older receipts)."""
    return [HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(k.encode("utf-8"))
            for k in (secret_key, *fallbacks)]


def seal_targets(targets: list[Target], key: bytes, secret_id: str) -> bytes:
    """``iv || AES-256-GCM(targets as JSON)``, bound to ``secret_id`` so it cannot be moved to another."""
    iv = secrets.token_bytes(12)
    plaintext = json.dumps([t.as_dict() for t in targets], separators=(",", ":")).encode()
    return iv + AESGCM(key).encrypt(iv, plaintext, secret_id.encode())


def open_targets(blob: bytes, keys: list[bytes], secret_id: str) -> list[Target]:
    """The targets sealed in ``blob``; ``[]`` when no key opens it (a rotated-out SECRET_KEY)."""
    for key in keys:
        try:
            items = json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], secret_id.encode()))
        except (InvalidTag, ValueError):
            continue
        return [Target(i["type"], i.get("url", ""), i.get("secret", ""), i.get("to", ""), tuple(i["events"]))
                for i in items]
    return []


def default_targets(config: Config) -> list[Target]:
    """The operator's service-wide targets, checked like a creator's.

    A service-wide target that names no events hears every event (a SIEM wants them all).
    """
    if not config.notify_default:
        return []
    items = json.loads(config.notify_default)
    if isinstance(items, list):
        items = [{**item, "events": list(EVENT_TYPES)} if isinstance(item, dict) and "events" not in item else item
                 for item in items]
    return parse_targets(items, Policy.from_config(config))
