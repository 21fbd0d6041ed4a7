"""The web pages: create (``/``), reveal (``/s/<id>``) and friendly error pages.

Pages are server-rendered shells; all crypto runs in ``static/js`` (WebCrypto).
The server never renders anything from a secret: it never has one. Strings
come from ``static/i18n/<lang>.json``, shared with the scripts.
"""

from __future__ import annotations

import json
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from ..core.protocol import is_secret_id
from .assets import STATIC
from .inputs import base_url

bp = Blueprint("web", __name__)
I18N = STATIC / "i18n"
TTL_CHOICES = (300, 3600, 86400, 259200, 604800)


@lru_cache(maxsize=8)
def strings(lang: str = "en") -> dict[str, str]:
    """The user-facing strings of one language."""
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def _page(template: str, status: int = 200, **context: Any) -> Response:
    t = strings()
    # "<" escaped so no string can close the data block it is embedded in.
    i18n_json = json.dumps(t).replace("<", "\\u003c")
    response = Response(render_template(template, t=t, i18n_json=i18n_json, **context), status=status,
                        mimetype="text/html")
    return response


def _limits() -> dict[str, Any]:
    cfg = current_app.config["BURNLINK"]
    ttls = [t for t in TTL_CHOICES if cfg.ttl_min <= t <= cfg.ttl_max]
    default = cfg.ttl_default if cfg.ttl_default in ttls else (ttls[len(ttls) // 2] if ttls else cfg.ttl_default)
    return {"ttls": ttls or [cfg.ttl_default], "ttl_default": default, "views_max": cfg.views_max, "max_blob": cfg.max_blob}


@bp.get("/")
def create_page() -> Response:
    """The create page: encrypts in the browser and posts ciphertext only."""
    return _page("create.html", limits=_limits())


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
        response = _page("reveal.html", status=404, sid="", gone=True)
    else:
        response = _page("reveal.html", sid=sid, gone=False)
    response.vary.add("Accept")
    return response


def render_error_page(status: int) -> Response:
    """A friendly page for errors outside the API (the app's one error handler calls this)."""
    t = strings()
    message = t["error_404"] if status == 404 else t["error_generic"]
    title = HTTPStatus(status).phrase if 400 <= status < 600 else t["error_title"]
    return _page("error.html", status=status, status_code=status, title=title, message=message)
