"""app/server/curl.py, the curl mode: server-side encryption for a shell that only has curl.

Its ttl parser is also held (with Hypothesis) to PROTOCOL.md's grammar and the configured range.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from app.core.errors import InvalidInput
from app.server.curl import parse_ttl
from tests.support.api import problem

JSON = {"Accept": "application/json"}


def create_text(client: FlaskClient, body: bytes | str, query: str = "", **headers: Any) -> Any:
    return client.post(f"/api/v1/secrets{query}", data=body, content_type="text/plain", headers=headers)


def split_link(link: str) -> tuple[str, str]:
    parsed = links.parse_link(link)
    return parsed.secret_id, p.b64u_encode(parsed.key)


def test_text_plain_create_answers_lines_with_the_link_first(client: FlaskClient) -> None:
    response = create_text(client, "db password: hunter2\n", "?ttl=90m&views=2&access_code=1")
    assert response.status_code == 201 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert re.fullmatch(r"http://localhost/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}", lines[0])
    assert re.fullmatch(r"access code: [0-9A-Z]{5}-[0-9A-Z]{5}", lines[1])
    assert lines[2].startswith("expires: ") and lines[3].startswith("manage token: ")
    sid, _ = split_link(lines[0])
    assert response.headers["Location"] == f"/api/v1/secrets/{sid}"


def test_round_trip_keeps_the_body_exactly(client: FlaskClient) -> None:
    secret = "line one\r\nline two\n\n  ünïcödé 🔐\n"
    data = create_text(client, secret.encode(), **JSON).get_json()
    sid, key = split_link(data["link"])
    response = client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == secret
    assert response.headers["Cache-Control"] == "no-store"
    assert client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}).status_code == 404


def test_json_answer_when_asked(client: FlaskClient) -> None:
    data = create_text(client, "x", "?access_code=1", **JSON).get_json()
    assert set(data) == {"id", "url", "link", "access_code", "expires_at", "views", "manage_token"}
    assert data["link"].startswith(data["url"] + "#")


def test_secret_made_by_curl_opens_with_the_protocol(client: FlaskClient) -> None:
    data = create_text(client, "opens anywhere", "?access_code=1", **JSON).get_json()
    parsed = links.parse_link(data["link"])
    keys = p.derive_keys(parsed.key, data["access_code"].lower().replace("-", " "))
    body = {"link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}
    blob = p.b64u_decode(client.post(f"/api/v1/secrets/{parsed.secret_id}/reveal", json=body).get_json()["ciphertext"])
    assert payloads.open_blob(blob, parsed.key, keys=keys) == {"v": 1, "kind": "text", "text": "opens anywhere"}


def test_a_code_is_needed_and_a_missing_one_costs_no_try(client: FlaskClient) -> None:
    data = create_text(client, "guarded", "?access_code=1", **JSON).get_json()
    sid, key = split_link(data["link"])
    assert problem(client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}), 400, "invalid_field")["field"] == "access_code"
    wrong = problem(client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key, "access_code": "AAAAA-AAAAA"}), 403,
                    "wrong_access_code")
    assert wrong["attempts_left"] == 4
    response = client.post(f"/api/v1/secrets/{sid}/reveal", json={"key": key, "access_code": data["access_code"]})
    assert response.get_data(as_text=True) == "guarded"


def test_form_secret_and_a_file_upload(client: FlaskClient) -> None:
    csv = b"User name,Password,Access key ID,Secret access key\nbob,,AKIAIOSFODNN7EXAMPLE,abc\n"
    data = client.post(
        "/api/v1/secrets", data={"file": (io.BytesIO(csv), "credentials.csv"), "ttl": "1h"},
        content_type="multipart/form-data", headers=JSON,
    ).get_json()
    sid, key = split_link(data["link"])
    response = client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key})
    assert response.data == csv
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "credentials.csv" in response.headers["Content-Disposition"]

    data = client.post("/api/v1/secrets", data={"secret": "from a form"}, headers=JSON).get_json()
    sid, key = split_link(data["link"])
    assert client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}).get_data(as_text=True) == "from a form"


def test_text_and_a_file_come_back_as_payload_json(client: FlaskClient) -> None:
    data = client.post("/api/v1/secrets", data={"secret": "note", "file": (io.BytesIO(b"\x00\x01"), "a.bin")},
                       content_type="multipart/form-data", headers=JSON).get_json()
    sid, key = split_link(data["link"])
    payload = client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}).get_json()
    assert payload["text"] == "note" and payloads.file_data(payload["files"][0]) == b"\x00\x01"


def test_file_names_are_reduced_to_a_base_name(client: FlaskClient) -> None:
    data = client.post("/api/v1/secrets", data={"file": (io.BytesIO(b"x"), "../../etc/passwd")},
                       content_type="multipart/form-data", headers=JSON).get_json()
    sid, key = split_link(data["link"])
    disposition = client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}).headers["Content-Disposition"]
    assert "passwd" in disposition and ".." not in disposition and "/" not in disposition


@pytest.mark.parametrize("ttl,seconds", [("3600", 3600), ("90m", 5400), ("1h", 3600), ("7d", 604800), ("60s", 60)])
def test_ttl_forms(client: FlaskClient, ttl: str, seconds: int) -> None:
    data = create_text(client, "x", f"?ttl={ttl}", **JSON).get_json()
    token = data["manage_token"]
    receipt = client.get(f"/api/v1/secrets/{data['id']}/receipt", headers={"Authorization": f"Bearer {token}"})
    from datetime import datetime

    expires = datetime.strptime(receipt.get_json()["expires_at"], "%Y-%m-%dT%H:%M:%SZ").timestamp()
    created = datetime.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%SZ").timestamp()
    assert expires == created
    assert abs(created - datetime.utcnow().timestamp() - seconds) < 5


@pytest.mark.parametrize("query", ["?ttl=0", "?ttl=1w", "?ttl=8d", "?ttl=59", "?ttl=01h", "?views=0", "?views=x",
                                   "?access_code=maybe"])
def test_bad_options(client: FlaskClient, query: str) -> None:
    problem(create_text(client, "x", query), 400, "invalid_field")


def test_unknown_query_parameter(client: FlaskClient) -> None:
    assert problem(create_text(client, "x", "?colour=red"), 400, "unknown_field")["field"] == "colour"


def test_body_that_is_not_utf8(client: FlaskClient) -> None:
    assert problem(create_text(client, b"\xff\xfe binary"), 400, "invalid_field")["field"] == "body"


def test_empty_upload(client: FlaskClient) -> None:
    problem(client.post("/api/v1/secrets", data={"ttl": "1h"}), 400, "invalid_field")


def test_key_and_code_in_the_query_string_are_refused(client: FlaskClient) -> None:
    data = create_text(client, "x", **JSON).get_json()
    sid, key = split_link(data["link"])
    assert problem(client.post(f"/api/v1/secrets/{sid}/reveal?key={key}", data={}), 400, "invalid_field")["field"] == "key"
    response = client.post(f"/api/v1/secrets/{sid}/reveal?access_code=x", data={"key": key})
    assert problem(response, 400, "invalid_field")["field"] == "access_code"
    assert client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": key}).status_code == 200


def test_mixing_key_with_proofs_is_refused(client: FlaskClient) -> None:
    data = create_text(client, "x", **JSON).get_json()
    sid, key = split_link(data["link"])
    response = client.post(f"/api/v1/secrets/{sid}/reveal", json={"key": key, "link": "A" * 43})
    problem(response, 400, "invalid_field")


def test_a_wrong_key_is_simply_not_found(client: FlaskClient) -> None:
    data = create_text(client, "x", **JSON).get_json()
    sid, _ = split_link(data["link"])
    problem(client.post(f"/api/v1/secrets/{sid}/reveal", data={"key": p.b64u_encode(b"k" * 32)}), 404, "not_found")


def test_too_large_upload(make_app: Any) -> None:
    client = make_app(max_blob=2000).test_client()
    problem(create_text(client, "x" * 3000), 413, "too_large")


# --- ttl ------------------------------------------------------------------------------------

TTL_GRAMMAR = re.compile(r"[1-9][0-9]*[smhd]?")  # PROTOCOL.md: ^[1-9][0-9]*[smhd]?$
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TTL_TEXT = st.one_of(
    st.text(alphabet="0123456789smhdwSM -+._\n\u0660\uff11", max_size=14),
    st.text(max_size=12),
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**12), st.sampled_from(["", "s", "m", "h", "d", "w", "ms"])),
)


def reference_ttl(text: str, low: int, high: int) -> int | None:
    if not TTL_GRAMMAR.fullmatch(text):
        return None
    seconds = int(text[:-1]) * UNITS[text[-1]] if text[-1] in UNITS else int(text)
    return seconds if low <= seconds <= high else None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # parse_ttl only reads the app's config
@given(text=TTL_TEXT)
@example(text="60")
@example(text="7d")
@example(text="10081m")  # one minute past 7 days
@example(text="1\n")  # a trailing newline: `$` would let it through, fullmatch does not
@example(text="\u0661\u0662\u0660m")  # Arabic-Indic digits: int() reads them, the grammar does not
def test_parse_ttl_agrees_with_the_grammar_and_the_range(text: str, app: Flask) -> None:
    config = app.config["BURNLINK"]
    expected = reference_ttl(text, config.ttl_min, config.ttl_max)
    with app.app_context():
        try:
            seconds = parse_ttl(text)
        except InvalidInput as err:
            assert err.field == "ttl"
            assert expected is None
            return
    assert seconds == expected
