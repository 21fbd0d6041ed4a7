"""The delivery worker: reads every shard's events, tells the targets, retries, reports expiries.

One round (:meth:`Worker.step`) does, for each shard: read new entries through the consumer
group (:mod:`app.notifications.queue`); every ``BURNLINK_NOTIFY_LEASE / 4`` seconds, claim
entries another worker has held longer than the lease (it died mid-delivery); run the scheduled
retries that are due; and every ``BURNLINK_EXPIRY_SWEEP`` seconds, record the expiries whose time
has come (:meth:`~app.store.Store.settle_expiry`, which writes the expired event to the stream).

An event goes to the creator's targets that want it and to the operator's service-wide ones.
Its entry is acknowledged (and deleted) only once each target is final or scheduled for a retry,
in one script with the schedule; so a worker killed between sending and acknowledging loses
nothing, and the event is sent again with the same ``webhook-id`` (receivers deduplicate by it).
Retries wait ``BURNLINK_NOTIFY_RETRIES`` seconds in turn; after the last, the delivery is failed.
Several workers share the work; the sweep is idempotent, so running it on each is harmless.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable

from redis.exceptions import RedisError

from ..core.config import Config
from ..store import Delivery, Event, RequestStore, Store
from .audit import AuditTrail
from .delivery import Deliverer
from .http import Answer
from .queue import Job, Queue
from .targets import Target, default_targets, open_targets, sealing_keys

log = logging.getLogger("burnlink.notify")

READ_COUNT = 10
SWEEP_BATCH = 100
# Consumers of stopped workers are forgotten a day after they last did anything.
PRUNE_IDLE_MS = 24 * 3600 * 1000
PRUNE_EVERY = 600.0


def consumer_name() -> str:
    """This worker's name in the consumer groups: host, process and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def frames(err: BaseException) -> str:
    """Where ``err`` happened, without its message (which could quote a target's URL)."""
    return "".join(traceback.format_tb(err.__traceback__))


def message_id(job: Job, label: str) -> str:
    """The ``webhook-id`` of ``job`` to the target ``label``: the same on every attempt and every worker."""
    return f"msg_{job.tag}_{job.entry_id}_{label}"


