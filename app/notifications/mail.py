"""E-mail through the operator's SMTP server (``BURNLINK_SMTP_URL``).

``smtp://user:pass@host:587`` speaks STARTTLS (required: credentials and addresses never cross
the network in the clear), ``smtps://user:pass@host:465`` implicit TLS; the user name and the
password are URL-decoded. The server is the operator's, so no address guard applies here;
what keeps the service from being an open relay is that targets name only the operator's own
domains (checked at creation) and the rate limits (:mod:`app.notifications.delivery`).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from .http import Answer


@dataclass(frozen=True)
class Smtp:
    """Where and how to hand e-mails over (never log it: it holds a password)."""

    host: str
    port: int
    implicit_tls: bool
    user: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def parse(cls, url: str) -> Smtp:
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        return cls(parts.hostname or "localhost", parts.port or (465 if implicit else 587), implicit,
                   unquote(parts.username or ""), unquote(parts.password or ""))

    def default_sender(self) -> str:
        return f"burnlink@{self.host}"


def send(smtp: Smtp, message: EmailMessage, *, timeout: float, context: ssl.SSLContext) -> Answer:
    """Hand ``message`` to the server; a refused recipient or sender is final, anything else is retried."""
    try:
        if smtp.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if not smtp.implicit_tls:
                client.starttls(context=context)
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
        return Answer("smtp refused", final=True)
    except smtplib.SMTPNotSupportedError:
        return Answer("smtp no starttls")
    except smtplib.SMTPResponseException as err:
        return Answer(f"smtp {err.smtp_code}")
    except ssl.SSLError:
        return Answer("tls error")
    except TimeoutError:
        return Answer("timeout")
    except (OSError, smtplib.SMTPException):
        return Answer("connection failed")
    return Answer("250", ok=True)
