"""The terminal: what is safe to print, and whether we may prompt.

Everything that comes from a secret or from a server is printed through
:func:`terminal_safe` or :func:`line_safe`: a secret or a hostile server must
not be able to drive the recipient's terminal or hide text.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any, BinaryIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder what a
# terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# On one line nothing invisible or line-breaking may pass: controls (C0, DEL, C1), every format
# character (bidi overrides and isolates, zero-width ones, Arabic letter mark, tag characters),
# surrogates, and the Unicode line and paragraph separators.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def unsafe_in_line(ch: str) -> bool:
    """Must ``ch`` never reach a terminal line as itself?"""
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    return _escape_char(match.group(0))


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as escapes (a CR before LF is kept)."""
    return _UNSAFE.sub(lambda m: "\r" if m.group(0) == "\r" and text[m.end():m.end() + 1] == "\n" else _escape(m), text)


def line_safe(text: str) -> str:
    """``text`` for one line: every control and format character escaped, newlines too."""
    if text.isprintable():  # nothing in UNSAFE_CATEGORIES is printable
        return text
    return "".join(_escape_char(ch) if unsafe_in_line(ch) else ch for ch in text)


def lines_safe(text: str) -> list[str]:
    """``text`` as lines for a person (a multi-line note stays multi-line), each one :func:`line_safe`."""
    return [line_safe(line) for line in re.split(r"\r?\n", text)]


def one_line(text: str) -> str:
    """``text`` folded onto one line."""
    return " ".join(text.split())


def interactive() -> bool:
    """Is stdin a terminal (so we may prompt)?"""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def binary(stream: Any) -> BinaryIO:
    """The byte stream under a text stream (stdin, stdout)."""
    return getattr(stream, "buffer", stream)
