"""``burnlink get``: open a one-time link here, decrypt, print or save."""

from __future__ import annotations

from pathlib import Path

import click

from ..core import protocol
from ..core.errors import BurnlinkError, ErrorCode
from ..core.links import parse_link
from ..core.payload import open_blob
from . import terminal
from .client import Client, warn_if_plain_http
from .exits import fail
from .options import timeout_option
from .output import check_output_dir, show


@click.command()
@click.argument("url")
@click.option("--code", envvar="BURNLINK_CODE", help="The access code (or BURNLINK_CODE; asked for at a terminal).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Where files are written (default: here).")
@click.option("--force", is_flag=True, help="Overwrite files of the same name (default: write NAME (1) beside them).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole payload as JSON (files included, base64).")
@timeout_option
def get(url: str, code: str | None, output: Path | None, force: bool, as_json: bool, timeout: float) -> None:
    """Open a one-time link: decrypt here and print the text, or save the files.

    Text goes to stdout exactly as sent; fields as `name: value` lines; files into -o DIR.
    """
    link = parse_link(url)
    client = Client(link.base_url, timeout=timeout)
    if output is not None and not as_json:
        check_output_dir(output)
    warn_if_plain_http(client.server)
    link_proof = protocol.b64u_encode(protocol.link_proof(link.key))
    meta = client.metadata(link.secret_id, link_proof)
    if not meta["has_code"]:
        code = None
    elif code is None:
        if not terminal.interactive():
            fail("This secret needs its access code: use --code or BURNLINK_CODE.")
        code = click.prompt("Access code", hide_input=True, err=True)
    keys = protocol.derive_keys(link.key, code)  # a malformed code stops here, before a try is spent
    revealed = client.reveal(link.secret_id, link_proof, protocol.b64u_encode(keys.auth))
    try:
        payload = open_blob(protocol.b64u_decode(revealed["ciphertext"], min_length=protocol.MIN_BLOB), link.key, keys=keys)
    except BurnlinkError:
        raise BurnlinkError("The secret arrived damaged (it does not decrypt with this link and code); that view is spent.",
                            code=ErrorCode.BAD_ANSWER) from None
    if not show(payload, output, force, as_json) and terminal.stdout_is_terminal():
        click.echo("", err=True)  # end the terminal line; stdout itself stays exactly the secret
    left = revealed["views_left"]
    click.echo("The secret is now destroyed on the server." if left == 0 else f"{left} view(s) left.", err=True)
