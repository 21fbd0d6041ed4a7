"""app/server/request_pages.py: the answer and inbox shells render in every language, a malformed id
gets the gone page without a script, and a page load touches no request.

The pages' behaviour in a browser is tests/browser/test_request_pages.py.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.request import MIN_ANSWER
from app.server.i18n import COOKIE, LANGUAGES
from tests.support.asks import ask

RID = "AAAAAAAAAAAAAAAAAAAAAA"
PAGES = {"answer": (f"/r/{RID}", "js/answer.js"), "inbox": (f"/r/{RID}/inbox", "js/inbox.js")}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_is_a_shell_with_its_one_script(client: FlaskClient, name: str) -> None:
    path, script = PAGES[name]
    response = client.get(path, headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert "built-in method" not in html and "Undefined" not in html
    assert f'data-request-id="{RID}"' in html
    assert re.findall(r'<script type="module" src="([^"]+)"', html) == [f"/static/{script}"]
    assert 'id="gone" class="card notice" hidden' in html


def test_the_answer_page_knows_the_size_limit(make_app) -> None:
    html = make_app(max_blob=4096).test_client().get(PAGES["answer"][0]).get_data(as_text=True)
    assert 'data-max-blob="4096"' in html and f'data-overhead="{MIN_ANSWER}"' in html


@pytest.mark.parametrize("path", ["/r/not-an-id", "/r/AAAA/inbox", "/r/AAAAAAAAAAAAAAAAAAAAAB"])
def test_a_malformed_id_is_gone_at_once(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert '<section id="gone" class="card notice" >' in html
    assert "<script type=\"module\"" not in html and 'id="intro"' not in html


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_each_language_renders_both_pages(client: FlaskClient, lang: str) -> None:
    client.set_cookie(COOKIE, lang)
    for path, _ in PAGES.values():
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.headers["Content-Language"] == lang
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)


def test_loading_the_pages_reads_and_records_nothing(app: Flask, client: FlaskClient) -> None:
    asked = ask(client)
    store = app.extensions["burnlink"].requests
    before = store.client.hgetall(store.keys(asked.rid)[0])
    for path in (f"/r/{asked.rid}", f"/r/{asked.rid}/inbox"):
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    assert store.client.hgetall(store.keys(asked.rid)[0]) == before
