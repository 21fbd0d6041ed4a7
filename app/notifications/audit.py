"""The audit trail: every event the worker handles, in one stream for the whole service.

``P:audit`` (no shard tag: one key, so one slot on a cluster) holds one entry per event with
``time``, ``type``, ``id``, ``views_left`` or ``attempts_left``, ``creator`` and ``label`` for a
signed-in creator's secret, and ``network``/``agent`` when the operator keeps client facts;
``ref`` names the shard's entry so that an event a restarted
worker handles twice is read back once. Entries older than ``BURNLINK_AUDIT_RETENTION`` are
trimmed on each write (``XADD … MINID ~``), and the key's TTL is renewed with it. Nothing else
is written: no ciphertext, verifier, proof, key, code, webhook secret or URL.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from ..core.wire import iso_time
from ..store.records import Event
from .messages import count_name

# A repeat is written within a lease of the first, so remembering the last refs is enough.
_REMEMBER = 100_000
COLUMNS = ("time", "type", "id", "creator", "label", "views_left", "attempts_left", "network", "agent")
_COUNTS = ("views_left", "attempts_left")


def audit_key(prefix: str) -> str:
    return f"{prefix}:audit"


class AuditTrail:
    """Appends to the audit stream; with ``retention`` 0 it writes nothing."""

    def __init__(self, client: Any, prefix: str, retention: int, *, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.key = audit_key(prefix)
        self.retention = retention
        self.clock = clock
        self._pending: list[dict[str, str]] = []

    @property
    def enabled(self) -> bool:
        return self.retention > 0

    def append(self, secret_id: str, event: Event, ref: str, *, creator: str = "", label: str = "") -> None:
        """Record ``event`` of ``secret_id`` now; ``ref`` identifies the stream entry it came from."""
        self.add(secret_id, event, ref, creator=creator, label=label)
        self.flush()

    def add(self, secret_id: str, event: Event, ref: str, *, creator: str = "", label: str = "") -> None:
        """Gather ``event`` for the next :meth:`flush`."""
        if not self.enabled:
            return
        fields = {"time": iso_time(event.at), "type": event.type, "id": secret_id}
        fields.update({k: v for k, v in (("creator", creator), ("label", label)) if v})
        if event.count is not None:
            fields[count_name(event)] = str(event.count)
        if event.ip:
            fields["network"] = event.ip
        if event.agent:
            fields["agent"] = event.agent
        fields["ref"] = ref
        self._pending.append(fields)

    def flush(self) -> None:
        """Write the gathered entries in one round trip (before their stream entries are acknowledged)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        oldest = str(max(int((self.clock() - self.retention) * 1000), 0))
        pipe = self.client.pipeline(transaction=False)
        for number, fields in enumerate(pending, 1):
            # Trimming once per round trip is enough: MINID drops whatever is older.
            pipe.xadd(self.key, fields, minid=oldest if number == len(pending) else None, approximate=True)
        pipe.expire(self.key, self.retention)
        pipe.execute()


def read_audit(client: Any, prefix: str, since: float, *, batch: int = 1000) -> Iterator[dict[str, str | int]]:
    """The audit entries written since ``since`` (epoch seconds), oldest first, each event once."""
    key = audit_key(prefix)
    start = f"{max(int(since * 1000), 0)}-0"
    seen: set[str] = set()
    order: deque[str] = deque()
    while True:
        entries = client.xrange(key, start, "+", count=batch)
        for entry_id, raw in entries:
            fields = {k.decode(): v.decode("utf-8", "replace") for k, v in raw.items()}
            ref = fields.pop("ref", "") or (entry_id.decode() if isinstance(entry_id, bytes) else entry_id)
            if ref not in seen:
                seen.add(ref)
                order.append(ref)
                if len(order) > _REMEMBER:
                    seen.discard(order.popleft())
                yield {name: int(fields[name]) if name in _COUNTS else fields[name] for name in COLUMNS if name in fields}
        if len(entries) < batch:
            return
        last = entries[-1][0].decode() if isinstance(entries[-1][0], bytes) else entries[-1][0]
        ms, _, seq = last.partition("-")
        start = f"{ms}-{int(seq) + 1}"
