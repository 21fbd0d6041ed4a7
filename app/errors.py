"""Errors as values with codes.

Code anywhere in burnlink raises a :class:`BurnlinkError` (or one of its
subclasses); the edges turn it into a response in exactly one place each:
:func:`app.api.problem_response` for the HTTP API, the web blueprint's error
page for browsers, and the CLI's exit codes.
"""

from __future__ import annotations

from typing import Any


class BurnlinkError(Exception):
    """A failure a client can act on: an HTTP status, a snake_case code, a sentence."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = headers or {}
        self.extra: dict[str, Any] = dict(extra)
        if field is not None:
            self.extra["field"] = field

    @property
    def field(self) -> str | None:
        return self.extra.get("field")


class InvalidInput(BurnlinkError):
    """A member or value that breaks the protocol's rules (400 ``invalid_field``)."""

    status = 400
    code = "invalid_field"


class NotFound(BurnlinkError):
    """A missing, ended or unknown secret, or a wrong link proof: deliberately alike."""

    status = 404
    code = "not_found"

    def __init__(self, detail: str = "This secret does not exist, has been opened already, or has expired.", **kw: Any) -> None:
        super().__init__(detail, **kw)


class WrongAccessCode(BurnlinkError):
    """The link proof was right and the auth proof was not; one try was counted."""

    status = 403
    code = "wrong_access_code"


class Unauthorized(BurnlinkError):
    """No usable manage token."""

    status = 401
    code = "unauthorized"

    def __init__(self, detail: str = "A valid manage token is required (Authorization: Bearer …).", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="burnlink"'})
        super().__init__(detail, **kw)


class Forbidden(BurnlinkError):
    """A valid manage token, but of another secret."""

    status = 403
    code = "forbidden"


class StorageUnavailable(BurnlinkError):
    """Redis did not answer in time. For a reveal this is no promise that nothing was spent:
    Redis may have run the script and died before replying (the receipt tells)."""

    status = 503
    code = "storage_unavailable"

    def __init__(self, detail: str = "Storage is unavailable right now; try again shortly.", **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kw)
