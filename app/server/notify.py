"""Events and notifications at the HTTP edge: a create body's ``notify``, client facts, receipts.

Client facts (``BURNLINK_CLIENT_FACTS``) are deliberately coarse: the address cut to its /24
or /48 and a browser family such as "Chrome on Android"; never a full address or user agent.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from ..core.config import Config
from ..core.wire import iso_time
from ..notifications.targets import Policy, Target, default_targets, open_targets, parse_targets, seal_targets, sealing_keys
from ..store import Delivery, Event, Receipt
from .services import services

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"), ("burnlink-cli/", "burnlink CLI"),
             ("python-requests/", "Python requests"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_BOT = re.compile(r"bot|crawl|spider|preview|slurp|scanner|facebookexternalhit|embedly|skypeuri", re.IGNORECASE)


@dataclass(frozen=True)
class Notifications:
    """Per-app notification settings, built once from the config."""

    policy: Policy
    keys: list[bytes]
    defaults: list[Target]
    audit: bool
    facts: bool

    @classmethod
    def from_config(cls, config: Config) -> Notifications:
        return cls(Policy.from_config(config), sealing_keys(config.secret_key, config.secret_key_fallbacks),
                   default_targets(config), config.audit_retention > 0, config.client_facts)


def agent_family(agent: str) -> str:
    """"Chrome on Android", "curl", "a bot": a family, never the user agent itself."""
    if not agent:
        return "unknown"
    if _BOT.search(agent):
        return "a bot"
    browser = next((name for marker, name in _BROWSERS if marker in agent), "another client")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    return f"{browser} on {system}" if system else browser


def coarse_address(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of ``address``."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


def client_facts() -> str:
    """``ip,agent`` for an event, or ``""`` when the operator keeps no client facts."""
    if not services().notifications.facts:
        return ""
    agent = agent_family(request.headers.get("User-Agent", ""))
    return f"{coarse_address(request.remote_addr or '')},{agent.replace(',', ' ')}"


def parse_notify(value: Any) -> list[Target]:
    """The targets of a create body's ``notify`` (absent: none)."""
    if value is None:
        return []
    return parse_targets(value, services().notifications.policy)


def deliver_flag(targets: list[Target]) -> bool:
    """Whether a new secret's events go to its shard's stream."""
    settings = services().notifications
    return bool(targets) or bool(settings.defaults) or settings.audit


def sealer(targets: list[Target]) -> Callable[[str], bytes] | None:
    """A function of the new id that seals ``targets`` to it (the store calls it once the id is drawn)."""
    if not targets:
        return None
    key = services().notifications.keys[0]
    return lambda secret_id: seal_targets(targets, key, secret_id)


def events_json(events: list[Event]) -> list[dict[str, Any]]:
    """A receipt's events as the API answers them."""
    items = []
    for event in events:
        item: dict[str, Any] = {"type": event.type, "at": iso_time(event.at)}
        if event.count is not None:
            item["attempts_left" if event.type == "secret.wrong_code" else "views_left"] = event.count
        if event.ip or event.agent:
            item["client"] = {"network": event.ip, "agent": event.agent}
        items.append(item)
    return items


def deliveries_json(secret_id: str, deliveries: list[Delivery]) -> list[dict[str, Any]]:
    """Where each of the creator's notification targets stands (its type, never its address)."""
    targets = open_targets(services().store.targets(secret_id), services().notifications.keys, secret_id)
    return [
        {"type": targets[i].type if i < len(targets) else "unknown", "state": d.state, "attempts": d.attempts,
         "last_status": d.last_status or None}
        for i, d in enumerate(deliveries)
    ]


def receipt_json(secret_id: str, receipt: Receipt) -> dict[str, Any]:
    """A receipt as the API answers it: state, times, events and delivery states."""
    body: dict[str, Any] = {
        "state": receipt.state,
        "views_left": receipt.views_left,
        "viewed_at": [iso_time(t) for t in receipt.viewed_at],
        "expires_at": iso_time(receipt.expires_at),
        "events": events_json(receipt.events),
    }
    if receipt.deliveries:
        body["deliveries"] = deliveries_json(secret_id, receipt.deliveries)
    return body
