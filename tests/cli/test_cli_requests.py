"""`burnlink request`, `respond` and `inbox`, and `receipt` and `burn` of a request, against a live server
(gunicorn on a real redis-server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis

from app.core import request as rq
from app.store import shard_of
from app.store.accounts import Accounts
from tests.support import ROOT, GunicornProcess
from tests.support.cli import Wire, run, run_bytes, send_json


def ask(server: str, *args: str) -> dict:
    code, out, err = run(["request", "--json", "--note", "Stripe key for billing", *args], server)
    assert code == 0, err
    return json.loads(out)


def test_request_prints_the_link_on_stdout_and_the_inbox_on_stderr(live_server: GunicornProcess) -> None:
    code, out, err = run(["request", "--note", "Stripe key", "--ttl", "1h"], live_server.url)
    assert code == 0, err
    link = rq.parse_request_link(out.strip())
    assert link.base_url == live_server.url
    inbox_line = next(line for line in err.splitlines() if line.startswith("inbox link: "))
    inbox = rq.parse_inbox_link(inbox_line.split()[2])
    assert inbox.rid == link.rid and inbox.keys.q == link.q
    assert "manage token: " in err and "expires: " in err and out.count("\n") == 1


def test_round_trip_text_byte_exact(live_server: GunicornProcess) -> None:
    asked = ask(live_server.url)
    text = "sk_live_51H\tx\r\n  ünïcode  \n\n"
    code, _, err = run(["respond", "-"], live_server.url, stdin=text.encode(), BURNLINK_LINK=asked["link"])
    assert code == 0, err
    assert "note: Stripe key for billing" in err
    code, data, err = run_bytes(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 0, err
    assert data == text.encode()
    code, _, err = run(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 2 and "already been read" in err


def test_round_trip_link_on_stdin_then_a_file(live_server: GunicornProcess, tmp_path: Path) -> None:
    asked = ask(live_server.url)
    source = tmp_path / "key.pem"
    source.write_bytes(b"-----BEGIN KEY-----\n\x00\x01\xff binary\n")
    code, _, err = run(["respond", str(source)], live_server.url, stdin=asked["link"] + "\n")
    assert code == 0, err
    out_dir = tmp_path / "received"
    code, out, err = run(["inbox", "-", "-o", str(out_dir)], live_server.url, stdin=asked["inbox_link"] + "\n")
    assert code == 0 and out == "", err
    assert (out_dir / "key.pem").read_bytes() == source.read_bytes()
    assert (out_dir / "key.pem").stat().st_mode & 0o777 == 0o600


def test_a_second_respond_is_refused(live_server: GunicornProcess) -> None:
    asked = ask(live_server.url)
    assert run(["respond", "-"], live_server.url, stdin="one", BURNLINK_LINK=asked["link"])[0] == 0
    code, _, err = run(["respond", "-"], live_server.url, stdin="two", BURNLINK_LINK=asked["link"])
    assert code == 2 and "already been answered" in err
    code, out, err = run(["inbox", "--json"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 0 and json.loads(out)["text"] == "one"


def test_respond_refuses_a_note_the_server_changed(live_server: GunicornProcess, redis_url: str) -> None:
    asked = ask(live_server.url)
    rid = asked["id"]
    prefix = live_server.env["BURNLINK_KEY_PREFIX"]
    client = redis.Redis.from_url(redis_url)
    try:
        client.hset(f"{prefix}:{{{shard_of(rid)}}}:{rid}:q", "n", "AWS root keys for billing")
    finally:
        client.close()
    code, _, err = run(["respond", "-"], live_server.url, stdin="sk_live_1", BURNLINK_LINK=asked["link"])
    assert code == 2 and "note was altered" in err
    code, _, err = run(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 2 and "not been answered" in err


def test_respond_refuses_an_inbox_link_and_a_damaged_key(live_server: GunicornProcess) -> None:
    asked = ask(live_server.url)
    code, _, err = run(["respond", "-"], live_server.url, stdin="x", BURNLINK_LINK=asked["inbox_link"])
    assert code == 1 and "inbox link" in err
    other = rq.make_request_link(live_server.url, asked["id"], rq.new_request_keys().q)
    code, _, err = run(["respond", "-"], live_server.url, stdin="x", BURNLINK_LINK=other)
    assert code == 2, err


# --- receipt and burn with a request's manage token -------------------------------------------------


def test_receipt_and_burn_take_a_request_link_an_inbox_link_or_an_id(live_server: GunicornProcess) -> None:
    asked = ask(live_server.url)
    token = asked["manage_token"]
    code, out, err = run(["receipt", asked["link"]], live_server.url, BURNLINK_TOKEN=token)
    assert code == 0, err
    assert "state: open" in out and "answered at: -" in out and "request.created" in out
    assert run(["respond", "-"], live_server.url, stdin="sk_live_1", BURNLINK_LINK=asked["link"])[0] == 0
    code, out, err = run(["receipt", asked["id"], "--json"], live_server.url, BURNLINK_TOKEN=token)
    assert code == 0, err
    data = json.loads(out)
    assert data["state"] == "answered" and data["answered_at"]
    assert [e["type"] for e in data["events"]] == ["request.created", "request.opened", "request.answered"]
    code, _, err = run(["burn", asked["inbox_link"]], live_server.url, BURNLINK_TOKEN=token)
    assert code == 0 and f"burned request {asked['id']}" in err
    code, out, _ = run(["receipt", asked["inbox_link"], "--json"], live_server.url, BURNLINK_TOKEN=token)
    assert json.loads(out)["state"] == "burned"
    assert run(["burn", asked["id"]], live_server.url, BURNLINK_TOKEN=token)[0] == 0  # harmless to repeat
    code, _, err = run(["inbox"], live_server.url, BURNLINK_LINK=asked["inbox_link"])
    assert code == 2 and "ended without an answer" in err  # the unread answer went with the burn


def test_a_requests_keys_are_not_sent_with_its_receipt_or_burn(live_server: GunicornProcess, wire: Wire) -> None:
    asked = ask(live_server.url)
    for command, link in (("receipt", asked["link"]), ("receipt", asked["inbox_link"]), ("burn", asked["inbox_link"])):
        assert run([command, link], live_server.url, BURNLINK_TOKEN=asked["manage_token"])[0] == 0
    sent = wire.dump()
    assert asked["id"].encode() in sent
    for link in (asked["link"], asked["inbox_link"]):
        assert link.split("#", 1)[1].encode() not in sent


def test_a_foreign_token_manages_nothing(live_server: GunicornProcess) -> None:
    asked, other = ask(live_server.url), ask(live_server.url)
    made = send_json(live_server.url, ["-"], "a secret")
    code, _, err = run(["burn", asked["link"]], live_server.url, BURNLINK_TOKEN=made["manage_token"])
    assert code == 1 and "another secret" in err
    code, _, err = run(["burn", made["id"]], live_server.url, BURNLINK_TOKEN=asked["manage_token"])
    assert code == 1 and err.startswith("burnlink: ")
    code, _, err = run(["receipt", asked["id"]], live_server.url, BURNLINK_TOKEN=other["manage_token"])
    assert code == 1 and err.startswith("burnlink: ")
    code, _, err = run(["burn", asked["link"]], live_server.url, BURNLINK_TOKEN=None)
    assert code == 1 and "manage token" in err
    # Nothing was burned: the request still takes its answer, and the secret still opens.
    assert run(["respond", "-"], live_server.url, stdin="still open", BURNLINK_LINK=asked["link"])[0] == 0
    assert run(["get", made["link"], "--code", made["access_code"]], live_server.url)[:2] == (0, "a secret")


def test_a_damaged_request_link_is_refused_before_anything_is_sent(live_server: GunicornProcess, wire: Wire) -> None:
    asked = ask(live_server.url)
    cut = asked["link"].replace(f"/r/{asked['id']}", f"/r/{asked['id'][:-3]}")
    wire.requests.clear()
    code, _, err = run(["receipt", cut], live_server.url, BURNLINK_TOKEN=asked["manage_token"])
    assert code == 1 and "request id is damaged" in err
    assert wire.requests == []


def test_receipt_wait_returns_once_the_request_is_answered(live_server: GunicornProcess) -> None:
    asked = ask(live_server.url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BURNLINK_")}
    env.update(BURNLINK_TOKEN=asked["manage_token"], BURNLINK_SERVER=live_server.url)
    waiting = subprocess.Popen([sys.executable, "-m", "app.cli", "receipt", "--wait", "--interval", "0.2", asked["link"]],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run(["respond", "-"], live_server.url, stdin="sk_live_2", BURNLINK_LINK=asked["link"])[0] == 0
        out, err = waiting.communicate(timeout=60)
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.communicate()
    assert waiting.returncode == 0, err
    assert "state: answered" in out and "request.answered" in out


def test_respond_says_who_asks_before_anything_is_sent(live_server: GunicornProcess, redis_url: str) -> None:
    prefix = live_server.env["BURNLINK_KEY_PREFIX"]
    client = redis.Redis.from_url(redis_url)
    try:
        token, _ = Accounts(client, prefix=prefix).issue_token("alice@example.com", "cli", 3600)
        # An API token's owner is a signed-in asker.
        code, out, err = run(["request", "--json", "--note", "Stripe key for billing"], live_server.url, BURNLINK_API_TOKEN=token)
        assert code == 0, err
        signed = json.loads(out)
        anonymous, hostile = ask(live_server.url), ask(live_server.url)
        # What a hostile server (or anyone with its Redis) could claim: it may not drive the terminal.
        rid = hostile["id"]
        client.hset(f"{prefix}:{{{shard_of(rid)}}}:{rid}:q", "by", "ceo@example.com\x1b[2K\rRequester not verified")
    finally:
        client.close()
    for asked, first in ((signed, "Requested by alice@example.com (verified by this server's sign-in)"),
                         (anonymous, "Requester not verified"),
                         (hostile, "Requested by ceo@example.com\\x1b[2K Requester not verified (verified by this server's sign-in)")):
        code, _, err = run(["respond", "-"], live_server.url, stdin="the key", BURNLINK_LINK=asked["link"])
        assert code == 0, err
        assert err.splitlines()[:2] == [first, "note: Stripe key for billing"]
