"""`get --aws-profile` and `get --exec`: an AWS key straight into the AWS CLI's files or a command, never printed.

botocore, the AWS CLI's own library, reads what was written and what the child was given.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import botocore.credentials
import botocore.session
import pytest

from app.cli import awsfiles
from app.core import payload as payloads
from tests.support import GunicornProcess
from tests.support.cli import UNVERIFIED, Wire, after_sender, run, send_json

NOWHERE = "http://127.0.0.1:9"
KEY_ID = "ASIAY34FZKBOKMUTVV7A"
LONG_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJH/+=="
EXPIRATION = "2099-11-24T08:00:00Z"
BURNLINK = Path(sys.executable).with_name("burnlink")
EXISTING = """# my profiles; keep this comment
[default]
aws_access_key_id = AKIADEFAULTDEFAULT00
aws_secret_access_key = dddddddddddddddddddddddddddddddddddddddd

; the CI user
[ci]
aws_access_key_id = AKIACICICICICICICI00
aws_secret_access_key = cccccccccccccccccccccccccccccccccccccccc
"""


def session(**fields: str) -> dict:
    base = {"access_key_id": KEY_ID, "secret_access_key": SECRET, "session_token": TOKEN, "expiration": EXPIRATION}
    return payloads.make_payload("aws-session", fields={**base, **fields})


def access_key(**fields: str) -> dict:
    return payloads.make_payload("aws-access-key", fields={"access_key_id": LONG_KEY_ID, "secret_access_key": SECRET, **fields})


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE in tmp_path, for the CLI and for botocore alike."""
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws" / "credentials"), "AWS_CONFIG_FILE": str(tmp_path / "aws" / "config")}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                 "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a rescued secret lands
    return env


def botocore_sees(profile: str) -> tuple[str, str, str | None, str | None]:
    """(access key, secret key, token, region) of ``profile`` as botocore reads the shared files."""
    session = botocore.session.Session(profile=profile)
    credentials = session.get_credentials()
    return credentials.access_key, credentials.secret_key, credentials.token, session.get_config_variable("region")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def rescued(tmp_path: Path) -> dict:
    """The one file a rescued secret was saved to."""
    (saved,) = tmp_path.glob("burnlink-*.json")
    assert mode(saved) == 0o600
    return json.loads(saved.read_text())


# --- --aws-profile -------------------------------------------------------------------------------


def test_a_session_becomes_a_profile_botocore_reads(payload_server, aws_files: dict[str, str]) -> None:
    with payload_server(session(region="eu-west-1", note="role deploy")) as (_, link):
        code, out, err = run(["get", "--aws-profile", "deploy"], NOWHERE, BURNLINK_LINK=link, **aws_files)
    credentials, config = Path(aws_files["AWS_SHARED_CREDENTIALS_FILE"]), Path(aws_files["AWS_CONFIG_FILE"])
    assert (code, out) == (0, "")
    assert err == UNVERIFIED + (f"wrote profile deploy to {credentials}\nwrote region eu-west-1 of profile deploy to {config}\n"
                   f"expires: {EXPIRATION} (in " + err.split("(in ")[1].split(")")[0] + ")\nnote: role deploy\n"
                   "The secret is now destroyed on the server.\n")
    assert SECRET not in err and TOKEN not in err
    assert botocore_sees("deploy") == (KEY_ID, SECRET, TOKEN, "eu-west-1")
    assert credentials.read_text() == (f"[deploy]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
                                       f"aws_session_token = {TOKEN}\n")
    assert config.read_text() == "[profile deploy]\nregion = eu-west-1\n"
    assert mode(credentials) == 0o600 and mode(config) == 0o600
    assert sorted(p.name for p in credentials.parent.iterdir()) == ["config", "credentials"]  # no temporary file left


def test_the_default_place_is_dot_aws_made_0700(payload_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    with payload_server(access_key()) as (_, link):
        code, out, err = run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK=link, HOME=str(tmp_path),
                             AWS_SHARED_CREDENTIALS_FILE=None, AWS_CONFIG_FILE=None)
    home = tmp_path / ".aws"
    assert (code, out) == (0, "") and after_sender(err).startswith(f"wrote profile bob to {home / 'credentials'}\n")
    assert mode(home) == 0o700 and mode(home / "credentials") == 0o600
    assert not (home / "config").exists()  # no region, so the config file is not touched
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    assert botocore_sees("bob") == (LONG_KEY_ID, SECRET, None, None)


