"""Options several commands share, each with its environment variable (click's ``envvar``).

These are the CLI's settings: the server, the request timeout, the largest
blob the server takes, and the manage token.
"""

from __future__ import annotations

import click

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
token_option = click.option("--token", envvar="BURNLINK_TOKEN", required=True,
                            help="The manage token `send` printed (or BURNLINK_TOKEN).")
