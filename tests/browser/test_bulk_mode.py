"""Bulk mode on the create page: the console's users CSV becomes one secret per good row (as
`burnlink bulk` decides), each with its own code, bad rows named by line number, three downloads,
and nobody made twice when the same file (or another naming the same users) is used again."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pagehelp import (
    CONSOLE_URL,
    CSP_PROBE,
    STS_SECRET_KEY,
    USERS_CSV,
    USERS_HEADER,
    Recorder,
    reveal,
    users_file,
    view_problems,
)

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = STS_SECRET_KEY
CONSOLE = CONSOLE_URL
HEADER = USERS_HEADER
USERS = USERS_CSV


def bulk_form(page: Page, server: Any, file: dict[str, Any] | None = None) -> None:
    page.goto(server.url + "/")
    page.locator("input[name=kind][value='bulk']").check()
    if file:
        page.set_input_files("#bulk-file", files=[file])
        expect(page.locator("#bulk-table tbody tr").first).to_be_visible()


def download(page: Page, which: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.click(f"#bulk-{which}")
    path = info.value.path()
    return info.value.suggested_filename, list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_each_good_row_becomes_a_secret_with_its_own_code_and_three_files(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    bulk_form(page, live_server, users_file())
    expect(page.locator(".code-box")).to_be_hidden()  # every row gets its own code
    expect(page.locator("#submit")).to_have_text("Create the links")
    rows = page.locator("#bulk-table tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#bulk-status")).to_have_text("5 rows. To make: 3. With problems: 2.")
    assert rows.nth(0).locator("td").all_text_contents() == ["2", "alice", "AWS access key and console sign-in", "Ready"]
    assert rows.nth(1).locator("td").all_text_contents()[2:] == ["AWS access key", "Ready"]
    assert rows.nth(2).locator("td").all_text_contents()[2:] == ["Console sign-in", "Ready"]
    assert rows.nth(3).locator("td").all_text_contents() == ["5", "dave", "", "A password without its console login link."]
    expect(rows.nth(4).locator("td").nth(3)).to_have_text("An access key ID without its secret access key.")
    page.click("#submit")
    expect(page.locator("#bulk-status")).to_have_text("Done: 3 links made. Download the three files below.")
    expect(rows.locator("td:nth-child(4)")).to_have_text(
        ["Link made", "Link made", "Link made", "A password without its console login link.",
         "An access key ID without its secret access key."])
    bodies = [json.loads(post[2]) for post in recorder.posts("/api/v1/secrets")]
    assert len(bodies) == 3 and all(body["has_code"] and body["ttl"] == 86400 for body in bodies)
    name, links = download(page, "links")
    assert name == "new-users.links.csv" and links[0] == ["user", "link"]
    _, codes = download(page, "codes")
    _, tokens = download(page, "tokens")
    assert [row[0] for row in links[1:]] == [row[0] for row in codes[1:]] == [row[0] for row in tokens[1:]] == ["alice", "bob", "carol"]
    assert tokens[0] == ["user", "id", "token"] and len({row[1] for row in codes[1:]}) == 3  # a code each
    # Alice's link opens with her code and holds her key and her console sign-in.
    recipient = new_page()
    reveal(recipient, links[1][1], codes[1][1])
    shown = recipient.locator("dl.fields .value").all_text_contents()
    assert shown == [KEY_ID, SECRET_KEY, CONSOLE, "alice", "Temp#Pass-2026!", "IAM user alice"]


def test_the_same_file_again_makes_nobody_twice_and_a_fixed_one_makes_only_the_rest(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    bulk_form(page, live_server, users_file())
    page.click("#submit")
    expect(page.locator("#bulk-status")).to_contain_text("Done: 3 links made")
    page.set_input_files("#bulk-file", files=[users_file()])
    expect(page.locator("#bulk-again")).to_have_text(
        "You used this file on this page before: 3 of its users already have links and are not made again.")
    expect(page.locator("#bulk-table tbody tr td:nth-child(4)").first).to_have_text("Already made on this page")
    expect(page.locator("#bulk-downloads")).to_be_visible()  # their files are still there to download
    page.click("#submit")
    expect(page.locator("#err-bulk-file")).to_have_text(
        "Nothing left to make from this file: every good row already has a link.")
    assert len(recorder.posts("/api/v1/secrets")) == 3
    # Dave's row fixed in an edited copy: only he is made, and the files list all four.
    fixed = USERS.replace("dave,Pw-2,,,", f"dave,Pw-2,,,{CONSOLE}")
    page.set_input_files("#bulk-file", files=[users_file(fixed)])
    expect(page.locator("#bulk-again")).to_have_text(
        "3 users of this file already have links from this page and are not made again.")
    page.click("#submit")
    expect(page.locator("#bulk-status")).to_have_text("Done: 1 link made. Download the three files below.")
    assert len(recorder.posts("/api/v1/secrets")) == 4
    _, links = download(page, "links")
    assert [row[0] for row in links[1:]] == ["alice", "bob", "carol", "dave"]


def test_a_run_the_server_stops_goes_on_from_there_with_the_same_file(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    answers: list[int] = []

    def busy_second(route) -> None:
        answers.append(1)
        if len(answers) == 2:
            route.fulfill(status=503, content_type="application/problem+json", headers={"Retry-After": "5"},
                          body=json.dumps({"status": 503, "code": "storage_unavailable", "detail": "Storage is unavailable."}))
        else:
            route.continue_()

    page.route("**/api/v1/secrets", busy_second)
    bulk_form(page, live_server, users_file())
    page.click("#submit")
    expect(page.locator("#bulk-status")).to_have_text(
        "Stopped at line 3 (see the table). The links made so far are kept: create again with the same file to go on.")
    statuses = page.locator("#bulk-table tbody tr td:nth-child(4)")
    expect(statuses.nth(0)).to_have_text("Link made")
    expect(statuses.nth(1)).to_have_text("Not made: The server is busy. Try again in a moment.")
    expect(statuses.nth(2)).to_have_text("Ready")  # never tried
    expect(page.locator("#bulk-file")).to_be_enabled()
    page.click("#submit")
    expect(page.locator("#bulk-status")).to_have_text("Done: 2 links made. Download the three files below.")
    users = [json.loads(body)["ciphertext"] for _, _, body in recorder.posts("/api/v1/secrets")]
    assert len(users) == 4  # alice once, bob twice (refused, then made), carol once
    _, links = download(page, "links")
    assert [row[0] for row in links[1:]] == ["alice", "bob", "carol"]


def test_a_file_that_is_not_the_users_csv_is_refused_by_its_field(new_page, live_server) -> None:
    page = new_page()
    recorder = Recorder(page)
    bulk_form(page, live_server)
    page.click("#submit")
    expect(page.locator("#err-bulk-file")).to_have_text("Choose the users CSV first.")
    page.set_input_files("#bulk-file", files=[users_file("Access key ID,Secret access key\nA,B\n", "keys.csv")])
    expect(page.locator("#err-bulk-file")).to_have_text(
        "This is not the console's users CSV (its first line names User name and Password or Access key ID); nothing was made.")
    page.set_input_files("#bulk-file", files=[{"name": "latin1.csv", "mimeType": "text/csv",
                                               "buffer": HEADER.encode() + "jos\xe9,Pw,,,https://x.example/c\n".encode("latin-1")}])
    expect(page.locator("#err-bulk-file")).to_have_text("This file is not UTF-8 text; nothing was made.")
    assert recorder.posts("/api/v1/secrets") == []


def test_the_file_is_reached_and_the_links_made_by_keyboard(new_page, live_server) -> None:
    page = new_page()
    # Listening early: Playwright turns on its file chooser interception without waiting for it,
    # and a key pressed before it is on opens a real dialog that nothing answers.
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(live_server.url + "/")
    page.focus("input[name=kind][value='file']")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=kind][value='bulk']")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#bulk-file")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert len(choosers) == 1
    choosers[0].set_files(files=[users_file()])
    expect(page.locator("#bulk-table tbody tr")).to_have_count(5)
    page.keyboard.press("Tab")
    expect(page.locator("#bulk-table-box")).to_be_focused()  # the table scrolls by keyboard on a small screen
    page.focus("#views")
    page.keyboard.press("Enter")
    expect(page.locator("#bulk-status")).to_contain_text("Done: 3 links made")


@pytest.mark.parametrize("check", ["axe", "csp", "phone"])
def test_bulk_mode_is_accessible_within_the_csp_and_fits_a_phone(new_page, live_server, check: str) -> None:
    options: dict[str, Any] = {"bypass_csp": True} if check == "axe" else {}
    if check == "phone":
        options["viewport"] = {"width": 390, "height": 844}
    page = new_page(**options)
    page.add_init_script(CSP_PROBE)
    bulk_form(page, live_server, users_file())
    page.click("#submit")
    expect(page.locator("#bulk-downloads")).to_be_visible()
    assert view_problems(page, check) == []
