"""The create page's notification targets: behind a closed disclosure, at most three, each checked
next to its field before anything is encrypted, sent as the create body's notify, refused by the
server next to the disclosure; e-mail offered only where the server sends it."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pagehelp import CSP_PROBE, Recorder, view_problems
from tests.support import GunicornProcess

HOOK = "https://example.com/hooks/burnlink"
DEFAULT_EVENTS = ["secret.revealed", "secret.destroyed", "secret.burned", "secret.expired"]


@pytest.fixture(scope="module")
def mail_server(redis_url: str) -> Iterator[GunicornProcess]:
    """A server that sends e-mail notifications (to example.com only); nothing listens for SMTP."""
    server = GunicornProcess(redis_url, workers=1, env={
        "BURNLINK_KEY_PREFIX": f"bltest{secrets.token_hex(3)}", "BURNLINK_SMTP_URL": "smtp://127.0.0.1:2525",
        "BURNLINK_NOTIFY_EMAIL_DOMAINS": "example.com"}).start()
    try:
        yield server
    finally:
        server.stop()


def sent_notify(recorder: Recorder) -> list[dict[str, Any]]:
    posts = recorder.posts("/api/v1/secrets")
    assert len(posts) == 1, posts
    return json.loads(posts[0][2])["notify"]


def open_targets(page: Page, server: Any, rows: int = 1) -> None:
    page.goto(server.url + "/")
    page.fill("#text", "tell me")
    page.locator("#notify summary").click()
    for _ in range(rows):
        page.click("#notify-add")


def field_error(page: Page, field: str) -> str:
    expect(page.locator(f"#err-{field}")).to_be_visible()
    assert f"err-{field}" in (page.get_attribute(f"#{field}", "aria-describedby") or "").split()
    return page.locator(f"#err-{field}").inner_text()


def test_a_webhook_with_a_generated_secret_by_keyboard_alone(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    expect(page.locator("#notify")).not_to_have_attribute("open", "")
    expect(page.locator("#notify-0")).to_be_hidden()
    page.focus("#text")
    page.keyboard.insert_text("tell me")
    page.focus("#new-code")
    page.keyboard.press("Tab")
    expect(page.locator("#notify summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#notify")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#notify-add")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#notify-0-type")).to_be_focused()
    expect(page.locator("#notify-0 > legend")).to_have_text("Notification 1")
    expect(page.locator("#notify summary")).to_contain_text("(1 set up)")
    page.keyboard.press("Tab")
    expect(page.locator("#notify-0-url")).to_be_focused()
    page.keyboard.insert_text(HOOK)
    page.keyboard.press("Tab")
    expect(page.locator("#notify-0-secret")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Generate")).to_be_focused()
    page.keyboard.press("Enter")
    secret = page.input_value("#notify-0-secret")
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:], validate=True)) == 32
    expect(page.locator("#notify-0-secret")).to_be_focused()
    expect(page.locator("#notify-0-secret-note")).to_be_visible()
    expect(page.get_by_role("button", name="Copy signing secret")).to_be_visible()
    assert "notify-0-secret-note" in (page.get_attribute("#notify-0-secret", "aria-describedby") or "")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#result")).to_be_visible()
    assert sent_notify(recorder) == [{"type": "webhook", "url": HOOK, "secret": secret, "events": [
        "secret.revealed", "secret.destroyed", "secret.burned", "secret.expired"]}]
    # The receipt shows the target, never its URL or secret; no worker runs here, so it waits.
    expect(page.locator("#deliveries li")).to_have_text(["Webhook: waiting to be sent."])
    assert secret not in page.content()


def test_three_targets_at_most_removed_ones_close_ranks(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    open_targets(page, live_server, rows=3)
    expect(page.locator("#notify-add")).to_be_hidden()
    expect(page.locator("#notify summary")).to_contain_text("(3 set up)")
    page.select_option("#notify-0-type", "slack")
    expect(page.locator("#notify-0-url")).to_be_hidden()
    page.fill("#notify-0-slack", "https://hooks.slack.com/services/T0/B0/abc")
    page.fill("#notify-1-url", "https://example.com/remove-me")
    page.select_option("#notify-2-type", "slack")
    page.fill("#notify-2-slack", "https://hooks.slack.com/services/T0/B0/def")
    page.uncheck("#notify-2-ev-expired")
    page.check("#notify-2-ev-opened")
    page.locator("#notify-1").get_by_role("button", name="Remove this notification").click()
    expect(page.locator("#notify-add")).to_be_visible()
    expect(page.locator("#notify-2 > legend")).to_have_text("Notification 2")
    expect(page.locator(".notify-row:visible")).to_have_count(2)
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    assert sent_notify(recorder) == [
        {"type": "slack", "url": "https://hooks.slack.com/services/T0/B0/abc", "events": DEFAULT_EVENTS},
        {"type": "slack", "url": "https://hooks.slack.com/services/T0/B0/def",
         "events": ["secret.opened", "secret.revealed", "secret.destroyed", "secret.burned"]},
    ]
    expect(page.locator("#deliveries li")).to_have_text(["Slack: waiting to be sent."] * 2)


@pytest.mark.parametrize("fill,field,sentence", [
    ({"#notify-0-url": "http://example.com/hook"}, "notify-0-url",
     "Enter one https:// address, without spaces, user name or #fragment."),
    ({"#notify-0-url": HOOK, "#notify-0-secret": "whsec_c2hvcnQ="}, "notify-0-secret",
     "A signing secret is whsec_ followed by the base64 of 24 to 64 random bytes. Generate one if in doubt."),
    ({"#notify-0-url": HOOK}, "notify-0-secret", "Enter the signing secret, or generate one."),
    ({"#notify-0-url": HOOK, "#notify-0-secret": "whsec_" + base64.b64encode(bytes(32)).decode(), "uncheck": "all"},
     "notify-0-events", "Choose at least one event."),
], ids=["http", "short-secret", "no-secret", "no-events"])
def test_a_bad_target_is_named_next_to_its_field_before_anything_is_sent(new_page, live_server, fill: dict[str, str],
                                                                        field: str, sentence: str) -> None:
    page = new_page()
    recorder = Recorder(page)
    open_targets(page, live_server)
    for selector, value in fill.items():
        if selector == "uncheck":
            for box in page.locator("#notify-0-events input").all():
                box.uncheck()
        else:
            page.fill(selector, value)
    page.locator("#notify summary").click()  # closed again: the error opens it
    page.click("#submit")
    expect(page.locator("#notify")).to_have_attribute("open", "")
    assert field_error(page, field) == sentence
    if field.endswith("-events"):
        expect(page.locator("#notify-0-ev-created")).to_be_focused()
        page.check("#notify-0-ev-burned")
        expect(page.locator("#err-notify-0-events")).to_be_hidden()
    else:
        expect(page.locator(f"#{field}")).to_be_focused()
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    assert recorder.posts("/api/v1/secrets") == []


def test_the_servers_refusal_is_shown_by_the_disclosure_in_the_pages_language(new_page, live_server) -> None:
    page = new_page()
    open_targets(page, live_server)
    page.select_option("#notify-0-type", "slack")
    page.fill("#notify-0-slack", "https://example.com/not-slack")  # https, but not Slack's address
    page.click("#submit")
    refusal = page.locator("#err-notify")
    expect(refusal).to_have_text("The server did not take these notifications: A Slack target must be an incoming-webhook "
                                 "URL starting with https://hooks.slack.com/.")
    expect(page.locator("#notify summary")).to_be_focused()
    assert "err-notify" in (page.get_attribute("#notify summary", "aria-describedby") or "")
    expect(page.locator("#result")).to_be_hidden()
    page.fill("#notify-0-slack", "https://hooks.slack.com/services/T/B/x")
    expect(refusal).to_be_hidden()
    # The page asks in its own language, and the server answers in it.
    page.locator(".langs summary").click()
    page.locator("a[data-lang=de]").click()
    page.fill("#notify-0-slack", "https://example.com/not-slack")
    page.locator("#submit").click()
    expect(refusal).to_contain_text("Der Server hat diese Benachrichtigungen nicht angenommen:")


def test_email_is_offered_only_where_the_server_sends_it(new_page, live_server, mail_server) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    assert page.locator("#notify-0-type option").all_text_contents() == ["Webhook", "Slack"]
    page = new_page()
    recorder = Recorder(page)
    open_targets(page, mail_server)
    assert page.locator("#notify-0-type option").all_text_contents() == ["Webhook", "Slack", "E-mail"]
    page.select_option("#notify-0-type", "email")
    page.fill("#notify-0-to", "Alice <alice@example.com>")
    page.click("#submit")
    assert field_error(page, "notify-0-to") == "Enter one plain e-mail address, such as alice@example.com."
    page.fill("#notify-0-to", "alice@example.com")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    assert sent_notify(recorder) == [{"type": "email", "to": "alice@example.com", "events": DEFAULT_EVENTS}]
    expect(page.locator("#deliveries li")).to_have_text(["E-mail: waiting to be sent."])


@pytest.mark.parametrize("check", ["axe", "csp", "phone"])
def test_the_targets_are_accessible_within_the_csp_and_fit_a_phone(new_page, live_server, check: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True} if check == "axe" else {}
    if check == "phone":
        options["viewport"] = {"width": 390, "height": 844}
    page = new_page(**options)
    page.add_init_script(CSP_PROBE)
    open_targets(page, live_server, rows=2)
    page.fill("#notify-0-url", "ftp://nope")
    page.locator("#notify-0").get_by_role("button", name="Generate").click()
    page.select_option("#notify-1-type", "slack")
    page.fill("#notify-1-slack", "https://hooks.slack.com/services/T0/B0/" + "x" * 80)
    page.click("#submit")
    expect(page.locator("#err-notify-0-url")).to_be_visible()
    assert view_problems(page, check) == []
