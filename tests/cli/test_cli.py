"""The burnlink CLI against a real server (gunicorn + Redis): round trips, kinds, files, receipts, interop."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from app.core import links
from app.core import payload as payloads
from app.core import protocol as p
from tests.support import ROOT, GunicornProcess
from tests.support.cli import UNVERIFIED, Wire, run, run_bytes, send_json

AWS = ROOT / "tests" / "cli" / "bin" / "aws"


def aws(*args: str) -> str:
    """The stand-in `aws` command's output."""
    return subprocess.run([sys.executable, str(AWS), *args], capture_output=True, text=True, check=True).stdout


def payload_of(server: str, made: dict) -> dict:
    """Open a CLI-made secret with `burnlink get --json`."""
    args = ["get", made["link"], "--json"] + (["--code", made["access_code"]] if "access_code" in made else [])
    code, out, err = run(args, server)
    assert code == 0, err
    payload = json.loads(out)
    assert payload.pop("sender") is None  # made without sign-in
    return payload


# --- send, then get ------------------------------------------------------------------------------


def test_send_prints_the_link_alone_on_stdout_and_the_rest_on_stderr(live_server: GunicornProcess) -> None:
    code, link, err = run(["send", "-"], live_server.url, "line one\nline two\n")
    assert code == 0 and link.startswith(live_server.url + "/s/") and link.count("\n") == 1
    assert "access code: " in err and "expires: " in err and "manage token: " in err
    key = link.strip().split("#")[1]
    assert key not in err  # the key is only ever inside the link on stdout
    access = err.split("access code: ")[1].split()[0]
    # the recipient may type the code in lower case with a space: normalisation on both ends
    code, out, err = run(["get", link.strip(), "--code", access.lower().replace("-", " ")], live_server.url)
    assert code == 0 and out == "line one\nline two\n"
    assert "destroyed" in err


