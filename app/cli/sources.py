"""Where ``burnlink get`` takes the link and the access code from, other than the command line.

A process's arguments can be read by every user of the machine (``ps``,
``/proc/PID/cmdline``); its environment and its stdin cannot. So the link comes
from stdin (``-``), ``BURNLINK_LINK`` or a hidden prompt, and the code from
``BURNLINK_CODE``, a file, stdin or a hidden prompt; both are still taken from the
command line, with a warning (:func:`app.cli.options.warn_on_argv`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from . import terminal
from .exits import fail
from .terminal import binary

MAX_LINE = 4096  # far above any link or code; a stray binary stream is not read to its end


class Stdin:
    """stdin read line by line, so that the link (first line) and the code (next line) can share it."""

    def line(self, what: str) -> str:
        """The next line of stdin without its line ending, or a usage error naming ``what``."""
        raw = binary(sys.stdin).readline(MAX_LINE)
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            fail(f"The {what} on stdin is not UTF-8 text.")
        if not text:
            fail(f"No {what} on stdin.")
        return text


def read_link(given: str | None, stdin: Stdin) -> str:
    """The link: the argument or BURNLINK_LINK, else stdin (``-``, or no link and no terminal), else a hidden prompt."""
    if given is not None and given != "-":
        return given
    if terminal.interactive():
        return click.prompt("Link (typing is hidden)", hide_input=True, err=True).strip()
    return stdin.line("link")


def read_code_file(path: Path) -> str:
    """The first line of ``path`` (a file, ``/dev/fd/N`` or ``<(…)``), without its line ending."""
    with path.open("rb") as stream:
        raw = stream.readline(MAX_LINE)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        fail(f"The access code in {path} is not UTF-8 text.")
    if not text:
        fail(f"No access code in {path}.")
    return text


def read_code(code: str | None, code_file: Path | None, code_stdin: bool, stdin: Stdin) -> str | None:
    """The code given in one of the ways a command line allows, or None (ask for it later, if needed)."""
    given = [name for name, used in (("--code", code is not None and not _from_env("code")),
                                     ("--code-file", code_file is not None), ("--code-stdin", code_stdin)) if used]
    if len(given) > 1:
        fail(f"Give the access code one way, not {' and '.join(given)}.")
    if code_file is not None:
        return read_code_file(code_file)
    if code_stdin:
        return None if terminal.interactive() else stdin.line("access code")  # at a terminal: the hidden prompt
    return code


def _from_env(name: str) -> bool:
    return click.get_current_context().get_parameter_source(name) is ParameterSource.ENVIRONMENT
