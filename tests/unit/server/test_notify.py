"""Notification targets at creation, events and deliveries in the receipt, client facts."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.notifications.targets import open_targets, sealing_keys
from app.server.notify import agent_family, coarse_address
from tests.support.api import make_secret, problem

WHSEC = "whsec_" + base64.b64encode(b"k" * 32).decode()
WEBHOOK = {"type": "webhook", "url": "https://hooks.example.com/burnlink", "secret": WHSEC}


def receipt(client: Any, made: Any) -> dict:
    response = client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"})
    assert response.status_code == 200
    return response.get_json()


def every_value(app: Flask) -> bytes:
    """Every byte stored in the app's Redis, keys and values."""
    redis = app.extensions["burnlink"].client
    out = b""
    for key in redis.scan_iter("*"):
        kind = redis.type(key)
        out += key
        if kind == b"string":
            out += redis.get(key)
        elif kind == b"hash":
            out += b"".join(k + v for k, v in redis.hgetall(key).items())
        elif kind == b"stream":
            out += b"".join(b"".join(k + v for k, v in m.items()) for _, m in redis.xrange(key))
        elif kind == b"zset":
            out += b"".join(m for m in redis.zrange(key, 0, -1))
    return out


def test_a_webhook_target_is_kept_sealed_and_shown_only_by_type(client: Any, app: Flask) -> None:
    made = make_secret(client, notify=[WEBHOOK, {"type": "slack", "url": "https://hooks.slack.com/services/T/B/x"}])
    body = receipt(client, made)
    assert body["deliveries"] == [{"type": "webhook", "state": "pending", "attempts": 0, "last_status": None},
                                  {"type": "slack", "state": "pending", "attempts": 0, "last_status": None}]
    assert "whsec" not in str(body) and "hooks." not in str(body)
    stored = every_value(app)
    assert WHSEC.encode() not in stored and b"hooks.example.com" not in stored and b"hooks.slack.com" not in stored
    services = app.extensions["burnlink"]
    opened = open_targets(services.store.targets(made.id), services.notifications.keys, made.id)
    assert [t.url for t in opened] == [WEBHOOK["url"], "https://hooks.slack.com/services/T/B/x"]
    assert opened[0].secret == WHSEC and opened[0].events == ("secret.revealed", "secret.destroyed",
                                                              "secret.expired", "secret.burned", "request.answered",
                                                              "request.expired", "request.burned")


def test_sealed_targets_open_only_for_their_own_secret_and_after_a_key_rotation(client: Any, app: Flask) -> None:
    made, other = make_secret(client, notify=[WEBHOOK]), make_secret(client)
    services = app.extensions["burnlink"]
    blob = services.store.targets(made.id)
    assert open_targets(blob, services.notifications.keys, other.id) == []
    rotated = sealing_keys("a brand new key that replaced the old one", [services.config.secret_key])
    assert open_targets(blob, rotated, made.id)[0].url == WEBHOOK["url"]


@pytest.mark.parametrize(("notify", "says"), [
    ([WEBHOOK] * 4, "At most 3"),
    ([{**WEBHOOK, "url": "http://hooks.example.com/x"}], "https"),
    ([{**WEBHOOK, "url": "https://127.0.0.1/x"}], "private"),
    ([{**WEBHOOK, "url": "https://[::1]:8443/x"}], "private"),
    ([{**WEBHOOK, "url": "https://10.1.2.3/x"}], "private"),
    ([{**WEBHOOK, "url": "https://169.254.169.254/latest/meta-data"}], "private"),
    ([{**WEBHOOK, "url": "https://[::ffff:10.0.0.1]/x"}], "private"),
    ([{**WEBHOOK, "url": "https://user:pw@hooks.example.com/x"}], "user name"),
    ([{**WEBHOOK, "secret": "not-a-secret"}], "whsec_"),
    ([{**WEBHOOK, "secret": "whsec_" + base64.b64encode(b"short").decode()}], "24 to 64"),
    ([{**WEBHOOK, "events": ["secret.exploded"]}], "Unknown event"),
    ([{**WEBHOOK, "extra": 1}], "does not take"),
    ([{"type": "slack", "url": "https://evil.example.com/services/x"}], "hooks.slack.com"),
    ([{"type": "email", "to": "alice@example.com"}], "does not send e-mail"),
    ([{"type": "pager"}], "type must be one of"),
    ([{"type": {}, "url": ""}], "type must be one of"),
    ([{"type": ["webhook"]}], "type must be one of"),
    ({"type": "webhook"}, "list"),
    ("[not json", "JSON"),
])
def test_bad_targets_are_refused_at_creation(client: Any, notify: Any, says: str) -> None:
    from tests.support.api import post_create

    body = problem(post_create(client, notify=notify), 400, "invalid_field")
    assert body["field"] == "notify" and says in body["detail"]


