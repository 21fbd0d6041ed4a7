"""The creators' pages: "My links" (``/me``), API tokens (``/tokens``), offboarding (``/admin``), and
what the create page may offer this visitor under the operator's policies.

Server-rendered shells like the others (``pages.py``). Their scripts (``me.js``, ``tokens.js``,
``admin.js``) call ``/api/v1/me…`` and ``/api/v1/creators/…`` with the page's cookie and send back
the CSRF token the page carries in its ``data-csrf`` attribute. Who the visitor is comes from
:func:`~app.server.identity.current_creator`; the API checks it again on every call.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from ..core.identity import REVEAL_ONLY, in_networks
from ..core.payload import KINDS
from .identity import csrf_token, current_creator
from .pages import page
from .policy import policy_document
from .services import services

bp = Blueprint("accounts", __name__)
# An API token's lifetimes on offer (7, 30, 90 and 365 days), up to BURNLINK_API_TOKEN_TTL_MAX.
TOKEN_TTLS = (7 * 86400, 30 * 86400, 90 * 86400, 365 * 86400)
TOKEN_TTL_DEFAULT = 90 * 86400
# The create page's bulk mode makes access keys and console sign-ins: it is offered only where both are.
BULK_KINDS = ("aws-access-key", "console-login")


def sign_in_offer(next_path: str) -> dict[str, Any]:
    """How a visitor signs in here: ``url`` of the OpenID sign-in (``""`` without one), ``proxy`` when a proxy signs people in."""
    cfg = services().config
    url = "/signin?" + urlencode({"next": next_path}) if cfg.oidc_issuer else ""
    return {"url": url, "proxy": bool(cfg.trusted_user_header)}


def _viewer() -> dict[str, Any]:
    """The visitor as the templates need them: ``creator`` (or ``None``) and the CSRF token for the scripts."""
    creator = current_creator()
    return {"creator": creator, "csrf": csrf_token() if creator else ""}


@bp.get("/me")
def my_links() -> Response:
    """My links: the signed-in creator's links, burn one or all; and the links remembered in this browser."""
    return page("me.html", sign_in=sign_in_offer("/me"), **_viewer())


@bp.get("/tokens")
def api_tokens() -> Response:
    """The creator's API tokens: make one (shown once), list them, revoke one."""
    cfg = services().config
    ttls = [ttl for ttl in TOKEN_TTLS if ttl <= cfg.api_token_ttl_max] or [cfg.api_token_ttl_max]
    default = TOKEN_TTL_DEFAULT if TOKEN_TTL_DEFAULT in ttls else ttls[-1]
    return page("tokens.html", sign_in=sign_in_offer("/tokens"), token_ttls=ttls, token_ttl_default=default, **_viewer())


@bp.get("/admin")
def offboarding() -> Response:
    """Admins only: one creator's outstanding links, burn them all, end their sessions and tokens."""
    viewer = _viewer()
    creator = viewer["creator"]
    if creator is None or not creator.admin:
        return page("admin.html", status=403, forbidden=True, sign_in=sign_in_offer("/admin"), **viewer)
    return page("admin.html", forbidden=False, **viewer)


def create_context(limits: dict[str, Any], here: str = "/") -> tuple[Response | None, dict[str, Any]]:
    """The create page's context under the policies, for this visitor; or, first, the page that says why there is no form.

    ``limits`` is the page's expiry, views and size limits (``pages._limits``); what it offers is
    narrowed to what the policies allow, and the policy document goes into the page whole. ``here``
    is the page's path, where signing in comes back to (the ask page obeys the same policies).
    """
    cfg = services().config
    if cfg.mode == REVEAL_ONLY:
        return page("closed.html", reason="reveal-only"), {}
    if cfg.create_networks and not in_networks(request.remote_addr or "", cfg.create_networks):
        return page("closed.html", status=403, reason="network"), {}
    viewer = _viewer()
    creator = viewer["creator"]
    creators = services().creators
    if creator is None and creators.needs_sign_in:
        return page("closed.html", reason="sign-in", sign_in=sign_in_offer(here)), {}
    if creator is not None and not creators.allows(creator.email):
        return page("closed.html", status=403, reason="not-listed"), {}
    policy = policy_document()
    allowed = policy["kinds"] or KINDS
    kinds = [kind for kind in KINDS if kind in allowed]
    if all(kind in allowed for kind in BULK_KINDS):
        kinds.append("bulk")
    signing_in = bool(cfg.oidc_issuer or cfg.trusted_user_header)
    # Where people can sign in, e-mail goes out only for those who did (policy.check_targets).
    notify = [t for t in limits["notify_types"] if t in policy["notify_types"] and (t != "email" or creator or not signing_in)]
    # "<" escaped so nothing in it can close the data block it is embedded in.
    policy_json = json.dumps(policy).replace("<", "\\u003c")
    return None, {"limits": {**limits, "notify_types": notify}, "kinds": kinds, "policy": policy, "policy_json": policy_json,
                  "sign_in": sign_in_offer(here), **viewer}
