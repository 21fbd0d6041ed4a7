"""Creators in Redis: sign-in sessions, API tokens, and the index of what each creator made.

Data model (``P`` the prefix; ``U`` a creator's :func:`~app.core.identity.user_key`; ``D`` the
SHA-256 of a session id or token, which are never stored themselves):

``P:sess:D`` – string, TTL = the session's lifetime: the session's JSON (e-mail, sub, CSRF
    secret, sign-in state while an OpenID round trip is under way).
``P:user:U:sess`` – set of the creator's session digests, so an admin can end them all.
``P:tok:D`` – hash, TTL = the token's lifetime: ``e`` owner, ``i`` token id.
``P:user:U:tok`` – hash, token id → JSON ``{name, created, expires, digest}`` (the tokens page).
``P:user:U:idx`` – sorted set, secret id → creation time: every secret the creator made.

Every key is touched alone (no script spans two), so all of this works on a Redis Cluster.
The index entry is written *before* the secret: a create that dies halfway leaves an entry
without a secret (dropped when listed), never a secret without its entry, so burn-all misses
nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.identity import digest, new_api_token, user_key

# An index entry whose secret has not appeared after this long belongs to a create that died.
CREATE_GRACE = 60


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class ApiToken:
    """A token as its owner sees it on the tokens page (never the token itself)."""

    id: str
    name: str
    created: int
    expires: int


class Accounts:
    """Sessions, API tokens and creator indexes, each key on its own."""

    def __init__(self, client: Any, *, prefix: str = "bl", index_ttl: int = 8 * 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self.index_ttl = index_ttl
        self.clock = clock

    def _user(self, email: str, what: str) -> str:
        return f"{self.prefix}:user:{user_key(email)}:{what}"

    # --- sessions ------------------------------------------------------------------------------

    def session_key(self, session_id: str) -> str:
        return f"{self.prefix}:sess:{digest(session_id)}"

    def load_session(self, session_id: str) -> dict[str, Any] | None:
        """The session's data, or ``None`` when it has ended or never was."""
        raw = self.client.get(self.session_key(session_id))
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def save_session(self, session_id: str, data: dict[str, Any], ttl: int) -> None:
        """Write the session; a signed-in one is also listed under its owner."""
        key = self.session_key(session_id)
        self.client.set(key, json.dumps(data, separators=(",", ":")), ex=ttl)
        email = data.get("email")
        if isinstance(email, str):
            owner = self._user(email, "sess")
            self.client.sadd(owner, digest(session_id))
            self.client.expire(owner, ttl)

    def end_session(self, session_id: str) -> None:
        """End one session (sign out)."""
        key = self.session_key(session_id)
        data = self.load_session(session_id)
        self.client.delete(key)
        if data and isinstance(data.get("email"), str):
            self.client.srem(self._user(data["email"], "sess"), digest(session_id))

    def end_sessions(self, email: str) -> int:
        """End every session of ``email`` (offboarding); how many there were."""
        owner = self._user(email, "sess")
        digests = [_text(d) for d in self.client.smembers(owner)]
        for d in digests:
            self.client.delete(f"{self.prefix}:sess:{d}")
        self.client.delete(owner)
        return len(digests)

    # --- API tokens ----------------------------------------------------------------------------

    def issue_token(self, email: str, name: str, ttl: int) -> tuple[str, ApiToken]:
        """A new token for ``email``: the token (shown once) and what is kept of it."""
        token = new_api_token()
        now = int(self.clock())
        record = ApiToken(digest(token)[:16], name, now, now + ttl)
        self.client.hset(f"{self.prefix}:tok:{digest(token)}", mapping={"e": email, "i": record.id})
        self.client.expire(f"{self.prefix}:tok:{digest(token)}", ttl)
        listing = self._user(email, "tok")
        entry = {"name": name, "created": record.created, "expires": record.expires, "digest": digest(token)}
        self.client.hset(listing, record.id, json.dumps(entry))
        self.client.expire(listing, max(ttl, int(self.client.ttl(listing) or 0)))
        return token, record

    def token_owner(self, token: str) -> str | None:
        """The e-mail a token acts for, or ``None`` when it is unknown, revoked or expired."""
        owner = self.client.hget(f"{self.prefix}:tok:{digest(token)}", "e")
        return _text(owner) if owner else None

    def tokens(self, email: str) -> list[ApiToken]:
        """The live tokens of ``email``, newest first."""
        now = int(self.clock())
        found = []
        for token_id, raw in self.client.hgetall(self._user(email, "tok")).items():
            entry = json.loads(raw)
            if entry["expires"] > now:
                found.append(ApiToken(_text(token_id), entry["name"], entry["created"], entry["expires"]))
        return sorted(found, key=lambda t: t.created, reverse=True)

    def revoke_token(self, email: str, token_id: str) -> bool:
        """Revoke one of ``email``'s tokens; ``False`` when it has none by that id."""
        listing = self._user(email, "tok")
        raw = self.client.hget(listing, token_id)
        if not raw:
            return False
        self.client.delete(f"{self.prefix}:tok:{json.loads(raw)['digest']}")
        self.client.hdel(listing, token_id)
        return True

    def revoke_tokens(self, email: str) -> int:
        """Revoke every token of ``email`` (offboarding); how many there were."""
        ids = [_text(i) for i in self.client.hkeys(self._user(email, "tok"))]
        return sum(self.revoke_token(email, token_id) for token_id in ids)

    # --- what each creator made ----------------------------------------------------------------

    def remember(self, email: str, secret_id: str) -> None:
        """Index a secret under its creator; called before the secret is stored."""
        index = self._user(email, "idx")
        self.client.zadd(index, {secret_id: int(self.clock())})
        self.client.expire(index, self.index_ttl)

    def made_by(self, email: str) -> list[tuple[str, int]]:
        """``(secret id, created)`` of everything indexed under ``email``, newest first; old entries go."""
        index = self._user(email, "idx")
        self.client.zremrangebyscore(index, "-inf", int(self.clock()) - self.index_ttl)
        return [(_text(m), int(s)) for m, s in self.client.zrevrange(index, 0, -1, withscores=True)]

    def forget(self, email: str, secret_ids: list[str]) -> None:
        """Drop index entries whose secret never came or whose receipt has gone."""
        if secret_ids:
            self.client.zrem(self._user(email, "idx"), *secret_ids)
