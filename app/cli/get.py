"""``burnlink get``: open a one-time link here, decrypt, print or save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..core import kinds, protocol
from ..core.errors import BurnlinkError, ErrorCode
from ..core.links import parse_link
from ..core.payload import open_blob
from . import terminal
from .awsfiles import ProfileTarget
from .client import Client, warn_if_plain_http
from .exits import fail
from .expiry import expires_line
from .forms import FORMS
from .handoff import EXEC_ARGV, SplitAtDashes, find_command, run_with, write_profile
from .options import timeout_option, warn_on_argv
from .output import check_output_dir, show
from .sources import Stdin, read_code, read_link


def show_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of what is shown and where: -o, --force, --format, --profile, --json (get and inbox)."""
    options = [
        click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
                     help="Where files are written (default: here)."),
        click.option("--force", is_flag=True, help="Overwrite files of the same name (default: write NAME (1) beside "
                     "them), and keep names a shell or tool loads by itself (default: .bashrc is written as dot.bashrc); "
                     "with --aws-profile, replace a profile of that name."),
        click.option("--format", "form", type=click.Choice(("text", *FORMS)), default="text", show_default=True,
                     help="text: as sent; for an AWS key, env (export lines), credentials (a ~/.aws/credentials profile), "
                     "credential-process (the JSON a credential_process prints) or json (the fields)."),
        click.option("--profile", default="default", show_default=True, help="The profile name of --format credentials."),
        click.option("--json", "as_json", is_flag=True, help="Print the whole payload as JSON (files included, base64)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def check_show_options(ctx: click.Context, as_json: bool, form: str, profile: str) -> None:
    """Refuse contradictory show options before anything is spent."""
    if as_json and form != "text":
        fail("--json and --format contradict each other (--json prints the whole payload).")
    if ctx.get_parameter_source("profile") is ParameterSource.COMMANDLINE and form != "credentials":
        fail("--profile is for --format credentials.")
    if not kinds.has_shape(kinds.AWS_PROFILE_NAME, profile):
        fail("--profile must be 1 to 64 letters, digits or . _ @ + -.")


def show_payload(payload: dict[str, Any], output: Path | None, force: bool, as_json: bool, form: str,
                 profile: str) -> None:
    """Show a payload as chosen, and when temporary AWS credentials expire."""
    show(payload, output, force, as_json, form, profile)
    line = expires_line(payload.get("fields", {})) if payload.get("kind") in kinds.AWS_KINDS else None
    if line and not as_json:
        click.echo(line, err=True)


_LINK_INSTEAD = "`burnlink get -` (the link on stdin), BURNLINK_LINK, or no link at a terminal (you are asked)"
_CODE_INSTEAD = "BURNLINK_CODE, --code-file, --code-stdin, or no code at a terminal (you are asked)"


@click.command(cls=SplitAtDashes)
@click.argument("url", required=False, metavar="[LINK|-]", envvar="BURNLINK_LINK",
                callback=warn_on_argv("link", _LINK_INSTEAD))
@click.option("--code", envvar="BURNLINK_CODE", callback=warn_on_argv("access code", _CODE_INSTEAD),
              help="The access code (better: BURNLINK_CODE, --code-file, --code-stdin; asked for at a terminal).")
@click.option("--code-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the access code from the first line of this file (or /dev/fd/N, <(cmd)).")
@click.option("--code-stdin", is_flag=True, help="Read the access code from stdin (the line after the link with `get -`).")
@show_options
@click.option("--aws-profile", metavar="NAME", help="Write an AWS key as profile NAME of the AWS CLI's credentials file "
              "(AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials; its region into the config file); nothing is printed.")
@click.option("--exec", "run_exec", is_flag=True, help="Run the command after -- with the AWS key in its environment "
              "only: burnlink get --exec -- aws s3 ls. The exit status is then the command's.")
@timeout_option
@click.pass_context
def get(ctx: click.Context, url: str | None, code: str | None, code_file: Path | None, code_stdin: bool,
        output: Path | None, force: bool, form: str, profile: str, as_json: bool, aws_profile: str | None,
        run_exec: bool, timeout: float) -> None:
    """Open a one-time link: decrypt here and print the text, or save the files.

    The link comes from LINK, `-` (stdin), BURNLINK_LINK, or a hidden prompt. Text goes to
    stdout exactly as sent, fields as `name: value` lines, a note to stderr; files into -o DIR.
    Who sent it comes first on stderr: a sender this server's sign-in verified, or "Sender not
    verified" (with --json, the "sender" member, or null).
    With --exec, the exit status is the command's once it has run; before that, burnlink's own (1-5).
    """
    # Every refusal comes before the one request that spends a view.
    check_show_options(ctx, as_json, form, profile)
    target, program, argv = None, None, list(ctx.meta.get(EXEC_ARGV, []))
    if aws_profile is not None or run_exec:
        if aws_profile is not None and run_exec:
            fail("--aws-profile and --exec contradict each other (the key goes to one place).")
        if as_json or form != "text" or output is not None:
            fail("--aws-profile and --exec print no secret: leave out --json, --format and -o.")
        if aws_profile is not None:
            if not kinds.has_shape(kinds.AWS_PROFILE_NAME, aws_profile):
                fail("--aws-profile must be 1 to 64 letters, digits or . _ @ + -.")
            target = ProfileTarget.prepare(aws_profile, force)
        else:
            program = find_command(argv)
    stdin = Stdin()
    link = parse_link(read_link(url, stdin))
    code = read_code(code, code_file, code_stdin, stdin)
    client = Client(link.base_url, timeout=timeout)
    if output is not None and not as_json:
        check_output_dir(output)
    warn_if_plain_http(client.server)
    link_proof = protocol.b64u_encode(protocol.link_proof(link.key))
    meta = client.metadata(link.secret_id, link_proof)
    sender = sender_of(meta)
    # Before the code is asked for: the recipient decides whether to trust the link first.
    click.echo(f"Sent by {sender} (verified by this server's sign-in)" if sender else "Sender not verified", err=True)
    if not meta["has_code"]:
        code = None
    elif code is None:
        if not terminal.interactive():
            fail("This secret needs its access code: set BURNLINK_CODE, or use --code-file or --code-stdin.")
        code = click.prompt("Access code", hide_input=True, err=True)
    keys = protocol.derive_keys(link.key, code)  # a malformed code stops here, before a try is spent
    revealed = client.reveal(link.secret_id, link_proof, protocol.b64u_encode(keys.auth))
    try:
        payload = open_blob(protocol.b64u_decode(revealed["ciphertext"], min_length=protocol.MIN_BLOB), link.key, keys=keys)
    except BurnlinkError:
        raise BurnlinkError("The secret arrived damaged (it does not decrypt with this link and code); that view is spent.",
                            code=ErrorCode.BAD_ANSWER) from None
    if program is not None:
        _views_left(revealed)  # before the command's own output
        ctx.exit(run_with(payload, program, argv))
    if target is not None:
        write_profile(payload, target)
    else:
        show_payload({**payload, "sender": sender} if as_json else payload, output, force, as_json, form, profile)
    _views_left(revealed)


MAX_SENDER = 254  # the longest e-mail address


def sender_of(meta: dict[str, Any], member: str = "sender") -> str | None:
    """The verified sender (or ``member``, e.g. a request's requester) the server names, made safe for one
    terminal line (``None``: not verified)."""
    sender = meta.get(member)
    if not isinstance(sender, str) or not sender.strip():
        return None
    text = terminal.line_safe(terminal.one_line(sender))
    return text if len(text) <= MAX_SENDER else text[:MAX_SENDER] + "…"


def _views_left(revealed: dict) -> None:
    left = revealed["views_left"]
    click.echo("The secret is now destroyed on the server." if left == 0 else
               f"{terminal.line_safe(str(left))} view(s) left.", err=True)
