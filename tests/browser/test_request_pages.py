"""The request pages in Chromium: the answer page (/r/ID#Q) seals an answer to the asker's key, the
inbox page (/r/ID/inbox#d||Q) reads it once; wrong, tampered, answered and ended links say so; the
keyboard alone works; axe, the CSP, a phone and each language; the CLI on the other side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from playwright.sync_api import Page, expect

from app.core import request as rq
from app.core.protocol import b64u_encode
from app.store import shard_of
from tests.browser.pagehelp import CSP_PROBE, LANGUAGES, Recorder, catalog, english_left, overflowing, said, tab_to, view_problems
from tests.support import GunicornProcess
from tests.support.asks import ask
from tests.support.cli import run, run_bytes

NOTE = "Stripe key for billing\nthe live one, please"
SECRET = "sk_live_51H\tx ünïcode\n  second line"


def asked_by_cli(server: GunicornProcess, note: str = NOTE) -> dict[str, Any]:
    """`burnlink request --json`: id, link, inbox_link, expires_at, manage_token."""
    code, out, err = run(["request", "--json", "--note", note], server.url)
    assert code == 0, err
    return json.loads(out)


def asked_by_api(server: GunicornProcess, note: str | None = NOTE) -> dict[str, Any]:
    """The same through the API, the way a client does it (tests/support/asks.py)."""
    asked = ask(requests.Session(), note=note, base=server.url)
    return {"id": asked.rid, "link": rq.make_request_link(server.url, asked.rid, asked.keys.q),
            "inbox_link": rq.make_inbox_link(server.url, asked.rid, asked.keys), "manage_token": asked.token}


def open_answer_page(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("#send")).to_be_enabled()


def answer(page: Page, link: str, text: str = SECRET) -> None:
    """Open the request link and send ``text`` like a person does."""
    open_answer_page(page, link)
    page.fill("#text", text)
    page.click("#send")
    expect(page.locator("#sent")).to_be_visible()


def read(page: Page, inbox_link: str) -> None:
    """Open the inbox link and read the answer."""
    page.goto(inbox_link)
    expect(page.locator("#read")).to_be_enabled()
    page.click("#read")
    expect(page.locator("#secret")).to_be_visible()


def change_note(server: GunicornProcess, redis_url: str, rid: str, note: str) -> None:
    """What a hostile server (or anyone with its Redis) could do to a note."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.hset(f"{server.env['BURNLINK_KEY_PREFIX']}:{{{shard_of(rid)}}}:{rid}:q", "n", note)
    finally:
        client.close()


# --- the round trip ------------------------------------------------------------------------------


