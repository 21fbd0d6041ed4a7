"""What the store answers: plain records, no Redis types."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

# Event codes as the scripts write them, and the names the API and notifications use.
EVENT_NAMES = {
    "c": "secret.created",
    "o": "secret.opened",
    "r": "secret.revealed",
    "w": "secret.wrong_code",
    "d": "secret.destroyed",
    "b": "secret.burned",
    "x": "secret.expired",
    "qc": "request.created",
    "qo": "request.opened",
    "qa": "request.answered",
    "qr": "request.read",
    "qb": "request.burned",
    "qx": "request.expired",
}
_CODES = {name: code for code, name in EVENT_NAMES.items()}


def event_codes(names: Collection[str]) -> str:
    """The codes of the events ``names``, as the scripts look them up: ``",o,r,"``."""
    return "," + ",".join(sorted({_CODES[name] for name in names if name in _CODES})) + ","


@dataclass(frozen=True)
class Created:
    id: str
    expires_at: int


@dataclass(frozen=True)
class Metadata:
    has_code: bool
    expires_at: int
    views_left: int
    sender: str = ""


@dataclass(frozen=True)
class Revealed:
    blob: bytes
    views_left: int


@dataclass(frozen=True)
class Event:
    """One thing that happened to a secret: its name, time, count after it and client facts."""

    type: str
    at: int
    count: int | None = None
    ip: str = ""
    agent: str = ""

    @classmethod
    def parse(cls, text: str) -> Event:
        """An event from its stored form ``code,at,arg[,ip,agent]``."""
        parts = text.split(",", 4)
        code, at, arg = parts[0], parts[1], parts[2]
        ip = parts[3] if len(parts) > 3 else ""
        agent = parts[4] if len(parts) > 4 else ""
        return cls(EVENT_NAMES.get(code, code), int(at), int(arg) if arg else None, ip, agent)


@dataclass(frozen=True)
class Delivery:
    """Where one notification target stands: pending, delivered or failed."""

    state: str
    attempts: int
    last_status: str = ""

    @classmethod
    def parse(cls, text: str) -> Delivery:
        state, attempts, status = [*text.split(":", 2), "", ""][:3]
        return cls(state, int(attempts or 0), status)

    def encode(self) -> str:
        return f"{self.state}:{self.attempts}:{self.last_status}"


@dataclass(frozen=True)
class Receipt:
    state: str
    views_left: int
    expires_at: int
    events: list[Event] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    newly_expired_unread: bool = False
    label: str = ""
    creator: str = ""
    kind: str = ""

    @property
    def viewed_at(self) -> list[int]:
        """When each view was spent."""
        return [e.at for e in self.events if e.type == "secret.revealed"]
