"""The worker on the embedded store (fakeredis with Lua) and a real local receiver.

Each test drives the worker one round at a time (:meth:`Worker.step`) with its own clock, so a
retry schedule of minutes passes without waiting; the real Redis, the killed process and the
real lease are in tests/integration/test_notifications.py.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from app.core.config import Config, load_config
from app.notifications.audit import read_audit
from app.notifications.delivery import Deliverer
from app.notifications.queue import GROUP, Queue
from app.notifications.worker import Worker
from app.store import Event
from tests.support.api import make_secret
from tests.support.asks import ask
from tests.support.receivers import WebhookReceiver

WHSEC = "whsec_" + base64.b64encode(b"s" * 32).decode()


def settings(**overrides: Any) -> Config:
    return load_config({"BURNLINK_ENV": "testing", "SECRET_KEY": "unit-test-secret-key", "BURNLINK_RATE_LIMITS": "0"},
                       **overrides)


class Clock:
    """A clock the test moves: real time plus an offset."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver(secret=WHSEC).start()
    yield running
    running.stop()


@pytest.fixture
def build() -> Callable[..., tuple[Flask, Worker]]:
    """An app and a worker sharing one fakeredis, with ``overrides`` for both."""

    def factory(clock: Callable[[], float] = time.time, **overrides: Any) -> tuple[Flask, Worker]:
        overrides.setdefault("notify_allow", ("127.0.0.1",))
        config = settings(**overrides)
        from app.server import create_app

        app = create_app(config, redis_client=fakeredis.FakeRedis(server=fakeredis.FakeServer()))
        store = app.extensions["burnlink"].store
        return app, Worker(store, config, clock=clock)

    return factory


def webhook(url: str, events: list[str] | None = None) -> dict:
    target = {"type": "webhook", "url": url, "secret": WHSEC}
    if events:
        target["events"] = events
    return target


def receipt(app: Flask, made: Any) -> dict:
    response = app.test_client().get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"})
    assert response.status_code == 200
    return response.get_json()


def reveal(app: Flask, made: Any) -> None:
    assert app.test_client().post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200


def left_over(worker: Worker) -> tuple[int, int, int]:
    """Entries still in the streams, pending in the group, and scheduled retries, over every shard."""
    client, queue = worker.store.client, worker.queue
    entries = sum(client.xlen(queue.stream(t)) for t in worker.store.shards())
    pending = sum(client.xpending(queue.stream(t), GROUP)["pending"] for t in worker.store.shards())
    retries = sum(client.zcard(queue.schedule(t)) for t in worker.store.shards())
    return entries, pending, retries


