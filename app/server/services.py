"""The per-application objects the handlers share: config, store, token signer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..core.config import Config
from ..store import RequestStore, Store
from .tokens import ManageTokens


@dataclass
class Services:
    config: Config
    client: Any
    store: Store
    tokens: ManageTokens
    embedded: bool
    notifications: Any = None
    limiter: Any = None
    requests: RequestStore | None = None


def services() -> Services:
    """The current app's :class:`Services` (set up by :func:`app.server.create_app`)."""
    return current_app.extensions["burnlink"]
