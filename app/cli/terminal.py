"""The terminal: what is safe to print, and whether we may prompt.

Everything that comes from a secret or from a server is printed through
:func:`terminal_safe` or :func:`line_safe`: a secret or a hostile server must
not be able to drive the recipient's terminal or hide text.
"""

from __future__ import annotations

import re
import sys
from typing import Any, BinaryIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder what a
# terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as escapes (a CR before LF is kept)."""
    return _UNSAFE.sub(lambda m: "\r" if m.group(0) == "\r" and text[m.end():m.end() + 1] == "\n" else _escape(m), text)


def line_safe(text: str) -> str:
    """``text`` for one ``name: value`` line: every control character escaped, newlines too."""
    return UNSAFE_IN_LINE.sub(_escape, text)


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
