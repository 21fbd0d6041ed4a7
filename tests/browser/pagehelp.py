"""Steps the browser tests share: make a secret (like a user, or through the API), open it, and watch
what a page sends. The server is anything with a ``url`` (the ``live_server`` fixture)."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from babel import Locale
from playwright.sync_api import Page, Request, Route, expect

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


def view_problems(page: Page, check: str) -> list[str]:
    """What is wrong with the view by one measure: ``axe`` (serious findings), ``csp`` (violations) or the width."""
    if check == "axe":
        return serious_axe(page)
    if check == "csp":
        return page.evaluate("window.__csp")
    scroll, viewport = page_width(page)
    return [] if scroll <= viewport else [f"{scroll} > {viewport}"]


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


def english_left(page: Page, lang: str) -> list[str]:
    """English sentences of the catalog, or bare keys of it, still on screen in a page that should speak ``lang``."""
    text = page.locator("body").inner_text()
    english, other = catalog("en"), catalog(lang)
    left = [key for key in english if "_" in key and key in text]  # a key a script has no string for
    for key, value in english.items():
        for form in value.values() if isinstance(value, dict) else [value]:
            if "{" not in form and len(form) >= 12 and other[key] != value and form in text:
                left.append(f"{key}: {form}")
    return left


def tab_to(page: Page, element_id: str, most: int = 30) -> None:
    """Press Tab until ``element_id`` has the focus (it must get there within ``most`` presses)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def overflowing(page: Page) -> list[str]:
    """Labels, buttons, headings and menu entries whose text is wider than their own box."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'label, button, .button, legend, summary, h1, h2, .langs a, select, .kinds label')]
        .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.tagName.toLowerCase()}#${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`)""")


# --- receipts, temporary credentials, users CSV --------------------------------------------------

RECEIPT = "**/api/v1/secrets/*/receipt"
# A receipt with every kind of event line and delivery state; nothing in it can change any more.
ENDED_RECEIPT = {
    "state": "burned", "views_left": 0, "viewed_at": [], "expires_at": "2026-03-02T10:00:00Z",
    "events": [
        {"type": "secret.created", "at": "2026-03-01T10:00:00Z"},
        {"type": "secret.opened", "at": "2026-03-01T10:05:00Z", "client": {"network": "203.0.113.0/24", "agent": "a bot"}},
        {"type": "secret.wrong_code", "at": "2026-03-01T10:06:00Z", "attempts_left": 4},
        {"type": "secret.burned", "at": "2026-03-01T10:07:00Z"},
    ],
    "deliveries": [
        {"type": "webhook", "state": "delivered", "attempts": 2, "last_status": "204"},
        {"type": "slack", "state": "failed", "attempts": 7, "last_status": "timeout"},
        {"type": "email", "state": "failed", "attempts": 3, "last_status": "smtp 550 no such user"},
    ],
}


def fake_receipt(page: Page, body: dict[str, Any]) -> list[float]:
    """Answer every receipt read of ``page`` with ``body``; returns the times of the reads."""
    reads: list[float] = []

    def answer(route: Route) -> None:
        reads.append(time.monotonic())
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route(RECEIPT, answer)
    return reads


STS_KEY_ID = "ASIAY34FZKBOKMUTVV7A"
STS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
STS_TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQD" + "x" * 300 + "+/=="
STS_ROLE = "arn:aws:sts::123456789012:assumed-role/deploy/ci-session"


def iso_in(delta: timedelta) -> str:
    """Now plus ``delta``, as AWS prints an expiration."""
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def sts_json(expiration: str) -> str:
    """What ``aws sts assume-role`` prints."""
    return json.dumps({"Credentials": {"AccessKeyId": STS_KEY_ID, "SecretAccessKey": STS_SECRET_KEY, "SessionToken": STS_TOKEN,
                                       "Expiration": expiration},
                       "AssumedRoleUser": {"AssumedRoleId": "AROA3XFRBF23:ci-session", "Arn": STS_ROLE}}, indent=4)


CONSOLE_URL = "https://123456789012.signin.aws.amazon.com/console"
USERS_HEADER = "User name,Password,Access key ID,Secret access key,Console login link\r\n"
# The console's users CSV: three good rows (key and sign-in, key, sign-in) and two bad ones.
USERS_CSV = (USERS_HEADER
             + f"alice,Temp#Pass-2026!,AKIAIOSFODNN7EXAMPLE,{STS_SECRET_KEY},{CONSOLE_URL}\r\n"
             + f"bob,,AKIAIOSFODNN7EXAMPLE,{STS_SECRET_KEY},\r\n"
             + f"carol,Pw-1,,,{CONSOLE_URL}\r\n"
             + "dave,Pw-2,,,\r\n"
             + "frank_with_a_rather_long_iam_user_name_for_the_platform_team,,AKIAIOSFODNN7EXAMPLE,,\r\n")


def users_file(text: str = USERS_CSV, name: str = "new-users.csv") -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
