"""Temporary AWS credentials (aws-session) on both pages: recognised from STS JSON or export lines as
the CLI recognises them, the link capped at their expiry, and on the reveal page their expiry, export
lines, a credentials block and a credential_process document, built only from well-shaped fields."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.core import kinds
from app.core import payload as payloads
from tests.browser.pagehelp import (
    CSP_PROBE,
    STS_KEY_ID,
    STS_ROLE,
    STS_SECRET_KEY,
    STS_TOKEN,
    Recorder,
    iso_in,
    reveal,
    seal_via_api,
    sts_json,
    view_problems,
)

KEY_ID, SECRET_KEY, TOKEN, ROLE = STS_KEY_ID, STS_SECRET_KEY, STS_TOKEN, STS_ROLE
iso = iso_in


def session_form(page: Page, server: Any) -> None:
    page.goto(server.url + "/")
    page.locator("input[name=kind][value='aws-session']").check()


def test_sts_json_by_keyboard_caps_the_link_at_the_credentials_expiry(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    expiration = iso(timedelta(hours=2))
    page.focus("input[name=kind][value='text']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=kind][value='aws-session']")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#sess-paste")).to_be_focused()
    page.keyboard.insert_text(sts_json(expiration))
    expect(page.locator("#sess-paste-status")).to_have_text(
        "Filled in from the STS JSON: temporary credentials, shared as such. Check the fields below.")
    expect(page.locator("#sess-paste")).to_have_value("")
    for field, value in {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "session_token": TOKEN,
                         "expiration": expiration, "note": ROLE}.items():
        expect(page.locator(f"#sess_{field}")).to_have_value(value)
    # The choice stops at the credentials' expiry, and the page says so.
    ttl = page.locator("#ttl")
    expect(ttl).to_have_value("credentials")
    expect(ttl.locator("option:checked")).to_contain_text("When the credentials expire")
    assert ttl.locator("option[disabled]").evaluate_all("options => options.map(o => o.value)") == ["86400", "259200", "604800"]
    expect(page.locator("#ttl-note")).to_contain_text("The link expires no later than these credentials")
    expect(page.locator("#ttl-note")).to_contain_text("in 2 hours")
    assert "ttl-note" in (ttl.get_attribute("aria-describedby") or "")
    page.keyboard.press("Tab")
    expect(page.locator("#sess_access_key_id")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_be_visible()
    body = json.loads(recorder.posts("/api/v1/secrets")[0][2])
    assert 7000 < body["ttl"] <= 7200, body["ttl"]
    # Reveal: when they expire, and every form built from them.
    recipient = new_page()
    reveal(recipient, page.input_value("#result-link"), page.input_value("#result-code"))
    expect(recipient.locator("#aws-expiry")).to_contain_text("These temporary credentials expire in 2 hours (")
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "session_token": TOKEN, "expiration": expiration,
              "note": ROLE}
    blocks = recipient.locator("#secret-body pre").all_text_contents()
    assert blocks == ["\n".join(kinds.aws_env_lines(fields)), "\n".join(kinds.aws_credentials_lines(fields)),
                      kinds.credential_process_json(fields)]
    expect(recipient.get_by_role("button", name="Copy credential_process document")).to_be_visible()
    expect(recipient.get_by_role("button", name="Copy expiration")).to_be_visible()
    expect(recipient.locator("#aws-warning")).to_have_count(0)


def test_sts_json_pasted_as_an_access_key_becomes_temporary_credentials(new_page, live_server) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='aws-access-key']").check()
    page.fill("#aws-paste", sts_json(iso(timedelta(hours=1))))
    expect(page.locator("input[name=kind][value='aws-session']")).to_be_checked()
    expect(page.locator(".kind-panel[data-kind='aws-session']")).to_be_visible()
    expect(page.locator("#sess_session_token")).to_have_value(TOKEN)
    expect(page.locator("#sess-paste")).to_be_focused()
    expect(page.locator("#aws-paste")).to_have_value("")
    # Back to an ordinary kind, the expiry choice is what it was.
    page.locator("input[name=kind][value='text']").check()
    expect(page.locator("#ttl option[value=credentials]")).to_have_count(0)
    expect(page.locator("#ttl")).to_have_value("86400")
    expect(page.locator("#ttl-note")).to_be_hidden()


def test_export_lines_fill_the_fields_and_an_unknown_lifetime_is_said(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    session_form(page, live_server)
    page.fill("#sess-paste", f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY='{SECRET_KEY}'\n"
                             f"export AWS_SESSION_TOKEN=\"{TOKEN}\"\nexport AWS_DEFAULT_REGION=eu-west-1\n")
    expect(page.locator("#sess-paste-status")).to_contain_text("Filled in from the export lines")
    expect(page.locator("#sess_region")).to_have_value("eu-west-1")
    expect(page.locator("#sess_expiration")).to_have_value("")
    expect(page.locator("#ttl-note")).to_have_text(
        "These credentials carry no expiration here, so the link's lifetime is not capped at theirs.")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    assert json.loads(recorder.posts("/api/v1/secrets")[0][2])["ttl"] == 86400


def test_expired_credentials_are_refused_before_anything_is_sent(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    session_form(page, live_server)
    page.fill("#sess-paste", sts_json(iso(timedelta(hours=-1))))
    expect(page.locator("#ttl-note")).to_contain_text("These credentials expired 1 hour ago")
    page.click("#submit")
    expect(page.locator("#err-sess_expiration")).to_contain_text("These credentials expired 1 hour ago")
    expect(page.locator("#err-sess_expiration")).to_contain_text("nothing was sent")
    expect(page.locator("#sess_expiration")).to_be_focused()
    assert recorder.posts("/api/v1/secrets") == []


def test_missing_and_odd_fields_are_named_and_warned_about(new_page, live_server) -> None:
    page = new_page()
    session_form(page, live_server)
    page.fill("#sess_access_key_id", KEY_ID)
    page.fill("#sess_secret_access_key", SECRET_KEY)
    page.click("#submit")
    expect(page.locator("#err-sess_session_token")).to_have_text("Session token is required.")
    page.fill("#sess_session_token", "abc def")
    page.fill("#sess_expiration", "tomorrow")
    for name in ("session_token", "expiration"):
        expect(page.locator(f"#warn-sess_{name}")).to_be_visible()


@pytest.mark.parametrize("field,value", [("session_token", "FwoGZXIvYXdzE\n[profile evil]"),
                                         ("expiration", "2026-11-24T08:00:00Z\ncredential_process = sh -c id")],
                         ids=["token", "expiration"])
def test_a_malformed_session_builds_no_block(new_page, live_server, field: str, value: str) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "session_token": TOKEN,
              "expiration": iso(timedelta(hours=1)), field: value}
    page = new_page()
    reveal(page, seal_via_api(live_server, payloads.make_payload("aws-session", fields=fields)), None)
    assert page.locator("#secret-body pre").count() == 0
    expect(page.locator("#aws-warning")).to_be_visible()
    assert value in page.locator("dl.fields .value").all_text_contents()


def test_credentials_that_expired_say_so_on_the_reveal_page(new_page, live_server) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "session_token": TOKEN,
              "expiration": iso(timedelta(minutes=-30))}
    page = new_page()
    reveal(page, seal_via_api(live_server, payloads.make_payload("aws-session", fields=fields)), None)
    expect(page.locator("#aws-expiry")).to_contain_text("expired 30 minutes ago")
    expect(page.locator("#aws-expiry")).to_contain_text("they no longer work")


@pytest.mark.parametrize("check", ["axe", "csp", "phone"])
def test_sessions_are_accessible_within_the_csp_and_fit_a_phone(new_page, live_server, check: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True} if check == "axe" else {}
    if check == "phone":
        options["viewport"] = {"width": 390, "height": 844}
    found: dict[str, object] = {}

    def look(page: Page, name: str) -> None:
        found[name] = view_problems(page, check)

    form = new_page(**options)
    form.add_init_script(CSP_PROBE)
    session_form(form, live_server)
    form.fill("#sess-paste", sts_json(iso(timedelta(hours=2))))
    form.fill("#sess_region", "Mars")
    look(form, "session form")
    form.click("#submit")
    expect(form.locator("#result")).to_be_visible()
    recipient = new_page(**options)
    recipient.add_init_script(CSP_PROBE)
    reveal(recipient, form.input_value("#result-link"), form.input_value("#result-code"))
    look(recipient, "revealed session (region odd: no blocks)")
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "session_token": TOKEN,
              "expiration": iso(timedelta(hours=2)), "region": "eu-west-1", "note": ROLE}
    good = new_page(**options)
    good.add_init_script(CSP_PROBE)
    reveal(good, seal_via_api(live_server, payloads.make_payload("aws-session", fields=fields)), None)
    expect(good.locator("#secret-body pre")).to_have_count(3)
    look(good, "revealed session")
    assert all(value == [] for value in found.values()), found
