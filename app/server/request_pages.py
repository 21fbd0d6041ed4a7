"""The request pages: ask for a secret (``/r/new``), answer a request (``/r/<id>``) and read its
answer once (``/r/<id>/inbox``).

Server-rendered shells like the reveal page (``pages.py``): the keys stay in the fragment, which
no browser sends, and everything the crypto needs runs in ``static/js`` (``ask.js`` makes the key
pair and the request, ``answer.js`` seals an answer to the asker's public key, ``inbox.js`` opens
it with the private one). Loading a page reads nothing and spends nothing; the scripts ask the API
only what the state is.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from ..core.protocol import is_secret_id
from ..core.request import MIN_ANSWER
from ..core.wire import MAX_NOTE
from .account_pages import create_context
from .pages import _limits, page

bp = Blueprint("requests_web", __name__)


@bp.get("/r/new")
def ask_page() -> Response:
    """The asker's page: a note, an expiry and targets; the browser makes the key pair and the request.

    It obeys the same policies as the create page (a request is made like a secret), and says why
    where this visitor may not ask.
    """
    closed, context = create_context(_limits(), here="/r/new")
    return closed or page("ask.html", max_note=MAX_NOTE, **context)


@bp.get("/r/<sid>")
def answer_page(sid: str) -> Response:
    """The page of the person asked: the note, checked, and a form that seals the answer here."""
    if not is_secret_id(sid):
        return page("answer.html", status=404, rid="", gone=True)
    # What fits in the one answer blob (the sealed payload plus E, iv and tag).
    return page("answer.html", rid=sid, gone=False, max_blob=current_app.config["BURNLINK"].max_blob,
                overhead=MIN_ANSWER)


@bp.get("/r/<sid>/inbox")
def inbox_page(sid: str) -> Response:
    """The asker's page: whether an answer waits, and the answer itself, read once on a click."""
    if not is_secret_id(sid):
        return page("inbox.html", status=404, rid="", gone=True)
    return page("inbox.html", rid=sid, gone=False)
