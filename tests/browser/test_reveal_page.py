"""The reveal page: a key that arrives late, AWS blocks only from well-shaped fields, safe file
names, per-kind wording, named copy buttons and an even field grid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.core import payload as payloads
from tests.browser.pagehelp import CSP_PROBE, reveal, seal_via_api, serious_axe

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize("how", ["hash", "navigate"])
def test_a_key_pasted_after_the_cut_link_opens_the_form(new_page, live_server, how: str) -> None:
    link = seal_via_api(live_server, payloads.make_payload(text="arrived late"), code="7K4MQ-2XR9D")
    short, key = link.split("#", 1)
    page = new_page()
    page.goto(short)
    expect(page.locator("#broken")).to_be_visible()
    expect(page.locator("#intro")).to_be_hidden()
    if how == "hash":
        page.evaluate("key => { location.hash = key; }", key)
    else:
        page.goto(link)  # the whole link pasted into the same tab: the same document, a new fragment
    expect(page.locator("#broken")).to_be_hidden()
    expect(page.locator("#intro")).to_be_visible()
    expect(page.locator("#code-field")).to_be_visible()
    expect(page.locator("#reveal")).to_be_enabled()
    page.fill("#code", "7k4mq 2xr9d")
    page.click("#reveal")
    expect(page.locator("#secret")).to_be_visible()
    expect(page.locator("#secret-body pre").first).to_have_text("arrived late")
    assert "#" not in page.url


def test_a_damaged_key_after_a_good_one_says_incomplete_again(new_page, live_server) -> None:
    link = seal_via_api(live_server, payloads.make_payload(text="x"))
    page = new_page()
    page.goto(link)
    expect(page.locator("#reveal")).to_be_enabled()
    page.evaluate("() => { location.hash = 'cut-short'; }")
    expect(page.locator("#broken")).to_be_visible()
    expect(page.locator("#intro")).to_be_hidden()
    page.evaluate("key => { location.hash = key; }", link.split("#", 1)[1])
    expect(page.locator("#reveal")).to_be_enabled()
    page.click("#reveal")
    expect(page.locator("#secret-body pre").first).to_have_text("x")


EVIL = f"{KEY_ID}\n[evil]\ncredential_process = sh -c id"


@pytest.mark.parametrize("field,value", [
    ("access_key_id", EVIL),
    ("secret_access_key", SECRET_KEY[1:] + "\n[evil]"),
    ("region", "eu-west-1\ncredential_process = sh -c id"),
    ("session_token", "FwoGZXIvYXdzE\n[profile evil]"),
], ids=["key-id", "secret", "region", "token"])
def test_a_malformed_aws_field_builds_no_block(new_page, live_server, field: str, value: str) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "eu-west-1", field: value}
    link = seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields))
    page = new_page()
    reveal(page, link, None)
    body = page.locator("#secret-body")
    assert page.locator("#secret-body pre").count() == 0
    assert "[default]" not in body.inner_text() and "export AWS" not in body.inner_text()
    expect(page.locator("#aws-warning")).to_be_visible()
    expect(page.locator("#aws-warning")).to_contain_text("not shaped like")
    # The secret is shown as it was sent, line breaks and all, as plain values.
    shown = page.locator("dl.fields .value").all_text_contents()
    assert value in shown, shown


def test_well_shaped_aws_fields_still_get_their_blocks(new_page, live_server) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "us-gov-west-1",
              "session_token": "FwoGZXIvYXdzE+/=", "note": "it's\nfine"}
    link = seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields))
    page = new_page()
    reveal(page, link, None)
    blocks = page.locator("#secret-body pre").all_text_contents()
    assert blocks == [
        f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET_KEY}'\n"
        "export AWS_SESSION_TOKEN='FwoGZXIvYXdzE+/='\nexport AWS_DEFAULT_REGION='us-gov-west-1'",
        f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET_KEY}\n"
        "aws_session_token = FwoGZXIvYXdzE+/=\nregion = us-gov-west-1",
    ]
    expect(page.locator("#aws-warning")).to_be_hidden()


def test_a_bidi_file_name_cannot_spoof_its_extension(new_page, live_server) -> None:
    spoof = "report\u202egpj.exe"
    entry = payloads.file_entry(f"dir/\u2066{spoof}\u200b\n", b"MZ not a picture", "image/jpeg")
    link = seal_via_api(live_server, payloads.make_payload("file", files=[entry]))
    page = new_page()
    reveal(page, link, None)
    button = page.locator("a.download")
    expect(button).to_have_text("Download reportgpj.exe (16 B)")
    expect(button).to_have_attribute("download", "reportgpj.exe")
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename == "reportgpj.exe"


def test_the_status_line_says_download_for_a_file_and_copy_for_the_rest(new_page, live_server) -> None:
    entry = payloads.file_entry("credentials.csv", b"a,b\n", "text/csv")
    page = new_page()
    reveal(page, seal_via_api(live_server, payloads.make_payload("file", files=[entry])), None)
    expect(page.locator("#secret-status")).to_have_text(
        "It has now been destroyed on the server; this page is the only copy. Download the file before you leave.")
    page = new_page()
    reveal(page, seal_via_api(live_server, payloads.make_payload(text="t")), None)
    expect(page.locator("#secret-status")).to_have_text(
        "It has now been destroyed on the server; this page is the only copy. Copy what you need before you leave.")


def test_every_copy_button_says_what_it_copies(new_page, live_server) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "eu-west-1", "note": "IAM user bob",
              "x_custom": "other"}
    page = new_page()
    reveal(page, seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields)), None)
    names = ["Copy access key ID", "Copy secret access key", "Copy region", "Copy note", "Copy x_custom", "Copy shell lines",
             "Copy credentials file"]
    for name in names:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    assert page.get_by_role("button", name="Copy", exact=True).count() == 0
    assert page.locator("button.copy").count() == len(names)
    page = new_page()
    fields = {"sign_in_url": "https://123456789012.signin.aws.amazon.com/console", "username": "bob", "password": "pw"}
    reveal(page, seal_via_api(live_server, payloads.make_payload("console-login", text="and a text", fields=fields)), None)
    for name in ["Copy secret", "Copy sign-in URL", "Copy username", "Copy password"]:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    assert page.get_by_role("button", name="Copy", exact=True).count() == 0


def copy_offsets(page: Page) -> list[float]:
    return page.evaluate("""() => [...document.querySelectorAll('dl.fields dd')].map(dd => {
        const value = dd.querySelector('.value').getBoundingClientRect();
        const button = dd.querySelector('button.copy').getBoundingClientRect();
        return Math.abs(button.top - value.top) + (button.left > value.right - 1 ? 0 : 1000);
    })""")


def test_each_copy_button_sits_beside_its_value_on_a_desktop(new_page, live_server) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "eu-west-1", "note": "IAM user deploy-bot"}
    page = new_page(viewport={"width": 1280, "height": 800})
    reveal(page, seal_via_api(live_server, payloads.make_payload("aws-access-key", fields=fields)), None)
    offsets = copy_offsets(page)
    assert len(offsets) == 4 and all(offset <= 3 for offset in offsets), offsets
    # The values start in one column and the buttons in another.
    lefts = page.evaluate("""() => [...document.querySelectorAll('dl.fields dd')].map(dd =>
        [dd.querySelector('.value').getBoundingClientRect().left, dd.querySelector('button.copy').getBoundingClientRect().left])""")
    assert len({round(v) for v, _ in lefts}) == 1 and len({round(b) for _, b in lefts}) == 1, lefts


@pytest.mark.parametrize("check", ["axe", "csp"])
def test_revealed_kinds_stay_accessible_and_within_the_csp(new_page, live_server, check: str) -> None:
    options = {"bypass_csp": True} if check == "axe" else {}
    secrets = {
        "broken then fixed": None,
        "aws": payloads.make_payload("aws-access-key", fields={"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY}),
        "aws malformed": payloads.make_payload("aws-access-key", fields={"access_key_id": EVIL, "secret_access_key": SECRET_KEY}),
        "console": payloads.make_payload("console-login", fields={"sign_in_url": "https://example.org/x", "username": "u"}),
        "file": payloads.make_payload("file", files=[payloads.file_entry("a.csv", b"a", "text/csv")]),
    }
    found: dict[str, object] = {}
    for name, payload in secrets.items():
        page = new_page(**options)
        page.add_init_script(CSP_PROBE)
        if payload is None:
            link = seal_via_api(live_server, payloads.make_payload(text="x"))
            page.goto(link.split("#")[0])
            expect(page.locator("#broken")).to_be_visible()
            found["broken"] = serious_axe(page) if check == "axe" else page.evaluate("window.__csp")
            page.evaluate("key => { location.hash = key; }", link.split("#", 1)[1])
            expect(page.locator("#reveal")).to_be_enabled()
        else:
            reveal(page, seal_via_api(live_server, payload), None)
        found[name] = serious_axe(page) if check == "axe" else page.evaluate("window.__csp")
    assert all(value == [] for value in found.values()), found
