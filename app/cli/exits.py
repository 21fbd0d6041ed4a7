"""The CLI's one error edge: every failure becomes an exit code and one line for stderr.

Exit codes: 0 ok, 1 usage or bad input, 2 not found or already used, 3 wrong
access code, 4 server unreachable or failing, 5 refused by the server's sign-in
or policy (sign-in needed, API token refused, or a policy setting, which the
message names).
"""

from __future__ import annotations

from typing import NoReturn

import click

from ..core.errors import BurnlinkError, ErrorCode
from .terminal import line_safe, one_line

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_WRONG_CODE, EXIT_SERVER, EXIT_REFUSED = 0, 1, 2, 3, 4, 5

EXIT_CODES: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: EXIT_NOT_FOUND,
    ErrorCode.ALREADY_ANSWERED: EXIT_NOT_FOUND,
    ErrorCode.TAMPERED: EXIT_NOT_FOUND,
    ErrorCode.WRONG_ACCESS_CODE: EXIT_WRONG_CODE,
    ErrorCode.UNREACHABLE: EXIT_SERVER,
    ErrorCode.BAD_ANSWER: EXIT_SERVER,
    ErrorCode.REDIRECT: EXIT_SERVER,
    ErrorCode.STORAGE_UNAVAILABLE: EXIT_SERVER,
    ErrorCode.RATE_LIMITED: EXIT_SERVER,
    ErrorCode.INTERNAL_ERROR: EXIT_SERVER,
    ErrorCode.SERVER_ERROR: EXIT_SERVER,
    ErrorCode.SIGN_IN_REQUIRED: EXIT_REFUSED,
    ErrorCode.POLICY_FORBIDDEN: EXIT_REFUSED,
    ErrorCode.POLICY_VIOLATION: EXIT_REFUSED,
    ErrorCode.CSRF_FAILED: EXIT_REFUSED,
}


def _wrong_code(err: BurnlinkError) -> str:
    left = err.extra.get("attempts_left")
    if not isinstance(left, int) or isinstance(left, bool):
        return "Wrong access code."
    if left > 0:
        return f"Wrong access code; {left} {'try' if left == 1 else 'tries'} left."
    return "Wrong access code; that was the last try and the secret is now destroyed."


def _sign_in(err: BurnlinkError) -> str:
    if err.extra.get("token_refused"):
        return ("The server refused the API token: it is unknown, revoked or expired. Make a new one on the "
                "server's API tokens page and put it in BURNLINK_API_TOKEN.")
    command = err.extra.get("command")
    if isinstance(command, str):  # the CLI's own check: nothing was sent
        return (f"burnlink {command} needs an API token: sign in on the server's pages, make one on its API tokens "
                "page, and set BURNLINK_API_TOKEN.")
    return ("This server wants to know who you are: sign in on its pages and make an API token there, "
            "then set BURNLINK_API_TOKEN.")


# The CLI's own sentence for a code, where it knows better than the server's.
SENTENCES = {ErrorCode.WRONG_ACCESS_CODE: _wrong_code, ErrorCode.SIGN_IN_REQUIRED: _sign_in}


def _policy(err: BurnlinkError) -> str | None:
    """The operator's setting that refused ``err``, when it names one."""
    policy = err.extra.get("policy")
    return policy if isinstance(policy, str) and policy else None


def exit_code(err: BurnlinkError) -> int:
    """The exit code of a :class:`BurnlinkError`: by its code, and 5 whenever a policy setting refused it."""
    if _policy(err) is not None:  # e.g. too_large from the max_file policy, not from the protocol's limit
        return EXIT_REFUSED
    return EXIT_CODES.get(err.code, EXIT_USAGE)


def message(err: BurnlinkError) -> str:
    """The line a person reads for ``err``, safe for a terminal (a detail may come from a server)."""
    sentence = SENTENCES.get(err.code)
    text = sentence(err) if sentence is not None else err.detail or err.code.value.replace("_", " ")
    policy = _policy(err)
    if policy is not None:
        text = f"{text} (server policy: {policy})"
    return line_safe(one_line(text))


def describe(err: BaseException) -> tuple[int, str]:
    """Any failure as ``(exit code, one line for stderr)``, safe for a terminal."""
    code, text = _describe(err)
    return code, line_safe(one_line(text))


def _describe(err: BaseException) -> tuple[int, str]:
    if isinstance(err, BurnlinkError):
        return exit_code(err), message(err)
    if isinstance(err, click.exceptions.Abort):
        return EXIT_USAGE, "aborted."
    if isinstance(err, click.ClickException):
        return EXIT_USAGE, err.format_message()
    if isinstance(err, KeyboardInterrupt):
        return EXIT_USAGE, "interrupted."
    if isinstance(err, OSError):  # a local file or terminal problem
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return EXIT_USAGE, f"{where}{err.strerror or type(err).__name__}."
    return EXIT_USAGE, f"internal error ({type(err).__name__}); please report it."


def fail(sentence: str) -> NoReturn:
    """Stop with a usage or bad-input error (exit 1)."""
    raise BurnlinkError(sentence, code=ErrorCode.USAGE)


__all__ = ["EXIT_CODES", "EXIT_REFUSED", "describe", "exit_code", "fail", "message"]
