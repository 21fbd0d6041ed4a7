"""Notifications with real parts: redis-server, gunicorn, ``burnlink worker`` processes, receivers on loopback.

The webhook receiver verifies every Standard Webhooks signature with the ``standardwebhooks``
package and deduplicates by ``webhook-id``, as a real one does; the SMTP server is aiosmtpd with
STARTTLS and AUTH; waits are short through settings (tests/support/workers.py's FAST).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
import requests

from app.core import payload as payloads
from app.core import protocol as p
from tests.support import ROOT, GunicornProcess, RedisProcess, free_port, wait_for
from tests.support.api import create, post_create, post_secret, receipt, reveal, storm
from tests.support.asks import ask
from tests.support.receivers import SmtpReceiver, WebhookReceiver, make_certificate
from tests.support.workers import SECRET_KEY, WorkerProcess

PREFIX = f"blnt{secrets.token_hex(3)}"
WHSEC = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
SLACK_PATH = "/services/T0001/B0001/" + secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisProcess]:
    server = RedisProcess().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def slack() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def smtp(certificate: tuple[Path, Path]) -> Iterator[SmtpReceiver]:
    running = SmtpReceiver(tls=certificate).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def env(slack: WebhookReceiver, smtp: SmtpReceiver, certificate: tuple[Path, Path]) -> dict[str, str]:
    """What the web process and the workers share (a platform gives both the same environment)."""
    return {
        "BURNLINK_KEY_PREFIX": PREFIX,
        "BURNLINK_NOTIFY_ALLOW": "127.0.0.1",
        "BURNLINK_TTL_MIN": "1",
        "BURNLINK_CLIENT_FACTS": "1",
        "BURNLINK_SLACK_URL_PREFIX": f"http://127.0.0.1:{slack.port}/services/",
        "BURNLINK_SMTP_URL": f"smtp://{smtp.user}:{quote(smtp.password, safe='')}@127.0.0.1:{smtp.port}",
        "BURNLINK_NOTIFY_EMAIL_DOMAINS": "example.com",
        "BURNLINK_NOTIFY_CA_FILE": str(certificate[0]),
    }


@pytest.fixture(scope="module")
def server(redis_server: RedisProcess, env: dict[str, str]) -> Iterator[GunicornProcess]:
    running = GunicornProcess(redis_server.url, workers=2, env=env).start()
    yield running
    running.stop()
    assert "Traceback" not in running.output()


@pytest.fixture
def start_worker(redis_server: RedisProcess, env: dict[str, str]) -> Iterator[Callable[..., WorkerProcess]]:
    """Start ``burnlink worker`` processes (``extra`` settings on top); each is stopped after the test."""
    started: list[WorkerProcess] = []

    def start(**extra: str) -> WorkerProcess:
        worker = WorkerProcess(redis_server.url, env={**env, **extra}).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        assert "Traceback" not in worker.output(), worker.output()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver(secret=WHSEC).start()
    yield running
    running.hold = None
    running.stop()


def webhook(receiver: WebhookReceiver, events: list[str] | None = None) -> dict:
    return {"type": "webhook", "url": receiver.url, "secret": WHSEC, **({"events": events} if events else {})}


def delivery(base_url: str, made: Any, index: int = 0) -> dict:
    return receipt(base_url, made)["deliveries"][index]


def test_killed_between_sending_and_acknowledging_the_event_is_sent_again_and_kept_once(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    receiver.hold = threading.Event()  # the receiver answers only once the test has killed the worker
    first = start_worker()
    made = create(server.url, notify=[webhook(receiver, ["secret.revealed"])])
    assert reveal(server.url, made).status_code == 200
    assert receiver.arrived.wait(20), first.output()
    first.kill()
    receiver.hold.set()
    second = start_worker()
    wait_for(lambda: len(receiver.requests) >= 2, timeout=30, what="the second delivery")
    assert [r.verified for r in receiver.requests] == [True, True]
    assert receiver.requests[0].webhook_id == receiver.requests[1].webhook_id
    revealed = receiver.of(made.id, "secret.revealed")
    assert len(revealed) == 1 and revealed[0]["data"]["views_left"] == 0
    wait_for(lambda: delivery(server.url, made)["state"] == "delivered", what="the receipt to say delivered")
    time.sleep(3)  # longer than the lease: nothing else comes
    assert len(receiver.requests) == 2
    assert second.terminate() == 0


def test_a_receiver_down_for_a_while_gets_the_event_when_it_is_back(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker(BURNLINK_NOTIFY_RETRIES="1,1,1,1,1,1,1,1,1,1")
    receiver.stop()
    made = create(server.url, notify=[webhook(receiver)])
    assert reveal(server.url, made).status_code == 200
    wait_for(lambda: delivery(server.url, made)["attempts"] >= 2, timeout=30, what="two failed attempts")
    down = delivery(server.url, made)
    assert down["state"] == "pending" and down["last_status"] == "connection failed"
    receiver.start()
    wait_for(lambda: receiver.of(made.id, "secret.revealed"), timeout=30, what="the event after the receiver came back")
    wait_for(lambda: delivery(server.url, made)["state"] == "delivered", what="the receipt to say delivered")
    assert delivery(server.url, made)["attempts"] > down["attempts"]


def test_after_the_last_retry_the_receipt_says_failed_with_attempts_and_status(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker(BURNLINK_NOTIFY_RETRIES="1,1")
    receiver.status = 503
    made = create(server.url, notify=[webhook(receiver)])
    assert reveal(server.url, made).status_code == 200
    wait_for(lambda: delivery(server.url, made)["state"] == "failed", timeout=30, what="the delivery to fail")
    assert delivery(server.url, made) == {"type": "webhook", "state": "failed", "attempts": 3, "last_status": "503"}
    assert len(receiver.requests) == 3 and len({r.webhook_id for r in receiver.requests}) == 1


def test_200_parallel_reveals_of_a_one_view_secret_deliver_one_revealed_event(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    made = create(server.url, views=1, notify=[webhook(receiver, ["secret.revealed", "secret.created"])])
    counts = storm(f"{server.url}/api/v1/secrets/{made.id}/reveal", [made.reveal_body()] * 200)
    assert counts == Counter({200: 1, 404: 199})
    wait_for(lambda: receiver.of(made.id, "secret.revealed") and receiver.of(made.id, "secret.created"), timeout=30,
             what="the revealed event")
    time.sleep(1)
    assert len([r for r in receiver.requests if r.json()["type"] == "secret.revealed"]) == 1
    assert receiver.of(made.id, "secret.revealed")[0]["data"]["views_left"] == 0


def test_an_expiry_is_reported_by_the_sweep(server: GunicornProcess, receiver: WebhookReceiver,
                                            start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    made = create(server.url, ttl=2, notify=[webhook(receiver)])
    expires_at = made.response.json()["expires_at"]
    wait_for(lambda: receiver.of(made.id, "secret.expired"), timeout=20, what="the expired event")
    assert receiver.of(made.id, "secret.expired")[0]["timestamp"] == expires_at
    assert receipt(server.url, made)["state"] == "expired"


def test_requests_that_end_unanswered_or_unread_are_reported_by_the_sweep(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    events = ["request.answered", "request.read", "request.expired"]
    unanswered, unread, read = (ask(requests, note=None, base=server.url, ttl=2, notify=[webhook(receiver, events)])
                                for _ in range(3))
    for asked in (unread, read):
        assert requests.post(f"{server.url}/api/v1/requests/{asked.rid}/answer", json=asked.answer_body(),
                             timeout=10).status_code == 204
    assert requests.post(f"{server.url}/api/v1/requests/{read.rid}/inbox", json={"inbox": read.inbox},
                         timeout=10).status_code == 200
    wait_for(lambda: receiver.of(unanswered.rid, "request.expired") and receiver.of(unread.rid, "request.expired"),
             timeout=20, what="the expired events")
    for asked in (unanswered, unread):
        assert receiver.of(asked.rid, "request.expired")[0]["timestamp"] == asked.created["expires_at"]
        seen = requests.get(f"{server.url}/api/v1/requests/{asked.rid}/receipt",
                            headers={"Authorization": f"Bearer {asked.token}"}, timeout=10).json()
        assert seen["state"] == "expired" and [e["type"] for e in seen["events"]].count("request.expired") == 1
    # A request read in time ended with its read: the sweep has nothing to say about it.
    wait_for(lambda: receiver.of(read.rid, "request.read"), timeout=20, what="the read event")
    assert receiver.of(read.rid, "request.expired") == []
    assert [e["type"] for e in receiver.of(unread.rid)] == ["request.answered", "request.expired"]


def test_a_private_literal_is_refused_at_creation_without_the_allow_list(redis_server: RedisProcess) -> None:
    from app.core.config import load_config
    from app.server import create_app

    app = create_app(load_config({"BURNLINK_ENV": "testing", "SECRET_KEY": "k", "REDIS_URL": redis_server.url,
                                  "BURNLINK_KEY_PREFIX": PREFIX, "BURNLINK_RATE_LIMITS": "0"}))
    for url in ("https://127.0.0.1:8443/hook", "https://10.0.0.7/hook", "http://127.0.0.1:8080/hook"):
        answer = post_create(app.test_client(), notify=[{"type": "webhook", "url": url, "secret": WHSEC}])
        assert answer.status_code == 400 and answer.get_json()["field"] == "notify"


def test_a_name_that_resolves_privately_is_refused_at_delivery(
        server: GunicornProcess, certificate: tuple[Path, Path], start_worker: Callable[..., WorkerProcess]) -> None:
    tls = WebhookReceiver(secret=WHSEC, tls=certificate).start()
    try:
        start_worker(BURNLINK_NOTIFY_ALLOW="")  # this worker's operator allows nothing private
        url = f"https://localhost:{tls.port}/hook"
        made = create(server.url, notify=[{"type": "webhook", "url": url, "secret": WHSEC}])
        assert reveal(server.url, made).status_code == 200
        wait_for(lambda: delivery(server.url, made)["state"] == "failed", timeout=20, what="the refusal")
        assert delivery(server.url, made) == {"type": "webhook", "state": "failed", "attempts": 1, "last_status": "refused"}
        assert tls.requests == []
    finally:
        tls.stop()


def test_https_to_a_receiver_whose_certificate_the_ca_file_vouches_for(
        server: GunicornProcess, certificate: tuple[Path, Path], start_worker: Callable[..., WorkerProcess]) -> None:
    tls = WebhookReceiver(secret=WHSEC, tls=certificate).start()
    try:
        start_worker()
        made = create(server.url, notify=[webhook(tls)])
        assert reveal(server.url, made).status_code == 200
        wait_for(lambda: tls.of(made.id, "secret.revealed"), timeout=20, what="the https delivery")
        assert all(r.verified for r in tls.requests)
    finally:
        tls.stop()


def test_slack_gets_a_sentence(server: GunicornProcess, slack: WebhookReceiver,
                               start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    url = f"http://127.0.0.1:{slack.port}{SLACK_PATH}"
    made = create(server.url, views=2, notify=[{"type": "slack", "url": url}])
    assert reveal(server.url, made).status_code == 200
    wait_for(lambda: any(r.path == SLACK_PATH for r in slack.requests), timeout=20, what="the Slack message")
    text = next(r.json()["text"] for r in slack.requests if r.path == SLACK_PATH)
    said = rf"Your burnlink secret {re.escape(made.id[:6])}… was revealed (just now|[0-9]+ seconds ago)"
    assert re.fullmatch(said + r" from Python requests in 127\.0\.0\.0/24; 1 view left\.", text), text
    wait_for(lambda: delivery(server.url, made)["state"] == "delivered", what="the receipt to say delivered")


def test_email_goes_through_smtp_with_starttls_and_auth_within_the_rate_limit(
        server: GunicornProcess, smtp: SmtpReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    to = f"alice+{secrets.token_hex(4)}@example.com"
    made = create(server.url, views=2, notify=[{"type": "email", "to": to}])
    if time.time() % 60 > 50:  # both e-mails must fall in one minute of the rate limit's counting
        time.sleep(61 - time.time() % 60)
    assert reveal(server.url, made).status_code == 200
    assert reveal(server.url, made).status_code == 200  # a second e-mail in the same minute: over this secret's budget
    start_worker(BURNLINK_NOTIFY_EMAIL_PER_SECRET="1", BURNLINK_NOTIFY_RETRIES="600")
    wait_for(lambda: any(m["To"] == to for m in smtp.messages), timeout=20, what="the e-mail")
    mail = next(m for m in smtp.messages if m["To"] == to)
    assert mail["From"] == "burnlink@127.0.0.1" and mail["X-Envelope-To"] == to
    text = mail.get_payload(decode=True).decode()
    assert "was revealed" in str(mail["Subject"]) and made.id not in text and "1 view left" in text
    wait_for(lambda: delivery(server.url, made)["last_status"] == "rate limited", timeout=20, what="the rate limit")
    assert delivery(server.url, made)["state"] == "pending"
    assert [m["To"] for m in smtp.messages].count(to) == 1


def test_sigterm_finishes_the_delivery_in_hand_and_acknowledges_only_that(
        server: GunicornProcess, receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    receiver.hold = threading.Event()
    worker = start_worker()
    made = create(server.url, notify=[webhook(receiver, ["secret.revealed"])])
    assert reveal(server.url, made).status_code == 200
    assert receiver.arrived.wait(20)
    assert worker.proc is not None
    os.killpg(worker.proc.pid, signal.SIGTERM)
    time.sleep(0.5)
    assert worker.proc.poll() is None  # still finishing the delivery in hand
    receiver.hold.set()
    assert worker.proc.wait(timeout=20) == 0
    assert "stopped" in worker.output()
    assert delivery(server.url, made) == {"type": "webhook", "state": "delivered", "attempts": 1, "last_status": "200"}
    start_worker()
    time.sleep(3)  # longer than the lease: the delivered event is not sent again
    assert len(receiver.requests) == 1


def test_nothing_secret_is_in_any_redis_value(server: GunicornProcess, redis_server: RedisProcess, slack: WebhookReceiver,
                                              receiver: WebhookReceiver, start_worker: Callable[..., WorkerProcess]) -> None:
    """A whole life with a known plaintext, key and code; then every key of every type is read."""
    start_worker()
    plaintext = "correct horse battery staple " + secrets.token_hex(8)
    slack_url = f"http://127.0.0.1:{slack.port}{SLACK_PATH}x"
    targets = [webhook(receiver, ["secret.created", "secret.opened", "secret.wrong_code", "secret.revealed"]),
               {"type": "slack", "url": slack_url, "events": ["secret.revealed", "secret.burned"]},
               {"type": "email", "to": "bob@example.com"}]
    made, sealed = post_secret(server.url, payloads.make_payload(text=plaintext), views=2, notify=targets)
    requests.get(f"{server.url}/api/v1/secrets/{made.id}", headers={"X-Burnlink-Link": made.link}, timeout=10)
    wrong = requests.post(f"{server.url}/api/v1/secrets/{made.id}/reveal",
                          json=made.reveal_body(p.b64u_encode(b"w" * 32)), timeout=10)
    assert wrong.status_code == 403
    assert reveal(server.url, made).status_code == 200
    assert requests.delete(f"{server.url}/api/v1/secrets/{made.id}", headers={"Authorization": f"Bearer {made.token}"},
                           timeout=10).status_code == 204
    wait_for(lambda: receiver.of(made.id, "secret.revealed") and any(r.path == SLACK_PATH + "x" for r in slack.requests),
             timeout=30, what="the deliveries")
    receipt(server.url, made)
    client = redis.Redis(port=redis_server.port)
    stored = everything(client)
    client.close()
    keys = p.derive_keys(sealed.key, sealed.code)
    forbidden = {
        "plaintext": plaintext.encode(), "key": sealed.key, "key b64u": p.b64u_encode(sealed.key).encode(),
        "code": (sealed.code or "").encode(), "code compact": (sealed.code or "").replace("-", "").encode(),
        "link proof": keys.link, "auth proof": keys.auth, "link proof b64u": made.link.encode(),
        "auth proof b64u": made.auth.encode(), "encryption key": keys.enc_key, "manage token": made.token.encode(),
        "webhook secret": WHSEC.encode(), "webhook key": base64.b64decode(WHSEC[6:]), "webhook url": receiver.url.encode(),
        "slack url": slack_url.encode(), "slack path": SLACK_PATH.encode(), "e-mail address": b"bob@example.com",
        "smtp password": b"p@ss:w/rd",
    }
    found = [name for name, value in forbidden.items() if value and value in stored]
    assert found == []
    assert made.id.encode() in stored  # the search really read the audit trail and the receipts


def everything(client: redis.Redis) -> bytes:
    """Every key and every value in the Redis: strings, hashes, lists, sets, sorted sets, streams and their groups."""
    out = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        out.append(key)
        if kind == b"string":
            out.append(client.get(key) or b"")
        elif kind == b"hash":
            out += [k + b"=" + v for k, v in client.hgetall(key).items()]
        elif kind == b"list":
            out += client.lrange(key, 0, -1)
        elif kind == b"set":
            out += list(client.smembers(key))
        elif kind == b"zset":
            out += client.zrange(key, 0, -1)
        elif kind == b"stream":
            out += [k + b"=" + v for _, fields in client.xrange(key) for k, v in fields.items()]
            out += [json.dumps(g, default=str).encode() for g in client.xinfo_groups(key)]
        else:
            raise AssertionError(f"a key of an unexpected type: {kind!r}")
    return b"\n".join(out)


def test_the_audit_command_exports_the_trail(server: GunicornProcess, redis_server: RedisProcess,
                                             start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    made = create(server.url)
    assert reveal(server.url, made).status_code == 200
    command = [str(Path(sys.executable).with_name("burnlink")), "audit", "--since", "1h"]
    run_env = {"REDIS_URL": redis_server.url, "BURNLINK_KEY_PREFIX": PREFIX, "SECRET_KEY": SECRET_KEY,
               "BURNLINK_ENV": "testing", "PATH": "/usr/bin:/bin"}

    def rows() -> list[dict]:
        out = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=30, check=True, cwd=ROOT)
        return [json.loads(line) for line in out.stdout.splitlines()]

    wait_for(lambda: any(r["id"] == made.id and r["type"] == "secret.revealed" for r in rows()), timeout=20,
             what="the audit rows")
    mine = [r for r in rows() if r["id"] == made.id]
    assert [r["type"] for r in mine] == ["secret.created", "secret.revealed"]
    assert mine[1]["views_left"] == 0 and mine[1]["network"] == "127.0.0.0/24"
    csv = subprocess.run([*command, "--format", "csv"], env=run_env, capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert csv.returncode == 0 and csv.stdout.splitlines()[0] == "time,type,id,creator,label,views_left,attempts_left,network,agent"
    assert any(made.id in line and "secret.revealed" in line for line in csv.stdout.splitlines())
    bad = subprocess.run([*command[:2], "--since", "a week"], env=run_env, capture_output=True, text=True, timeout=30,
                         cwd=ROOT)
    assert bad.returncode == 1 and "--since" in bad.stderr


def test_serve_runs_a_worker_in_its_own_process(receiver: WebhookReceiver) -> None:
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "BURNLINK_NOTIFY_ALLOW": "127.0.0.1", "BURNLINK_NOTIFY_POLL": "0.1",
           "BURNLINK_RATE_LIMITS": "0"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("burnlink")), "serve", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, timeout=30, what="burnlink serve")
        made = create(base, notify=[webhook(receiver)])
        assert reveal(base, made).status_code == 200
        wait_for(lambda: receiver.of(made.id, "secret.revealed"), timeout=20, what="the in-process delivery")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
    assert "worker inside this process" in stderr
