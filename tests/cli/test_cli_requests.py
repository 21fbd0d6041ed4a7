"""`burnlink request`, `respond` and `inbox` against a live server (gunicorn on a real redis-server)."""

from __future__ import annotations

import json
from pathlib import Path

import redis

from app.core import request as rq
from app.store import shard_of
from tests.support import GunicornProcess
from tests.support.cli import run, run_bytes


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
