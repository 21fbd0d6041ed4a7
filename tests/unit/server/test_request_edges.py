"""Odd requests at the edge: chunked bodies, bodies that come too slowly or end early, OPTIONS."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import create_body, problem


def chunked(client: FlaskClient, body: bytes, path: str = "/api/v1/secrets") -> Any:
    """POST ``body`` as a chunked request: no Content-Length, a stream the server terminates."""
    return client.post(path, input_stream=io.BytesIO(body), headers={"Content-Type": "application/json",
                                                                     "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_an_oversized_chunked_json_body_is_413(app: Flask) -> None:
    limit = app.config["BURNLINK"].max_body
    body = b'{"ciphertext": "' + b"A" * limit + b'"}'
    problem(chunked(app.test_client(), body), 413, "too_large")


def test_a_chunked_body_within_the_limit_is_read_as_usual(app: Flask) -> None:
    import json

    body, _ = create_body(code=None)
    response = chunked(app.test_client(), json.dumps(body).encode())
    assert response.status_code == 201, response.get_data(as_text=True)


class Trickle(io.RawIOBase):
    """A body that arrives one byte at a time, ``pause`` seconds apart."""

    def __init__(self, data: bytes, pause: float) -> None:
        self.data, self.pause = data, pause

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        time.sleep(self.pause)
        byte, self.data = self.data[:1], self.data[1:]
        return byte


def test_a_body_that_comes_too_slowly_is_408(make_app: Any) -> None:
    app = make_app(body_timeout=0.3)
    body, _ = create_body(code=None)
    data = str(body).encode()
    response = app.test_client().post("/api/v1/secrets", content_type="application/json",
                                      environ_overrides={"wsgi.input": Trickle(data, 0.05), "CONTENT_LENGTH": str(len(data))})
    assert problem(response, 408, "http_error")["detail"] == "The request body did not arrive in time; send it again."
    assert app.extensions["burnlink"].client.keys("*") == []


def test_a_body_that_ends_early_is_400(app: Flask) -> None:
    response = app.test_client().post("/api/v1/secrets", content_type="application/json",
                                      environ_overrides={"wsgi.input": io.BytesIO(b'{"ciphertext": "AAAA'), "CONTENT_LENGTH": "500"})
    problem(response, 400, "bad_request")


@pytest.mark.parametrize(("path", "allowed"), [
    ("/api/v1/secrets", {"POST"}),
    (f"/api/v1/secrets/{'A' * 22}", {"GET", "HEAD", "DELETE"}),
    (f"/api/v1/secrets/{'A' * 22}/reveal", {"POST"}),
    ("/api/v1/openapi.json", {"GET", "HEAD"}),
    ("/healthz", {"GET", "HEAD"}),
])
def test_options_under_the_api_is_a_405_problem_document(client: FlaskClient, path: str, allowed: set[str]) -> None:
    response = client.open(path, method="OPTIONS")
    problem(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