def test_send_json_has_every_member(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--ttl", "90m", "--views", "3", "-"], "x")
    assert set(made) == {"id", "url", "link", "access_code", "expires_at", "views", "manage_token"}
    assert made["link"] == f"{made['url']}#{made['link'].split('#')[1]}" and made["views"] == 3
    assert len(p.normalize_code(made["access_code"])) == 10
    without = send_json(live_server.url, ["--no-code", "-"], "x")
    assert "access_code" not in without  # absent members are left out, never null


def test_text_comes_back_byte_for_byte(live_server: GunicornProcess) -> None:
    text = "no newline at the end, ünïcödé, tabs\tand CRLF\r\nand an escape \x1b[31m kept when piped"
    made = send_json(live_server.url, ["--no-code", "-"], text.encode())
    code, out, _ = run_bytes(["get", made["link"]], live_server.url)
    assert code == 0 and out == text.encode()


def test_at_a_terminal_control_characters_are_shown_not_obeyed(live_server: GunicornProcess,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli.terminal

    monkeypatch.setattr(app.cli.terminal, "stdout_is_terminal", lambda: True)
    made = send_json(live_server.url, ["--no-code", "--note", "evil\x1b]52;c;AAAA\x07", "-"], "red \x1b[31m\r\nok\rX")
    code, out, err = run_bytes(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert code == 0 and b"\x1b" not in out and b"\x07" not in out and "\x1b" not in err and "\x07" not in err
    assert out == b"red \\x1b[31m\r\nok\\x0dX"  # the secret alone; its note goes to stderr, escaped too
    assert err == UNVERIFIED + "\nnote: evil\\x1b]52;c;AAAA\\x07\nThe secret is now destroyed on the server.\n"


def test_own_code_with_dashes_spaces_and_aliases(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--code-value", "call me at 5", "-"], "hello")
    assert made["access_code"] == "call me at 5"
    code, out, _ = run(["get", made["link"], "--code", "CA11-ME-AT-5"], live_server.url)  # L→1 on both ends
    assert code == 0 and out == "hello"


def test_code_from_the_environment(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "env code")
    code, out, _ = run(["get", made["link"]], live_server.url, BURNLINK_CODE=made["access_code"])
    assert code == 0 and out == "env code"


def test_code_is_asked_for_without_echo_at_a_terminal(live_server: GunicornProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli.terminal

    monkeypatch.setattr(app.cli.terminal, "interactive", lambda: True)
    made = send_json(live_server.url, ["-"], "prompted")
    code, out, err = run(["get", made["link"]], live_server.url, made["access_code"] + "\n")
    assert code == 0 and out == "prompted"
    assert "Access code" in err and made["access_code"] not in out + err


def test_a_secret_typed_at_a_terminal_is_not_echoed(live_server: GunicornProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli.terminal

    monkeypatch.setattr(app.cli.terminal, "interactive", lambda: True)
    code, link, err = run(["send", "--no-code"], live_server.url, "typed-secret-99\n")
    assert code == 0 and "typed-secret-99" not in link + err
    assert run(["get", link.strip()], live_server.url)[1] == "typed-secret-99"


def test_multi_view_secret(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "--views", "2", "-"], "twice")
    code, out, err = run(["get", made["link"]], live_server.url)
    assert code == 0 and out == "twice" and "1 view(s) left" in err
    assert run(["get", made["link"]], live_server.url)[:2] == (0, "twice")
    assert run(["get", made["link"]], live_server.url)[0] == 2


# --- kinds ---------------------------------------------------------------------------------------

AWS_FIELDS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
              "note": "IAM user bob"}


@pytest.mark.parametrize("args", [["-"], ["--kind", "aws-access-key", "-"]], ids=["detected", "explicit"])
def test_aws_create_access_key_json_becomes_an_access_key(live_server: GunicornProcess, args: list[str]) -> None:
    made = send_json(live_server.url, args, aws("iam", "create-access-key", "--user-name", "bob"))
    payload = payload_of(live_server.url, made)
    assert payload == {"v": 1, "kind": "aws-access-key", "fields": AWS_FIELDS}


def test_access_key_fields_print_as_name_value_lines(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], aws("iam", "create-access-key", "--user-name", "bob"))
    code, out, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert code == 0 and out.splitlines() == [f"{k}: {v}" for k, v in AWS_FIELDS.items() if k != "note"]
    assert err == UNVERIFIED + "note: IAM user bob\nThe secret is now destroyed on the server.\n"  # a note is not the secret


def test_other_text_is_never_guessed_into_fields(live_server: GunicornProcess) -> None:
    env_file = "AWS_ACCESS_KEY_ID=AKIA1\nAWS_SECRET_ACCESS_KEY=abc\nDB_PASSWORD=keep-me-too\n"
    made = send_json(live_server.url, ["--no-code", "-"], env_file)
    assert payload_of(live_server.url, made) == {"v": 1, "kind": "text", "text": env_file}


def test_credentials_csv_as_file_is_sent_as_the_file_itself(live_server: GunicornProcess, tmp_path: Path) -> None:
    source = tmp_path / "credentials.csv"
    source.write_bytes(b"User name,Password,Access key ID,Secret access key,Console login link\r\n"
                       b"bob,Pw-1,AKIAIOSFODNN7EXAMPLE,wJalr/KEY,https://123456789012.signin.aws.amazon.com/console\r\n")
    payload = payload_of(live_server.url, send_json(live_server.url, [str(source)]))
    assert payload["kind"] == "file" and payload["files"][0]["name"] == "credentials.csv"
    assert payload["files"][0]["type"] == "text/csv"
    assert base64.b64decode(payload["files"][0]["data"]) == source.read_bytes()


def test_access_keys_csv_with_a_bom_as_an_access_key(live_server: GunicornProcess, tmp_path: Path) -> None:
    source = tmp_path / "bob_accessKeys.csv"
    source.write_bytes(b"\xef\xbb\xbfAccess key ID,Secret access key\r\nAKIAIOSFODNN7EXAMPLE,wJalr/KEY\r\n")
    payload = payload_of(live_server.url, send_json(live_server.url, ["--kind", "aws-access-key", str(source)]))
    assert payload["fields"] == {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalr/KEY"}


def test_console_login_kind(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--kind", "console-login", "-"],
                     "sign_in_url: https://123456789012.signin.aws.amazon.com/console\nusername: bob\npassword: Pw-1\n")
    code, out, _ = run(["get", made["link"], "--code", made["access_code"]], live_server.url)
    assert code == 0 and out.splitlines() == ["sign_in_url: https://123456789012.signin.aws.amazon.com/console",
                                              "username: bob", "password: Pw-1"]


def test_console_login_from_the_consoles_credentials_csv(live_server: GunicornProcess) -> None:
    csv_text = ("User name,Password,Console login link\n"
                "bob,Pw-1,https://123456789012.signin.aws.amazon.com/console\n")
    payload = payload_of(live_server.url, send_json(live_server.url, ["--kind", "console-login", "-"], csv_text))
    assert payload["fields"] == {"username": "bob", "password": "Pw-1",
                                 "sign_in_url": "https://123456789012.signin.aws.amazon.com/console"}


def test_text_and_its_note_go_to_separate_streams(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "--note", "from ops", "-"], "no newline")
    code, out, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert (code, out, err) == (0, "no newline", UNVERIFIED + "note: from ops\nThe secret is now destroyed on the server.\n")


def test_stdin_as_a_named_file(live_server: GunicornProcess, tmp_path: Path) -> None:
    made = send_json(live_server.url, ["--no-code", "--name", ".env", "-"], "A=1\n")
    payload = payload_of(live_server.url, made)
    assert payload["kind"] == "file" and payload["files"][0]["name"] == ".env"
    made = send_json(live_server.url, ["--no-code", "--kind", "file", "-"], "plain")
    assert payload_of(live_server.url, made)["files"][0] == payloads.file_entry("stdin.txt", b"plain", "text/plain")


# --- files ---------------------------------------------------------------------------------------


def test_files_are_written_and_never_overwritten(live_server: GunicornProcess, tmp_path: Path) -> None:
    source = tmp_path / "credentials.csv"
    source.write_bytes(b"User name,Password,Access key ID,Secret access key\nbob,,AKIA,xyz\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "credentials.csv").write_text("keep me")
    made = send_json(live_server.url, [str(source), "--no-code"])
    code, out, err = run(["get", made["link"], "-o", str(out_dir)], live_server.url)
    assert code == 0 and out == "" and "wrote " in err
    assert (out_dir / "credentials.csv").read_text() == "keep me"
    written = out_dir / "credentials (1).csv"
    assert written.read_bytes() == source.read_bytes() and written.stat().st_mode & 0o777 == 0o600
    made = send_json(live_server.url, [str(source), "--no-code"])
    assert run(["get", made["link"], "-o", str(out_dir), "--force"], live_server.url)[0] == 0
    assert (out_dir / "credentials.csv").read_bytes() == source.read_bytes()


def test_force_replaces_a_symlink_and_never_writes_through_it(live_server: GunicornProcess, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "notes.txt").symlink_to(victim)
    source = tmp_path / "notes.txt"
    source.write_text("new notes")
    made = send_json(live_server.url, [str(source), "--no-code"])
    assert run(["get", made["link"], "-o", str(out_dir), "--force"], live_server.url)[0] == 0
    assert victim.read_text() == "untouched"
    assert not (out_dir / "notes.txt").is_symlink() and (out_dir / "notes.txt").read_text() == "new notes"


def test_output_directory_is_made_and_files_default_to_here(live_server: GunicornProcess, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(os.urandom(3000))
    made = send_json(live_server.url, [str(source), "--no-code"])
    assert run(["get", made["link"], "-o", str(tmp_path / "new" / "dir")], live_server.url)[0] == 0
    assert (tmp_path / "new" / "dir" / "a.bin").read_bytes() == source.read_bytes()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    made = send_json(live_server.url, [str(source), "--no-code"])
    assert run(["get", made["link"]], live_server.url)[0] == 0
    assert (here / "a.bin").read_bytes() == source.read_bytes()


@pytest.mark.parametrize("name,safe", [("../../etc/passwd", "passwd"), (".env", ".env"), ("..", "secret.bin"),
                                       ("a\\b\\c.txt", "c.txt"), ("x\ny", "x_y"), ("/", "secret.bin"),
                                       ("\u202eevil.txt", "_evil.txt"), ("x" * 300 + ".csv", "x" * 196 + ".csv")])
def test_file_names_from_a_payload_cannot_escape_the_output_directory(name: str, safe: str) -> None:
    from app.cli.output import safe_name as _safe_name

    assert _safe_name(name) == safe


def test_a_hostile_file_name_lands_inside_the_output_directory(live_server: GunicornProcess, tmp_path: Path) -> None:
    """A payload made by another client (here: protocol.py directly) with a path in its file name."""
    from tests.support.api import create_body

    payload = payloads.make_payload("file", files=[payloads.file_entry("../../escaped.txt", b"data")])
    body, sealed = create_body(payload, code=None)
    created = requests.post(f"{live_server.url}/api/v1/secrets", json=body, timeout=10).json()
    out_dir = tmp_path / "a" / "b"
    code, _, _ = run(["get", links.make_link(live_server.url, created["id"], sealed.key), "-o", str(out_dir)], live_server.url)
    assert code == 0 and (out_dir / "escaped.txt").read_bytes() == b"data"
    assert not (tmp_path / "escaped.txt").exists()


# --- receipts and burning ------------------------------------------------------------------------


def test_receipt_and_burn(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "--views", "2", "-"], "x")
    code, out, _ = run(["receipt", made["link"], "--token", made["manage_token"]], live_server.url)
    assert code == 0 and out.splitlines()[:3] == ["state: waiting", "views left: 2", "viewed at: -"]
    assert run(["get", made["link"]], live_server.url)[0] == 0
    code, out, err = run(["receipt", made["id"]], live_server.url, BURNLINK_TOKEN=made["manage_token"])
    assert code == 0 and "state: viewed" in out and "views left: 1" in out, err
    code, _, err = run(["burn", made["id"], "--token", made["manage_token"]], live_server.url)
    assert code == 0 and "burned" in err
    code, out, _ = run(["receipt", made["id"], "--token", made["manage_token"], "--json"], live_server.url)
    assert json.loads(out)["state"] == "burned"
    assert run(["burn", made["link"], "--token", made["manage_token"]], live_server.url)[0] == 0  # harmless to repeat
    assert run(["get", made["link"]], live_server.url)[0] == 2


def test_receipt_with_a_wrong_or_foreign_token_exits_1(live_server: GunicornProcess) -> None:
    one = send_json(live_server.url, ["--no-code", "-"], "1")
    two = send_json(live_server.url, ["--no-code", "-"], "2")
    code, _, err = run(["receipt", one["id"], "--token", "forged"], live_server.url)
    assert code == 1 and err.startswith("burnlink: ")
    code, _, err = run(["burn", one["id"], "--token", two["manage_token"]], live_server.url)
    assert code == 1 and err.startswith("burnlink: ")
    assert run(["get", one["link"]], live_server.url)[:2] == (0, "1")  # nothing was burned


def test_the_links_key_is_not_sent_with_a_receipt(live_server: GunicornProcess, wire: Wire) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    wire.requests.clear()
    assert run(["receipt", made["link"], "--token", made["manage_token"]], live_server.url)[0] == 0
    assert made["link"].split("#")[1].encode() not in wire.dump()


# --- interop with the curl mode ------------------------------------------------------------------


def test_curl_made_secret_opens_with_the_cli(live_server: GunicornProcess) -> None:
    data = requests.post(f"{live_server.url}/api/v1/secrets?access_code=1", data="from curl\n",
                         headers={"Content-Type": "text/plain", "Accept": "application/json"}, timeout=10).json()
    code, out, _ = run(["get", data["link"], "--code", data["access_code"]], live_server.url)
    assert code == 0 and out == "from curl\n"


def test_curl_text_lines_link_opens_with_the_cli(live_server: GunicornProcess) -> None:
    answer = requests.post(f"{live_server.url}/api/v1/secrets", data="plain lines", headers={"Content-Type": "text/plain"},
                           timeout=10).text
    assert run(["get", answer.splitlines()[0]], live_server.url)[:2] == (0, "plain lines")


def test_curl_uploaded_file_opens_with_the_cli(live_server: GunicornProcess, tmp_path: Path) -> None:
    data = requests.post(f"{live_server.url}/api/v1/secrets", files={"file": ("credentials.csv", b"a,b\n1,2\n")},
                         headers={"Accept": "application/json"}, timeout=10).json()
    assert run(["get", data["link"], "-o", str(tmp_path)], live_server.url)[0] == 0
    assert (tmp_path / "credentials.csv").read_bytes() == b"a,b\n1,2\n"


def test_cli_made_secret_opens_with_curl_mode(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "from the cli")
    parsed = links.parse_link(made["link"])
    response = requests.post(f"{live_server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                             data={"key": p.b64u_encode(parsed.key), "access_code": made["access_code"]}, timeout=10)
    assert response.status_code == 200 and response.text == "from the cli"


def test_cli_made_access_key_opens_with_curl_mode_as_payload_json(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], aws("iam", "create-access-key", "--user-name", "bob"))
    parsed = links.parse_link(made["link"])
    response = requests.post(f"{live_server.url}/api/v1/secrets/{parsed.secret_id}/reveal",
                             json={"key": p.b64u_encode(parsed.key)}, timeout=10)
    assert response.json() == {"v": 1, "kind": "aws-access-key", "fields": AWS_FIELDS}


# --- what the server is told ---------------------------------------------------------------------


def test_the_server_never_sees_the_key_the_code_or_the_plaintext(live_server: GunicornProcess, wire: Wire) -> None:
    made = send_json(live_server.url, ["--code-value", "purple-monkey-dish", "-"], "the plaintext 4711")
    assert run(["get", made["link"], "--code", "purple-monkey-dish"], live_server.url)[0] == 0
    key = made["link"].split("#")[1]
    dump = wire.dump()
    assert [(m, u.split("/api/v1/")[1]) for m, u, _, _ in wire.requests] == [
        ("GET", "policy"), ("POST", "secrets"), ("GET", f"secrets/{made['id']}"), ("POST", f"secrets/{made['id']}/reveal")]
    create = json.loads(wire.requests[1][3])
    assert set(create) == {"ciphertext", "link_verifier", "auth_verifier", "has_code", "kind"} and create["has_code"] is True
    assert create["kind"] == "text"  # declared for the creator's list and the kinds policy; not secret
    raw_key = p.b64u_decode(key)
    for value in (key, base64.b64encode(raw_key).decode(), raw_key.hex(), "purple-monkey-dish", "PURPLEM0NKEYD1SH",
                  "the plaintext 4711", base64.b64encode(b"the plaintext 4711").decode()):
        assert value.encode() not in dump


def test_qr_code_on_stderr(live_server: GunicornProcess) -> None:
    code, out, err = run(["send", "--no-code", "--qr", "-"], live_server.url, "x")
    assert code == 0 and out.startswith(live_server.url)
    assert "█" in err or "▀" in err  # the terminal QR code
    assert out.count("\n") == 1  # stdout still holds the link alone
