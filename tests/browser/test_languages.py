"""Each language in a real Chromium at phone width: a secret made and opened in it, axe clean, no text
wider than its box; the switch in place that keeps a key and a result; the switch without scripts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pagehelp import (
    ENDED_RECEIPT,
    LANGUAGES,
    catalog,
    create,
    fake_receipt,
    iso_in,
    overflowing,
    page_width,
    said,
    serious_axe,
    sts_json,
    users_file,
)

PHONE = {"width": 390, "height": 844}


def check_layout(page: Page, where: str) -> None:
    scroll, viewport = page_width(page)
    assert scroll <= viewport, f"{where}: the page is {scroll} px wide in a {viewport} px viewport"
    assert overflowing(page) == [], where
    assert serious_axe(page) == [], where


def expect_language(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_create_and_reveal_in_each_language(new_page, live_server, shots: Path, lang: str) -> None:
    options = {"locale": lang, "viewport": PHONE, "bypass_csp": True}
    creator = new_page(**options)
    creator.goto(live_server.url + "/")
    expect_language(creator, lang)
    expect(creator.locator("#create h1")).to_have_text(said(lang, "create_title"))
    assert creator.title() == f"{said(lang, 'create_title')} · burnlink"
    creator.click(".langs summary")  # the menu open: its entries must fit too
    check_layout(creator, f"{lang} create")
    creator.click(".langs summary")
    creator.click("#submit")  # nothing typed: the error comes in the page's language
    expect(creator.locator("#err-text")).to_have_text(said(lang, "err_empty"))
    link, code = create(creator, live_server, fill={"#text": f"secret for {lang}"}, views=3)
    expect(creator.locator("#result-title")).to_have_text(said(lang, "result_title"))
    expect(creator.locator("#receipt")).to_have_text(said(lang, "receipt_waiting"))
    check_layout(creator, f"{lang} result")
    creator.screenshot(path=str(shots / f"lang-{lang}-result.png"), full_page=True)

    reader = new_page(**options)
    reader.goto(link)
    expect(reader.locator("#reveal")).to_be_enabled()
    expect_language(reader, lang)
    expect(reader.locator("#intro .lead")).to_have_text(said(lang, "reveal_lead_views", n=3))
    reader.fill("#code", "WRONG-C0DE1")
    reader.click("#reveal")
    expect(reader.locator("#reveal-error")).to_have_text(said(lang, "wrong_code", n=4))
    check_layout(reader, f"{lang} reveal")
    reader.fill("#code", code)
    reader.click("#reveal")
    expect(reader.locator("#secret")).to_be_visible()
    expect(reader.locator("#secret-body pre").first).to_have_text(f"secret for {lang}")
    expect(reader.locator("#secret-status")).to_have_text(said(lang, "revealed_views_left", n=2))
    check_layout(reader, f"{lang} revealed")
    reader.screenshot(path=str(shots / f"lang-{lang}-revealed.png"), full_page=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notifications_sessions_bulk_and_activity_in_each_language(new_page, live_server, shots: Path, lang: str) -> None:
    options = {"locale": lang, "viewport": PHONE, "bypass_csp": True}
    page = new_page(**options)
    page.goto(live_server.url + "/")
    page.fill("#text", "x")
    page.click("#notify summary")
    page.click("#notify-add")
    page.fill("#notify-0-url", "http://not-https.example")
    page.locator("#notify-0 .notify-generate").click()
    page.click("#submit")
    expect(page.locator("#err-notify-0-url")).to_have_text(said(lang, "err_notify_url"))
    expect(page.locator("#notify-0-secret-note")).to_have_text(said(lang, "notify_secret_note"))
    check_layout(page, f"{lang} notifications")
    page.locator("input[name=kind][value='aws-session']").check()
    page.fill("#sess-paste", sts_json(iso_in(timedelta(hours=2))))
    expect(page.locator("#sess-paste-status")).to_have_text(said(lang, "session_filled_sts"))
    expect(page.locator("#ttl-note")).to_be_visible()
    check_layout(page, f"{lang} temporary credentials")
    page.locator("input[name=kind][value='bulk']").check()
    page.set_input_files("#bulk-file", files=[users_file()])
    expect(page.locator("#bulk-status")).to_have_text(said(lang, "bulk_summary", n=5, ready=3, bad=2))
    check_layout(page, f"{lang} bulk")
    page.screenshot(path=str(shots / f"lang-{lang}-bulk.png"), full_page=True)
    creator = new_page(**options)
    fake_receipt(creator, ENDED_RECEIPT)
    create(creator, live_server, fill={"#text": "x"})
    expect(creator.locator("#events li").nth(2)).to_contain_text(said(lang, "event_wrong_code", n=4))
    expect(creator.locator("#activity-title")).to_have_text(said(lang, "activity_title"))
    check_layout(creator, f"{lang} activity")
    creator.screenshot(path=str(shots / f"lang-{lang}-activity.png"), full_page=True)


def switch(page: Page, lang: str) -> None:
    page.click(".langs summary")
    page.click(f".langs a[data-lang='{lang}']")


def test_the_reveal_page_switches_in_place_and_keeps_its_key(new_page, live_server) -> None:
    creator = new_page()
    link, code = create(creator, live_server, fill={"#text": "kept across languages"})
    page = new_page()
    page.goto(link)
    expect(page.locator("#reveal")).to_be_enabled()
    page.evaluate("window.__samePage = true")
    switch(page, "ar")
    expect_language(page, "ar")
    expect(page.locator("#intro h1")).to_have_text(said("ar", "reveal_title"))
    expect(page.locator("#reveal")).to_have_text(said("ar", "reveal_button"))
    expect(page.locator(".langs a[aria-current]")).to_have_attribute("data-lang", "ar")
    assert page.evaluate("window.__samePage") is True  # no reload
    assert page.url == link  # the key is still in the fragment
    assert page.title() == f"{said('ar', 'reveal_title')} · burnlink"
    cookie = next(c for c in page.context.cookies() if c["name"] == "burnlink_lang")
    assert cookie["value"] == "ar" and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    # The server refuses in the page's language too, and the page says so in it.
    page.fill("#code", "WRONG-C0DE1")
    page.click("#reveal")
    expect(page.locator("#reveal-error")).to_have_text(said("ar", "wrong_code", n=4))
    switch(page, "pl")  # a sentence already on screen follows the switch
    expect(page.locator("#reveal-error")).to_have_text(said("pl", "wrong_code", n=4))
    expect_language(page, "pl")
    page.fill("#code", code)
    page.click("#reveal")
    expect(page.locator("#secret-body pre").first).to_have_text("kept across languages")
    expect(page.locator("#secret-status")).to_have_text(said("pl", "revealed_gone"))
    switch(page, "de")
    expect(page.locator("#secret-status")).to_have_text(said("de", "revealed_gone"))
    expect(page.get_by_role("button", name=said("de", "copy_text"))).to_be_visible()
    # A page loaded later comes in the language remembered.
    again = page.context.new_page()
    again.goto(live_server.url + "/")
    expect_language(again, "de")


def test_the_result_switches_in_place_and_keeps_the_link(new_page, live_server) -> None:
    page = new_page()
    link, code = create(page, live_server, fill={"#text": "a fresh result"})
    expect(page.locator("#result-expires")).to_contain_text("Expires ")
    switch(page, "ja")
    expect_language(page, "ja")
    expect(page.locator("#result-title")).to_have_text(said("ja", "result_title"))
    expect(page.locator("#receipt")).to_have_text(said("ja", "receipt_waiting"))
    expect(page.get_by_role("button", name=said("ja", "copy_link"))).to_be_visible()
    assert page.input_value("#result-link") == link and page.input_value("#result-code") == code
    expires = page.locator("#result-expires").inner_text()
    # The time too, as Japanese writes it, in this browser's time zone.
    assert re.fullmatch(re.escape(said("ja", "expires", time="")) + r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}", expires), expires
    switch(page, "en")
    expect(page.locator("#result-title")).to_have_text("Your one-time link")
    expect_language(page, "en")


def test_without_scripts_the_switch_is_a_plain_link(new_page, live_server) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/no/such/page")
    expect(page.locator("h1")).to_have_text("Page not found")
    switch(page, "fr")
    assert page.url == live_server.url + "/no/such/page"  # back where it was, now in French
    expect_language(page, "fr")
    expect(page.locator("h1")).to_have_text("Page introuvable")
    cookie = next(c for c in page.context.cookies() if c["name"] == "burnlink_lang")
    assert cookie["value"] == "fr" and cookie["sameSite"] == "Lax" and cookie["path"] == "/"


def test_a_server_refusal_reads_in_the_page_language(new_page, live_server) -> None:
    page = new_page(locale="de")
    page.goto(live_server.url + "/")
    # The server sees a body it refuses (views it does not offer), as if this page were out of date.
    page.route("**/api/v1/secrets", lambda route: route.continue_(
        post_data=route.request.post_data.replace('"views":1', '"views":100000')))
    page.fill("#text", "x")
    page.click("#submit")
    expect(page.locator("#form-error")).to_contain_text(said("de", "err_server", detail=""))
    assert "Ein Feld der Anfrage ist ungültig." in page.locator("#form-error").inner_text()
    assert catalog("de")["lang"] == "de"


def test_the_create_form_switches_in_place_and_keeps_what_was_typed(new_page, live_server) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='aws-access-key']").check()
    page.fill("#access_key_id", "AKIAIOSFODNN7EXAMPLE")
    page.click("#submit")  # the secret access key is missing: an error next to its field
    expect(page.locator("#err-secret_access_key")).to_have_text("Secret access key is required.")
    switch(page, "pl")
    expect(page.locator("#err-secret_access_key")).to_have_text(said("pl", "err_required", field=said("pl", "label_secret_access_key")))
    expect(page.locator("#ttl option")).to_have_text(["5 minut", "1 godzina", "1 dzień", "3 dni", "7 dni"])
    assert page.input_value("#access_key_id") == "AKIAIOSFODNN7EXAMPLE"
    expect(page.locator("label[for=ttl]")).to_have_text(said("pl", "label_ttl"))
    switch(page, "ar")
    expect(page.locator("#ttl option")).to_have_text(["5 دقائق", "ساعة واحدة", "يوم واحد", "3 أيام", "7 أيام"])
    expect(page.locator("#file-limit")).to_contain_text(said("ar", "file_limit", size="").rstrip("."))
