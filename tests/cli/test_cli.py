"""The burnlink CLI against a real server: round trips, interop with curl mode, bad input and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from app import protocol as p
from app.cli import main
from tests.support import ROOT, GunicornProcess, free_port

AWS = ROOT / "tests" / "cli" / "bin" / "aws"


def run(args: list[str], server: str, stdin: str | bytes | None = None, **env: str) -> tuple[int, str, str]:
    """Run the CLI in-process as a user would, with separate stdout and stderr."""
    runner = CliRunner()
    result = runner.invoke(_entry, args, input=stdin, env={"BURNLINK_SERVER": server, **env}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


import click  # noqa: E402


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def _entry(ctx: click.Context) -> None:
    ctx.exit(main(list(ctx.args)))


def send_json(server: str, args: list[str], stdin: str | bytes | None = None) -> dict:
    code, out, err = run(["send", "--json", *args], server, stdin)
    assert code == 0, err
    return json.loads(out)


def test_send_then_get_text(live_server: GunicornProcess) -> None:
    code, link, err = run(["send", "-"], live_server.url, "line one\nline two\n")
    assert code == 0 and link.startswith(live_server.url + "/s/") and "access code: " in err and "manage token: " in err
    access = err.split("access code: ")[1].split()[0]
    code, out, err = run(["get", link.strip(), "--code", access.lower().replace("-", " ")], live_server.url)
    assert code == 0 and out == "line one\nline two\n"
    code, _, err = run(["get", link.strip(), "--code", access], live_server.url)
    assert code == 2 and err.startswith("burnlink: ") and len(err.strip().splitlines()) == 1


def test_aws_json_from_a_pipe_becomes_an_access_key(live_server: GunicornProcess) -> None:
    aws = subprocess.run([sys.executable, str(AWS), "iam", "create-access-key", "--user-name", "bob"],
                         capture_output=True, text=True, check=True).stdout
    made = send_json(live_server.url, ["-"], aws)
    _code, out, _ = run(["get", made["link"], "--code", made["access_code"], "--json"], live_server.url)
    payload = json.loads(out)
    assert payload["kind"] == "aws-access-key"
    assert payload["fields"] == {"access_key_id": "AKIAIOSFODNN7EXAMPLE",
                                 "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "note": "IAM user bob"}


def test_files_are_written_and_never_overwritten(live_server: GunicornProcess, tmp_path: Path) -> None:
    source = tmp_path / "credentials.csv"
    source.write_bytes(b"User name,Password,Access key ID,Secret access key\nbob,,AKIA,xyz\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "credentials.csv").write_text("keep me")
    made = send_json(live_server.url, [str(source), "--no-code"])
    code, _, _err = run(["get", made["link"], "-o", str(out_dir)], live_server.url)
    assert code == 0
    assert (out_dir / "credentials.csv").read_text() == "keep me"
    assert (out_dir / "credentials (1).csv").read_bytes() == source.read_bytes()
    made = send_json(live_server.url, [str(source), "--no-code"])
    assert run(["get", made["link"], "-o", str(out_dir), "--force"], live_server.url)[0] == 0
    assert (out_dir / "credentials.csv").read_bytes() == source.read_bytes()


def test_console_login_kind(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--kind", "console-login", "-"],
                     "sign_in_url: https://123456789012.signin.aws.amazon.com/console\nusername: bob\npassword: Pw-1\n")
    code, out, _ = run(["get", made["link"], "--code", made["access_code"]], live_server.url)
    assert code == 0 and "username: bob" in out and "password: Pw-1" in out


def test_receipt_and_burn(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "--views", "2", "-"], "x")
    code, out, _ = run(["receipt", made["link"], "--token", made["manage_token"]], live_server.url)
    assert code == 0 and "state: waiting" in out
    assert run(["burn", made["id"], "--token", made["manage_token"]], live_server.url)[0] == 0
    code, out, _ = run(["receipt", made["id"], "--token", made["manage_token"], "--json"], live_server.url)
    assert json.loads(out)["state"] == "burned"
    assert run(["get", made["link"]], live_server.url)[0] == 2


def test_curl_made_secret_opens_with_the_cli(live_server: GunicornProcess) -> None:
    data = requests.post(f"{live_server.url}/api/v1/secrets?access_code=1", data="from curl\n",
                         headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10).json()
    code, out, _ = run(["get", data["link"], "--code", data["access_code"]], live_server.url)
    assert code == 0 and out == "from curl\n"


def test_cli_made_secret_opens_with_curl_mode(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "from the cli")
    parsed = p.parse_link(made["link"])
    response = requests.post(f"{live_server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                             data={"key": p.b64u_encode(parsed.key), "access_code": made["access_code"]}, timeout=10)
    assert response.text == "from the cli"


def test_the_server_never_sees_the_key_or_the_code(live_server: GunicornProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import client as client_module

    sent: list[bytes] = []
    original = client_module.urllib.request.urlopen

    def spy(request, *args, **kwargs):
        sent.append(request.full_url.encode() + b" " + repr(request.header_items()).encode() + b" " + (request.data or b""))
        return original(request, *args, **kwargs)

    monkeypatch.setattr(client_module.urllib.request, "urlopen", spy)
    made = send_json(live_server.url, ["--code-value", "purple-monkey-dish", "-"], "the plaintext 4711")
    run(["get", made["link"], "--code", "purple-monkey-dish"], live_server.url)
    key = made["link"].split("#")[1]
    wire = b"\n".join(sent)
    assert len(sent) == 3  # create, metadata, reveal
    for value in (key, "purple-monkey-dish", "PURPLEM0NKEYD1SH", "the plaintext 4711"):
        assert value.encode() not in wire


# --- bad input, each with its exit code -----------------------------------------------------------


@pytest.mark.parametrize("link", [
    "not a link",
    "https://example.com/s/short#" + "A" * 43,
    "https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA#v2." + "A" * 43,  # another protocol version
    "https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA#AAAAAAAAAAAAAAAAAAAA",  # truncated fragment
    "https://example.com/s/AAAAAAAAAAAAAAAAAAAAAA",  # no fragment at all
])
def test_malformed_links_exit_1(link: str) -> None:
    code, out, err = run(["get", link], "http://127.0.0.1:9")
    assert code == 1 and out == "" and err.startswith("burnlink: ") and "Traceback" not in err


def test_wrong_code_exits_3_with_attempts_left(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "guarded")
    code, _, err = run(["get", made["link"], "--code", "WRONG-C0DE1"], live_server.url)
    assert code == 3 and "4 tries left" in err
    assert run(["get", made["link"], "--code", made["access_code"]], live_server.url)[0] == 0


def test_missing_code_without_a_terminal_exits_1(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "guarded")
    code, _, err = run(["get", made["link"]], live_server.url)
    assert code == 1 and "--code" in err
    assert run(["get", made["link"], "--code", made["access_code"]], live_server.url)[0] == 0  # nothing was spent


def test_used_link_exits_2(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "once")
    assert run(["get", made["link"]], live_server.url)[0] == 0
    assert run(["get", made["link"]], live_server.url)[0] == 2


def test_unreachable_server_exits_4() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    code, _, err = run(["send", "-"], dead, "x")
    assert code == 4 and "Cannot reach" in err
    assert run(["get", f"{dead}/s/AAAAAAAAAAAAAAAAAAAAAA#" + "A" * 43], dead)[0] == 4


def test_file_over_the_limit_is_refused_before_upload(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(800 * 1024))  # base64 in the payload makes it > 1 MiB
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: a refused upload never gets that far
    code, _, err = run(["send", str(big)], dead)
    assert code == 1 and "Too large" in err and "nothing was sent" in err


def test_directory_exits_1(tmp_path: Path) -> None:
    code, _, err = run(["send", str(tmp_path)], "http://127.0.0.1:9")
    assert code == 1 and "is a directory" in err


def test_bad_own_code_exits_1() -> None:
    code, _, err = run(["send", "--code-value", "short", "-"], "http://127.0.0.1:9", "x")
    assert code == 1 and "8 to 64" in err


def test_bad_ttl_exits_1() -> None:
    assert run(["send", "--ttl", "1 week", "-"], "http://127.0.0.1:9", "x")[0] == 1


def test_usage_error_exits_1() -> None:
    code, _, err = run(["send", "--views", "zero"], "http://127.0.0.1:9")
    assert code == 1 and err.startswith("burnlink: ")


def test_the_installed_command_runs_as_a_process(live_server: GunicornProcess) -> None:
    command = Path(sys.executable).with_name("burnlink")
    env = {**os.environ, "BURNLINK_SERVER": live_server.url}
    sent = subprocess.run([str(command), "send", "--no-code", "-"], input="via a real process", capture_output=True,
                          text=True, env=env, timeout=60)
    assert sent.returncode == 0, sent.stderr
    got = subprocess.run([str(command), "get", sent.stdout.strip()], capture_output=True, text=True, env=env, timeout=60)
    assert got.returncode == 0 and got.stdout == "via a real process"


@pytest.mark.parametrize("name,safe", [("../../etc/passwd", "passwd"), (".env", ".env"), ("..", "secret.bin"),
                                       ("a\\b\\c.txt", "c.txt"), ("x\ny", "x_y")])
def test_file_names_from_a_payload_cannot_escape_the_output_directory(name: str, safe: str) -> None:
    from app.cli import _safe_name

    assert _safe_name(name) == safe


def test_qr_code_on_stderr(live_server: GunicornProcess) -> None:
    code, out, err = run(["send", "--no-code", "--qr", "-"], live_server.url, "x")
    assert code == 0 and out.startswith(live_server.url)
    assert "█" in err or "▀" in err  # the terminal QR code
    assert out.count("\n") == 1  # stdout still holds the link alone
