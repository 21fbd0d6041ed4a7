"""The three views in a real Chromium against real gunicorn and Redis."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from tests.browser.pagehelp import create, reveal, seal_via_api
from tests.support import GunicornProcess

VENDOR = Path(__file__).resolve().parent / "vendor"


KINDS = {
    "text": ({"#text": "correct horse\nbattery staple ✓"}, None),
    "aws": ({"#access_key_id": "AKIAIOSFODNN7EXAMPLE", "#secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
             "#region": "eu-west-1"}, None),
    "console": ({"#sign_in_url": "https://123456789012.signin.aws.amazon.com/console", "#username": "bob",
                 "#password": "Temp#Pass-2026!"}, None),
}


@pytest.mark.parametrize("name", ["text", "aws", "console"])
def test_create_then_open_once_in_a_fresh_browser(name: str, new_page, live_server: GunicornProcess) -> None:
    fill, _ = KINDS[name]
    kind = {"text": "text", "aws": "aws-access-key", "console": "console-login"}[name]
    creator = new_page()
    link, code = create(creator, live_server, kind, fill)
    assert "#" in link and code
    recipient = new_page()
    reveal(recipient, link, code.lower().replace("-", " "))
    body = recipient.locator("#secret-body").inner_text()
    for value in fill.values():
        assert value in body
    if name == "aws":
        assert "export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'" in body and "[default]" in body
    if name == "console":
        assert recipient.locator("a[href='https://123456789012.signin.aws.amazon.com/console']").count() == 1
    assert "#" not in recipient.url  # the key left the address bar
    # A second open shows the one gone page.
    again = new_page()
    again.goto(link)
    expect(again.locator("#gone")).to_be_visible()
    # The creator's receipt turns "viewed".
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "viewed", timeout=15_000)


def test_a_500_kib_file_round_trip(new_page, live_server: GunicornProcess, tmp_path: Path) -> None:
    data = os.urandom(500 * 1024)
    creator = new_page()
    link, code = create(creator, live_server, "file", file={"name": "credentials.csv", "mimeType": "text/csv", "buffer": data})
    recipient = new_page()
    reveal(recipient, link, code)
    with recipient.expect_download() as info:
        recipient.locator("a.download").click()
    download = info.value
    assert download.suggested_filename == "credentials.csv"
    target = tmp_path / "got.csv"
    download.save_as(target)
    assert target.read_bytes() == data


def test_the_page_says_how_many_views_remain(new_page, live_server: GunicornProcess) -> None:
    link, code = create(new_page(), live_server, fill={"#text": "for the team"}, views=3)
    page = new_page()
    page.goto(link)
    expect(page.locator("#intro .lead")).to_contain_text("3 more times")
    page.fill("#code", code)
    page.click("#reveal")
    expect(page.locator("#secret-status")).to_contain_text("2 more views remain")


def test_wrong_code_then_the_right_one(new_page, live_server: GunicornProcess) -> None:
    link, code = create(new_page(), live_server, fill={"#text": "guarded"})
    page = new_page()
    page.goto(link)
    expect(page.locator("#code-field")).to_be_visible()
    page.fill("#code", "WRONG-C0DE1")
    page.click("#reveal")
    expect(page.locator("#reveal-error")).to_contain_text("4 tries left")
    page.fill("#code", code)
    page.keyboard.press("Enter")
    expect(page.locator("#secret")).to_be_visible()
    assert "guarded" in page.locator("#secret-body").inner_text()


def test_burn_now(new_page, live_server: GunicornProcess) -> None:
    creator = new_page()
    link, _ = create(creator, live_server, fill={"#text": "burn me"}, code=False)
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "waiting")
    creator.click("#burn")  # asks first: nothing is burned until "Yes, burn it"
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "waiting")
    creator.click("#burn-yes")
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "burned")
    page = new_page()
    page.goto(link)
    expect(page.locator("#gone")).to_be_visible()


def test_nothing_secret_travels_in_any_request(new_page, live_server: GunicornProcess) -> None:
    plaintext = "the plaintext 0xC0FFEE"
    seen: list[str] = []

    def record(request) -> None:
        seen.append(" ".join([request.url, json.dumps(request.headers), request.post_data or ""]))

    creator = new_page()
    creator.on("request", record)
    link, code = create(creator, live_server, fill={"#text": plaintext})
    recipient = new_page()
    recipient.on("request", record)
    reveal(recipient, link, code)
    key = link.split("#", 1)[1]
    wire = "\n".join(seen)
    assert len(seen) > 5
    for value in (plaintext, key, code, code.replace("-", ""), base64.b64encode(plaintext.encode()).decode()):
        assert value not in wire


def test_markup_in_a_secret_stays_inert_text(new_page, live_server: GunicornProcess) -> None:
    evil = "<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>"
    payload = payloads.make_payload("console-login", text=evil, fields={
        "sign_in_url": "javascript:window.__pwned=1", "username": evil, "note": "<b>bold</b>"})
    link = seal_via_api(live_server, payload)
    page = new_page()
    reveal(page, link, None)
    body = page.locator("#secret-body")
    assert evil in body.inner_text() and "<b>bold</b>" in body.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#secret-body img, #secret-body script, #secret-body b").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_a_preview_bot_that_runs_scripts_consumes_nothing(new_page, live_server: GunicornProcess) -> None:
    payload = payloads.make_payload(text="still here")
    link = seal_via_api(live_server, payload)
    bot = new_page()
    bot.goto(link, wait_until="networkidle")
    expect(bot.locator("#reveal")).to_be_enabled()
    bot.wait_for_timeout(500)  # a bot lingers; it still does not click
    parsed = links.parse_link(link)
    keys = p.derive_keys(parsed.key)
    response = requests.post(f"{live_server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                             json={"link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}, timeout=10)
    assert response.status_code == 200


def test_an_incomplete_link_and_a_malformed_id(new_page, live_server: GunicornProcess) -> None:
    link = seal_via_api(live_server, payloads.make_payload(text="x"))
    page = new_page()
    page.goto(link.split("#")[0] + "#cut-short")
    expect(page.locator("#broken")).to_be_visible()
    page.goto(f"{live_server.url}/s/not-an-id#{'A' * 43}")
    expect(page.locator("#gone")).to_be_visible()


def test_no_webcrypto_says_so_plainly(new_page, live_server: GunicornProcess) -> None:
    insecure = live_server.url.replace("127.0.0.1", "insecure.burnlink.test")
    page = new_page()
    page.goto(insecure + "/")
    expect(page.locator("#nocrypto")).to_be_visible()
    expect(page.locator("#create")).to_be_hidden()
    link = seal_via_api(live_server, payloads.make_payload(text="x")).replace("127.0.0.1", "insecure.burnlink.test")
    page.goto(link)
    expect(page.locator("#nocrypto")).to_be_visible()


CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def views(new_page, server: GunicornProcess, **options) -> dict[str, Page]:
    """The create, result and reveal views, each open in its own page."""
    create_page = new_page(**options)
    create_page.add_init_script(CSP_PROBE)
    create_page.goto(server.url + "/")
    expect(create_page.locator("#submit")).to_be_visible()
    result_page = new_page(**options)
    result_page.add_init_script(CSP_PROBE)
    link, _ = create(result_page, server, fill={"#text": "a secret for the screenshots"})
    reveal_page = new_page(**options)
    reveal_page.add_init_script(CSP_PROBE)
    reveal_page.goto(link)
    expect(reveal_page.locator("#reveal")).to_be_enabled()
    return {"create": create_page, "result": result_page, "reveal": reveal_page}


def test_pages_run_under_the_csp_without_violations(new_page, live_server: GunicornProcess) -> None:
    pages = views(new_page, live_server)
    page = pages["reveal"]
    page.fill("#code", "WRONG-C0DE1")
    page.click("#reveal")
    expect(page.locator("#reveal-error")).to_contain_text("tries left")
    for name, view in pages.items():
        assert view.evaluate("window.__csp") == [], name


def test_accessibility_with_axe(new_page, live_server: GunicornProcess) -> None:
    # Our CSP rightly refuses the injected axe script; the test tool alone bypasses it.
    pages = views(new_page, live_server, bypass_csp=True)
    for name, page in pages.items():
        page.add_script_tag(path=str(VENDOR / "axe.min.js"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name}: {serious}"


def test_keyboard_alone_creates_a_link(new_page, live_server: GunicornProcess) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#text")
    page.keyboard.type("typed without a mouse")
    page.focus("#submit")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "result-title"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_screenshots(new_page, live_server: GunicornProcess, shots: Path, scheme: str, width: int, height: int) -> None:
    pages = views(new_page, live_server, color_scheme=scheme, viewport={"width": width, "height": height})
    size = "desktop" if width > 800 else "phone"

    def shot(page: Page, label: str) -> None:
        path = shots / f"{label}-{scheme}-{size}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000
        assert re.search(r"burnlink", page.title())

    for name, page in pages.items():
        shot(page, name)
    reveal(pages["reveal"], pages["result"].input_value("#result-link"), pages["result"].input_value("#result-code"))
    shot(pages["reveal"], "revealed")


def test_a_secret_sent_by_the_cli_opens_in_the_browser(new_page, live_server: GunicornProcess) -> None:
    from tests.support.cli import send_json

    made = send_json(live_server.url, ["--kind", "aws-access-key", "-"],
                     "access_key_id: AKIAIOSFODNN7EXAMPLE\nsecret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    page = new_page()
    reveal(page, made["link"], made["access_code"])
    body = page.locator("#secret-body").inner_text()
    assert "AKIAIOSFODNN7EXAMPLE" in body and "export AWS_SECRET_ACCESS_KEY=" in body


def test_a_secret_made_in_the_browser_opens_with_the_cli(new_page, live_server: GunicornProcess) -> None:
    from tests.support.cli import run

    link, code = create(new_page(), live_server, fill={"#text": "from the browser\nto the terminal"})
    exit_code, out, _ = run(["get", link, "--code", code], live_server.url)
    assert exit_code == 0 and out == "from the browser\nto the terminal"


def test_a_secret_made_with_curl_mode_opens_in_the_browser(new_page, live_server: GunicornProcess) -> None:
    created = requests.post(f"{live_server.url}/api/v1/secrets?access_code=1", data="made by curl\n",
                            headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10).json()
    page = new_page()
    reveal(page, created["link"], created["access_code"])
    assert page.locator("#secret-body pre").first.inner_text() == "made by curl\n"
