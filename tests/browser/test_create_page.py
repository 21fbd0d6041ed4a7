"""The create page and its result: pasted AWS credentials, limits checked before any work, one file
name, and a result that says plainly what to do and what has happened to the link."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pagehelp import CSP_PROBE, Recorder, create, reveal, serious_axe

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREATE_JSON = json.dumps({"AccessKey": {"UserName": "deploy-bot", "AccessKeyId": KEY_ID, "Status": "Active",
                                        "SecretAccessKey": SECRET_KEY, "CreateDate": "2026-03-01T10:00:00+00:00"}}, indent=4)
CSV_FULL = ("User name,Password,Access key ID,Secret access key,Console login link\r\n"
            f"deploy-bot,Temp#Pass-2026!,{KEY_ID},{SECRET_KEY},https://123456789012.signin.aws.amazon.com/console\r\n")
CSV_KEYS = f"\ufeffAccess key ID,Secret access key\n{KEY_ID},{SECRET_KEY}\n"


def aws_form(page: Page, server) -> None:
    page.goto(server.url + "/")
    page.locator("input[name=kind][value='aws-access-key']").check()


def expect_filled(page: Page, note: str) -> None:
    expect(page.locator("#access_key_id")).to_have_value(KEY_ID)
    expect(page.locator("#secret_access_key")).to_have_value(SECRET_KEY)
    expect(page.locator("#aws_note")).to_have_value(note)


@pytest.mark.parametrize("text,note", [(CREATE_JSON, "IAM user deploy-bot"), (CSV_FULL, "IAM user deploy-bot"), (CSV_KEYS, "")],
                         ids=["create-access-key-json", "console-csv", "keys-csv"])
def test_the_aws_form_takes_what_admins_have_in_hand(new_page, live_server, text: str, note: str) -> None:
    page = new_page()
    aws_form(page, live_server)
    page.get_by_label("Paste the JSON of aws iam create-access-key or the credentials CSV").fill(text)
    expect_filled(page, note)
    expect(page.locator("#aws-paste")).to_have_value("")  # the pasted secret is not left lying in a second box
    expect(page.locator("#aws-paste-status")).to_contain_text("Filled in")
    if "Password" in text:
        expect(page.locator("#aws-paste-status")).to_contain_text("The password and the console link in the CSV were left out")


def test_credentials_pasted_into_the_key_id_field_fill_the_form(new_page, live_server) -> None:
    page = new_page()
    aws_form(page, live_server)
    page.fill("#aws_note", "for the CI runner")
    page.locator("#access_key_id").evaluate("""(input, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", CREATE_JSON)
    expect_filled(page, "for the CI runner")  # a note already typed is kept
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    recipient = new_page()
    reveal(recipient, page.input_value("#result-link"), page.input_value("#result-code"))
    shown = recipient.locator("dl.fields .value").all_text_contents()
    assert shown == [KEY_ID, SECRET_KEY, "for the CI runner"]


def test_something_else_in_the_paste_box_is_not_taken(new_page, live_server) -> None:
    page = new_page()
    aws_form(page, live_server)
    page.fill("#aws-paste", "just some words")
    expect(page.locator("#aws-paste-status")).to_have_text(
        "This is neither the JSON of aws iam create-access-key nor a credentials CSV. Fill in the fields below instead.")
    expect(page.locator("#access_key_id")).to_have_value("")


def test_a_malformed_aws_field_is_warned_about_and_sent_unchanged(new_page, live_server) -> None:
    page = new_page()
    odd = {"#access_key_id": "akia-not-a-key", "#secret_access_key": "short", "#region": "Europe (Ireland)"}
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='aws-access-key']").check()
    for selector, value in odd.items():
        page.fill(selector, value)
    for name in ("access_key_id", "secret_access_key", "region"):
        expect(page.locator(f"#warn-{name}")).to_be_visible()
        assert f"warn-{name}" in (page.get_attribute(f"#{name}", "aria-describedby") or "").split()
    page.fill("#region", "eu-west-1")
    expect(page.locator("#warn-region")).to_be_hidden()
    assert "warn-region" not in (page.get_attribute("#region", "aria-describedby") or "").split()
    page.fill("#region", "Europe (Ireland)")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    recipient = new_page()
    reveal(recipient, page.input_value("#result-link"), page.input_value("#result-code"))
    assert recipient.locator("dl.fields .value").all_text_contents() == list(odd.values())


