"""Steps the browser tests share: make a secret (like a user, or through the API), open it, and watch
what a page sends. The server is anything with a ``url`` (the ``live_server`` fixture)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import requests
from babel import Locale
from playwright.sync_api import Page, Request, expect

from app.core import payload as payloads
from app.core import protocol as p

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# Collects every CSP violation a page reports; add it with page.add_init_script before goto.
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def create(page: Page, server: Any, kind: str = "text", fill: dict[str, str] | None = None,
           file: dict[str, Any] | None = None, code: bool = True, views: int = 1) -> tuple[str, str | None]:
    """Fill the create page like a user and return (link, access code)."""
    page.goto(server.url + "/")
    page.locator(f"input[name=kind][value='{kind}']").check()
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    if file:
        page.set_input_files("#file", files=[file])
    page.fill("#views", str(views))
    if not code:
        page.uncheck("#use-code")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    link = page.input_value("#result-link")
    access = page.input_value("#result-code") if code else None
    return link, access


def reveal(page: Page, link: str, code: str | None) -> None:
    """Open ``link`` and reveal it (typing ``code`` when given)."""
    page.goto(link)
    expect(page.locator("#reveal")).to_be_enabled()
    if code is not None:
        page.fill("#code", code)
    page.click("#reveal")
    expect(page.locator("#secret")).to_be_visible()


def seal_via_api(server: Any, payload: dict, code: str | None = None, views: int | None = None) -> str:
    """Encrypt ``payload`` here (the Python protocol) and store it; the whole link."""
    sealed = payloads.seal_payload(payload, code)
    body: dict[str, Any] = {"ciphertext": p.b64u_encode(sealed.blob), "link_verifier": p.b64u_encode(sealed.link_verifier),
                            "auth_verifier": p.b64u_encode(sealed.auth_verifier), "has_code": code is not None}
    if views is not None:
        body["views"] = views
    created = requests.post(f"{server.url}/api/v1/secrets", json=body, timeout=10).json()
    return f"{created['url']}#{p.b64u_encode(sealed.key)}"


class Recorder:
    """Every request a page makes, as (method, url, body)."""

    def __init__(self, page: Page) -> None:
        self.seen: list[tuple[str, str, str]] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.seen.append((request.method, request.url, request.post_data or ""))

    def posts(self, path: str) -> list[tuple[str, str, str]]:
        return [r for r in self.seen if r[0] == "POST" and r[1].split("?")[0].endswith(path)]

    def methods(self, method: str) -> list[tuple[str, str, str]]:
        return [r for r in self.seen if r[0] == method]


def text_lines(page: Page, selector: str) -> int:
    """How many lines the text of the element at ``selector`` takes on screen."""
    return page.locator(selector).evaluate("""node => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom))).size;
    }""")


def page_width(page: Page) -> tuple[int, int]:
    """(the document's scroll width, the viewport's width)."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def serious_axe(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (its context must bypass the CSP)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


# --- languages --------------------------------------------------------------------------------

I18N = Path(__file__).resolve().parents[2] / "static" / "i18n"
LANGUAGES = ("de", "fr", "es", "pt-BR", "ja", "zh-Hans", "pl", "ar")


def catalog(lang: str) -> dict[str, Any]:
    """The browser's catalog of one language (static/i18n/<lang>.json)."""
    return json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))


def said(lang: str, key: str, **values: Any) -> str:
    """What the page shows for ``key`` in ``lang``: the plural form for ``n`` by CLDR, {name} filled in."""
    entry = catalog(lang)[key]
    if isinstance(entry, dict):
        category = Locale.parse(lang.replace("-", "_")).plural_form(values.get("n", 0))
        entry = entry.get(category, entry["other"])
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], "")), entry)


def overflowing(page: Page) -> list[str]:
    """Labels, buttons, headings and menu entries whose text is wider than their own box."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'label, button, .button, legend, summary, h1, h2, .langs a, select, .kinds label')]
        .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.tagName.toLowerCase()}#${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`)""")
