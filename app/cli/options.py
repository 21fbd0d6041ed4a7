"""Options several commands share, each with its environment variable (click's ``envvar``).

These are the CLI's settings: the server, the request timeout, the largest
blob the server takes, and the manage token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource

from ..core import wire
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


token_option = click.option("--token", envvar="BURNLINK_TOKEN", required=True,
                            callback=warn_on_argv("manage token", "BURNLINK_TOKEN"),
                            help="The manage token `send` printed (better: BURNLINK_TOKEN, which other users cannot see).")
