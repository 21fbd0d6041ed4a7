"""What a notification says: a Standard Webhooks request, a Slack sentence, an e-mail.

Nothing here knows the secret's contents: an event is its type, time, the count left after
it and, when the operator keeps them, coarse client facts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

# The package is the reference implementation receivers verify with, so signing with it rules
# out a hand-written difference in what is signed (id.timestamp.body) or how the key is decoded.
from standardwebhooks import Webhook

from ..core.wire import iso_time
from ..store.records import Event

_SAID = {
    "secret.created": "was created",
    "secret.opened": "had its link opened (nothing read yet)",
    "secret.revealed": "was revealed",
    "secret.wrong_code": "got a wrong access code",
    "secret.destroyed": "was destroyed after too many wrong access codes",
    "secret.burned": "was burned",
    "secret.expired": "expired",
    "request.created": "was created",
    "request.opened": "had its link opened (nothing sent yet)",
    "request.answered": "was answered",
    "request.read": "had its answer read",
    "request.burned": "was burned",
    "request.expired": "expired",
}


def _thing(event: Event) -> str:
    """What the event happened to, as a person calls it."""
    return "request" if event.type.startswith("request.") else "secret"


def count_name(event: Event) -> str:
    """The name of the event's count: ``attempts_left`` after a wrong code, else ``views_left``."""
    return "attempts_left" if event.type == "secret.wrong_code" else "views_left"


def webhook_body(secret_id: str, event: Event) -> bytes:
    """``{"type", "timestamp", "data": {"id", "views_left"|"attempts_left", "client"?}}`` as compact JSON."""
    data: dict[str, object] = {"id": secret_id}
    if event.count is not None:
        data[count_name(event)] = event.count
    if event.ip or event.agent:
        data["client"] = {"network": event.ip, "agent": event.agent}
    body = {"type": event.type, "timestamp": iso_time(event.at), "data": data}
    return json.dumps(body, separators=(",", ":")).encode()


def webhook_headers(secret: str, msg_id: str, body: bytes, now: float) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt: the id is the same on every attempt, the time is now's."""
    moment = datetime.fromtimestamp(int(now), tz=UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now)),
        "webhook-signature": Webhook(secret).sign(msg_id, moment, body.decode()),
        "Content-Type": "application/json",
    }


def ago(seconds: float) -> str:
    """``just now``, ``40 seconds ago``, ``1 minute ago``, ``3 hours ago``, ``2 days ago``."""
    seconds = max(0, int(seconds))
    if seconds < 10:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def short_id(secret_id: str) -> str:
    """The first six symbols of an id, enough for a creator to tell their secrets apart."""
    return secret_id[:6] + "…"


def sentence(secret_id: str, event: Event, now: float) -> str:
    """"Your burnlink secret AbC123… was revealed 2 minutes ago; 0 views left." (time counted at delivery)."""
    text = f"Your burnlink {_thing(event)} {short_id(secret_id)} {_SAID.get(event.type, event.type)} {ago(now - event.at)}"
    if event.ip or event.agent:
        text += f" from {event.agent or 'a client'} in {event.ip or 'an unknown network'}"
    if event.count is not None and event.type == "secret.wrong_code":
        text += f"; {event.count} {'try' if event.count == 1 else 'tries'} left"
    elif event.count is not None:
        text += f"; {event.count} {'view' if event.count == 1 else 'views'} left"
    return text + "."


def slack_body(secret_id: str, event: Event, now: float) -> bytes:
    """A Slack incoming-webhook body: one sentence a person reads."""
    return json.dumps({"text": sentence(secret_id, event, now)}).encode()


def email_message(secret_id: str, event: Event, now: float, *, sender: str, to: str, msg_id: str) -> EmailMessage:
    """A plain-text e-mail about one event; its Message-ID is the delivery's, the same on every attempt."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"burnlink: your {_thing(event)} {short_id(secret_id)} {_SAID.get(event.type, event.type)}"
    message["Date"] = format_datetime(datetime.fromtimestamp(int(now), tz=UTC))
    message["Message-ID"] = f"<{msg_id}@{sender.rpartition('@')[2] or 'burnlink'}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"{sentence(secret_id, event, now)}\n\n"
        f"Event: {event.type} at {iso_time(event.at)}\n\n"
        f"You get this because a burnlink {_thing(event)} was created with this address as a notification target.\n"
    )
    return message
