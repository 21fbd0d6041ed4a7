"""Fixtures shared by every suite.

``app``/``client``: the Flask app on fakeredis (with Lua). ``redis_url``: a
real, private redis-server. ``live_server``: real gunicorn against it.
Under CI=true a missing redis-server or Chromium fails; nothing is skipped.

Markers follow the directory (see :func:`pytest_collection_modifyitems`), so
``pytest -m "not integration"`` runs only what needs no server process.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.config import Config, load_config
from app.server import create_app
from tests.support import ROOT, GunicornProcess, RedisProcess

TEST_ENV = {"BURNLINK_ENV": "testing", "SECRET_KEY": "unit-test-secret-key", "BURNLINK_RATE_LIMITS": "0"}


def testing_config(**overrides: Any) -> Config:
    """A testing config, independent of the caller's environment."""
    return load_config(TEST_ENV, **overrides)


@pytest.fixture
def make_app() -> Callable[..., Flask]:
    """Build an app on a fresh fakeredis; keyword arguments override config fields."""

    def factory(redis_client: Any = None, **overrides: Any) -> Flask:
        client = redis_client if redis_client is not None else fakeredis.FakeRedis(server=fakeredis.FakeServer())
        app = create_app(testing_config(**overrides), redis_client=client)
        app.testing = True
        return app

    return factory


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis: $BURNLINK_TEST_REDIS_URL if given, else a private redis-server.

    Tests use their own key prefix, so even a shared server is never flushed.
    """
    given = os.environ.get("BURNLINK_TEST_REDIS_URL")
    if given:
        yield given
        return
    server = RedisProcess().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(redis_url: str) -> Iterator[GunicornProcess]:
    """gunicorn (2 workers) with the shipped gunicorn.conf.py against ``redis_url``."""
    server = GunicornProcess(redis_url, workers=2, env={"BURNLINK_KEY_PREFIX": f"bltest{secrets.token_hex(3)}"}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def make_app_once() -> Flask:
    """One fakeredis app for a whole module (Hypothesis forbids function-scoped fixtures in @given)."""
    app = create_app(testing_config(), redis_client=fakeredis.FakeRedis(server=fakeredis.FakeServer()))
    app.testing = True
    return app


# The markers each top-level test directory carries: what its tests need started for them.
# The CLI and browser suites drive a real gunicorn on a real redis-server, so they are integration too.
DIRECTORY_MARKERS = {
    "integration": ("integration",),
    "cli": ("integration",),
    "browser": ("browser", "integration"),
}
TESTS = ROOT / "tests"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(TESTS):
            for name in DIRECTORY_MARKERS.get(item.path.relative_to(TESTS).parts[0], ()):
                item.add_marker(name)
