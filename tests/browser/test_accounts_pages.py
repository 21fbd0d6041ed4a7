"""The creators' pages in Chromium: My links (burn one, burn all), API tokens (shown once, revoked),
offboarding for admins, "Sent by" on the reveal page, the create page shaped by the operator's
policies, the links remembered in an anonymous creator's browser; by keyboard, axe clean, at phone
width and in every language.

Creators sign in through the authenticating proxy's header, believed from loopback only: each
signed-in page's context sends ``X-Forwarded-Email``, as oauth2-proxy would.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from app.core import payload as payloads
from app.core import protocol as p
from tests.browser.pagehelp import LANGUAGES, Recorder, catalog, overflowing, said, view_problems
from tests.support import GunicornProcess

HEADER = "X-Forwarded-Email"
PROXY = {"BURNLINK_TRUSTED_USER_HEADER": HEADER, "BURNLINK_TRUSTED_PROXY_NETWORKS": "127.0.0.0/8,::1/128"}
ADMIN = "admin@example.com"
PHONE = {"width": 390, "height": 844}
# The new sentences of these pages in English: none may be left on a page in another language.
NEW_KEYS = [
    "me_title", "me_lead", "col_views", "col_events", "burn_all", "local_title", "local_hint", "local_forget",
    "tokens_title", "tokens_lead", "token_name_hint", "token_make", "token_new_title", "token_once", "tokens_list_title", "token_revoke",
    "admin_title", "admin_lead", "admin_email", "admin_find", "admin_burn_all", "admin_end", "admin_cancel",
    "sender_verified_note", "sender_unverified", "sender_unverified_note", "state_waiting", "no_label",
    "label_label", "label_hint", "nav_create", "remember_label", "remember_hint", "tokens_none", "me_none",
]


def start(redis_url: str, **env: str) -> GunicornProcess:
    return GunicornProcess(redis_url, workers=1, env={"BURNLINK_KEY_PREFIX": f"bltest{secrets.token_hex(3)}", **env}).start()


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[GunicornProcess]:
    """Anyone may create; creators sign in through the proxy; one admin."""
    running = start(redis_url, **PROXY, BURNLINK_ADMINS=ADMIN)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def strict_server(redis_url: str) -> Iterator[GunicornProcess]:
    """Only signed-in creators (OpenID or the proxy); a code on every secret; text and files up to 2000 bytes."""
    running = start(redis_url, **PROXY, BURNLINK_CREATORS="signed-in", BURNLINK_REQUIRE_CODE="true", BURNLINK_KINDS="text,file",
                    BURNLINK_MAX_FILE="2000", BURNLINK_OIDC_ISSUER="http://127.0.0.1:9", BURNLINK_OIDC_CLIENT_ID="burnlink",
                    BURNLINK_OIDC_CLIENT_SECRET="not-used-here")
    try:
        yield running
    finally:
        running.stop()


def as_user(new_page: Any, email: str | None, **options: Any) -> Page:
    """A page in a fresh context, signed in as ``email`` by the proxy's header (``None``: anonymous)."""
    headers = {HEADER: email} if email else {}
    return new_page(extra_http_headers=headers, bypass_csp=True, **options)


def signed(server: Any, email: str) -> dict[str, str]:
    """The headers of an API call as ``email`` through the proxy, with the CSRF token the API hands out."""
    me = requests.get(f"{server.url}/api/v1/me", headers={HEADER: email}, timeout=10)
    assert me.status_code == 200, me.text
    return {HEADER: email, "X-CSRF-Token": me.json()["csrf_token"]}


def make(server: Any, email: str | None = None, label: str = "") -> tuple[str, str]:
    """A text secret made through the API as ``email`` (anonymous for ``None``): (whole link, id)."""
    sealed = payloads.seal_payload(payloads.make_payload("text", text="hello"))
    body: dict[str, Any] = {"ciphertext": p.b64u_encode(sealed.blob), "link_verifier": p.b64u_encode(sealed.link_verifier),
                            "auth_verifier": p.b64u_encode(sealed.auth_verifier), "kind": "text"}
    if label:
        body["label"] = label
    made = requests.post(f"{server.url}/api/v1/secrets", json=body, headers=signed(server, email) if email else {}, timeout=10)
    assert made.status_code == 201, made.text
    return f"{made.json()['url']}#{p.b64u_encode(sealed.key)}", made.json()["id"]


