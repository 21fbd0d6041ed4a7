"""Writing what was received: the secret to stdout, notes to stderr, files into a directory.

stdout carries the secret alone, byte for byte when it is not a terminal: a text
secret is exactly its text; a secret made of fields is its ``name: value`` lines
(or one of the forms in :mod:`app.cli.forms`). A note, and the fields that come
with a text or files, go to stderr as lines for a person.
Files are written with safe base names, mode 0600, never over an existing file
unless asked, never through a symlink, and never under a name that a shell or
tool loads by itself (:func:`harmless_name`) unless asked.
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
from . import forms, terminal
from .exits import fail
from .terminal import binary, line_safe, lines_safe, terminal_safe, unsafe_in_line

MAX_NAME = 200
# Names without a leading dot that a tool loads from the directory it runs in: pytest's
# conftest.py; Python's sitecustomize.py and usercustomize.py (the script's directory is on sys.path).
# Every name that starts with '.' (.bashrc, .bash_aliases, .profile, .zshrc, .envrc, .env,
# .gitconfig, .npmrc, .pypirc, …) is treated the same way.
AUTO_LOADED = frozenset({"conftest.py", "sitecustomize.py", "usercustomize.py"})


def safe_name(name: str) -> str:
    """The base name only (no directories, no '..'), control and format characters replaced, length capped."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = "".join("_" if unsafe_in_line(ch) else ch for ch in base)
    if base.strip(".") == "":
        return "secret.bin"
    if len(base) > MAX_NAME:
        stem, suffix = os.path.splitext(base)
        suffix = suffix[:20]
        base = stem[:MAX_NAME - len(suffix)] + suffix
    return base


def harmless_name(name: str) -> str:
    """``name``, or a renamed one when a shell or tool could load it by itself: ``.x`` → ``dot.x``, ``conftest.py`` → ``_conftest.py``."""
    if name.startswith("."):
        return "dot" + name
    if name.casefold() in AUTO_LOADED:
        return "_" + name
    return name


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


def _note_lines(fields: dict[str, str]) -> None:
    """Fields for a person on stderr: escaped for the terminal, a multi-line value on indented lines."""
    for name, value in fields.items():
        first, *rest = lines_safe(value)
        click.echo(f"{line_safe(name)}: {first}", err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)


def show(payload: dict[str, Any], output: Path | None, force: bool, as_json: bool, form: str = "text",
         profile: str = "default") -> None:
    """Print the secret to stdout, its notes to stderr, write files into ``output`` (default: here).

    ``form`` is ``text`` (as sent) or one of :data:`app.cli.forms.FORMS`; a form that cannot be built
    from this payload falls back to ``text`` with a warning, so a spent view is never lost.
    """
    sys.stdout.flush()
    out = binary(sys.stdout)
    if as_json:
        out.write(json.dumps(payload).encode("utf-8") + b"\n")
        out.flush()
        return
    tty = terminal.stdout_is_terminal()
    text = payload.get("text")
    fields: dict[str, str] = payload.get("fields", {})
    built = forms.build(payload, form, profile) if form != "text" else None
    if built is not None:
        out.write(built.text.encode("utf-8"))
        aside = {name: value for name, value in fields.items() if name not in built.fields}
        at_line_start = True
    else:
        if text is not None:
            out.write((terminal_safe(text) if tty else text).encode("utf-8"))
        # Fields are the secret only when there is no text; a note never is.
        secret_fields = {} if text is not None else {k: v for k, v in fields.items() if k != "note"}
        for name, value in secret_fields.items():
            out.write(f"{line_safe(name)}: {line_safe(value)}\n".encode())
        aside = {name: value for name, value in fields.items() if name not in secret_fields}
        at_line_start = not text or text.endswith("\n")
    out.flush()
    if tty and not at_line_start:
        click.echo("", err=True)  # end the terminal line; stdout itself stays exactly the secret
    _note_lines(aside)
    files = payload.get("files", [])
    if files:
        _write_files(files, output, force)


def _write_files(files: list[dict[str, str]], output: Path | None, force: bool) -> None:
    """Write every file of a payload into ``output`` (default: here), saying on stderr what was written."""
    if output is None:
        output = Path(".")
        if not os.access(output, os.W_OK | os.X_OK):  # the view is spent: never lose the files for want of a place
            output = Path(tempfile.mkdtemp(prefix="burnlink-"))
            click.echo(f"burnlink: this directory is not writable; writing to {output} instead.", err=True)
    output.mkdir(parents=True, exist_ok=True)
    for entry in files:
        data = payloads.file_data(entry)
        name = safe_name(entry["name"])
        chosen = name if force else harmless_name(name)
        target = _write_new(output, chosen, data, force)
        why = "" if chosen == name else (f"; renamed from {line_safe(name)}: a shell or tool may load a file of that "
                                         "name by itself (--force keeps the name)")
        click.echo(f"wrote {line_safe(str(target))} ({len(data)} bytes){why}", err=True)
