"""One attempt to tell one target about one event: a webhook, a Slack message or an e-mail.

:meth:`Deliverer.deliver` never raises for a receiver's or the network's failure; it answers
what the attempt came to (:class:`~app.notifications.http.Answer`): delivered, worth retrying,
or final (a refused address, a refused recipient). Each attempt checks the target again under
today's settings, since the operator may have narrowed them after the secret was made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..core.config import Config
from ..core.identity import user_key
from ..store.records import Event
from ..store.shards import shard_of
from .guard import Allow
from .http import REFUSED, Answer, post, tls_context
from .mail import Smtp, send
from .messages import email_message, slack_body, webhook_body, webhook_headers
from .targets import Target

# E-mail counters live two minutes: long enough for the minute they count.
_COUNTER_TTL = 120


class Deliverer:
    """Sends notifications as ``config`` allows; ``client`` and ``prefix`` hold the e-mail rate counters."""

    def __init__(self, client: Any, prefix: str, config: Config, *, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self.allow = Allow.parse(config.notify_allow)
        self.timeout = config.notify_timeout
        self.context = tls_context(config.notify_ca_file)
        self.slack_prefix = config.slack_url_prefix
        self.smtp = Smtp.parse(config.smtp_url) if config.smtp_url else None
        self.sender = config.smtp_from or (self.smtp.default_sender() if self.smtp else "")
        self.email_domains = frozenset(d.lower().lstrip("@") for d in config.notify_email_domains)
        self.per_secret = config.notify_email_per_secret
        self.per_minute = config.notify_email_per_minute
        self.per_creator = config.notify_email_per_creator

    def deliver(self, target: Target, secret_id: str, event: Event, msg_id: str, *, creator: str = "") -> Answer:
        """Attempt one delivery now; ``msg_id`` is the same on every attempt of this event to this target.

        ``creator`` is the signed-in creator of the secret, whose e-mails share one budget.
        """
        now = self.clock()
        if target.type == "webhook":
            body = webhook_body(secret_id, event)
            return self._post(target.url, body, webhook_headers(target.secret, msg_id, body, now))
        if target.type == "slack":
            if not target.url.startswith(self.slack_prefix):
                return REFUSED
            return self._post(target.url, slack_body(secret_id, event, now), {"Content-Type": "application/json"})
        if target.type == "email":
            return self._mail(target.to, secret_id, event, msg_id, now, creator)
        return REFUSED

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        return post(url, body, headers, allow=self.allow, timeout=self.timeout, context=self.context)

    def _mail(self, to: str, secret_id: str, event: Event, msg_id: str, now: float, creator: str) -> Answer:
        if self.smtp is None or to.rpartition("@")[2].lower() not in self.email_domains:
            return REFUSED
        if not self._may_send(secret_id, int(now) // 60, creator):
            return Answer("rate limited")
        message = email_message(secret_id, event, now, sender=self.sender, to=to, msg_id=msg_id)
        return send(self.smtp, message, timeout=self.timeout, context=self.context)

    def _may_send(self, secret_id: str, minute: int, creator: str) -> bool:
        """Count one e-mail against the secret's, its creator's and the service's budget for this minute."""
        per_secret = f"{self.prefix}:{{{shard_of(secret_id)}}}:mail:{minute}"
        mine = self.client.hincrby(per_secret, secret_id, 1)
        self.client.expire(per_secret, _COUNTER_TTL)
        if mine > self.per_secret:
            return False
        if creator:
            theirs = f"{self.prefix}:user:{user_key(creator)}:mail:{minute}"
            count = self.client.incr(theirs)
            self.client.expire(theirs, _COUNTER_TTL)
            if count > self.per_creator:
                return False
        everyone = f"{self.prefix}:mail:{minute}"
        total = self.client.incr(everyone)
        self.client.expire(everyone, _COUNTER_TTL)
        return total <= self.per_minute
