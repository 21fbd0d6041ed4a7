"""Requests ("ask for a secret") through the API, the way the CLI and the browser do it.

Works with a Flask test client and with a ``requests`` session against a running server
(both take ``post(url, json=…, headers=…)``); :class:`Asked` holds what the asker keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core import request as rq
from app.core.protocol import b64u_encode
from app.core.wire import ANSWER_HEADER, INBOX_HEADER

API = "/api/v1/requests"


@dataclass
class Asked:
    rid: str
    keys: rq.RequestKeys
    token: str
    created: dict[str, Any]

    @property
    def answer(self) -> str:
        return b64u_encode(rq.answer_proof(self.keys.q))

    @property
    def inbox(self) -> str:
        return b64u_encode(rq.inbox_proof(self.keys.d))

    def answer_headers(self) -> dict[str, str]:
        return {ANSWER_HEADER: self.answer}

    def inbox_headers(self) -> dict[str, str]:
        return {INBOX_HEADER: self.inbox}

    def answer_body(self, payload: dict | None = None) -> dict[str, str]:
        sealed = rq.seal_answer(payload or {"v": 1, "kind": "text", "text": "sk_live_123"}, self.keys.q, self.rid)
        return {"answer": self.answer, "ciphertext": b64u_encode(sealed)}


def _json(response: Any) -> Any:
    return response.get_json() if hasattr(response, "get_json") else response.json()


def ask(http: Any, note: str | None = "Stripe key for billing", base: str = "", **extra: Any) -> Asked:
    """Create a request (and set its note, unless ``note`` is None); asserts 201 and 204."""
    keys = rq.new_request_keys()
    verifiers = rq.request_verifiers(keys)
    body = {"answer_verifier": b64u_encode(verifiers.answer_verifier),
            "inbox_verifier": b64u_encode(verifiers.inbox_verifier), **extra}
    response = http.post(base + API, json=body)
    assert response.status_code == 201, response.text if hasattr(response, "text") else response.get_data()
    created = _json(response)
    asked = Asked(created["id"], keys, created["manage_token"], created)
    if note is not None:
        mac = b64u_encode(rq.note_mac(keys.q, asked.rid, note))
        noted = http.put(f"{base}{API}/{asked.rid}/note", json={"note": note, "note_mac": mac},
                         headers=asked.inbox_headers())
        assert noted.status_code == 204
    return asked
