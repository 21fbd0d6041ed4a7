"""Issue 5 on fakeredis: headers on every route, rate limits, trusted proxies, logs, metrics."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.server.headers import PAGE_CSP
from tests.apihelp import make_secret
from tests.unit.test_api import problem

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
        path = rule.rule.replace("<sid>", made.id).replace("<path:filename>", "css/app.css")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests.append((method, path, {"headers": {"Authorization": f"Bearer {made.token}", "X-Burnlink-Link": made.link}}))
    requests += [("GET", "/no/such/page", {}), ("GET", "/api/v1/nothing", {}), ("GET", "/s/not-an-id", {})]
    return requests


def test_security_headers_on_every_route(app: Flask) -> None:
    client = app.test_client()
    made = make_secret(client)
    seen = 0
    for method, path, kwargs in every_route(app, make_secret(client)):
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
        if path.startswith("/s/"):
            assert headers["Cache-Control"] == "no-store", path
        seen += 1
    assert seen >= 10
    assert made.id


def test_hsts_only_over_https(client: Any) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    response = client.get("/healthz", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_page_csp_is_the_strict_one() -> None:
    for part in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                 "form-action 'self'", "connect-src 'self'", "img-src 'self' data:"):
        assert part in PAGE_CSP
    assert "unsafe-inline" not in PAGE_CSP and "unsafe-eval" not in PAGE_CSP


# --- rate limits ---------------------------------------------------------------------------------


@pytest.fixture
def limited(make_app: Any) -> Flask:
    return make_app(rate_limits=True, rate_create="3/minute", rate_reveal="5/minute", rate_reveal_secret="2/minute")


def test_creation_is_limited_per_ip(limited: Flask) -> None:
    client = limited.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = client.post("/api/v1/secrets", data="x", content_type="text/plain")
    problem(response, 429, "rate_limited")
    assert 0 < int(response.headers["Retry-After"]) <= 60
    other = client.post("/api/v1/secrets", data="x", content_type="text/plain", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 201


def test_reveals_are_limited_per_secret_and_per_ip(limited: Flask) -> None:
    client = limited.test_client()
    made = make_secret(client, code=None)
    url = f"/api/v1/secrets/{made.id}/reveal"
    wrong = {"link": made.link, "auth": p.b64u_encode(b"w" * 32)}
    assert client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 403
    assert client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 403
    # A third try on the same secret, from a third address, meets the per-secret limit.
    problem(client.post(url, json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.3"}), 429, "rate_limited")
    statuses = [client.post(f"/api/v1/secrets/{'A' * 21}{c}/reveal", json=wrong, environ_base={"REMOTE_ADDR": "10.0.0.4"}).status_code
                for c in "ABCDEFG"]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]


def test_forwarded_for_is_ignored_without_trusted_proxies(limited: Flask) -> None:
    client = limited.test_client()
    statuses = [client.post("/api/v1/secrets", data="x", content_type="text/plain",
                            headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(4)]
    assert statuses[-1] == 429  # a client cannot mint fresh addresses with a header


def test_one_trusted_proxy_hop_is_honoured(make_app: Any) -> None:
    client = make_app(rate_limits=True, rate_create="1/minute", trusted_proxies=1).test_client()
    send = lambda forwarded: client.post("/api/v1/secrets", data="x", content_type="text/plain",  # noqa: E731
                                         headers={"X-Forwarded-For": forwarded}).status_code
    assert send("198.51.100.1") == 201
    assert send("198.51.100.1") == 429
    assert send("198.51.100.2") == 201
    # Only the last hop counts: a client-supplied address in front changes nothing.
    assert send("203.0.113.7, 198.51.100.2") == 429


def test_limits_can_be_switched_off(make_app: Any) -> None:
    client = make_app(rate_limits=False, rate_create="1/minute").test_client()
    assert [client.post("/api/v1/secrets", data="x", content_type="text/plain").status_code for _ in range(3)] == [201] * 3


# --- logs -----------------------------------------------------------------------------------------


def test_logs_never_hold_a_secret(make_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A full create → reveal → receipt → burn, in both modes; then grep every log record."""
    client = make_app().test_client()
    plaintext = "correct-horse-battery-staple-4711"
    with caplog.at_level(logging.DEBUG):
        made = make_secret(client, payloads.make_payload(text=plaintext), code="7K4MQ-2XR9D", views=2)
        client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link})
        client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(p.b64u_encode(b"x" * 32)))
        client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body())
        client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"})
        client.delete(f"/api/v1/secrets/{made.id}", headers={"Authorization": f"Bearer {made.token}"})
        curl = client.post("/api/v1/secrets?access_code=1", data=plaintext, content_type="text/plain",
                           headers={"Accept": "application/json"}).get_json()
        parsed = links.parse_link(curl["link"])
        client.post(f"/api/v1/secrets/{parsed.secret_id}/reveal",
                    data={"key": p.b64u_encode(parsed.key), "access_code": curl["access_code"]})
    text = "\n".join(record.getMessage() for record in caplog.records)
    access = [json.loads(r.getMessage()) for r in caplog.records if r.name == "burnlink.access"]
    assert len(access) == 8 and {"method", "route", "status", "duration_ms", "request_id"} <= set(access[0])
    forbidden = [plaintext, p.b64u_encode(made.key), made.code, "7K4MQ2XR9D", made.link, made.auth, made.token,
                 made.id, p.b64u_encode(parsed.key), curl["access_code"], curl["manage_token"], parsed.secret_id]
    for value in forbidden:
        assert value not in text


