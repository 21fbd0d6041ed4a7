"""What a notification says: the Standard Webhooks request, the Slack sentence, the e-mail."""

from __future__ import annotations

import base64
import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from app.notifications.messages import ago, email_message, sentence, slack_body, webhook_body, webhook_headers
from app.store import Event

SECRET_ID = "AbC123xyzAbC123xyzAbCw"
WHSEC = "whsec_" + base64.b64encode(b"w" * 32).decode()


def test_the_webhook_body_names_the_event_and_the_count_left() -> None:
    revealed = json.loads(webhook_body(SECRET_ID, Event("secret.revealed", 1767225600, 0)))
    assert revealed == {"type": "secret.revealed", "timestamp": "2026-01-01T00:00:00Z",
                        "data": {"id": SECRET_ID, "views_left": 0}}
    wrong = json.loads(webhook_body(SECRET_ID, Event("secret.wrong_code", 1767225600, 3, "203.0.113.0/24", "curl")))
    assert wrong["data"] == {"id": SECRET_ID, "attempts_left": 3, "client": {"network": "203.0.113.0/24", "agent": "curl"}}
    expired = json.loads(webhook_body(SECRET_ID, Event("secret.expired", 1767225600)))
    assert expired["data"] == {"id": SECRET_ID}


def test_the_signature_verifies_with_the_standard_webhooks_library() -> None:
    body = webhook_body(SECRET_ID, Event("secret.revealed", int(time.time()), 0))
    headers = webhook_headers(WHSEC, "msg_e1_1-0_t0", body, time.time())
    assert headers["webhook-id"] == "msg_e1_1-0_t0" and headers["Content-Type"] == "application/json"
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(WHSEC).verify(body, headers)["type"] == "secret.revealed"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(WHSEC).verify(body.replace(b"0}", b"1}"), headers)


def test_the_signature_is_hmac_sha256_over_id_timestamp_body() -> None:
    """Checked by hand once, against the specification's wording, not only the library."""
    import hashlib
    import hmac

    body = b'{"type":"secret.burned"}'
    headers = webhook_headers(WHSEC, "msg_x", body, 1767225600)
    expected = hmac.new(b"w" * 32, b"msg_x.1767225600." + body, hashlib.sha256).digest()
    assert headers["webhook-timestamp"] == "1767225600"
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()


@pytest.mark.parametrize(("seconds", "said"), [(0, "just now"), (9, "just now"), (40, "40 seconds ago"),
                                               (60, "1 minute ago"), (150, "2 minutes ago"), (3600, "1 hour ago"),
                                               (7300, "2 hours ago"), (86400 * 3, "3 days ago"), (-5, "just now")])
def test_ago(seconds: int, said: str) -> None:
    assert ago(seconds) == said


def test_the_slack_sentence_reads_like_a_person_wrote_it() -> None:
    at = 1767225600
    assert sentence(SECRET_ID, Event("secret.revealed", at, 0), at + 125) == \
        "Your burnlink secret AbC123… was revealed 2 minutes ago; 0 views left."
    assert sentence(SECRET_ID, Event("secret.wrong_code", at, 1), at) == \
        "Your burnlink secret AbC123… got a wrong access code just now; 1 try left."
    assert sentence(SECRET_ID, Event("secret.expired", at), at + 20) == \
        "Your burnlink secret AbC123… expired 20 seconds ago."
    assert sentence(SECRET_ID, Event("secret.revealed", at, 2, "203.0.113.0/24", "Chrome on Android"), at + 3600) == \
        "Your burnlink secret AbC123… was revealed 1 hour ago from Chrome on Android in 203.0.113.0/24; 2 views left."
    assert json.loads(slack_body(SECRET_ID, Event("secret.burned", at), at)) == \
        {"text": "Your burnlink secret AbC123… was burned just now."}


def test_a_requests_events_name_a_request() -> None:
    at = 1767225600
    assert sentence(SECRET_ID, Event("request.expired", at), at + 20) == "Your burnlink request AbC123… expired 20 seconds ago."
    assert sentence(SECRET_ID, Event("request.answered", at), at) == "Your burnlink request AbC123… was answered just now."
    message = email_message(SECRET_ID, Event("request.read", at), at, sender="burnlink@example.com", to="alice@example.com",
                            msg_id="msg_e3_5-0_t1")
    assert message["Subject"] == "burnlink: your request AbC123… had its answer read"
    assert "a burnlink request was created" in message.get_content()


def test_the_email_is_plain_text_with_a_stable_message_id() -> None:
    at = 1767225600
    message = email_message(SECRET_ID, Event("secret.destroyed", at), at + 61, sender="burnlink@example.com",
                            to="alice@example.com", msg_id="msg_e3_5-0_t1")
    assert message["To"] == "alice@example.com" and message["From"] == "burnlink@example.com"
    assert message["Subject"] == "burnlink: your secret AbC123… was destroyed after too many wrong access codes"
    assert message["Message-ID"] == "<msg_e3_5-0_t1@example.com>"
    assert message.get_content_type() == "text/plain"
    text = message.get_content()
    assert "1 minute ago" in text and "secret.destroyed at 2026-01-01T00:00:00Z" in text
    assert SECRET_ID not in text  # a mailbox is read by more eyes: the short form only
