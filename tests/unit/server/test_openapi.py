"""app/server/openapi.json is a valid OpenAPI 3.1 document and tells the truth about the API.

The document is checked three ways: it validates as OpenAPI 3.1; it names exactly
the routes Flask serves; and a table of requests provokes each documented
(path, method, status) on fakeredis (or on a Redis that does not answer, for 503)
and holds every answer to the document: the status is listed for the operation,
the Content-Type is one listed for that status, JSON and text bodies validate
against the listed schemas (JSON Schema 2020-12, $refs resolved through a
referencing Registry), and the listed headers are present and valid.
A coverage test then demands a table row for every documented
(path, method, status) except an explicit allow-list.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate as validate_openapi
from redis.backoff import NoBackoff
from redis.retry import Retry
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from app.core import payload as payloads
from app.core import protocol as p
from app.core import request as rq
from tests.support import ROOT, free_port
from tests.support.asks import Asked, ask

DOC_PATH = ROOT / "app" / "server" / "openapi.json"
DOC: dict[str, Any] = json.loads(DOC_PATH.read_text(encoding="utf-8"))
DOC_URI = "urn:burnlink:openapi"
REGISTRY: Registry = Registry().with_resource(DOC_URI, DRAFT202012.create_resource(DOC))
METHODS = ("get", "put", "post", "delete", "patch")
JSON_TYPES = ("application/json", "application/problem+json")

S = "/api/v1/secrets"
SID = "/api/v1/secrets/{id}"
REVEAL = "/api/v1/secrets/{id}/reveal"
RECEIPT = "/api/v1/secrets/{id}/receipt"

# Documented (path, method, status) that no table row provokes, and why. Keep it short:
# the coverage test fails when an entry here is stale (provoked, or no longer documented).
NOT_PROVOKED: dict[tuple[str, str, str], str] = {
    # The table's apps run with rate limits off; test_rate_limited_matches_document
    # provokes these two with tight limits and checks them against the document.
    (S, "post", "429"): "provoked by test_rate_limited_matches_document",
    (REVEAL, "post", "429"): "provoked by test_rate_limited_matches_document",
    **{(path, method, "429"): "provoked by test_rate_limited_requests_match_document"
       for path, method in (("/api/v1/requests", "post"), ("/api/v1/requests/{id}", "get"), ("/api/v1/requests/{id}/note", "put"),
                            ("/api/v1/requests/{id}/answer", "post"), ("/api/v1/requests/{id}/inbox", "get"),
                            ("/api/v1/requests/{id}/inbox", "post"))},
}


# --- reading the document --------------------------------------------------------------------


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def at(pointer: str) -> Any:
    node: Any = DOC
    for part in pointer.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(pointer: str) -> tuple[str, Any]:
    """Follow OpenAPI-level $refs (responses, headers, parameters) to the object itself."""
    node = at(pointer)
    while isinstance(node, dict) and "$ref" in node and not node["$ref"].startswith(("#/components/schemas/",)):
        pointer = node["$ref"].removeprefix("#")
        node = at(pointer)
    return pointer, node


def response_pointer(path: str, method: str, status: int) -> str | None:
    """Where the document describes ``status`` of (path, method), if it does."""
    responses = DOC["paths"][path][method]["responses"]
    if str(status) not in responses:
        return None
    return deref(f"/paths/{escape(path)}/{method}/responses/{status}")[0]


def schema_check(instance: Any, pointer: str) -> None:
    """Validate ``instance`` against the schema at ``pointer`` in the document."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{DOC_URI}#{pointer}"}, registry=REGISTRY, format_checker=jsonschema.FormatChecker()
    )
    validator.validate(instance)


def schema_accepts(instance: Any, pointer: str) -> bool:
    try:
        schema_check(instance, pointer)
    except jsonschema.ValidationError:
        return False
    return True


