"""What `burnlink get` prints: the secret alone on stdout, notes on stderr, and the forms an AWS key is pasted in.

Also the shapes of AWS fields (app/core/kinds.py) that decide whether a form may be built at all.
"""

from __future__ import annotations

import json
import re

import pytest

from app.core import kinds
from app.core import payload as payloads
from tests.support import GunicornProcess
from tests.support.cli import Wire, after_sender, run, run_bytes, send_json

NOWHERE = "http://127.0.0.1:9"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJH/+=="
INJECTED = f"{KEY_ID}\n[evil]\ncredential_process = sh -c id"
DESTROYED = "The secret is now destroyed on the server.\n"


def access_key(**fields: str) -> dict:
    return payloads.make_payload("aws-access-key", fields=fields)


# --- the shapes ----------------------------------------------------------------------------------


def test_the_shapes_are_exactly_the_browsers() -> None:
    assert kinds.AWS_ACCESS_KEY_ID_PATTERN == r"^[A-Z0-9]{16,128}$"
    assert kinds.AWS_SECRET_ACCESS_KEY_PATTERN == r"^[A-Za-z0-9/+=]{40}$"
    assert kinds.AWS_REGION_PATTERN == r"^[a-z]{2}(-[a-z]+)+-\d$"
    assert kinds.AWS_SESSION_TOKEN_PATTERN == r"^[A-Za-z0-9/+=]+$"


@pytest.mark.parametrize("name,value", [
    *[("access_key_id", v) for v in (KEY_ID, "ASIAY34FZKBOKMUTVV7A", "A" * 16, "Z9" * 64)],
    *[("secret_access_key", v) for v in (SECRET, "a" * 39 + "=", "+/" * 20)],
    *[("region", v) for v in ("eu-west-1", "us-east-1", "us-gov-west-1", "ap-southeast-2", "cn-north-1", "il-central-1")],
    ("session_token", TOKEN),
])
def test_real_aws_values_have_their_shape(name: str, value: str) -> None:
    assert kinds.has_shape(kinds.AWS_FIELD_SHAPES[name], value)


@pytest.mark.parametrize("name,value", [
    *[("access_key_id", v) for v in (INJECTED, f"{KEY_ID}\n", f"{KEY_ID} ", "akiaiosfodnn7example", "A" * 15, "A" * 129,
                                     f"{KEY_ID}'", "", "AKIA IOSFODNN7EXAMPLE", "ＡＫＩＡIOSFODNN7EXAMPLE")],
    *[("secret_access_key", v) for v in (SECRET[1:], SECRET + "x", SECRET[1:] + "\n", SECRET[2:] + "\r\n",
                                         SECRET[1:] + "'", SECRET[1:] + " ", SECRET[1:] + "-")],
    *[("region", v) for v in ("eu-west-1\ncredential_process = sh", "eu-west-1\n", "EU-WEST-1", "eu-west", "euwest-1",
                              "eu-west-12", "eu-west-1 ", "e-west-1", "eu--west-1", "eu-west-\u0661")],
    *[("session_token", v) for v in ("abc\ndef", "abc\n", "abc def", "abc'", "", "abc-def")],
])
def test_anything_that_could_become_a_line_or_a_quote_has_no_shape(name: str, value: str) -> None:
    assert not kinds.has_shape(kinds.AWS_FIELD_SHAPES[name], value)
    problems = kinds.aws_field_problems({"access_key_id": KEY_ID, "secret_access_key": SECRET, name: value})
    assert problems == [name]
    with pytest.raises(ValueError):
        kinds.aws_env_lines({"access_key_id": KEY_ID, "secret_access_key": SECRET, name: value})


