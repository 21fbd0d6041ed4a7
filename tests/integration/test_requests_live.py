"""Requests through the production entry point (gunicorn, 2 workers) on a real redis-server."""

from __future__ import annotations

from collections import Counter

import requests

from app.core import request as rq
from app.core.protocol import b64u_decode
from tests.support import GunicornProcess
from tests.support.api import storm
from tests.support.asks import API, ask


class Http:
    """``requests`` with a timeout, in the shape tests/support/asks.py takes."""

    def post(self, url: str, **kwargs: object) -> requests.Response:
        return requests.post(url, timeout=10, **kwargs)  # type: ignore[arg-type]

    def put(self, url: str, **kwargs: object) -> requests.Response:
        return requests.put(url, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_fifty_parallel_inbox_reads_get_the_answer_once(live_server: GunicornProcess) -> None:
    base = live_server.url
    asked = ask(Http(), base=base)
    answered = requests.post(f"{base}{API}/{asked.rid}/answer", json=asked.answer_body(), timeout=10)
    assert answered.status_code == 204, answered.text
    counts = storm(f"{base}{API}/{asked.rid}/inbox", [{"inbox": asked.inbox}] * 50)
    assert counts == Counter({200: 1, 404: 49}), counts
    receipt = requests.get(f"{base}{API}/{asked.rid}/receipt", headers={"Authorization": f"Bearer {asked.token}"},
                           timeout=10).json()
    assert receipt["state"] == "read"
    assert [e["type"] for e in receipt["events"]].count("request.read") == 1


def test_fifty_parallel_answers_land_once(live_server: GunicornProcess) -> None:
    base = live_server.url
    asked = ask(Http(), base=base)
    bodies = [asked.answer_body({"v": 1, "kind": "text", "text": f"answer {i}"}) for i in range(50)]
    counts = storm(f"{base}{API}/{asked.rid}/answer", bodies)
    assert counts == Counter({204: 1, 409: 49}), counts
    read = requests.post(f"{base}{API}/{asked.rid}/inbox", json={"inbox": asked.inbox}, timeout=10).json()
    assert rq.open_answer(b64u_decode(read["ciphertext"]), asked.keys, asked.rid)["text"].startswith("answer ")
