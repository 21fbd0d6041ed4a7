"""`burnlink bulk`: the console's users CSV in, one secret per user, links, codes and tokens in three files."""

from __future__ import annotations

import csv
import fcntl
import json
import stat
from pathlib import Path

import pytest

from app.cli.client import Client
from tests.support import GunicornProcess
from tests.support.cli import Wire, run

HEADER = "User name,Password,Access key ID,Secret access key,Console login link\n"
CONSOLE = "https://123456789012.signin.aws.amazon.com/console"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_ID_2 = "AKIAI44QH8DHBEXAMPLE"
SECRET_2 = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
USERS = (HEADER
         + f"alice,Pa55-alice!,,,{CONSOLE}\n"
         + f"bob,,{KEY_ID},{SECRET},\n"
         + f"carol,Pa55-carol!,{KEY_ID_2},{SECRET_2},{CONSOLE}\n")


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as stream:
        return list(csv.reader(stream))


def outputs(directory: Path, stem: str = "users") -> dict[str, Path]:
    return {name: directory / f"{stem}.{name}.csv" for name in ("links", "codes", "tokens")}


def opened(server: str, directory: Path, user: str) -> dict:
    """What ``user`` gets: their link from the links file, their code from the codes file."""
    files = outputs(directory)
    link = dict(rows(files["links"])[1:])[user]
    code = dict(rows(files["codes"])[1:])[user]
    status, out, err = run(["get", "--json"], server, BURNLINK_LINK=link, BURNLINK_CODE=code)
    assert status == 0, err
    payload = json.loads(out)
    assert payload.pop("sender") is None  # made without sign-in
    return payload


@pytest.fixture
def users_csv(tmp_path: Path) -> Path:
    path = tmp_path / "users.csv"
    path.write_text("\ufeff" + USERS)  # the console's download starts with a BOM
    return path