def test_other_profiles_and_comments_stay_byte_for_byte(payload_server, aws_files: dict[str, str]) -> None:
    credentials, config = Path(aws_files["AWS_SHARED_CREDENTIALS_FILE"]), Path(aws_files["AWS_CONFIG_FILE"])
    credentials.parent.mkdir()
    credentials.write_text(EXISTING)
    config.write_text("# config\n[default]\nregion = us-east-1\noutput = json")  # no final newline
    with payload_server(access_key(region="eu-central-1")) as (_, link):
        assert run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK=link, **aws_files)[0] == 0
    assert credentials.read_text() == EXISTING + f"\n[bob]\naws_access_key_id = {LONG_KEY_ID}\naws_secret_access_key = {SECRET}\n"
    assert config.read_text() == "# config\n[default]\nregion = us-east-1\noutput = json\n\n[profile bob]\nregion = eu-central-1\n"
    assert botocore_sees("ci")[0] == "AKIACICICICICICICI00" and botocore_sees("bob") == (LONG_KEY_ID, SECRET, None, "eu-central-1")
    assert botocore_sees("default")[3] == "us-east-1"


@pytest.mark.parametrize("where", ["credentials", "config"])
def test_an_existing_profile_is_refused_before_a_view_is_spent(where: str, live_server: GunicornProcess, wire: Wire,
                                                               aws_files: dict[str, str]) -> None:
    path = Path(aws_files["AWS_SHARED_CREDENTIALS_FILE" if where == "credentials" else "AWS_CONFIG_FILE"])
    path.parent.mkdir()
    path.write_text(EXISTING if where == "credentials" else "[profile ci]\noutput = json\n")
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    wire.requests.clear()
    code, out, err = run(["get", "--aws-profile", "ci"], live_server.url, BURNLINK_LINK=made["link"], **aws_files)
    assert (code, out) == (1, "")
    assert err == f"burnlink: Profile ci already exists in {path}; --force replaces it. Nothing was opened.\n"
    assert wire.requests == []  # not even the metadata: the file is read first
    assert run(["get"], live_server.url, BURNLINK_LINK=made["link"])[1] == "x"  # the view is still there


def test_force_replaces_the_profile_and_keeps_the_rest(payload_server, aws_files: dict[str, str]) -> None:
    credentials, config = Path(aws_files["AWS_SHARED_CREDENTIALS_FILE"]), Path(aws_files["AWS_CONFIG_FILE"])
    credentials.parent.mkdir()
    old = ("[bob]\r\n# rotated every 90 days\r\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\r\naws_session_token = stale\r\n"
           "role_arn = arn:aws:iam::123456789012:role/x\r\n\r\n[ci]\r\naws_access_key_id = AKIACICICICICICICI00\r\n")
    credentials.write_text(old, newline="")
    config.write_text("[profile bob]\noutput = json\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 4\n")
    with payload_server(access_key(region="eu-west-1")) as (_, link):
        code, _, err = run(["get", "--aws-profile", "bob", "--force"], NOWHERE, BURNLINK_LINK=link, **aws_files)
    assert code == 0, err
    assert credentials.read_bytes().decode() == (
        f"[bob]\r\naws_access_key_id = {LONG_KEY_ID}\r\naws_secret_access_key = {SECRET}\r\n# rotated every 90 days\r\n\r\n"
        "[ci]\r\naws_access_key_id = AKIACICICICICICICI00\r\n")  # the stale token and the role are gone with the old key
    assert config.read_text() == "[profile bob]\nregion = eu-west-1\noutput = json\ns3 =\n  max_concurrent_requests = 4\n"
    assert botocore_sees("bob") == (LONG_KEY_ID, SECRET, None, "eu-west-1")


def test_a_symlinked_credentials_file_is_written_through(payload_server, aws_files: dict[str, str], tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "aws-credentials"
    real.parent.mkdir()
    real.write_text(EXISTING)
    link_path = Path(aws_files["AWS_SHARED_CREDENTIALS_FILE"])
    link_path.parent.mkdir()
    link_path.symlink_to(real)
    with payload_server(access_key()) as (_, link):
        code, _, err = run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK=link, **aws_files)
    assert code == 0 and after_sender(err).startswith(f"wrote profile bob to {real}\n")
    assert link_path.is_symlink() and real.read_text().startswith(EXISTING) and mode(real) == 0o600


