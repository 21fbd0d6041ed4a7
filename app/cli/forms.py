"""The forms a recipient pastes: ``export`` lines, a ``~/.aws/credentials`` profile, the fields as JSON.

``env``, ``credentials`` and ``credential-process`` (the JSON document a ``credential_process``
prints) are built only from an AWS key (``aws-access-key`` or ``aws-session``) whose every field has its
real shape (:mod:`app.core.kinds`): a value with a newline would otherwise become a line
of its own in a shell or in the credentials file. Anything else is shown as sent, with
a warning; the view is spent either way, so nothing is ever withheld.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import click

from ..core import kinds
from .terminal import line_safe

FORMS = ("env", "credentials", "credential-process", "json")


@dataclass(frozen=True)
class Built:
    """A form's text for stdout and the fields it shows (the rest go to stderr)."""

    text: str
    fields: frozenset[str]


def _warn(sentence: str) -> None:
    click.echo(f"burnlink: warning: {sentence}", err=True)


def build(payload: dict[str, Any], form: str, profile: str = "default") -> Built | None:
    """``form`` of ``payload``, or None (after a warning on stderr) when it cannot be built from it."""
    fields: dict[str, str] = payload.get("fields", {})
    if form == "json":
        if "text" in payload or payload.get("files"):
            _warn("--format json is for a secret made of fields only; shown as sent (--json prints the whole payload).")
            return None
        return Built(json.dumps(fields) + "\n", frozenset(fields))
    kind = payload.get("kind")
    if kind not in kinds.AWS_KINDS:
        _warn(f"--format {form} is for AWS access keys and this secret is {line_safe(str(kind))}; shown as sent.")
        return None
    problems = kinds.aws_field_problems(fields, str(kind))
    if problems:
        _warn(f"{', '.join(problems)} missing or not in the shape AWS uses, so no {form} lines were built; "
              "the fields are shown as plain values instead.")
        return None
    shown = {name for name in kinds.AWS_FIELD_SHAPES if name in fields}  # an expiration has its own stderr line
    if form == "credential-process":  # the document has no region: it stays on stderr
        return Built(kinds.credential_process_json(fields) + "\n", frozenset(shown - {"region"}))
    lines = kinds.aws_env_lines(fields) if form == "env" else kinds.aws_credentials_lines(fields, profile)
    return Built("\n".join(lines) + "\n", frozenset(shown))
