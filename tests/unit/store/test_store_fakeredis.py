"""The store contract on fakeredis (with Lua, as the embedded store runs it)."""

from __future__ import annotations

import fakeredis
import pytest

from tests.support.store_contract import StoreContract


class TestStoreOnFakeRedis(StoreContract):
    @pytest.fixture
    def redis_client(self) -> fakeredis.FakeRedis:
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
