"""Options several commands share, each with its environment variable (click's ``envvar``).

These are the CLI's settings: the server, the request timeout, the largest
blob the server takes, the manage token and the API token.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..core import wire
from ..core.errors import BurnlinkError, ErrorCode
from ..core.identity import is_api_token
from ..core.protocol import MIN_BLOB

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 30.0

server_option = click.option("--server", envvar="BURNLINK_SERVER", default=DEFAULT_SERVER, show_default=True,
                             help="burnlink server (or BURNLINK_SERVER).")
timeout_option = click.option("--timeout", envvar="BURNLINK_TIMEOUT", type=click.FloatRange(min=0, min_open=True),
                              default=DEFAULT_TIMEOUT, show_default=True,
                              help="Seconds to wait for the server (or BURNLINK_TIMEOUT).")
max_blob_option = click.option("--max-blob", envvar="BURNLINK_MAX_BLOB", type=click.IntRange(min=MIN_BLOB),
                               default=wire.MAX_BLOB, show_default=True,
                               help="The largest ciphertext your server takes, in bytes (or BURNLINK_MAX_BLOB).")


def warn_on_argv(what: str, instead: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that warns when ``what`` was given on the command line (``-`` is not a value)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value not in (None, "-") and param.name and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
            # Every user of this machine can read a process's arguments (ps, /proc/PID/cmdline); not its environment.
            click.echo(f"burnlink: warning: the {what} on the command line is visible to other users of this machine; "
                       f"use {instead} instead.", err=True)
        return value

    return callback


def _usage(sentence: str) -> BurnlinkError:
    return BurnlinkError(sentence, code=ErrorCode.USAGE)


def _manage_token(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Warn about a manage token on the command line; refuse an API token given in its place."""
    value = warn_on_argv("manage token", "BURNLINK_TOKEN")(ctx, param, value)
    if value is not None and is_api_token(value.strip()):
        # Never echo the value: it is a credential either way.
        raise _usage("BURNLINK_TOKEN (--token) holds an API token (blt_…): put it in BURNLINK_API_TOKEN; "
                     "BURNLINK_TOKEN is the manage token `send` printed.")
    return value


_TOKEN_HELP = "The manage token `send` printed (better: BURNLINK_TOKEN, which other users cannot see)."  # noqa: S105
token_option = click.option("--token", envvar="BURNLINK_TOKEN", required=True, callback=_manage_token, help=_TOKEN_HELP)
optional_token_option = click.option("--token", envvar="BURNLINK_TOKEN", callback=_manage_token, help=_TOKEN_HELP)

API_TOKEN_ENV = "BURNLINK_API_TOKEN"  # noqa: S105 - the variable's name, not a token
MAX_TOKEN_LINE = 4096


def _read_token_file(path: Path) -> str:
    """The first line of ``path`` (a file, ``/dev/fd/N`` or a CI system's secret file)."""
    with path.open("rb") as stream:
        raw = stream.readline(MAX_TOKEN_LINE)
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise _usage(f"{path} holds no API token (it is not UTF-8 text).") from None


def _api_token(ctx: click.Context, param: click.Parameter, path: Path | None) -> str | None:
    """The API token: from ``BURNLINK_API_TOKEN`` or ``--api-token-file``, checked for its shape (never shown)."""
    from_env = os.environ.get(API_TOKEN_ENV, "").strip()
    if path is not None and from_env:
        raise _usage(f"Give the API token one way: {API_TOKEN_ENV} or --api-token-file (BURNLINK_API_TOKEN_FILE), not both.")
    token, where = (_read_token_file(path), str(path)) if path is not None else (from_env, API_TOKEN_ENV)
    if not token:
        if path is not None:
            raise _usage(f"No API token in {path}.")
        return None
    if not is_api_token(token):
        raise _usage(f"{where} does not hold an API token (blt_ and 43 letters, digits, - or _); "
                     "a secret's manage token goes in BURNLINK_TOKEN.")
    return token


# No --api-token option: a command line is readable by every user of the machine (ps) and stays in shell history.
api_token_option = click.option(
    "--api-token-file", "api_token", envvar="BURNLINK_API_TOKEN_FILE", callback=_api_token, expose_value=True,
    type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
    help="Read the API token (blt_…) from the first line of PATH (otherwise: BURNLINK_API_TOKEN). It acts as "
         "its owner, a signed-in creator: what you make shows a verified sender.")