def test_answer_in_one_browser_and_read_once_in_another(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_cli(live_server)
    person = new_page()
    wire = Recorder(person)
    open_answer_page(person, asked["link"])
    expect(person.locator("#note")).to_have_text(NOTE)  # checked against its MAC, shown exactly
    expect(person.locator("#note")).to_have_attribute("translate", "no")
    expect(person.locator("#meta")).to_contain_text("This link expires ")
    person.fill("#text", SECRET)
    person.click("#send")
    expect(person.locator("#sent")).to_be_visible()
    assert person.evaluate("document.activeElement.id") == "sent-title"
    assert "#" not in person.url  # the key left the address bar

    asker = new_page()
    wire_inbox = Recorder(asker)
    asker.goto(asked["inbox_link"])
    expect(asker.locator("#read")).to_be_enabled()
    expect(asker.locator("#meta")).to_contain_text("Answered ")
    asker.click("#read")
    expect(asker.locator("#secret-body pre")).to_have_text(SECRET)
    expect(asker.locator("#secret-body pre")).to_have_attribute("translate", "no")
    expect(asker.get_by_role("button", name="Copy secret")).to_be_visible()
    expect(asker.locator("#secret-status")).to_have_text(catalog("en")["revealed_gone"])
    assert "#" not in asker.url
    # Once: a second look finds it read, and says so.
    again = new_page()
    again.goto(asked["inbox_link"])
    expect(again.locator("#ended")).to_be_visible()
    expect(again.locator("#ended-body")).to_have_text(catalog("en")["inbox_state_read"])
    # Neither key, nor the plaintext, ever left a browser; one answer and one read went out.
    sent = "\n".join(f"{url} {body}" for _, url, body in wire.seen + wire_inbox.seen)
    for value in (asked["link"].split("#")[1], asked["inbox_link"].split("#")[1], "sk_live_51H", "ünïcode"):
        assert value not in sent
    assert len(wire.posts("/answer")) == 1 and len(wire_inbox.posts("/inbox")) == 1


def test_a_file_answer_is_a_download_in_the_inbox(new_page, live_server: GunicornProcess, tmp_path: Path) -> None:
    asked = asked_by_api(live_server, note=None)
    data = bytes(range(256)) * 40
    page = new_page()
    open_answer_page(page, asked["link"])
    expect(page.locator("#no-note")).to_be_visible()
    expect(page.locator("#note-box")).to_be_hidden()
    page.locator("input[name=kind][value=file]").check()
    page.click("#send")  # no file yet: said next to the drop zone, nothing sent
    expect(page.locator("#err-file")).to_have_text("Pick a file first.")
    page.set_input_files("#file", files=[{"name": "prod-key.pem", "mimeType": "application/x-pem-file", "buffer": data}])
    expect(page.locator("#file-name")).to_contain_text("prod-key.pem")
    page.click("#send")
    expect(page.locator("#sent")).to_be_visible()
    inbox = new_page()
    read(inbox, asked["inbox_link"])
    with inbox.expect_download() as info:
        inbox.locator("a.download").click()
    assert info.value.suggested_filename == "prod-key.pem"
    target = tmp_path / "got.pem"
    info.value.save_as(target)
    assert target.read_bytes() == data
    expect(inbox.locator("#secret-status")).to_have_text(catalog("en")["revealed_gone_file"])


def test_the_inbox_says_waiting_until_the_answer_comes(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    inbox = new_page()
    inbox.goto(asked["inbox_link"])
    expect(inbox.locator("#meta")).to_contain_text("No answer yet.")
    expect(inbox.locator("#read")).to_be_hidden()
    answer(new_page(), asked["link"])
    inbox.click("#check")
    expect(inbox.locator("#read")).to_be_enabled()
    inbox.click("#read")
    expect(inbox.locator("#secret-body pre")).to_have_text(SECRET)


# --- wrong, tampered, answered and ended links ------------------------------------------------------


def test_a_cut_request_link_is_incomplete_until_the_whole_link_is_pasted(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    short, key = asked["link"].split("#", 1)
    page = new_page()
    for damaged in (short, f"{short}#{key[:-5]}", f"{short}#{asked['inbox_link'].split('#')[1]}"):
        page.goto(damaged)
        expect(page.locator("#broken")).to_be_visible()
        expect(page.locator("#intro")).to_be_hidden()
    page.evaluate("key => { location.hash = key; }", key)
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("#note")).to_have_text(NOTE)


def test_a_link_with_another_key_or_a_malformed_id_is_gone(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    other = rq.new_request_keys()
    page = new_page()
    wire = Recorder(page)
    page.goto(rq.make_request_link(live_server.url, asked["id"], other.q))  # a valid key, not this request's
    expect(page.locator("#gone")).to_be_visible()
    assert "#" not in page.url
    page.evaluate("key => { location.hash = key; }", asked["link"].split("#")[1])  # the right one, pasted after
    expect(page.locator("#send")).to_be_enabled()
    page.goto(rq.make_inbox_link(live_server.url, asked["id"], other))
    expect(page.locator("#gone")).to_be_visible()
    page.goto(f"{live_server.url}/r/not-an-id#{b64u_encode(other.q)}")
    expect(page.locator("#gone")).to_be_visible()
    page.goto(f"{live_server.url}/r/{asked['id']}/inbox#{b64u_encode(other.inbox_fragment)[:-4]}")
    expect(page.locator("#broken")).to_be_visible()
    assert wire.methods("POST") == []
    # Nothing was spent: the real link still answers.
    answer(new_page(), asked["link"])


def test_a_note_the_server_changed_stops_the_page(new_page, live_server: GunicornProcess, redis_url: str) -> None:
    asked = asked_by_cli(live_server)
    change_note(live_server, redis_url, asked["id"], "AWS root keys for billing")
    page = new_page()
    wire = Recorder(page)
    page.goto(asked["link"])
    expect(page.locator("#tampered")).to_be_visible()
    expect(page.locator("#intro")).to_be_hidden()
    assert "AWS root keys" not in page.locator("body").inner_text()
    assert wire.methods("POST") == []
    code, _, err = run(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 2 and "not been answered" in err


def test_an_answered_request_takes_no_second_answer(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_cli(live_server)
    late = new_page()
    open_answer_page(late, asked["link"])  # loaded while still open
    assert run(["respond", "-"], live_server.url, stdin="the first answer", BURNLINK_LINK=asked["link"])[0] == 0
    late.fill("#text", "a second answer")
    late.click("#send")
    expect(late.locator("#answered")).to_be_visible()
    again = new_page()
    again.goto(asked["link"])
    expect(again.locator("#answered")).to_be_visible()
    expect(again.locator("#answered h1")).to_have_text("This request has already been answered")
    code, out, err = run(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 0 and out == "the first answer", err


def test_a_burned_request_is_gone_for_both_pages(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_cli(live_server)
    answer(new_page(), asked["link"])
    code, _, err = run(["burn", asked["link"]], live_server.url, BURNLINK_TOKEN=asked["manage_token"])
    assert code == 0, err
    inbox = new_page()
    inbox.goto(asked["inbox_link"])
    expect(inbox.locator("#ended-body")).to_have_text(catalog("en")["inbox_state_burned"])
    page = new_page()
    page.goto(asked["link"])
    expect(page.locator("#gone")).to_be_visible()


# --- keyboard, axe, CSP, phones, languages ---------------------------------------------------------


def test_keyboard_alone_answers_and_reads(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    page = new_page()
    open_answer_page(page, asked["link"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    tab_to(page, "text")
    page.keyboard.type("typed without a mouse")
    tab_to(page, "send")
    page.keyboard.press("Enter")
    expect(page.locator("#sent")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "sent-title"
    inbox = new_page()
    inbox.goto(asked["inbox_link"])
    expect(inbox.locator("#read")).to_be_enabled()
    tab_to(inbox, "read")
    inbox.keyboard.press("Enter")
    expect(inbox.locator("#secret-body pre")).to_have_text("typed without a mouse")
    assert inbox.evaluate("document.activeElement.id") == "secret-title"
    inbox.keyboard.press("Tab")  # the copy button comes next
    assert inbox.evaluate("document.activeElement.getAttribute('aria-label')") == "Copy secret"


def views(new_page, server: GunicornProcess, **options: Any) -> dict[str, Page]:
    """Each view of both pages, open in its own page: form, sent, answered, tampered, waiting, answer."""
    made = {name: new_page(**options) for name in ("form", "sent", "answered", "waiting", "answer")}
    for page in made.values():
        page.add_init_script(CSP_PROBE)
    long_note = "Please send the deploy key for " + "production-eu-west-1-" * 6 + "\nthanks"
    asked, waiting = asked_by_api(server, note=long_note), asked_by_api(server)
    open_answer_page(made["form"], asked["link"])
    made["form"].click("#send")  # nothing typed: the error is part of the view
    expect(made["form"].locator("#err-text")).to_be_visible()
    answer(made["sent"], asked["link"], "x" * 300)
    made["answered"].goto(asked["link"])
    expect(made["answered"].locator("#answered")).to_be_visible()
    made["waiting"].goto(waiting["inbox_link"])
    expect(made["waiting"].locator("#check")).to_be_visible()
    read(made["answer"], asked["inbox_link"])
    return made


@pytest.mark.parametrize("check", ["axe", "csp", "phone"])
def test_the_pages_are_accessible_within_the_csp_and_fit_a_phone(new_page, live_server: GunicornProcess, check: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True} if check == "axe" else {}
    if check == "phone":
        options["viewport"] = {"width": 320, "height": 700}
    for name, page in views(new_page, live_server, **options).items():
        assert view_problems(page, check) == [], name
        if check == "phone":
            assert overflowing(page) == [], name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_both_pages_in_each_language(new_page, live_server: GunicornProcess, shots: Path, lang: str) -> None:
    options = {"locale": lang, "viewport": {"width": 390, "height": 844}, "bypass_csp": True}
    asked = asked_by_cli(live_server, note=f"note for {lang}")
    person = new_page(**options)
    open_answer_page(person, asked["link"])
    expect(person.locator("html")).to_have_attribute("lang", lang)
    expect(person.locator("#intro h1")).to_have_text(said(lang, "answer_title"))
    expect(person.locator("#send")).to_have_text(said(lang, "answer_submit"))
    assert person.title() == f"{said(lang, 'answer_title')} · burnlink"
    person.click("#send")
    expect(person.locator("#err-text")).to_have_text(said(lang, "err_empty"))
    assert english_left(person, lang) == [] and view_problems(person, "axe") == [] and overflowing(person) == []
    person.screenshot(path=str(shots / f"request-{lang}-form.png"), full_page=True)
    person.fill("#text", f"answer in {lang}")
    person.click("#send")
    expect(person.locator("#sent-title")).to_have_text(said(lang, "answer_sent_title"))
    assert english_left(person, lang) == []
    person.screenshot(path=str(shots / f"request-{lang}-sent.png"), full_page=True)

    asker = new_page(**options)
    asker.goto(asked["inbox_link"])
    expect(asker.locator("#read")).to_have_text(said(lang, "inbox_read"))
    expect(asker.locator("#intro h1")).to_have_text(said(lang, "inbox_title"))
    assert english_left(asker, lang) == [] and view_problems(asker, "axe") == [] and overflowing(asker) == []
    asker.click("#read")
    expect(asker.locator("#secret-body pre")).to_have_text(f"answer in {lang}")
    expect(asker.locator("#secret-title")).to_have_text(said(lang, "inbox_answer_title"))
    expect(asker.locator("#secret-status")).to_have_text(said(lang, "revealed_gone"))
    assert english_left(asker, lang) == [] and view_problems(asker, "axe") == []
    asker.screenshot(path=str(shots / f"request-{lang}-inbox.png"), full_page=True)
    again = new_page(**options)
    again.goto(asked["inbox_link"])
    expect(again.locator("#ended-body")).to_have_text(said(lang, "inbox_state_read"))
    assert english_left(again, lang) == []


def test_the_inbox_switches_language_in_place_and_keeps_its_key(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    answer(new_page(), asked["link"])
    page = new_page()
    page.goto(asked["inbox_link"])
    expect(page.locator("#read")).to_be_enabled()
    page.click(".langs summary")
    page.click(".langs a[data-lang='ja']")
    expect(page.locator("#read")).to_have_text(said("ja", "inbox_read"))
    assert page.url == asked["inbox_link"]  # no reload: the key is still there
    page.click("#read")
    expect(page.locator("#secret-status")).to_have_text(said("ja", "revealed_gone"))


def test_without_webcrypto_the_pages_say_so(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_api(live_server)
    page = new_page()
    for link in (asked["link"], asked["inbox_link"]):
        page.goto(link.replace("127.0.0.1", "insecure.burnlink.test"))
        expect(page.locator("#nocrypto")).to_be_visible()
        expect(page.locator("#intro")).to_be_hidden()


# --- the CLI on the other side ------------------------------------------------------------------


def test_answered_in_the_browser_read_with_burnlink_inbox(new_page, live_server: GunicornProcess) -> None:
    asked = asked_by_cli(live_server)
    answer(new_page(), asked["link"], SECRET)
    code, out, err = run_bytes(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 0, err
    assert out == SECRET.encode()


def test_answered_with_burnlink_respond_read_in_the_browser(new_page, live_server: GunicornProcess, tmp_path: Path) -> None:
    asked = asked_by_cli(live_server)
    code, _, err = run(["respond", "-"], live_server.url, stdin=SECRET.encode(), BURNLINK_LINK=asked["link"])
    assert code == 0 and "note: Stripe key for billing" in err
    page = new_page()
    read(page, asked["inbox_link"])
    expect(page.locator("#secret-body pre")).to_have_text(SECRET)
    second = asked_by_cli(live_server)
    source = tmp_path / "service-account.json"
    source.write_bytes(b'{"type": "service_account"}\n\x00\xff')
    assert run(["respond", str(source)], live_server.url, BURNLINK_LINK=second["link"])[0] == 0
    page = new_page()
    read(page, second["inbox_link"])
    with page.expect_download() as info:
        page.locator("a.download").click()
    saved = tmp_path / "saved"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "service-account.json" and saved.read_bytes() == source.read_bytes()
