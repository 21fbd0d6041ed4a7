"""Where links point: BASE_URL, else a listed host; never a request header's host in production."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from flask import Flask

from tests.support.api import create_body, problem

PRODUCTION = {"env": "production", "secret_key": secrets.token_urlsafe(48)}
EVIL = "attacker.example"


def create(app: Flask, **headers: str) -> Any:
    body, _ = create_body(code=None)
    return app.test_client().post("/api/v1/secrets", json=body, headers=headers)


def curl_create(app: Flask, **headers: str) -> Any:
    return app.test_client().post("/api/v1/secrets", data="x", headers={"Content-Type": "text/plain",
                                                                        "Accept": "application/json", **headers})


def stored(app: Flask) -> int:
    return len(app.extensions["burnlink"].client.keys("*"))


@pytest.mark.parametrize("send", [create, curl_create])
def test_production_with_base_url_ignores_host_and_forwarded_host(make_app: Any, send: Any) -> None:
    app = make_app(base_url="https://secrets.example.com/", trusted_proxies=1, **PRODUCTION)
    response = send(app, Host=EVIL, **{"X-Forwarded-Host": EVIL})
    assert response.status_code == 201
    data = response.get_json()
    assert data["url"].startswith("https://secrets.example.com/s/")
    assert "link" not in data or data["link"].startswith("https://secrets.example.com/s/")
    assert EVIL not in response.get_data(as_text=True)


@pytest.mark.parametrize("send", [create, curl_create])
def test_production_with_allowed_hosts_refuses_other_hosts_before_storing(make_app: Any, send: Any) -> None:
    app = make_app(allowed_hosts=("secrets.example.com",), **PRODUCTION)
    body = problem(send(app, Host=EVIL), 400, "bad_request")
    assert "host" in body["detail"] and EVIL not in body["detail"]
    assert stored(app) == 0  # nothing was kept for a link that could not be made
    response = send(app, Host="secrets.example.com")
    assert response.status_code == 201 and response.get_json()["url"].startswith("http://secrets.example.com/s/")


def test_forwarded_host_is_ignored_without_trusted_proxies(make_app: Any) -> None:
    app = make_app(allowed_hosts=("secrets.example.com",), **PRODUCTION)
    response = create(app, Host="secrets.example.com", **{"X-Forwarded-Host": EVIL})
    assert response.status_code == 201 and response.get_json()["url"].startswith("http://secrets.example.com/s/")
    problem(create(app, Host=EVIL, **{"X-Forwarded-Host": "secrets.example.com"}), 400, "bad_request")


def test_a_listed_host_through_a_trusted_proxy(make_app: Any) -> None:
    app = make_app(allowed_hosts=(".example.com",), trusted_proxies=1, **PRODUCTION)
    response = create(app, Host="10.0.0.5:8000", **{"X-Forwarded-Host": "burn.example.com", "X-Forwarded-Proto": "https"})
    assert response.status_code == 201 and response.get_json()["url"].startswith("https://burn.example.com/s/")
    problem(create(app, Host="10.0.0.5:8000", **{"X-Forwarded-Host": EVIL}), 400, "bad_request")


def test_outside_production_links_follow_the_host_as_before(make_app: Any) -> None:
    response = create(make_app(), Host="dev.localhost:8000")
    assert response.status_code == 201 and response.get_json()["url"].startswith("http://dev.localhost:8000/s/")
