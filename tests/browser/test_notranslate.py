"""Nothing secret or exact is offered to a browser's page translation: every node that carries a
revealed value, an access code, a link, a key id or a file name is marked translate="no" and
notranslate (Chrome's and other translators' two signals), and sits left to right or isolated."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.core import payload as payloads
from tests.browser.pagehelp import create, reveal, seal_via_api

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FILE_NAME = "quarterly-credentials.csv"
KINDS = {
    "text": payloads.make_payload(text="correct horse battery staple"),
    "aws-access-key": payloads.make_payload("aws-access-key", fields={
        "access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "eu-west-1",
        "session_token": "FwoGZXIvYXdzEXAMPLETOKEN", "note": "for the deploy bot"}),
    "aws-session": payloads.make_payload("aws-session", fields={
        "access_key_id": "ASIAY34FZKBOKMUTVV7A", "secret_access_key": SECRET_KEY, "session_token": "IQoJb3JpZ2luEXAMPLE+/==",
        "expiration": "2099-11-24T08:00:00Z", "note": "arn:aws:sts::123456789012:assumed-role/deploy/ci"}),
    "console-login": payloads.make_payload("console-login", fields={
        "sign_in_url": "https://123456789012.signin.aws.amazon.com/console", "username": "deploy-admin",
        "password": "Temp#Pass-2026!", "note": "rotate after first use"}),
    "file": payloads.make_payload("file", files=[payloads.file_entry(FILE_NAME, b"a,b\n1,2\n", "text/csv")]),
}

# Every text node in the document that holds one of `values`, with the element it sits in and
# whether that element, or one around it, says translate="no" and carries the notranslate class.
WALK = """values => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const value = values.find(v => node.data.includes(v));
        if (!value || node.parentElement.closest('script')) continue;  // the strings' data block is no text
        const parent = node.parentElement;
        const guard = parent.closest('[translate]');
        const isolated = parent.closest('bdi') ? 'isolated' : null;
        found.push({value, in: parent.tagName.toLowerCase() + '.' + parent.className,
                    guarded: Boolean(guard && guard.getAttribute('translate') === 'no' && guard.classList.contains('notranslate')),
                    dir: parent.closest('[dir]:not(html)')?.getAttribute('dir') || isolated});
    }
    return found;
}"""


def values_of(payload: dict) -> list[str]:
    values = [payload["text"]] if "text" in payload else []
    values += list(payload.get("fields", {}).values())
    values += [f["name"] for f in payload.get("files", [])]
    return values


def assert_guarded(page: Page, values: list[str]) -> None:
    found = page.evaluate(WALK, values)
    assert {f["value"] for f in found} == set(values), found  # every value is on the page
    assert all(f["guarded"] for f in found), [f for f in found if not f["guarded"]]
    assert all(f["dir"] in ("ltr", "auto", "isolated") for f in found), found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_revealed_value_is_kept_from_translation(new_page, live_server, kind: str) -> None:
    payload = KINDS[kind]
    page = new_page(locale="ar")  # right to left: the values must still read left to right
    reveal(page, seal_via_api(live_server, payload), None)
    assert_guarded(page, values_of(payload))
    if kind == "file":
        name = page.locator("a.download bdi")
        expect(name).to_have_text(FILE_NAME)
        expect(name).to_have_attribute("translate", "no")
    if kind in ("aws-access-key", "aws-session"):
        for block in page.locator("#secret-body pre").all():
            assert block.get_attribute("translate") == "no" and block.get_attribute("dir") == "ltr"
        expect(page.locator("h2", has_text="~/.aws/credentials")).to_have_attribute("translate", "no")


def test_the_link_the_code_and_the_file_name_are_kept_from_translation(new_page, live_server) -> None:
    page = new_page(locale="de")
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='file']").check()
    page.set_input_files("#file", files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": b"a,b\n"}])
    assert_guarded(page, [FILE_NAME])
    create(page, live_server, "file", file={"name": FILE_NAME, "mimeType": "text/csv", "buffer": b"a,b\n"})
    for selector in ("#result-link", "#result-code", "#qr", "#code", "#access_key_id", "#secret_access_key",
                     "#sign_in_url", "#username", "#password", "#text", "#sess_access_key_id", "#sess_secret_access_key",
                     "#sess_session_token", "#sess_expiration", "#sess-paste", "#notify-0-url", "#notify-0-secret",
                     "#notify-0-slack", "#notify-0-to", "#bulk-file-name"):
        node = page.locator(selector)
        assert node.get_attribute("translate") == "no", selector
        assert "notranslate" in (node.get_attribute("class") or ""), selector
    assert page.locator("#result-link").get_attribute("dir") == "ltr"
    assert page.locator("#result-code").get_attribute("dir") == "ltr"
    # The reader's access code field, too.
    link, _ = create(new_page(), live_server, fill={"#text": "x"})
    reader = new_page(locale="ar")
    reader.goto(link)
    expect(reader.locator("#code")).to_have_attribute("translate", "no")
    expect(reader.locator("#code")).to_have_attribute("dir", "ltr")
    assert reader.locator(".brand").get_attribute("translate") == "no"
