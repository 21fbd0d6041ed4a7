"""When temporary credentials expire: the sender's TTL cap and the recipient's ``expires:`` line.

A link to credentials that have expired hands over nothing but a secret key that still
has to be kept from others, so ``send`` makes the link live no longer than they do.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import click

from ..core import kinds, wire
from .exits import fail
from .terminal import line_safe


def seconds_left(fields: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until ``fields["expiration"]`` (negative once past), or None when there is no readable one."""
    when = kinds.parse_expiration(fields.get("expiration", ""))
    if when is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def span(seconds: float) -> str:
    """A duration for a person, to the minute: ``47 minutes``, ``2 hours 5 minutes``, ``30 seconds``."""
    whole = int(abs(seconds))
    if whole < 60:
        return _count(whole, "second")
    minutes = whole // 60
    if minutes < 60:
        return _count(minutes, "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _count(hours, "hour") + (f" {_count(minutes, 'minute')}" if minutes else "")
    days, hours = divmod(hours, 24)
    return _count(days, "day") + (f" {_count(hours, 'hour')}" if hours else "")


def expires_line(fields: Mapping[str, str]) -> str | None:
    """``expires: 2026-11-24T08:00:00Z (in 47 minutes)`` for a readable expiration, else None."""
    left = seconds_left(fields)
    if left is None:
        return None
    when = f"in {span(left)}" if left >= 0 else f"expired {span(left)} ago"
    return f"expires: {line_safe(fields['expiration'])} ({when})"


def session_ttl(fields: Mapping[str, str], ttl: int | None, given: str | None) -> int | None:
    """The TTL to ask for temporary credentials: ``ttl`` (None: a day), capped at what they have left.

    Refuses (exit 1, nothing sent) credentials that have expired or will within the shortest TTL.
    """
    left = seconds_left(fields)
    if left is None:
        if "expiration" in fields:
            click.echo("burnlink: the expiration of these credentials cannot be read; the link's lifetime is not "
                       "capped at theirs.", err=True)
        else:
            click.echo("burnlink: these credentials carry no expiration; the link's lifetime is not capped at theirs "
                       "(--ttl sets it).", err=True)
        return ttl
    expiration = line_safe(fields["expiration"])
    if left <= 0:
        fail(f"These credentials expired at {expiration} ({span(left)} ago); nothing was sent.")
    if left < wire.TTL_MIN:
        fail(f"These credentials expire in {span(left)} ({expiration}), sooner than a link can live "
             f"({wire.TTL_MIN} s); nothing was sent.")
    capped = int(left)
    if ttl is None:
        return min(capped, wire.TTL_DEFAULT)
    if ttl > capped:
        click.echo(f"burnlink: --ttl {line_safe(given or str(ttl))} outlives these credentials, which expire at "
                   f"{expiration} (in {span(left)}); the link expires with them.", err=True)
        return capped
    return ttl
