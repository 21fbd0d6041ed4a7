"""``get --aws-profile`` and ``get --exec``: AWS credentials straight into the AWS CLI, never printed.

Both are refused before the reveal when they cannot work (a profile that exists, a file that
cannot be written, a command that is not there). After the reveal the view is spent, so a
secret that cannot go where it was asked (not an AWS key, a malformed field, a write that
fails) is never dropped: it is saved to a new file of mode 0600 and stderr says where.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from typing import Any, NoReturn

import click

from ..core import kinds
from ..core.errors import BurnlinkError
from .awsfiles import ProfileTarget
from .exits import fail
from .expiry import expires_line
from .terminal import line_safe, lines_safe

EXEC_ARGV = "burnlink.exec_argv"
# What a child must not inherit: the way to open the secret again, and credentials or a profile
# that would be combined with, or chosen over, the ones it is given.
SCRUBBED = ("BURNLINK_LINK", "BURNLINK_CODE", "BURNLINK_CODE_VALUE", "BURNLINK_TOKEN", "BURNLINK_WEBHOOK_SECRET",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
_USED = frozenset({"access_key_id", "secret_access_key", "session_token", "region", "expiration", "note"})


class SplitAtDashes(click.Command):
    """A command whose ``--exec -- COMMAND …`` keeps everything after ``--`` for the child, untouched by click."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args and "--exec" in args[:args.index("--")]:
            at = args.index("--")
            ctx.meta[EXEC_ARGV] = args[at + 1:]
            args = args[:at]
        return super().parse_args(ctx, args)


def find_command(argv: list[str]) -> str:
    """The program ``argv[0]`` names (on PATH, or a path), refused before the reveal when it is not there."""
    if not argv:
        fail("--exec needs a command after --, as in: burnlink get --exec -- aws s3 ls.")
    found = shutil.which(argv[0])
    if found is None:
        fail(f"{line_safe(argv[0])}: no such command (or not executable); nothing was opened.")
    return found


def rescue(payload: dict[str, Any], why: str) -> NoReturn:
    """Keep a revealed secret that cannot go where it was asked: a new 0600 file, else stdout; then exit 1."""
    try:
        fd, path = tempfile.mkstemp(prefix="burnlink-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(payload) + "\n")
    except OSError:
        click.echo(json.dumps(payload))
        fail(f"{why}; it could not be saved to a file either, so it was printed on stdout.")
    fail(f"{why}; the secret was saved to {path} (mode 0600): use it, then delete that file.")


def aws_fields(payload: dict[str, Any], what: str) -> dict[str, str]:
    """The fields of an AWS key whose every field has its shape; otherwise :func:`rescue`."""
    kind = payload.get("kind")
    if kind not in kinds.AWS_KINDS:
        rescue(payload, f"This secret is {line_safe(str(kind))}, not an AWS key, so {what}")
    fields: dict[str, str] = payload.get("fields", {})
    problems = kinds.aws_field_problems(fields, str(kind))
    if problems:
        rescue(payload, f"{', '.join(problems)} missing or not in the shape AWS uses, so {what}")
    return fields


def tell_about(payload: dict[str, Any]) -> None:
    """On stderr: the expiry and the note. Anything else that came with the key (a console password) goes to a file."""
    fields: dict[str, str] = payload.get("fields", {})
    line = expires_line(fields)
    if line:
        click.echo(line, err=True)
    if "note" in fields:
        first, *rest = lines_safe(fields["note"])
        click.echo("\n".join([f"note: {first}", *(f"  {more}" for more in rest)]), err=True)
    others = {name: value for name, value in fields.items() if name not in _USED}
    if others or "text" in payload or payload.get("files"):
        names = ", ".join(line_safe(name) for name in others) or "text or files"
        rest = {**payload, "fields": others}
        try:
            fd, path = tempfile.mkstemp(prefix="burnlink-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(rest) + "\n")
        except OSError:  # the view is spent: shown rather than lost
            click.echo(f"burnlink: what came with the key ({names}) could not be saved to a file: "
                       f"{line_safe(json.dumps(rest))}", err=True)
            return
        click.echo(f"burnlink: what came with the key ({names}) was saved to {path} (mode 0600); "
                   "use it, then delete that file.", err=True)


def write_profile(payload: dict[str, Any], target: ProfileTarget) -> None:
    """Write the key as profile ``target.name`` (its region into the config file); say where, never what."""
    fields = aws_fields(payload, "no profile was written")
    values = [(kinds.AWS_CREDENTIALS_NAMES[name], fields[name])
              for name in ("access_key_id", "secret_access_key", "session_token") if name in fields]
    try:
        written = target.write_credentials(values)
    except (OSError, BurnlinkError) as err:
        rescue(payload, f"{target.credentials} could not be written ({_reason(err)})")
    click.echo(f"wrote profile {target.name} to {written}", err=True)
    if "region" in fields:
        try:
            config = target.write_region(fields["region"])
        except (OSError, BurnlinkError) as err:
            fail(f"The credentials are in {written}, but {target.config} could not be written ({_reason(err)}); "
                 f"set the region with: aws configure set region {fields['region']} --profile {target.name}")
        click.echo(f"wrote region {fields['region']} of profile {target.name} to {config}", err=True)
    tell_about(payload)


def _reason(err: BaseException) -> str:
    if isinstance(err, BurnlinkError):
        return err.detail or err.code.value
    return line_safe(getattr(err, "strerror", None) or type(err).__name__)


def child_environment(environ: Mapping[str, str], fields: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without :data:`SCRUBBED`, with the key's ``AWS_*`` variables set."""
    env = {name: value for name, value in environ.items() if name not in SCRUBBED}
    env["AWS_ACCESS_KEY_ID"] = fields["access_key_id"]
    env["AWS_SECRET_ACCESS_KEY"] = fields["secret_access_key"]
    if "session_token" in fields:
        env["AWS_SESSION_TOKEN"] = fields["session_token"]
    if "region" in fields:
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = fields["region"]
    return env


def run_with(payload: dict[str, Any], program: str, argv: list[str]) -> int:
    """Run ``argv`` with the key in its environment only; its exit status (128+N for a signal N)."""
    fields = aws_fields(payload, "the command was not run")
    tell_about(payload)
    env = child_environment(os.environ, fields)
    try:
        child = subprocess.Popen(argv, executable=program, env=env)
    except OSError as err:
        rescue(payload, f"{line_safe(argv[0])} could not be run ({_reason(err)})")
    previous = {}
    try:  # Ctrl-C reaches the child from the terminal; this process waits for it rather than dying first
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, lambda *_: None)
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, lambda number, _: child.send_signal(number))
    except ValueError:  # not the main thread (an embedding caller): nothing to forward
        pass
    try:
        status = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 - status if status < 0 else status
