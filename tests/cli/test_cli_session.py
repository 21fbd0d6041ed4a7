"""Temporary AWS credentials (kind aws-session): recognised by `send`, capped in time, shown with their expiry."""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import expiry
from app.core import kinds
from app.core import payload as payloads
from tests.support import GunicornProcess
from tests.support.cli import Wire, after_sender, run, send_json

NOWHERE = "http://127.0.0.1:9"
KEY_ID = "ASIAY34FZKBOKMUTVV7A"
SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJH/+=="
ROLE = "arn:aws:sts::123456789012:assumed-role/deploy/handover"
DESTROYED = "The secret is now destroyed on the server.\n"


def expiration(seconds: float, style: str = "+00:00") -> str:
    """An expiration ``seconds`` from now, as the AWS CLI prints it (``Z``: as the API does)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S") + style


def sts_json(call: str = "assume-role", seconds: float = 47 * 60 + 30, **changes: str) -> str:
    """What `aws sts CALL` prints."""
    credentials = {"AccessKeyId": KEY_ID, "SecretAccessKey": SECRET, "SessionToken": TOKEN,
                   "Expiration": expiration(seconds), **changes}
    document: dict = {"Credentials": credentials}
    if call == "assume-role":
        document["AssumedRoleUser"] = {"AssumedRoleId": "AROAEXAMPLEROLEID0001:handover", "Arn": ROLE}
    elif call == "get-federation-token":
        document["FederatedUser"] = {"FederatedUserId": "123456789012:bob",
                                     "Arn": "arn:aws:sts::123456789012:federated-user/bob"}
        document["PackedPolicySize"] = 6
    return json.dumps(document, indent=4)


def session(**fields: str) -> dict:
    base = {"access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN,
            "expiration": expiration(47 * 60 + 30)}
    return payloads.make_payload("aws-session", fields={**base, **fields})


def epoch(text: str) -> float:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


# --- recognising them ----------------------------------------------------------------------------


@pytest.mark.parametrize("call,note", [("assume-role", ROLE), ("get-session-token", None),
                                       ("get-federation-token", "arn:aws:sts::123456789012:federated-user/bob")])
def test_the_json_of_each_sts_call_is_recognised(call: str, note: str | None) -> None:
    text = sts_json(call)
    fields = kinds.session_fields(text)
    assert fields is not None
    assert {k: fields[k] for k in ("access_key_id", "secret_access_key", "session_token")} == {
        "access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN}
    assert fields["expiration"] == json.loads(text)["Credentials"]["Expiration"]
    assert fields.get("note") == note


@pytest.mark.parametrize("lines", [
    f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n",
    f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\nexport AWS_SESSION_TOKEN='{TOKEN}'",
    f'  export AWS_ACCESS_KEY_ID="{KEY_ID}"\n\n# from the console\nexport AWS_SECRET_ACCESS_KEY="{SECRET}"\r\n'
    f'export AWS_SESSION_TOKEN="{TOKEN}"\r\n',
], ids=["bare", "single-quoted", "double-quoted-crlf-comment"])
def test_the_three_export_lines_are_recognised_quoted_or_not(lines: str) -> None:
    assert kinds.session_fields(lines) == {"access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN}


def test_export_credentials_lines_bring_their_expiration_and_region() -> None:
    lines = (f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n"
             "export AWS_CREDENTIAL_EXPIRATION=2026-11-24T08:00:00Z\nexport AWS_DEFAULT_REGION=eu-west-1\n")
    assert kinds.session_fields(lines) == {"access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN,
                                           "expiration": "2026-11-24T08:00:00Z", "region": "eu-west-1"}


@pytest.mark.parametrize("text", [
    f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n",  # no token: not temporary
    f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\nrm -rf /\n",
    f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN='{TOKEN}\n",
    f"export AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN=a b\n",
    json.dumps({"AccessKey": {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": SECRET}}),
    json.dumps({"Credentials": {"AccessKeyId": KEY_ID, "SecretAccessKey": SECRET}}),
    json.dumps({"Credentials": [KEY_ID]}), "[1]", "just text",
], ids=["no-token", "a-script", "open-quote", "two-words", "create-access-key", "sts-without-token", "not-an-object",
        "a-list", "text"])
def test_anything_else_is_not_temporary_credentials(text: str) -> None:
    assert kinds.session_fields(text) is None


def test_the_expiration_shape() -> None:
    for good in ("2026-11-24T08:00:00Z", "2026-11-24T08:00:00+00:00", "2026-11-24T08:00:00.123Z", "2026-11-24T10:00:00+02:00"):
        assert kinds.parse_expiration(good) is not None, good
    for bad in ("2026-11-24 08:00:00+00:00", "2026-11-24T08:00:00", "2026-13-24T08:00:00Z", "2026-11-24T08:00:00Z\n",
                "tomorrow", "2026-11-24T08:00:00Z\ncredential_process = sh"):
        assert kinds.parse_expiration(bad) is None, bad
        assert kinds.aws_field_problems({"access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN,
                                         "expiration": bad}, "aws-session") == ["expiration"]
    assert kinds.aws_field_problems({"access_key_id": KEY_ID, "secret_access_key": SECRET}, "aws-session") == ["session_token"]


def test_spans_for_a_person() -> None:
    assert [expiry.span(s) for s in (1, 59, 60, 47 * 60 + 59, 3600, 3660, 2 * 3600 + 300, 47 * 3600, 3 * 86400 + 3600, -300)] == [
        "1 second", "59 seconds", "1 minute", "47 minutes", "1 hour", "1 hour 1 minute", "2 hours 5 minutes", "47 hours",
        "3 days 1 hour", "5 minutes"]


# --- send ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", ["assume-role", "get-session-token", "get-federation-token"])
def test_send_recognises_sts_json_and_caps_the_ttl_at_the_expiry(call: str, live_server: GunicornProcess) -> None:
    text = sts_json(call)
    code, out, err = run(["send", "--json", "-"], live_server.url, text)
    assert (code, err) == (0, "")  # capping the default is what is asked for: nothing to say
    made = json.loads(out)
    ends = kinds.parse_expiration(json.loads(text)["Credentials"]["Expiration"]).timestamp()
    assert ends - 10 <= epoch(made["expires_at"]) <= ends  # the link ends with the credentials, not a day later
    code, out, _ = run(["get", "--json"], live_server.url, BURNLINK_LINK=made["link"], BURNLINK_CODE=made["access_code"])
    assert json.loads(out)["kind"] == "aws-session"


def test_send_recognises_the_three_export_lines(live_server: GunicornProcess) -> None:
    lines = f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\nexport AWS_SESSION_TOKEN='{TOKEN}'\n"
    code, out, err = run(["send", "--no-code", "--json", "-"], live_server.url, lines)
    assert code == 0
    assert err == ("burnlink: these credentials carry no expiration; the link's lifetime is not capped at theirs "
                   "(--ttl sets it).\n")
    code, out, _ = run(["get", "--json"], live_server.url, BURNLINK_LINK=json.loads(out)["link"])
    assert json.loads(out) == {**session_without_expiration(), "sender": None}


def session_without_expiration() -> dict:
    return payloads.make_payload("aws-session", fields={"access_key_id": KEY_ID, "secret_access_key": SECRET,
                                                        "session_token": TOKEN})


def test_a_longer_ttl_is_capped_and_said_so(live_server: GunicornProcess) -> None:
    text = sts_json(seconds=2 * 3600)
    code, out, err = run(["send", "--ttl", "1d", "--json", "-"], live_server.url, text)
    assert code == 0
    ends = json.loads(text)["Credentials"]["Expiration"]
    assert err.startswith(f"burnlink: --ttl 1d outlives these credentials, which expire at {ends} (in 1 hour 59 minutes")
    assert err.endswith("; the link expires with them.\n") and err.count("\n") == 1
    assert kinds.parse_expiration(ends).timestamp() - 10 <= epoch(json.loads(out)["expires_at"])


def test_a_shorter_ttl_is_kept(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--ttl", "10m", "-"], sts_json(seconds=2 * 3600))
    assert epoch(made["expires_at"]) <= time.time() + 601


@pytest.mark.parametrize("seconds,sentence", [
    (-300, r"These credentials expired at {} \(5 minutes ago\); nothing was sent\."),
    (30, r"These credentials expire in (29|30) seconds \({}\), sooner than a link can live \(60 s\); nothing was sent\."),
], ids=["expired", "expiring"])
def test_expired_credentials_exit_1_and_nothing_is_sent(seconds: int, sentence: str, wire: Wire) -> None:
    text = sts_json(seconds=seconds)
    code, out, err = run(["send", "-"], NOWHERE, text)
    ends = json.loads(text)["Credentials"]["Expiration"]
    assert (code, out, wire.requests) == (1, "", [])
    assert re.fullmatch(f"burnlink: {sentence.format(re.escape(ends))}\n", err), err


def test_send_warns_about_a_malformed_session_and_does_not_cap(live_server: GunicornProcess) -> None:
    text = sts_json(SessionToken=TOKEN + "\n[evil]", Expiration="soon")
    code, out, err = run(["send", "--no-code", "--json", "--ttl", "1h", "-"], live_server.url, text)
    assert code == 0
    assert err == ("burnlink: warning: session_token, expiration missing or not in the shape AWS uses; sent unchanged, "
                   "but the recipient gets no export lines or credentials profile built from it.\n"
                   "burnlink: the expiration of these credentials cannot be read; the link's lifetime is not capped at "
                   "theirs.\n")
    assert epoch(json.loads(out)["expires_at"]) > time.time() + 3500


def test_kind_aws_session_reads_name_value_lines_and_says_what_it_needs(live_server: GunicornProcess) -> None:
    lines = f"access_key_id: {KEY_ID}\nsecret_access_key: {SECRET}\nsession_token: {TOKEN}\nexpiration: {expiration(3600)}\n"
    made = send_json(live_server.url, ["--no-code", "--kind", "aws-session", "-"], lines)
    code, out, _ = run(["get", "--json"], live_server.url, BURNLINK_LINK=made["link"])
    assert json.loads(out)["fields"]["session_token"] == TOKEN
    code, out, err = run(["send", "--kind", "aws-session", "-"], live_server.url, f"access_key_id: {KEY_ID}\n")
    assert (code, out) == (1, "") and err.startswith("burnlink: No temporary AWS credentials found")


# --- get -----------------------------------------------------------------------------------------


def test_get_shows_the_expiry_on_stderr(payload_server) -> None:
    payload = session(note=ROLE)
    with payload_server(payload) as (_, link):
        code, out, err = run(["get"], NOWHERE, BURNLINK_LINK=link)
    fields = payload["fields"]
    assert code == 0
    assert out == "".join(f"{name}: {fields[name]}\n" for name in ("access_key_id", "secret_access_key", "session_token",
                                                                   "expiration"))
    assert after_sender(err) == f"note: {ROLE}\nexpires: {fields['expiration']} (in 47 minutes)\n" + DESTROYED


def test_get_says_when_they_have_expired(payload_server) -> None:
    payload = session(expiration=expiration(-125, "Z"))
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert code == 0 and out.startswith("export AWS_ACCESS_KEY_ID=")  # still shown: the recipient decides
    assert f"expires: {payload['fields']['expiration']} (expired 2 minutes ago)\n" in err


def test_format_env_has_the_session_token(payload_server) -> None:
    payload = session(region="eu-west-1")
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert code == 0
    assert out == (f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\n"
                   f"export AWS_SESSION_TOKEN='{TOKEN}'\nexport AWS_DEFAULT_REGION='eu-west-1'\n")
    assert after_sender(err) == f"expires: {payload['fields']['expiration']} (in 47 minutes)\n" + DESTROYED


def test_format_credentials_has_aws_session_token(payload_server) -> None:
    with payload_server(session()) as (_, link):
        code, out, _ = run(["get", "--format", "credentials", "--profile", "deploy"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, f"[deploy]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
                              f"aws_session_token = {TOKEN}\n")


def test_format_credential_process_is_the_version_1_document(payload_server) -> None:
    payload = session(region="eu-west-1")
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--format", "credential-process"], NOWHERE, BURNLINK_LINK=link)
    assert code == 0 and out.count("\n") == 1
    assert json.loads(out) == {"Version": 1, "AccessKeyId": KEY_ID, "SecretAccessKey": SECRET, "SessionToken": TOKEN,
                               "Expiration": payload["fields"]["expiration"]}
    assert after_sender(err) == f"region: eu-west-1\nexpires: {payload['fields']['expiration']} (in 47 minutes)\n" + DESTROYED


def test_format_credential_process_of_a_long_term_key(payload_server) -> None:
    key = payloads.make_payload("aws-access-key", fields={"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET})
    with payload_server(key) as (_, link):
        code, out, err = run(["get", "--format", "credential-process"], NOWHERE, BURNLINK_LINK=link)
    assert (code, after_sender(err)) == (0, DESTROYED)
    assert json.loads(out) == {"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": SECRET}


@pytest.mark.parametrize("form", ["env", "credentials", "credential-process"])
@pytest.mark.parametrize("bad", [{"session_token": TOKEN + "\ncredential_process = sh -c id"},
                                 {"expiration": "2026-11-24T08:00:00Z\"}"}, {"session_token": ""}],
                         ids=["token-newline", "expiration-quote", "token-empty"])
def test_a_malformed_session_builds_no_form(form: str, bad: dict, payload_server) -> None:
    payload = session(**bad)
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--format", form], NOWHERE, BURNLINK_LINK=link)
    assert code == 0  # the view is spent: the plain values, never lost
    assert out.startswith(f"access_key_id: {KEY_ID}\n") and "export " not in out and "Version" not in out
    assert "\ncredential_process" not in out
    assert after_sender(err).startswith(f"burnlink: warning: {next(iter(bad))} missing or not in the shape AWS uses, so no {form} lines")


def test_a_session_without_its_token_builds_no_form(payload_server) -> None:
    payload = payloads.make_payload("aws-session", fields={"access_key_id": KEY_ID, "secret_access_key": SECRET})
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--format", "env"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, f"access_key_id: {KEY_ID}\nsecret_access_key: {SECRET}\n")
    assert "session_token missing" in err
