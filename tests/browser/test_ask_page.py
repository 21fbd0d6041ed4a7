"""The ask page (/r/new) in Chromium: a request made in the page, answered in another browser (the
answer page says who asks), read in the inbox; the inbox link kept in this browser and listed;
keyboard only, axe and the CSP, a phone, every language.

One server for the module; an asker signs in through the authenticating proxy's header, believed
from loopback only, as in test_accounts_pages.py.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.core import request as rq
from tests.browser.pagehelp import CSP_PROBE, LANGUAGES, Recorder, catalog, english_left, overflowing, said, tab_to, view_problems
from tests.support import GunicornProcess

HEADER = "X-Forwarded-Email"
PROXY = {"BURNLINK_TRUSTED_USER_HEADER": HEADER, "BURNLINK_TRUSTED_PROXY_NETWORKS": "127.0.0.0/8,::1/128"}
PHONE = {"width": 320, "height": 740}
NOTE = "Stripe key for billing\nthe live one"


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[GunicornProcess]:
    running = GunicornProcess(redis_url, workers=1, env={"BURNLINK_KEY_PREFIX": f"bltest{secrets.token_hex(3)}", **PROXY}).start()
    try:
        yield running
    finally:
        running.stop()


def as_user(new_page: Any, email: str | None, **options: Any) -> Page:
    """A page in a fresh context, signed in as ``email`` by the proxy's header (``None``: anonymous)."""
    return new_page(extra_http_headers={HEADER: email} if email else {}, **options)


def clean(page: Page, where: str, axe: bool = True) -> None:
    """No serious axe finding (where the page's context bypasses the CSP), nothing wider than the screen or its box."""
    assert not axe or view_problems(page, "axe") == [], where
    assert view_problems(page, "width") == [] and overflowing(page) == [], where


def made(page: Page) -> tuple[str, str]:
    """The request link and the inbox link the result shows, each a plain link of the same request."""
    expect(page.locator("#result")).to_be_visible()
    link, inbox = page.input_value("#request-link"), page.input_value("#inbox-link")
    assert rq.parse_request_link(link).rid == rq.parse_inbox_link(inbox).rid
    return link, inbox


def kept_row(page: Page) -> Any:
    return page.locator("#kept-table tbody tr")


def test_ask_answer_elsewhere_and_read_from_the_kept_list(new_page, server: GunicornProcess) -> None:
    asker = as_user(new_page, None, viewport=PHONE)
    asker.add_init_script(CSP_PROBE)  # under the real CSP
    wire = Recorder(asker)
    asker.goto(server.url + "/")
    asker.click("#ask-link")  # from the create page
    expect(asker.locator("#ask h1")).to_have_text("Ask for a secret")
    expect(asker.locator("#kept")).to_be_hidden()  # nothing kept yet
    asker.fill("#note", NOTE)
    asker.select_option("#ttl", "3600")
    asker.check("#keep")
    asker.click("#submit")
    link, inbox = made(asker)
    expect(asker.locator("#result-title")).to_be_focused()
    expect(asker.locator("#inbox-warning")).to_contain_text("the only way to read the answer")
    expect(asker.locator("#kept-here")).to_be_visible()
    expect(asker.get_by_role("button", name="Copy request link")).to_be_visible()
    expect(asker.get_by_role("button", name="Copy inbox link")).to_be_visible()
    expect(asker.locator("#result-expires")).to_contain_text("Expires ")
    # The server got two verifiers, the expiry, then the note with its MAC: never a key.
    posted = json.loads(wire.posts("/api/v1/requests")[0][2])
    assert sorted(posted) == ["answer_verifier", "inbox_verifier", "ttl"] and posted["ttl"] == 3600
    note = [body for method, url, body in wire.seen if method == "PUT" and url.endswith("/note")]
    assert len(note) == 1 and json.loads(note[0])["note"] == NOTE
    sent = "\n".join(f"{url} {body}" for _, url, body in wire.seen)
    assert link.split("#")[1] not in sent and inbox.split("#")[1] not in sent
    # Kept here: the inbox link itself (that is the point), the note as its label; listed with its state.
    stored = json.loads(asker.evaluate("localStorage.getItem('burnlink_requests')"))
    assert [sorted(entry) for entry in stored] == [["created_at", "expires_at", "id", "inbox_link", "label", "manage_token"]]
    assert stored[0]["inbox_link"] == inbox and stored[0]["label"] == NOTE
    assert asker.evaluate("localStorage.getItem('burnlink_links')") is None
    expect(asker.locator("#kept")).to_be_visible()
    expect(kept_row(asker).locator("td.state")).to_have_text("Not answered yet")
    expect(kept_row(asker).locator("td").nth(1)).to_have_text(NOTE.replace("\n", " "))
    assert view_problems(asker, "csp") == []

    person = new_page(bypass_csp=True)
    person.goto(link)
    expect(person.locator("#send")).to_be_enabled()
    expect(person.locator("#sender")).to_have_class("sender unverified")
    expect(person.locator("#sender-line")).to_have_text("The person asking is not verified")
    expect(person.locator("#sender-note")).to_contain_text("check with the person asking through another channel")
    expect(person.locator("#note")).to_have_text(NOTE)
    person.fill("#text", "sk_live_from_the_vendor")
    person.click("#send")
    expect(person.locator("#sent")).to_be_visible()

    asker.goto(server.url + "/r/new")
    expect(kept_row(asker).locator("td.state")).to_have_text("Answered, not read yet")
    clean(asker, "kept list", axe=False)  # axe on the list: in each language's test
    asker.get_by_role("link", name="Open the inbox").click()
    expect(asker.locator("#read")).to_be_enabled()
    asker.click("#read")
    expect(asker.locator("#secret-body pre")).to_have_text("sk_live_from_the_vendor")
    asker.goto(server.url + "/r/new")
    expect(kept_row(asker).locator("td.state")).to_have_text("Answer read")
    expect(kept_row(asker).get_by_role("link")).to_have_count(0)  # nothing left to read
    # Forgetting asks first: the inbox links go with it.
    asker.click("#kept-forget")
    expect(asker.locator("#kept-question")).to_contain_text("copy any you still need first")
    asker.locator("#kept-confirm .confirm-yes").click()
    expect(asker.locator("#kept-status")).to_have_text(catalog("en")["kept_forgotten"])
    assert asker.evaluate("localStorage.getItem('burnlink_requests')") is None
    assert view_problems(asker, "csp") == []