def test_a_reveal_is_delivered_once_signed_and_acknowledged(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build()
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    reveal(app, made)
    worker.step()
    worker.step()
    assert [r.verified for r in receiver.requests] == [True]
    assert receiver.of(made.id) == [{"type": "secret.revealed", "timestamp": receiver.of(made.id)[0]["timestamp"],
                                     "data": {"id": made.id, "views_left": 0}}]
    assert receiver.requests[0].webhook_id.startswith("msg_")
    assert receipt(app, made)["deliveries"] == [{"type": "webhook", "state": "delivered", "attempts": 1, "last_status": "200"}]
    assert left_over(worker) == (0, 0, 0)


def test_only_the_events_a_target_asks_for_are_sent(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build()
    every = make_secret(app.test_client(), views=2, notify=[webhook(receiver.url, ["secret.created", "secret.opened",
                                                                                     "secret.revealed"])])
    app.test_client().get(f"/api/v1/secrets/{every.id}", headers={"X-Burnlink-Link": every.link})
    reveal(app, every)
    worker.step()
    assert [e["type"] for e in receiver.of(every.id)] == ["secret.created", "secret.opened", "secret.revealed"]
    assert receiver.of(every.id, "secret.revealed")[0]["data"]["views_left"] == 1
    assert left_over(worker) == (0, 0, 0)


def test_the_operators_targets_hear_every_event(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build(notify_default=json.dumps([webhook(receiver.url)]))
    made = make_secret(app.test_client())  # no targets of its own
    reveal(app, made)
    worker.step()
    assert [e["type"] for e in receiver.of(made.id)] == ["secret.created", "secret.revealed"]
    assert "deliveries" not in receipt(app, made)
    assert worker.stats["webhook.delivered"] == 2


def test_a_failing_receiver_is_retried_on_schedule_then_failed(build: Callable, receiver: WebhookReceiver) -> None:
    clock = Clock()
    app, worker = build(clock=clock, notify_retries=(5, 30))
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    receiver.status = 503
    reveal(app, made)
    worker.step()
    assert receipt(app, made)["deliveries"][0] == {"type": "webhook", "state": "pending", "attempts": 1, "last_status": "503"}
    assert left_over(worker) == (0, 0, 1)  # acknowledged, and scheduled
    worker.step()
    assert len(receiver.requests) == 1  # not before its time
    clock.offset += 5
    worker.step()
    assert receipt(app, made)["deliveries"][0]["attempts"] == 2
    clock.offset += 29
    worker.step()
    assert len(receiver.requests) == 2
    clock.offset += 1
    worker.step()
    assert receipt(app, made)["deliveries"][0] == {"type": "webhook", "state": "failed", "attempts": 3, "last_status": "503"}
    assert left_over(worker) == (0, 0, 0)
    ids = {r.webhook_id for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1  # one event: the same webhook-id on every attempt


def test_a_restarted_worker_resumes_the_schedule_and_a_recovered_receiver_gets_the_event(
        build: Callable, receiver: WebhookReceiver) -> None:
    clock = Clock()
    app, first = build(clock=clock, notify_retries=(5, 30, 120))
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    receiver.stop()
    reveal(app, made)
    first.step()
    assert receipt(app, made)["deliveries"][0]["last_status"] == "connection failed"
    scheduled = [key for key in first.store.client.scan_iter(f"{first.store.prefix}:*:retry")]
    assert len(scheduled) == 1 and 0 < first.store.client.ttl(scheduled[0]) <= first.store.stream_ttl
    receiver.start()
    second = Worker(first.store, first.config, clock=clock)  # the first one is gone; its schedule is in Redis
    clock.offset += 5
    second.step()
    assert [e["type"] for e in receiver.of(made.id)] == ["secret.revealed"]
    assert receipt(app, made)["deliveries"][0] == {"type": "webhook", "state": "delivered", "attempts": 2, "last_status": "200"}
    assert left_over(second) == (0, 0, 0)


def test_a_refused_address_fails_at_once(build: Callable, receiver: WebhookReceiver) -> None:
    """Allowed when the secret was made, not when it is delivered: the operator narrowed the list."""
    app, _ = build()
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    reveal(app, made)
    worker = Worker(app.extensions["burnlink"].store, settings(notify_retries=(5,)))
    worker.step()
    assert receiver.requests == []
    assert receipt(app, made)["deliveries"][0] == {"type": "webhook", "state": "failed", "attempts": 1, "last_status": "refused"}
    assert left_over(worker) == (0, 0, 0)


def test_an_entry_left_by_a_dead_worker_is_claimed_after_the_lease(build: Callable, receiver: WebhookReceiver) -> None:
    app, dead = build(notify_lease=1)
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    reveal(app, made)
    for tag in dead.store.shards():
        dead.queue.ensure_group(tag)
    taken = [job for tag in dead.store.shards() for job in dead.queue.read(tag, 10)]
    assert len(taken) == 2  # created and revealed, now pending on the dead worker, never settled
    heir = Worker(dead.store, dead.config)
    heir.step()
    assert receiver.requests == []  # within the lease nobody else takes them
    time.sleep(1.1)
    heir._next_claim = 0
    heir.step()
    assert [e["type"] for e in receiver.of(made.id)] == ["secret.revealed"]
    assert left_over(heir) == (0, 0, 0)


def test_the_sweep_reports_an_expiry(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build(ttl_min=1)
    made = make_secret(app.test_client(), ttl=1, notify=[webhook(receiver.url)])
    worker.step()
    time.sleep(2.1)
    worker._next_sweep = 0
    worker.step()
    worker.step()
    events = receiver.of(made.id)
    assert [e["type"] for e in events] == ["secret.expired"]
    assert receipt(app, made)["state"] == "expired"


def test_the_sweep_reports_a_request_that_expired_unanswered(build: Callable, receiver: WebhookReceiver) -> None:
    clock = Clock()
    app, worker = build(clock=clock)
    asked = ask(app.test_client(), note=None, ttl=60, notify=[webhook(receiver.url, ["request.expired"])])
    worker.step()
    assert receiver.of(asked.rid) == []  # not due yet
    # The worker's clock, which the sweep settles a request's expiry by (within the receiver's
    # tolerance for a signature's time).
    clock.offset = 61
    worker._next_sweep = 0
    worker.step()
    worker.step()
    events = receiver.of(asked.rid)
    assert [e["type"] for e in events] == ["request.expired"]
    assert events[0]["timestamp"] == asked.created["expires_at"]
    worker._next_sweep = 0
    worker.step()
    assert len(receiver.of(asked.rid)) == 1  # recorded once: it left the due index


def test_the_audit_trail_records_each_event_once_and_nothing_secret(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build(client_facts=True)
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    reveal(app, made)
    worker.step()
    store = worker.store
    rows = list(read_audit(store.client, store.prefix, time.time() - 60))
    assert [(r["type"], r["id"]) for r in rows] == [("secret.created", made.id), ("secret.revealed", made.id)]
    assert rows[1]["views_left"] == 0 and rows[1]["network"] == "127.0.0.0/24" and "agent" in rows[1]
    # A second worker handling the same entries again (a crash before the acknowledgement) adds no row.
    first = rows[0]
    worker.audit.append(made.id, Event("secret.burned", 1), "e1-1-0")
    worker.audit.append(made.id, Event("secret.burned", 1), "e1-1-0")
    again = list(read_audit(store.client, store.prefix, time.time() - 60))
    assert again[0] == first and len(again) == 3
    raw = b"".join(b"".join(k + v for k, v in fields.items()) for _, fields in store.client.xrange(f"{store.prefix}:audit"))
    for secret in (WHSEC.encode(), receiver.url.encode(), made.link.encode(), made.auth.encode()):
        assert secret not in raw


def test_no_audit_trail_when_its_retention_is_zero(build: Callable) -> None:
    app, worker = build(audit_retention=0, notify_default=json.dumps([webhook("http://127.0.0.1:9/x")]))
    make_secret(app.test_client())
    worker.step()
    assert worker.store.client.exists(f"{worker.store.prefix}:audit") == 0


def test_an_unreadable_entry_is_dropped_not_retried_forever(build: Callable) -> None:
    _, worker = build()
    stream = worker.queue.stream(worker.store.shards()[3])
    worker.store.client.xadd(stream, {"m": "garbage"})
    worker.step()
    assert left_over(worker) == (0, 0, 0)


def test_a_worker_thread_stops_when_asked(build: Callable, receiver: WebhookReceiver) -> None:
    app, worker = build(notify_poll=0.05)
    thread, stop = worker.start_thread()
    made = make_secret(app.test_client(), notify=[webhook(receiver.url)])
    reveal(app, made)
    assert receiver.arrived.wait(10)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def test_email_rate_limits_per_secret_and_for_the_service() -> None:
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    config = settings(smtp_url="smtp://mail.example.com", notify_email_domains=("example.com",),
                            notify_email_per_secret=2, notify_email_per_minute=3)
    deliverer = Deliverer(client, "bl", config)
    assert [deliverer._may_send("A" * 22, 100, "") for _ in range(3)] == [True, True, False]
    assert [deliverer._may_send("B" * 22, 100, "") for _ in range(2)] == [True, False]  # the service's 3 are spent
    assert deliverer._may_send("C" * 22, 101, "") is True  # a new minute
    assert all(client.ttl(key) > 0 for key in client.scan_iter("*"))


def test_a_signed_in_creator_has_one_email_budget_across_their_secrets() -> None:
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    config = settings(notify_email_per_secret=5, notify_email_per_minute=100, notify_email_per_creator=3)
    deliverer = Deliverer(client, "bl", config)
    sent = [deliverer._may_send(sid * 22, 100, "alice@example.com") for sid in "ABCD"]
    assert sent == [True, True, True, False]  # four secrets, one creator: her three are spent
    assert deliverer._may_send("E" * 22, 100, "bob@example.com") is True  # another creator's budget
    assert deliverer._may_send("F" * 22, 100, "") is True  # anonymous secrets keep the per-secret budget only
    assert deliverer._may_send("G" * 22, 101, "alice@example.com") is True  # a new minute
    assert all(client.ttl(key) > 0 for key in client.scan_iter("*"))


def test_email_to_a_domain_no_longer_allowed_is_refused() -> None:
    from app.notifications.targets import Target

    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    config = settings(smtp_url="smtp://127.0.0.1:9", notify_email_domains=("example.com",))
    answer = Deliverer(client, "bl", config).deliver(Target("email", to="eve@elsewhere.example"), "A" * 22,
                                                     Event("secret.revealed", 1, 0), "msg_x")
    assert (answer.status, answer.final) == ("refused", True)


def test_the_queue_recreates_a_group_whose_stream_expired() -> None:
    client = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    queue = Queue(client, "bl", "me", ttl=600)
    queue.ensure_group("e1")
    assert 0 < client.ttl(queue.stream("e1")) <= 600
    client.delete(queue.stream("e1"))
    client.xadd(queue.stream("e1"), {"m": "A,c,1,"})  # a script wrote again after the stream had gone
    assert [job.message for job in queue.read("e1", 10)] == ["A,c,1,"]


class CountingClient:
    """A Redis client that counts the commands and scripts sent through it (pipelines count once)."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls, self.names = client, 0, []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if not callable(attr) or name in ("register_script",):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.names.append(name)
            return attr(*args, **kwargs)

        return counted


def test_events_nobody_is_told_of_are_audited_and_acknowledged_together(build: Callable[..., tuple[Flask, Worker]]) -> None:
    app, worker = build()
    client = app.test_client()
    store = worker.store
    make_secret(client)
    worker.step()  # makes the groups and loads the scripts
    for _ in range(10):
        make_secret(client)
    with_events = [tag for tag in store.shards() if store.client.xlen(worker.queue.stream(tag))]
    counting = CountingClient(store.client)
    worker.audit.client = worker.queue.client = store.client = counting
    for script in (worker.queue._ack, worker.queue._settle, worker.queue._lease):
        script.registered_client = counting
    assert worker.step() == 10
    # Per shard: the read and the retry lease; then one pipeline for the ten audit entries and
    # one acknowledgement per shard that had events, where each event once cost several trips.
    assert counting.calls <= 2 * len(store.shards()) + 1 + len(with_events), counting.names
    rows = list(read_audit(counting.client, store.prefix, time.time() - 60))
    assert len(rows) == 11 and {r["type"] for r in rows} == {"secret.created"}
    for tag in store.shards():
        assert store.client.xpending(worker.queue.stream(tag), GROUP)["pending"] == 0
        assert store.client.xlen(worker.queue.stream(tag)) == 0  # acknowledged and deleted


def test_an_entry_from_before_the_flags_still_reaches_its_targets(build: Callable[..., tuple[Flask, Worker]],
                                                                  receiver: WebhookReceiver) -> None:
    app, worker = build()
    made = make_secret(app.test_client(), notify=[webhook(receiver.url, ["secret.created"])])
    store = worker.store
    for tag in store.shards():
        worker.queue.ensure_group(tag)
        for entry_id, fields in store.client.xrange(worker.queue.stream(tag)):
            # Rewrite the entry as an older server wrote it: the message alone.
            store.client.xdel(worker.queue.stream(tag), entry_id)
            store.client.xadd(worker.queue.stream(tag), {"m": fields[b"m"]})
    worker.step()
    assert receiver.arrived.wait(10)
    assert receipt(app, made)["deliveries"][0]["state"] == "delivered"