def test_the_forms_of_a_good_key() -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET, "region": "eu-west-1", "session_token": TOKEN,
              "note": "not part of any form"}
    assert kinds.aws_env_lines(fields) == [f"export AWS_ACCESS_KEY_ID='{KEY_ID}'", f"export AWS_SECRET_ACCESS_KEY='{SECRET}'",
                                           f"export AWS_SESSION_TOKEN='{TOKEN}'", "export AWS_DEFAULT_REGION='eu-west-1'"]
    assert kinds.aws_credentials_lines(fields, "bob") == ["[bob]", f"aws_access_key_id = {KEY_ID}",
                                                          f"aws_secret_access_key = {SECRET}", f"aws_session_token = {TOKEN}",
                                                          "region = eu-west-1"]
    assert kinds.aws_field_problems({"access_key_id": KEY_ID}) == ["secret_access_key"]
    with pytest.raises(ValueError):
        kinds.aws_credentials_lines(fields, "bob]\n[evil")


# --- get --format --------------------------------------------------------------------------------


def test_format_env(payload_server) -> None:
    with payload_server(access_key(access_key_id=KEY_ID, secret_access_key=SECRET, region="eu-west-1",
                                   note="IAM user bob")) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert code == 0 and out == (f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\n"
                                 "export AWS_DEFAULT_REGION='eu-west-1'\n")
    assert after_sender(err) == "note: IAM user bob\n" + DESTROYED


def test_format_credentials_with_a_profile(payload_server) -> None:
    with payload_server(access_key(access_key_id=KEY_ID, secret_access_key=SECRET)) as (_, link):
        code, out, err = run(["get", "--format", "credentials", "--profile", "bob"], NOWHERE, BURNLINK_LINK=link)
    assert (code, after_sender(err)) == (0, DESTROYED)
    assert out == f"[bob]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"


def test_format_credentials_defaults_to_the_default_profile(payload_server) -> None:
    with payload_server(access_key(access_key_id=KEY_ID, secret_access_key=SECRET)) as (_, link):
        assert run(["get", "--format", "credentials"], NOWHERE, BURNLINK_LINK=link)[1].startswith("[default]\n")


def test_format_json_is_the_fields(payload_server) -> None:
    fields = {"access_key_id": KEY_ID, "secret_access_key": SECRET, "note": "IAM user bob"}
    with payload_server(access_key(**fields)) as (_, link):
        code, out, err = run(["get", "--format", "json"], NOWHERE, BURNLINK_LINK=link)
    assert (code, after_sender(err)) == (0, DESTROYED) and json.loads(out) == fields and out.count("\n") == 1


@pytest.mark.parametrize("form", ["env", "credentials"])
def test_an_injected_field_never_becomes_a_form(form: str, payload_server) -> None:
    with payload_server(access_key(access_key_id=INJECTED, secret_access_key=SECRET, region="eu-west-1")) as (_, link):
        code, out, err = run(["get", "--format", form], NOWHERE, BURNLINK_LINK=link)
    assert code == 0  # the view is spent: the values are shown, as plain values
    assert out == (f"access_key_id: {KEY_ID}\\x0a[evil]\\x0acredential_process = sh -c id\n"
                   f"secret_access_key: {SECRET}\nregion: eu-west-1\n")
    assert after_sender(err) == (f"burnlink: warning: access_key_id missing or not in the shape AWS uses, so no {form} lines were "
                   "built; the fields are shown as plain values instead.\n" + DESTROYED)
    assert not re.search(r"^(credential_process|\[evil\]|export )", out, re.M)


def test_a_missing_secret_key_builds_no_form(payload_server) -> None:
    with payload_server(access_key(access_key_id=KEY_ID)) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, f"access_key_id: {KEY_ID}\n") and "secret_access_key missing" in err


