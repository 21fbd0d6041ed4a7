"""The signed-in creator's own calls at ``/api/v1/me``: who am I, my links and burn-all, my API tokens.

Every call needs a creator (an API token, a sign-in session or the authenticating proxy's
header; 401 ``sign_in_required`` otherwise). A cookie or proxy identity that changes something
must send its CSRF token (:func:`app.server.identity.current_creator` checks it).

"My links" reads the creator's index (:class:`~app.store.accounts.Accounts`), written before each
secret: an entry whose secret never came is a create that died halfway, dropped once it is older
than ``CREATE_GRACE``. Only a secret whose receipt names the caller as its creator counts as
theirs, so an index entry can never let one creator see or burn another's secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify

from ..core.errors import BurnlinkError, ErrorCode, InvalidInput, NotFound, PolicyError
from ..core.identity import Creator
from ..core.wire import iso_time
from ..store import accounts as account_store
from ..store.records import Receipt
from .i18n import N_
from .identity import csrf_token, current_creator
from .inputs import integer, no_query, only, read_body, secret_id
from .notify import client_facts, events_json
from .observability import event
from .services import services

SIGN_IN_FIRST = N_("Sign in (or send an API token: Authorization: Bearer blt_…) to see and manage your own links.")
TOKENS_FROM_SIGN_IN = N_("API tokens are made while signed in, not with another API token.")
MAY_NOT_CREATE = N_("Your account may not create links on this server, so it may not make API tokens either.")
NO_SUCH_TOKEN = N_("You have no API token with this id; it may have been revoked or have expired.")
TOKEN_NAME = N_("name must be a single line of 1 to 80 characters.")
TOKEN_NAME_MAX = 80
TOKEN_TTL_DEFAULT = 90 * 24 * 3600
TOKEN_TTL_MIN = 60
_TOKEN_ID = re.compile(r"[0-9a-f]{16}")
# States in which a secret can still be read: burn-all burns these.
OUTSTANDING = ("waiting", "viewed")


def register(rule: Callable[..., Any], limits: Any) -> None:
    """Add the ``/me`` routes to the API blueprint (``rule`` is its add_url_rule)."""
    rule("/me", view_func=whoami, methods=["GET"])
    rule("/me/secrets", view_func=my_secrets, methods=["GET"])
    rule("/me/secrets", view_func=burn_my_secrets, methods=["DELETE"])
    rule("/me/secrets/<sid>", view_func=burn_my_secret, methods=["DELETE"])
    rule("/me/tokens", view_func=my_tokens, methods=["GET"])
    rule("/me/tokens", view_func=limits.create(make_token), methods=["POST"])
    rule("/me/tokens/<token_id>", view_func=revoke_my_token, methods=["DELETE"])


# --- what the account calls share -----------------------------------------------------------------


def signed_in() -> Creator:
    """The creator behind this request, or 401 ``sign_in_required`` for an anonymous one."""
    creator = current_creator()
    if creator is None:
        raise BurnlinkError(SIGN_IN_FIRST, code=ErrorCode.SIGN_IN_REQUIRED)
    return creator


def no_content() -> Response:
    response = Response(status=204)
    del response.headers["Content-Type"]  # no content, so no type (Flask's default would say text/html)
    return response


def listing(email: str) -> list[tuple[str, Receipt]]:
    """Every secret ``email`` made whose receipt lasts, newest first, with its receipt.

    Index entries without a receipt are skipped: a young one is a create still under way, an old
    one (past ``CREATE_GRACE``) a create that died or a receipt that has gone, and is forgotten.
    """
    svc = services()
    now = svc.accounts.clock()
    found: list[tuple[str, Receipt]] = []
    dead: list[str] = []
    for sid, created in svc.accounts.made_by(email):
        try:
            receipt = svc.store.receipt(sid)
        except NotFound:
            if created < now - account_store.CREATE_GRACE:
                dead.append(sid)
            continue
        if receipt.newly_expired_unread:
            event("expired_unread")
        if receipt.creator == email:
            found.append((sid, receipt))
    svc.accounts.forget(email, dead)
    return found


def secret_json(sid: str, receipt: Receipt) -> dict[str, Any]:
    """One entry of a creator's list of links."""
    return {"id": sid, "label": receipt.label, "kind": receipt.kind or None, "state": receipt.state,
            "views_left": receipt.views_left, "expires_at": iso_time(receipt.expires_at),
            "events": events_json(receipt.events)}