@pytest.mark.parametrize("payload,why", [
    (payloads.make_payload("text", text="not a key"), "This secret is text, not an AWS key, so no profile was written"),
    (access_key(access_key_id=f"{LONG_KEY_ID}\n[evil]\ncredential_process = sh -c id"),
     "access_key_id missing or not in the shape AWS uses, so no profile was written"),
    (session(session_token=""), "session_token missing or not in the shape AWS uses, so no profile was written"),
], ids=["text", "injected-key-id", "empty-token"])
def test_what_cannot_be_a_profile_is_saved_to_a_0600_file_never_printed(payload: dict, why: str, payload_server,
                                                                        aws_files: dict[str, str], tmp_path: Path) -> None:
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK=link, **aws_files)
    assert (code, out) == (1, "")
    saved = next(tmp_path.glob("burnlink-*.json"))
    assert after_sender(err) == f"burnlink: {why}; the secret was saved to {saved} (mode 0600): use it, then delete that file.\n"
    assert rescued(tmp_path) == payload
    assert not Path(aws_files["AWS_SHARED_CREDENTIALS_FILE"]).exists()


def test_a_console_password_that_came_with_the_key_goes_to_a_file(payload_server, aws_files: dict[str, str],
                                                                  tmp_path: Path) -> None:
    payload = access_key(sign_in_url="https://123456789012.signin.aws.amazon.com/console", username="bob",
                         password="Hunter2-pass", note="IAM user bob")
    with payload_server(payload) as (_, link):
        code, out, err = run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK=link, **aws_files)
    assert (code, out) == (0, "") and "Hunter2-pass" not in err and "note: IAM user bob\n" in err
    assert "what came with the key (sign_in_url, username, password) was saved to" in err
    assert rescued(tmp_path)["fields"] == {"sign_in_url": "https://123456789012.signin.aws.amazon.com/console",
                                           "username": "bob", "password": "Hunter2-pass"}
    assert botocore_sees("bob")[:2] == (LONG_KEY_ID, SECRET)


