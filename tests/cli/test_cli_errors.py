"""Bad input and failing servers: each with its exit code and its one-line message, never a traceback."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from tests.support import GunicornProcess, free_port
from tests.support.cli import Wire, after_sender, run, send_json, stub_server

NOWHERE = "http://127.0.0.1:9"  # never contacted by these tests: they fail before any request
ID = "AAAAAAAAAAAAAAAAAAAAAA"
KEY = "A" * 43


def one_line(err: str) -> str:
    """The single stderr line, checked for the shape every error has."""
    assert err.startswith("burnlink: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("link,message", [
    ("not a link", "not a burnlink link"),
    (f"ftp://example.com/s/{ID}#{KEY}", "not a burnlink link"),
    ("https://example.com/s/short#" + KEY, "id is damaged or cut short"),
    (f"https://example.com/s/{ID}#v2.{KEY}", "another protocol version"),
    (f"https://example.com/s/{ID}#{KEY[:20]}", "cut short"),  # truncated fragment
    (f"https://example.com/s/{ID}#{KEY}AAAA", "another protocol version"),  # not a 43-character key
    (f"https://example.com/s/{ID}#{KEY[:42]}=", "another protocol version"),
    (f"https://example.com/s/{ID}", "no key after '#'"),
    (f"https://burnlink.example@evil.example/s/{ID}#{KEY}", "hides its real host"),
], ids=["words", "scheme", "short-id", "v2", "truncated", "long-key", "padding", "no-fragment", "userinfo"])
def test_malformed_links_exit_1(link: str, message: str, wire: Wire) -> None:
    code, out, err = run(["get"], NOWHERE, BURNLINK_LINK=link)
    assert code == 1 and out == "" and message in one_line(err)
    assert wire.requests == []


# --- codes and used links ------------------------------------------------------------------------


def test_wrong_code_exits_3_with_attempts_left_until_the_secret_is_destroyed(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "guarded")
    code, out, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"], BURNLINK_CODE="WRONG-C0DE1")
    assert code == 3 and out == "" and "Wrong access code; 4 tries left." in one_line(after_sender(err))
    assert run(["get", made["link"], "--code", made["access_code"]], live_server.url)[:2] == (0, "guarded")

    made = send_json(live_server.url, ["-"], "guarded")
    for left in (4, 3, 2, 1):
        code, _, err = run(["get", made["link"], "--code", "WRONG-C0DE1"], live_server.url)
        assert code == 3 and f"{left} {'try' if left == 1 else 'tries'} left" in err
    code, _, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"], BURNLINK_CODE="WRONG-C0DE1")
    assert code == 3 and "last try" in one_line(after_sender(err)) and "destroyed" in err
    code, _, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"], BURNLINK_CODE=made["access_code"])
    assert code == 2 and "does not exist" in one_line(err)


def test_a_malformed_code_spends_no_try(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "guarded")
    code, _, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"], BURNLINK_CODE="short")
    assert code == 1 and "8 to 64" in one_line(after_sender(err))
    code, _, err = run(["get", made["link"], "--code", "WRONG-C0DE1"], live_server.url)
    assert code == 3 and "4 tries left" in err  # the malformed code did not count


def test_missing_code_without_a_terminal_exits_1(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["-"], "guarded")
    code, _, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert code == 1 and "set BURNLINK_CODE, or use --code-file or --code-stdin" in one_line(after_sender(err))
    assert run(["get", made["link"], "--code", made["access_code"]], live_server.url)[0] == 0  # nothing was spent


def test_used_link_exits_2(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "once")
    assert run(["get", made["link"]], live_server.url)[0] == 0
    code, out, err = run(["get"], live_server.url, BURNLINK_LINK=made["link"])
    assert code == 2 and out == "" and "opened already" in one_line(err)


def test_unknown_secret_and_wrong_key_exit_2(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    other_key = made["link"].split("#")[0] + "#" + KEY
    assert run(["get", other_key], live_server.url)[0] == 2
    assert run(["get", f"{live_server.url}/s/{ID}#{KEY}"], live_server.url)[0] == 2
    assert run(["get", made["link"]], live_server.url)[:2] == (0, "x")  # a wrong key counted nothing


# --- servers that cannot be reached or fail ------------------------------------------------------


def test_unreachable_server_exits_4() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    code, out, err = run(["send", "-"], dead, "x")
    assert code == 4 and out == "" and f"Cannot reach {dead}" in one_line(err)
    code, _, err = run(["get"], dead, BURNLINK_LINK=f"{dead}/s/{ID}#{KEY}")
    assert code == 4 and "Cannot reach" in one_line(err) and KEY not in err
    assert run(["receipt", ID, "--token", "t"], dead)[0] == 4
    assert run(["burn", ID, "--token", "t"], dead)[0] == 4


def test_a_server_that_does_not_answer_in_time_exits_4() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        server = f"http://127.0.0.1:{listener.getsockname()[1]}"
        code, _, err = run(["send", "-"], server, "x", BURNLINK_TIMEOUT="0.5")
    assert code == 4 and "did not answer within 0.5 s" in one_line(err)


@pytest.mark.parametrize("status,body,message", [
    (503, {"type": "about:blank", "title": "Service Unavailable", "status": 503, "code": "storage_unavailable",
           "detail": "Storage is unavailable right now; try again shortly."}, "Storage is unavailable"),
    (500, {"type": "about:blank", "title": "Internal Server Error", "status": 500, "code": "internal_error",
           "detail": "Something went wrong on our side."}, "went wrong"),
    (502, b"<html>Bad Gateway</html>", "answered 502"),
    (429, {"type": "about:blank", "title": "Too Many Requests", "status": 429, "code": "rate_limited",
           "detail": "Too many requests; try again in a minute."}, "Too many requests"),
    (200, b"<html>a web page, not burnlink</html>", "did not answer like a burnlink server"),
    (201, {"unexpected": "shape"}, "did not answer like a burnlink server"),
], ids=["503", "500", "502-html", "429", "html", "wrong-json"])
def test_a_failing_server_exits_4(status: int, body: bytes | dict, message: str) -> None:
    with stub_server(status, body) as stub:
        code, out, err = run(["send", "-"], stub.url, "x")
    assert code == 4 and out == "" and message in one_line(err)


def test_redirects_are_not_followed(live_server: GunicornProcess) -> None:
    with stub_server(307, b"", {"Location": f"{live_server.url}/api/v1/secrets"}) as stub:
        code, _, err = run(["receipt", ID], stub.url, BURNLINK_TOKEN="secret-token")
    assert code == 4 and "redirects to" in one_line(err) and len(stub.seen) == 1


def test_a_server_that_does_not_speak_http_exits_4() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)

        def answer_garbage() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)  # the request, then an answer in another protocol
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        code, _, err = run(["send", "-"], f"http://127.0.0.1:{listener.getsockname()[1]}", "x")
        thread.join(5)
    assert code == 4 and "did not answer like a burnlink server" in one_line(err)


@pytest.mark.parametrize("server", ["file:///etc/passwd", "ftp://example.com", "example.com", "http://user:pw@host",
                                    "http://host:99999"])
def test_a_bad_server_address_exits_1(server: str, wire: Wire) -> None:
    code, _, err = run(["send", "-"], server, "x")
    assert code == 1 and "server" in one_line(err)
    assert wire.requests == []


# --- what to send --------------------------------------------------------------------------------


def test_file_over_the_limit_is_refused_before_upload(tmp_path: Path, live_server: GunicornProcess, wire: Wire) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(800 * 1024))  # 800 KiB: base64 in the payload makes it over 1 MiB
    code, out, err = run(["send", str(big)], live_server.url)
    assert code == 1 and out == "" and "too large" in one_line(err) and "nothing was sent" in err
    huge = tmp_path / "huge.bin"
    huge.write_bytes(b"\0" * (2 * 1024 * 1024))  # over the limit on disk: refused by its size alone
    assert run(["send", str(huge)], live_server.url)[0] == 1
    code, _, err = run(["send", "-"], live_server.url, b"y" * (1024 * 1024 + 1))
    assert code == 1 and "nothing was sent" in one_line(err)
    assert wire.requests == []


def test_a_server_limit_below_ours_gives_413_and_exit_1(live_server: GunicornProcess, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"z" * (1024 * 1024 + 10))
    code, _, err = run(["send", "--kind", "text", str(big)], live_server.url, BURNLINK_MAX_BLOB=str(4 * 1024 * 1024))
    assert code == 1 and one_line(err)


def test_directory_exits_1(tmp_path: Path, wire: Wire) -> None:
    code, _, err = run(["send", str(tmp_path)], NOWHERE)
    assert code == 1 and "is a directory" in one_line(err)
    assert wire.requests == []


def test_missing_file_exits_1(tmp_path: Path) -> None:
    code, _, err = run(["send", str(tmp_path / "nope.txt")], NOWHERE)
    assert code == 1 and "no such file" in one_line(err)


def test_empty_input_exits_1() -> None:
    code, _, err = run(["send", "-"], NOWHERE, "")
    assert code == 1 and "empty" in one_line(err)


def test_binary_input_as_text_exits_1() -> None:
    code, _, err = run(["send", "-"], NOWHERE, b"\xff\xfe\x00binary")
    assert code == 1 and "--kind file" in one_line(err)


def test_no_access_key_in_the_input_exits_1() -> None:
    code, _, err = run(["send", "--kind", "aws-access-key", "-"], NOWHERE, "hello")
    assert code == 1 and "No AWS access key found" in one_line(err)


def test_console_login_needs_an_https_url_and_a_username() -> None:
    code, _, err = run(["send", "--kind", "console-login", "-"], NOWHERE, "password: x\n")
    assert code == 1 and "sign_in_url" in one_line(err)
    code, _, err = run(["send", "--kind", "console-login", "-"], NOWHERE, "sign_in_url: http://x\nusername: bob\n")
    assert code == 1 and "https://" in one_line(err)


@pytest.mark.parametrize("args,code_value,message", [
    ([], "short", "8 to 64"),
    ([], "ünïcödé-code", "printable ASCII"),
    (["--no-code"], "goodcode123", "contradict"),
    (["--ttl", "1 week"], None, "ttl must look like"),
    (["--ttl", "0"], None, "ttl must look like"),
    (["--views", "zero"], None, "zero"),
    (["--views", "0"], None, "0"),
    (["--kind", "movie"], None, "movie"),
    (["--name", "x.txt", "--kind", "text"], None, "--name is for files"),
], ids=["short-code", "non-ascii-code", "code-and-no-code", "ttl-words", "ttl-zero", "views-word", "views-zero", "kind",
        "name-text"])
def test_bad_options_exit_1(args: list[str], code_value: str | None, message: str, wire: Wire) -> None:
    code, _, err = run(["send", *args, "-"], NOWHERE, "x", BURNLINK_CODE_VALUE=code_value)  # the code's safe way in
    assert code == 1 and message in one_line(err)
    assert wire.requests == []


@pytest.mark.parametrize("target", ["nonsense", "AAAA", f"https://example.com/x/{ID}", f"https://u@evil.example/s/{ID}"])
def test_receipt_of_a_bad_id_exits_1(target: str) -> None:
    code, _, err = run(["receipt", target], NOWHERE, BURNLINK_TOKEN="t")
    assert code == 1 and one_line(err)


def test_receipt_without_a_token_exits_1() -> None:
    code, _, err = run(["receipt", ID], NOWHERE)
    assert code == 1 and "--token" in one_line(err)


def test_an_output_that_is_not_a_directory_is_refused_before_the_view_is_spent(live_server: GunicornProcess,
                                                                                tmp_path: Path) -> None:
    source = tmp_path / "f.txt"
    source.write_text("file")
    made = send_json(live_server.url, ["--no-code", str(source)])
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    code, _, err = run(["get", "-o", str(blocker / "sub")], live_server.url, BURNLINK_LINK=made["link"])
    assert code == 1 and "not a directory" in one_line(err)
    assert run(["get", made["link"], "-o", str(tmp_path / "ok")], live_server.url)[0] == 0  # still there


def test_usage_errors_exit_1() -> None:
    code, _, err = run(["frobnicate"], NOWHERE)
    assert code == 1 and "No such command" in one_line(err)
    code, _, err = run(["get"], NOWHERE)
    assert code == 1 and "No link on stdin." in one_line(err)  # no terminal: the link is read from stdin


def test_help_and_version_exit_0() -> None:
    code, out, _ = run(["--help"], NOWHERE)
    assert code == 0 and "send" in out and "Exit codes" in out
    code, out, _ = run(["--version"], NOWHERE)
    assert code == 0 and "burnlink" in out


# --- ids that look like options, plain http ------------------------------------------------------

RECEIPT = {"state": "waiting", "views_left": 1, "viewed_at": [], "expires_at": "2026-11-25T00:00:00Z"}


@pytest.mark.parametrize("secret_id", ["-h" + "A" * 20, "--" + "A" * 20, "-RH5ALFUhr06VQb2BRwEgA"])
def test_an_id_that_starts_with_a_dash_is_an_id(secret_id: str) -> None:
    """1 in 64 ids starts with '-'; `burn -hX…` must burn, not print the help and exit 0."""
    with stub_server(200, RECEIPT, {"Content-Type": "application/json"}) as stub:
        code, out, _ = run(["receipt", secret_id, "--token", "T"], stub.url)
        assert code == 0 and "state: waiting" in out
        code, _, _ = run(["burn", secret_id], stub.url, BURNLINK_TOKEN="T")
        assert code == 0
    assert [(method, path) for method, path, _ in stub.seen] == [
        ("GET", f"/api/v1/secrets/{secret_id}/receipt"), ("DELETE", f"/api/v1/secrets/{secret_id}")]
    assert all(headers["Authorization"] == "Bearer T" for _, _, headers in stub.seen)


def test_plain_http_to_another_host_is_warned_about() -> None:
    from app.cli.client import is_plain_remote

    assert is_plain_remote("http://secrets.example.com") and is_plain_remote("http://10.0.0.5:8000")
    assert not any(map(is_plain_remote, ["https://secrets.example.com", "http://127.0.0.1:8000", "http://localhost",
                                         "http://[::1]:8000"]))
