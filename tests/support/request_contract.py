"""The request store's contract, written once and run against every backend.

A backend's test module subclasses :class:`RequestContract` and provides a ``redis_client``
fixture (fakeredis, a real redis-server, a Redis Cluster), like :class:`StoreContract`.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

import pytest
from redis.crc import key_slot

from app.core.errors import InvalidInput, NotFound
from app.core.protocol import sha256
from app.store import AlreadyAnswered, Delivery, RequestStore, Store, shard_of

ANSWER, INBOX = sha256(b"answer"), sha256(b"inbox")
BLOB = bytes(range(256)) * 2 + b"\x00\r\n"
MAC = bytes(range(32))


class RequestContract:
    """Behaviour every backend must show for requests."""

    @pytest.fixture
    def requests_store(self, redis_client: Any) -> RequestStore:
        return RequestStore(redis_client, prefix=f"blq{secrets.token_hex(4)}", receipt_retention=86400)

    def make(self, store: RequestStore, ttl: int = 600) -> str:
        return store.create(ANSWER, INBOX, ttl=ttl).id

    def snapshot(self, store: RequestStore, rid: str) -> tuple:
        request, answer, _ = store.keys(rid)
        return store.client.hgetall(request), store.client.get(answer)

    def test_keys_share_one_slot_and_all_expire(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        requests_store.answer(rid, ANSWER, BLOB)
        keys = requests_store.keys(rid)
        assert len({key_slot(k.encode()) for k in keys}) == 1
        client = requests_store.client
        assert 600 + 86400 - 5 <= client.ttl(keys[0]) <= 600 + 86400
        assert 0 < client.ttl(keys[1]) <= 600

    def test_the_server_keeps_verifiers_only(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        stored = requests_store.client.hgetall(requests_store.keys(rid)[0])
        assert stored[b"av"] == ANSWER and stored[b"iv"] == INBOX and stored[b"s"] == b"open"

    def test_note_is_set_once_with_the_inbox_proof(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        with pytest.raises(NotFound):
            requests_store.set_note(rid, ANSWER, "wrong proof", MAC)
        requests_store.set_note(rid, INBOX, "Stripe key für billing", MAC)
        view = requests_store.open(rid, ANSWER)
        assert (view.state, view.note, view.note_mac) == ("open", "Stripe key für billing", MAC)
        with pytest.raises(InvalidInput):
            requests_store.set_note(rid, INBOX, "changed", MAC)
        assert requests_store.open(rid, ANSWER).note == "Stripe key für billing"

    def test_open_needs_the_answer_proof_and_records_it(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        with pytest.raises(NotFound):
            requests_store.open(rid, INBOX)
        with pytest.raises(NotFound):
            requests_store.open("A" * 22, ANSWER)
        assert requests_store.open(rid, ANSWER).note_mac == b""
        events = [e.type for e in requests_store.receipt(rid).events]
        assert events == ["request.created", "request.opened"]

    def test_one_answer_read_once(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        requests_store.answer(rid, ANSWER, BLOB)
        with pytest.raises(AlreadyAnswered):
            requests_store.answer(rid, ANSWER, b"second" * 20)
        status = requests_store.status(rid, INBOX)
        assert status.state == "answered" and status.answered_at is not None
        assert requests_store.read_answer(rid, INBOX) == BLOB
        with pytest.raises(NotFound):
            requests_store.read_answer(rid, INBOX)
        assert requests_store.client.exists(requests_store.keys(rid)[1]) == 0
        receipt = requests_store.receipt(rid)
        assert receipt.state == "read"
        assert [e.type for e in receipt.events] == ["request.created", "request.answered", "request.read"]

    def test_wrong_proofs_change_nothing(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        before = self.snapshot(requests_store, rid)
        with pytest.raises(NotFound):
            requests_store.answer(rid, INBOX, BLOB)
        assert self.snapshot(requests_store, rid) == before
        requests_store.answer(rid, ANSWER, BLOB)
        before = self.snapshot(requests_store, rid)
        for wrong in (ANSWER, sha256(b"guess")):
            with pytest.raises(NotFound):
                requests_store.read_answer(rid, wrong)
            with pytest.raises(NotFound):
                requests_store.status(rid, wrong)
        assert self.snapshot(requests_store, rid) == before

    def test_no_note_after_an_answer(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        requests_store.answer(rid, ANSWER, BLOB)
        with pytest.raises(NotFound):
            requests_store.set_note(rid, INBOX, "late", MAC)

    def test_an_expired_request_takes_no_answer(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        requests_store.clock = lambda: 10**10
        with pytest.raises(NotFound):
            requests_store.answer(rid, ANSWER, BLOB)
        with pytest.raises(NotFound):
            requests_store.open(rid, ANSWER)
        assert requests_store.status(rid, INBOX).state == "expired"
        assert requests_store.receipt(rid).state == "expired"

    def test_burn_ends_the_request_and_its_answer(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        requests_store.answer(rid, ANSWER, BLOB)
        assert requests_store.burn(rid) is True
        assert requests_store.burn(rid) is False
        with pytest.raises(NotFound):
            requests_store.read_answer(rid, INBOX)
        assert requests_store.receipt(rid).state == "burned"
        with pytest.raises(NotFound):
            requests_store.burn("A" * 22)

    def test_parallel_answers_and_reads_land_once(self, requests_store: RequestStore) -> None:
        rid = self.make(requests_store)
        outcomes: list[str] = []

        def attempt(action: Any) -> None:
            try:
                action()
                outcomes.append("ok")
            except (AlreadyAnswered, NotFound) as err:
                outcomes.append(type(err).__name__)

        def race(action: Any) -> None:
            outcomes.clear()
            threads = [threading.Thread(target=attempt, args=(action,)) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        race(lambda: requests_store.answer(rid, ANSWER, BLOB))
        assert sorted(outcomes) == ["AlreadyAnswered"] * 7 + ["ok"]
        race(lambda: requests_store.read_answer(rid, INBOX))
        assert sorted(outcomes) == ["NotFound"] * 7 + ["ok"]

    def test_events_reach_the_stream_when_asked(self, requests_store: RequestStore) -> None:
        rid = requests_store.create(ANSWER, INBOX, ttl=600, deliver=True).id
        requests_store.answer(rid, ANSWER, BLOB)
        stream = requests_store.keys(rid)[2]
        entries = [fields[b"m"].decode() for _, fields in requests_store.client.xrange(stream)]
        assert [e.split(",")[:2] for e in entries] == [[rid, "qc"], [rid, "qa"]]
        assert requests_store.client.ttl(stream) > 0

    def test_the_worker_finds_a_requests_targets_and_records_deliveries(self, requests_store: RequestStore) -> None:
        rid = requests_store.create(ANSWER, INBOX, ttl=600, deliver=True, seal_targets=lambda i: b"sealed-for-" + i.encode(),
                                    target_count=2).id
        secrets_store = Store(requests_store.client, prefix=requests_store.prefix)
        assert secrets_store.targets(rid) == b"sealed-for-" + rid.encode()
        assert secrets_store.set_delivery(rid, 1, Delivery("delivered", 1, "200")) is True
        assert [d.state for d in requests_store.receipt(rid).deliveries] == ["pending", "delivered"]
        assert secrets_store.set_delivery("A" * 22, 0, Delivery("delivered", 1, "200")) is False

    def test_an_expiry_is_recorded_once_whoever_sees_it_first(self, requests_store: RequestStore) -> None:
        def made(deliver: bool = True) -> tuple[str, int]:
            created = requests_store.create(ANSWER, INBOX, ttl=600, deliver=deliver)
            return created.id, created.expires_at

        (swept, swept_at), (seen, seen_at), (unread, unread_at) = made(), made(), made()
        read, burned, quiet = made()[0], made()[0], made(deliver=False)[0]
        for rid in (unread, read):
            requests_store.answer(rid, ANSWER, BLOB)
        requests_store.read_answer(read, INBOX)
        requests_store.burn(burned)
        due = Store(requests_store.client, prefix=requests_store.prefix)

        def listed(rid: str, now: int) -> bool:
            return f"r:{rid}" in due.due(shard_of(rid), now)

        # Only open or answered requests whose events are delivered wait in the due index.
        assert listed(swept, swept_at) and listed(unread, unread_at)
        assert not any(listed(rid, swept_at + 5) for rid in (read, burned, quiet))
        assert requests_store.settle_expiry(swept) == 0 and listed(swept, swept_at)  # not yet: it stays
        requests_store.clock = lambda: time.time() + 601
        assert requests_store.settle_expiry(swept) == 1 and requests_store.settle_expiry(swept) == 0
        assert requests_store.receipt(seen).state == "expired"  # the receipt saw it first
        assert requests_store.settle_expiry(seen) == 0
        assert requests_store.settle_expiry(unread) == 1  # answered, never read: the answer is gone
        assert requests_store.client.exists(requests_store.keys(unread)[1]) == 0
        for rid, expires_at in ((swept, swept_at), (seen, seen_at), (unread, unread_at)):
            assert not listed(rid, expires_at + 5)
            receipt = requests_store.receipt(rid)
            assert receipt.state == "expired"
            assert receipt.events[-1].type == "request.expired" and receipt.events[-1].at == expires_at
            assert [e.type for e in receipt.events].count("request.expired") == 1
            entries = [f[b"m"].decode().split(",") for _, f in requests_store.client.xrange(requests_store.keys(rid)[2])]
            assert [e[1] for e in entries if e[0] == rid][-1] == "qx"
        assert [e.type for e in requests_store.receipt(quiet).events] == ["request.created", "request.expired"]
        quiet_stream = requests_store.client.xrange(requests_store.keys(quiet)[2])
        assert not any(f[b"m"].decode().startswith(quiet) for _, f in quiet_stream)  # its events stay in its receipt
        assert requests_store.receipt(read).state == "read" and requests_store.receipt(burned).state == "burned"
