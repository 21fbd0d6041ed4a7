"""The real shapes of the values a kind carries, for the clients that turn them into config.

An ``aws-access-key`` payload becomes ``export`` lines or a ``~/.aws/credentials``
profile on the recipient's machine. A value with a newline or a quote in it would
become lines of its own there (a ``credential_process`` line runs a command), so a
client builds those forms only from values that have their real shape, and shows
anything else as plain values. A secret is never altered: a sender is only warned.

The browser holds a JavaScript copy of these patterns (``static/js/kinds.js``, and of the
recognition below in ``static/js/awssession.js``); both use exactly the same regular
expressions. Python matches them with :func:`re.fullmatch`
and ``re.ASCII``, so ``$`` cannot accept a trailing newline and ``\\d`` only ASCII digits.

An ``aws-session`` payload holds temporary credentials (STS): the same fields plus a required
``session_token`` and the ``expiration`` AWS printed. :func:`session_fields` recognises them in the
JSON of ``aws sts assume-role``, ``get-session-token`` and ``get-federation-token``, and in
``export AWS_…=…`` lines.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from datetime import datetime

AWS_ACCESS_KEY_ID_PATTERN = r"^[A-Z0-9]{16,128}$"
AWS_SECRET_ACCESS_KEY_PATTERN = r"^[A-Za-z0-9/+=]{40}$"  # noqa: S105 - a shape, not a password
AWS_REGION_PATTERN = r"^[a-z]{2}(-[a-z]+)+-\d$"
AWS_SESSION_TOKEN_PATTERN = r"^[A-Za-z0-9/+=]+$"  # noqa: S105 - a shape, not a token
# ISO 8601 as AWS prints it: 2026-11-24T08:00:00Z (the API), 2026-11-24T08:00:00+00:00 (the CLI).
AWS_EXPIRATION_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
# A profile name becomes a `[section]` header: no brackets, spaces, newlines or '#'.
AWS_PROFILE_NAME_PATTERN = r"^[A-Za-z0-9_.@+-]{1,64}$"

AWS_ACCESS_KEY_ID = re.compile(AWS_ACCESS_KEY_ID_PATTERN, re.ASCII)
AWS_SECRET_ACCESS_KEY = re.compile(AWS_SECRET_ACCESS_KEY_PATTERN, re.ASCII)
AWS_REGION = re.compile(AWS_REGION_PATTERN, re.ASCII)
AWS_SESSION_TOKEN = re.compile(AWS_SESSION_TOKEN_PATTERN, re.ASCII)
AWS_EXPIRATION = re.compile(AWS_EXPIRATION_PATTERN, re.ASCII)
AWS_PROFILE_NAME = re.compile(AWS_PROFILE_NAME_PATTERN, re.ASCII)

# The aws-access-key fields that take part in an export or credentials form, with their shapes and
# what each is called there; `note` and any other field never do.
AWS_FIELD_SHAPES: dict[str, re.Pattern[str]] = {
    "access_key_id": AWS_ACCESS_KEY_ID,
    "secret_access_key": AWS_SECRET_ACCESS_KEY,
    "session_token": AWS_SESSION_TOKEN,
    "region": AWS_REGION,
    "expiration": AWS_EXPIRATION,
}
AWS_KINDS = ("aws-access-key", "aws-session")
AWS_REQUIRED_FIELDS = ("access_key_id", "secret_access_key")
AWS_REQUIRED = {"aws-access-key": AWS_REQUIRED_FIELDS,
                "aws-session": (*AWS_REQUIRED_FIELDS, "session_token")}
AWS_ENV_NAMES = {"access_key_id": "AWS_ACCESS_KEY_ID", "secret_access_key": "AWS_SECRET_ACCESS_KEY",
                 "session_token": "AWS_SESSION_TOKEN", "region": "AWS_DEFAULT_REGION"}
AWS_CREDENTIALS_NAMES = {"access_key_id": "aws_access_key_id", "secret_access_key": "aws_secret_access_key",
                         "session_token": "aws_session_token", "region": "region"}


def has_shape(pattern: re.Pattern[str], value: str) -> bool:
    """Does ``value`` have the whole shape of ``pattern`` (no trailing newline, ASCII only)?"""
    return pattern.fullmatch(value) is not None


def parse_expiration(value: str) -> datetime | None:
    """An ``expiration`` of its real shape as an aware datetime, or None (wrong shape, or no such date)."""
    if not has_shape(AWS_EXPIRATION, value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # the shape of a date, but not a date (month 13)
        return None


def aws_field_problems(fields: Mapping[str, str], kind: str = "aws-access-key") -> list[str]:
    """The names of the fields of an AWS ``kind`` that are missing or not of their real shape (empty: all good)."""
    problems = [name for name in AWS_REQUIRED.get(kind, AWS_REQUIRED_FIELDS) if name not in fields]
    problems += [name for name, pattern in AWS_FIELD_SHAPES.items()
                 if name in fields and not (has_shape(pattern, fields[name])
                                            and (name != "expiration" or parse_expiration(fields[name])))]
    return problems


def aws_env_lines(fields: Mapping[str, str]) -> list[str]:
    """``export AWS_…='…'`` lines (quoted as the browser quotes them); raises ValueError unless every field has its shape."""
    _require_shapes(fields)
    return [f"export {AWS_ENV_NAMES[name]}='{fields[name]}'" for name in AWS_ENV_NAMES if name in fields]


def aws_credentials_lines(fields: Mapping[str, str], profile: str = "default") -> list[str]:
    """A ``~/.aws/credentials`` profile; raises ValueError unless every field and ``profile`` have their shape."""
    _require_shapes(fields)
    if not has_shape(AWS_PROFILE_NAME, profile):
        raise ValueError("profile")
    return [f"[{profile}]"] + [f"{AWS_CREDENTIALS_NAMES[name]} = {fields[name]}"
                               for name in AWS_CREDENTIALS_NAMES if name in fields]


def credential_process_json(fields: Mapping[str, str]) -> str:
    """The document a ``credential_process`` prints (Version 1); raises ValueError unless every field has its shape."""
    _require_shapes(fields)
    document: dict[str, object] = {"Version": 1, "AccessKeyId": fields["access_key_id"],
                                   "SecretAccessKey": fields["secret_access_key"]}
    if "session_token" in fields:
        document["SessionToken"] = fields["session_token"]
    if "expiration" in fields:
        document["Expiration"] = fields["expiration"]
    return json.dumps(document)


def _require_shapes(fields: Mapping[str, str]) -> None:
    problems = aws_field_problems(fields)
    if problems:
        raise ValueError(", ".join(problems))


def sts_json_fields(text: str) -> dict[str, str] | None:
    """The fields of ``aws sts assume-role`` / ``get-session-token`` / ``get-federation-token`` JSON, or None."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    credentials = document.get("Credentials") if isinstance(document, dict) else None
    if not isinstance(credentials, dict):
        return None
    names = {"AccessKeyId": "access_key_id", "SecretAccessKey": "secret_access_key", "SessionToken": "session_token",
             "Expiration": "expiration"}
    fields = {ours: credentials[theirs] for theirs, ours in names.items() if isinstance(credentials.get(theirs), str)}
    if any(name not in fields for name in AWS_REQUIRED["aws-session"]):
        return None
    # Who these credentials act as, so the recipient knows what they hold.
    for member in ("AssumedRoleUser", "FederatedUser"):
        arn = document[member].get("Arn") if isinstance(document.get(member), dict) else None
        if isinstance(arn, str) and arn:
            fields["note"] = arn
    return fields


