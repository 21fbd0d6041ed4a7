"""Requests in Redis: two verifiers, the note with its MAC, state, times, events and the sealed answer.

Data model (``P`` the prefix, ``{t}`` the shard tag of the request id, as for secrets; every script
touches the keys of one slot):

``P:{t}:ID:q`` – hash, TTL = ttl + retention (the receipt outlives the request like a secret's):
    ``av`` answer verifier and ``iv`` inbox verifier (SHA-256 of the proofs, 32 bytes each),
    ``s`` state (open, answered, read, burned, expired; expired is also read off the times), ``c`` created
    and ``e`` expiry (epoch s), ``at`` answered at, ``n`` the note and ``m`` its MAC (set once),
    ``ev`` the event history, ``o`` opened events kept, ``q`` = 1 when events go to the stream,
    ``nt`` and ``ds`` the creator's sealed notification targets and their delivery states.
``P:{t}:ID:a`` – string, the sealed answer, TTL = what is left of the request's.
``P:{t}:ev`` – the shard's event stream, shared with secrets.
``P:{t}:due`` – the shard's due index, shared with secrets: a request whose events go to the
    stream is there as ``r:ID`` until it is read, burned or its expiry is recorded.

The server never holds a key, a proof or a plaintext: only verifiers, the note (which the asker
wrote for the person answering) and ciphertext.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.config import Config
from ..core.errors import BurnlinkError, ErrorCode, InvalidInput, NotFound
from ..core.protocol import b64u_encode, new_id
from .connection import supports_script_flags
from .records import Delivery, Event
from .secrets import MAX_OPENED_EVENTS, SCRIPTS
from .shards import shard_of

_ALLOW_OOM = ("request_note", "request_open", "request_answer", "request_inbox", "request_status", "request_receipt",
              "request_burn", "request_expire")
_PLAIN = ("request_create",)
_PRELUDES = ("_events", "_request")
# How a request is named in its shard's due index, which it shares with secrets (bare ids).
DUE_PREFIX = "r:"


class AlreadyAnswered(BurnlinkError):
    """A request takes one answer; this one (or a replay of it) came after it."""

    code = ErrorCode.ALREADY_ANSWERED


@dataclass(frozen=True)
class RequestCreated:
    id: str
    expires_at: int


@dataclass(frozen=True)
class RequestView:
    """What the person answering sees: the state, the asker's note and its MAC (``b""`` when unset)."""

    state: str
    note: str
    note_mac: bytes
    expires_at: int
    requester: str = ""  # the asker's address, when this service's sign-in verified it


@dataclass(frozen=True)
class RequestStatus:
    """What the asker's inbox shows before reading."""

    state: str
    answered_at: int | None
    expires_at: int


@dataclass(frozen=True)
class RequestReceipt:
    state: str
    created_at: int
    expires_at: int
    answered_at: int | None
    events: list[Event] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def _time(value: bytes) -> int | None:
    return int(value) if value else None


