"""The request API on fakeredis: the happy path, and what a hostile link, server or client can do."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core import request as rq
from app.core.protocol import b64u_decode, b64u_encode
from app.core.wire import ANSWER_HEADER, INBOX_HEADER
from app.store import RequestStore
from tests.support.api import make_secret, problem
from tests.support.asks import API, ask


def stored(app: Flask, rid: str) -> dict[bytes, bytes]:
    store: RequestStore = app.extensions["burnlink"].requests
    return store.client.hgetall(store.keys(rid)[0])


def test_create_answers_urls_expiry_and_token(client: FlaskClient) -> None:
    asked = ask(client, ttl=3600)
    created = asked.created
    assert set(created) == {"id", "url", "inbox_url", "expires_at", "manage_token"}
    assert created["url"] == f"http://localhost/r/{asked.rid}"
    assert created["inbox_url"] == f"http://localhost/r/{asked.rid}/inbox"


def test_round_trip_opens_with_the_inbox_key(client: FlaskClient) -> None:
    asked = ask(client)
    seen = client.get(f"{API}/{asked.rid}", headers=asked.answer_headers())
    assert seen.status_code == 200
    view = seen.get_json()
    assert view["state"] == "open" and view["note"] == "Stripe key for billing"
    rq.verify_note(asked.keys.q, asked.rid, view["note"], b64u_decode(view["note_mac"]))
    assert client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body()).status_code == 204
    status = client.get(f"{API}/{asked.rid}/inbox", headers=asked.inbox_headers()).get_json()
    assert status["state"] == "answered" and "answered_at" in status
    read = client.post(f"{API}/{asked.rid}/inbox", json={"inbox": asked.inbox})
    assert read.status_code == 200
    payload = rq.open_answer(b64u_decode(read.get_json()["ciphertext"]), asked.keys, asked.rid)
    assert payload["text"] == "sk_live_123"
    problem(client.post(f"{API}/{asked.rid}/inbox", json={"inbox": asked.inbox}), 404, "not_found")
    events = client.get(f"{API}/{asked.rid}/receipt", headers={"Authorization": f"Bearer {asked.token}"}).get_json()
    assert events["state"] == "read"
    assert [e["type"] for e in events["events"]] == ["request.created", "request.opened", "request.answered",
                                                      "request.read"]


def test_the_server_keeps_no_key_or_proof(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body())
    values = b"".join(stored(app, asked.rid).values())
    for secret in (asked.keys.d, asked.keys.q, rq.answer_proof(asked.keys.q), rq.inbox_proof(asked.keys.d)):
        assert secret not in values


def test_an_altered_public_key_cannot_answer_and_the_request_stays_open(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    other = rq.new_request_keys()  # what a link whose key was swapped would derive
    wrong = b64u_encode(rq.answer_proof(other.q))
    before = stored(app, asked.rid)
    problem(client.get(f"{API}/{asked.rid}", headers={ANSWER_HEADER: wrong}), 404, "not_found")
    sealed = rq.seal_answer({"v": 1, "kind": "text", "text": "x"}, other.q, asked.rid)
    problem(client.post(f"{API}/{asked.rid}/answer", json={"answer": wrong, "ciphertext": b64u_encode(sealed)}),
            404, "not_found")
    assert stored(app, asked.rid) == before
    assert client.get(f"{API}/{asked.rid}/inbox", headers=asked.inbox_headers()).get_json()["state"] == "open"


def test_a_replayed_answer_and_a_second_answer_are_409(client: FlaskClient) -> None:
    asked = ask(client)
    body = asked.answer_body()
    assert client.post(f"{API}/{asked.rid}/answer", json=body).status_code == 204
    problem(client.post(f"{API}/{asked.rid}/answer", json=body), 409, "already_answered")
    problem(client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body({"v": 1, "kind": "text", "text": "2"})),
            409, "already_answered")
    read = client.post(f"{API}/{asked.rid}/inbox", json={"inbox": asked.inbox}).get_json()
    assert rq.open_answer(b64u_decode(read["ciphertext"]), asked.keys, asked.rid)["text"] == "sk_live_123"
    problem(client.post(f"{API}/{asked.rid}/answer", json=body), 409, "already_answered")



@pytest.mark.parametrize("lang,sentence", [
    ("en", "This request has already been answered; it takes one answer."),
    ("de", "Diese Anfrage wurde bereits beantwortet; sie nimmt nur eine Antwort an."),
])
def test_the_409_says_already_answered_in_the_readers_language(client: FlaskClient, lang: str, sentence: str) -> None:
    asked = ask(client)
    assert client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body()).status_code == 204
    again = client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body(), headers={"Accept-Language": lang})
    assert problem(again, 409, "already_answered")["detail"] == sentence


def test_a_wrong_inbox_proof_is_404_and_spends_nothing(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body())
    before = stored(app, asked.rid)
    for wrong in (asked.answer, b64u_encode(bytes(32)), "not-base64!"):
        problem(client.post(f"{API}/{asked.rid}/inbox", json={"inbox": wrong}),
                400 if wrong == "not-base64!" else 404, "invalid_field" if wrong == "not-base64!" else "not_found")
        problem(client.get(f"{API}/{asked.rid}/inbox", headers={INBOX_HEADER: wrong}), 404, "not_found")
    assert stored(app, asked.rid) == before
    assert client.post(f"{API}/{asked.rid}/inbox", json={"inbox": asked.inbox}).status_code == 200


def test_the_note_is_set_once_by_the_inbox_holder_only(client: FlaskClient) -> None:
    asked = ask(client, note=None)
    assert client.get(f"{API}/{asked.rid}", headers=asked.answer_headers()).get_json()["note"] is None
    mac = b64u_encode(rq.note_mac(asked.keys.q, asked.rid, "hi"))
    note = f"{API}/{asked.rid}/note"
    problem(client.put(note, json={"note": "hi", "note_mac": mac}, headers=asked.answer_headers()), 404, "not_found")
    problem(client.put(note, json={"note": "x" * 501, "note_mac": mac}, headers=asked.inbox_headers()), 400, "invalid_field")
    assert client.put(note, json={"note": "hi", "note_mac": mac}, headers=asked.inbox_headers()).status_code == 204
    problem(client.put(note, json={"note": "other", "note_mac": mac}, headers=asked.inbox_headers()), 400, "invalid_field")


def test_a_note_altered_on_the_server_fails_its_mac(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    store: RequestStore = app.extensions["burnlink"].requests
    store.client.hset(store.keys(asked.rid)[0], "n", "AWS root keys for billing")
    view = client.get(f"{API}/{asked.rid}", headers=asked.answer_headers()).get_json()
    with pytest.raises(rq.InvalidInput):
        rq.verify_note(asked.keys.q, asked.rid, view["note"], b64u_decode(view["note_mac"]))


def test_manage_token_reads_the_receipt_and_burns(client: FlaskClient) -> None:
    asked = ask(client)
    client.post(f"{API}/{asked.rid}/answer", json=asked.answer_body())
    auth = {"Authorization": f"Bearer {asked.token}"}
    problem(client.get(f"{API}/{asked.rid}/receipt"), 401, "unauthorized")
    secret_token = make_secret(client).token
    problem(client.get(f"{API}/{asked.rid}/receipt", headers={"Authorization": f"Bearer {secret_token}"}), 403, "forbidden")
    problem(client.get(f"/api/v1/secrets/{asked.rid}/receipt", headers=auth), 403, "forbidden")
    deleted = client.delete(f"{API}/{asked.rid}", headers=auth)
    assert deleted.status_code == 204 and "Content-Type" not in deleted.headers
    assert client.get(f"{API}/{asked.rid}/receipt", headers=auth).get_json()["state"] == "burned"
    problem(client.post(f"{API}/{asked.rid}/inbox", json={"inbox": asked.inbox}), 404, "not_found")
    problem(client.get(f"{API}/{asked.rid}", headers=asked.answer_headers()), 404, "not_found")


@pytest.mark.parametrize("change", [
    {"ttl": 10}, {"answer_verifier": "short"}, {"views": 2},
])
def test_create_refuses_bad_members(client: FlaskClient, change: dict[str, Any]) -> None:
    body = {"answer_verifier": b64u_encode(bytes(32)), "inbox_verifier": b64u_encode(bytes(32)), **change}
    code = "unknown_field" if "views" in change else "invalid_field"
    problem(client.post(API, json=body), 400, code)


def test_strict_edges(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    problem(client.get(f"{API}/{asked.rid}?answer={asked.answer}", headers=asked.answer_headers()), 400, "unknown_field")
    problem(client.post(API, data="{}", content_type="text/plain"), 415, "unsupported_media_type")
    problem(client.post(f"{API}/{asked.rid}/answer", data='{"answer": "a", "answer": "b"}',
                        content_type="application/json"), 400, "invalid_json")
    problem(client.get(f"{API}/not-an-id", headers=asked.answer_headers()), 404, "not_found")
    limit = app.config["BURNLINK"].max_blob
    problem(client.post(f"{API}/{asked.rid}/answer", json={"answer": asked.answer, "ciphertext": "A" * (limit * 2)}),
            413, "too_large")
    problem(client.post(f"{API}/{asked.rid}/answer", json={"answer": asked.answer, "ciphertext": b64u_encode(bytes(40))}),
            400, "invalid_field")
