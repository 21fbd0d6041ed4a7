"""Phones: every long unbroken value wraps or scrolls in its own box, at 320 px and up; buttons
keep their words on one line. Screenshots of the changed views for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.core import payload as payloads
from tests.browser.pagehelp import create, page_width, reveal, seal_via_api, text_lines

TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0" * 6
LONG_NAME = "QuarterlyCredentialsExport_for_the_production_account_123456789012_final_v2.csv"
KINDS = {
    "text": ("text", {"#text": f"token={TOKEN}"}, None),
    "aws-access-key": ("aws-access-key", {"#access_key_id": "AKIAIOSFODNN7EXAMPLE",
                                          "#secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                          "#region": "ap-southeast-2",
                                          "#aws_note": "IAM user deploy_bot_for_the_payments_platform_eu_production"}, None),
    "console-login": ("console-login", {"#sign_in_url": "https://123456789012.signin.aws.amazon.com/console",
                                        "#username": "firstname.lastname@example-corporation-holdings.com",
                                        "#password": "Temp#Pass-2026!-" + "x" * 40}, None),
    "file": ("file", {}, {"name": LONG_NAME, "mimeType": "text/csv", "buffer": b"a,b\n" * 10}),
}


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    scroll, viewport = page_width(page)
    assert scroll <= viewport, f"{where}: the page is {scroll} px wide in a {viewport} px viewport"


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("name", list(KINDS))
def test_long_values_never_widen_the_page(new_page, live_server, name: str, width: int) -> None:
    kind, fill, file = KINDS[name]
    viewport = {"width": width, "height": 800}
    creator = new_page(viewport=viewport)
    creator.goto(live_server.url + "/")
    creator.locator(f"input[name=kind][value='{kind}']").check()
    for selector, value in fill.items():
        creator.fill(selector, value)
    if file:
        creator.set_input_files("#file", files=[file])
        expect(creator.locator("#file-name")).to_contain_text(LONG_NAME)
    assert_no_sideways_scroll(creator, "create form")
    link, code = create(creator, live_server, kind, fill, file)
    assert_no_sideways_scroll(creator, "result")
    recipient = new_page(viewport=viewport)
    recipient.goto(link)
    expect(recipient.locator("#reveal")).to_be_enabled()
    assert_no_sideways_scroll(recipient, "reveal form")
    reveal(recipient, link, code)
    assert_no_sideways_scroll(recipient, "revealed")


def test_burn_buttons_keep_one_line_at_320(new_page, live_server) -> None:
    page = new_page(viewport={"width": 320, "height": 700})
    create(page, live_server, fill={"#text": "x"})
    assert text_lines(page, "#burn") == 1
    page.click("#burn")
    for selector in ("#burn-yes", "#burn-cancel"):
        assert text_lines(page, selector) == 1, selector
    assert_no_sideways_scroll(page, "burn confirmation")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_of_the_changed_views(new_page, live_server, shots: Path, scheme: str, width: int, height: int) -> None:
    options = {"color_scheme": scheme, "viewport": {"width": width, "height": height}}
    size = "desktop" if width > 800 else "phone"

    def shot(page: Page, label: str) -> None:
        path = shots / f"{label}-{scheme}-{size}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000

    form = new_page(**options)
    form.goto(live_server.url + "/")
    form.locator("input[name=kind][value='file']").check()
    form.set_input_files("#file", files=[KINDS["file"][2]])
    shot(form, "create-file")
    form.locator("input[name=kind][value='aws-access-key']").check()
    form.fill("#access_key_id", "akia-not-a-key")
    form.fill("#secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    form.fill("#views", "0")
    form.click("#submit")
    expect(form.locator("#err-views")).to_be_visible()
    shot(form, "create-aws-errors")

    creator = new_page(**options)
    link, code = create(creator, live_server, "console-login", KINDS["console-login"][1])
    creator.click("#burn")
    shot(creator, "result-confirm")
    recipient = new_page(**options)
    reveal(recipient, link, code)
    shot(recipient, "revealed-console")
    expect(creator.locator("#link-used")).to_be_visible(timeout=15_000)
    shot(creator, "result-used")

    fields = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
              "region": "eu-west-1", "note": "IAM user deploy-bot"}
    aws = new_page(**options)
    reveal(aws, seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields)), None)
    shot(aws, "revealed-aws")
    evil = new_page(**options)
    fields["access_key_id"] += "\n[evil]\ncredential_process = sh -c id"
    reveal(evil, seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields)), None)
    shot(evil, "revealed-aws-malformed")
    entry = payloads.file_entry(LONG_NAME, b"a,b\n", "text/csv")
    files = new_page(**options)
    reveal(files, seal_via_api(live_server, payloads.make_payload("file", files=[entry])), None)
    shot(files, "revealed-file")