class RequestStore:
    """Requests in Redis; raises :class:`NotFound` and :class:`AlreadyAnswered`, lets Redis errors through."""

    def __init__(self, client: Any, *, prefix: str = "bl", receipt_retention: int = 24 * 3600,
                 stream_ttl: int = 8 * 24 * 3600, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self.receipt_retention = receipt_retention
        self.stream_ttl = stream_ttl
        self.clock = clock
        self._scripts: dict[str, Any] | None = None

    @classmethod
    def from_config(cls, client: Any, config: Config) -> RequestStore:
        return cls(client, prefix=config.key_prefix, receipt_retention=config.receipt_retention,
                   stream_ttl=config.ttl_max + config.receipt_retention)

    def _script(self, name: str) -> Any:
        if self._scripts is None:
            flags = "#!lua flags=allow-oom\n" if supports_script_flags(self.client, f"{self.prefix}:probe") else ""
            prelude = "".join((SCRIPTS / f"{p}.lua").read_text(encoding="utf-8") for p in _PRELUDES)
            self._scripts = {
                script: self.client.register_script((flags if script in _ALLOW_OOM else "") + prelude
                                                    + (SCRIPTS / f"{script}.lua").read_text(encoding="utf-8"))
                for script in _ALLOW_OOM + _PLAIN
            }
        return self._scripts[name]

    def keys(self, rid: str) -> list[str]:
        """The request's hash, its answer and its shard's stream (one slot)."""
        tag = shard_of(rid)
        return [f"{self.prefix}:{{{tag}}}:{rid}:q", f"{self.prefix}:{{{tag}}}:{rid}:a", f"{self.prefix}:{{{tag}}}:ev"]

    def script_keys(self, rid: str) -> list[str]:
        """:meth:`keys` and the shard's due index (the same slot)."""
        return [*self.keys(rid), f"{self.prefix}:{{{shard_of(rid)}}}:due"]

    @staticmethod
    def due_request(member: str) -> str | None:
        """The request id of a due index member, or ``None`` for a secret's."""
        return member[len(DUE_PREFIX):] if member.startswith(DUE_PREFIX) else None

    def _now(self) -> int:
        return int(self.clock())

    def create(self, answer_verifier: bytes, inbox_verifier: bytes, *, ttl: int, deliver: bool = False,
               seal_targets: Callable[[str], bytes] | None = None, target_count: int = 0,
               facts: str = "", creator: str = "") -> RequestCreated:
        """Store a new open request under a fresh random id; ``creator`` is a signed-in asker's address."""
        now = self._now()
        states = "|".join(Delivery("pending", 0).encode() for _ in range(target_count)) if seal_targets else ""
        for _ in range(3):  # 128-bit ids never collide in practice; the check is cheap insurance
            rid = b64u_encode(new_id())
            targets = seal_targets(rid) if seal_targets else b""
            args = [answer_verifier, inbox_verifier, ttl, self.receipt_retention, now, rid, int(deliver), targets,
                    states, facts, self.stream_ttl, creator]
            if self._script("request_create")(keys=self.script_keys(rid), args=args):
                return RequestCreated(rid, now + ttl)
        raise RuntimeError("could not allocate a request id")

    def set_note(self, rid: str, inbox_verifier: bytes, note: str, mac: bytes) -> None:
        """Set the note once, while the request is open; a wrong proof changes nothing (404)."""
        result = self._script("request_note")(keys=self.keys(rid)[:2],
                                              args=[inbox_verifier, note.encode("utf-8"), mac, self._now()])
        if result == 2:
            raise InvalidInput("This request's note is already set; it is set once.", field="note")
        if result != 1:
            raise NotFound()

    def open(self, rid: str, answer_verifier: bytes, *, facts: str = "") -> RequestView:
        """The state and note for the person answering; consumes nothing, records the opening."""
        args = [answer_verifier, self._now(), rid, facts, self.stream_ttl, MAX_OPENED_EVENTS]
        row = self._script("request_open")(keys=self.keys(rid), args=args)
        if not row:
            raise NotFound()
        state, note, mac, expires, requester = row
        return RequestView(state.decode(), note.decode("utf-8"), bytes(mac), int(expires), requester.decode())

    def answer(self, rid: str, answer_verifier: bytes, blob: bytes, *, facts: str = "") -> None:
        """Store the one answer; :class:`AlreadyAnswered` for a second or replayed one."""
        args = [answer_verifier, blob, self._now(), rid, facts, self.stream_ttl]
        result = self._script("request_answer")(keys=self.keys(rid), args=args)
        if result == 2:
            raise AlreadyAnswered()  # the edges' tables have its sentence, in every language
        if result != 1:
            raise NotFound()

    def status(self, rid: str, inbox_verifier: bytes) -> RequestStatus:
        """The asker's look at the inbox; consumes nothing."""
        row = self._script("request_status")(keys=self.keys(rid)[:2], args=[inbox_verifier, self._now()])
        if not row:
            raise NotFound()
        state, answered, expires = row
        return RequestStatus(state.decode(), _time(answered), int(expires))

    def read_answer(self, rid: str, inbox_verifier: bytes, *, facts: str = "") -> bytes:
        """The sealed answer, exactly once: it is deleted in the same step."""
        result = self._script("request_inbox")(keys=self.script_keys(rid),
                                               args=[inbox_verifier, self._now(), rid, facts, self.stream_ttl])
        if result[0] != 1:
            raise NotFound()
        return bytes(result[1])

    def receipt(self, rid: str) -> RequestReceipt:
        """State, times, events and deliveries; records an expiry seen here first, as the worker would."""
        row = self._script("request_receipt")(keys=self.script_keys(rid), args=[self._now(), rid, self.stream_ttl])
        if not row:
            raise NotFound(receipt=True)
        state, created, expires, answered, events, deliveries = row
        return RequestReceipt(state.decode(), int(created), int(expires), _time(answered),
                              [Event.parse(e) for e in events.decode().split(";") if e],
                              [Delivery.parse(d) for d in deliveries.decode().split("|") if d])

    def burn(self, rid: str, *, facts: str = "") -> bool:
        """End the request now; ``False`` (a no-op) for one that had already ended."""
        result = self._script("request_burn")(keys=self.script_keys(rid), args=[self._now(), rid, facts, self.stream_ttl])
        if not result:
            raise NotFound(receipt=True)
        return result == 2

    def settle_expiry(self, rid: str) -> int:
        """The worker's sweep: record the expiry of a request that ended unanswered or unread (1), else 0."""
        return int(self._script("request_expire")(keys=self.script_keys(rid), args=[rid, self._now(), self.stream_ttl]))
