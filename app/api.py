"""The JSON API, version 1 (``/api/v1``), and the health probes.

Handlers parse and check input at the edge, call the store, and let every
failure travel as a :class:`~app.errors.BurnlinkError`; :func:`problem` turns
it into an RFC 9457 document in one place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from . import curl
from .errors import BurnlinkError, InvalidInput, NotFound, WrongAccessCode
from .observability import event
from .protocol import ID_LEN, KEY_LEN, MIN_BLOB, b64u_decode, b64u_encode, sha256
from .services import services
from .store import Revealed, iso

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ID = re.compile(r"[A-Za-z0-9_-]{22}")


# --- errors --------------------------------------------------------------------------------


def problem(err: BurnlinkError) -> Response:
    """An RFC 9457 problem document for ``err``."""
    from http import HTTPStatus

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(err.status).phrase,
        "status": err.status,
        "detail": err.detail,
        "code": err.code,
    }
    body.update(err.extra)
    response = Response(json.dumps(body), status=err.status, mimetype="application/problem+json")
    for name, value in err.headers.items():
        response.headers[name] = value
    return response


# --- input ---------------------------------------------------------------------------------


@dataclass
class Body:
    """A parsed request body: ``kind`` is json, form or text."""

    kind: str
    values: dict[str, Any]
    raw: bytes = b""


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BurnlinkError(f"The member {key!r} appears twice.", code="invalid_json", field=key)
        seen[key] = value
    return seen


def parse_json(data: bytes) -> dict[str, Any]:
    """Strict JSON: UTF-8, one object, no duplicate members, no NaN or Infinity."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise BurnlinkError("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(value, dict):
        raise BurnlinkError("The request body must be a JSON object.", code="invalid_json")
    return value


def read_body(*, text_ok: bool = False) -> Body:
    """Read the body by its declared type; anything unexpected is 415."""
    mimetype = request.mimetype
    if mimetype in JSON_TYPES:
        return Body("json", parse_json(request.get_data(cache=False)))
    if mimetype in FORM_TYPES:
        values: dict[str, Any] = {}
        for key, items in request.form.lists():
            if len(items) > 1:
                raise InvalidInput(f"The field {key!r} appears more than once.", field=key)
            values[key] = items[0]
        for key, files in request.files.lists():
            values[key] = files
        return Body("form", values)
    if text_ok and mimetype == "text/plain":
        return Body("text", {}, request.get_data(cache=False))
    accepted = ", ".join(JSON_TYPES + FORM_TYPES + (("text/plain",) if text_ok else ()))
    raise BurnlinkError(
        f"Unsupported request type {mimetype or '(none)'!r}; send one of: {accepted}.",
        code="unsupported_media_type",
        status=415,
    )


def only(values: dict[str, Any], allowed: set[str]) -> None:
    """400 ``unknown_field`` naming the first member not in ``allowed``."""
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise BurnlinkError(f"Unknown member {unknown[0]!r}.", code="unknown_field", field=unknown[0])


def integer(value: Any, name: str, low: int, high: int, *, form: bool) -> int:
    """A JSON integer (not a boolean, float or string), or digits in a form."""
    if form and isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be an integer.", field=name)
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}.", field=name)
    return value


def boolean(value: Any, name: str, *, form: bool) -> bool:
    if form and value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false.", field=name)
    return value


def b64_member(values: dict[str, Any], name: str, length: int) -> bytes:
    if name not in values:
        raise InvalidInput(f"{name} is required.", field=name)
    if not isinstance(values[name], str):
        raise InvalidInput(f"{name} must be a base64url string.", field=name)
    return b64u_decode(values[name], length=length, field=name)


def ciphertext_member(values: dict[str, Any]) -> bytes:
    """The blob, refused as 413 before decoding when its text is already too long."""
    text = values.get("ciphertext")
    if not isinstance(text, str):
        raise InvalidInput("ciphertext is required, as a base64url string.", field="ciphertext")
    limit = current_app.config["BURNLINK"].max_blob
    if len(text) > (limit * 4 + 2) // 3:
        raise too_large(limit)
    return b64u_decode(text, min_length=MIN_BLOB, field="ciphertext")


def too_large(limit: int) -> BurnlinkError:
    return BurnlinkError(f"The secret is larger than the limit of {limit} bytes of ciphertext.", code="too_large", status=413)


def secret_id(value: str) -> str:
    """A well-formed id; anything else is simply not found."""
    if not _ID.fullmatch(value):
        raise NotFound()
    try:
        b64u_decode(value, length=ID_LEN)
    except InvalidInput:
        raise NotFound() from None
    return value


def base_url() -> str:
    return current_app.config["BURNLINK"].base_url.rstrip("/") or request.host_url.rstrip("/")


def no_query(*allowed: str) -> None:
    """Refuse query parameters, and secrets in the query string most of all."""
    for key in request.args:
        if key in ("key", "access_code", "link", "auth") and key not in allowed:
            raise InvalidInput(f"{key} must never be sent in the query string (it ends up in logs); send it in the body.", field=key)
        if key not in allowed:
            raise BurnlinkError(f"Unknown query parameter {key!r}.", code="unknown_field", field=key)


# --- routes ------------------------------------------------------------------------------


