"""Errors at the HTTP edge: every failure becomes one RFC 9457 problem document, here.

:data:`TABLE` gives each :class:`~app.core.errors.ErrorCode` its status, the
sentence a person reads when the raiser gave none, and fixed headers.
:func:`to_problem` maps any exception (ours, the framework's, Redis's) to a
:class:`Problem`; :func:`problem_response` writes it.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from flask import Response
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException

from ..core.errors import BurnlinkError, ErrorCode, NotFound, WrongAccessCode
from .i18n import N_, current_language, gettext, localized_detail, ngettext

log = logging.getLogger("burnlink")

# The sentences are in English here and in the reader's language where they are used (i18n.py):
# the API answers in English unless the client sends Accept-Language.
NOT_FOUND_SECRET = N_("This secret does not exist, has been opened already, or has expired.")
NOT_FOUND_RECEIPT = N_("No receipt for this secret (unknown id, or its receipt has expired).")
NOT_FOUND_PATH = N_("There is nothing at this address.")


def _not_found(err: BurnlinkError) -> str:
    return gettext(NOT_FOUND_RECEIPT if isinstance(err, NotFound) and err.receipt else NOT_FOUND_SECRET)


def _wrong_code(err: BurnlinkError) -> str:
    left = err.attempts_left if isinstance(err, WrongAccessCode) else 0
    if left == 0:
        return gettext("Wrong access code. That was the last try: the secret has been destroyed.")
    return ngettext("Wrong access code. %(num)d try left before the secret is destroyed.",
                    "Wrong access code. %(num)d tries left before the secret is destroyed.", left)


@dataclass(frozen=True)
class Rule:
    """How one code answers: status, default sentence (English text, or a function of the error), headers."""

    status: int
    sentence: str | Callable[[BurnlinkError], str]
    headers: Mapping[str, str] = field(default_factory=dict)


TABLE: dict[ErrorCode, Rule] = {
    ErrorCode.BAD_REQUEST: Rule(400, N_("The request could not be understood.")),
    ErrorCode.INVALID_FIELD: Rule(400, N_("A member of the request is invalid.")),
    ErrorCode.UNKNOWN_FIELD: Rule(400, N_("The request has a member this call does not take.")),
    ErrorCode.INVALID_JSON: Rule(400, N_("The request body is not valid JSON.")),
    ErrorCode.TOO_LARGE: Rule(413, N_("The request body is larger than this server accepts.")),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: Rule(415, N_("This request type is not supported here.")),
    ErrorCode.METHOD_NOT_ALLOWED: Rule(405, N_("This method is not allowed here.")),
    ErrorCode.NOT_FOUND: Rule(404, _not_found),
    ErrorCode.WRONG_ACCESS_CODE: Rule(403, _wrong_code),
    ErrorCode.UNAUTHORIZED: Rule(401, N_("A valid manage token is required (Authorization: Bearer …)."),
                                 {"WWW-Authenticate": 'Bearer realm="burnlink"'}),
    ErrorCode.FORBIDDEN: Rule(403, N_("This manage token belongs to another secret.")),
    ErrorCode.UNDECRYPTABLE: Rule(422, N_("The secret was stored in a form this server cannot open.")),
    ErrorCode.ALREADY_ANSWERED: Rule(409, N_("This request has already been answered; it takes one answer.")),
    ErrorCode.SIGN_IN_REQUIRED: Rule(401, N_("Sign in to create links here (or send an API token: Authorization: Bearer blt_…)."),
                                     {"WWW-Authenticate": 'Bearer realm="burnlink"'}),
    ErrorCode.POLICY_FORBIDDEN: Rule(403, N_("This server's policy does not allow this.")),
    ErrorCode.POLICY_VIOLATION: Rule(400, N_("This server's policy does not allow this request as it stands.")),
    ErrorCode.CSRF_FAILED: Rule(403, N_("This form has expired or did not come from this site; reload the page and try again.")),
    ErrorCode.RATE_LIMITED: Rule(429, N_("Too many requests; try again later.")),
    ErrorCode.STORAGE_UNAVAILABLE: Rule(503, N_("Storage is unavailable right now; try again shortly."), {"Retry-After": "5"}),
    ErrorCode.INTERNAL_ERROR: Rule(500, N_("Something went wrong on our side.")),
    ErrorCode.HTTP_ERROR: Rule(400, N_("The request could not be handled.")),
}
# Codes a server never sends (they name a client's own failures) answer as internal errors.
_FALLBACK = TABLE[ErrorCode.INTERNAL_ERROR]

# The framework's HTTP errors by status; anything else keeps its status as http_error.
_HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.RATE_LIMITED,
}
_HTTP_SENTENCES = {404: NOT_FOUND_PATH, 413: TABLE[ErrorCode.TOO_LARGE].sentence}
_PASSED_HEADERS = ("allow", "retry-after")


@dataclass(frozen=True)
class Problem:
    """One problem document's members and headers."""

    status: int
    code: ErrorCode
    detail: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


def from_error(err: BurnlinkError, *, status: int | None = None, headers: Mapping[str, str] | None = None) -> Problem:
    """The problem for one of our errors, by the table."""
    rule = TABLE.get(err.code, _FALLBACK)
    sentence = gettext(rule.sentence) if isinstance(rule.sentence, str) else rule.sentence(err)
    return Problem(status or rule.status, err.code, localized_detail(err.detail, sentence), dict(err.extra),
                   {**rule.headers, **(headers or {})})


def to_problem(exc: BaseException) -> Problem:
    """Map any exception to a :class:`Problem` (the one place that does)."""
    if isinstance(exc, BurnlinkError):
        return from_error(exc)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        code = _HTTP_CODES.get(status, ErrorCode.HTTP_ERROR)
        detail = _HTTP_SENTENCES.get(status, exc.description or "")
        headers = {k: v for k, v in exc.get_headers() if k.lower() in _PASSED_HEADERS}
        return from_error(BurnlinkError(str(detail) or None, code=code), status=status, headers=headers)
    if isinstance(exc, RedisError):
        log.warning("storage unavailable: %s", type(exc).__name__)
        return from_error(BurnlinkError(code=ErrorCode.STORAGE_UNAVAILABLE))
    # The message may quote input; log the type and the frames only.
    log.error("unhandled %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    return from_error(BurnlinkError(code=ErrorCode.INTERNAL_ERROR))


def problem_response(problem: Problem) -> Response:
    """An RFC 9457 ``application/problem+json`` response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code.value,
    }
    body.update(problem.extra)
    response = Response(json.dumps(body), status=problem.status, mimetype="application/problem+json")
    response.headers["Content-Language"] = current_language()
    response.vary.add("Accept-Language")
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response
