"""Receivers the notification tests start for themselves on loopback: HTTP(S) webhooks and SMTP.

:class:`WebhookReceiver` verifies every Standard Webhooks signature with the ``standardwebhooks``
package (what a real receiver uses) and can answer with any status, hold its answer until the
test lets go, or stop listening and start again on the same port. :class:`SmtpReceiver` is
aiosmtpd with STARTTLS required and AUTH. :func:`make_certificate` makes a self-signed
certificate for 127.0.0.1 and localhost, whose file the worker takes as its CA file.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.support import free_port


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) for localhost and 127.0.0.1: ``(cert.pem, key.pem)``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "burnlink test receiver")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "receiver-cert.pem", directory / "receiver-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A webhook endpoint on 127.0.0.1; ``secret`` (whsec_…) verifies signatures, ``status`` is the answer."""

    secret: str = ""
    status: int = 200
    tls: tuple[Path, Path] | None = None
    port: int = field(default_factory=free_port)
    requests: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None  # when set up, each answer waits until it is set
    arrived: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = False
                if receiver.secret:
                    try:
                        Webhook(receiver.secret).verify(body, headers)
                        verified = True
                    except WebhookVerificationError:
                        verified = False
                receiver.requests.append(Received(self.path, headers, body, verified))
                receiver.arrived.set()
                if receiver.hold is not None:
                    receiver.hold.wait(30)
                status = receiver.status if verified or not receiver.secret else 401
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        """Stop listening (connections are refused) until :meth:`start` again on the same port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self) -> list[dict]:
        """The verified events, each ``webhook-id`` once (what a deduplicating receiver keeps)."""
        seen: dict[str, dict] = {}
        for request in list(self.requests):
            if request.verified and request.webhook_id not in seen:
                seen[request.webhook_id] = request.json()
        return list(seen.values())

    def of(self, secret_id: str, kind: str | None = None) -> list[dict]:
        """The deduplicated events of one secret (of one type)."""
        return [e for e in self.events() if e["data"]["id"] == secret_id and (kind is None or e["type"] == kind)]


@dataclass
class SmtpReceiver:
    """aiosmtpd on 127.0.0.1 with STARTTLS required and AUTH (``user``/``password``)."""

    tls: tuple[Path, Path]
    user: str = "notify"
    password: str = "p@ss:w/rd"
    port: int = field(default_factory=free_port)
    messages: list[Message] = field(default_factory=list)
    _controller: Any = None

    def start(self) -> SmtpReceiver:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = message_from_bytes(envelope.content)
                message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
                receiver.messages.append(message)
                return "250 OK"

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and data.login == self.user.encode() and data.password == self.password.encode()
            return AuthResult(success=ok, handled=False)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self.tls)
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=context,
                                      require_starttls=True, authenticator=authenticate, auth_required=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