def documented_operations() -> set[tuple[str, str, str]]:
    return {
        (path, method, status)
        for path, item in DOC["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        for status in operation["responses"]
    }


# --- the document itself ------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1() -> None:
    validate_openapi(DOC)
    assert DOC["openapi"] == "3.1.0"
    assert DOC["info"]["title"] == "burnlink" and DOC["info"]["version"] == "1"
    assert DOC["servers"] == [{"url": "/"}]


def test_every_response_has_the_standard_headers_and_errors_are_problems() -> None:
    problem = "#/components/schemas/Problem"
    for path, method, status in sorted(documented_operations()):
        _, response = deref(f"/paths/{escape(path)}/{method}/responses/{status}")
        assert response.get("description"), (path, method, status)
        names = {name.lower() for name in response.get("headers", {})}
        assert {"cache-control", "content-security-policy", "x-content-type-options"} <= names, (path, method, status)
        if int(status) >= 400:
            assert list(response["content"]) == ["application/problem+json"], (path, method, status)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema.get("$ref") == problem or {"$ref": problem} in schema.get("allOf", []), (path, method, status)
        if status in ("429", "503"):
            assert "retry-after" in names, (path, method, status)
        if status == "401":
            assert "www-authenticate" in names, (path, method, status)
        if status == "204":
            assert "content" not in response


def test_served_document_is_the_file(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == json.loads(DOC_PATH.read_text(encoding="utf-8"))


def _doc_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``<sid>`` → ``{id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "{" + ("id" if m.group(1) == "sid" else m.group(1)) + "}", rule)


def test_routes_and_document_name_the_same_operations(app: Flask) -> None:
    served = {
        (_doc_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule in ("/healthz", "/readyz")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, item in DOC["paths"].items() for method in item if method in METHODS}
    assert served - documented == set(), "served but not documented"
    assert documented - served == set(), "documented but not served"


# --- a world to make requests in -----------------------------------------------------------------


@dataclass
class Made:
    id: str
    key: bytes
    link: str  # b64u link proof
    auth: str  # b64u auth proof
    token: str

    @property
    def b64key(self) -> str:
        return p.b64u_encode(self.key)


def rand32() -> str:
    return p.b64u_encode(secrets.token_bytes(32))


def rand_id() -> str:
    return p.b64u_encode(p.new_id())


def create_body(payload: dict[str, Any] | None = None, **extra: Any) -> tuple[dict[str, Any], p.Sealed]:
    """A zero-knowledge create body without an access code (no PBKDF2: fast)."""
    sealed = payloads.seal_payload(payload or payloads.make_payload(text="hunter2"))
    body = {
        "ciphertext": p.b64u_encode(sealed.blob),
        "link_verifier": p.b64u_encode(sealed.link_verifier),
        "auth_verifier": p.b64u_encode(sealed.auth_verifier),
        **extra,
    }
    return body, sealed


@dataclass
class World:
    app: Flask
    client: FlaskClient

    def secret(self, payload: dict[str, Any] | None = None, **extra: Any) -> Made:
        body, sealed = create_body(payload, **extra)
        return self._store(body, sealed.key)

    def _store(self, body: dict[str, Any], key: bytes) -> Made:
        response = self.client.post(S, json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        keys = p.derive_keys(key)
        data = response.get_json()
        return Made(data["id"], key, p.b64u_encode(keys.link), p.b64u_encode(keys.auth), data["manage_token"])

    def coded_secret(self) -> Made:
        """``has_code: true`` with verifiers made without a code (the server cannot tell): no PBKDF2."""
        body, sealed = create_body(has_code=True)
        return self._store(body, sealed.key)

    def undecryptable(self) -> Made:
        """Right verifiers for a key, but a blob no key opens."""
        key = p.new_key()
        keys = p.derive_keys(key)
        body = {
            "ciphertext": p.b64u_encode(secrets.token_bytes(64)),
            "link_verifier": p.b64u_encode(keys.link_verifier),
            "auth_verifier": p.b64u_encode(keys.auth_verifier),
        }
        return self._store(body, key)

    def token_for(self, sid: str) -> str:
        """A valid manage token naming ``sid`` (no storage needed)."""
        return self.app.extensions["burnlink"].tokens.issue(sid, int(time.time()) + 3600)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def broken_redis() -> redis.Redis:
    """A client whose every call fails with ConnectionError (nothing listens on the port)."""
    return redis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )


ALICE, ADMIN = "alice@example.com", "root@example.com"
ACCOUNTS: dict[str, Any] = {"trusted_user_header": "X-Forwarded-Email", "trusted_proxy_networks": ("127.0.0.0/8", "::1/128"),
                            "admins": (ADMIN,)}


APPS: dict[str, Callable[[Callable[..., Flask]], Flask]] = {
    "default": lambda make_app: make_app(),
    # max_blob 1024 → bodies over (1024·4+2)//3 + 64 KiB are refused by the framework.
    "small": lambda make_app: make_app(max_blob=1024),
    "down": lambda make_app: make_app(redis_client=broken_redis()),
    # Creators: an authenticating proxy on loopback vouches for them (X-Forwarded-Email); root is an admin.
    "accounts": lambda make_app: make_app(**ACCOUNTS),
    "accounts down": lambda make_app: make_app(redis_client=broken_redis(), **ACCOUNTS),
    "signed-in": lambda make_app: make_app(creators="signed-in", **ACCOUNTS),
    "reveal-only": lambda make_app: make_app(mode="reveal-only"),
    "require code": lambda make_app: make_app(require_code=True),
    "max file": lambda make_app: make_app(max_file=1),
}


# --- the table -----------------------------------------------------------------------------------

Request = dict[str, Any]


@dataclass
class Case:
    name: str
    path: str  # the documented path
    method: str
    status: int
    request: Callable[[World], Request]  # kwargs for FlaskClient.open; "url" defaults to ``path``
    app: str = "default"
    expect: dict[str, Any] = field(default_factory=dict)  # members the JSON body must have
    schema_rejects: bool = False  # the request's JSON body breaks the documented request schema


def _problem_field(f: str, code: str = "invalid_field") -> dict[str, Any]:
    return {"code": code, "field": f}


def _form_create(w: World) -> Request:
    body, _ = create_body()
    return {"data": {**body, "ttl": "3600", "views": "2", "has_code": "false"}}


def _reveal(made: Made, **body: Any) -> Request:
    return {"url": f"{S}/{made.id}/reveal", "json": body}


def _revealed_then_receipt(w: World) -> Request:
    made = w.secret(views=2)
    assert w.client.post(f"{S}/{made.id}/reveal", json={"link": made.link, "auth": made.auth}).status_code == 200
    return {"url": f"{S}/{made.id}/receipt", "headers": w.bearer(made.token)}


def _burned_then_delete(w: World) -> Request:
    made = w.secret()
    assert w.client.delete(f"{S}/{made.id}", headers=w.bearer(made.token)).status_code == 204
    return {"url": f"{S}/{made.id}", "headers": w.bearer(made.token)}


def _other_token(w: World, path: str) -> Request:
    mine, other = w.secret(), w.secret()
    return {"url": path.format(id=mine.id), "headers": w.bearer(other.token)}


def _no_receipt(w: World, path: str) -> Request:
    sid = rand_id()
    return {"url": path.format(id=sid), "headers": w.bearer(w.token_for(sid))}


def _curl_payload(payload: dict[str, Any]) -> Callable[[World], Request]:
    def build(w: World) -> Request:
        made = w.secret(payload)
        return _reveal(made, key=made.b64key)

    return build


Q = "/api/v1/requests"
QID = "/api/v1/requests/{id}"
QNOTE = "/api/v1/requests/{id}/note"
QANSWER = "/api/v1/requests/{id}/answer"
QINBOX = "/api/v1/requests/{id}/inbox"
QRECEIPT = "/api/v1/requests/{id}/receipt"


def _asked(w: World) -> Asked:
    return ask(w.client)


def _answered(w: World) -> Asked:
    asked = ask(w.client)
    assert w.client.post(f"{Q}/{asked.rid}/answer", json=asked.answer_body()).status_code == 204
    return asked


def _request_body() -> dict[str, Any]:
    return {"answer_verifier": rand32(), "inbox_verifier": rand32(), "ttl": 3600}


def _note(asked: Asked, note: str = "hi") -> Request:
    mac = p.b64u_encode(rq.note_mac(asked.keys.q, asked.rid, note))
    return {"url": f"{Q}/{asked.rid}/note", "json": {"note": note, "note_mac": mac}, "headers": asked.inbox_headers()}


def _request_cases() -> list[Case]:
    return [
        Case("request create", Q, "post", 201, lambda w: {"json": _request_body()}),
        Case("request create 400", Q, "post", 400, lambda w: {"json": {**_request_body(), "views": 1}},
             expect=_problem_field("views", "unknown_field"), schema_rejects=True),
        Case("request create 413", Q, "post", 413, lambda w: {"data": b" " * 80_000, "content_type": "application/json"},
             app="small", expect={"code": "too_large"}),
        Case("request create 415", Q, "post", 415, lambda w: {"data": b"x", "content_type": "text/plain"},
             expect={"code": "unsupported_media_type"}),
        Case("request create 503", Q, "post", 503, lambda w: {"json": _request_body()}, app="down"),
        Case("request open", QID, "get", 200,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}", "headers": a.answer_headers()}, expect={"state": "open"}),
        Case("request open 400 query", QID, "get", 400,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}", "headers": a.answer_headers(), "query_string": {"x": "1"}},
             expect=_problem_field("x", "unknown_field")),
        Case("request open 404 wrong proof", QID, "get", 404,
             lambda w: {"url": f"{Q}/{_asked(w).rid}", "headers": {"X-Burnlink-Answer": rand32()}}, expect={"code": "not_found"}),
        Case("request open 503", QID, "get", 503,
             lambda w: {"url": f"{Q}/{rand_id()}", "headers": {"X-Burnlink-Answer": rand32()}}, app="down"),
        Case("request note", QNOTE, "put", 204, lambda w: _note(ask(w.client, note=None))),
        Case("request note 400 twice", QNOTE, "put", 400, lambda w: _note(_asked(w)), expect=_problem_field("note")),
        Case("request note 404 answer proof", QNOTE, "put", 404,
             lambda w: {**_note(a := ask(w.client, note=None)), "headers": a.answer_headers()}, expect={"code": "not_found"}),
        Case("request answer", QANSWER, "post", 204,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}/answer", "json": a.answer_body()}),
        Case("request answer 400", QANSWER, "post", 400,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}/answer", "json": {"answer": a.answer}},
             expect=_problem_field("ciphertext"), schema_rejects=True),
        Case("request answer 404 wrong proof", QANSWER, "post", 404,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}/answer", "json": {**a.answer_body(), "answer": rand32()}},
             expect={"code": "not_found"}),
        Case("request answer 409", QANSWER, "post", 409,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/answer", "json": a.answer_body()},
             expect={"code": "already_answered"}),
        Case("request answer 413", QANSWER, "post", 413,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}/answer",
                        "json": {"answer": a.answer, "ciphertext": p.b64u_encode(secrets.token_bytes(2000))}},
             app="small", expect={"code": "too_large"}),
        Case("request inbox status", QINBOX, "get", 200,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/inbox", "headers": a.inbox_headers()},
             expect={"state": "answered"}),
        Case("request inbox status 404", QINBOX, "get", 404,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/inbox", "headers": a.answer_headers()}),
        Case("request inbox read", QINBOX, "post", 200,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/inbox", "json": {"inbox": a.inbox}}),
        Case("request inbox read 400", QINBOX, "post", 400,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/inbox", "json": {"inbox": a.inbox, "x": 1}},
             expect=_problem_field("x", "unknown_field"), schema_rejects=True),
        Case("request inbox read 404", QINBOX, "post", 404,
             lambda w: {"url": f"{Q}/{_answered(w).rid}/inbox", "json": {"inbox": rand32()}}),
        Case("request receipt", QRECEIPT, "get", 200,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}/receipt", "headers": w.bearer(a.token)},
             expect={"state": "answered"}),
        Case("request receipt 401", QRECEIPT, "get", 401, lambda w: {"url": f"{Q}/{_asked(w).rid}/receipt"},
             expect={"code": "unauthorized"}),
        Case("request receipt 403 secret token", QRECEIPT, "get", 403,
             lambda w: {"url": f"{Q}/{(m := w.secret()).id}/receipt", "headers": w.bearer(m.token)},
             expect={"code": "forbidden"}),
        Case("request receipt 404", QRECEIPT, "get", 404,
             lambda w: {"url": f"{Q}/{(r := rand_id())}/receipt", "headers": w.bearer(w.token_for(f"r:{r}"))}),
        Case("request burn", QID, "delete", 204,
             lambda w: {"url": f"{Q}/{(a := _answered(w)).rid}", "headers": w.bearer(a.token)}),
        Case("request burn 401", QID, "delete", 401, lambda w: {"url": f"{Q}/{_asked(w).rid}"}),
        Case("request burn 403 secret token", QID, "delete", 403,
             lambda w: {"url": f"{Q}/{_asked(w).rid}", "headers": w.bearer(w.secret().token)},
             expect={"code": "forbidden"}),
        Case("request note 415", QNOTE, "put", 415,
             lambda w: {"url": f"{Q}/{(a := _asked(w)).rid}/note", "data": b"hi", "content_type": "text/plain",
                        "headers": a.inbox_headers()},
             expect={"code": "unsupported_media_type"}),
        Case("request answer 415", QANSWER, "post", 415,
             lambda w: {"url": f"{Q}/{_asked(w).rid}/answer", "data": b"<x/>", "content_type": "application/xml"},
             expect={"code": "unsupported_media_type"}),
        Case("request inbox read 415", QINBOX, "post", 415,
             lambda w: {"url": f"{Q}/{_answered(w).rid}/inbox", "data": b"x", "content_type": "text/plain"},
             expect={"code": "unsupported_media_type"}),
        Case("request burn 404", QID, "delete", 404,
             lambda w: {"url": f"{Q}/{(r := rand_id())}", "headers": w.bearer(w.token_for(f"r:{r}"))}),
    ]


