"""The server's policies as the CLI obeys them: read once per create command, checked before anything is sent.

``GET /api/v1/policy`` says what the operator allows. The kind of a secret is inside its
ciphertext, where the server cannot look, so the CLI checks the kinds itself (and declares the
kind it encrypts); a refusal here is the same one-line error and exit code (5) as the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from ..core.errors import BurnlinkError, ErrorCode, PolicyError
from ..core.identity import LABEL_MAX, REVEAL_ONLY
from .client import Client
from .exits import fail
from .terminal import line_safe


@dataclass(frozen=True)
class Policy:
    """What one server allows creators (everything, for a server that predates policies)."""

    reveal_only: bool = False
    require_code: bool = False
    kinds: tuple[str, ...] | None = None
    max_file: int | None = None

    @classmethod
    def fetch(cls, client: Client) -> Policy:
        """Read the server's policy; a member of the wrong type means it is not a burnlink server."""
        data = client.policy()
        kinds, max_file = data.get("kinds"), data.get("max_file")
        if (not isinstance(data.get("require_code", False), bool)
                or not (kinds is None or (isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)))
                or not (max_file is None or (isinstance(max_file, int) and not isinstance(max_file, bool)))):
            raise BurnlinkError(f"{client.server} did not answer like a burnlink server; check --server.",
                                code=ErrorCode.BAD_ANSWER)
        return cls(data.get("mode") == REVEAL_ONLY, bool(data.get("require_code", False)),
                   tuple(kinds) if kinds is not None else None, max_file or None)

    def check_mode(self, server: str) -> None:
        """Refuse at once on a reveal-only server: it opens links and makes none."""
        if self.reveal_only:
            raise PolicyError("mode", f"{line_safe(server)} only opens links (reveal-only mode); create them on your "
                              "organisation's internal burnlink server. Nothing was sent.", forbidden=True)

    def check_kind(self, kind: str) -> None:
        if self.kinds is not None and kind not in self.kinds:
            raise PolicyError("kinds", f"This server does not take {kind} secrets; it takes {', '.join(self.kinds) or 'none'}. "
                              "Nothing was sent.")

    def check_size(self, what: str, size: int) -> None:
        """Refuse a secret (a file, or a text) larger than the server's largest file."""
        if self.max_file is not None and size > self.max_file:
            raise PolicyError("max_file", f"{what} is {size} bytes; this server takes at most {self.max_file} bytes "
                              "per secret. Nothing was sent.")

    def code_needed(self, has_code: bool) -> bool:
        """True when the server wants a code this secret lacks (the caller makes one, as --code does, and says so)."""
        if self.require_code and not has_code:
            click.echo("burnlink: this server requires an access code on every secret; one was made "
                       "(--no-code does not apply here).", err=True)
            return True
        return False


def check_label(label: str | None) -> str | None:
    """A ``--label``: one line of at most 80 characters (the server refuses anything else)."""
    if label is None:
        return None
    if len(label) > LABEL_MAX or not label.isprintable():
        fail(f"--label must be one line of at most {LABEL_MAX} characters (it is shown to you and in the audit trail, "
             "and is not secret).")
    return label


def with_identity(body: dict[str, Any], kind: str, label: str | None) -> dict[str, Any]:
    """A create body with the declared kind (for "My links" and the kinds policy) and the creator's label."""
    body = {**body, "kind": kind}
    if label:
        body["label"] = label
    return body
