"""Making and reading secrets through the API the way a zero-knowledge client does.

Two ways in: a Flask test client (:func:`make_secret`, :func:`post_create`, :func:`problem`)
and plain HTTP against a running server (:func:`post_secret`, :func:`create`, :func:`reveal`,
:func:`receipt`, :func:`storm`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests

from app.core import payload as payloads
from app.core import protocol as p

CODE = "7K4MQ-2XR9D"  # the access code of every secret made here, unless the caller passes another (or None)


@dataclass
class Made:
    id: str
    key: bytes
    code: str | None
    link: str  # b64u link proof
    auth: str  # b64u auth proof
    token: str
    response: Any

    def reveal_body(self, auth: str | None = None) -> dict[str, str]:
        return {"link": self.link, "auth": auth or self.auth}


def create_body(payload: dict | None = None, code: str | None = CODE, **extra: Any) -> tuple[dict, p.Sealed]:
    key = p.new_key()
    keys = p.derive_keys(key, code)
    blob = p.seal(payloads.encode_payload(payload or payloads.make_payload(text="hunter2")), keys.enc_key)
    sealed = p.Sealed(key, code, blob, keys.link_verifier, keys.auth_verifier)
    _KEYS[(key, code)] = keys
    body = {
        "ciphertext": p.b64u_encode(sealed.blob),
        "link_verifier": p.b64u_encode(sealed.link_verifier),
        "auth_verifier": p.b64u_encode(sealed.auth_verifier),
        "has_code": code is not None,
        **extra,
    }
    return body, sealed


_KEYS: dict[tuple[bytes, str | None], p.Keys] = {}


def made_from(sealed: p.Sealed, response: Any, data: dict) -> Made:
    # PBKDF2's 600,000 rounds are the slow part of every test; derive once per secret.
    keys = _KEYS.pop((sealed.key, sealed.code), None) or p.derive_keys(sealed.key, sealed.code)
    return Made(data["id"], sealed.key, sealed.code, p.b64u_encode(keys.link), p.b64u_encode(keys.auth),
                data["manage_token"], response)


def make_secret(client: Any, payload: dict | None = None, code: str | None = CODE, **extra: Any) -> Made:
    """Create through a Flask test client; asserts 201."""
    body, sealed = create_body(payload, code, **extra)
    response = client.post("/api/v1/secrets", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return made_from(sealed, response, response.get_json())


def post_create(client: Any, **changes: Any) -> Any:
    """POST a valid create body with ``changes`` applied, through a Flask test client."""
    body, _ = create_body()
    body.update(changes)
    return client.post("/api/v1/secrets", json=body)


def problem(response: Any, status: int, code: str) -> dict:
    """Assert a Flask response is the RFC 9457 problem document ``status``/``code``; its members."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["code"] == code and body["type"] == "about:blank"
    assert body["title"] == HTTPStatus(status).phrase
    assert isinstance(body["detail"], str) and body["detail"].strip() != ""
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# --- over HTTP, against a running server -------------------------------------------------------


def post_secret(base_url: str, payload: dict | None = None, code: str | None = CODE, session: Any = requests,
                **extra: Any) -> tuple[Made, p.Sealed]:
    """Create through HTTP; asserts 201. The sealed secret comes back too, to compare ciphertexts."""
    body, sealed = create_body(payload, code, **extra)
    response = session.post(f"{base_url}/api/v1/secrets", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return made_from(sealed, response, response.json()), sealed


def create(base_url: str, code: str | None = CODE, **extra: Any) -> Made:
    """A text secret, "the one secret", created through HTTP; asserts 201."""
    return post_secret(base_url, payloads.make_payload(text="the one secret"), code, **extra)[0]


def reveal(base_url: str, made: Made, session: Any = requests) -> requests.Response:
    return session.post(f"{base_url}/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(), timeout=10)


def receipt(base_url: str, made: Made) -> dict:
    """The receipt, read with the secret's manage token; asserts 200."""
    response = requests.get(f"{base_url}/api/v1/secrets/{made.id}/receipt",
                            headers={"Authorization": f"Bearer {made.token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def assert_opens_once(base_url: str, made: Made) -> None:
    """The next reveal of a one-view-left secret answers 200, the one after it 404."""
    first = reveal(base_url, made)
    assert first.status_code == 200, first.text
    assert reveal(base_url, made).status_code == 404


def storm(url: str, bodies: list[dict]) -> Counter:
    """POST every body at once (a barrier releases all threads together); count the statuses."""
    barrier = threading.Barrier(len(bodies))

    def one(body: dict) -> int:
        session = requests.Session()
        barrier.wait()
        return session.post(url, json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return Counter(pool.map(one, bodies))


def race_for_views(base_url: str, views: int, readers: int) -> tuple[Counter, float]:
    """``readers`` parallel reveals of a fresh ``views``-view secret: exactly ``views`` of them open it,
    and the receipt lists each of those views. The statuses and the seconds the race took come back,
    to be printed."""
    made = create(base_url, views=views)
    started = time.perf_counter()
    counts = storm(f"{base_url}/api/v1/secrets/{made.id}/reveal", [made.reveal_body()] * readers)
    seconds = time.perf_counter() - started
    assert counts == Counter({200: views, 404: readers - views}), counts
    seen = receipt(base_url, made)
    assert seen["state"] == "viewed" and seen["views_left"] == 0 and len(seen["viewed_at"]) == views, seen
    return counts, seconds
