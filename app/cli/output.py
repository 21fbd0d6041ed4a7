"""Writing what was received: text and fields to stdout, files into a directory.

stdout carries the secret alone, byte for byte when it is not a terminal.
Files are written with safe base names, mode 0600, never over an existing file
unless asked, never through a symlink.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from ..core import payload as payloads
from . import terminal
from .exits import fail
from .terminal import UNSAFE_IN_LINE, binary, line_safe, terminal_safe

MAX_NAME = 200


def safe_name(name: str) -> str:
    """The base name only (no directories, no '..'), control characters replaced, length capped."""
    base = UNSAFE_IN_LINE.sub("_", os.path.basename(name.replace("\\", "/")).strip())
    if base.strip(".") == "":
        return "secret.bin"
    if len(base) > MAX_NAME:
        stem, suffix = os.path.splitext(base)
        suffix = suffix[:20]
        base = stem[:MAX_NAME - len(suffix)] + suffix
    return base


def check_output_dir(directory: Path) -> None:
    """Refuse an unusable -o before a view is spent: it must be (or become) a writable directory."""
    probe = directory
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        fail(f"{probe} is not a directory.")
    if not os.access(probe, os.W_OK | os.X_OK):
        fail(f"{probe} is not writable; choose another -o directory.")


def _write_new(directory: Path, name: str, data: bytes, force: bool) -> Path:
    """Write ``data`` as ``name`` (or ``name (n)`` when taken), mode 0600; never follow a symlink."""
    stem, suffix = os.path.splitext(name)
    candidates = [name] + [f"{stem} ({n}){suffix}" for n in range(1, 1000)]
    for index, candidate in enumerate(candidates):
        target = directory / candidate
        if force and index == 0 and (target.is_symlink() or target.is_file()):
            target.unlink()  # --force replaces the file (or the link itself, never what it points to)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return target
    fail(f"Too many files named like {name} in {directory}.")



def show(payload: dict[str, Any], output: Path | None, force: bool, as_json: bool) -> bool:
    """Print text and fields to stdout, write files into ``output`` (default: here).

    Returns whether stdout ended at the start of a line.
    """
    sys.stdout.flush()
    out = binary(sys.stdout)
    if as_json:
        out.write(json.dumps(payload).encode("utf-8") + b"\n")
        out.flush()
        return True
    tty = terminal.stdout_is_terminal()
    text = payload.get("text")
    fields = payload.get("fields", {})
    at_line_start = not text or text.endswith("\n")
    if text is not None:
        out.write((terminal_safe(text) if tty else text).encode("utf-8"))
        if fields and not at_line_start:
            out.write(b"\n")  # keep the fields on lines of their own
    for name, value in fields.items():
        out.write(f"{line_safe(name)}: {line_safe(value)}\n".encode())
    out.flush()
    at_line_start = at_line_start or bool(fields)
    files = payload.get("files", [])
    if not files:
        return at_line_start
    if not at_line_start and tty:
        click.echo("", err=True)
        at_line_start = True
    if output is None:
        output = Path(".")
        if not os.access(output, os.W_OK | os.X_OK):  # the view is spent: never lose the files for want of a place
            output = Path(tempfile.mkdtemp(prefix="burnlink-"))
            click.echo(f"burnlink: this directory is not writable; writing to {output} instead.", err=True)
    output.mkdir(parents=True, exist_ok=True)
    for entry in files:
        data = payloads.file_data(entry)
        target = _write_new(output, safe_name(entry["name"]), data, force)
        click.echo(f"wrote {line_safe(str(target))} ({len(data)} bytes)", err=True)
    return at_line_start
