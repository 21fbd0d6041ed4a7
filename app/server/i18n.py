"""The reader's language: which one a request gets, the switch that remembers it, and gettext.

Pages are rendered in the language of the ``burnlink_lang`` cookie, else the best match of
``Accept-Language``, else English. The API speaks English unless the client sends
``Accept-Language`` (its ``code`` members never change; only the ``detail`` sentences do), and it
never reads the cookie: an API answer must not depend on what some page remembered.

Templates and the server's sentences use gettext catalogs (``translations/<id>/LC_MESSAGES``,
compiled by ``make i18n-compile``); the scripts use ``static/i18n/<tag>.json``. A language is
named by its BCP 47 tag (``pt-BR``, ``zh-Hans``) in URLs, the cookie, ``<html lang>`` and the
JSON file names, and by Babel's identifier (``pt_BR``) in the catalogs' folders.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

from .assets import TRANSLATIONS
from .headers import is_api

DEFAULT = "en"
# Each language under its own name, as a reader looks for it in a list.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "ja": "日本語",
    "zh-Hans": "简体中文",
    "pl": "Polski",
    "ar": "العربية",
}
RIGHT_TO_LEFT = frozenset({"ar"})
COOKIE = "burnlink_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
_BY_LOWER = {tag.lower(): tag for tag in LANGUAGES}
# Chinese written in Traditional characters is not served Simplified as if it were the same.
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def N_(message: str) -> str:
    """Mark a sentence for the catalogs where it is defined; it is translated where it is used."""
    return message


def babel_id(tag: str) -> str:
    """Babel's identifier of a language tag: ``pt-BR`` -> ``pt_BR``."""
    return tag.replace("-", "_")


def direction(tag: str) -> str:
    return "rtl" if tag in RIGHT_TO_LEFT else "ltr"


def known(tag: str | None) -> str | None:
    """The supported tag that ``tag`` names exactly (any case), or None."""
    return _BY_LOWER.get(tag.lower()) if tag else None


def match(tag: str) -> str | None:
    """The supported language one ``Accept-Language`` entry asks for, or None."""
    wanted = tag.strip().lower().replace("_", "-")
    if wanted in _BY_LOWER:
        return _BY_LOWER[wanted]
    if wanted.startswith(_TRADITIONAL):
        return None
    primary = wanted.split("-", 1)[0]
    for supported in LANGUAGES:
        if supported.split("-", 1)[0].lower() == primary:
            return supported
    return None


def negotiate(entries: Iterable[tuple[str, float]]) -> str | None:
    """The best supported language for ``Accept-Language`` entries (highest quality first)."""
    for value, quality in sorted(entries, key=lambda entry: -entry[1]):
        if quality > 0 and value != "*" and (found := match(value)):
            return found
    return None


def page_language() -> str:
    """The language of a page: the reader's own choice, else their browser's, else English."""
    chosen = known(request.cookies.get(COOKIE))
    return chosen or negotiate(request.accept_languages) or DEFAULT


def api_language() -> str:
    """The language of an API answer's sentences: only what the client asked for in its headers."""
    return negotiate(request.accept_languages) or DEFAULT


def current_language() -> str:
    """This request's language (English outside a request)."""
    if not has_request_context():
        return DEFAULT
    return api_language() if is_api(request.path) else page_language()


def _select_locale() -> str:
    return babel_id(current_language())


def _babel_ready() -> bool:
    return has_request_context() and "babel" in current_app.extensions


def gettext(message: str, **variables: Any) -> str:
    """``message`` in this request's language; the English itself outside a request."""
    if _babel_ready():
        return _gettext(message, **variables)
    return message % variables if variables else message


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The form of ``singular``/``plural`` for ``num`` in this request's language."""
    if _babel_ready():
        return _ngettext(singular, plural, num, **variables)
    return (singular if num == 1 else plural) % {"num": num, **variables}


def localized_detail(given: str | None, general: str) -> str:
    """A problem's ``detail``: the raiser's sentence, else the general one, in the request's language.

    English keeps the raiser's own words. Another language gets their translation when the
    catalog has one, else the general sentence of the code (already translated): a reader who
    asked for German should not be handed an English fragment in the middle of a German page.
    """
    if not given:
        return general
    if current_language() == DEFAULT:
        return given
    translated = gettext(given)
    return translated if translated != given else general


def same_site_path(target: str | None) -> str:
    """``target`` when it is a path on this site (``/s/ID``), else ``/``: never a way off-site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def ttl_label(seconds: int) -> str:
    """An expiry choice in words: 5 minutes, 1 hour, 3 days, in this request's language."""
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(num)d day", "%(num)d days", days)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    minutes = max(1, seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def ttl_key(seconds: int) -> tuple[str, int]:
    """The JSON catalog's plural entry and count for the same choice (a page switched in place says it alike)."""
    if seconds % 86400 == 0:
        return "ttl_days", seconds // 86400
    if seconds % 3600 == 0:
        return "ttl_hours", seconds // 3600
    return "ttl_minutes", max(1, seconds // 60)


def init_i18n(app: Flask) -> None:
    """Flask-Babel on ``app``: the catalogs, the locale of each request, ``_``/``ngettext`` in templates."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals.update(ttl_label=ttl_label, ttl_key=ttl_key)
