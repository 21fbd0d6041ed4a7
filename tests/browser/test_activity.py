"""The result page's activity: the receipt's events as they come, oldest first, in the reader's
language and time zone; deliveries with their state; one polite announcement per new event; and
polling that stops once nothing can change any more."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pagehelp import CSP_PROBE, ENDED_RECEIPT, create, fake_receipt, view_problems

ENDED = ENDED_RECEIPT


def test_events_arrive_in_order_and_only_the_new_ones_are_announced(new_page, live_server) -> None:
    creator = new_page()
    link, code = create(creator, live_server, fill={"#text": "watch me"}, views=2)
    events = creator.locator("#events li")
    expect(events).to_have_count(1)
    expect(events.nth(0)).to_contain_text("Link created.")
    expect(creator.locator("#activity-live")).to_be_empty()  # what was there before is not news
    recipient = new_page()
    recipient.goto(link)
    expect(recipient.locator("#reveal")).to_be_enabled()
    expect(events).to_have_count(2, timeout=15_000)
    expect(events.nth(1)).to_contain_text("nothing revealed: this may be a link preview")
    expect(creator.locator("#activity-live")).to_have_text(
        "Link opened, but nothing revealed: this may be a link preview (a chat app or mail scanner loading the page), "
        "or the recipient has not clicked Reveal yet.")
    assert code
    recipient.fill("#code", code[:-1] + ("2" if code[-1] != "2" else "3"))
    recipient.click("#reveal")
    expect(recipient.locator("#reveal-error")).to_contain_text("Wrong access code")
    expect(events).to_have_count(3, timeout=15_000)
    expect(events.nth(2)).to_contain_text("Wrong access code entered. 4 tries left.")
    recipient.fill("#code", code)
    recipient.click("#reveal")
    expect(recipient.locator("#secret")).to_be_visible()
    expect(events).to_have_count(4, timeout=15_000)
    expect(events.nth(3)).to_contain_text("Revealed. 1 view left.")
    # Once a reveal follows, the opening reads as what it was; only the reveal is announced.
    expect(events.nth(1)).to_contain_text("Link opened (the page was loaded).")
    expect(creator.locator("#activity-live")).to_have_text("Revealed. 1 view left.")
    assert [item.get_attribute("data-type") for item in events.all()] == [
        "secret.created", "secret.opened", "secret.wrong_code", "secret.revealed"]
    # Each time is machine-readable and says how long ago, as well as when.
    stamp = events.nth(3).locator("time")
    assert (stamp.get_attribute("datetime") or "").endswith("Z")
    expect(stamp).to_contain_text(re.compile(r"ago|now"))
    expect(creator.locator("#deliveries-box")).to_be_hidden()  # no targets named


def test_times_are_in_the_readers_time_zone_and_deliveries_say_where_they_stand(new_page, live_server) -> None:
    creator = new_page(timezone_id="Asia/Tokyo")
    fake_receipt(creator, ENDED)
    create(creator, live_server, fill={"#text": "x"})
    events = creator.locator("#events li")
    expect(events).to_have_count(4)
    # 10:00 UTC is 19:00 in Tokyo, written as the page's language writes a date and time.
    expect(events.nth(0).locator("time")).to_contain_text("Mar 1, 2026, 7:00")
    expect(events.nth(1)).to_contain_text("by a bot from 203.0.113.0/24")
    expect(events.nth(1).locator(".event-client bdi").first).to_have_attribute("translate", "no")
    expect(events.nth(3)).to_contain_text("Burned with the manage token.")
    expect(creator.locator("#deliveries li")).to_have_text([
        "Webhook: delivered after 2 attempts.",
        "Slack: failed after 7 attempts (last: timed out).",
        "E-mail: failed after 3 attempts (last: smtp 550 no such user).",
    ])
    expect(creator.locator("#link-used")).to_have_text("This link has been burned: it no longer opens.")


def test_polling_stops_once_nothing_can_change(new_page, live_server) -> None:
    creator = new_page()
    reads = fake_receipt(creator, ENDED)
    create(creator, live_server, fill={"#text": "x"})
    expect(creator.locator("#deliveries li")).to_have_count(3)
    creator.wait_for_timeout(7000)
    assert len(reads) == 1, reads


def test_polling_goes_on_while_a_delivery_is_pending_and_slows_down_while_hidden(new_page, live_server) -> None:
    pending = {**ENDED, "deliveries": [{"type": "webhook", "state": "pending", "attempts": 1, "last_status": "503"}]}
    creator = new_page()
    reads = fake_receipt(creator, pending)
    create(creator, live_server, fill={"#text": "x"})
    expect(creator.locator("#deliveries li")).to_have_text(
        ["Webhook: not delivered yet after 1 attempt (last: HTTP status 503); it will be tried again."])
    creator.wait_for_timeout(6500)
    visible = len(reads)
    assert 2 <= visible <= 4, reads  # every 3 s
    creator.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    creator.wait_for_timeout(3500)  # the read already scheduled may still come
    hidden_from = len(reads)
    creator.wait_for_timeout(9000)
    assert len(reads) == hidden_from, reads  # the next read waits 15 s while hidden
    creator.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    creator.wait_for_timeout(1000)
    assert len(reads) == hidden_from + 1, reads  # back on the page: at once


def test_the_activity_switches_language_in_place(new_page, live_server) -> None:
    creator = new_page()
    fake_receipt(creator, ENDED)
    create(creator, live_server, fill={"#text": "x"})
    expect(creator.locator("#events li")).to_have_count(4)
    creator.locator(".langs summary").click()
    creator.locator("a[data-lang=de]").click()
    expect(creator.locator("#activity-title")).to_have_text("Was mit dem Link geschehen ist")
    expect(creator.locator("#events li").nth(2)).to_contain_text("Falscher Zugangscode eingegeben. Noch 4 Versuche.")
    expect(creator.locator("#events li").nth(2).locator("time")).to_contain_text("vor")
    expect(creator.locator("#deliveries li").nth(0)).to_have_text("Webhook: nach 2 Versuchen zugestellt.")


@pytest.mark.parametrize("check", ["axe", "csp", "phone"])
def test_the_activity_is_accessible_within_the_csp_and_fits_a_phone(new_page, live_server, check: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True} if check == "axe" else {}
    if check == "phone":
        options["viewport"] = {"width": 390, "height": 844}
    creator = new_page(**options)
    creator.add_init_script(CSP_PROBE)
    fake_receipt(creator, ENDED)
    create(creator, live_server, fill={"#text": "x"})
    expect(creator.locator("#deliveries li")).to_have_count(3)
    assert view_problems(creator, check) == []
    # A list, named by its heading; the announcements come from a polite live region.
    assert creator.locator("#events").evaluate("node => node.tagName") == "OL"
    expect(creator.get_by_role("list", name="What has happened to the link")).to_be_visible()
    expect(creator.locator("#activity-live")).to_have_attribute("aria-live", "polite")
