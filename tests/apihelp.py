"""Making and reading secrets through the API the way a zero-knowledge client does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core import payload as payloads
from app.core import protocol as p


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


def create_body(payload: dict | None = None, code: str | None = "7K4MQ-2XR9D", **extra: Any) -> tuple[dict, p.Sealed]:
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


def make_secret(client: Any, payload: dict | None = None, code: str | None = "7K4MQ-2XR9D", **extra: Any) -> Made:
    """Create through a Flask test client; asserts 201."""
    body, sealed = create_body(payload, code, **extra)
    response = client.post("/api/v1/secrets", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return made_from(sealed, response, response.get_json())