def test_a_form_of_another_kind_falls_back_to_the_secret_as_sent(payload_server) -> None:
    with payload_server(payloads.make_payload("text", text="not a key\n")) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, "not a key\n")
    assert after_sender(err) == ("burnlink: warning: --format env is for AWS access keys and this secret is text; "
                                 "shown as sent.\n" + DESTROYED)
    with payload_server(payloads.make_payload("text", text="t", fields={"note": "n"})) as (_, link):
        code, out, err = run(["get", "--format", "json"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, "t")
    assert after_sender(err) == ("burnlink: warning: --format json is for a secret made of fields only; shown as sent (--json prints "
                   "the whole payload).\nnote: n\n" + DESTROYED)


@pytest.mark.parametrize("args,message", [
    (["--json", "--format", "env"], "--json and --format contradict each other (--json prints the whole payload)."),
    (["--profile", "bob"], "--profile is for --format credentials."),
    (["--format", "credentials", "--profile", "bob]\n[evil"], "--profile must be 1 to 64 letters, digits or . _ @ + -."),
    (["--format", "yaml"], "Invalid value for '--format': 'yaml' is not one of 'text', 'env', 'credentials', "
                           "'credential-process', 'json'."),
], ids=["json-and-format", "profile-alone", "profile-injection", "unknown-format"])
def test_bad_format_options_exit_1_before_any_request(args: list[str], message: str, wire: Wire) -> None:
    code, out, err = run(["get", *args], NOWHERE, BURNLINK_LINK="https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43)
    assert (code, out, err) == (1, "", f"burnlink: {message}\n")
    assert wire.requests == []


# --- stdout is the secret alone; notes go to stderr ----------------------------------------------


def test_a_note_never_joins_a_text_secret_on_stdout(payload_server) -> None:
    with payload_server(payloads.make_payload("text", text="exact bytes", fields={"note": "line one\nline two\r\n\x1b[2J"})) as (_, link):
        code, out, err = run_bytes(["get"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, b"exact bytes")
    assert after_sender(err) == "note: line one\n  line two\n  \\x1b[2J\n" + DESTROYED


def test_fields_of_a_text_secret_go_to_stderr_and_to_json(payload_server) -> None:
    payload = payloads.make_payload("text", text="t\n", fields={"note": "n", "ticket": "OPS-1"})
    with payload_server(payload) as (_, link):
        code, out, err = run(["get"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out, after_sender(err)) == (0, "t\n", "note: n\nticket: OPS-1\n" + DESTROYED)
    with payload_server(payload) as (_, link):
        code, out, _ = run(["get", "--json"], NOWHERE, BURNLINK_LINK=link)
    assert json.loads(out) == {**payload, "sender": None}


def test_the_note_of_a_file_goes_to_stderr(payload_server, tmp_path) -> None:
    payload = payloads.make_payload("file", files=[payloads.file_entry("a.txt", b"A")], fields={"note": "for bob"})
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "-o", str(tmp_path)], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, "")
    assert after_sender(err) == f"note: for bob\nwrote {tmp_path / 'a.txt'} (1 bytes)\n" + DESTROYED


def test_a_text_secret_with_a_note_round_trips_byte_exact(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "--note", "first\nsecond", "-"], "secret\nwithout final newline")
    code, out, err = run_bytes(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert (code, out) == (0, b"secret\nwithout final newline")
    assert after_sender(err) == "note: first\n  second\n" + DESTROYED


# --- send: a secret is never altered, only warned about ------------------------------------------


def test_send_warns_about_a_malformed_access_key_and_sends_it_unchanged(live_server: GunicornProcess) -> None:
    lines = f"access_key_id: {KEY_ID}x\nsecret_access_key: {SECRET}\nregion: Frankfurt\n"
    code, out, err = run(["send", "--no-code", "--json", "--kind", "aws-access-key", "-"], live_server.url, lines)
    assert code == 0
    assert err == ("burnlink: warning: access_key_id, region missing or not in the shape AWS uses; sent unchanged, but "
                   "the recipient gets no export lines or credentials profile built from it.\n")
    code, out, _ = run(["get", "--json"], live_server.url, BURNLINK_LINK=json.loads(out)["link"])
    assert json.loads(out)["fields"] == {"access_key_id": f"{KEY_ID}x", "secret_access_key": SECRET, "region": "Frankfurt"}


def test_send_of_a_good_access_key_says_nothing_about_shapes(live_server: GunicornProcess) -> None:
    lines = f"access_key_id: {KEY_ID}\nsecret_access_key: {SECRET}\nregion: eu-central-1\n"
    code, out, err = run(["send", "--no-code", "--json", "--kind", "aws-access-key", "-"], live_server.url, lines)
    assert (code, err) == (0, "")
    code, out, _ = run(["get", "--format", "env"], live_server.url, BURNLINK_LINK=json.loads(out)["link"])
    assert out.splitlines()[-1] == "export AWS_DEFAULT_REGION='eu-central-1'"
