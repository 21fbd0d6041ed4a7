"""The ``burnlink`` command group and its entry point: every failure becomes one line and an exit code."""

from __future__ import annotations

import os
import re
import sys

import click

from .accounts import list_secrets, whoami
from .ask import inbox, request, respond
from .audit import audit
from .bulk import bulk
from .exits import EXIT_OK, EXIT_USAGE, describe
from .get import get
from .manage import burn, receipt
from .send import send
from .serve import serve
from .terminal import line_safe, one_line
from .worker import worker


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("burnlink")
    except Exception:
        return "0.1.0"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="burnlink")
def cli() -> None:
    """One-time secret links, encrypted on this machine. See docs/recipes.md.

    Exit codes: 0 ok, 1 bad input, 2 not found or already used, 3 wrong access code,
    4 server unreachable or failing, 5 refused by the server's sign-in or policy (sign-in
    needed, API token refused, or a policy setting, which the message names).
    """


for _command in (send, get, receipt, burn, list_secrets, whoami, serve, worker, audit, bulk, request, respond, inbox):
    cli.add_command(_command)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


_ID_ARG = re.compile(r"-[A-Za-z0-9_-]{21}")
_VALUE_OPTIONS = {"--token", "--server", "--timeout", "--creator", "--api-token-file"}


def protect_ids(argv: list[str]) -> list[str]:
    """Move a secret id that starts with '-' (1 in 64 do) behind ``--`` so it is not read as options.

    Without this, ``burnlink burn -hX…`` would print the help and exit 0 without burning anything.
    """
    if len(argv) < 2 or argv[0] not in ("receipt", "burn") or "--" in argv:
        return argv
    rest = argv[1:]
    ids = [i for i, arg in enumerate(rest) if _ID_ARG.fullmatch(arg) and (i == 0 or rest[i - 1] not in _VALUE_OPTIONS)]
    if len(ids) != 1:
        return argv
    return [argv[0], *rest[:ids[0]], *rest[ids[0] + 1:], "--", rest[ids[0]]]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command, turn every failure into one line and an exit code."""
    args = protect_ids(list(sys.argv[1:] if argv is None else argv))
    try:
        result = cli.main(args=args, prog_name="burnlink", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except BaseException as err:  # the one edge: never a traceback
        if isinstance(err, SystemExit):
            return err.code if isinstance(err.code, int) else EXIT_USAGE
        code, message = describe(err)
        if isinstance(err, BrokenPipeError):
            _silence_stdout()
        try:
            click.echo(f"burnlink: {line_safe(one_line(message))}", err=True)
        except OSError:
            pass
        return code
    return result if isinstance(result, int) else EXIT_OK  # --help and --version return their exit code
