"""Requests at ``/api/v1/requests``: ask someone for a secret sealed to a key the server never sees.

The server checks proofs against verifiers (SHA-256 of the proof) and keeps the note, its MAC and
the sealed answer; it never sees a key, a proof after the check, or a plaintext
(``docs/protocol.md`` §14). A wrong proof answers 404 like an unknown id and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request

from ..core.errors import InvalidInput, NotFound
from ..core.protocol import KEY_LEN, b64u_decode, b64u_encode, sha256
from ..core.request import MIN_ANSWER
from ..core.wire import ANSWER_HEADER, INBOX_HEADER, MAX_NOTE, REQUEST_MEMBERS, iso_time
from ..store import RequestStore
from .inputs import b64_member, base_url, ciphertext_member, integer, no_query, only, read_body, secret_id, too_large
from .notify import client_facts, deliver_flag, deliveries_json, events_json, parse_notify, sealer
from .observability import event
from .policy import check_create, check_targets
from .services import services


def register(rule: Callable[..., Any], limits: Any) -> None:
    """Add the request routes to the API blueprint (``rule`` is its add_url_rule)."""
    rule("/requests", view_func=limits.create(create_request), methods=["POST"])
    rule("/requests/<sid>", view_func=limits.read(open_request), methods=["GET"])
    rule("/requests/<sid>/note", view_func=limits.read(set_note), methods=["PUT"])
    rule("/requests/<sid>/answer", view_func=limits.read(answer_request), methods=["POST"])
    rule("/requests/<sid>/inbox", view_func=limits.read(inbox_status), methods=["GET"])
    rule("/requests/<sid>/inbox", view_func=limits.reveal(read_inbox), methods=["POST"])
    rule("/requests/<sid>/receipt", view_func=request_receipt, methods=["GET"])
    rule("/requests/<sid>", view_func=burn_request, methods=["DELETE"])


def _store() -> RequestStore:
    store = services().requests
    assert store is not None  # create_app always sets it
    return store


def _proof_header(name: str) -> bytes:
    """The verifier of the 32-byte proof in header ``name``; a missing or malformed proof is just not found."""
    try:
        return sha256(b64u_decode(request.headers.get(name, ""), length=KEY_LEN))
    except InvalidInput:
        raise NotFound() from None


def _no_content() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]  # no content, so no type (Flask's default would say text/html)
    return response


def _json_body(allowed: frozenset[str] | set[str]) -> dict[str, Any]:
    body = read_body()
    if body.kind != "json":
        raise InvalidInput("Send this call's body as application/json.", field="body")
    only(body.values, set(allowed))
    return body.values


def _manage_name(rid: str) -> str:
    # A request's token names "r:ID": a secret's token never opens a request's receipt, or the reverse.
    return f"r:{rid}"


# --- the asker ----------------------------------------------------------------------------


def create_request() -> Response:
    """Store a new request's two verifiers; 201 with its URLs and the asker's manage token."""
    no_query()
    origin = base_url()
    cfg = current_app.config["BURNLINK"]
    values = _json_body(REQUEST_MEMBERS)
    answer_verifier = b64_member(values, "answer_verifier", KEY_LEN)
    inbox_verifier = b64_member(values, "inbox_verifier", KEY_LEN)
    ttl = integer(values.get("ttl", cfg.ttl_default), "ttl", cfg.ttl_min, cfg.ttl_max, form=False)
    rights = check_create(has_code=True, size=0)
    targets = parse_notify(values.get("notify"))
    check_targets(rights, targets)
    created = _store().create(answer_verifier, inbox_verifier, ttl=ttl, deliver=deliver_flag(targets),
                              seal_targets=sealer(targets), target_count=len(targets), facts=client_facts(),
                              creator=rights.email)
    event("request_created")
    token = services().tokens.issue(_manage_name(created.id), created.expires_at + cfg.receipt_retention)
    response = jsonify(id=created.id, url=f"{origin}/r/{created.id}", inbox_url=f"{origin}/r/{created.id}/inbox",
                       expires_at=iso_time(created.expires_at), manage_token=token)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/requests/{created.id}"
    return response


def set_note(sid: str) -> Response:
    """Set the note and its MAC once, before any answer, with the inbox proof."""
    no_query()
    sid = secret_id(sid)
    inbox_verifier = _proof_header(INBOX_HEADER)
    values = _json_body({"note", "note_mac"})
    note = values.get("note")
    if not isinstance(note, str):
        raise InvalidInput("note is required, as a string.", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note must be at most {MAX_NOTE} characters.", field="note")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate escaped in the JSON: no client could check its MAC
        raise InvalidInput("note must be valid Unicode text.", field="note") from None
    mac = b64_member(values, "note_mac", KEY_LEN)
    _store().set_note(sid, inbox_verifier, note, mac)
    return _no_content()


def inbox_status(sid: str) -> Response:
    """Whether the request has been answered; consumes nothing."""
    no_query()
    sid = secret_id(sid)
    status = _store().status(sid, _proof_header(INBOX_HEADER))
    body: dict[str, Any] = {"state": status.state, "expires_at": iso_time(status.expires_at)}
    if status.answered_at is not None:
        body["answered_at"] = iso_time(status.answered_at)
    return jsonify(body)


def read_inbox(sid: str) -> Response:
    """The sealed answer, once: it is deleted as it is read."""
    no_query()
    sid = secret_id(sid)
    values = _json_body({"inbox"})
    proof = b64_member(values, "inbox", KEY_LEN)
    blob = _store().read_answer(sid, sha256(proof), facts=client_facts())
    event("request_read")
    return jsonify(ciphertext=b64u_encode(blob))


def request_receipt(sid: str) -> Response:
    """The asker's view with the manage token: state, times, events, deliveries."""
    no_query()
    sid = _id_for_manage(sid)
    receipt = _store().receipt(sid)
    body: dict[str, Any] = {"state": receipt.state, "created_at": iso_time(receipt.created_at),
                            "expires_at": iso_time(receipt.expires_at),
                            "answered_at": iso_time(receipt.answered_at) if receipt.answered_at else None,
                            "events": events_json(receipt.events)}
    if receipt.deliveries:
        body["deliveries"] = deliveries_json(sid, receipt.deliveries)
    return jsonify(body)


