"""Sign-in sessions kept in Redis; the cookie holds only the session's random id.

Flask's session interface, so Authlib's OpenID client keeps its state there between the
redirect and the callback. A request without the cookie costs nothing: no session is loaded
and none is written until something is put in it (the reveal path never does).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin

from ..core.config import DEVELOPMENT
from ..store.accounts import Accounts

COOKIE = "burnlink_session"
# A session that holds only an OpenID round trip's state, not yet a signed-in creator.
PENDING_TTL = 600


class ServerSession(dict[str, Any], SessionMixin):
    """A session's data, with the id it is stored under (``""`` until first saved)."""

    def __init__(self, data: dict[str, Any] | None = None, sid: str = "") -> None:
        super().__init__(data or {})
        self.sid = sid
        self.modified = False
        self.renew = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.modified = True

    def pop(self, key: str, *default: Any) -> Any:
        self.modified = self.modified or key in self
        return super().pop(key, *default)

    def clear(self) -> None:
        self.modified = self.modified or bool(self)
        super().clear()


def _new_id() -> str:
    return secrets.token_urlsafe(32)


class RedisSessions(SessionInterface):
    """Sessions in :class:`~app.store.accounts.Accounts`: ``HttpOnly``, ``SameSite=Lax``, ``Secure`` outside development."""

    def __init__(self, accounts: Accounts, *, ttl: int, env: str) -> None:
        self.accounts = accounts
        self.ttl = ttl
        self.secure = env != DEVELOPMENT

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if "HTTP_COOKIE" not in request.environ:  # most API calls: nothing to parse
            return ServerSession()
        sid = request.cookies.get(COOKIE, "")
        if not sid or len(sid) > 64:
            return ServerSession()
        data = self.accounts.load_session(sid)
        if data is None or float(data.get("exp", 0)) <= time.time():
            return ServerSession()
        return ServerSession(data, sid)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if not isinstance(session, ServerSession) or not (session.modified or session.renew):
            return
        if not session:
            if session.sid:
                self.accounts.end_session(session.sid)
                response.delete_cookie(COOKIE, path="/", secure=self.secure, httponly=True, samesite="Lax")
            return
        if session.renew and session.sid:
            # A new id at sign-in: an id planted before it (session fixation) signs nobody in.
            self.accounts.end_session(session.sid)
            session.sid = ""
        session.sid = session.sid or _new_id()
        now = time.time()
        if "exp" not in session:
            session["exp"] = now + (self.ttl if "email" in session else PENDING_TTL)
        ttl = max(int(float(session["exp"]) - now), 1)
        self.accounts.save_session(session.sid, dict(session), ttl)
        response.set_cookie(COOKIE, session.sid, max_age=ttl, path="/", secure=self.secure, httponly=True, samesite="Lax")
        response.vary.add("Cookie")


def start_signed_in(session: ServerSession, email: str, sub: str, ttl: int) -> None:
    """Turn ``session`` into a signed-in one for ``email``: fresh id, fresh CSRF secret, full lifetime."""
    session.clear()
    session.update({"email": email, "sub": sub, "csrf": secrets.token_urlsafe(32), "exp": time.time() + ttl})
    session.modified = True
    session.renew = True
