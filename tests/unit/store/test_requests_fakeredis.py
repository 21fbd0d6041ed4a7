"""The request store's contract on fakeredis (with Lua, as the embedded store runs it)."""

from __future__ import annotations

import fakeredis
import pytest

from tests.support.request_contract import RequestContract


class TestRequestsOnFakeRedis(RequestContract):
    @pytest.fixture
    def redis_client(self) -> fakeredis.FakeRedis:
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