@bp.post("/secrets")
def create_secret() -> Response:
    """Store a browser- or CLI-encrypted secret; or encrypt a curl upload (curl mode)."""
    body = read_body(text_ok=True)
    if body.kind == "text" or (body.kind == "form" and "ciphertext" not in body.values):
        return curl.create(body)
    no_query()
    cfg = current_app.config["BURNLINK"]
    form = body.kind == "form"
    values = body.values
    only(values, {"ciphertext", "link_verifier", "auth_verifier", "ttl", "views", "has_code"})
    blob = ciphertext_member(values)
    if len(blob) > cfg.max_blob:
        raise too_large(cfg.max_blob)
    link_verifier = b64_member(values, "link_verifier", KEY_LEN)
    auth_verifier = b64_member(values, "auth_verifier", KEY_LEN)
    ttl = integer(values.get("ttl", cfg.ttl_default), "ttl", cfg.ttl_min, cfg.ttl_max, form=form)
    views = integer(values.get("views", cfg.views_default), "views", 1, cfg.views_max, form=form)
    has_code = boolean(values.get("has_code", False), "has_code", form=form)
    created = services().store.create(blob, link_verifier, auth_verifier, ttl=ttl, views=views, has_code=has_code)
    return created_response(created.id, created.expires_at, views)


def created_response(sid: str, expires_at: int, views: int, extra: dict[str, Any] | None = None) -> Response:
    """201 with Location and the creator's manage token."""
    event("created")
    token = services().tokens.issue(sid, expires_at + current_app.config["BURNLINK"].receipt_retention)
    body = {"id": sid, "url": f"{base_url()}/s/{sid}", "expires_at": iso(expires_at), "views": views, "manage_token": token}
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/secrets/{sid}"
    return response


@bp.get("/secrets/<sid>")
def secret_metadata(sid: str) -> Response:
    """What a link holder may know before reading: code needed, expiry, views left."""
    no_query()
    sid = secret_id(sid)
    header = request.headers.get("X-Burnlink-Link", "")
    try:
        link = b64u_decode(header, length=KEY_LEN)
    except InvalidInput:
        raise NotFound() from None
    meta = services().store.metadata(sid, sha256(link))
    return jsonify(has_code=meta.has_code, expires_at=iso(meta.expires_at), views_left=meta.views_left)


@bp.post("/secrets/<sid>/reveal")
def reveal_secret(sid: str) -> Response:
    """Spend one view: with link/auth proofs (zero knowledge) or key/access_code (curl mode)."""
    no_query()
    sid = secret_id(sid)
    body = read_body()
    values = body.values
    only(values, {"link", "auth", "key", "access_code"})
    if "key" in values or "access_code" in values:
        if "link" in values or "auth" in values:
            raise InvalidInput("Send either link and auth, or key (and access_code), not both.", field="key")
        return curl.reveal(sid, values)
    link = b64_member(values, "link", KEY_LEN)
    auth = b64_member(values, "auth", KEY_LEN)
    revealed = reveal(sid, sha256(link), sha256(auth))
    return jsonify(ciphertext=b64u_encode(revealed.blob), views_left=revealed.views_left)


def reveal(sid: str, link_verifier: bytes, auth_verifier: bytes) -> Revealed:
    """Spend one view in the store, counting what happened (both read modes come here)."""
    try:
        revealed = services().store.reveal(sid, link_verifier, auth_verifier)
    except WrongAccessCode as err:
        event("wrong_code")
        if err.extra.get("attempts_left") == 0:
            event("destroyed")
        raise
    event("revealed")
    return revealed


@bp.get("/secrets/<sid>/receipt")
def secret_receipt(sid: str) -> Response:
    """The creator's view: state, views left, when it was viewed, when it expires."""
    no_query()
    sid = secret_id_for_manage(sid)
    receipt = services().store.receipt(sid)
    if receipt.newly_expired_unread:
        event("expired_unread")
    return jsonify(
        state=receipt.state,
        views_left=receipt.views_left,
        viewed_at=[iso(t) for t in receipt.viewed_at],
        expires_at=iso(receipt.expires_at),
    )


@bp.delete("/secrets/<sid>")
def burn_secret(sid: str) -> Response:
    """Burn now; 204 again for a secret that has already ended while its receipt lasts."""
    no_query()
    sid = secret_id_for_manage(sid)
    if services().store.burn(sid):
        event("burned")
    response = Response(status=204)
    del response.headers["Content-Type"]  # no content, so no type (Flask's default would say text/html)
    return response


def secret_id_for_manage(sid: str) -> str:
    """Check the bearer token first (401/403), then the id (404)."""
    services().tokens.check(request.headers.get("Authorization"), sid)
    return secret_id(sid)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    from pathlib import Path

    document = json.loads(Path(__file__).with_name("openapi.json").read_text(encoding="utf-8"))
    return jsonify(document)


@health.get("/healthz")
def healthz() -> Response:
    """The process lives."""
    return jsonify(status="ok")


@health.get("/readyz")
def readyz() -> Response:
    """Storage answers (503 ``storage_unavailable`` otherwise)."""
    services().store.ping()
    return jsonify(status="ok", storage="embedded" if services().embedded else "redis")
