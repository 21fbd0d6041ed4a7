"""app/server/pages.py: the HTML shells render every string, and a terminal gets a note instead.

The pages' behaviour in a browser is tests/browser/test_pages.py.
"""

from __future__ import annotations

from typing import Any

from app.server.pages import strings


def test_pages_render_every_string(client: Any) -> None:
    """Every template string resolves (a dict method such as t.copy would print '<built-in method')."""
    pages = [client.get("/", headers={"Accept": "text/html"}),
             client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "text/html"}),
             client.get("/no/such/page", headers={"Accept": "text/html"})]
    assert [r.status_code for r in pages] == [200, 200, 404]
    for response in pages:
        html = response.get_data(as_text=True)
        assert "built-in method" not in html and "Undefined" not in html
        assert response.mimetype == "text/html"
    assert set(strings()) >= {"copy_label", "reveal_button", "gone_title"}


def test_a_terminal_gets_a_note_not_the_page(client: Any) -> None:
    response = client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "*/*"})
    assert response.mimetype == "text/plain" and "burnlink get" in response.get_data(as_text=True)
    assert "Accept" in response.headers["Vary"] and response.headers["Cache-Control"] == "no-store"
    html = client.get("/s/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html" and "Accept" in html.headers["Vary"]
