"""Secrets in Redis: ciphertext, verifiers, counters, times and events, nothing else secret.

Data model (``P`` is the configured prefix, ``{t}`` the hash tag of the secret's shard, see
:mod:`app.store.shards`; every script touches the keys of one slot):

``P:{t}:ID:s`` – string, TTL = the secret's ttl:
    link verifier (32 bytes) || auth verifier (32 bytes) || ciphertext blob; or, for a blob the
    allocator would round up by much, the same bytes as a hash of pieces (:mod:`.pieces`).
    Everything that must vanish when the secret ends is in this one key, so an
    expiry, a burn or the last view removes it in one step.
``P:{t}:ID:r`` – the receipt, a small hash, TTL = ttl + retention (≥ 24 h):
    ``s`` state (waiting, viewed, burned, destroyed, expired), ``n`` views left,
    ``f`` wrong codes, ``h`` has_code (0/1), ``e`` expiry (epoch s), ``ev`` the event
    history, ``o`` how many opened events were kept, ``by`` the creator's verified e-mail and ``l`` the
    creator's label, ``k`` the kind the creator declared (``by`` only for a signed-in creator); with notifications or an audit
    trail ``q`` = 1 (events also go to the stream); with the creator's own targets
    ``nt`` (sealed by :mod:`app.notifications.targets`) and ``ds`` (delivery states).
``P:{t}:ev`` – the shard's event stream, read by the notification worker.
``P:{t}:due`` – the shard's due index: secrets that will need an expiry event, by expiry.

A string keeps the ciphertext in one allocation and leaves the receipt small enough for
Redis's compact listpack encoding. Every state change is one Lua script (``scripts/``) that
also records its event: atomic on one Redis and, thanks to the shard's tag, on a cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from ..core.config import Config
from ..core.errors import NotFound, WrongAccessCode
from ..core.protocol import b64u_encode, new_id
from .connection import supports_script_flags
from .pieces import pieces
from .records import Created, Delivery, Event, Metadata, Receipt, Revealed, event_codes
from .shards import SHARDS, shard_of, shard_tags

SCRIPTS = Path(__file__).with_name("scripts")
# A full Redis (maxmemory, noeviction) must still let readers open, spend views, count wrong
# codes, burn and expire: Redis 7 refuses a script's first growing write unless it carries
# allow-oom. Creation does not, so a full Redis refuses new secrets (503) but never strands old ones.
_ALLOW_OOM = ("metadata", "reveal", "receipt", "burn", "expire", "deliver")
_PLAIN = ("create",)
_PRELUDES = ("_events", "_expiry", "_blob")
# A reveal page loaded again and again (or a bot) must not grow a receipt without bound.
MAX_OPENED_EVENTS = 20


class Store:
    """Secrets in Redis.

    Raises :class:`~app.core.errors.NotFound` and
    :class:`~app.core.errors.WrongAccessCode`; Redis failures surface as
    :class:`redis.exceptions.RedisError` for the caller to map. ``facts`` arguments are
    short client descriptions (``ip,agent``) recorded with an event, or ``""``.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "bl",
        max_failures: int = 5,
        receipt_retention: int = 24 * 3600,
        stream_ttl: int = 8 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.max_failures = max_failures
        self.receipt_retention = receipt_retention
        self.stream_ttl = stream_ttl
        self.clock = clock
        self._scripts: dict[str, Any] | None = None

    @classmethod
    def from_config(cls, client: Any, config: Config) -> Store:
        """The store the server and the worker share, set up from ``config``."""
        return cls(client, prefix=config.key_prefix, max_failures=config.max_failures,
                   receipt_retention=config.receipt_retention, stream_ttl=config.ttl_max + config.receipt_retention)

    def _script(self, name: str) -> Any:
        """The registered script ``name``; the first call asks the server whether it takes flags."""
        if self._scripts is None:
            flags = "#!lua flags=allow-oom\n" if supports_script_flags(self.client, f"{self.prefix}:probe") else ""
            prelude = "".join((SCRIPTS / f"{p}.lua").read_text(encoding="utf-8") for p in _PRELUDES)
            scripts = {}
            for script in _ALLOW_OOM + _PLAIN:
                source = (SCRIPTS / f"{script}.lua").read_text(encoding="utf-8")
                scripts[script] = self.client.register_script((flags if script in _ALLOW_OOM else "") + prelude + source)
            self._scripts = scripts
        return self._scripts[name]

    # --- keys ------------------------------------------------------------------------------

    def keys(self, secret_id: str) -> list[str]:
        """The secret's own keys: its ciphertext and its receipt."""
        tag = shard_of(secret_id)
        return [f"{self.prefix}:{{{tag}}}:{secret_id}:s", f"{self.prefix}:{{{tag}}}:{secret_id}:r"]

    def script_keys(self, secret_id: str) -> list[str]:
        """Every key a script of the secret may touch: its own, its shard's stream and due index (one slot)."""
        tag = shard_of(secret_id)
        return [*self.keys(secret_id), self.stream_key(tag), self.due_key(tag)]

    def stream_key(self, tag: str) -> str:
        """The event stream of the shard ``tag``."""
        return f"{self.prefix}:{{{tag}}}:ev"

    def due_key(self, tag: str) -> str:
        """The due index of the shard ``tag``: secret ids scored by their expiry."""
        return f"{self.prefix}:{{{tag}}}:due"

    @staticmethod
    def shards() -> tuple[str, ...]:
        """Every shard's tag; a worker reads the stream and the due index of each."""
        return shard_tags(SHARDS)

    # --- the secret's life -------------------------------------------------------------------

    def create(self, blob: bytes, link_verifier: bytes, auth_verifier: bytes, *, ttl: int, views: int, has_code: bool,
               deliver: bool = False, seal_targets: Callable[[str], bytes] | None = None, target_count: int = 0,
               facts: str = "", creator: str = "", label: str = "", kind: str = "",
               remember: Callable[[str], None] | None = None, wanted: Collection[str] = ()) -> Created:
        """Store a new secret under a fresh random id.

        ``deliver`` sends its events to the shard's stream (notifications or an audit trail);
        ``seal_targets`` seals the creator's ``target_count`` notification targets to the new id,
        and ``wanted`` names the events any of them wants (the worker skips the others' targets).
        ``creator`` (a signed-in creator's address), ``label`` and ``kind`` are kept beside the ciphertext;
        ``remember`` indexes the new id under its creator *before* the secret is stored.
        """
        now = int(self.clock())
        states = "|".join(Delivery("pending", 0).encode() for _ in range(target_count)) if seal_targets else ""
        codes = event_codes(wanted) if seal_targets and wanted else ""
        for _ in range(3):  # 128-bit ids never collide in practice; the check is cheap insurance
            secret_id = b64u_encode(new_id())
            targets = seal_targets(secret_id) if seal_targets else b""
            if remember is not None:
                remember(secret_id)
            first, *rest = pieces(link_verifier + auth_verifier, blob)
            args = [first, views, int(has_code), ttl, self.receipt_retention, now,
                    secret_id, int(deliver), targets, states, facts, self.stream_ttl, creator, label, kind, codes, *rest]
            if self._script("create")(keys=self.script_keys(secret_id), args=args):
                return Created(secret_id, now + ttl)
        raise RuntimeError("could not allocate a secret id")

    def metadata(self, secret_id: str, link_verifier: bytes, *, facts: str = "") -> Metadata:
        """What a link holder may know before reading; consumes nothing, records the opening."""
        args = [link_verifier, int(self.clock()), secret_id, facts, self.stream_ttl, MAX_OPENED_EVENTS]
        row = self._script("metadata")(keys=self.script_keys(secret_id)[:3], args=args)
        if not row or row[0] is None:
            raise NotFound()
        has_code, views, expires, sender = row
        return Metadata(has_code == b"1", int(expires), int(views), sender.decode())

    def reveal(self, secret_id: str, link_verifier: bytes, auth_verifier: bytes, *, facts: str = "") -> Revealed:
        """Spend one view atomically, or count one wrong code, or change nothing."""
        args = [link_verifier, auth_verifier, int(self.clock()), self.max_failures, secret_id, facts, self.stream_ttl]
        result = self._script("reveal")(keys=self.script_keys(secret_id), args=args)
        if result[0] == 1:
            return Revealed(bytes(result[1]), int(result[2]))
        if result[0] == 2:
            raise WrongAccessCode(int(result[1]))
        raise NotFound()

    def receipt(self, secret_id: str) -> Receipt:
        """State, times, events and deliveries; outlives the secret by the retention period."""
        row = self._script("receipt")(keys=self.script_keys(secret_id), args=[secret_id, self.stream_ttl])
        if not row:
            raise NotFound(receipt=True)
        fresh, state, views, expires, events, deliveries, label, creator, kind = row
        return Receipt(
            state.decode(), int(views), int(expires),
            [Event.parse(e) for e in events.decode().split(";") if e],
            [Delivery.parse(d) for d in deliveries.decode().split("|") if d],
            newly_expired_unread=int(fresh) == 2, label=label.decode(), creator=creator.decode(),
            kind=kind.decode(),
        )

    def burn(self, secret_id: str, *, facts: str = "") -> bool:
        """Delete the ciphertext now; ``False`` (a no-op) for a secret that had already ended."""
        result = self._script("burn")(keys=self.script_keys(secret_id), args=[int(self.clock()), secret_id, facts,
                                                                       self.stream_ttl])
        if not result:
            raise NotFound(receipt=True)
        return result == 2

    def creator(self, secret_id: str) -> tuple[str, str]:
        """``(creator, label)`` of a secret while its receipt lasts (``""`` each for an anonymous one)."""
        by, label = self.client.hmget(self.keys(secret_id)[1], "by", "l")
        return (by or b"").decode(), (label or b"").decode()

    # --- what the notification worker needs ----------------------------------------------------

    def _receipts(self, secret_id: str) -> list[str]:
        # The worker handles a request's events like a secret's: its hash (:q) holds the same
        # nt and ds fields, under an id from the same random space.
        receipt = self.keys(secret_id)[1]
        return [receipt, receipt[:-1] + "q"]

    def targets(self, secret_id: str) -> bytes:
        """The creator's sealed notification targets (``b""`` when none, or the receipt is gone)."""
        for receipt in self._receipts(secret_id):
            sealed = self.client.hget(receipt, "nt")
            if sealed:
                return sealed
        return b""

    def set_delivery(self, secret_id: str, index: int, delivery: Delivery) -> bool:
        """Record where target ``index`` stands; ``False`` when the receipt is gone."""
        return any(self._script("deliver")(keys=[receipt], args=[index, delivery.encode()])
                   for receipt in self._receipts(secret_id))

    def due(self, tag: str, now: int, limit: int = 100) -> list[str]:
        """Ids on shard ``tag`` whose expiry time has come."""
        return [m.decode() for m in self.client.zrangebyscore(self.due_key(tag), "-inf", now, start=0, num=limit)]

    def settle_expiry(self, secret_id: str) -> int:
        """Record an expiry that has happened (2 unread, 1 read), or just tidy the due index (0)."""
        return int(self._script("expire")(keys=self.script_keys(secret_id), args=[secret_id, self.stream_ttl]))

    def ping(self) -> bool:
        return bool(self.client.ping())
