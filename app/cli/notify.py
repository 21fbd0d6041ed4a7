"""``--notify`` for ``burnlink send``, and the receipt's events as lines a person reads.

A target on the command line is ``slack:URL``, ``mailto:ADDRESS``, a webhook ``URL`` (its
signing secret from ``--webhook-secret`` or ``BURNLINK_WEBHOOK_SECRET``), or one JSON object
as the API takes it. The server checks each target; this only shapes them.
"""

from __future__ import annotations

import json
from typing import Any

from .exits import fail
from .terminal import line_safe


def target(text: str, webhook_secret: str | None) -> dict[str, Any]:
    """One ``--notify`` value as an API target."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            fail("A --notify JSON target must be one valid JSON object.")
        if not isinstance(value, dict):
            fail("A --notify JSON target must be one JSON object.")
        return value
    if text.startswith("slack:"):
        return {"type": "slack", "url": text[len("slack:"):]}
    if text.startswith("mailto:"):
        return {"type": "email", "to": text[len("mailto:"):]}
    if text.startswith(("https://", "http://")):
        if not webhook_secret:
            fail("A webhook target needs its signing secret: set BURNLINK_WEBHOOK_SECRET (whsec_…) or --webhook-secret.")
        return {"type": "webhook", "url": text, "secret": webhook_secret}
    fail("--notify takes slack:URL, mailto:ADDRESS, a webhook https:// URL, or a JSON object.")


def targets(values: tuple[str, ...], webhook_secret: str | None) -> list[dict[str, Any]]:
    """Every ``--notify`` value as an API target (at most three; the server says so too)."""
    if len(values) > 3:
        fail("At most three --notify targets.")
    return [target(v, webhook_secret) for v in values]


def event_line(event: Any) -> str:
    """``2026-11-28T10:00:00Z  secret.revealed  views left 0  (203.0.113.0/24, Chrome on Android)``."""
    if not isinstance(event, dict):
        return line_safe(str(event))
    parts = [str(event.get("at", "?")), str(event.get("type", "?"))]
    if "views_left" in event:
        parts.append(f"views left {event['views_left']}")
    if "attempts_left" in event:
        parts.append(f"attempts left {event['attempts_left']}")
    client = event.get("client")
    if isinstance(client, dict):
        parts.append(f"({client.get('network', '')}, {client.get('agent', '')})")
    # Every value is the server's: escaped, so a hostile server cannot drive the terminal.
    return line_safe("  ".join(parts))


def delivery_line(delivery: Any) -> str:
    """``webhook: delivered after 1 attempt (200)``."""
    if not isinstance(delivery, dict):
        return line_safe(str(delivery))
    attempts = delivery.get("attempts", 0)
    status = f" ({delivery['last_status']})" if delivery.get("last_status") else ""
    plural = "" if attempts == 1 else "s"
    return line_safe(f"{delivery.get('type', '?')}: {delivery.get('state', '?')} after {attempts} attempt{plural}{status}")