# --- metrics --------------------------------------------------------------------------------------


def metric(text: str, name: str) -> float:
    """The value of the sample ``name`` (with its labels) in Prometheus text format."""
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == name:
            return float(value)
    raise AssertionError(f"{name} not in metrics")


def test_metrics_are_off_by_default(client: Any) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_count_the_lifecycle(make_app: Any) -> None:
    client = make_app(metrics=True).test_client()
    first = make_secret(client, code=None)
    client.post(f"/api/v1/secrets/{first.id}/reveal", json=first.reveal_body())
    second = make_secret(client, code=None)
    for _ in range(5):
        client.post(f"/api/v1/secrets/{second.id}/reveal", json=second.reveal_body(p.b64u_encode(b"w" * 32)))
    third = make_secret(client, code=None)
    client.delete(f"/api/v1/secrets/{third.id}", headers={"Authorization": f"Bearer {third.token}"})
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, 'burnlink_events_total{event="created"}') == 3
    assert metric(text, 'burnlink_events_total{event="revealed"}') == 1
    assert metric(text, 'burnlink_events_total{event="wrong_code"}') == 5
    assert metric(text, 'burnlink_events_total{event="destroyed"}') == 1
    assert metric(text, 'burnlink_events_total{event="burned"}') == 1
    assert 'burnlink_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/v1/secrets",status="201"}' in text


def test_expired_unread_is_counted_once(make_app: Any) -> None:
    import time

    client = make_app(metrics=True, ttl_min=1).test_client()
    made = make_secret(client, code=None, ttl=1)
    deadline = time.monotonic() + 10
    while client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}).status_code != 404:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for _ in range(2):
        receipt = client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"})
        assert receipt.get_json()["state"] == "expired"
    assert metric(client.get("/metrics").get_data(as_text=True), 'burnlink_events_total{event="expired_unread"}') == 1


def test_metrics_only_for_configured_networks(make_app: Any) -> None:
    client = make_app(metrics=True).test_client()
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404


def test_pages_render_every_string(client: Any) -> None:
    """Every template string resolves (a dict method such as t.copy would print '<built-in method')."""
    from app.server.pages import strings

    pages = [client.get("/", headers={"Accept": "text/html"}),
             client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "text/html"}),
             client.get("/no/such/page", headers={"Accept": "text/html"})]
    assert [r.status_code for r in pages] == [200, 200, 404]
    for response in pages:
        html = response.get_data(as_text=True)
        assert "built-in method" not in html and "Undefined" not in html
        assert response.mimetype == "text/html"
    assert set(strings()) >= {"copy_label", "reveal_button", "gone_title"}


def test_a_terminal_gets_a_note_not_the_page(client: Any) -> None:
    response = client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "*/*"})
    assert response.mimetype == "text/plain" and "burnlink get" in response.get_data(as_text=True)
    assert "Accept" in response.headers["Vary"] and response.headers["Cache-Control"] == "no-store"
    html = client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html" and "Accept" in html.headers["Vary"]


def test_page_scripts_never_build_markup_from_strings() -> None:
    """Secrets reach the DOM only through textContent: no HTML sinks in our scripts at all."""
    from pathlib import Path

    scripts = sorted((Path(__file__).resolve().parents[2] / "static" / "js").rglob("*.js"))
    assert len(scripts) >= 5
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, f"{script.name} uses {sink}"
