"""The worker's Redis side: each shard's event stream read through a consumer group, and its retry schedule.

``P:{t}:ev`` (written by the store's scripts) is read by the consumer group :data:`GROUP`; an
entry stays pending on the worker that read it until :meth:`Queue.settle` acknowledges and
deletes it, and one pending longer than the lease is claimed by another worker. ``P:{t}:retry``
is a sorted set of deliveries waiting for their next attempt, scored by its time; a member is
JSON ``{"e": entry id, "m": the stream's message, "a": {target label: attempts so far}}``. A
worker leases due members by moving their score a lease ahead, so a worker that dies holding
one loses nothing. Every key has the shard's tag, so each command and script names one slot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import ResponseError

GROUP = "notify"

# Acknowledge and delete a handled entry and move its retry member, in one step: no moment where
# a delivery is neither pending in the stream nor scheduled. KEYS: stream, retry schedule.
# ARGV: group, entry id or '', old member or '', new member or '', its score, the schedule's TTL.
_SETTLE = """
if ARGV[3] ~= '' then redis.call('ZREM', KEYS[2], ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
if ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
return 1
"""
# Acknowledge and delete entries that needed no delivery, many at once. KEYS: stream. ARGV: group, ids.
_ACK = """
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return 1
"""
# Take up to ARGV[3] members due at ARGV[1], moving each to ARGV[2] (the lease's end). KEYS: retry schedule.
_LEASE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
"""


@dataclass
class Job:
    """One event to deliver to the targets in ``attempts`` (label → attempts so far)."""

    tag: str
    entry_id: str
    message: str
    attempts: dict[str, int] = field(default_factory=dict)
    member: str = ""  # its retry member, when the job came from the schedule
    # From the stream entry: whether the creator named targets (None: an entry that does not say),
    # and the signed-in creator and label, for the audit trail.
    own_targets: bool | None = None
    creator: str = ""
    label: str = ""

    def encode(self, attempts: dict[str, int]) -> str:
        return json.dumps({"e": self.entry_id, "m": self.message, "a": attempts}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def decode(cls, tag: str, member: str) -> Job:
        data = json.loads(member)
        return cls(tag, data["e"], data["m"], {str(k): int(v) for k, v in data["a"].items()}, member)


class Queue:
    """The shards' streams and retry schedules as ``consumer`` sees them."""

    def __init__(self, client: Any, prefix: str, consumer: str, *, ttl: int) -> None:
        self.client = client
        self.prefix = prefix
        self.consumer = consumer
        self.ttl = ttl
        self._settle = client.register_script(_SETTLE)
        self._cursors: dict[str, str] = {}  # where each shard's next claim scan starts
        self._lease = client.register_script(_LEASE)
        self._ack = client.register_script(_ACK)

    def stream(self, tag: str) -> str:
        return f"{self.prefix}:{{{tag}}}:ev"

    def schedule(self, tag: str) -> str:
        return f"{self.prefix}:{{{tag}}}:retry"

    def ensure_group(self, tag: str) -> None:
        """Create the group (and, if need be, an empty stream with the streams' TTL); an existing group is kept."""
        stream = self.stream(tag)
        try:
            # From the first entry: events written before any worker ran are delivered too.
            self.client.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except ResponseError as err:
            if "BUSYGROUP" not in str(err):
                raise
        if self.client.ttl(stream) == -1:
            self.client.expire(stream, self.ttl)

    def _grouped(self, tag: str, call: Any) -> Any:
        """Run ``call``; when the group is missing (a stream that expired and came back), make it and run again."""
        try:
            return call()
        except ResponseError:
            self.ensure_group(tag)
            return call()

    def read(self, tag: str, count: int) -> list[Job]:
        """New entries of the shard, now pending on this consumer."""
        stream = self.stream(tag)
        answer = self._grouped(tag, lambda: self.client.xreadgroup(GROUP, self.consumer, {stream: ">"}, count=count))
        return [self._job(tag, entry_id, fields) for _, entries in answer or [] for entry_id, fields in entries]

    def claim(self, tag: str, idle_ms: int, count: int) -> list[Job]:
        """Entries pending on any consumer for longer than ``idle_ms``, now pending on this one."""
        stream, start = self.stream(tag), self._cursors.get(tag, "0-0")
        answer = self._grouped(tag, lambda: self.client.xautoclaim(stream, GROUP, self.consumer, idle_ms, start,
                                                                    count=count))
        # A scan looks at a bounded part of the pending list; the next one goes on from where it ended.
        cursor = answer[0]
        self._cursors[tag] = cursor.decode() if isinstance(cursor, bytes) else str(cursor)
        return [self._job(tag, entry_id, fields) for entry_id, fields in answer[1] if fields]

    @staticmethod
    def _job(tag: str, entry_id: bytes | str, fields: dict[bytes, bytes]) -> Job:
        entry = entry_id.decode() if isinstance(entry_id, bytes) else entry_id

        def text(name: bytes) -> str:
            return (fields.get(name) or b"").decode("utf-8", "replace")

        own = fields.get(b"t")
        return Job(tag, entry, text(b"m"), own_targets=None if own is None else own == b"1", creator=text(b"b"),
                   label=text(b"l"))

    def renew(self, job: Job, until: float) -> None:
        """Keep ``job`` ours a lease longer: reset its entry's idle time, or move its retry member."""
        if job.member:
            self.client.zadd(self.schedule(job.tag), {job.member: until}, xx=True)
        else:
            self.client.xclaim(self.stream(job.tag), GROUP, self.consumer, 0, [job.entry_id], justid=True)

    def settle(self, job: Job, attempts: dict[str, int], next_at: float) -> None:
        """Done with this attempt of ``job``: acknowledge its entry, and schedule ``attempts`` (if any) at ``next_at``."""
        member = job.encode(attempts) if attempts else ""
        entry = "" if job.member else job.entry_id
        self._settle(keys=[self.stream(job.tag), self.schedule(job.tag)],
                     args=[GROUP, entry, job.member, member, repr(float(next_at)), self.ttl])

    def acknowledge(self, tag: str, entry_ids: list[str]) -> None:
        """Acknowledge and delete entries that needed no delivery, in one step."""
        if entry_ids:
            self._ack(keys=[self.stream(tag)], args=[GROUP, *entry_ids])

    def due(self, tag: str, now: float, until: float, count: int) -> list[Job]:
        """Lease up to ``count`` scheduled deliveries due at ``now`` until ``until``."""
        members = self._lease(keys=[self.schedule(tag)], args=[repr(float(now)), repr(float(until)), count])
        return [Job.decode(tag, m.decode() if isinstance(m, bytes) else m) for m in members]

    def prune(self, tag: str, idle_ms: int) -> int:
        """Forget consumers (stopped workers) that hold nothing and were idle longer than ``idle_ms``."""
        gone = 0
        for info in self._grouped(tag, lambda: self.client.xinfo_consumers(self.stream(tag), GROUP)):
            name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
            if info["pending"] == 0 and info["idle"] > idle_ms and name != self.consumer:
                self.client.xgroup_delconsumer(self.stream(tag), GROUP, name)
                gone += 1
        return gone