def burn_request(sid: str) -> Response:
    """End the request now (an unread answer goes with it); 204 again for one already ended."""
    no_query()
    sid = _id_for_manage(sid)
    if _store().burn(sid, facts=client_facts()):
        event("request_burned")
    return _no_content()


def _id_for_manage(sid: str) -> str:
    """Check the bearer token first (401/403), then the id (404)."""
    services().tokens.check(request.headers.get("Authorization"), _manage_name(sid))
    return secret_id(sid)


# --- the person answering ------------------------------------------------------------------


def open_request(sid: str) -> Response:
    """The state, the note and its MAC (the client checks it), with the answer proof."""
    no_query()
    sid = secret_id(sid)
    view = _store().open(sid, _proof_header(ANSWER_HEADER), facts=client_facts())
    body: dict[str, Any] = {"state": view.state, "note": view.note if view.note_mac else None,
                            "note_mac": b64u_encode(view.note_mac) if view.note_mac else None,
                            "expires_at": iso_time(view.expires_at)}
    if view.requester:
        # Only this service's sign-in puts it there, as a secret's "sender".
        body["requester"] = view.requester
    return jsonify(body)


def answer_request(sid: str) -> Response:
    """Store the one sealed answer; 409 ``already_answered`` for a second or replayed one."""
    no_query()
    sid = secret_id(sid)
    values = _json_body({"answer", "ciphertext"})
    proof = b64_member(values, "answer", KEY_LEN)
    blob = ciphertext_member(values)
    if len(blob) > current_app.config["BURNLINK"].max_blob:
        raise too_large(current_app.config["BURNLINK"].max_blob)
    if len(blob) < MIN_ANSWER:
        raise InvalidInput(f"ciphertext must be at least {MIN_ANSWER} bytes (a sealed answer).", field="ciphertext")
    _store().answer(sid, sha256(proof), blob, facts=client_facts())
    event("request_answered")
    return _no_content()
