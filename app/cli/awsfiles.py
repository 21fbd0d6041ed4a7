"""The AWS CLI's shared files: a profile written into ``credentials``, its region into ``config``.

The files are edited line by line, not rewritten by :mod:`configparser`, which would drop every
comment and reflow the file: only the profile's own section changes, and everything else (other
profiles, comments, blank lines, line endings) stays byte for byte. Each file is replaced
atomically (a temporary file in the same directory, fsync, :func:`os.replace`) with mode 0600,
so a crash leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .exits import fail

_HEADER = re.compile(r"\[(.+)\]")
_COMMENT = ("#", ";")


def credentials_path() -> Path:
    """The shared credentials file: ``AWS_SHARED_CREDENTIALS_FILE``, else ``~/.aws/credentials``."""
    given = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(given).expanduser() if given else Path.home() / ".aws" / "credentials"


def config_path() -> Path:
    """The shared config file: ``AWS_CONFIG_FILE``, else ``~/.aws/config``."""
    given = os.environ.get("AWS_CONFIG_FILE")
    return Path(given).expanduser() if given else Path.home() / ".aws" / "config"


def config_sections(profile: str) -> tuple[str, ...]:
    """The config file's names for ``profile``: ``[default]`` is bare, any other is ``[profile NAME]``."""
    return ("default", "profile default") if profile == "default" else (f"profile {profile}",)


def config_header(profile: str) -> str:
    return "default" if profile == "default" else f"profile {profile}"


def _section_name(line: str) -> str | None:
    """The name in a ``[section]`` line, spaces folded as the AWS CLI folds them, or None."""
    match = _HEADER.fullmatch(line.strip())
    return " ".join(match.group(1).split()) if match else None


def _is_key(line: str) -> bool:
    """A ``name = value`` line (not blank, a comment, a header or an indented continuation)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(_COMMENT) and not line[:1].isspace() and not stripped.startswith("[")


def _key_name(line: str) -> str:
    return re.split(r"[=:]", line, maxsplit=1)[0].strip().lower()


def _span(lines: list[str], names: tuple[str, ...]) -> tuple[int, int] | None:
    """(header index, index after the section's last line) of the first section named one of ``names``."""
    for start, line in enumerate(lines):
        if _section_name(line) in names:
            end = start + 1
            while end < len(lines) and _section_name(lines[end]) is None:
                end += 1
            return start, end
    return None


def has_section(text: str, names: tuple[str, ...]) -> bool:
    return _span(text.splitlines(keepends=True), names) is not None


def set_section(text: str, names: tuple[str, ...], header: str, values: list[tuple[str, str]], only: set[str] | None) -> str:
    """``text`` with the section ``names[0]`` holding ``values``; every other line kept as it was.

    ``only`` None replaces every setting of an existing section (a profile replaced is exactly the new
    credentials: a leftover ``role_arn`` or ``credential_process`` would take precedence over them);
    otherwise only the settings named in ``only`` are replaced. Comments inside the section stay.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    new = [f"{name} = {value}{newline}" for name, value in values]
    found = _span(lines, names)
    if found is None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        if any(line.strip() for line in lines):
            lines.append(newline)
        return "".join([*lines, f"[{header}]{newline}", *new])
    start, end = found
    kept, dropping = [], False
    for line in lines[start + 1:end]:
        if _is_key(line):
            dropping = only is None or _key_name(line) in only
        elif not (line[:1].isspace() and line.strip() and dropping):  # an indented line continues the value above it
            dropping = False
        if not dropping:
            kept.append(line)
    if lines[start].rstrip("\r\n") == lines[start]:  # a header on the file's last line, without a line ending
        lines[start] += newline
    return "".join([*lines[:start + 1], *new, *kept, *lines[end:]])


def read_text(path: Path) -> str:
    """The file's text with its line endings as they are ('' when it does not exist)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    except IsADirectoryError:
        fail(f"{path} is a directory, not an AWS file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text; nothing was changed.")


def write_atomic(path: Path, text: str) -> Path:
    """Replace the file (through a symlink: its target) with ``text``, mode 0600; create ``~/.aws`` with 0700."""
    real = path.resolve()
    real.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")  # 0600 from the start
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:  # the rename itself survives a crash only once the directory is synced
        directory = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass
    return real


def check_writable(path: Path) -> None:
    """Refuse, before anything is opened, a file that could not be written: its directory must be (or become) writable."""
    real = path.resolve()
    if real.exists() and not real.is_file():
        fail(f"{path} is not a regular file.")
    probe = real.parent
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        fail(f"{probe} is not writable, so {path} cannot be written; nothing was opened.")


@dataclass(frozen=True)
class ProfileTarget:
    """Where ``--aws-profile NAME`` writes, checked before the one request that spends a view."""

    name: str
    credentials: Path
    config: Path
    force: bool

    @classmethod
    def prepare(cls, name: str, force: bool) -> ProfileTarget:
        """Check both files now: readable, writable, and without a profile ``name`` unless ``force``."""
        target = cls(name, credentials_path(), config_path(), force)
        for path, names in ((target.credentials, (name,)), (target.config, config_sections(name))):
            check_writable(path)
            target.refuse_existing(path, read_text(path), names)
        return target

    def refuse_existing(self, path: Path, text: str, names: tuple[str, ...]) -> None:
        if not self.force and has_section(text, names):
            fail(f"Profile {self.name} already exists in {path}; --force replaces it. Nothing was opened.")

    def write_credentials(self, values: list[tuple[str, str]]) -> Path:
        """Write the profile's keys into the credentials file (every old setting of that profile replaced)."""
        text = read_text(self.credentials)
        self.refuse_existing(self.credentials, text, (self.name,))  # written meanwhile by someone else?
        return write_atomic(self.credentials, set_section(text, (self.name,), self.name, values, None))

    def write_region(self, region: str) -> Path:
        """Set ``region`` in the profile's config section, leaving its other settings alone."""
        names = config_sections(self.name)
        text = read_text(self.config)
        return write_atomic(self.config, set_section(text, names, config_header(self.name), [("region", region)], {"region"}))
