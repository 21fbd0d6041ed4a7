"""The steps both API modes share: answering a creation, and spending a view (counted)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify

from ..core.errors import InvalidInput, WrongAccessCode
from ..core.identity import LABEL_MAX
from ..core.links import secret_url
from ..core.payload import KINDS
from ..core.wire import iso_time
from ..notifications.targets import Target
from ..store import Created, Revealed
from .inputs import base_url
from .notify import client_facts, deliver_flag, sealer
from .observability import event
from .policy import check_targets
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


def label_member(values: dict[str, Any]) -> str:
    """The creator's ``label``: up to 80 characters of one line, shown to the creator and in the audit trail."""
    label = values.get("label", "")
    if not isinstance(label, str) or len(label) > LABEL_MAX or any(ord(c) < 32 or ord(c) == 127 for c in label):
        raise InvalidInput(f"label must be a single line of at most {LABEL_MAX} characters.", field="label")
    return label.strip()


def kind_member(values: dict[str, Any]) -> str | None:
    """The ``kind`` a creator declares (metadata for "My links" and the kinds policy; the payload holds the real one)."""
    kind = values.get("kind")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind must be one of: {', '.join(KINDS)}.", field="kind")
    return kind


def store_secret(rights: Any, blob: bytes, link_verifier: bytes, auth_verifier: bytes, *, ttl: int, views: int,
                 has_code: bool, targets: list[Target], label: str, kind: str | None) -> Created:
    """Store a checked secret, indexed first under its signed-in creator (both create modes come here)."""
    check_targets(rights, targets)
    email = rights.email
    remember = (lambda sid: services().accounts.remember(email, sid)) if email else None
    return services().store.create(blob, link_verifier, auth_verifier, ttl=ttl, views=views, has_code=has_code,
                                   deliver=deliver_flag(targets), seal_targets=sealer(targets), target_count=len(targets),
                                   facts=client_facts(), creator=email, label=label, kind=kind or "",
                                   remember=remember, wanted={name for target in targets for name in target.events})


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
