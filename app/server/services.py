"""The per-application objects the handlers share: config, store, token signer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..core.config import Config
from ..core.identity import Creators
from ..store import RequestStore, Store
from ..store.accounts import Accounts
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
    accounts: Accounts = None  # type: ignore[assignment]
    creators: Creators = field(default_factory=Creators)


def services() -> Services:
    """The current app's :class:`Services` (set up by :func:`app.server.create_app`)."""
    return current_app.extensions["burnlink"]