def test_the_allow_list_admits_a_private_address_and_http(make_app: Callable[..., Flask]) -> None:
    app = make_app(notify_allow=("127.0.0.1", "10.0.0.0/8"))
    client = app.test_client()
    for url in ("http://127.0.0.1:9/hook", "https://10.9.8.7/hook"):
        make_secret(client, notify=[{**WEBHOOK, "url": url}])
    body = problem(client.post("/api/v1/secrets", json={}), 400, "invalid_field")
    assert body["field"] == "ciphertext"


def test_email_targets_need_smtp_and_an_allowed_domain(make_app: Callable[..., Flask]) -> None:
    from tests.support.api import post_create

    client = make_app(smtp_url="smtp://mail.example.com:587", notify_email_domains=("example.com",)).test_client()
    made = make_secret(client, notify=[{"type": "email", "to": "alice@example.com"}])
    assert receipt(client, made)["deliveries"][0]["type"] == "email"
    body = problem(post_create(client, notify=[{"type": "email", "to": "mallory@elsewhere.example"}]), 400,
                   "invalid_field")
    assert "own domains" in body["detail"]
    for to in ("alice@example.com\r\nBcc: x@example.com", "a@b", "two@example.com,three@example.com"):
        assert problem(post_create(client, notify=[{"type": "email", "to": to}]), 400, "invalid_field")["field"] == "notify"


def test_the_receipt_lists_events_oldest_first(client: Any) -> None:
    made = make_secret(client, views=2)
    client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link})
    client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(auth=made.link))
    client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body())
    events = receipt(client, made)["events"]
    assert [e["type"] for e in events] == ["secret.created", "secret.opened", "secret.wrong_code", "secret.revealed"]
    assert events[2]["attempts_left"] == 4 and events[3]["views_left"] == 1
    assert all("client" not in e for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_client_facts_are_coarse_and_only_when_enabled(make_app: Callable[..., Flask]) -> None:
    client = make_app(client_facts=True).test_client()
    agent = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Mobile Safari/537.36")
    made = make_secret(client)
    client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link, "User-Agent": agent},
               environ_base={"REMOTE_ADDR": "203.0.113.77"})
    events = receipt(client, made)["events"]
    assert events[1]["client"] == {"network": "203.0.113.0/24", "agent": "Chrome on Android"}


@pytest.mark.parametrize(("address", "network"), [("203.0.113.77", "203.0.113.0/24"),
                                                   ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
                                                   ("not an address", "")])
def test_coarse_address(address: str, network: str) -> None:
    assert coarse_address(address) == network


@pytest.mark.parametrize(("agent", "family"), [
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
     "Safari on macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "a bot"),
    ("curl/8.5.0", "curl"),
    ("", "unknown"),
])
def test_agent_family(agent: str, family: str) -> None:
    assert agent_family(agent) == family


def test_curl_mode_takes_notify_in_the_body_only(client: Any) -> None:
    import json

    made = client.post("/api/v1/secrets", data={"secret": "s3cret", "notify": json.dumps([WEBHOOK])},
                       headers={"Accept": "application/json"})
    assert made.status_code == 201
    token = made.get_json()["manage_token"]
    body = client.get(f"/api/v1/secrets/{made.get_json()['id']}/receipt", headers={"Authorization": f"Bearer {token}"})
    assert body.get_json()["deliveries"][0]["type"] == "webhook"
    refused = client.post("/api/v1/secrets?notify=%5B%5D", data=b"s3cret", content_type="text/plain")
    assert problem(refused, 400, "invalid_field")["field"] == "notify"
