"""`burnlink send --notify`, and the events and deliveries `burnlink receipt` shows (and waits for)."""

from __future__ import annotations

import base64
import json
import threading
import time

from tests.support import GunicornProcess
from tests.support.cli import Wire, run, send_json

WHSEC = "whsec_" + base64.b64encode(b"w" * 32).decode()
HOOK = "https://hooks.example.com/burnlink"


def test_each_kind_of_target_reaches_the_server(live_server: GunicornProcess, wire: Wire) -> None:
    made = send_json(live_server.url, ["--no-code", "--webhook-secret", WHSEC, "--notify", HOOK, "--notify", "slack:https://hooks.slack.com/services/T/B/c",
                                       "--notify", json.dumps({"type": "webhook", "url": HOOK + "/2", "secret": WHSEC,
                                                               "events": ["secret.opened"]}), "-"], "x")
    sent = json.loads(next(body for method, _, _, body in wire.requests if method == "POST"))["notify"]
    assert [t["type"] for t in sent] == ["webhook", "slack", "webhook"] and sent[0]["secret"] == WHSEC
    code, out, err = run(["receipt", made["id"]], live_server.url, BURNLINK_TOKEN=made["manage_token"])
    assert code == 0, err
    assert out.splitlines()[-4:] == ["notifications:", "  webhook: pending after 0 attempts",
                                     "  slack: pending after 0 attempts", "  webhook: pending after 0 attempts"]


def test_the_webhook_secret_comes_from_the_environment_or_a_warned_option(live_server: GunicornProcess) -> None:
    code, out, err = run(["send", "--no-code", "--notify", HOOK, "-"], live_server.url, "x", BURNLINK_WEBHOOK_SECRET=WHSEC)
    assert code == 0 and out.startswith(live_server.url) and "warning" not in err
    code, out, err = run(["send", "--no-code", "--notify", HOOK, "--webhook-secret", WHSEC, "-"], live_server.url, "x")
    assert code == 0 and "the webhook secret on the command line is visible" in err


def test_bad_targets_stop_before_anything_is_stored(live_server: GunicornProcess, wire: Wire) -> None:
    for args, says in ((["--notify", HOOK], "BURNLINK_WEBHOOK_SECRET"),
                       (["--notify", "pager:42"], "--notify takes"),
                       (["--notify", "{not json"], "JSON"),
                       (["--notify", "slack:a", "--notify", "slack:b", "--notify", "slack:c", "--notify", "slack:d"],
                        "At most three")):
        wire.requests.clear()
        code, out, err = run(["send", "--no-code", *args, "-"], live_server.url, "x", BURNLINK_WEBHOOK_SECRET=None)
        assert (code, out) == (1, "") and says in err, err
        assert wire.requests == []


def test_the_server_refuses_a_private_target_with_a_clear_line(live_server: GunicornProcess) -> None:
    code, out, err = run(["send", "--no-code", "--notify", "https://10.0.0.1/hook", "-"], live_server.url, "x",
                         BURNLINK_WEBHOOK_SECRET=WHSEC)
    assert (code, out) == (1, "") and err.strip() == ("burnlink: A notification URL may not point at a private, "
                                                     "loopback or reserved address.")


def test_receipt_prints_every_event(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--views", "2", "-"], "x")
    assert run(["get", made["link"]], live_server.url, BURNLINK_CODE="WRONG-CODE-1")[0] == 3
    assert run(["get", made["link"]], live_server.url, BURNLINK_CODE=made["access_code"])[0] == 0
    code, out, err = run(["receipt", made["id"]], live_server.url, BURNLINK_TOKEN=made["manage_token"])
    assert code == 0, err
    lines = out.splitlines()
    events = lines[lines.index("events:") + 1:]
    assert [line.split()[1] for line in events] == ["secret.created", "secret.opened", "secret.wrong_code",
                                                    "secret.opened", "secret.revealed"]
    assert events[2].endswith("attempts left 4") and events[4].endswith("views left 1")


def test_receipt_wait_returns_once_the_secret_is_revealed(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    started = time.monotonic()

    def reader() -> None:
        time.sleep(1.0)
        run(["get", made["link"]], live_server.url)

    thread = threading.Thread(target=reader)
    thread.start()
    code, out, err = run(["receipt", made["id"], "--wait", "--interval", "0.2", "--json"], live_server.url,
                         BURNLINK_TOKEN=made["manage_token"])
    thread.join()
    assert code == 0, err
    assert json.loads(out)["state"] == "viewed" and time.monotonic() - started >= 1.0


def test_receipt_wait_returns_at_once_for_a_secret_that_ended(live_server: GunicornProcess) -> None:
    made = send_json(live_server.url, ["--no-code", "-"], "x")
    assert run(["burn", made["id"]], live_server.url, BURNLINK_TOKEN=made["manage_token"])[0] == 0
    code, out, _ = run(["receipt", made["id"], "--wait"], live_server.url, BURNLINK_TOKEN=made["manage_token"])
    assert code == 0 and out.splitlines()[0] == "state: burned"
