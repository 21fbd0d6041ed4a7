"""The web pages: create (``/``), reveal (``/s/<id>``), friendly error pages, and the language switch.

Pages are server-rendered shells; all crypto runs in ``static/js`` (WebCrypto).
The server never renders anything from a secret: it never has one. The templates'
strings come from the gettext catalogs (``translations/``); the scripts' from
``static/i18n/<lang>.json``, embedded in the page for its language (``i18n.py``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from ..core.config import DEVELOPMENT
from ..core.protocol import is_secret_id
from . import i18n
from .assets import STATIC
from .i18n import N_, gettext
from .inputs import base_url
from .services import services

bp = Blueprint("web", __name__)
I18N = STATIC / "i18n"
TTL_CHOICES = (300, 3600, 86400, 259200, 604800)


@lru_cache(maxsize=len(i18n.LANGUAGES))
def strings(lang: str = i18n.DEFAULT) -> dict[str, Any]:
    """The scripts' strings in one language (``static/i18n/<lang>.json``)."""
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=len(i18n.LANGUAGES))
def _strings_json(lang: str) -> str:
    # "<" escaped so no string can close the data block it is embedded in.
    return json.dumps(strings(lang), ensure_ascii=False).replace("<", "\\u003c")


def _secure_cookie() -> bool:
    return current_app.config["BURNLINK"].env != DEVELOPMENT


def page(template: str, status: int = 200, **context: Any) -> Response:
    """Render ``template`` (it extends base.html) in the reader's language, with the scripts' strings."""
    lang = i18n.page_language()
    body = render_template(
        template, lang=lang, dir=i18n.direction(lang), languages=i18n.LANGUAGES, rtl=i18n.RIGHT_TO_LEFT,
        next_path=request.path, secure_cookie=_secure_cookie(), i18n_json=_strings_json(lang), **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _limits() -> dict[str, Any]:
    cfg = current_app.config["BURNLINK"]
    ttls = [t for t in TTL_CHOICES if cfg.ttl_min <= t <= cfg.ttl_max]
    default = cfg.ttl_default if cfg.ttl_default in ttls else (ttls[len(ttls) // 2] if ttls else cfg.ttl_default)
    return {"ttls": ttls or [cfg.ttl_default], "ttl_default": default, "ttl_min": cfg.ttl_min, "views_max": cfg.views_max,
            "max_blob": cfg.max_blob, "notify_types": _notify_types()}


def _notify_types() -> list[str]:
    """The target types a creator may name here: e-mail only where SMTP and its domains are set up."""
    settings = services().notifications
    if settings is None:
        return []
    policy = settings.policy
    return [kind for kind in policy.types
            if kind != "email" or (policy.email_ready and policy.email_domains)]


@bp.get("/")
def create_page() -> Response:
    """The create page: encrypts in the browser and posts ciphertext only; shaped by the operator's policies."""
    # Imported here: account_pages renders through page(), defined in this module.
    from .account_pages import create_context

    closed, context = create_context(_limits())
    return closed or page("create.html", **context)


def _wants_html() -> bool:
    """Only a client that names text/html gets the page; curl's */* gets the terminal note."""
    return any(value == "text/html" and quality > 0 for value, quality in request.accept_mimetypes)


TERMINAL_NOTE = """This is a burnlink one-time secret. Open the whole link in a browser, or read it from a terminal:

  burnlink get '{base}/s/{sid}#KEY'
  curl -d key=KEY -d access_code=CODE {base}/api/v1/secrets/{sid}/reveal

KEY is the part of the link after '#' (your client did not send it here); leave out
access_code if the sender gave you none. Reading this note consumed nothing.
"""


@bp.get("/s/<sid>")
def reveal_page(sid: str) -> Response:
    """The reveal page; it asks for the ciphertext only after a click on Reveal."""
    if not _wants_html():
        response = Response(TERMINAL_NOTE.format(base=base_url(), sid=sid if is_secret_id(sid) else "ID"), mimetype="text/plain")
    elif not is_secret_id(sid):
        response = page("reveal.html", status=404, sid="", gone=True)
    else:
        response = page("reveal.html", sid=sid, gone=False)
    response.vary.add("Accept")
    return response


@bp.get("/lang/<tag>")
def set_language(tag: str) -> Response:
    """Remember the reader's language and go back to ``next`` (a path on this site, else ``/``).

    The cookie holds the language tag and nothing else. It is not HttpOnly: the create and
    reveal pages switch in place, without a reload that would lose a key or a result, and set
    the same cookie, with the same attributes, from their scripts.
    """
    lang = i18n.known(tag)
    if lang is None:
        abort(404)
    response = redirect(i18n.same_site_path(request.args.get("next")), code=303)
    response.set_cookie(i18n.COOKIE, lang, max_age=i18n.COOKIE_MAX_AGE, path="/", samesite="Lax", secure=_secure_cookie(),
                        httponly=False)
    return response


# The statuses a page can end in, by name in the reader's language.
STATUS_TITLES = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed here"),
    408: N_("The request took too long"),
    413: N_("Too large"),
    415: N_("Unsupported request"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Temporarily unavailable"),
}


def render_error_page(status: int) -> Response:
    """A friendly page for errors outside the API (the app's one error handler calls this)."""
    message = N_("There is nothing at this address.") if status == 404 else N_("Please try again in a moment.")
    title = STATUS_TITLES.get(status, N_("Something went wrong"))
    return page("error.html", status=status, status_code=status, title=gettext(title), message=gettext(message))
