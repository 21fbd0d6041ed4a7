"""The JSON API, version 1 (``/api/v1``), and the health probes.

Handlers parse and check input at the edge, call the store, and let every
failure travel as a :class:`~app.core.errors.BurnlinkError`; the app's one
error handler turns it into an RFC 9457 document (:mod:`app.server.problems`).
"""

from __future__ import annotations

import json
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..core.config import Config
from ..core.errors import InvalidInput, NotFound
from ..core.identity import is_api_token
from ..core.protocol import KEY_LEN, b64u_decode, b64u_encode, sha256
from ..core.wire import CREATE_MEMBERS, LINK_HEADER, REVEAL_MEMBERS, iso_time
from . import admin_api, curl, me_api, requests_api
from .identity import bearer, current_creator
from .inputs import b64_member, base_url, boolean, ciphertext_member, integer, no_query, only, read_body, secret_id, too_large
from .lifecycle import created_response, kind_member, label_member, spend_view, store_secret
from .limits import route_limits
from .notify import client_facts, parse_notify, receipt_json
from .observability import event
from .policy import check_create, policy_view
from .services import services

health = Blueprint("health", __name__)


def build_blueprint(limiter: Any, config: Config) -> Blueprint:
    """The ``/api/v1`` blueprint, each route registered with its rate limits."""
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    limits = route_limits(limiter, config)
    # No automatic OPTIONS answers (an empty text/html 200): with no CORS there is nothing to
    # pre-flight, so OPTIONS is 405 method_not_allowed with Allow, a problem document like any error.
    rule = partial(bp.add_url_rule, provide_automatic_options=False)
    rule("/secrets", view_func=limits.create(create_secret), methods=["POST"])
    rule("/secrets/<sid>", view_func=limits.read(secret_metadata), methods=["GET"])
    rule("/secrets/<sid>/reveal", view_func=limits.reveal(reveal_secret), methods=["POST"])
    rule("/secrets/<sid>/receipt", view_func=secret_receipt, methods=["GET"])
    rule("/secrets/<sid>", view_func=burn_secret, methods=["DELETE"])
    requests_api.register(rule, limits)
    me_api.register(rule, limits)
    admin_api.register(rule, limits)
    rule("/policy", view_func=policy_view, methods=["GET"])
    rule("/openapi.json", view_func=openapi, methods=["GET"])
    return bp


# --- routes ------------------------------------------------------------------------------


def create_secret() -> Response:
    """Store a browser- or CLI-encrypted secret; or encrypt a curl upload (curl mode)."""
    base_url()  # a Host this server makes no links for is refused before anything is stored
    body = read_body(text_ok=True)
    if body.kind == "text" or (body.kind == "form" and "ciphertext" not in body.values):
        return curl.create(body)
    no_query()
    cfg = current_app.config["BURNLINK"]
    form = body.kind == "form"
    values = body.values
    only(values, CREATE_MEMBERS)
    blob = ciphertext_member(values)
    if len(blob) > cfg.max_blob:
        raise too_large(cfg.max_blob)
    link_verifier = b64_member(values, "link_verifier", KEY_LEN)
    auth_verifier = b64_member(values, "auth_verifier", KEY_LEN)
    ttl = integer(values.get("ttl", cfg.ttl_default), "ttl", cfg.ttl_min, cfg.ttl_max, form=form)
    views = integer(values.get("views", cfg.views_default), "views", 1, cfg.views_max, form=form)
    has_code = boolean(values.get("has_code", False), "has_code", form=form)
    kind = kind_member(values)
    rights = check_create(has_code=has_code, size=len(blob), kind=kind)
    label = label_member(values)
    targets = parse_notify(values.get("notify"))
    created = store_secret(rights, blob, link_verifier, auth_verifier, ttl=ttl, views=views, has_code=has_code,
                           targets=targets, label=label, kind=kind)
    return created_response(created.id, created.expires_at, views)


def secret_metadata(sid: str) -> Response:
    """What a link holder may know before reading: code needed, expiry, views left."""
    no_query()
    sid = secret_id(sid)
    header = request.headers.get(LINK_HEADER, "")
    try:
        link = b64u_decode(header, length=KEY_LEN)
    except InvalidInput:
        raise NotFound() from None
    meta = services().store.metadata(sid, sha256(link), facts=client_facts())
    body: dict[str, Any] = {"has_code": meta.has_code, "expires_at": iso_time(meta.expires_at), "views_left": meta.views_left}
    if meta.sender:
        # Only the sign-in of this service puts it there; no request member can.
        body["sender"] = meta.sender
    return jsonify(body)


def reveal_secret(sid: str) -> Response:
    """Spend one view: with link/auth proofs (zero knowledge) or key/access_code (curl mode)."""
    no_query()
    sid = secret_id(sid)
    body = read_body()
    values = body.values
    only(values, REVEAL_MEMBERS | curl.REVEAL_MEMBERS)
    if "key" in values or "access_code" in values:
        if "link" in values or "auth" in values:
            raise InvalidInput("Send either link and auth, or key (and access_code), not both.", field="key")
        return curl.reveal(sid, values)
    link = b64_member(values, "link", KEY_LEN)
    auth = b64_member(values, "auth", KEY_LEN)
    revealed = spend_view(sid, sha256(link), sha256(auth))
    return jsonify(ciphertext=b64u_encode(revealed.blob), views_left=revealed.views_left)


def secret_receipt(sid: str) -> Response:
    """The creator's view: state, views left, when it was viewed and expires, events, deliveries."""
    no_query()
    sid = secret_id_for_manage(sid)
    receipt = services().store.receipt(sid)
    if receipt.newly_expired_unread:
        event("expired_unread")
    return jsonify(receipt_json(sid, receipt))


def burn_secret(sid: str) -> Response:
    """Burn now; 204 again for a secret that has already ended while its receipt lasts."""
    no_query()
    sid = secret_id_for_manage(sid)
    if services().store.burn(sid, facts=client_facts()):
        event("burned")
    response = Response(status=204)
    del response.headers["Content-Type"]  # no content, so no type (Flask's default would say text/html)
    return response


def secret_id_for_manage(sid: str) -> str:
    """Check the bearer token first (401/403), then the id (404).

    The manage token opens its one secret. A creator's API token, or their sign-in session or
    proxy identity (with no Authorization header), opens the secrets they made; an admin's, any.
    """
    authorization = request.headers.get("Authorization")
    token = bearer()
    if authorization is None or (token is not None and is_api_token(token)):
        creator = current_creator()
        if creator is not None:
            return me_api.own_secret_id(sid, creator)
    services().tokens.check(authorization, sid)
    return secret_id(sid)


@lru_cache(maxsize=1)
def _openapi_document() -> dict[str, Any]:
    return json.loads(Path(__file__).with_name("openapi.json").read_text(encoding="utf-8"))


def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(_openapi_document())


@health.get("/healthz", provide_automatic_options=False)
def healthz() -> Response:
    """The process lives."""
    return jsonify(status="ok")


@health.get("/readyz", provide_automatic_options=False)
def readyz() -> Response:
    """Storage answers (503 ``storage_unavailable`` otherwise)."""
    services().store.ping()
    return jsonify(status="ok", storage="embedded" if services().embedded else "redis")