def expect_gone(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("#gone")).to_be_visible()
    expect(page.locator("#gone h1")).to_have_text("This link no longer works")


def expect_clean(page: Page, where: str) -> None:
    for check in ("axe", "width"):
        assert view_problems(page, check) == [], f"{where}: {check}"


def rows(page: Page, table: str) -> Any:
    return page.locator(f"#{table} tbody tr")


# --- My links ----------------------------------------------------------------------------------------


def test_my_links_lists_and_burns_one_then_all_with_a_confirmation(new_page, server) -> None:
    alice = f"alice-{secrets.token_hex(3)}@example.com"
    page = as_user(new_page, alice, viewport=PHONE)
    recorder = Recorder(page)
    posted: list[dict[str, str]] = []
    page.on("request", lambda request: posted.append(request.headers) if request.method == "POST" else None)
    # One made on the create page, with a label only its creator sees; two through the API.
    page.goto(server.url + "/")
    expect(page.locator("#remember")).to_have_count(0)  # signed in: My links keeps them
    page.fill("#text", "the database password")
    page.fill("#label", "db password for Sam")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    first = page.input_value("#result-link")
    sent = recorder.posts("/api/v1/secrets")
    assert len(sent) == 1 and json.loads(sent[0][2])["label"] == "db password for Sam" and json.loads(sent[0][2])["kind"] == "text"
    # A cookie or proxy identity sends the CSRF token the page was given.
    assert posted[0].get("x-csrf-token") == page.locator("#create").get_attribute("data-csrf") != ""
    second, _ = make(server, alice, label="<b>staging</b> key")
    third, _ = make(server, alice)

    page.goto(server.url + "/me")
    expect(page.locator("#me h1")).to_have_text("My links")
    expect(page.locator(".account-nav a[aria-current=page]")).to_have_text("My links")
    expect(rows(page, "me-table")).to_have_count(3)
    labels = page.locator("#me-table tbody td:first-child")
    # The creator's words as text, never markup; made within a second, the three may come in any order.
    assert sorted(labels.all_text_contents()) == ["<b>staging</b> key", "No label", "db password for Sam"]
    assert page.locator("#me-table td b").count() == 0
    oldest = rows(page, "me-table").filter(has_text="db password for Sam")
    expect(oldest.locator("td").nth(1)).to_have_text("Text")
    expect(oldest.locator("td.state")).to_have_text("Not opened yet")
    expect(oldest.locator("td").nth(3)).to_have_text("1")
    expect(oldest.locator(".row-events li")).to_contain_text("Link created.")
    expect_clean(page, "my links")

    # Burn the oldest by keyboard: the button, then a second, deliberate "Yes".
    oldest.get_by_role("button", name="Burn now").focus()
    page.keyboard.press("Enter")
    expect(oldest.get_by_role("button", name="Yes, burn it")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#me-status")).to_have_text("Link burned. Nobody can open it any more.")
    expect(page.locator("#me-status")).to_be_focused()
    expect(oldest.locator("td.state")).to_have_text("Burned")
    expect(oldest.get_by_role("button")).to_have_count(0)

    # Burn all: asked first; "Keep them" changes nothing.
    page.click("#burn-all")
    expect(page.locator("#burn-all-question")).to_have_text(
        "Burn all 2 outstanding links? Nobody will be able to open them, and this cannot be undone.")
    expect_clean(page, "burn-all question")
    page.click("#burn-all-cancel")
    expect(page.locator("#burn-all")).to_be_focused()
    expect(page.locator("td.state[data-state=waiting]")).to_have_count(2)
    page.click("#burn-all")
    page.click("#burn-all-yes")
    expect(page.locator("#me-status")).to_have_text("2 links burned.")
    expect(page.locator("td.state[data-state=burned]")).to_have_count(3)
    expect(page.locator("#burn-all")).to_be_hidden()
    reader = new_page()
    for link in (first, second, third):
        expect_gone(reader, link)


# --- API tokens ----------------------------------------------------------------------------------------


def test_a_token_is_made_by_keyboard_shown_once_and_revoked(new_page, server) -> None:
    alice = f"alice-{secrets.token_hex(3)}@example.com"
    page = as_user(new_page, alice)
    page.goto(server.url + "/tokens")
    expect(page.locator("#tokens-empty")).to_have_text("You have no API tokens.")
    page.focus("#token-name")
    page.keyboard.press("Enter")  # no name: refused next to the field
    expect(page.locator("#err-token-name")).to_have_text("Give the token a name.")
    page.keyboard.insert_text("CI deploy job")
    page.keyboard.press("Tab")
    expect(page.locator("#token-ttl")).to_be_focused()
    expect(page.locator("#token-ttl option:checked")).to_have_text("90 days")
    page.keyboard.press("Tab")
    expect(page.locator("#token-make")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#token-new-title")).to_be_focused()
    token = page.input_value("#token-value")
    assert token.startswith("blt_")
    expect(page.locator("#token-once")).to_contain_text("this is the only time it is shown")
    expect(page.get_by_role("button", name="Copy token")).to_be_visible()
    expect(rows(page, "tokens-table")).to_have_count(1)
    expect(rows(page, "tokens-table").first.locator("td").first).to_have_text("CI deploy job")
    expect_clean(page, "tokens")
    used = requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert used.status_code == 200 and used.json()["email"] == alice

    page.reload()  # shown once: never again
    expect(rows(page, "tokens-table")).to_have_count(1)
    assert token not in page.content()
    expect(page.locator("#token-new")).to_be_hidden()
    row = rows(page, "tokens-table").first
    row.get_by_role("button", name="Revoke").click()
    row.get_by_role("button", name="Yes, revoke it").click()
    expect(page.locator("#tokens-status")).to_have_text("Token revoked. Anything that still uses it is refused from now on.")
    expect(rows(page, "tokens-table")).to_have_count(0)
    expect(page.locator("#tokens-empty")).to_be_visible()
    refused = requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 401


# --- offboarding ----------------------------------------------------------------------------------------


def test_an_admin_burns_everything_one_creator_made_and_ends_their_tokens(new_page, server) -> None:
    bob, carol = (f"{name}-{secrets.token_hex(3)}@example.com" for name in ("bob", "carol"))
    bobs = [make(server, bob, label=f"hand-over {n}")[0] for n in (1, 2)]
    carols, carol_id = make(server, carol)
    made = requests.post(f"{server.url}/api/v1/me/tokens", json={"name": "laptop"}, headers=signed(server, bob), timeout=10)
    bob_token = made.json()["token"]

    outsider = as_user(new_page, carol)
    assert outsider.goto(server.url + "/admin").status == 403
    expect(outsider.locator("#admin h1")).to_have_text("Offboarding")
    expect(outsider.locator("#admin")).to_contain_text("This page is for this server's administrators only.")
    expect(outsider.locator("#admin-form")).to_have_count(0)
    expect(outsider.locator(".account-nav a")).to_have_count(3)  # no way to the admins' page

    page = as_user(new_page, ADMIN, viewport=PHONE)
    page.goto(server.url + "/admin")
    page.fill("#admin-email", "not an address")
    page.click("#admin-find")
    expect(page.locator("#err-admin-email")).to_have_text("Type an e-mail address, such as bob@example.com.")
    page.fill("#admin-email", bob.upper())  # addresses match in any case
    page.keyboard.press("Enter")
    expect(page.locator("#admin-result-title")).to_have_text(f"Links of {bob.upper()}")
    expect(rows(page, "admin-table")).to_have_count(2)
    expect(page.locator("#admin-status")).to_have_text("Links that can still be opened: 2")
    page.click("#admin-burn-all")
    expect(page.locator("#admin-question")).to_have_text(
        f"Burn all 2 outstanding links of {bob.upper()}? Nobody will be able to open them, and this cannot be undone.")
    expect_clean(page, "offboarding question")
    page.click("#admin-yes")
    expect(page.locator("#admin-done")).to_have_text("2 links burned.")
    expect(page.locator("#admin-status")).to_have_text("Links that can still be opened: 0")
    page.click("#admin-end")
    expect(page.locator("#admin-yes")).to_have_text("Yes, end them")
    page.click("#admin-yes")
    expect(page.locator("#admin-done p")).to_have_text(["0 sign-in sessions ended.", "1 API token revoked."])
    expect_clean(page, "offboarding done")

    assert requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {bob_token}"}, timeout=10).status_code == 401
    reader = new_page()
    for link in bobs:
        expect_gone(reader, link)
    # Carol's link is untouched: still listed as waiting, and it opens.
    theirs = requests.get(f"{server.url}/api/v1/me/secrets", headers={HEADER: carol}, timeout=10).json()["secrets"]
    assert [(s["id"], s["state"]) for s in theirs] == [(carol_id, "waiting")]
    reader.goto(carols)
    expect(reader.locator("#reveal")).to_be_enabled()


# --- who sent it ----------------------------------------------------------------------------------------


def test_the_reveal_page_says_who_sent_a_link_only_when_this_service_verified_it(new_page, server) -> None:
    alice = f"alice-{secrets.token_hex(3)}@example.com"
    verified, _ = make(server, alice)
    anonymous, _ = make(server, None)
    reader = new_page(viewport=PHONE, bypass_csp=True)
    reader.goto(verified)
    expect(reader.locator("#reveal")).to_be_enabled()
    sender = reader.locator("#sender")
    expect(sender).to_have_class("sender verified")
    expect(reader.locator("#sender-line")).to_have_text(f"Sent by {alice}")
    # The address is text in an isolated, untranslated <bdi>, never markup.
    expect(reader.locator("#sender-line bdi")).to_have_text(alice)
    expect(reader.locator("#sender-note")).to_have_text(
        "Verified by this service's sign-in: the sender signed in with this address to make the link.")
    expect_clean(reader, "verified sender")
    reader.goto(anonymous)
    expect(reader.locator("#reveal")).to_be_enabled()
    expect(sender).to_have_class("sender unverified")
    expect(reader.locator("#sender-line")).to_have_text("The sender is not verified")
    expect(reader.locator("#sender-note")).to_contain_text("check with the sender through another channel")
    assert reader.locator("#sender-line bdi").count() == 0
    expect_clean(reader, "unverified sender")


# --- the create page under policies ------------------------------------------------------------------------


def test_the_create_page_obeys_the_policies(new_page, strict_server, redis_url) -> None:
    anonymous = as_user(new_page, None)
    anonymous.goto(strict_server.url + "/")
    expect(anonymous.locator("#closed h1")).to_have_text("Sign in to share a secret")
    expect(anonymous.locator("#create-form")).to_have_count(0)
    expect(anonymous.locator("#signin-link")).to_have_attribute("href", "/signin?next=%2F")
    expect_clean(anonymous, "sign in to create")
    anonymous.goto(strict_server.url + "/me")
    expect(anonymous.locator("#signin-link")).to_have_attribute("href", "/signin?next=%2Fme")
    anonymous.goto(strict_server.url + "/tokens")
    expect(anonymous.locator("#signin-link")).to_have_attribute("href", "/signin?next=%2Ftokens")
    assert anonymous.goto(strict_server.url + "/admin").status == 403
    expect(anonymous.locator("#signin-link")).to_have_attribute("href", "/signin?next=%2Fadmin")

    page = as_user(new_page, "alice@example.com")
    recorder = Recorder(page)
    page.goto(strict_server.url + "/")
    assert page.locator("input[name=kind]").evaluate_all("boxes => boxes.map(b => b.value)") == ["text", "file"]
    expect(page.locator("#use-code")).to_be_checked()
    expect(page.locator("#use-code")).to_be_disabled()
    expect(page.locator("#code-required")).to_have_text("This server requires an access code on every link.")
    page.locator("input[name=kind][value=file]").check()
    expect(page.locator("#file-limit")).to_contain_text("2.0 KiB")
    page.set_input_files("#file", files=[{"name": "big.bin", "mimeType": "application/octet-stream", "buffer": b"x" * 3000}])
    page.click("#submit")
    expect(page.locator("#err-file")).to_have_text("This file is too large: the limit is 2.0 KiB.")
    assert recorder.posts("/api/v1/secrets") == []  # refused before anything was encrypted or sent
    page.set_input_files("#file", files=[{"name": "small.bin", "mimeType": "application/octet-stream", "buffer": b"x" * 500}])
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    posts = recorder.posts("/api/v1/secrets")
    assert len(posts) == 1
    sent = json.loads(posts[0][2])
    assert sent["has_code"] is True and sent["kind"] == "file"
    expect_clean(page, "policy-shaped create page")

    # A 401 from the API (the sign-in ended meanwhile) offers to sign in where the form was.
    page.goto(strict_server.url + "/")
    page.route("**/api/v1/secrets", lambda route: route.fulfill(
        status=401, content_type="application/problem+json", body=json.dumps({"code": "sign_in_required", "status": 401})))
    page.fill("#text", "x")
    page.click("#submit")
    expect(page.locator("#signin-needed")).to_be_visible()
    expect(page.locator("#signin-needed-title")).to_be_focused()
    expect(page.locator("#signin-needed a")).to_have_attribute("href", "/signin?next=%2F")

    reveal_only = GunicornProcess(redis_url, workers=1, env={"BURNLINK_KEY_PREFIX": f"bltest{secrets.token_hex(3)}",
                                                            "BURNLINK_MODE": "reveal-only"}).start()
    try:
        closed = as_user(new_page, None)
        closed.goto(reveal_only.url + "/")
        expect(closed.locator("h1")).to_have_text("This server only opens links")
        expect(closed.locator("form")).to_have_count(0)
        expect_clean(closed, "reveal-only")
        # Without any sign-in, the account pages explain why there is nothing to sign in to.
        closed.goto(reveal_only.url + "/me")
        expect(closed.locator("#me .lead")).to_contain_text("This server has no sign-in, so the links made here belong to no account.")
        closed.goto(reveal_only.url + "/tokens")
        expect(closed.locator("#tokens .lead")).to_have_text(
            "This server has no sign-in, so it has no API tokens: the command line creates links here without one.")
    finally:
        reveal_only.stop()


# --- links from this browser -------------------------------------------------------------------------------


def test_links_from_this_browser_are_listed_burned_pruned_and_forgotten(new_page, server) -> None:
    page = as_user(new_page, None, viewport=PHONE)
    page.goto(server.url + "/")
    expect(page.locator("#label")).to_have_count(0)  # a label is for signed-in creators
    page.check("#remember")
    page.fill("#text", "first")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    first, first_code = page.input_value("#result-link"), page.input_value("#result-code")
    page.click("#another")
    expect(page.locator("#remember")).to_be_checked()  # the choice is remembered too
    page.fill("#text", "second")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    second = page.input_value("#result-link")
    stored = page.evaluate("localStorage.getItem('burnlink_links')")
    entries = json.loads(stored)
    assert [sorted(e) for e in entries] == [["created_at", "expires_at", "id", "manage_token"]] * 2
    for link in (first, second):  # never a key, never an access code
        assert link.split("#")[1] not in stored
    assert first_code not in stored
    # One that has expired is forgotten when the list is read.
    page.evaluate("""() => {
        const links = JSON.parse(localStorage.getItem('burnlink_links'));
        links.push({id: 'AAAAAAAAAAAAAAAAAAAAAA', manage_token: 'x', expires_at: '2020-01-01T00:00:00Z',
                    created_at: '2019-12-31T00:00:00Z'});
        localStorage.setItem('burnlink_links', JSON.stringify(links));
    }""")

    page.goto(server.url + "/me")
    expect(page.locator("#me")).to_contain_text("This server signs people in through their organisation's single sign-on.")
    expect(page.locator("#local h2")).to_have_text("Links from this browser")
    expect(rows(page, "local-table")).to_have_count(2)
    assert len(json.loads(page.evaluate("localStorage.getItem('burnlink_links')"))) == 2
    expect(page.locator("#local td.state")).to_have_text(["Not opened yet", "Not opened yet"])
    expect_clean(page, "links from this browser")
    older = rows(page, "local-table").nth(1)
    older.get_by_role("button", name="Burn now").click()
    older.get_by_role("button", name="Yes, burn it").click()
    expect(page.locator("#local-status")).to_have_text("Link burned. Nobody can open it any more.")
    expect(page.locator("#local td.state")).to_have_text(["Not opened yet", "Burned"])
    page.click("#local-forget")
    expect(page.locator("#local-status")).to_have_text(
        "This browser has forgotten its links. They still open until they are viewed or expire.")
    assert page.evaluate("localStorage.getItem('burnlink_links')") is None
    expect_gone(page, first)
    page.goto(second)
    expect(page.locator("#reveal")).to_be_enabled()


# --- every language -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_new_pages_in_each_language(new_page, server, lang: str) -> None:
    english = catalog("en")
    leftovers = [english[key] for key in NEW_KEYS if catalog(lang)[key] != english[key]]

    def check(page: Page, where: str) -> None:
        text = page.locator("body").inner_text()
        assert [s for s in leftovers if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)] == [], f"{lang} {where}"
        assert overflowing(page) == [], f"{lang} {where}"
        assert view_problems(page, "width") == [], f"{lang} {where}"

    user = f"lang-{secrets.token_hex(3)}@example.com"
    link, _ = make(server, user, label="réglages")
    page = as_user(new_page, user, locale=lang, viewport=PHONE)
    page.goto(server.url + "/me")
    expect(page.locator("#me h1")).to_have_text(said(lang, "me_title"))
    expect(page.locator("#me-table td.state")).to_have_text(said(lang, "state_waiting"))
    page.click("#burn-all")
    expect(page.locator("#burn-all-question")).to_have_text(said(lang, "burn_all_question", n=1))
    check(page, "my links")
    if lang == "ar":  # right to left: axe once more (every page is checked in English above)
        assert view_problems(page, "axe") == [], lang
    page.goto(server.url + "/tokens")
    expect(page.locator("#tokens-empty")).to_have_text(said(lang, "tokens_none"))
    check(page, "tokens")
    page.goto(server.url + "/")
    expect(page.locator("label[for=label]")).to_have_text(said(lang, "label_label"))
    check(page, "create")
    reader = as_user(new_page, None, locale=lang, viewport=PHONE)
    reader.goto(link)
    expect(reader.locator("#sender-line")).to_have_text(said(lang, "sender_verified", email=user))
    check(reader, "reveal")
    anonymous = as_user(new_page, None, locale=lang, viewport=PHONE)
    anonymous.goto(server.url + "/")
    expect(anonymous.locator("#remember-hint span")).to_have_text(said(lang, "remember_hint"))
    check(anonymous, "create, anonymous")
    admin = as_user(new_page, ADMIN, locale=lang, viewport=PHONE)
    admin.goto(server.url + "/admin")
    admin.fill("#admin-email", user)
    admin.click("#admin-find")
    expect(admin.locator("#admin-status")).to_have_text(said(lang, "admin_outstanding", n=1))
    admin.click("#admin-end")
    expect(admin.locator("#admin-question")).to_have_text(said(lang, "admin_end_question", email=user))
    check(admin, "offboarding")