ME, MINE, MINE_ONE = "/api/v1/me", "/api/v1/me/secrets", "/api/v1/me/secrets/{id}"
TOKENS, TOKEN_ONE = "/api/v1/me/tokens", "/api/v1/me/tokens/{token_id}"
CSECRETS, CSESSIONS, AUDIT = "/api/v1/creators/{email}/secrets", "/api/v1/creators/{email}/sessions", "/api/v1/audit"
DEAD_TOKEN = "blt_" + "A" * 43  # an API token's shape, but no such token


def _as(w: World, email: str = ALICE, csrf: bool = True) -> dict[str, str]:
    """The headers of a creator the proxy vouches for, with the CSRF token a page would send."""
    headers = {"X-Forwarded-Email": email}
    if csrf:
        headers["X-CSRF-Token"] = w.client.get(ME, headers=headers).get_json()["csrf_token"]
    return headers


def _mine(w: World, email: str = ALICE) -> str:
    """The id of a secret ``email`` made."""
    response = w.client.post(S, json=create_body(label="db password", kind="text")[0], headers=_as(w, email))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _api_token(w: World, email: str = ALICE) -> str:
    return w.app.extensions["burnlink"].accounts.issue_token(email, "ci", 3600)[0]


def _token_id(w: World) -> str:
    return w.app.extensions["burnlink"].accounts.issue_token(ALICE, "ci", 3600)[1].id