def secrets_response(email: str) -> Response:
    return jsonify(secrets=[secret_json(sid, receipt) for sid, receipt in listing(email)])


def burn_all(email: str) -> int:
    """Burn every secret of ``email`` that can still be read; how many were burned now."""
    store = services().store
    burned = 0
    for sid, receipt in listing(email):
        if receipt.state not in OUTSTANDING:
            continue
        try:
            if store.burn(sid, facts=client_facts()):
                burned += 1
                event("burned")
        except NotFound:  # its receipt went between the listing and now: nothing left to burn
            continue
    return burned


def own_secret_id(sid: str, creator: Creator, *, admin_may: bool = True) -> str:
    """``sid`` when ``creator`` made it (or, with ``admin_may``, is an admin); else 404, as for an unknown id."""
    sid = secret_id(sid)
    if admin_may and creator.admin:
        return sid
    owner, _ = services().store.creator(sid)
    if not owner or owner != creator.email:
        raise NotFound(receipt=True)
    return sid


# --- /me ------------------------------------------------------------------------------------------


def whoami() -> Response:
    """Who the caller is, how they signed in, and (for a cookie or proxy identity) the CSRF token."""
    no_query()
    creator = signed_in()
    body: dict[str, Any] = {"email": creator.email, "admin": creator.admin, "via": creator.via}
    if creator.via != "token":
        body["csrf_token"] = csrf_token()
    return jsonify(body)


def my_secrets() -> Response:
    """The caller's links: alive, or ended while their receipts last."""
    no_query()
    return secrets_response(signed_in().email)


def burn_my_secrets() -> Response:
    """Burn every outstanding link of the caller."""
    no_query()
    return jsonify(burned=burn_all(signed_in().email))


def burn_my_secret(sid: str) -> Response:
    """Burn one of the caller's links; 204 again for one that has already ended."""
    no_query()
    creator = signed_in()
    sid = own_secret_id(sid, creator, admin_may=False)
    if services().store.burn(sid, facts=client_facts()):
        event("burned")
    return no_content()


# --- /me/tokens -----------------------------------------------------------------------------------


def token_json(token: account_store.ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": iso_time(token.created),
            "expires_at": iso_time(token.expires)}


def my_tokens() -> Response:
    """The caller's live API tokens, newest first (never the tokens themselves)."""
    no_query()
    creator = signed_in()
    return jsonify(tokens=[token_json(t) for t in services().accounts.tokens(creator.email)])


def token_name(value: Any) -> str:
    """A token's ``name``: one line of 1 to 80 characters."""
    if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value) or len(value.splitlines()) > 1:
        raise InvalidInput(TOKEN_NAME, field="name")
    name = value.strip()
    if not 1 <= len(name) <= TOKEN_NAME_MAX:
        raise InvalidInput(TOKEN_NAME, field="name")
    return name


def make_token() -> Response:
    """Make an API token for a signed-in creator (201); the token is in this answer and nowhere else."""
    no_query()
    creator = signed_in()
    if creator.via == "token":
        raise PolicyError("tokens", TOKENS_FROM_SIGN_IN, forbidden=True)
    if not services().creators.allows(creator.email):
        raise PolicyError("creators", MAY_NOT_CREATE, forbidden=True)
    body = read_body()
    if body.kind != "json":
        raise InvalidInput("Send this call's body as application/json.", field="body")
    only(body.values, {"name", "ttl"})
    name = token_name(body.values.get("name"))
    most = services().config.api_token_ttl_max
    ttl = integer(body.values.get("ttl", min(TOKEN_TTL_DEFAULT, most)), "ttl", TOKEN_TTL_MIN, most, form=False)
    token, record = services().accounts.issue_token(creator.email, name, ttl)
    response = jsonify({**token_json(record), "token": token})
    response.status_code = 201
    return response


def revoke_my_token(token_id: str) -> Response:
    """Revoke one of the caller's API tokens (a token may revoke itself)."""
    no_query()
    creator = signed_in()
    if not _TOKEN_ID.fullmatch(token_id) or not services().accounts.revoke_token(creator.email, token_id):
        raise NotFound(NO_SUCH_TOKEN)
    return no_content()
