"""A real OpenID Connect provider on loopback: oidc-provider-mock, served from a thread of the test process.

Its users: ``alice`` (alice@example.com, verified), ``mallory`` (mallory@example.com, *not*
verified), ``eve`` (eve@other.test, verified, outside a creators list of ``@example.com``) and
``admin`` (admin@example.com, verified: name it in ``BURNLINK_ADMINS``).
On its authorization page a test types the ``sub`` and submits. The provider runs Authlib's
server side, so the ID tokens it signs, its discovery document and its token endpoint are real;
it takes any client id and secret. Every token request it answers is recorded (``token_requests``)
so a test can check the PKCE verifier the relying party sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs

import werkzeug.serving
from oidc_provider_mock import User
from oidc_provider_mock import app as provider_app

USERS = (
    User(sub="alice", claims={"email": "alice@example.com", "email_verified": True, "name": "Alice"}),
    User(sub="mallory", claims={"email": "mallory@example.com", "email_verified": False, "name": "Mallory"}),
    User(sub="eve", claims={"email": "eve@other.test", "email_verified": True, "name": "Eve"}),
    User(sub="admin", claims={"email": "admin@example.com", "email_verified": True, "name": "Admin"}),
)
CLIENT_ID = "burnlink-tests"
CLIENT_SECRET = "burnlink-tests-client-secret"


class _Quiet(werkzeug.serving.WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """The provider's access log would only clutter the test output."""


@dataclass
class Recorder:
    """WSGI middleware keeping the form of every request to the token endpoint."""

    app: Any
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/oauth2/token" and environ.get("REQUEST_METHOD") == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = BytesIO(body)
            self.token_requests.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
        return self.app(environ, start_response)


class OidcProvider:
    """The provider on ``127.0.0.1`` at a free port; ``start()``, ``stop()``, ``issuer``."""

    def __init__(self) -> None:
        self.recorder = Recorder(provider_app(user_claims=USERS, require_nonce=True))
        self.server = werkzeug.serving.make_server("127.0.0.1", 0, self.recorder, threaded=True, request_handler=_Quiet)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def token_requests(self) -> list[dict[str, str]]:
        return self.recorder.token_requests

    def start(self) -> OidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def env(self) -> dict[str, str]:
        """The settings a burnlink needs to sign in with this provider."""
        return {"BURNLINK_OIDC_ISSUER": self.issuer, "BURNLINK_OIDC_CLIENT_ID": CLIENT_ID,
                "BURNLINK_OIDC_CLIENT_SECRET": CLIENT_SECRET}
