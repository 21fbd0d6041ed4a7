"""What a hostile server or payload cannot do to the recipient, and secrets kept off the command line.

Stand-in servers (tests/support/cli.py) answer with escape sequences, odd links and hostile file names;
the link, the access code and the manage token travel by stdin, files or the environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.cli.output import harmless_name, safe_name
from app.core import payload as payloads
from tests.support.cli import UNVERIFIED, Wire, after_sender, run, run_bytes, stub_server

NOWHERE = "http://127.0.0.1:9"
ID = "AAAAAAAAAAAAAAAAAAAAAA"
KEY = "A" * 43
ESC = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, retitle the window
SHOWN = "\\x1b[2J\\x1b]0;owned\\x07"
JSON = {"Content-Type": "application/json"}
LINK_WARNING = ("burnlink: warning: the link on the command line is visible to other users of this machine; use "
                "`burnlink get -` (the link on stdin), BURNLINK_LINK, or no link at a terminal (you are asked) instead.\n")
CODE_WARNING = ("burnlink: warning: the access code on the command line is visible to other users of this machine; use "
                "BURNLINK_CODE, --code-file, --code-stdin, or no code at a terminal (you are asked) instead.\n")
TOKEN_WARNING = ("burnlink: warning: the manage token on the command line is visible to other users of this machine; "
                 "use BURNLINK_TOKEN instead.\n")


def text(value: str, **fields: str) -> dict:
    return payloads.make_payload("text", text=value, fields=fields or None)


# --- server text reaches the terminal escaped ----------------------------------------------------


def test_a_problem_detail_with_escape_sequences_is_printed_escaped() -> None:
    problem = {"type": "about:blank", "status": 404, "code": "not_found",
               "detail": f"gone{ESC}\r\nfake second line\u202egpj.exe"}
    with stub_server(404, problem) as stub:
        code, out, err = run(["get"], stub.url, BURNLINK_LINK=f"{stub.url}/s/{ID}#{KEY}")
    assert (code, out) == (2, "")
    assert err == f"burnlink: gone{SHOWN} fake second line\\u202egpj.exe\n"


def test_a_very_long_problem_detail_is_cut_to_one_short_line() -> None:
    with stub_server(503, {"code": "storage_unavailable", "detail": "x" * 5000}) as stub:
        code, _, err = run(["send", "-"], stub.url, "x")
    assert code == 4 and err == "burnlink: " + "x" * 300 + "…\n"


def test_a_redirects_location_is_printed_escaped() -> None:
    with stub_server(307, b"", {"Location": f"http://evil.example/{ESC}"}) as stub:
        code, _, err = run(["receipt", ID], stub.url, BURNLINK_TOKEN="T")
    assert code == 4 and "\x1b" not in err and "\x07" not in err
    assert err == f"burnlink: {stub.url} redirects to http://evil.example/{SHOWN}; use that address as --server.\n"


def test_receipt_fields_are_printed_escaped() -> None:
    receipt = {"state": f"viewed{ESC}", "views_left": f"0{ESC}", "viewed_at": [f"2026-11-24T07:00:00Z{ESC}", "\u202eZ"],
               "expires_at": f"never\n{ESC}"}
    with stub_server(200, receipt, JSON) as stub:
        code, out, err = run(["receipt", ID], stub.url, BURNLINK_TOKEN="T")
        assert code == 0 and err == ""
        assert out == (f"state: viewed{SHOWN}\nviews left: 0{SHOWN}\nviewed at: 2026-11-24T07:00:00Z{SHOWN}, \\u202eZ\n"
                       f"expires: never\\x0a{SHOWN}\n")
        code, out, _ = run(["receipt", ID, "--json"], stub.url, BURNLINK_TOKEN="T")
    assert code == 0 and json.loads(out) == receipt and "\x1b" not in out  # JSON escapes it itself


def test_views_left_from_the_server_is_printed_escaped(payload_server) -> None:
    with payload_server(text("the secret"), views_left=f"3{ESC}") as (_, link):
        code, out, err = run(["get"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, "the secret")
    assert after_sender(err) == f"3{SHOWN} view(s) left.\n"


def test_send_escapes_the_servers_expiry_and_token() -> None:
    with stub_server(201, b"", JSON) as stub:
        stub.body = json.dumps({"id": ID, "url": f"{stub.url}/s/{ID}", "expires_at": f"soon{ESC}", "views": 1,
                                "manage_token": f"tok{ESC}"}).encode()
        code, out, err = run(["send", "--no-code", "-"], stub.url, "x")
    assert code == 0 and out.startswith(f"{stub.url}/s/{ID}#")
    assert err == f"expires: soon{SHOWN}\nmanage token: tok{SHOWN}\n"


@pytest.mark.parametrize("path", [f"/s/{ID}{ESC}", f"/{ESC}/s/{ID}", f"/s/{ID}\u202e", "/s/BBBBBBBBBBBBBBBBBBBBBB",
                                  f"/x /s/{ID}"], ids=["esc-after", "esc-before", "bidi", "other-id", "space"])
def test_send_refuses_a_link_that_is_not_a_plain_link_to_the_new_secret(path: str) -> None:
    with stub_server(201, b"", JSON) as stub:
        stub.body = json.dumps({"id": ID, "url": stub.url + path, "expires_at": "t", "views": 1,
                                "manage_token": "m"}).encode()
        for args in (["send", "--no-code", "-"], ["send", "--no-code", "--json", "-"]):
            code, out, err = run(args, stub.url, "x")
            assert (code, out) == (4, "")
            assert err == f"burnlink: {stub.url} answered with a link that is not a plain burnlink link; check --server.\n"


# --- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,safe", [
    ("report\u202egpj.exe", "report_gpj.exe"), ("a\u2066b\u2069c", "a_b_c"), ("a\u200eb\u200fc", "a_b_c"),
    ("\u061cx", "_x"), ("zero\u200bwidth", "zero_width"), ("soft\u00adhyphen", "soft_hyphen"),
    ("tag\U000e0041.txt", "tag_.txt"), ("line\u2028sep", "line_sep"), ("bom\ufeff.txt", "bom_.txt"),
    ("nul\x00.txt", "nul_.txt"), ("c1\x85.txt", "c1_.txt"), ("lone\ud800.txt", "lone_.txt"),
], ids=["rlo", "isolates", "marks", "alm", "zwsp", "shy", "tag", "lsep", "bom", "nul", "nel", "surrogate"])
def test_file_names_lose_every_control_and_format_character(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize("name,renamed", [
    (".bash_aliases", "dot.bash_aliases"), (".bashrc", "dot.bashrc"), (".profile", "dot.profile"), (".envrc", "dot.envrc"),
    (".env", "dot.env"), (".zshrc", "dot.zshrc"), (".gitconfig", "dot.gitconfig"), (".npmrc", "dot.npmrc"),
    (".pypirc", "dot.pypirc"), ("conftest.py", "_conftest.py"), ("sitecustomize.py", "_sitecustomize.py"),
    ("usercustomize.py", "_usercustomize.py"), ("Conftest.PY", "_Conftest.PY"), ("notes.txt", "notes.txt"),
    ("env", "env"), ("my.bashrc", "my.bashrc"), ("conftest.py.txt", "conftest.py.txt"),
])
def test_names_a_shell_or_tool_loads_by_itself_are_renamed(name: str, renamed: str) -> None:
    assert harmless_name(name) == renamed


def _files_payload(*names: str) -> dict:
    return payloads.make_payload("file", files=[payloads.file_entry(name, f"data of {name}".encode()) for name in names])


def test_get_never_writes_a_dotfile_or_an_auto_loaded_name_here(payload_server, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with payload_server(_files_payload(".bash_aliases", "conftest.py", "report\u202egpj.exe", "plain.txt")) as (_, link):
        code, out, err = run(["get"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, "")
    assert sorted(os.listdir(tmp_path)) == ["_conftest.py", "dot.bash_aliases", "plain.txt", "report_gpj.exe"]
    assert (tmp_path / "dot.bash_aliases").read_bytes() == b"data of .bash_aliases"
    assert after_sender(err).splitlines() == [
        "wrote dot.bash_aliases (21 bytes); renamed from .bash_aliases: a shell or tool may load a file of that name by "
        "itself (--force keeps the name)",
        "wrote _conftest.py (19 bytes); renamed from conftest.py: a shell or tool may load a file of that name by itself "
        "(--force keeps the name)",
        "wrote report_gpj.exe (24 bytes)",
        "wrote plain.txt (17 bytes)",
        "The secret is now destroyed on the server."]


def test_force_writes_a_dotfile_under_its_own_name(payload_server, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("old")
    with payload_server(_files_payload(".env")) as (_, link):
        code, _, err = run(["get", "-o", str(tmp_path), "--force"], NOWHERE, BURNLINK_LINK=link)
    assert code == 0 and (tmp_path / ".env").read_bytes() == b"data of .env" and "renamed" not in err
    assert sorted(os.listdir(tmp_path)) == [".env"]


# --- the link, the code and the token off the command line ---------------------------------------


def test_the_link_from_stdin(payload_server, wire: Wire) -> None:
    with payload_server(text("from stdin")) as (_, link):
        code, out, err = run(["get", "-"], NOWHERE, link + "\n")
    assert (code, out, after_sender(err)) == (0, "from stdin", "The secret is now destroyed on the server.\n")
    assert len(wire.requests) == 2


def test_the_link_from_stdin_without_a_dash_when_stdin_is_not_a_terminal(payload_server) -> None:
    with payload_server(text("piped")) as (_, link):
        assert run(["get"], NOWHERE, f"  {link}  \r\n")[:2] == (0, "piped")


def test_the_link_and_the_code_both_from_stdin(payload_server) -> None:
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, out, err = run(["get", "-", "--code-stdin"], NOWHERE, f"{link}\npurple-monkey-dish\n")
    assert (code, out, after_sender(err)) == (0, "guarded", "The secret is now destroyed on the server.\n")


def test_the_code_from_a_file(payload_server, tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    code_file.write_text("purple-monkey-dish\n")
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, out, err = run(["get", "--code-file", str(code_file)], NOWHERE, BURNLINK_LINK=link)
    assert (code, out, after_sender(err)) == (0, "guarded", "The secret is now destroyed on the server.\n")


def test_the_code_from_stdin_with_the_link_in_the_environment(payload_server) -> None:
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, out, _ = run(["get", "--code-stdin"], NOWHERE, "purple-monkey-dish\n", BURNLINK_LINK=link)
    assert (code, out) == (0, "guarded")


def test_the_link_and_code_on_the_command_line_still_work_with_a_warning(payload_server) -> None:
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, out, err = run(["get", link, "--code", "purple-monkey-dish"], NOWHERE)
    assert (code, out) == (0, "guarded")
    assert err == CODE_WARNING + LINK_WARNING + UNVERIFIED + "The secret is now destroyed on the server.\n"  # click: options first
    assert "purple-monkey-dish" not in err and link not in err


def test_the_environment_gives_no_warning(payload_server) -> None:
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, _, err = run(["get"], NOWHERE, BURNLINK_LINK=link, BURNLINK_CODE="purple-monkey-dish")
    assert code == 0 and err == UNVERIFIED + "The secret is now destroyed on the server.\n"


def test_the_link_is_asked_for_without_echo_at_a_terminal(payload_server, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli.terminal

    monkeypatch.setattr(app.cli.terminal, "interactive", lambda: True)
    with payload_server(text("prompted")) as (_, link):
        code, out, err = run(["get"], NOWHERE, link + "\n")
    assert (code, out) == (0, "prompted")
    assert err.startswith("Link (typing is hidden): ") and link not in err


@pytest.mark.parametrize("args,stdin,message", [
    (["get"], "", "No link on stdin."),
    (["get", "-"], "\n\n", "No link on stdin."),
    (["get", "-"], b"\xff\xfe\n", "The link on stdin is not UTF-8 text."),
    (["get", "-", "--code-stdin"], f"https://example.com/s/{ID}#{KEY}\n", "No access code on stdin."),
    (["get", "--code-stdin", "--code-file", "/dev/null"], "", "Give the access code one way, not --code-file and "
                                                              "--code-stdin."),
    (["get", "--code-file", "/dev/null"], "", "No access code in /dev/null."),
], ids=["nothing", "blank", "binary", "no-code-line", "two-ways", "empty-file"])
def test_a_missing_or_doubled_link_or_code_exits_1_before_any_request(args: list[str], stdin: str | bytes, message: str,
                                                                      wire: Wire) -> None:
    env = {} if "-" in args or args == ["get"] else {"BURNLINK_LINK": f"https://example.com/s/{ID}#{KEY}"}
    code, out, err = run(args, NOWHERE, stdin, **env)
    assert (code, out, err) == (1, "", f"burnlink: {message}\n")
    assert wire.requests == []


def test_code_on_the_command_line_and_in_a_file_contradict(wire: Wire) -> None:
    code, _, err = run(["get", "--code", "purple-monkey-dish", "--code-file", "/dev/null"], NOWHERE,
                       BURNLINK_LINK=f"https://example.com/s/{ID}#{KEY}")
    assert code == 1 and err == CODE_WARNING + "burnlink: Give the access code one way, not --code and --code-file.\n"
    assert wire.requests == []


def test_a_code_file_wins_over_burnlink_code(payload_server, tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    code_file.write_text("purple-monkey-dish")
    with payload_server(text("guarded"), code="purple-monkey-dish") as (_, link):
        code, out, _ = run(["get", "--code-file", str(code_file)], NOWHERE, BURNLINK_LINK=link, BURNLINK_CODE="wrong-code-123")
    assert (code, out) == (0, "guarded")


def _created(stub_url: str) -> bytes:
    return json.dumps({"id": ID, "url": f"{stub_url}/s/{ID}", "expires_at": "2026-11-25T00:00:00Z", "views": 1,
                       "manage_token": "m"}).encode()


def test_send_warns_about_its_own_code_on_the_command_line_only() -> None:
    with stub_server(201, b"", JSON) as stub:
        stub.body = _created(stub.url)
        code, _, err = run(["send", "--code-value", "call me at 5", "-"], stub.url, "x")
        assert code == 0 and err.startswith(
            "burnlink: warning: the access code on the command line is visible to other users of this machine; "
            "use BURNLINK_CODE_VALUE instead.\naccess code: call me at 5  (")
        code, _, err = run(["send", "-"], stub.url, "x", BURNLINK_CODE_VALUE="call me at 5")
        assert code == 0 and err.startswith("access code: call me at 5  (")


def test_a_manage_token_on_the_command_line_is_warned_about() -> None:
    receipt = {"state": "waiting", "views_left": 1, "viewed_at": [], "expires_at": "2026-11-25T00:00:00Z"}
    with stub_server(200, receipt, JSON) as stub:
        code, _, err = run(["receipt", ID, "--token", "T"], stub.url)
        assert (code, err) == (0, TOKEN_WARNING)
        assert run(["receipt", ID], stub.url, BURNLINK_TOKEN="T")[::2] == (0, "")
        code, _, err = run(["burn", ID, "--token", "T"], stub.url)
        assert (code, err) == (0, TOKEN_WARNING + f"burned {ID}\n")


def test_the_whole_secret_survives_a_hostile_text_at_a_pipe(payload_server) -> None:
    """Escaping is for the terminal only: piped, a text secret is its exact bytes."""
    secret = f"keep {ESC}\u202e exactly\r\n"
    with payload_server(text(secret)) as (_, link):
        code, out, _ = run_bytes(["get"], NOWHERE, BURNLINK_LINK=link)
    assert (code, out) == (0, secret.encode())
