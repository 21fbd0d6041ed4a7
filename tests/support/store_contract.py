"""The store's contract, written once and run against every backend.

A backend's test module subclasses :class:`StoreContract` and provides a
``redis_client`` fixture (fakeredis, a real redis-server, a Redis Cluster).
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

import pytest
from redis.crc import key_slot

from app.core.errors import NotFound, WrongAccessCode
from app.core.protocol import sha256
from app.store import Store
from app.store.pieces import pieces

LINK, AUTH = sha256(b"link"), sha256(b"auth")
# A receipt's event history: 'code,epoch[,count]' entries joined by ';' (no client facts by default).
EVENTS = re.compile(rb"[cowdrbx],[0-9]{10},[0-9]*(;[cowdrbx],[0-9]{10},[0-9]*)*")
BLOB = bytes(range(256)) * 4 + b"\x00\r\n"  # binary, with NULs and line ends, kept byte for byte


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


class StoreContract:
    """Behaviour every backend must show."""

    @pytest.fixture
    def store(self, redis_client: Any) -> Store:
        return Store(redis_client, prefix=f"blc{secrets.token_hex(4)}", max_failures=5, receipt_retention=86400)

    def make(self, store: Store, *, views: int = 1, ttl: int = 600, has_code: bool = True) -> str:
        return store.create(BLOB, LINK, AUTH, ttl=ttl, views=views, has_code=has_code).id

    def test_create_then_metadata(self, store: Store) -> None:
        before = int(time.time())
        sid = self.make(store, views=3)
        meta = store.metadata(sid, LINK)
        assert meta.has_code is True and meta.views_left == 3
        assert before + 600 <= meta.expires_at <= int(time.time()) + 600

    def test_metadata_needs_the_link_proof(self, store: Store) -> None:
        sid = self.make(store)
        with pytest.raises(NotFound):
            store.metadata(sid, sha256(b"other"))
        with pytest.raises(NotFound):
            store.metadata("A" * 22, LINK)

    def test_reveal_returns_the_exact_bytes_and_burns(self, store: Store) -> None:
        sid = self.make(store)
        revealed = store.reveal(sid, LINK, AUTH)
        assert revealed.blob == BLOB and revealed.views_left == 0
        assert store.client.exists(store.keys(sid)[0]) == 0
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        receipt = store.receipt(sid)
        assert receipt.state == "viewed" and receipt.views_left == 0 and len(receipt.viewed_at) == 1

    def test_several_views_count_down(self, store: Store) -> None:
        sid = self.make(store, views=3)
        assert [store.reveal(sid, LINK, AUTH).views_left for _ in range(3)] == [2, 1, 0]
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        receipt = store.receipt(sid)
        assert receipt.state == "viewed" and len(receipt.viewed_at) == 3

    def snapshot(self, store: Store, sid: str) -> tuple:
        secret_key, receipt_key = store.keys(sid)
        return store.client.get(secret_key), store.client.hgetall(receipt_key)

    def test_wrong_link_proof_changes_nothing(self, store: Store) -> None:
        sid = self.make(store)
        before = self.snapshot(store, sid)
        for _ in range(20):
            with pytest.raises(NotFound):
                store.reveal(sid, sha256(secrets.token_bytes(32)), AUTH)
            with pytest.raises(NotFound):
                store.reveal(sid, sha256(secrets.token_bytes(32)), sha256(secrets.token_bytes(32)))
        assert self.snapshot(store, sid) == before
        assert store.receipt(sid).state == "waiting"
        assert store.reveal(sid, LINK, AUTH).blob == BLOB

    def test_wrong_codes_count_down_then_destroy(self, store: Store) -> None:
        sid = self.make(store, views=2)
        left = []
        for _ in range(5):
            with pytest.raises(WrongAccessCode) as info:
                store.reveal(sid, LINK, sha256(b"wrong"))
            left.append(info.value.extra["attempts_left"])
        assert left == [4, 3, 2, 1, 0]
        assert store.client.exists(store.keys(sid)[0]) == 0
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        receipt = store.receipt(sid)
        assert receipt.state == "destroyed" and receipt.views_left == 0

    def test_right_code_after_wrong_ones_still_opens(self, store: Store) -> None:
        sid = self.make(store)
        for _ in range(4):
            with pytest.raises(WrongAccessCode):
                store.reveal(sid, LINK, sha256(b"wrong"))
        assert store.reveal(sid, LINK, AUTH).blob == BLOB

    def test_burn(self, store: Store) -> None:
        sid = self.make(store, views=2)
        store.burn(sid)
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        assert store.receipt(sid).state == "burned"
        store.burn(sid)  # again: still fine while the receipt lasts
        assert store.receipt(sid).state == "burned"
        with pytest.raises(NotFound):
            store.burn("B" * 22)

    def test_burn_after_last_view_keeps_the_viewed_state(self, store: Store) -> None:
        sid = self.make(store)
        store.reveal(sid, LINK, AUTH)
        store.burn(sid)
        assert store.receipt(sid).state == "viewed"

    def test_every_key_has_a_ttl_and_the_receipt_outlives_the_secret(self, store: Store) -> None:
        sid = self.make(store, ttl=600)
        secret_key, receipt_key = store.keys(sid)
        assert 0 < store.client.ttl(secret_key) <= 600
        assert 600 + 86400 - 5 <= store.client.ttl(receipt_key) <= 600 + 86400
        store.reveal(sid, LINK, AUTH)
        assert store.client.ttl(receipt_key) >= 86400

    def test_keys_share_one_hash_slot(self, store: Store) -> None:
        sid = self.make(store)
        slots = {key_slot(key.encode()) for key in store.script_keys(sid)}
        assert len(store.script_keys(sid)) == 4 and len(slots) == 1

    def test_only_ciphertext_verifiers_counters_and_times_are_stored(self, store: Store) -> None:
        sid = self.make(store)
        secret_key, receipt_key = store.keys(sid)
        assert store.client.get(secret_key) == LINK + AUTH + BLOB  # verifiers, then the blob, byte for byte
        assert set(store.client.hgetall(receipt_key)) == {b"s", b"n", b"f", b"h", b"e", b"ev"}
        assert EVENTS.fullmatch(store.client.hget(receipt_key, "ev"))  # codes and times, nothing else
        store.reveal(sid, LINK, AUTH)
        receipt = b"".join(store.client.hgetall(receipt_key).values())
        assert BLOB[:32] not in receipt and LINK not in receipt and AUTH not in receipt

    def test_a_large_blob_is_kept_in_exact_pieces_and_read_back_byte_for_byte(self, store: Store) -> None:
        # Just over 64 KiB: one string would be rounded up to 80 KiB by the allocator.
        blob = secrets.token_bytes(65536 + 900)
        sid = store.create(blob, LINK, AUTH, ttl=600, views=2, has_code=True).id
        secret_key, _ = store.keys(sid)
        assert store.client.type(secret_key) == b"hash" and store.client.hlen(secret_key) == len(pieces(LINK + AUTH, blob))
        assert 0 < store.client.ttl(secret_key) <= 600
        assert store.metadata(sid, LINK).views_left == 2
        with pytest.raises(NotFound):
            store.metadata(sid, AUTH)
        with pytest.raises(WrongAccessCode):
            store.reveal(sid, LINK, LINK)
        assert store.reveal(sid, LINK, AUTH).blob == blob
        assert store.reveal(sid, LINK, AUTH).blob == blob
        assert store.client.exists(secret_key) == 0
        other = store.create(blob, LINK, AUTH, ttl=600, views=1, has_code=True).id
        assert store.burn(other) is True and store.client.exists(store.keys(other)[0]) == 0
        destroyed = store.create(blob, LINK, AUTH, ttl=600, views=1, has_code=True).id
        for _ in range(5):
            with pytest.raises(WrongAccessCode):
                store.reveal(destroyed, LINK, LINK)
        assert store.client.exists(store.keys(destroyed)[0]) == 0 and store.receipt(destroyed).state == "destroyed"

    def test_metadata_consumes_nothing_and_records_the_opening(self, store: Store) -> None:
        sid = self.make(store, views=2)
        before = self.snapshot(store, sid)
        for _ in range(3):
            store.metadata(sid, LINK)
        after = self.snapshot(store, sid)
        assert after[0] == before[0]  # the ciphertext and verifiers, byte for byte
        assert {k: v for k, v in after[1].items() if k not in (b"ev", b"o")} == \
            {k: v for k, v in before[1].items() if k != b"ev"}
        assert [e.type for e in store.receipt(sid).events] == ["secret.created"] + ["secret.opened"] * 3

    def test_expiry_ends_the_secret_and_the_receipt_says_expired(self, store: Store) -> None:
        sid = self.make(store, ttl=1)
        assert store.receipt(sid).state == "waiting"
        wait_until(lambda: store.client.exists(store.keys(sid)[0]) == 0)
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        receipt = store.receipt(sid)
        assert receipt.state == "expired" and receipt.views_left == 0

    def test_a_partly_viewed_secret_that_expires_says_expired(self, store: Store) -> None:
        sid = self.make(store, ttl=1, views=2)
        store.reveal(sid, LINK, AUTH)
        wait_until(lambda: store.client.exists(store.keys(sid)[0]) == 0)
        receipt = store.receipt(sid)
        assert receipt.state == "expired" and len(receipt.viewed_at) == 1

    def test_unknown_receipt(self, store: Store) -> None:
        with pytest.raises(NotFound):
            store.receipt("C" * 22)

    def test_a_lost_receipt_is_never_recreated_without_a_ttl(self, store: Store) -> None:
        """A receipt evicted (or deleted) while its secret lives: reads find nothing and write nothing."""
        sid = self.make(store, views=2)
        secret_key, receipt_key = store.keys(sid)
        store.client.delete(receipt_key)
        before = store.client.get(secret_key)
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, sha256(b"wrong"))
        with pytest.raises(NotFound):
            store.reveal(sid, LINK, AUTH)
        assert store.client.exists(receipt_key) == 0
        assert store.client.get(secret_key) == before and 0 < store.client.ttl(secret_key) <= 600

    # --- events ------------------------------------------------------------------------------

    def stream(self, store: Store, sid: str) -> list[str]:
        """The events of ``sid`` in its shard's stream, as ``code,at,count`` strings."""
        entries = store.client.xrange(store.script_keys(sid)[2])
        return [m[b"m"].decode().split(",", 1)[1] for _, m in entries if m[b"m"].decode().startswith(sid + ",")]

    def test_every_change_records_its_event_in_order(self, store: Store) -> None:
        sid = self.make(store, views=2)
        store.metadata(sid, LINK)
        with pytest.raises(WrongAccessCode):
            store.reveal(sid, LINK, sha256(b"wrong"))
        store.reveal(sid, LINK, AUTH)
        store.reveal(sid, LINK, AUTH)
        events = store.receipt(sid).events
        assert [(e.type, e.count) for e in events] == [
            ("secret.created", None), ("secret.opened", None), ("secret.wrong_code", 4),
            ("secret.revealed", 1), ("secret.revealed", 0)]
        assert all(abs(e.at - time.time()) < 30 for e in events)

    def test_a_wrong_link_proof_records_nothing(self, store: Store) -> None:
        sid = self.make(store)
        for proof in (sha256(b"other"),):
            with pytest.raises(NotFound):
                store.metadata(sid, proof)
            with pytest.raises(NotFound):
                store.reveal(sid, proof, AUTH)
        assert [e.type for e in store.receipt(sid).events] == ["secret.created"]

    def test_destroyed_and_burned_events(self, store: Store) -> None:
        doomed, burned = self.make(store), self.make(store)
        for _ in range(5):
            with pytest.raises(WrongAccessCode):
                store.reveal(doomed, LINK, sha256(b"wrong"))
        assert [e.type for e in store.receipt(doomed).events][-2:] == ["secret.wrong_code", "secret.destroyed"]
        assert store.burn(burned) is True and store.burn(burned) is False
        assert [e.type for e in store.receipt(burned).events] == ["secret.created", "secret.burned"]

    def test_opened_events_are_capped(self, store: Store) -> None:
        from app.store.secrets import MAX_OPENED_EVENTS

        sid = self.make(store)
        for _ in range(MAX_OPENED_EVENTS + 5):
            store.metadata(sid, LINK)
        assert [e.type for e in store.receipt(sid).events].count("secret.opened") == MAX_OPENED_EVENTS

    def test_events_reach_the_stream_only_for_delivered_secrets(self, store: Store) -> None:
        quiet = self.make(store)
        loud = store.create(BLOB, LINK, AUTH, ttl=600, views=1, has_code=True, deliver=True).id
        for sid in (quiet, loud):
            store.metadata(sid, LINK)
            store.reveal(sid, LINK, AUTH)
        assert self.stream(store, quiet) == []
        assert [e.split(",")[0] for e in self.stream(store, loud)] == ["c", "o", "r"]
        stream_key, due_key = store.script_keys(loud)[2:]
        assert 0 < store.client.ttl(stream_key) <= store.stream_ttl
        # The last view took it off the due index: no expiry will be reported for it.
        assert store.client.zscore(due_key, loud) is None

    def told(self, store: Store, sid: str) -> list[tuple[str, bytes]]:
        """``(code, t)`` of each stream entry of ``sid``: whether a target the creator named wants it."""
        entries = store.client.xrange(store.script_keys(sid)[2])
        return [(m[b"m"].decode().split(",")[1], m[b"t"]) for _, m in entries if m[b"m"].decode().startswith(sid + ",")]

    def test_an_entry_says_whether_the_creators_targets_want_it(self, store: Store) -> None:
        def made(**options: Any) -> str:
            sid = store.create(BLOB, LINK, AUTH, ttl=600, views=1, has_code=True, deliver=True, **options).id
            store.metadata(sid, LINK)
            store.reveal(sid, LINK, AUTH)
            return sid

        sealed = {"seal_targets": lambda _: b"sealed", "target_count": 1}
        revealed_only = made(**sealed, wanted={"secret.revealed"})
        assert self.told(store, revealed_only) == [("c", b"0"), ("o", b"0"), ("r", b"1")]
        # Without the list (a receipt from before it existed), every event may be wanted.
        assert self.told(store, made(**sealed)) == [("c", b"1"), ("o", b"1"), ("r", b"1")]
        assert self.told(store, made()) == [("c", b"0"), ("o", b"0"), ("r", b"0")]
        # Names of no secret event (a request's) want none of a secret's.
        assert self.told(store, made(**sealed, wanted={"request.answered"})) == [("c", b"0"), ("o", b"0"), ("r", b"0")]

    def test_an_expiry_is_recorded_once_whoever_sees_it_first(self, store: Store) -> None:
        swept = store.create(BLOB, LINK, AUTH, ttl=1, views=1, has_code=True, deliver=True)
        read = store.create(BLOB, LINK, AUTH, ttl=1, views=1, has_code=True, deliver=True)
        tag = store.script_keys(swept.id)[2]
        assert store.client.zscore(store.script_keys(swept.id)[3], swept.id) == swept.expires_at
        wait_until(lambda: store.client.exists(store.keys(swept.id)[0]) == 0 and
                   store.client.exists(store.keys(read.id)[0]) == 0)
        assert swept.id in store.due(store.script_keys(swept.id)[3].split("{")[1].split("}")[0], int(time.time()) + 1)
        assert store.settle_expiry(swept.id) == 2 and store.settle_expiry(swept.id) == 0
        assert store.receipt(read.id).newly_expired_unread is True
        assert store.settle_expiry(read.id) == 0
        for made in (swept, read):
            events = store.receipt(made.id).events
            assert [e.type for e in events] == ["secret.created", "secret.expired"]
            assert events[-1].at == made.expires_at
            assert [e.split(",")[0] for e in self.stream(store, made.id)] == ["c", "x"]
        assert tag.endswith(":ev")

    def test_delivery_states_are_set_and_never_create_a_receipt(self, store: Store) -> None:
        from app.store import Delivery

        sid = store.create(BLOB, LINK, AUTH, ttl=600, views=1, has_code=True, deliver=True,
                           seal_targets=lambda _: b"sealed", target_count=2).id
        assert store.targets(sid) == b"sealed"
        assert store.set_delivery(sid, 1, Delivery("delivered", 1, "200")) is True
        assert store.receipt(sid).deliveries == [Delivery("pending", 0, ""), Delivery("delivered", 1, "200")]
        store.client.delete(store.keys(sid)[1])
        assert store.set_delivery(sid, 0, Delivery("failed", 6, "503")) is False
        assert store.client.exists(store.keys(sid)[1]) == 0