# The variables of `export` lines, as `aws configure export-credentials --format env` prints them.
_EXPORT_NAMES = {"AWS_ACCESS_KEY_ID": "access_key_id", "AWS_SECRET_ACCESS_KEY": "secret_access_key",
                 "AWS_SESSION_TOKEN": "session_token", "AWS_CREDENTIAL_EXPIRATION": "expiration",
                 "AWS_DEFAULT_REGION": "region", "AWS_REGION": "region"}
_EXPORT_LINE = re.compile(r"(?:export\s+)?([A-Z_]+)=(.*)", re.ASCII)


def export_fields(text: str) -> dict[str, str] | None:
    """The fields of ``export AWS_ACCESS_KEY_ID=…`` lines (quoted or not) with a session token, or None.

    Every line must be such an assignment, blank, or a comment: a script that merely contains
    them is not a set of credentials.
    """
    fields: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _EXPORT_LINE.fullmatch(line)
        if not match or match.group(1) not in _EXPORT_NAMES:
            return None
        try:
            words = shlex.split(match.group(2))
        except ValueError:
            return None
        if len(words) != 1:
            return None
        fields[_EXPORT_NAMES[match.group(1)]] = words[0]
    if any(name not in fields for name in AWS_REQUIRED["aws-session"]):
        return None
    return fields


def session_fields(text: str) -> dict[str, str] | None:
    """Temporary credentials from STS JSON or ``export`` lines, or None if ``text`` is neither."""
    return sts_json_fields(text) or export_fields(text)