@pytest.mark.parametrize("args,message", [
    (["--aws-profile", "bob", "--exec", "--", "true"], "--aws-profile and --exec contradict each other (the key goes to one place)."),
    (["--aws-profile", "bob", "--format", "env"], "--aws-profile and --exec print no secret: leave out --json, --format and -o."),
    (["--aws-profile", "bob", "--json"], "--aws-profile and --exec print no secret: leave out --json, --format and -o."),
    (["--aws-profile", "bob]\n[evil"], "--aws-profile must be 1 to 64 letters, digits or . _ @ + -."),
    (["--exec"], "--exec needs a command after --, as in: burnlink get --exec -- aws s3 ls."),
    (["--exec", "--", "no-such-command-here"], "no-such-command-here: no such command (or not executable); nothing was opened."),
], ids=["both", "format", "json", "injected-name", "no-command", "missing-command"])
def test_bad_hand_over_options_exit_1_before_any_request(args: list[str], message: str, wire: Wire,
                                                         aws_files: dict[str, str]) -> None:
    # The leading "--" is the in-process harness's own (its click command takes the first one); a shell passes them all.
    code, out, err = run(["--", "get", *args], NOWHERE,
                         BURNLINK_LINK="https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43, **aws_files)
    assert (code, out, err) == (1, "", f"burnlink: {message}\n")
    assert wire.requests == []


def test_an_unwritable_place_is_refused_before_the_reveal(wire: Wire, tmp_path: Path, aws_files: dict[str, str]) -> None:
    (tmp_path / "a-file").write_text("")
    code, _, err = run(["get", "--aws-profile", "bob"], NOWHERE, BURNLINK_LINK="https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43,
                       **{**aws_files, "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "a-file" / "credentials")})
    assert code == 1 and err.startswith(f"burnlink: {tmp_path / 'a-file'} is not writable") and wire.requests == []


def test_the_editor_keeps_what_it_does_not_own() -> None:
    text = "[a]\nx = 1\n  continued\n# c\n[b]\ny = 2"
    assert awsfiles.set_section(text, ("a",), "a", [("k", "v")], None) == "[a]\nk = v\n# c\n[b]\ny = 2"
    assert awsfiles.set_section(text, ("b",), "b", [("y", "3")], {"y"}) == "[a]\nx = 1\n  continued\n# c\n[b]\ny = 3\n"
    assert awsfiles.set_section("", ("c",), "c", [("k", "v")], None) == "[c]\nk = v\n"
    assert awsfiles.set_section("[ profile   c ]", ("profile c",), "profile c", [("region", "r")], {"region"}) == \
        "[ profile   c ]\nregion = r\n"


# --- --exec --------------------------------------------------------------------------------------

CHILD = """
import json, os, sys
import botocore.credentials
found = botocore.credentials.EnvProvider().load()
print(json.dumps({"key": found.access_key, "secret": found.secret_key, "token": found.token,
                  "region": os.environ.get("AWS_REGION"), "default_region": os.environ.get("AWS_DEFAULT_REGION"),
                  "inherited": sorted(k for k in os.environ if k.startswith("BURNLINK_") or k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"))}))
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
"""


def burnlink_process(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BURNLINK_", "AWS_"))}
    return subprocess.run([str(BURNLINK), *args], capture_output=True, text=True, timeout=60, env={**base, **env},
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("payload,token,region", [
    (session(region="eu-west-1"), TOKEN, "eu-west-1"),
    (access_key(), None, None),
], ids=["session-with-region", "long-term-key"])
def test_exec_gives_the_credentials_to_the_child_only(payload: dict, token: str | None, region: str | None,
                                                      live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--json", "--kind", payload["kind"], "-"],
                     "\n".join(f"{k}: {v}" for k, v in payload["fields"].items()))
    result = burnlink_process(["get", "--exec", "--", sys.executable, "-c", CHILD], BURNLINK_LINK=made["link"],
                              BURNLINK_CODE=made["access_code"], BURNLINK_SERVER=live_server.url, AWS_PROFILE="someone-else",
                              AWS_SESSION_TOKEN="stale-token-of-the-shell", AWS_ACCESS_KEY_ID="AKIASHELLSHELLSHELL0")
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)  # stdout is the child's alone
    assert seen == {"key": payload["fields"]["access_key_id"], "secret": SECRET, "token": token, "region": region,
                    "default_region": region, "inherited": ["BURNLINK_SERVER"]}
    assert SECRET not in result.stderr and "The secret is now destroyed on the server." in result.stderr


def test_exec_passes_the_childs_exit_status_through(live_server: GunicornProcess) -> None:
    for status in (0, 3, 7, 42):
        made = send_json(live_server.url, ["--no-code", "--kind", "aws-session", "-"],
                         f"access_key_id: {KEY_ID}\nsecret_access_key: {SECRET}\nsession_token: {TOKEN}\n")
        result = burnlink_process(["get", "--exec", "--", sys.executable, "-c", CHILD, str(status)],
                                  BURNLINK_LINK=made["link"], BURNLINK_SERVER=live_server.url)
        assert result.returncode == status, result.stderr
        assert json.loads(result.stdout)["key"] == KEY_ID


def test_a_child_killed_by_a_signal_exits_128_plus_it(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], f"export AWS_ACCESS_KEY_ID={KEY_ID}\n"
                     f"export AWS_SECRET_ACCESS_KEY={SECRET}\nexport AWS_SESSION_TOKEN={TOKEN}\n")
    kill = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    result = burnlink_process(["get", "--exec", "--", sys.executable, "-c", kill], BURNLINK_LINK=made["link"],
                              BURNLINK_SERVER=live_server.url)
    assert result.returncode == 128 + signal.SIGTERM and result.stdout == ""


def test_exec_of_a_missing_command_spends_nothing(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    result = burnlink_process(["get", "--exec", "--", "/nonexistent/aws", "s3", "ls"], BURNLINK_LINK=made["link"],
                              BURNLINK_SERVER=live_server.url)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "burnlink: /nonexistent/aws: no such command (or not executable); nothing was opened.\n"
    assert run(["get"], live_server.url, BURNLINK_LINK=made["link"])[1] == "x"


def test_exec_of_a_secret_that_is_no_aws_key_saves_it_and_runs_nothing(payload_server, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    marker = tmp_path / "ran"
    payload = payloads.make_payload("console-login", fields={"sign_in_url": "https://example.com", "username": "bob"})
    with payload_server(payload) as (_, link):
        code, out, err = run(["--", "get", "--exec", "--", "touch", str(marker)], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (1, "") and not marker.exists()
    assert after_sender(err).startswith("The secret is now destroyed on the server.\nburnlink: This secret is console-login, not an AWS "
                          "key, so the command was not run; the secret was saved to ")
    assert rescued(tmp_path) == payload
