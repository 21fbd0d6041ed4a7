"""The steps both API modes share: answering a creation, and spending a view (counted)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify

from ..core.errors import WrongAccessCode
from ..core.links import secret_url
from ..core.wire import iso_time
from ..store import Revealed
from .inputs import base_url
from .notify import client_facts
from .observability import event
from .services import services


def created_response(sid: str, expires_at: int, views: int, extra: dict[str, Any] | None = None) -> Response:
    """201 with Location and the creator's manage token."""
    event("created")
    token = services().tokens.issue(sid, expires_at + current_app.config["BURNLINK"].receipt_retention)
    body = {"id": sid, "url": secret_url(base_url(), sid), "expires_at": iso_time(expires_at), "views": views, "manage_token": token}
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/secrets/{sid}"
    return response


def spend_view(sid: str, link_verifier: bytes, auth_verifier: bytes) -> Revealed:
    """Spend one view in the store, counting what happened (both read modes come here)."""
    try:
        revealed = services().store.reveal(sid, link_verifier, auth_verifier, facts=client_facts())
    except WrongAccessCode as err:
        event("wrong_code")
        if err.attempts_left == 0:
            event("destroyed")
        raise
    event("revealed")
    return revealed
