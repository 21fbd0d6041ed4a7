"""What the store answers: plain records, no Redis types."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Created:
    id: str
    expires_at: int


@dataclass(frozen=True)
class Metadata:
    has_code: bool
    expires_at: int
    views_left: int


@dataclass(frozen=True)
class Revealed:
    blob: bytes
    views_left: int


@dataclass(frozen=True)
class Receipt:
    state: str
    views_left: int
    viewed_at: list[int]
    expires_at: int
    newly_expired_unread: bool = False
