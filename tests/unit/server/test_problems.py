"""app/server/problems.py: the framework's errors, a Redis that does not answer and an unexpected
exception all leave as RFC 9457 problem documents, never as a trace."""

from __future__ import annotations

from typing import Any

import redis
from flask.testing import FlaskClient

from tests.support import free_port
from tests.support.api import post_create, problem


def test_method_not_allowed_is_a_problem_document(client: FlaskClient) -> None:
    response = client.put("/api/v1/secrets")
    problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_storage_down_is_503_not_500(make_app: Any) -> None:
    broken = redis.Redis(port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2)
    client = make_app(redis_client=broken).test_client()
    for response in (post_create(client), client.get("/readyz"),
                     client.post(f"/api/v1/secrets/{'A' * 22}/reveal", json={"link": "A" * 43, "auth": "A" * 43})):
        problem(response, 503, "storage_unavailable")
        assert int(response.headers["Retry-After"]) > 0


def test_an_unexpected_error_is_a_problem_document_without_a_trace(make_app: Any) -> None:
    app = make_app()

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret-looking detail that must not leak")

    app.extensions["burnlink"].store.create = explode  # type: ignore[method-assign]
    response = post_create(app.test_client())
    problem(response, 500, "internal_error")
    assert b"secret-looking" not in response.data
