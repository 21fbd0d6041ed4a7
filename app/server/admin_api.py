"""The admins' calls (``BURNLINK_ADMINS``): offboarding a creator, and the audit trail.

``/api/v1/creators/{email}/secrets`` lists or burns everything a creator made that can still be
read, ``/api/v1/creators/{email}/sessions`` ends their sessions and revokes their API tokens, and
``/api/v1/audit`` streams the audit trail as NDJSON. Anyone else is refused with 403
``policy_forbidden`` naming the policy ``admins``; nobody signed in gets 401 ``sign_in_required``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify, request, stream_with_context

from ..core.errors import InvalidInput, PolicyError
from ..core.identity import Creator, normal_email
from ..notifications.audit import read_audit
from .i18n import N_
from .inputs import no_query
from .me_api import burn_all, secrets_response, signed_in
from .services import services

ADMINS_ONLY = N_("Only this server's admins may do this.")
NOT_AN_EMAIL = N_("The path must name a creator by e-mail address, such as /api/v1/creators/bob@example.com/secrets.")
BAD_SINCE = N_("since must be a time such as 2025-01-31T09:00:00Z, or seconds since 1970.")
NDJSON = "application/x-ndjson"
_EPOCH = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")


def register(rule: Callable[..., Any], limits: Any) -> None:
    """Add the admins' routes to the API blueprint (``rule`` is its add_url_rule)."""
    rule("/creators/<email>/secrets", view_func=creator_secrets, methods=["GET"])
    rule("/creators/<email>/secrets", view_func=burn_creator_secrets, methods=["DELETE"])
    rule("/creators/<email>/sessions", view_func=end_creator_sessions, methods=["DELETE"])
    rule("/audit", view_func=audit_trail, methods=["GET"])


def admin() -> Creator:
    """The caller, who must be an admin (401 anonymous, 403 anyone else)."""
    creator = signed_in()
    if not creator.admin:
        raise PolicyError("admins", ADMINS_ONLY, forbidden=True)
    return creator


def creator_email(value: str) -> str:
    """The creator a path names, as stored (lower case); 400 for anything that is not an address."""
    email = normal_email(value)
    if email is None:
        raise InvalidInput(NOT_AN_EMAIL, field="email")
    return email


def creator_secrets(email: str) -> Response:
    """Every secret a creator made whose receipt lasts (the shape of ``GET /api/v1/me/secrets``)."""
    no_query()
    admin()
    return secrets_response(creator_email(email))


def burn_creator_secrets(email: str) -> Response:
    """Burn every outstanding secret of a creator (offboarding)."""
    no_query()
    admin()
    return jsonify(burned=burn_all(creator_email(email)))


def end_creator_sessions(email: str) -> Response:
    """End every sign-in session of a creator and revoke every API token they have."""
    no_query()
    admin()
    email = creator_email(email)
    accounts = services().accounts
    return jsonify(sessions_ended=accounts.end_sessions(email), tokens_revoked=accounts.revoke_tokens(email))


def parse_since(value: str | None) -> float:
    """``since`` as epoch seconds: ISO 8601 (UTC unless it says otherwise) or seconds since 1970; absent: 0."""
    if value is None:
        return 0.0
    text = value.strip()
    try:
        if _EPOCH.fullmatch(text):
            return float(text)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError):
        raise InvalidInput(BAD_SINCE, field="since") from None


def audit_trail() -> Response:
    """The audit trail since ``since``, one JSON object a line, oldest first, read as it is sent."""
    no_query("since")
    admin()
    since = parse_since(request.args.get("since"))
    cfg = services().config
    entries = read_audit(services().client, cfg.key_prefix, since)
    # The first batch is read now, so a storage failure is a 503 problem, not a cut stream.
    first = next(entries, None)

    def lines() -> Iterator[str]:
        if first is None:
            return
        yield _line(first)
        for entry in entries:
            yield _line(entry)

    return Response(stream_with_context(lines()), mimetype=NDJSON)


def _line(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
