"""app/server/observability.py: JSON access logs that never hold a secret, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from tests.support.api import make_secret

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
