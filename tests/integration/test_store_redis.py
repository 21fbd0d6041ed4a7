"""The store contract on a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from tests.support.accounts_contract import AccountsContract
from tests.support.request_contract import RequestContract
from tests.support.store_contract import StoreContract


class TestStoreOnRedis(StoreContract):
    @pytest.fixture
    def redis_client(self, redis_url: str) -> Iterator[redis.Redis]:
        client = redis.Redis.from_url(redis_url)
        yield client
        client.close()


class TestRequestsOnRedis(RequestContract):
    @pytest.fixture
    def redis_client(self, redis_url: str) -> Iterator[redis.Redis]:
        client = redis.Redis.from_url(redis_url)
        yield client
        client.close()


class TestAccountsOnRedis(AccountsContract):
    @pytest.fixture
    def redis_client(self, redis_url: str) -> Iterator[redis.Redis]:
        client = redis.Redis.from_url(redis_url)
        yield client
        client.close()
