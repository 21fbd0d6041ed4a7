"""The operator's policies at the HTTP edge: who and what may create, and ``GET /api/v1/policy``.

Every create path (the JSON and form API, curl mode, requests, and so the pages and the CLI)
calls :func:`check_create`; a refusal is a problem document whose ``policy`` member names the
setting. The kind of a zero-knowledge secret is inside its ciphertext, so the server checks the
kind only where it sees it (curl mode); the pages and the CLI read the policy and obey it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify, request

from ..core.errors import BurnlinkError, ErrorCode, PolicyError
from ..core.identity import REVEAL_ONLY, Creator, Creators, in_networks
from .identity import current_creator
from .services import services

# A file rides base64-encoded in the payload (4 symbols per 3 bytes), with JSON members, a name
# and the AEAD's header and tag around it.
FILE_FRAMING = 4096


def largest_blob(max_file: int) -> int:
    """The largest ciphertext a file of ``max_file`` bytes can make."""
    return -(-max_file * 4 // 3) + FILE_FRAMING


@dataclass(frozen=True)
class CreateRights:
    """What a create may record: its verified creator (or ``None``)."""

    creator: Creator | None

    @property
    def email(self) -> str:
        return self.creator.email if self.creator else ""


def check_create(*, has_code: bool, size: int, kind: str | None = None) -> CreateRights:
    """Check a create against every policy, in the order a person can mend them; raise or return who creates."""
    cfg = services().config
    if cfg.mode == REVEAL_ONLY:
        raise PolicyError("mode", "This server only opens links; create them on your organisation's internal server.",
                          forbidden=True)
    if cfg.create_networks and not in_networks(request.remote_addr or "", cfg.create_networks):
        raise PolicyError("create_networks", "Links can be created only from the networks this server allows.",
                          forbidden=True)
    creator = current_creator()
    creators: Creators = services().creators
    if creator is None and creators.needs_sign_in:
        raise BurnlinkError(code=ErrorCode.SIGN_IN_REQUIRED)
    if creator is not None and not creators.allows(creator.email):
        raise PolicyError("creators", "Your account may not create links on this server.", forbidden=True)
    if cfg.require_code and not has_code:
        raise PolicyError("require_code", "This server requires an access code on every secret.", field="has_code")
    if kind is not None and cfg.kinds and kind not in cfg.kinds:
        raise PolicyError("kinds", f"This server does not take {kind} secrets.", field="kind")
    if cfg.max_file and size > largest_blob(cfg.max_file):
        raise BurnlinkError(f"Secrets and files on this server may hold at most {cfg.max_file} bytes.",
                            code=ErrorCode.TOO_LARGE, policy="max_file", limit=cfg.max_file)
    return CreateRights(creator)


def check_targets(rights: CreateRights, targets: list[Any]) -> None:
    """E-mail goes out only for a signed-in creator where sign-in exists: never an open mail relay."""
    cfg = services().config
    signing_in = bool(cfg.oidc_issuer or cfg.trusted_user_header)
    if signing_in and rights.creator is None and any(t.type == "email" for t in targets):
        raise PolicyError("notify_types", "E-mail notifications are for signed-in creators; sign in first.", field="notify")


def policy_document() -> dict[str, Any]:
    """What clients need to shape their forms; no secret and no network list in it."""
    cfg = services().config
    creators: Creators = services().creators
    notifications = services().notifications
    return {
        "mode": cfg.mode,
        "creators": "anyone" if creators.anyone else ("listed" if creators.listed else "signed-in"),
        "sign_in": [name for name, on in (("oidc", bool(cfg.oidc_issuer)), ("proxy", bool(cfg.trusted_user_header))) if on],
        "create_networks_restricted": bool(cfg.create_networks),
        "ttl": {"min": cfg.ttl_min, "max": cfg.ttl_max, "default": cfg.ttl_default},
        "views": {"max": cfg.views_max, "default": cfg.views_default},
        "require_code": cfg.require_code,
        "kinds": list(cfg.kinds) or None,
        "max_blob": cfg.max_blob,
        "max_file": cfg.max_file or None,
        "notify_types": list(notifications.policy.types) if notifications else [],
    }


def policy_view() -> Response:
    """``GET /api/v1/policy``: open to anyone."""
    return jsonify(policy_document())
