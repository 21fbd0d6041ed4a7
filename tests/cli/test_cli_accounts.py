"""The CLI as a signed-in creator: API tokens, "Sent by", my links, burn-all, and the server's policies.

Real gunicorn servers on a real redis-server. Tokens are made the way a person makes them (POST
/api/v1/me/tokens, signed in through the authenticating proxy's header from loopback with the CSRF
token /api/v1/me hands out), or issued straight into the test Redis for a creator the server would
not give one to.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from app.core.identity import is_api_token
from app.store.accounts import Accounts
from tests.support import GunicornProcess
from tests.support.cli import Wire, run, stub_server

PROXY_HEADER = "X-Forwarded-Email"
IDENTITY = {"BURNLINK_TRUSTED_USER_HEADER": PROXY_HEADER, "BURNLINK_TRUSTED_PROXY_NETWORKS": "127.0.0.0/8,::1/128",
            "BURNLINK_ADMINS": "admin@example.com"}
AWS_KEY = json.dumps({"AccessKey": {"UserName": "bob", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active",
                                    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                    "CreateDate": "2025-01-31T09:00:00+00:00"}})


def _server(redis_url: str, **env: str) -> Iterator[GunicornProcess]:
    prefix = f"bltest{secrets.token_hex(3)}"
    server = GunicornProcess(redis_url, workers=1, env={"BURNLINK_KEY_PREFIX": prefix, **IDENTITY, **env}).start()
    server.prefix = prefix  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def company(redis_url: str) -> Iterator[GunicornProcess]:
    """Only @example.com creators may create; admin@example.com is an admin."""
    yield from _server(redis_url, BURNLINK_CREATORS="@example.com")


@pytest.fixture(scope="module")
def strict(redis_url: str) -> Iterator[GunicornProcess]:
    """Anyone creates, under policies: a code on every secret, text and files only, at most 2000 bytes."""
    yield from _server(redis_url, BURNLINK_REQUIRE_CODE="true", BURNLINK_KINDS="text,file", BURNLINK_MAX_FILE="2000")


@pytest.fixture(scope="module")
def public(redis_url: str) -> Iterator[GunicornProcess]:
    """A reveal-only deployment: it opens links and makes none."""
    yield from _server(redis_url, BURNLINK_MODE="reveal-only")


def make_token(server: GunicornProcess, email: str) -> tuple[str, str]:
    """``(token, id)``: signed in as ``email`` through the proxy header, with the CSRF token /me hands out."""
    who = {PROXY_HEADER: email}
    csrf = requests.get(f"{server.url}/api/v1/me", headers=who, timeout=10).json()["csrf_token"]
    made = requests.post(f"{server.url}/api/v1/me/tokens", json={"name": "ci"}, headers={**who, "X-CSRF-Token": csrf},
                         timeout=10)
    assert made.status_code == 201, made.text
    assert is_api_token(made.json()["token"])
    return made.json()["token"], made.json()["id"]


def revoke(server: GunicornProcess, email: str, token_id: str) -> None:
    who = {PROXY_HEADER: email}
    csrf = requests.get(f"{server.url}/api/v1/me", headers=who, timeout=10).json()["csrf_token"]
    gone = requests.delete(f"{server.url}/api/v1/me/tokens/{token_id}", headers={**who, "X-CSRF-Token": csrf}, timeout=10)
    assert gone.status_code == 204, gone.text


def cli(args: list[str], server: GunicornProcess | str, stdin: str | None = None, token: str | None = None,
        **env: str | None) -> tuple[int, str, str]:
    """Run the CLI with ``token`` as BURNLINK_API_TOKEN; the token never shows in what it prints."""
    url = server if isinstance(server, str) else server.url
    code, out, err = run(args, url, stdin, BURNLINK_API_TOKEN=token, **env)
    if token:
        assert token not in out and token not in err
    return code, out, err


def send(server: GunicornProcess, token: str | None, *args: str, text: str = "s3cret") -> dict:
    code, out, err = cli(["send", "--no-code", "--json", *args, "-"], server, text, token)
    assert code == 0, err
    return json.loads(out)


def opens(server: GunicornProcess, made: dict) -> int:
    """The exit code of `burnlink get` on a link (0: it opened, 2: gone)."""
    return cli(["get"], server, BURNLINK_LINK=made["link"])[0]


def one_line_error(err: str) -> str:
    assert err.startswith("burnlink: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- a token sends as its owner; the recipient sees who ---------------------------------------------------


def test_a_token_sends_as_its_owner_and_get_shows_the_verified_sender(company: GunicornProcess, wire: Wire) -> None:
    token, _ = make_token(company, "alice@example.com")
    made = send(company, token, "--label", "db password for bob")
    create = next(r for r in wire.requests if r[0] == "POST")
    assert create[2]["Authorization"] == f"Bearer {token}"
    assert json.loads(create[3])["kind"] == "text" and json.loads(create[3])["label"] == "db password for bob"
    assert all("Authorization" not in headers for method, _, headers, _ in wire.requests if method == "GET")  # the policy
    wire.requests.clear()
    code, out, err = cli(["get"], company, token=token, BURNLINK_LINK=made["link"])  # a token around is never sent with a link proof
    assert (code, out) == (0, "s3cret")
    assert err.splitlines()[0] == "Sent by alice@example.com (verified by this server's sign-in)"
    assert wire.requests and all("Authorization" not in headers for _, _, headers, _ in wire.requests)
    again = send(company, token)
    code, out, err = cli(["get", "--json"], company, BURNLINK_LINK=again["link"])
    assert code == 0 and json.loads(out)["sender"] == "alice@example.com" and json.loads(out)["text"] == "s3cret"
    assert "Sent by alice@example.com" in err
    assert token not in company.output()


def test_an_anonymous_secret_says_its_sender_is_not_verified(live_server: GunicornProcess) -> None:
    made = send(live_server, None)
    code, out, err = cli(["get"], live_server, BURNLINK_LINK=made["link"])
    assert (code, out) == (0, "s3cret") and err.splitlines()[0] == "Sender not verified"
    made = send(live_server, None)
    code, out, _ = cli(["get", "--json"], live_server, BURNLINK_LINK=made["link"])
    assert code == 0 and json.loads(out)["sender"] is None


def test_a_hostile_sender_is_shown_escaped_and_on_stderr_only(payload_server) -> None:
    with payload_server({"v": 1, "kind": "text", "text": "x"}, sender="ceo@example.com\x1b[2K\rSent by nobody") as (_, link):
        code, out, err = run(["get"], "http://127.0.0.1:1", BURNLINK_LINK=link)
    assert (code, out) == (0, "x") and "\x1b" not in err and "\r" not in err
    assert err.splitlines()[0] == "Sent by ceo@example.com\\x1b[2K Sent by nobody (verified by this server's sign-in)"


# --- who may create --------------------------------------------------------------------------------------


def test_without_a_token_a_server_that_wants_sign_in_refuses_with_exit_5(company: GunicornProcess) -> None:
    code, out, err = cli(["send", "-"], company, "x")
    assert (code, out) == (5, "") and "BURNLINK_API_TOKEN" in one_line_error(err)
    code, _, err = cli(["request"], company)
    assert code == 5 and "BURNLINK_API_TOKEN" in one_line_error(err)
    token, _ = make_token(company, "alice@example.com")
    code, out, err = cli(["request", "--json"], company, token=token)
    assert code == 0 and json.loads(out)["link"].startswith(company.url), err


def test_a_revoked_token_is_refused_in_one_line(company: GunicornProcess, wire: Wire) -> None:
    token, token_id = make_token(company, "alice@example.com")
    send(company, token)
    revoke(company, "alice@example.com", token_id)
    for args in (["send", "-"], ["list"], ["whoami"], ["burn", "--all"]):
        code, out, err = cli(args, company, "x", token)
        assert (code, out) == (5, ""), (args, err)
        assert "refused the API token: it is unknown, revoked or expired" in one_line_error(err)
    assert token not in company.output()


def test_a_creator_outside_the_list_is_refused_naming_the_policy(company: GunicornProcess, redis_url: str) -> None:
    accounts = Accounts(redis.Redis.from_url(redis_url), prefix=company.prefix)  # type: ignore[attr-defined]
    token, _ = accounts.issue_token("mallory@elsewhere.org", "ci", 3600)  # the server would not make her one
    code, out, err = cli(["send", "-"], company, "x", token)
    assert (code, out) == (5, "") and one_line_error(err).endswith("(server policy: creators)\n")


def test_a_malformed_or_misplaced_token_is_a_usage_error_and_never_shown(company: GunicornProcess, wire: Wire,
                                                                         tmp_path: Path) -> None:
    for env in ({"BURNLINK_API_TOKEN": "hunter2-not-a-token"}, {"BURNLINK_API_TOKEN": "blt_short"}):
        code, out, err = run(["send", "-"], company.url, "x", **env)
        assert (code, out) == (1, "") and "does not hold an API token" in one_line_error(err)
        assert env["BURNLINK_API_TOKEN"][4:] not in err
    misplaced = "blt_" + "A" * 43  # an API token where the manage token goes
    for args in (["burn", "AAAAAAAAAAAAAAAAAAAAAA"], ["receipt", "AAAAAAAAAAAAAAAAAAAAAA"]):
        code, _, err = run(args, company.url, BURNLINK_TOKEN=misplaced)
        assert code == 1 and "put it in BURNLINK_API_TOKEN" in one_line_error(err) and misplaced[4:] not in err
    assert wire.requests == []
    token, _ = make_token(company, "bob@example.com")
    kept = tmp_path / "token"
    kept.write_text(token + "\n")
    code, out, err = run(["whoami", "--api-token-file", str(kept)], company.url)
    assert (code, out) == (0, "email: bob@example.com\nadmin: no\nvia: token\n") and token not in err
    code, _, err = run(["whoami"], company.url, BURNLINK_API_TOKEN_FILE=str(kept), BURNLINK_API_TOKEN=token)
    assert code == 1 and "one way" in one_line_error(err) and token not in err


# --- my links, burn-all ------------------------------------------------------------------------------------


def test_list_shows_my_links_and_no_one_elses(company: GunicornProcess) -> None:
    carol, _ = make_token(company, "carol@example.com")
    dave, _ = make_token(company, "dave@example.com")
    first = send(company, carol, "--label", "vpn for erin", "--views", "2")
    second = send(company, carol, text=AWS_KEY)
    theirs = send(company, dave, "--label", "dave's")
    code, out, err = cli(["list"], company, token=carol)
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "LABEL", "KIND", "STATE", "VIEWS", "LEFT", "EXPIRES"]
    # Newest first, to the second: two made within one second may come in either order.
    cells = {row.split()[0]: row.split()[1:] for row in rows}
    assert len(rows) == 2 and cells[second["id"]][:4] == ["-", "aws-access-key", "waiting", "1"]
    assert cells[first["id"]][:6] == ["vpn", "for", "erin", "text", "waiting", "2"]
    assert theirs["id"] not in out
    code, out, _ = cli(["list", "--json"], company, token=carol)
    listed = json.loads(out)["secrets"]
    assert sorted((s["id"], s["label"], s["kind"]) for s in listed) == sorted([(second["id"], "", "aws-access-key"),
                                                                              (first["id"], "vpn for erin", "text")])
    assert cli(["whoami", "--json"], company, token=carol)[1] == '{"email": "carol@example.com", "admin": false, "via": "token"}\n'


def test_burn_all_leaves_none_of_mine_readable_and_anothers_untouched(company: GunicornProcess) -> None:
    erin, _ = make_token(company, "erin@example.com")
    frank, _ = make_token(company, "frank@example.com")
    mine = [send(company, erin, "--views", "2") for _ in range(3)]
    theirs = send(company, frank)
    assert opens(company, mine[0]) == 0  # one view of two spent: still outstanding
    code, out, err = cli(["burn", "--all"], company, token=erin)  # no terminal: no question
    assert (code, out) == (0, "burned 3 outstanding secrets you made\n"), err
    assert [opens(company, made) for made in mine] == [2, 2, 2]
    assert opens(company, theirs) == 0
    assert cli(["burn", "--all"], company, token=erin)[1] == "burned 0 outstanding secrets you made\n"
    code, out, _ = cli(["list", "--json"], company, token=erin)
    assert {s["state"] for s in json.loads(out)["secrets"]} == {"burned"}


def test_burn_all_asks_first_at_a_terminal(company: GunicornProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli.terminal

    grace, _ = make_token(company, "grace@example.com")
    made = send(company, grace)
    monkeypatch.setattr(app.cli.terminal, "interactive", lambda: True)
    code, out, err = cli(["burn", "--all"], company, "n\n", grace)
    assert (code, out) == (1, "") and "Burn every outstanding secret you made" in err and err.endswith("burnlink: aborted.\n")
    assert cli(["burn", "--all", "--yes"], company, token=grace)[1] == "burned 1 outstanding secret you made\n"
    assert opens(company, made) == 2


def test_an_admin_burns_everything_a_creator_made(company: GunicornProcess) -> None:
    admin, _ = make_token(company, "admin@example.com")
    heidi, _ = make_token(company, "heidi@example.com")
    ivan, _ = make_token(company, "ivan@example.com")
    leaving = [send(company, heidi), send(company, heidi)]
    staying = send(company, ivan)
    code, _, err = cli(["burn", "--all", "--creator", "heidi@example.com"], company, token=ivan)
    assert code == 5 and one_line_error(err).endswith("(server policy: admins)\n")
    code, out, _ = cli(["list", "--creator", "Heidi@Example.com", "--json"], company, token=admin)
    assert {s["id"] for s in json.loads(out)["secrets"]} == {m["id"] for m in leaving}
    code, out, err = cli(["burn", "--all", "--creator", "heidi@example.com", "--yes"], company, token=admin)
    assert (code, out) == (0, "burned 2 outstanding secrets heidi@example.com made\n"), err
    assert [opens(company, m) for m in leaving] == [2, 2] and opens(company, staying) == 0
    assert cli(["burn", "--all", "--creator", "not an address"], company, token=admin)[0] == 1


def test_burn_one_with_the_api_token_or_the_manage_token(company: GunicornProcess) -> None:
    judy, _ = make_token(company, "judy@example.com")
    mallet, _ = make_token(company, "mallet@example.com")
    made, other = send(company, judy), send(company, judy)
    code, _, err = cli(["burn", made["id"]], company, token=mallet)  # not hers: as unknown as a wrong id
    assert code == 2 and one_line_error(err)
    code, _, err = cli(["burn", made["link"]], company, token=judy)
    assert code == 0 and err == f"burned {made['id']}\n" and opens(company, made) == 2
    assert cli(["burn", made["id"]], company, token=judy)[0] == 0  # harmless to repeat
    code, _, err = cli(["burn", other["id"]], company, token=judy, BURNLINK_TOKEN=other["manage_token"])  # as before
    assert code == 0 and opens(company, other) == 2
    code, _, err = cli(["burn", made["link"].replace("127.0.0.1", "localhost")], company, token=judy)
    assert code == 1 and "sent only to --server" in one_line_error(err)
    code, _, err = cli(["burn", made["id"]], company)
    assert code == 1 and "BURNLINK_TOKEN" in one_line_error(err)


def test_bulk_with_a_token_labels_each_user(company: GunicornProcess, tmp_path: Path) -> None:
    kate, _ = make_token(company, "kate@example.com")
    users = tmp_path / "users.csv"
    users.write_text("User name,Password,Access key ID,Secret access key,Console login link\n"
                     "alice,Pa55-word-1,,,https://123456789012.signin.aws.amazon.com/console\n")
    code, _, err = cli(["bulk", str(users), "--out", str(tmp_path)], company, token=kate)
    assert code == 0, err
    code, out, _ = cli(["list", "--json"], company, token=kate)
    assert [(s["label"], s["kind"]) for s in json.loads(out)["secrets"]] == [("IAM user alice", "console-login")]


# --- policies ----------------------------------------------------------------------------------------------


def test_a_code_is_made_when_the_server_requires_one(strict: GunicornProcess) -> None:
    code, link, err = cli(["send", "--no-code", "-"], strict, "needs a code")
    assert code == 0 and "this server requires an access code on every secret; one was made" in err
    access = err.split("access code: ")[1].split()[0]
    code, _, err = cli(["get"], strict, BURNLINK_LINK=link.strip())
    assert code == 1 and "needs its access code" in err  # it really has one
    assert cli(["get"], strict, BURNLINK_LINK=link.strip(), BURNLINK_CODE=access)[1] == "needs a code"


def test_a_kind_the_server_does_not_take_is_refused_before_sending(strict: GunicornProcess, wire: Wire) -> None:
    code, out, err = cli(["send", "-"], strict, AWS_KEY)
    assert (code, out) == (5, "")
    assert one_line_error(err) == ("burnlink: This server does not take aws-access-key secrets; it takes text, file. "
                                   "Nothing was sent. (server policy: kinds)\n")
    assert [m for m, _, _, _ in wire.requests] == ["GET"]


def test_a_file_over_max_file_is_refused_before_sending(strict: GunicornProcess, wire: Wire, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * 2001)
    code, out, err = cli(["send", str(big)], strict)
    assert (code, out) == (5, "") and f"{big} is 2001 bytes; this server takes at most 2000" in err
    assert one_line_error(err).endswith("(server policy: max_file)\n") and [m for m, _, _, _ in wire.requests] == ["GET"]
    big.write_bytes(b"\0" * 1500)
    assert cli(["send", str(big)], strict)[0] == 0


def test_a_reveal_only_server_makes_nothing(public: GunicornProcess, wire: Wire, tmp_path: Path) -> None:
    code, out, err = cli(["send", "-"], public, "x")
    assert (code, out) == (5, "") and "only opens links (reveal-only mode)" in one_line_error(err)
    assert err.endswith("(server policy: mode)\n") and [m for m, _, _, _ in wire.requests] == ["GET"]
    code, _, err = cli(["request"], public)  # refused by the server itself
    assert code == 5 and one_line_error(err).endswith("(server policy: mode)\n")
    users = tmp_path / "users.csv"
    users.write_text("User name,Password,Access key ID,Secret access key,Console login link\n"
                     "alice,Pa55-word-1,,,https://123456789012.signin.aws.amazon.com/console\n")
    assert cli(["bulk", str(users), "--out", str(tmp_path / "out")], public)[0] == 5
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("problem,says", [
    ({"status": 400, "code": "policy_violation", "policy": "require_code", "detail": "Codes are required here."},
     "burnlink: Codes are required here. (server policy: require_code)\n"),
    ({"status": 403, "code": "policy_forbidden", "policy": "create_networks", "detail": "Not from \x1b[31mhere."},
     "burnlink: Not from \\x1b[31mhere. (server policy: create_networks)\n"),
    ({"status": 401, "code": "sign_in_required", "detail": "Sign in."},
     "burnlink: This server wants to know who you are: sign in on its pages and make an API token there, "
     "then set BURNLINK_API_TOKEN.\n"),
], ids=["violation", "forbidden", "sign-in"])
def test_the_servers_refusals_are_exit_5_and_one_line(problem: dict, says: str) -> None:
    with stub_server(problem["status"], problem) as stub:
        code, out, err = run(["send", "-"], stub.url, "x")
    assert (code, out, err) == (5, "", says)
