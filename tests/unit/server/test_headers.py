"""app/server/headers.py: the security headers on every route, the API's and the pages' own."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.server.headers import PAGE_CSP
from tests.support.api import make_secret

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def every_route(app: Flask, made: Any) -> list[tuple[str, str, dict]]:
    """One request for every rule in the url map (so a new route cannot slip past)."""
    requests = []
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<sid>", made.id).replace("<path:filename>", "css/app.css").replace("<tag>", "de")
        path = path.replace("<email>", "alice@example.com").replace("<token_id>", "0123456789abcdef")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests.append((method, path, {"headers": {"Authorization": f"Bearer {made.token}", "X-Burnlink-Link": made.link}}))
    requests += [("GET", "/no/such/page", {}), ("GET", "/api/v1/nothing", {}), ("GET", "/s/not-an-id", {})]
    return requests


def test_security_headers_on_every_route(app: Flask) -> None:
    client = app.test_client()
    made = make_secret(client)
    routes = every_route(app, made)
    # Every placeholder is filled (a new one would be requested literally and only meet the 404 page),
    # and every route that names a secret names this real one: the metadata, reveal, receipt, burn and page.
    assert [path for _, path, _ in routes if "<" in path] == []
    assert sum(made.id in path for _, path, _ in routes) >= 5
    seen = 0
    for method, path, kwargs in routes:
        response = client.open(path, method=method, **kwargs)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin", path
        assert "camera=()" in headers["Permissions-Policy"], path
        assert "Server" not in headers and "Access-Control-Allow-Origin" not in headers, path
        assert "Strict-Transport-Security" not in headers, path  # plain HTTP here
        if path.startswith(("/api/", "/healthz", "/readyz")):
            for name, value in API_HEADERS.items():
                assert headers[name] == value, (path, name)
        else:
            assert headers["Content-Security-Policy"] == PAGE_CSP, path
        if path.startswith(("/s/", "/r/")):
            assert headers["Cache-Control"] == "no-store", path
        seen += 1
    assert seen >= 10


def test_hsts_only_over_https(client: Any) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    response = client.get("/healthz", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_page_csp_is_the_strict_one() -> None:
    for part in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                 "form-action 'self'", "connect-src 'self'", "img-src 'self' data:"):
        assert part in PAGE_CSP
    assert "unsafe-inline" not in PAGE_CSP and "unsafe-eval" not in PAGE_CSP


def test_every_api_response_is_no_store_and_sandboxed(client: FlaskClient) -> None:
    made = make_secret(client)
    responses = [
        made.response,
        client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}),
        client.post("/api/v1/secrets", data="x", content_type="application/xml"),
        client.get("/api/v1/no-such-route"),
        client.get("/api/v1/openapi.json"),
    ]
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Access-Control-Allow-Origin" not in response.headers