def field_error(page: Page, field: str) -> str:
    """The error text the field at ``#field`` is described by; asserts it is shown and focused."""
    expect(page.locator(f"#err-{field}")).to_be_visible()
    assert f"err-{field}" in (page.get_attribute(f"#{field}", "aria-describedby") or "").split()
    assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == field
    return page.locator(f"#err-{field}").inner_text()


@pytest.mark.parametrize("views", ["0", "101", "", "1.5", "-1"])
def test_views_out_of_range_are_refused_before_anything_is_sent(new_page, live_server, views: str) -> None:
    page = new_page()
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    maximum = page.get_attribute("#create", "data-views-max")
    page.fill("#text", "not yet")
    page.fill("#views", views)
    page.click("#submit")
    assert field_error(page, "views") == f"Views must be a whole number from 1 to {maximum}."
    expect(page.locator("#submit")).to_have_text("Create link")
    assert recorder.posts("/api/v1/secrets") == []
    # Fixed, the same form goes through and the error goes away.
    page.fill("#views", "2")
    expect(page.locator("#err-views")).to_be_hidden()
    assert page.get_attribute("#views", "aria-invalid") is None
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    assert len(recorder.posts("/api/v1/secrets")) == 1


def test_an_expiry_the_server_does_not_offer_is_refused_here(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    page.fill("#text", "not yet")
    page.evaluate("() => { const o = new Option('10 years', '315360000'); document.querySelector('#ttl').add(o); o.selected = true; }")
    page.click("#submit")
    assert field_error(page, "ttl") == "Choose one of the offered expiry times."
    assert recorder.posts("/api/v1/secrets") == []


def test_missing_or_oversized_content_is_named_next_to_its_field(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    page.click("#submit")
    assert field_error(page, "text") == "There is nothing to share yet."
    max_blob = int(page.get_attribute("#create", "data-max-blob") or 0)
    page.locator("#text").evaluate("(node, n) => { node.value = 'x'.repeat(n); }", max_blob)
    page.click("#submit")
    assert field_error(page, "text").startswith("This secret is too large")
    page.locator("input[name=kind][value='aws-access-key']").check()
    page.fill("#secret_access_key", SECRET_KEY)
    page.click("#submit")
    assert field_error(page, "access_key_id") == "Access key ID is required."
    page.locator("input[name=kind][value='file']").check()
    page.click("#submit")
    assert field_error(page, "file") == "Pick a file first."
    page.locator("input[name=kind][value='text']").check()
    page.fill("#text", "fine")
    page.fill("#code", "short")
    page.click("#submit")
    assert "8 to 64" in field_error(page, "code")
    assert recorder.posts("/api/v1/secrets") == []


def test_the_file_name_shows_once_and_the_picker_stays_reachable(new_page, live_server) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='file']").check()
    picker = page.get_by_label("Drop a file here, or choose a file")
    expect(picker).to_have_attribute("id", "file")
    box = picker.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1  # visually hidden, still in the page
    picker.set_input_files(files=[{"name": "unique-name-4711.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}])
    expect(page.locator("#file-name")).to_have_text("unique-name-4711.csv (4 B)")
    expect(page.get_by_text("unique-name-4711.csv")).to_have_count(1)
    # The keyboard reaches it, and the drop zone shows where the focus is.
    page.focus("input[name=kind][value='file']")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file"
    assert page.eval_on_selector("#drop", "node => getComputedStyle(node).outlineStyle") == "solid"


def test_a_bidi_file_name_shows_plainly_on_the_create_page(new_page, live_server) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.locator("input[name=kind][value='file']").check()
    page.set_input_files("#file", files=[{"name": "report\u202egpj.exe", "mimeType": "image/jpeg", "buffer": b"MZ"}])
    expect(page.locator("#file-name")).to_have_text("reportgpj.exe (2 B)")


def test_the_result_names_its_copy_buttons_labels_the_qr_and_puts_the_code_advice_first(new_page, live_server) -> None:
    page = new_page()
    create(page, live_server, fill={"#text": "x"})
    expect(page.get_by_role("button", name="Copy link", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Copy access code", exact=True)).to_be_visible()
    assert page.get_by_role("button", name="Copy", exact=True).count() == 0
    expect(page.get_by_role("img", name="QR code of the link")).to_be_visible()
    expect(page.locator("#qr-caption")).to_have_text("QR code of the link")
    advice = page.locator("#code-advice")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("Send the access code over a different channel than the link")
    style = advice.evaluate("""node => { const s = getComputedStyle(node);
        return {size: parseFloat(s.fontSize), weight: parseInt(s.fontWeight, 10), border: parseFloat(s.borderLeftWidth),
                color: s.color, muted: getComputedStyle(document.querySelector('.lead')).color}; }""")
    assert style["size"] >= 16 and style["weight"] >= 600 and style["border"] >= 3 and style["color"] != style["muted"], style
    code_row = page.locator("#result-code").bounding_box()
    qr = page.locator("#qr").bounding_box()
    box = advice.bounding_box()
    assert code_row and qr and box and code_row["y"] < box["y"] < code_row["y"] + code_row["height"] + 40 and box["y"] < qr["y"]


def expect_used(page: Page, sentence: str) -> None:
    expect(page.locator("#link-used")).to_have_text(sentence)
    expect(page.locator("#result-link-box")).to_have_class("link-box used")
    expect(page.get_by_role("button", name="Copy link", exact=True)).to_be_disabled()
    assert "line-through" in page.eval_on_selector("#result-link", "node => getComputedStyle(node).textDecorationLine")
    assert float(page.eval_on_selector("#qr", "node => getComputedStyle(node).opacity")) < 0.5
    expect(page.locator("#burn")).to_be_hidden()


def test_the_link_looks_used_up_once_opened(new_page, live_server) -> None:
    creator = new_page()
    link, code = create(creator, live_server, fill={"#text": "once"}, views=2)
    expect(creator.locator("#link-used")).to_be_hidden()
    reveal(new_page(), link, code)
    expect(creator.locator("#receipt")).to_contain_text("1 view left.", timeout=15_000)
    expect(creator.locator("#link-used")).to_be_hidden()  # one view left: still live
    expect(creator.get_by_role("button", name="Copy link", exact=True)).to_be_enabled()
    reveal(new_page(), link, code)
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "viewed", timeout=15_000)
    expect_used(creator, "This link has been used up: it no longer opens.")


def test_burn_asks_first_and_then_marks_the_link_burned(new_page, live_server) -> None:
    creator = new_page()
    recorder = Recorder(creator)
    create(creator, live_server, fill={"#text": "burn me"}, code=False)
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "waiting")
    creator.click("#burn")
    expect(creator.get_by_role("button", name="Yes, burn it")).to_be_focused()
    expect(creator.locator("#burn-confirm")).to_contain_text("Nobody will be able to open it")
    creator.get_by_role("button", name="Keep it").click()
    expect(creator.locator("#burn-confirm")).to_be_hidden()
    expect(creator.locator("#burn")).to_be_focused()
    creator.wait_for_timeout(300)
    assert recorder.methods("DELETE") == []
    creator.click("#burn")
    creator.get_by_role("button", name="Yes, burn it").click()
    expect(creator.locator("#receipt")).to_have_attribute("data-state", "burned")
    assert len(recorder.methods("DELETE")) == 1
    expect_used(creator, "This link has been burned: it no longer opens.")
    expect(creator.locator("#burn-confirm")).to_be_hidden()


@pytest.mark.parametrize("check", ["axe", "csp"])
def test_the_new_states_stay_accessible_and_within_the_csp(new_page, live_server, check: str) -> None:
    options = {"bypass_csp": True} if check == "axe" else {}
    found: dict[str, object] = {}

    def look(page: Page, name: str) -> None:
        found[name] = serious_axe(page) if check == "axe" else page.evaluate("window.__csp")

    form = new_page(**options)
    form.add_init_script(CSP_PROBE)
    form.goto(live_server.url + "/")
    form.locator("input[name=kind][value='file']").check()
    form.set_input_files("#file", files=[{"name": "a.csv", "mimeType": "text/csv", "buffer": b"a"}])
    look(form, "file panel")
    form.locator("input[name=kind][value='aws-access-key']").check()
    form.fill("#aws-paste", "not credentials")
    form.fill("#access_key_id", "odd")
    form.fill("#region", "Mars")
    form.click("#submit")
    expect(form.locator("#err-secret_access_key")).to_be_visible()
    look(form, "aws errors and warnings")
    creator = new_page(**options)
    creator.add_init_script(CSP_PROBE)
    create(creator, live_server, fill={"#text": "x"})
    creator.click("#burn")
    look(creator, "burn confirmation")
    creator.click("#burn-yes")
    expect(creator.locator("#link-used")).to_be_visible()
    look(creator, "used up")
    assert all(value == [] for value in found.values()), found