def test_one_secret_of_the_right_kind_per_user(live_server: GunicornProcess, users_csv: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default place is here, the names after the input
    code, out, err = run(["bulk", "users.csv", "--ttl", "2d"], live_server.url)
    assert (code, out) == (0, "")
    assert err.splitlines()[:3] == ["users.csv line 2: alice: console-login sent.", "users.csv line 3: bob: aws-access-key sent.",
                                    "users.csv line 4: carol: aws-access-key sent."]
    files = outputs(Path("."))
    assert err.splitlines()[3] == (f"3 sent, 0 skipped, 0 not sent. Links: {files['links']}, codes: {files['codes']}, "
                                   f"manage tokens: {files['tokens']}.")
    for path in files.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [r[0] for r in rows(files["links"])] == ["user", "alice", "bob", "carol"]
    assert rows(files["codes"])[0] == ["user", "code"] and rows(files["tokens"])[0] == ["user", "id", "token"]
    codes = [r[1] for r in rows(files["codes"])[1:]]
    assert len(set(codes)) == 3  # each its own code
    assert opened(live_server.url, tmp_path, "alice") == {
        "v": 1, "kind": "console-login",
        "fields": {"sign_in_url": CONSOLE, "username": "alice", "password": "Pa55-alice!", "note": "IAM user alice"}}
    assert opened(live_server.url, tmp_path, "bob")["fields"] == {"access_key_id": KEY_ID, "secret_access_key": SECRET,
                                                                  "note": "IAM user bob"}
    carol = opened(live_server.url, tmp_path, "carol")
    assert carol["kind"] == "aws-access-key" and carol["fields"] == {
        "access_key_id": KEY_ID_2, "secret_access_key": SECRET_2, "sign_in_url": CONSOLE, "username": "carol",
        "password": "Pa55-carol!", "note": "IAM user carol"}
    # the manage token of each row is its own secret's
    user, secret_id, token = rows(files["tokens"])[1]
    status, receipt, _ = run(["receipt", secret_id, "--json"], live_server.url, BURNLINK_TOKEN=token)
    assert (user, status, json.loads(receipt)["state"]) == ("alice", 0, "viewed")


def test_the_options_reach_every_secret(live_server: GunicornProcess, users_csv: Path, tmp_path: Path, wire: Wire) -> None:
    code, _, err = run(["bulk", str(users_csv), "--ttl", "90m", "--views", "2", "--out", str(tmp_path / "out"),
                        "--notify", "slack:https://hooks.slack.com/services/T/B/c"], live_server.url)
    assert code == 0, err
    bodies = [json.loads(body) for method, _, _, body in wire.requests if method == "POST"]
    assert len(bodies) == 3
    for body in bodies:
        assert (body["ttl"], body["views"], body["has_code"]) == (5400, 2, True)
        assert body["notify"] == [{"type": "slack", "url": "https://hooks.slack.com/services/T/B/c"}]
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700 and outputs(tmp_path / "out")["links"].exists()


BAD = {
    "dave,,AKIAIOSFODNN7EXAMPL2,,\n": "an access key ID without its secret access key",
    f"erin,,,{SECRET},\n": "a secret access key without its access key ID",
    "frank,S3cret!,,,\n": "a password without its console login link",
    "grace,S3cret!,,,http://example.com/console\n": "the console login link is not an https:// address",
    f"heidi,,,,{CONSOLE}\n": "nothing secret to hand over: neither a password nor an access key",
    f"ivan,,akia-lower,{SECRET},\n": "access_key_id not in the shape AWS uses (send it alone with burnlink send --kind "
                                    "aws-access-key if it is right)",
    f",S3cret!,,,{CONSOLE}\n": "no user name",
    f"bad user,S3cret!,,,{CONSOLE}\n": "the user name is not an IAM user name (1 to 64 of A-Z a-z 0-9 + = , . @ _ -)",
    f"alice,Other!,,,{CONSOLE}\n": "alice is listed twice",
    f"judy,S3cret!,,,{CONSOLE},extra\n": "more values than the header has columns",
}


def test_a_bad_row_is_reported_by_its_line_and_the_others_are_made(live_server: GunicornProcess, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text(USERS + "".join(BAD) + f"\n\"mallory\",\"multi\nline\",,,{CONSOLE}\n")
    code, out, err = run(["bulk", str(source), "--out", str(tmp_path)], live_server.url)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    for number, why in enumerate(BAD.values(), start=5):
        assert f"users.csv line {number}: {why}; not sent." in lines, (number, why)
    assert "users.csv line 17: mallory: console-login sent." in lines  # a quoted newline: the line the row ends on
    assert lines[-2].startswith("4 sent, 0 skipped, 10 not sent.")
    assert lines[-1] == "burnlink: 10 row(s) of users.csv not sent (see above); fix them and run again with --resume."
    assert [r[0] for r in rows(outputs(tmp_path)["links"])] == ["user", "alice", "bob", "carol", "mallory"]
    assert opened(live_server.url, tmp_path, "mallory")["fields"]["password"] == "multi\nline"


def test_a_second_run_creates_nothing(live_server: GunicornProcess, users_csv: Path, tmp_path: Path, wire: Wire) -> None:
    assert run(["bulk", str(users_csv), "--out", str(tmp_path)], live_server.url)[0] == 0
    before = {name: path.read_bytes() for name, path in outputs(tmp_path).items()}
    wire.requests.clear()
    code, out, err = run(["bulk", str(users_csv), "--out", str(tmp_path)], live_server.url)
    assert (code, out, wire.requests) == (1, "", [])
    assert err == (f"burnlink: {outputs(tmp_path)['tokens']} already exists: this CSV was run before. Nothing was created; "
                   "--resume makes only the users users.links.csv does not list yet.\n")
    assert {name: path.read_bytes() for name, path in outputs(tmp_path).items()} == before


def test_resume_makes_only_the_users_not_yet_listed(live_server: GunicornProcess, tmp_path: Path, wire: Wire) -> None:
    source = tmp_path / "users.csv"
    source.write_text(USERS + "dave,,AKIAIOSFODNN7EXAMPL2,,\n")
    assert run(["bulk", str(source), "--out", str(tmp_path)], live_server.url)[0] == 1
    source.write_text(USERS + f"dave,,AKIAIOSFODNN7EXAMPL2,{SECRET},\n")  # fixed
    wire.requests.clear()
    code, _, err = run(["bulk", str(source), "--out", str(tmp_path), "--resume"], live_server.url)
    assert code == 0, err
    assert err.splitlines()[:4] == [f"users.csv line {n}: {user}: already in users.links.csv; skipped."
                                    for n, user in ((2, "alice"), (3, "bob"), (4, "carol"))] + [
        "users.csv line 5: dave: aws-access-key sent."]
    assert len([r for r in wire.requests if r[0] == "POST"]) == 1
    for path in outputs(tmp_path).values():
        assert [r[0] for r in rows(path)[1:]] == ["alice", "bob", "carol", "dave"]
    assert opened(live_server.url, tmp_path, "dave")["fields"]["access_key_id"] == "AKIAIOSFODNN7EXAMPL2"


def test_resume_after_a_run_stopped_between_the_token_and_the_link(live_server: GunicornProcess, users_csv: Path,
                                                                    tmp_path: Path) -> None:
    files = outputs(tmp_path)
    files["links"].write_text("user,link\n")
    files["codes"].write_text("user,code\nalice,OLDCODE01\n")
    files["tokens"].write_text("user,id,token\nalice,AAAAAAAAAAAAAAAAAAAAAA,old-token\n")
    code, _, err = run(["bulk", str(users_csv), "--out", str(tmp_path), "--resume"], live_server.url)
    assert code == 0, err
    assert err.splitlines()[0] == ("alice: an earlier run stopped before its link was written; that secret can never be opened "
                                   "(its key is gone) and is made again (its manage token stays in users.tokens.csv).")
    assert [r[0] for r in rows(files["codes"])] == ["user", "alice", "bob", "carol"]  # the dead code is gone
    assert "OLDCODE01" not in files["codes"].read_text()
    assert [r[0] for r in rows(files["tokens"])] == ["user", "alice", "alice", "bob", "carol"]  # the old one can still burn
    assert opened(live_server.url, tmp_path, "alice")["kind"] == "console-login"


def test_an_unreachable_server_stops_the_run_with_exit_4(users_csv: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["bulk", str(users_csv), "--out", str(tmp_path)], "http://127.0.0.1:9")
    assert (code, out) == (4, "")
    # The server's policy is read first: nothing is made and no file is written, so a plain rerun works.
    assert err.startswith("burnlink: Cannot reach http://127.0.0.1:9") and err.count("\n") == 1
    assert not outputs(tmp_path)["links"].exists()
    # A server that goes away after its policy was read: the run stops at the first row.
    monkeypatch.setattr(Client, "policy", lambda self: {})
    code, out, err = run(["bulk", str(users_csv), "--out", str(tmp_path)], "http://127.0.0.1:9")
    assert (code, out) == (4, "")
    assert err.startswith("burnlink: users.csv line 2: Cannot reach http://127.0.0.1:9")
    assert err.endswith("Stopped; the files list every user made so far, and --resume goes on from there.\n")
    assert rows(outputs(tmp_path)["links"]) == [["user", "link"]]


def test_two_runs_at_once_are_refused(live_server: GunicornProcess, users_csv: Path, tmp_path: Path, wire: Wire) -> None:
    links = outputs(tmp_path)["links"]
    links.write_text("user,link\n")
    with links.open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        code, _, err = run(["bulk", str(users_csv), "--out", str(tmp_path), "--resume"], live_server.url)
    assert (code, [method for method, *_ in wire.requests]) == (1, ["GET"])  # the policy only: nothing was created
    assert err == f"burnlink: Another burnlink bulk is writing {links}; nothing was created.\n"


@pytest.mark.parametrize("text,says", [
    ("name,secret\nalice,x\n", "is not the console's users CSV"),
    ("User name,Console login link\nalice,https://x\n", "is not the console's users CSV"),
    (b"User name,Password\n\xff\n", "is not UTF-8 text; nothing was created."),
], ids=["other-csv", "no-secret-columns", "not-utf8"])
def test_a_file_that_is_not_the_console_csv_is_refused_whole(text: str | bytes, says: str, tmp_path: Path, wire: Wire) -> None:
    source = tmp_path / "users.csv"
    source.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, out, err = run(["bulk", str(source), "--out", str(tmp_path)], "http://127.0.0.1:9")
    assert (code, out, wire.requests) == (1, "", []) and says in err and err.count("\n") == 1
    assert not outputs(tmp_path)["links"].exists()