def test_a_signed_in_asker_by_keyboard_alone_is_named_on_the_answer_page(new_page, server: GunicornProcess) -> None:
    alice = f"alice-{secrets.token_hex(3)}@example.com"
    asker = as_user(new_page, alice, bypass_csp=True)
    headers: list[dict[str, str]] = []
    asker.on("request", lambda request: headers.append(request.headers) if request.method == "POST" else None)
    asker.goto(server.url + "/me")
    asker.click("#ask-link")  # from My links
    expect(asker.locator(".account-nav")).to_be_visible()
    clean(asker, "form")
    tab_to(asker, "note")
    asker.keyboard.type("the staging database password")
    tab_to(asker, "submit")
    asker.keyboard.press("Enter")
    link, _ = made(asker)
    expect(asker.locator("#result-title")).to_be_focused()
    # A proxy identity sends the CSRF token its page was given; nothing was kept (not ticked).
    assert headers[0].get("x-csrf-token") == asker.locator("#ask").get_attribute("data-csrf") != ""
    assert asker.evaluate("localStorage.getItem('burnlink_requests')") is None
    expect(asker.locator("#kept-here")).to_be_hidden()
    clean(asker, "result")

    person = new_page(viewport=PHONE, bypass_csp=True)
    person.goto(link)
    expect(person.locator("#send")).to_be_enabled()
    expect(person.locator("#sender")).to_have_class("sender verified")
    expect(person.locator("#sender-line")).to_have_text(f"Requested by {alice}")
    expect(person.locator("#sender-line bdi")).to_have_text(alice)  # text in an isolated <bdi>, never markup
    expect(person.locator("#sender-note")).to_have_text(
        "Verified by this service's sign-in: the person asking signed in with this address to make the request.")
    clean(person, "answer page, verified asker")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ask_page_in_each_language(new_page, server: GunicornProcess, lang: str) -> None:
    page = as_user(new_page, None, locale=lang, viewport={"width": 390, "height": 844}, bypass_csp=True)
    page.goto(server.url + "/r/new")
    expect(page.locator("#ask h1")).to_have_text(said(lang, "ask_title"))
    page.click("#notify summary")
    page.click("#notify-add")
    expect(page.locator("#notify-0-ev-answered + span")).to_have_text(said(lang, "ev_answered"))
    page.click(".notify-remove")
    assert english_left(page, lang) == [] and overflowing(page) == [] and view_problems(page, "width") == [], lang
    page.check("#keep")
    page.click("#submit")
    link, _ = made(page)
    expect(page.locator("#kept-table td.state")).to_have_text(said(lang, "state_open"))
    expect(page.locator("#kept-table td").nth(1)).to_have_text(said(lang, "no_note"))
    assert english_left(page, lang) == [] and overflowing(page) == [] and view_problems(page, "width") == [], lang
    if lang == "ar":  # right to left: axe once more
        assert view_problems(page, "axe") == [], lang
    person = new_page(locale=lang, viewport={"width": 390, "height": 844})
    person.goto(link)
    expect(person.locator("#sender-line")).to_have_text(said(lang, "requester_unverified"))
    assert english_left(person, lang) == [], lang