class Worker:
    """Delivers the events of ``store`` as ``config`` says; :meth:`run` until a stop event is set."""

    def __init__(self, store: Store, config: Config, *, deliverer: Deliverer | None = None,
                 clock: Callable[[], float] = time.time, consumer: str | None = None) -> None:
        self.store = store
        # Requests share the secrets' streams and due indexes; the sweep settles theirs too.
        self.requests = RequestStore(store.client, prefix=store.prefix, receipt_retention=store.receipt_retention,
                                     stream_ttl=store.stream_ttl, clock=clock)
        self.config = config
        self.clock = clock
        self.queue = Queue(store.client, store.prefix, consumer or consumer_name(), ttl=store.stream_ttl)
        self.deliverer = deliverer or Deliverer(store.client, store.prefix, config, clock=clock)
        self.audit = AuditTrail(store.client, store.prefix, config.audit_retention, clock=clock)
        self.keys = sealing_keys(config.secret_key, config.secret_key_fallbacks)
        self.defaults = default_targets(config)
        self.retries = config.notify_retries
        self.lease = config.notify_lease
        self.stats: Counter[str] = Counter()
        self._next_sweep = self._next_claim = self._next_prune = 0.0
        self._ready = False

    # --- the loop ------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set; the event in hand is finished first, nothing unsent is acknowledged."""
        log.info("notification worker %s started on %d shards", self.queue.consumer, len(self.store.shards()))
        pause = 0.0
        while not stop.is_set():
            try:
                busy = self.step(stop)
                pause = 0.0
            except RedisError as err:
                pause = min(max(pause * 2, 0.5), 10.0)
                log.warning("Redis failed (%s); the worker tries again in %.1f s", type(err).__name__, pause)
                stop.wait(pause)
                continue
            except Exception as err:  # a bug must not end every delivery for good; back off and go on
                pause = min(max(pause * 2, 0.5), 10.0)
                log.error("the worker failed (%s); trying again in %.1f s\n%s", type(err).__name__, pause, frames(err))
                stop.wait(pause)
                continue
            if not busy:
                stop.wait(self.config.notify_poll)
        log.info("notification worker %s stopped", self.queue.consumer)

    def start_thread(self) -> tuple[threading.Thread, threading.Event]:
        """Run in a daemon thread of this process (``burnlink serve``); set the event to stop it."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="burnlink-notify", daemon=True)
        thread.start()
        return thread, stop

    def step(self, stop: threading.Event | None = None) -> int:
        """One round over every shard; the number of events and deliveries handled."""
        stop = stop or threading.Event()
        now = self.clock()
        if not self._ready:
            for tag in self.store.shards():
                self.queue.ensure_group(tag)
            self._ready = True
        done = 0
        if now >= self._next_sweep:
            done += self.sweep()
            self._next_sweep = now + self.config.expiry_sweep
        claim = now >= self._next_claim
        if claim:
            self._next_claim = now + max(self.config.notify_poll, self.lease / 4)
        prune = now >= self._next_prune
        if prune:
            self._next_prune = now + PRUNE_EVERY
        quiet: dict[str, list[str]] = {}  # entries with nobody to tell, by shard: acknowledged together below
        for tag in self.store.shards():
            if stop.is_set():
                break
            jobs = self.queue.claim(tag, self.lease * 1000, READ_COUNT) if claim else []
            jobs += self.queue.read(tag, READ_COUNT)
            jobs += self.queue.due(tag, self.clock(), self.clock() + self.lease, READ_COUNT)
            taken = self.clock()
            for job in jobs:
                if stop.is_set():
                    break  # left pending: another worker (or this one, restarted) takes it after the lease
                self.handle(job, quiet.setdefault(tag, []), taken=taken)
                done += 1
            if prune:
                self.queue.prune(tag, PRUNE_IDLE_MS)
        # Their audit entries first: an entry is never acknowledged before it is in the trail.
        self.audit.flush()
        for tag, entry_ids in quiet.items():
            self.queue.acknowledge(tag, entry_ids)
        return done

    def sweep(self) -> int:
        """Record every expiry whose time has come; each then reaches the stream like any event."""
        settled = 0
        now = int(self.clock())
        for tag in self.store.shards():
            for _ in range(10):
                due = self.store.due(tag, now, SWEEP_BATCH)
                settled += sum(1 for member in due if self._settle(member))
                if len(due) < SWEEP_BATCH:
                    break
        return settled

    def _settle(self, member: str) -> int:
        """Settle one member of a due index: a request's (``r:ID``) or a secret's (its id)."""
        rid = RequestStore.due_request(member)
        return self.requests.settle_expiry(rid) if rid else self.store.settle_expiry(member)

    # --- one event -----------------------------------------------------------------------------

    def handle(self, job: Job, quiet: list[str] | None = None, *, taken: float | None = None) -> None:
        """Deliver ``job`` to its targets and settle it; an unreadable entry is logged and dropped.

        With ``quiet``, an event nobody is to be told of is not acknowledged here: its entry id is
        added to ``quiet`` for the caller to acknowledge with others, after :meth:`AuditTrail.flush`.
        ``taken`` is when the job's lease began: it is renewed before an attempt only once a
        quarter of it has passed (``None``: before every attempt).
        """
        try:
            secret_id, _, rest = job.message.partition(",")
            event = Event.parse(rest)
        except (ValueError, IndexError):
            log.error("dropping an unreadable event entry %s on shard %s", job.entry_id, job.tag)
            self.queue.settle(job, {}, 0)
            return
        targets = self.targets(secret_id, event, job)
        if not job.member:
            if self.audit.enabled:
                creator, label = (job.creator, job.label) if job.own_targets is not None else self.store.creator(secret_id)
                self.audit.add(secret_id, event, f"{job.tag}-{job.entry_id}", creator=creator, label=label)
            if not targets and quiet is not None:
                quiet.append(job.entry_id)
                return
            self.audit.flush()
            job.attempts = {label: 0 for label in targets}
        pending: dict[str, int] = {}
        for label, done in job.attempts.items():
            target = targets.get(label)
            if target is None:
                continue  # the receipt (and so the creator's targets) has gone: nobody left to tell
            if taken is None or self.clock() - taken > self.lease / 4:
                taken = self.clock()
                self.queue.renew(job, taken + self.lease)
            answer = self._attempt(target, secret_id, event, message_id(job, label))
            attempts = done + 1
            if answer.ok:
                state = "delivered"
            elif answer.final or attempts > len(self.retries):
                state = "failed"
            else:
                state, pending[label] = "pending", attempts
            self._record(secret_id, label, target, Delivery(state, attempts, answer.status), message_id(job, label))
        next_at = self.clock() + self.retries[max(pending.values()) - 1] if pending else 0
        self.queue.settle(job, pending, next_at)

    def targets(self, secret_id: str, event: Event, job: Job | None = None) -> dict[str, Target]:
        """Who wants ``event``, by label: ``t<i>`` the creator's i-th target, ``d<i>`` the operator's."""
        # A stream entry says whether the creator named targets; a retry or an older entry may not.
        blob = b"" if job is not None and job.own_targets is False else self.store.targets(secret_id)
        own = open_targets(blob, self.keys, secret_id) if len(blob) > 12 else []
        chosen = {f"t{i}": t for i, t in enumerate(own) if t.wants(event.type)}
        chosen.update({f"d{i}": t for i, t in enumerate(self.defaults) if t.wants(event.type)})
        return chosen

    def _attempt(self, target: Target, secret_id: str, event: Event, msg_id: str) -> Answer:
        try:
            creator = self.store.creator(secret_id)[0] if target.type == "email" else ""
            return self.deliverer.deliver(target, secret_id, event, msg_id, creator=creator)
        except RedisError:
            raise
        except Exception as err:  # a bug must not stop every other delivery; the attempt counts as failed
            log.error("delivery %s failed unexpectedly (%s)\n%s", msg_id, type(err).__name__, frames(err))
            return Answer("error")

    def _record(self, secret_id: str, label: str, target: Target, delivery: Delivery, msg_id: str) -> None:
        """Show where a creator's target stands in the receipt; count and log the operator's."""
        self.stats[f"{target.type}.{delivery.state}"] += 1
        if label.startswith("t"):
            self.store.set_delivery(secret_id, int(label[1:]), delivery)
        if delivery.state == "failed":
            log.warning("%s delivery %s failed after %d attempt(s): %s", target.type, msg_id, delivery.attempts,
                        delivery.last_status)
        elif delivery.state == "pending":
            log.info("%s delivery %s: %s, attempt %d, retrying", target.type, msg_id, delivery.last_status,
                     delivery.attempts)
