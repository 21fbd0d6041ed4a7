"""The JSON API on fakeredis: what a client relies on, and each bad input on its own."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core import payload as payloads
from app.core import protocol as p
from tests.support.api import create_body, make_secret, post_create, problem

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def stored(app: Flask, sid: str) -> tuple:
    """The raw secret record and its receipt; ``(None, {...})`` once the secret has ended."""
    services = app.extensions["burnlink"]
    secret_key, receipt_key = services.store.keys(sid)
    return services.client.get(secret_key), services.client.hgetall(receipt_key)


# --- the happy paths ----------------------------------------------------------------------------


def test_create_answers_201_with_location_url_and_token(client: FlaskClient) -> None:
    made = make_secret(client, views=2, ttl=3600)
    data = made.response.get_json()
    assert set(data) == {"id", "url", "expires_at", "views", "manage_token"}
    assert made.response.headers["Location"] == f"/api/v1/secrets/{made.id}"
    assert data["url"] == f"http://localhost/s/{made.id}" and data["views"] == 2
    assert TIME.match(data["expires_at"])
    assert len(p.b64u_decode(made.id)) == 16


def test_base_url_setting_is_used_for_links(make_app: Any) -> None:
    client = make_app(base_url="https://secrets.example.com/").test_client()
    made = make_secret(client)
    assert made.response.get_json()["url"] == f"https://secrets.example.com/s/{made.id}"


def test_metadata_consumes_nothing(client: FlaskClient) -> None:
    made = make_secret(client)
    for _ in range(3):
        response = client.get(f"/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link})
        assert response.status_code == 200
        assert response.get_json()["has_code"] is True and response.get_json()["views_left"] == 1
    assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200


def test_reveal_gives_the_ciphertext_once(client: FlaskClient) -> None:
    payload = payloads.make_payload("aws-access-key", fields={"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "x" * 40})
    made = make_secret(client, payload)
    response = client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body())
    assert response.status_code == 200 and response.get_json()["views_left"] == 0
    blob = p.b64u_decode(response.get_json()["ciphertext"])
    assert payloads.open_blob(blob, made.key, made.code) == payload
    problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()), 404, "not_found")


def test_reveal_accepts_a_form_body(client: FlaskClient) -> None:
    made = make_secret(client)
    assert client.post(f"/api/v1/secrets/{made.id}/reveal", data=made.reveal_body()).status_code == 200


def test_wrong_code_counts_and_the_fifth_destroys(client: FlaskClient, app: Flask) -> None:
    made = make_secret(client)
    wrong = p.b64u_encode(p.derive_keys(made.key, "WRONG-CODE1").auth)
    left = [problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(wrong)), 403,
                    "wrong_access_code")["attempts_left"] for _ in range(5)]
    assert left == [4, 3, 2, 1, 0]
    assert stored(app, made.id)[0] is None
    problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()), 404, "not_found")
    receipt = client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {made.token}"})
    assert receipt.get_json()["state"] == "destroyed"


def test_receipt_and_burn(client: FlaskClient) -> None:
    made = make_secret(client, views=2)
    auth = {"Authorization": f"Bearer {made.token}"}
    receipt = client.get(f"/api/v1/secrets/{made.id}/receipt", headers=auth).get_json()
    assert receipt["state"] == "waiting" and receipt["views_left"] == 2 and receipt["viewed_at"] == []
    client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body())
    receipt = client.get(f"/api/v1/secrets/{made.id}/receipt", headers=auth).get_json()
    assert receipt["state"] == "viewed" and receipt["views_left"] == 1 and TIME.match(receipt["viewed_at"][0])
    assert client.delete(f"/api/v1/secrets/{made.id}", headers=auth).status_code == 204
    assert client.delete(f"/api/v1/secrets/{made.id}", headers=auth).status_code == 204
    problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()), 404, "not_found")
    receipt = client.get(f"/api/v1/secrets/{made.id}/receipt", headers=auth).get_json()
    assert receipt == {**receipt, "state": "burned", "views_left": 0}


def test_health_and_ready(client: FlaskClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").get_json()["status"] == "ok"


# --- bad input, each its own test ------------------------------------------------------------------


def test_malformed_json(client: FlaskClient) -> None:
    problem(client.post("/api/v1/secrets", data=b'{"ciphertext": ', content_type="application/json"), 400, "invalid_json")


def test_json_that_is_not_an_object(client: FlaskClient) -> None:
    problem(client.post("/api/v1/secrets", data=b"[1, 2]", content_type="application/json"), 400, "invalid_json")


def test_json_with_a_duplicate_member(client: FlaskClient) -> None:
    body, _ = create_body()
    raw = json.dumps(body)[:-1] + ', "views": 1, "views": 2}'
    problem(client.post("/api/v1/secrets", data=raw, content_type="application/json"), 400, "invalid_json")


def test_json_that_is_not_utf8(client: FlaskClient) -> None:
    problem(client.post("/api/v1/secrets", data=b'{"a": "\xff"}', content_type="application/json"), 400, "invalid_json")


def test_wrong_content_type(client: FlaskClient) -> None:
    problem(client.post("/api/v1/secrets", data="<x/>", content_type="application/xml"), 415, "unsupported_media_type")


def test_reveal_refuses_text_plain(client: FlaskClient) -> None:
    made = make_secret(client)
    response = client.post(f"/api/v1/secrets/{made.id}/reveal", data="x", content_type="text/plain")
    problem(response, 415, "unsupported_media_type")


def test_unknown_member(client: FlaskClient) -> None:
    assert problem(post_create(client, colour="red"), 400, "unknown_field")["field"] == "colour"


@pytest.mark.parametrize(
    "value",
    ["A" * 42 + "==", "AAAA AAAA" * 5, "AA+/" * 10, "A" * 41, "A" * 42 + "B"],
    ids=["padded", "white space", "standard alphabet", "length 1 mod 4", "trailing bits"],
)
def test_bad_base64url_ciphertext(client: FlaskClient, value: str) -> None:
    assert problem(post_create(client, ciphertext=value), 400, "invalid_field")["field"] == "ciphertext"


def test_padded_verifier(client: FlaskClient) -> None:
    body, _ = create_body()
    assert problem(post_create(client, link_verifier=body["link_verifier"] + "="), 400, "invalid_field")["field"] == "link_verifier"


def test_verifier_of_the_wrong_length(client: FlaskClient) -> None:
    short = p.b64u_encode(b"x" * 31)
    assert problem(post_create(client, auth_verifier=short), 400, "invalid_field")["field"] == "auth_verifier"


def test_missing_verifier(client: FlaskClient) -> None:
    body, _ = create_body()
    del body["link_verifier"]
    assert problem(client.post("/api/v1/secrets", json=body), 400, "invalid_field")["field"] == "link_verifier"


@pytest.mark.parametrize("field,value", [("ttl", True), ("views", False), ("ttl", 3600.0), ("views", "1"), ("ttl", None)])
def test_integers_must_be_json_integers(client: FlaskClient, field: str, value: Any) -> None:
    assert problem(post_create(client, **{field: value}), 400, "invalid_field")["field"] == field


def test_has_code_must_be_a_boolean(client: FlaskClient) -> None:
    assert problem(post_create(client, has_code=1), 400, "invalid_field")["field"] == "has_code"


def test_ciphertext_shorter_than_iv_and_tag(client: FlaskClient) -> None:
    assert problem(post_create(client, ciphertext=p.b64u_encode(b"x" * 27)), 400, "invalid_field")["field"] == "ciphertext"


@pytest.mark.parametrize("field,value", [("ttl", 59), ("ttl", 604801), ("views", 0), ("views", 101), ("ttl", 10**30)])
def test_ttl_and_views_out_of_range(client: FlaskClient, field: str, value: int) -> None:
    assert problem(post_create(client, **{field: value}), 400, "invalid_field")["field"] == field


def test_blob_over_the_limit(make_app: Any) -> None:
    client = make_app(max_blob=1000).test_client()
    response = post_create(client, ciphertext=p.b64u_encode(b"x" * 1001))
    problem(response, 413, "too_large")


def test_body_over_the_limit_is_refused_before_reading(make_app: Any) -> None:
    from werkzeug.test import EnvironBuilder

    app = make_app(max_blob=1000)

    class Endless:
        """A 50 MiB body that records how much of it the server reads."""

        def __init__(self) -> None:
            self.sent = 0

        def read(self, size: int = -1) -> bytes:
            chunk = b"A" * (size if 0 < size < 65536 else 65536)
            self.sent += len(chunk)
            return chunk

        readline = read

    body = Endless()
    environ = EnvironBuilder(path="/api/v1/secrets", method="POST", content_type="application/json").get_environ()
    environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(50 * 1024 * 1024)})
    response = app.response_class(*_run(app, environ))
    problem(response, 413, "too_large")
    assert body.sent < 1024 * 1024


def _run(app: Flask, environ: dict) -> tuple[bytes, str, list]:
    from werkzeug.test import run_wsgi_app

    app_iter, status, headers = run_wsgi_app(app.wsgi_app, environ)
    return b"".join(app_iter), status, list(headers.items())


def test_unknown_id_everywhere(client: FlaskClient) -> None:
    made = make_secret(client)
    for sid in ("A" * 22, "not-an-id", "A" * 23, "%00"):
        problem(client.get(f"/api/v1/secrets/{sid}", headers={"X-Burnlink-Link": made.link}), 404, "not_found")
        problem(client.post(f"/api/v1/secrets/{sid}/reveal", json=made.reveal_body()), 404, "not_found")


def test_metadata_with_a_wrong_or_absent_link_proof_is_not_found(client: FlaskClient) -> None:
    made = make_secret(client)
    for headers in ({}, {"X-Burnlink-Link": "junk"}, {"X-Burnlink-Link": p.b64u_encode(b"y" * 32)}):
        problem(client.get(f"/api/v1/secrets/{made.id}", headers=headers), 404, "not_found")


def test_wrong_link_proof_on_reveal_counts_nothing(client: FlaskClient, app: Flask) -> None:
    made = make_secret(client)
    before = stored(app, made.id)
    bad = {"link": p.b64u_encode(b"z" * 32), "auth": p.b64u_encode(b"z" * 32)}
    problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=bad), 404, "not_found")
    assert stored(app, made.id) == before


def test_wrong_auth_proof_counts_one_try_and_keeps_the_secret(client: FlaskClient, app: Flask) -> None:
    made = make_secret(client)
    body = problem(client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body(p.b64u_encode(b"q" * 32))), 403,
                   "wrong_access_code")
    assert body["attempts_left"] == 4
    assert stored(app, made.id)[1][b"f"] == b"1"
    assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200


def test_reveal_with_a_malformed_proof(client: FlaskClient, app: Flask) -> None:
    made = make_secret(client)
    before = stored(app, made.id)
    response = client.post(f"/api/v1/secrets/{made.id}/reveal", json={"link": made.link, "auth": "short"})
    assert problem(response, 400, "invalid_field")["field"] == "auth"
    assert stored(app, made.id) == before


def test_reveal_with_unknown_member(client: FlaskClient) -> None:
    made = make_secret(client)
    response = client.post(f"/api/v1/secrets/{made.id}/reveal", json={**made.reveal_body(), "extra": 1})
    assert problem(response, 400, "unknown_field")["field"] == "extra"


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer not.a.token", "Bearer WyJ4IiwxXQ.awU3Sw.forged"])
def test_receipt_without_a_usable_token(client: FlaskClient, header: str | None) -> None:
    made = make_secret(client)
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/api/v1/secrets/{made.id}/receipt", headers=headers)
    problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem(client.delete(f"/api/v1/secrets/{made.id}", headers=headers), 401, "unauthorized")
    assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200


def test_token_signed_with_another_key_is_forged(client: FlaskClient, make_app: Any) -> None:
    made = make_secret(client)
    other = make_app(secret_key="another-key").extensions["burnlink"].tokens.issue(made.id, 2**31)
    problem(client.get(f"/api/v1/secrets/{made.id}/receipt", headers={"Authorization": f"Bearer {other}"}), 401,
            "unauthorized")


def test_expired_token(client: FlaskClient, app: Flask) -> None:
    made = make_secret(client)
    expired = app.extensions["burnlink"].tokens.issue(made.id, 1_000_000_000)
    problem(client.delete(f"/api/v1/secrets/{made.id}", headers={"Authorization": f"Bearer {expired}"}), 401, "unauthorized")


def test_token_of_another_secret_is_forbidden(client: FlaskClient) -> None:
    first, second = make_secret(client), make_secret(client)
    headers = {"Authorization": f"Bearer {first.token}"}
    problem(client.get(f"/api/v1/secrets/{second.id}/receipt", headers=headers), 403, "forbidden")
    problem(client.delete(f"/api/v1/secrets/{second.id}", headers=headers), 403, "forbidden")
    assert client.post(f"/api/v1/secrets/{second.id}/reveal", json=second.reveal_body()).status_code == 200


def test_valid_token_for_an_unknown_secret(client: FlaskClient, app: Flask) -> None:
    token = app.extensions["burnlink"].tokens.issue("D" * 22, 2**31)
    problem(client.get(f"/api/v1/secrets/{'D' * 22}/receipt", headers={"Authorization": f"Bearer {token}"}), 404, "not_found")


def test_proofs_in_the_query_string_are_refused(client: FlaskClient) -> None:
    made = make_secret(client)
    response = client.post(f"/api/v1/secrets/{made.id}/reveal?auth={made.auth}", json={"link": made.link})
    assert problem(response, 400, "invalid_field")["field"] == "auth"
    assert client.post(f"/api/v1/secrets/{made.id}/reveal", json=made.reveal_body()).status_code == 200

