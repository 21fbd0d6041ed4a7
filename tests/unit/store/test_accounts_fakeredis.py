"""The accounts contract on fakeredis."""

from __future__ import annotations

import fakeredis
import pytest

from tests.support.accounts_contract import AccountsContract


class TestAccountsOnFakeRedis(AccountsContract):
    @pytest.fixture
    def redis_client(self) -> fakeredis.FakeRedis:
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
