"""Where the pages' templates, static files and compiled translations are.

In a checkout they sit beside the package (``templates/``, ``static/``, ``translations/`` at
the top of the repository); an installed wheel carries them inside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
ROOT = _PACKAGE if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
TRANSLATIONS = ROOT / "translations"
