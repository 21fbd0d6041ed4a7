"""Fixtures the integration modules share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cluster import RedisCluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisCluster]:
    """A real 3-primary Redis Cluster on free loopback ports, for one test module."""
    running = RedisCluster().start()
    yield running
    running.stop()