def _account_cases() -> list[Case]:
    a = "accounts"
    query = {"query_string": {"x": "1"}}
    unknown_x = _problem_field("x", "unknown_field")
    admin_only = {"code": "policy_forbidden", "policy": "admins"}
    return [
        Case("policy", "/api/v1/policy", "get", 200, lambda w: {}, expect={"mode": "full", "creators": "anyone"}),
        Case("create 401 sign in", S, "post", 401, lambda w: {"json": create_body()[0]}, app="signed-in",
             expect={"code": "sign_in_required"}),
        Case("create 403 reveal-only", S, "post", 403, lambda w: {"json": create_body()[0]}, app="reveal-only",
             expect={"code": "policy_forbidden", "policy": "mode"}),
        Case("create 400 require code", S, "post", 400, lambda w: {"json": create_body()[0]}, app="require code",
             expect={"code": "policy_violation", "policy": "require_code"}),
        Case("create 413 max_file", S, "post", 413, lambda w: {"data": "x" * 5000, "content_type": "text/plain"},
             app="max file", expect={"code": "too_large", "policy": "max_file", "limit": 1}),
        Case("request create 401 sign in", Q, "post", 401, lambda w: {"json": _request_body()}, app="signed-in",
             expect={"code": "sign_in_required"}),
        Case("request create 403 reveal-only", Q, "post", 403, lambda w: {"json": _request_body()}, app="reveal-only",
             expect={"code": "policy_forbidden", "policy": "mode"}),
        Case("me", ME, "get", 200, lambda w: {"headers": {"X-Forwarded-Email": ALICE}}, app=a,
             expect={"email": ALICE, "via": "proxy", "admin": False}),
        Case("me, API token", ME, "get", 200, lambda w: {"headers": w.bearer(_api_token(w))}, app=a,
             expect={"via": "token", "csrf_token": None}),
        Case("me 400 query", ME, "get", 400, lambda w: {"headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("me 401", ME, "get", 401, lambda w: {}, app=a, expect={"code": "sign_in_required"}),
        Case("my secrets", MINE, "get", 200, lambda w: _mine(w) and {"headers": _as(w)}, app=a),
        Case("my secrets 400 query", MINE, "get", 400, lambda w: {"headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("my secrets 401 dead token", MINE, "get", 401, lambda w: {"headers": w.bearer(DEAD_TOKEN)}, app=a,
             expect={"code": "unauthorized"}),
        Case("my secrets 503", MINE, "get", 503, lambda w: {"headers": _as(w)}, app="accounts down"),
        Case("burn mine", MINE, "delete", 200, lambda w: _mine(w) and {"headers": _as(w)}, app=a, expect={"burned": 1}),
        Case("burn mine 400 query", MINE, "delete", 400, lambda w: {"headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("burn mine 401", MINE, "delete", 401, lambda w: {}, app=a, expect={"code": "sign_in_required"}),
        Case("burn mine 403 csrf", MINE, "delete", 403, lambda w: {"headers": _as(w, csrf=False)}, app=a,
             expect={"code": "csrf_failed"}),
        Case("burn mine 503", MINE, "delete", 503, lambda w: {"headers": _as(w)}, app="accounts down"),
        Case("burn one of mine", MINE_ONE, "delete", 204, lambda w: {"url": f"{MINE}/{_mine(w)}", "headers": _as(w)}, app=a),
        Case("burn one of mine 400", MINE_ONE, "delete", 400,
             lambda w: {"url": f"{MINE}/{_mine(w)}", "headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("burn one of mine 401", MINE_ONE, "delete", 401, lambda w: {"url": f"{MINE}/{rand_id()}"}, app=a),
        Case("burn one of mine 403 csrf", MINE_ONE, "delete", 403,
             lambda w: {"url": f"{MINE}/{_mine(w)}", "headers": _as(w, csrf=False)}, app=a, expect={"code": "csrf_failed"}),
        Case("burn one of mine 404 another's", MINE_ONE, "delete", 404,
             lambda w: {"url": f"{MINE}/{_mine(w, 'bob@example.com')}", "headers": _as(w)}, app=a,
             expect={"code": "not_found"}),
        Case("my tokens", TOKENS, "get", 200, lambda w: _token_id(w) and {"headers": _as(w)}, app=a),
        Case("my tokens 400", TOKENS, "get", 400, lambda w: {"headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("my tokens 401", TOKENS, "get", 401, lambda w: {}, app=a),
        Case("make token", TOKENS, "post", 201, lambda w: {"headers": _as(w), "json": {"name": "laptop", "ttl": 3600}},
             app=a, expect={"name": "laptop"}),
        Case("make token 400 name", TOKENS, "post", 400, lambda w: {"headers": _as(w), "json": {"name": ""}}, app=a,
             expect=_problem_field("name"), schema_rejects=True),
        Case("make token 401", TOKENS, "post", 401, lambda w: {"json": {"name": "laptop"}}, app=a),
        Case("make token 403 with a token", TOKENS, "post", 403,
             lambda w: {"headers": w.bearer(_api_token(w)), "json": {"name": "laptop"}}, app=a,
             expect={"code": "policy_forbidden", "policy": "tokens"}),
        Case("make token 415", TOKENS, "post", 415, lambda w: {"headers": _as(w), "data": b"x", "content_type": "text/plain"},
             app=a, expect={"code": "unsupported_media_type"}),
        Case("revoke token", TOKEN_ONE, "delete", 204, lambda w: {"url": f"{TOKENS}/{_token_id(w)}", "headers": _as(w)}, app=a),
        Case("revoke token 400", TOKEN_ONE, "delete", 400,
             lambda w: {"url": f"{TOKENS}/{_token_id(w)}", "headers": _as(w), **query}, app=a, expect=unknown_x),
        Case("revoke token 401", TOKEN_ONE, "delete", 401, lambda w: {"url": f"{TOKENS}/{_token_id(w)}"}, app=a),
        Case("revoke token 403 csrf", TOKEN_ONE, "delete", 403,
             lambda w: {"url": f"{TOKENS}/{_token_id(w)}", "headers": _as(w, csrf=False)}, app=a,
             expect={"code": "csrf_failed"}),
        Case("revoke token 404", TOKEN_ONE, "delete", 404, lambda w: {"url": f"{TOKENS}/0123456789abcdef", "headers": _as(w)},
             app=a, expect={"code": "not_found"}),
        Case("creator's secrets", CSECRETS, "get", 200,
             lambda w: _mine(w) and {"url": f"/api/v1/creators/{ALICE}/secrets", "headers": _as(w, ADMIN)}, app=a),
        Case("creator's secrets 400", CSECRETS, "get", 400,
             lambda w: {"url": "/api/v1/creators/alice/secrets", "headers": _as(w, ADMIN)}, app=a,
             expect=_problem_field("email")),
        Case("creator's secrets 401", CSECRETS, "get", 401, lambda w: {"url": f"/api/v1/creators/{ALICE}/secrets"}, app=a),
        Case("creator's secrets 403", CSECRETS, "get", 403,
             lambda w: {"url": f"/api/v1/creators/{ALICE}/secrets", "headers": _as(w)}, app=a, expect=admin_only),
        Case("burn creator's secrets", CSECRETS, "delete", 200,
             lambda w: _mine(w) and {"url": f"/api/v1/creators/{ALICE}/secrets", "headers": _as(w, ADMIN)}, app=a,
             expect={"burned": 1}),
        Case("burn creator's secrets 400", CSECRETS, "delete", 400,
             lambda w: {"url": "/api/v1/creators/alice/secrets", "headers": _as(w, ADMIN)}, app=a),
        Case("burn creator's secrets 401", CSECRETS, "delete", 401,
             lambda w: {"url": f"/api/v1/creators/{ALICE}/secrets"}, app=a),
        Case("burn creator's secrets 403", CSECRETS, "delete", 403,
             lambda w: {"url": f"/api/v1/creators/{ALICE}/secrets", "headers": _as(w)}, app=a, expect=admin_only),
        Case("end creator's sessions", CSESSIONS, "delete", 200,
             lambda w: _token_id(w) and {"url": f"/api/v1/creators/{ALICE}/sessions", "headers": _as(w, ADMIN)}, app=a,
             expect={"sessions_ended": 0, "tokens_revoked": 1}),
        Case("end creator's sessions 400", CSESSIONS, "delete", 400,
             lambda w: {"url": "/api/v1/creators/@example.com/sessions", "headers": _as(w, ADMIN)}, app=a),
        Case("end creator's sessions 401", CSESSIONS, "delete", 401,
             lambda w: {"url": f"/api/v1/creators/{ALICE}/sessions"}, app=a),
        Case("end creator's sessions 403", CSESSIONS, "delete", 403,
             lambda w: {"url": f"/api/v1/creators/{ALICE}/sessions", "headers": _as(w)}, app=a, expect=admin_only),
        Case("audit", AUDIT, "get", 200, lambda w: {"headers": _as(w, ADMIN), "query_string": {"since": "0"}}, app=a),
        Case("audit 400 since", AUDIT, "get", 400,
             lambda w: {"headers": _as(w, ADMIN), "query_string": {"since": "yesterday"}}, app=a,
             expect=_problem_field("since")),
        Case("audit 401", AUDIT, "get", 401, lambda w: {}, app=a),
        Case("audit 403", AUDIT, "get", 403, lambda w: {"headers": _as(w)}, app=a, expect=admin_only),
        Case("audit 503", AUDIT, "get", 503, lambda w: {"headers": _as(w, ADMIN)}, app="accounts down"),
    ]


CSV = b"user,password\nroot,hunter2\n"

CASES: list[Case] = [
    # POST /api/v1/secrets
    Case("create json", S, "post", 201, lambda w: {"json": create_body(ttl=3600, views=3, has_code=False)[0]},
         expect={"views": 3}),
    Case("create form, json mode", S, "post", 201, _form_create, expect={"views": 2}),
    Case("create curl text", S, "post", 201,
         lambda w: {"data": b"hunter2\n", "content_type": "text/plain", "query_string": {"ttl": "1h"}}),
    Case("create curl text, Accept json, code", S, "post", 201,
         lambda w: {"data": "pässwörd", "content_type": "text/plain; charset=utf-8",
                    "headers": {"Accept": "application/json"}, "query_string": {"access_code": "1", "views": "2"}},
         expect={"views": 2}),
    Case("create curl form", S, "post", 201, lambda w: {"data": {"secret": "hunter2", "ttl": "90m", "views": "2"}}),
    Case("create curl multipart file, json", S, "post", 201,
         lambda w: {"data": {"file": (io.BytesIO(CSV), "credentials.csv", "text/csv"), "access_code": "0"},
                    "content_type": "multipart/form-data", "headers": {"Accept": "application/json"}}),
    Case("create 400 ttl boolean", S, "post", 400, lambda w: {"json": create_body(ttl=True)[0]},
         expect=_problem_field("ttl"), schema_rejects=True),
    Case("create 400 ttl too small", S, "post", 400, lambda w: {"json": create_body(ttl=59)[0]},
         expect=_problem_field("ttl"), schema_rejects=True),
    Case("create 400 views string", S, "post", 400, lambda w: {"json": create_body(views="3")[0]},
         expect=_problem_field("views"), schema_rejects=True),
    Case("create 400 bad verifier", S, "post", 400, lambda w: {"json": create_body(link_verifier="abc=")[0]},
         expect=_problem_field("link_verifier"), schema_rejects=True),
    Case("create 400 unknown member", S, "post", 400, lambda w: {"json": create_body(color="red")[0]},
         expect=_problem_field("color", "unknown_field"), schema_rejects=True),
    Case("create 400 query in json mode", S, "post", 400,
         lambda w: {"json": create_body()[0], "query_string": {"ttl": "60"}}, expect=_problem_field("ttl", "unknown_field")),
    Case("create 400 invalid json", S, "post", 400, lambda w: {"data": b'{"ciphertext": ', "content_type": "application/json"},
         expect={"code": "invalid_json"}),
    Case("create 400 duplicate member", S, "post", 400,
         lambda w: {"data": b'{"ttl": 60, "ttl": 61}', "content_type": "application/json"}, expect={"code": "invalid_json"}),
    Case("create 400 curl bad ttl", S, "post", 400,
         lambda w: {"data": b"x", "content_type": "text/plain", "query_string": {"ttl": "0"}}, expect=_problem_field("ttl")),
    Case("create 400 curl not utf-8", S, "post", 400, lambda w: {"data": b"\xff\xfe", "content_type": "text/plain"},
         expect={"code": "invalid_field"}),
    Case("create 413 ciphertext", S, "post", 413,
         lambda w: {"json": {**create_body()[0], "ciphertext": p.b64u_encode(secrets.token_bytes(2000))}},
         app="small", expect={"code": "too_large"}),
    Case("create 413 body", S, "post", 413, lambda w: {"data": b" " * 80_000, "content_type": "application/json"},
         app="small", expect={"code": "too_large"}),
    Case("create 413 curl text", S, "post", 413, lambda w: {"data": "x" * 2000, "content_type": "text/plain"},
         app="small", expect={"code": "too_large"}),
    Case("create 415 xml", S, "post", 415, lambda w: {"data": b"<x/>", "content_type": "application/xml"},
         expect={"code": "unsupported_media_type"}),
    Case("create 415 no type", S, "post", 415, lambda w: {"data": b"hunter2"}, expect={"code": "unsupported_media_type"}),
    Case("create 503", S, "post", 503, lambda w: {"json": create_body()[0]}, app="down",
         expect={"code": "storage_unavailable"}),
    # GET /api/v1/secrets/{id}
    Case("metadata", SID, "get", 200,
         lambda w: (m := w.secret(views=4, has_code=True)) and {"url": f"{S}/{m.id}", "headers": {"X-Burnlink-Link": m.link}},
         expect={"views_left": 4, "has_code": True}),
    Case("metadata 400 query", SID, "get", 400,
         lambda w: (m := w.secret()) and {"url": f"{S}/{m.id}", "headers": {"X-Burnlink-Link": m.link},
                                          "query_string": {"x": "1"}},
         expect=_problem_field("x", "unknown_field")),
    Case("metadata 404 wrong link", SID, "get", 404,
         lambda w: {"url": f"{S}/{w.secret().id}", "headers": {"X-Burnlink-Link": rand32()}}, expect={"code": "not_found"}),
    Case("metadata 404 no link", SID, "get", 404, lambda w: {"url": f"{S}/{w.secret().id}"}, expect={"code": "not_found"}),
    Case("metadata 404 unknown id", SID, "get", 404,
         lambda w: {"url": f"{S}/{rand_id()}", "headers": {"X-Burnlink-Link": rand32()}}, expect={"code": "not_found"}),
    Case("metadata 404 malformed id", SID, "get", 404,
         lambda w: {"url": f"{S}/not-an-id", "headers": {"X-Burnlink-Link": rand32()}}, expect={"code": "not_found"}),
    Case("metadata 503", SID, "get", 503,
         lambda w: {"url": f"{S}/{rand_id()}", "headers": {"X-Burnlink-Link": rand32()}}, app="down"),
    # POST /api/v1/secrets/{id}/reveal
    Case("reveal proofs", REVEAL, "post", 200, lambda w: _reveal(m := w.secret(views=2), link=m.link, auth=m.auth),
         expect={"views_left": 1}),
    Case("reveal proofs, form", REVEAL, "post", 200,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}/reveal", "data": {"link": m.link, "auth": m.auth}},
         expect={"views_left": 0}),
    Case("reveal curl text", REVEAL, "post", 200, _curl_payload(payloads.make_payload(text="hunter2\n"))),
    Case("reveal curl one file", REVEAL, "post", 200,
         _curl_payload(payloads.make_payload("file", files=[payloads.file_entry("credentials.csv", CSV, "text/csv")]))),
    Case("reveal curl payload json", REVEAL, "post", 200,
         _curl_payload(payloads.make_payload("aws-access-key", fields={"access_key_id": "AKIAEXAMPLE", "secret_access_key": "x"})),
         expect={"kind": "aws-access-key"}),
    Case("reveal curl form", REVEAL, "post", 200,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}/reveal", "data": {"key": m.b64key}}),
    Case("reveal 400 key in query", REVEAL, "post", 400,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}/reveal", "query_string": {"key": m.b64key}, "json": {}},
         expect=_problem_field("key")),
    Case("reveal 400 link and key", REVEAL, "post", 400, lambda w: _reveal(m := w.secret(), link=m.link, auth=m.auth, key=m.b64key),
         expect={"code": "invalid_field"}, schema_rejects=True),
    Case("reveal 400 code needed", REVEAL, "post", 400, lambda w: _reveal(m := w.coded_secret(), key=m.b64key),
         expect=_problem_field("access_code")),
    Case("reveal 400 unknown member", REVEAL, "post", 400,
         lambda w: _reveal(m := w.secret(), link=m.link, auth=m.auth, note="x"),
         expect=_problem_field("note", "unknown_field"), schema_rejects=True),
    Case("reveal 400 bad proof", REVEAL, "post", 400, lambda w: _reveal(m := w.secret(), link="abc", auth=m.auth),
         expect=_problem_field("link"), schema_rejects=True),
    Case("reveal 403 wrong code", REVEAL, "post", 403, lambda w: _reveal(m := w.secret(), link=m.link, auth=rand32()),
         expect={"code": "wrong_access_code", "attempts_left": 4}),
    Case("reveal 404 wrong link", REVEAL, "post", 404, lambda w: _reveal(m := w.secret(), link=rand32(), auth=m.auth),
         expect={"code": "not_found"}),
    Case("reveal 404 unknown id", REVEAL, "post", 404,
         lambda w: {"url": f"{S}/{rand_id()}/reveal", "json": {"link": rand32(), "auth": rand32()}}, expect={"code": "not_found"}),
    Case("reveal 413", REVEAL, "post", 413,
         lambda w: {"url": f"{S}/{rand_id()}/reveal", "data": b" " * 80_000, "content_type": "application/json"},
         app="small", expect={"code": "too_large"}),
    Case("reveal 415", REVEAL, "post", 415,
         lambda w: {"url": f"{S}/{rand_id()}/reveal", "data": b"key", "content_type": "text/plain"},
         expect={"code": "unsupported_media_type"}),
    Case("reveal 422 undecryptable", REVEAL, "post", 422, lambda w: _reveal(m := w.undecryptable(), key=m.b64key),
         expect={"code": "undecryptable"}),
    Case("reveal 503", REVEAL, "post", 503,
         lambda w: {"url": f"{S}/{rand_id()}/reveal", "json": {"link": rand32(), "auth": rand32()}}, app="down"),
    # GET /api/v1/secrets/{id}/receipt
    Case("receipt waiting", RECEIPT, "get", 200,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}/receipt", "headers": w.bearer(m.token)},
         expect={"state": "waiting", "viewed_at": []}),
    Case("receipt viewed", RECEIPT, "get", 200, _revealed_then_receipt, expect={"state": "viewed", "views_left": 1}),
    Case("receipt 400 query", RECEIPT, "get", 400,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}/receipt", "headers": w.bearer(m.token), "query_string": {"x": "1"}},
         expect=_problem_field("x", "unknown_field")),
    Case("receipt 401 no token", RECEIPT, "get", 401, lambda w: {"url": f"{S}/{w.secret().id}/receipt"},
         expect={"code": "unauthorized"}),
    Case("receipt 401 forged", RECEIPT, "get", 401,
         lambda w: {"url": f"{S}/{w.secret().id}/receipt", "headers": {"Authorization": "Bearer forged.token.x"}},
         expect={"code": "unauthorized"}),
    Case("receipt 401 basic", RECEIPT, "get", 401,
         lambda w: {"url": f"{S}/{w.secret().id}/receipt", "headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
         expect={"code": "unauthorized"}),
    Case("receipt 403 other token", RECEIPT, "get", 403, lambda w: _other_token(w, RECEIPT), expect={"code": "forbidden"}),
    Case("receipt 404", RECEIPT, "get", 404, lambda w: _no_receipt(w, RECEIPT), expect={"code": "not_found"}),
    Case("receipt 503", RECEIPT, "get", 503, lambda w: _no_receipt(w, RECEIPT), app="down"),
    # DELETE /api/v1/secrets/{id}
    Case("burn", SID, "delete", 204, lambda w: {"url": f"{S}/{(m := w.secret()).id}", "headers": w.bearer(m.token)}),
    Case("burn again", SID, "delete", 204, _burned_then_delete),
    Case("burn 400 query", SID, "delete", 400,
         lambda w: {"url": f"{S}/{(m := w.secret()).id}", "headers": w.bearer(m.token), "query_string": {"x": "1"}},
         expect=_problem_field("x", "unknown_field")),
    Case("burn 401", SID, "delete", 401, lambda w: {"url": f"{S}/{w.secret().id}"}, expect={"code": "unauthorized"}),
    Case("burn 403 other token", SID, "delete", 403, lambda w: _other_token(w, SID), expect={"code": "forbidden"}),
    Case("burn 404", SID, "delete", 404, lambda w: _no_receipt(w, SID), expect={"code": "not_found"}),
    Case("burn 503", SID, "delete", 503, lambda w: _no_receipt(w, SID), app="down"),
    *_request_cases(),
    *_account_cases(),
    # the rest
    Case("openapi", "/api/v1/openapi.json", "get", 200, lambda w: {}),
    Case("healthz", "/healthz", "get", 200, lambda w: {}, expect={"status": "ok"}),
    Case("readyz", "/readyz", "get", 200, lambda w: {}, expect={"status": "ok"}),
    Case("readyz 503", "/readyz", "get", 503, lambda w: {}, app="down", expect={"code": "storage_unavailable"}),
]


# --- holding an answer to the document ----------------------------------------------------------


def check_against_document(response: TestResponse, path: str, method: str) -> None:
    """The status, Content-Type, body and headers of ``response`` are as documented."""
    status = response.status_code
    pointer = response_pointer(path, method, status)
    assert pointer is not None, f"{method.upper()} {path} answered {status}, which the document does not list"
    documented = at(pointer)
    data = response.get_data()
    content = documented.get("content", {})
    if not content:
        assert data == b"", f"{status} is documented without a body"
    else:
        assert response.mimetype in content, f"Content-Type {response.mimetype!r} is not documented for {status}"
        schema_pointer = f"{pointer}/content/{escape(response.mimetype)}/schema"
        if "schema" in content[response.mimetype]:
            if response.mimetype in JSON_TYPES:
                schema_check(json.loads(data), schema_pointer)
            elif response.mimetype.startswith("text/"):
                schema_check(data.decode("utf-8"), schema_pointer)
    for name in documented.get("headers", {}):
        header_pointer, header = deref(f"{pointer}/headers/{escape(name)}")
        value = response.headers.get(name)
        if value is None:
            assert not header.get("required"), f"required header {name} is missing from {status}"
            continue
        schema_check(value, f"{header_pointer}/schema")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_answer_matches_document(case: Case, make_app: Callable[..., Flask]) -> None:
    app = APPS[case.app](make_app)
    world = World(app, app.test_client())
    request = case.request(world)
    url = request.pop("url", case.path)
    response = world.client.open(url, method=case.method.upper(), **request)
    assert response.status_code == case.status, response.get_data(as_text=True)[:500]
    check_against_document(response, case.path, case.method)
    if case.expect:
        body = response.get_json(force=True)
        assert {k: body.get(k) for k in case.expect} == case.expect
    if "json" in request:
        body_schema = f"/paths/{escape(case.path)}/{case.method}/requestBody/content/application~1json/schema"
        if case.status < 300:
            schema_check(request["json"], body_schema)
        if case.schema_rejects:
            assert not schema_accepts(request["json"], body_schema), "the documented request schema accepts a refused body"


def test_every_documented_answer_is_provoked() -> None:
    covered = {(c.path, c.method, str(c.status)) for c in CASES}
    documented = documented_operations()
    assert covered - documented == set(), "table rows for answers the document does not list"
    assert set(NOT_PROVOKED) <= documented, "allow-list entries that are no longer documented"
    assert set(NOT_PROVOKED) & covered == set(), "allow-list entries that the table provokes"
    assert documented - covered - set(NOT_PROVOKED) == set(), "documented answers no test provokes"


def test_rate_limited_matches_document(make_app: Callable[..., Flask]) -> None:
    """429 on create and reveal: the limiter's answers conform to the document."""
    app = make_app(rate_limits=True, rate_create="2/minute", rate_reveal="2/minute", rate_reveal_secret="2/minute")
    client = app.test_client()
    for path, body in ((S, {}), (f"{S}/{rand_id()}/reveal", {"link": rand32(), "auth": rand32()})):
        statuses = []
        for _ in range(400):
            response = client.post(path, json=body)
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        assert statuses[-1] == 429, f"no 429 from {path} after {len(statuses)} requests"
        documented = S if path == S else REVEAL
        check_against_document(response, documented, "post")
        assert response.get_json()["code"] == "rate_limited"


def test_rate_limited_requests_match_document(make_app: Callable[..., Flask]) -> None:
    """429 on every rate-limited request route (creating, and every call that checks a proof)."""
    app = make_app(rate_limits=True, rate_create="2/minute", rate_reveal="2/minute", rate_reveal_secret="2/minute")
    client = app.test_client()
    rid, proof = rand_id(), {"X-Burnlink-Answer": rand32(), "X-Burnlink-Inbox": rand32()}
    calls = [
        (Q, "post", {"json": _request_body()}),
        (QID, "get", {"headers": proof}),
        (QNOTE, "put", {"json": {"note": "x", "note_mac": rand32()}, "headers": proof}),
        (QANSWER, "post", {"json": {"answer": rand32(), "ciphertext": p.b64u_encode(secrets.token_bytes(100))}}),
        (QINBOX, "get", {"headers": proof}),
        (QINBOX, "post", {"json": {"inbox": rand32()}}),
    ]
    for documented, method, kwargs in calls:
        url = documented.format(id=rid)
        for _ in range(400):
            response = client.open(url, method=method.upper(), **kwargs)
            if response.status_code == 429:
                break
        assert response.status_code == 429, f"no 429 from {method} {url}"
        check_against_document(response, documented, method)
        assert response.get_json()["code"] == "rate_limited"


def test_no_content_answer_has_no_content_type(client: FlaskClient) -> None:
    world = World(client.application, client)
    made = world.secret()
    response = client.delete(f"{S}/{made.id}", headers=world.bearer(made.token))
    assert response.status_code == 204
    assert "Content-Type" not in response.headers
