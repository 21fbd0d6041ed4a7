"""The accounts contract (app/store/accounts.py), written once and run against every backend.

A backend's test module subclasses :class:`AccountsContract` and provides a ``redis_client``
fixture (fakeredis, a real redis-server, a Redis Cluster). Time the store reads is a settable
clock; only a token's own expiry is Redis's real TTL, waited for by polling.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest

from app.core.identity import digest, is_api_token, user_key
from app.core.protocol import b64u_encode, new_id, sha256
from app.store import Store
from app.store.accounts import CREATE_GRACE, Accounts

ALICE, BOB = "alice@example.com", "bob@example.com"
INDEX_TTL = 3 * 24 * 3600


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def fresh_id() -> str:
    return b64u_encode(new_id())


class AccountsContract:
    """Behaviour every backend must show."""

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def accounts(self, redis_client: Any, clock: Clock) -> Accounts:
        return Accounts(redis_client, prefix=f"blacc{secrets.token_hex(4)}", index_ttl=INDEX_TTL, clock=clock)

    def stored(self, accounts: Accounts, email: str) -> bytes:
        """Every byte kept for ``email``'s sessions and tokens, for looking for what must not be there."""
        client, keys = accounts.client, [accounts._user(email, "sess"), accounts._user(email, "tok")]
        found = [repr(client.smembers(keys[0])).encode(), repr(client.hgetall(keys[1])).encode()]
        return b"".join(found)

    # --- sessions ---------------------------------------------------------------------------

    def test_a_session_round_trips_under_its_digest_only(self, accounts: Accounts) -> None:
        sid = secrets.token_urlsafe(32)
        data = {"email": ALICE, "sub": "u-1", "csrf": "c" * 20, "exp": time.time() + 600}
        accounts.save_session(sid, data, 600)
        assert accounts.load_session(sid) == data
        assert accounts.session_key(sid).endswith(digest(sid)) and sid not in accounts.session_key(sid)
        assert 0 < accounts.client.ttl(accounts.session_key(sid)) <= 600
        assert sid.encode() not in self.stored(accounts, ALICE)
        assert accounts.load_session(secrets.token_urlsafe(32)) is None

    def test_signing_out_ends_one_session(self, accounts: Accounts) -> None:
        first, second = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        for sid in (first, second):
            accounts.save_session(sid, {"email": ALICE}, 600)
        accounts.end_session(first)
        assert accounts.load_session(first) is None and accounts.load_session(second) == {"email": ALICE}
        assert accounts.end_sessions(ALICE) == 1

    def test_an_admin_ends_every_session_of_one_creator_and_no_other(self, accounts: Accounts) -> None:
        alices = [secrets.token_urlsafe(32) for _ in range(3)]
        bobs = secrets.token_urlsafe(32)
        for sid in alices:
            accounts.save_session(sid, {"email": ALICE}, 600)
        accounts.save_session(bobs, {"email": BOB}, 600)
        pending = secrets.token_urlsafe(32)
        accounts.save_session(pending, {"state": "oidc round trip"}, 600)  # nobody's yet
        assert accounts.end_sessions(ALICE) == 3
        assert all(accounts.load_session(sid) is None for sid in alices)
        assert accounts.load_session(bobs) == {"email": BOB} and accounts.load_session(pending) is not None
        assert accounts.end_sessions(ALICE) == 0

    # --- API tokens -------------------------------------------------------------------------

    def test_a_token_acts_for_its_owner_and_only_its_digest_is_kept(self, accounts: Accounts, clock: Clock) -> None:
        token, record = accounts.issue_token(ALICE, "ci", 3600)
        assert is_api_token(token) and record.name == "ci"
        assert record.created == int(clock.now) and record.expires == int(clock.now) + 3600
        assert accounts.token_owner(token) == ALICE
        assert accounts.tokens(ALICE) == [record] and accounts.tokens(BOB) == []
        assert token.encode() not in self.stored(accounts, ALICE)
        assert token.encode() not in repr(accounts.client.hgetall(f"{accounts.prefix}:tok:{digest(token)}")).encode()
        assert accounts.token_owner("blt_" + "A" * 43) is None

    def test_tokens_are_listed_newest_first(self, accounts: Accounts, clock: Clock) -> None:
        _, old = accounts.issue_token(ALICE, "old", 3600)
        clock.now += 10
        _, new = accounts.issue_token(ALICE, "new", 3600)
        assert [t.name for t in accounts.tokens(ALICE)] == ["new", "old"] and new.id != old.id

    def test_a_revoked_token_acts_for_nobody(self, accounts: Accounts) -> None:
        token, record = accounts.issue_token(ALICE, "ci", 3600)
        keep, _ = accounts.issue_token(ALICE, "laptop", 3600)
        assert accounts.revoke_token(BOB, record.id) is False  # not Bob's to revoke
        assert accounts.token_owner(token) == ALICE
        assert accounts.revoke_token(ALICE, record.id) is True
        assert accounts.token_owner(token) is None and [t.name for t in accounts.tokens(ALICE)] == ["laptop"]
        assert accounts.revoke_token(ALICE, record.id) is False
        assert accounts.token_owner(keep) == ALICE

    def test_offboarding_revokes_every_token_of_one_creator(self, accounts: Accounts) -> None:
        alices = [accounts.issue_token(ALICE, f"t{i}", 3600)[0] for i in range(3)]
        bobs, _ = accounts.issue_token(BOB, "ci", 3600)
        assert accounts.revoke_tokens(ALICE) == 3
        assert [accounts.token_owner(t) for t in alices] == [None] * 3 and accounts.tokens(ALICE) == []
        assert accounts.token_owner(bobs) == BOB

    def test_a_token_expires_with_its_redis_ttl_and_leaves_the_list(self, accounts: Accounts, clock: Clock) -> None:
        token, _ = accounts.issue_token(ALICE, "short", 1)
        lasting, _ = accounts.issue_token(ALICE, "long", 3600)
        assert accounts.token_owner(token) == ALICE
        wait_until(lambda: accounts.token_owner(token) is None)
        assert accounts.token_owner(lasting) == ALICE
        clock.now += 2
        assert [t.name for t in accounts.tokens(ALICE)] == ["long"]

    # --- the index of what each creator made -----------------------------------------------------

    def test_the_index_lists_newest_first_and_forgets(self, accounts: Accounts, clock: Clock) -> None:
        ids = [fresh_id() for _ in range(3)]
        for sid in ids:
            accounts.remember(ALICE, sid)
            clock.now += 5
        accounts.remember(BOB, fresh_id())
        made = accounts.made_by(ALICE)
        assert [sid for sid, _ in made] == ids[::-1]
        assert [created for _, created in made] == sorted((created for _, created in made), reverse=True)
        accounts.forget(ALICE, [ids[1]])
        accounts.forget(ALICE, [])
        assert [sid for sid, _ in accounts.made_by(ALICE)] == [ids[2], ids[0]]
        assert len(accounts.made_by(BOB)) == 1

    def test_the_index_is_case_blind_and_keeps_addresses_out_of_key_names(self, accounts: Accounts) -> None:
        sid = fresh_id()
        accounts.remember(ALICE, sid)
        assert [s for s, _ in accounts.made_by(ALICE.upper())] == [sid]
        key = accounts._user(ALICE, "idx")
        assert user_key(ALICE) in key and "alice" not in key and "example" not in key

    def test_index_entries_end_with_the_receipts_they_point_at(self, accounts: Accounts, clock: Clock) -> None:
        old, new = fresh_id(), fresh_id()
        accounts.remember(ALICE, old)
        assert 0 < accounts.client.ttl(accounts._user(ALICE, "idx")) <= INDEX_TTL
        clock.now += INDEX_TTL - 60
        accounts.remember(ALICE, new)
        clock.now += 120
        assert [sid for sid, _ in accounts.made_by(ALICE)] == [new]

    def test_the_store_writes_the_index_entry_before_the_secret(self, accounts: Accounts, redis_client: Any) -> None:
        store = Store(redis_client, prefix=accounts.prefix, max_failures=5, receipt_retention=86400)
        seen: list[tuple[str, bool]] = []

        def remember(sid: str) -> None:
            accounts.remember(ALICE, sid)
            seen.append((sid, bool(redis_client.exists(store.keys(sid)[1]))))

        made = store.create(b"\x00" * 64, sha256(b"link"), sha256(b"auth"), ttl=600, views=1, has_code=False,
                            creator=ALICE, label="db", kind="text", remember=remember)
        assert seen == [(made.id, False)]  # indexed while the secret did not exist yet
        assert [sid for sid, _ in accounts.made_by(ALICE)] == [made.id]
        receipt = store.receipt(made.id)
        assert (receipt.creator, receipt.label, receipt.kind) == (ALICE, "db", "text")
        assert CREATE_GRACE > 0
