"""Errors as values: one enumeration of codes, one exception type that carries one.

Code in every layer raises :class:`BurnlinkError` (or a subclass naming a
common case) where a failure happens. The edges map the code once each: the
server to an RFC 9457 problem document (:mod:`app.server.problems`), the CLI
to an exit code (:mod:`app.cli.exits`). No layer tells errors apart by their
message.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every error code burnlink uses; the values are the API's ``code`` members."""

    # Input that breaks the protocol's rules.
    BAD_REQUEST = "bad_request"
    INVALID_FIELD = "invalid_field"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_JSON = "invalid_json"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    # Secrets and their owners.
    NOT_FOUND = "not_found"
    WRONG_ACCESS_CODE = "wrong_access_code"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    UNDECRYPTABLE = "undecryptable"
    ALREADY_ANSWERED = "already_answered"
    # Who may create, and the operator's policies.
    SIGN_IN_REQUIRED = "sign_in_required"
    POLICY_FORBIDDEN = "policy_forbidden"
    POLICY_VIOLATION = "policy_violation"
    CSRF_FAILED = "csrf_failed"
    # The service.
    RATE_LIMITED = "rate_limited"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    INTERNAL_ERROR = "internal_error"
    HTTP_ERROR = "http_error"
    # Seen by clients only: the local side of a failure.
    USAGE = "usage"
    UNREACHABLE = "unreachable"
    BAD_ANSWER = "bad_answer"
    REDIRECT = "redirect"
    SERVER_ERROR = "server_error"
    TAMPERED = "tampered"

    @classmethod
    def parse(cls, value: object) -> ErrorCode | None:
        """The member whose value is ``value``, or ``None`` for anything else."""
        try:
            return cls(value) if isinstance(value, str) else None
        except ValueError:
            return None


class BurnlinkError(Exception):
    """A failure with a :class:`ErrorCode`, an optional sentence and extension members.

    ``detail`` is a sentence for a person when the raiser knows better than the
    edge's table (``ttl must be between 60 and 604800``); ``None`` lets the edge
    pick the table's sentence. ``extra`` holds machine-readable members such as
    ``field`` or ``attempts_left``.
    """

    code: ErrorCode = ErrorCode.BAD_REQUEST

    def __init__(self, detail: str | None = None, *, code: ErrorCode | None = None, field: str | None = None,
                 **extra: Any) -> None:
        super().__init__(detail or "")
        if code is not None:
            self.code = code
        self.detail = detail
        self.extra: dict[str, Any] = dict(extra)
        if field is not None:
            self.extra["field"] = field

    @property
    def field(self) -> str | None:
        return self.extra.get("field")

    def __str__(self) -> str:
        return self.detail or self.code.value


class InvalidInput(BurnlinkError):
    """A member or value that breaks the protocol's rules."""

    code = ErrorCode.INVALID_FIELD


class NotFound(BurnlinkError):
    """A missing, ended or unknown secret, or a wrong link proof: deliberately alike.

    ``receipt`` is true when what is missing is the receipt (a creator's call).
    """

    code = ErrorCode.NOT_FOUND

    def __init__(self, detail: str | None = None, *, receipt: bool = False, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.receipt = receipt


class WrongAccessCode(BurnlinkError):
    """The link proof was right and the auth proof was not; one try was counted.

    ``attempts_left`` says how many remain (0: the secret was destroyed).
    """

    code = ErrorCode.WRONG_ACCESS_CODE

    def __init__(self, attempts_left: int, detail: str | None = None) -> None:
        super().__init__(detail, attempts_left=attempts_left)

    @property
    def attempts_left(self) -> int:
        return int(self.extra["attempts_left"])


class Unauthorized(BurnlinkError):
    """No usable manage token."""

    code = ErrorCode.UNAUTHORIZED


class Forbidden(BurnlinkError):
    """A valid manage token, but of another secret."""

    code = ErrorCode.FORBIDDEN


class PolicyError(BurnlinkError):
    """A create (or an account call) the operator's settings refuse; ``policy`` names the setting.

    ``forbidden`` (403) when who or where the request comes from is refused, otherwise a
    violation (400) that a different request could mend.
    """

    def __init__(self, policy: str, detail: str | None = None, *, forbidden: bool = False, **extra: Any) -> None:
        super().__init__(detail, code=ErrorCode.POLICY_FORBIDDEN if forbidden else ErrorCode.POLICY_VIOLATION,
                         policy=policy, **extra)


class StorageUnavailable(BurnlinkError):
    """Storage did not answer in time.

    For a reveal this is no promise that nothing was spent: Redis may have run
    the script and died before replying (the receipt tells).
    """

    code = ErrorCode.STORAGE_UNAVAILABLE


class ConfigError(RuntimeError):
    """One or more settings are missing or malformed; raised at start-up, never at request time.

    ``problems`` lists every sentence, so a start reports all of them at once.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))
