"""A small HTTP client for the burnlink API (stdlib only), used by the CLI.

Every failure is raised as a :class:`~app.core.errors.BurnlinkError` carrying
the server's problem ``code`` (or ``unreachable`` / ``bad_answer``), so the
CLI maps exit codes in one place (:mod:`app.cli.exits`). Redirects are never followed: a manage token or
a link proof must not be carried to another address behind the user's back.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit

import click

from ..core.errors import BurnlinkError, ErrorCode, InvalidInput
from ..core.wire import ANSWER_HEADER, INBOX_HEADER, LINK_HEADER
from .options import DEFAULT_TIMEOUT
from .terminal import line_safe, one_line

MAX_SERVER_TEXT = 300  # a sentence from a server is one line for a person, not a page
_POLICY_NAME = re.compile(r"[a-z_]{1,40}")  # a setting's name, as a problem document's ``policy`` member


def _server_text(text: str) -> str:
    """Text a server sent, fit for one terminal line: control and format characters escaped, length capped."""
    text = line_safe(one_line(text))
    return text if len(text) <= MAX_SERVER_TEXT else text[:MAX_SERVER_TEXT] + "…"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Turn every 3xx into an HTTPError instead of following it."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp:, data:), proxies from the environment, no redirects."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(), _NoRedirects()):
        opener.add_handler(handler)
    return opener


def check_server(server: str) -> str:
    """Return ``server`` without a trailing slash, or raise :class:`InvalidInput` unless it is http(s)://host."""
    parts = urlsplit(server.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidInput(f"The server must be an http(s):// address, not {server!r}.", field="server")
    if "@" in parts.netloc:
        raise InvalidInput("The server address must not contain a user name or password.", field="server")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise InvalidInput(f"The server address {server!r} has an invalid port.", field="server") from None
    return server.strip().rstrip("/")


def is_plain_remote(server: str) -> bool:
    """True for ``http://`` to a host other than this machine (proofs and tokens would travel in clear)."""
    parts = urlsplit(server)
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class Client:
    """Talks to one burnlink server."""

    def __init__(self, server: str, *, timeout: float = DEFAULT_TIMEOUT, api_token: str | None = None) -> None:
        self.server = check_server(server)
        self.timeout = timeout
        # Sent only by the creator's calls below (creates and "me"), never with a link proof or a manage token.
        self.api_token = api_token

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        """Send one prepared request; the single place bytes leave this process (tests spy here)."""
        with _opener().open(request, timeout=self.timeout) as response:
            return response.status, response.read()

    def request(self, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """Send one request; return ``(status, parsed JSON or None)`` or raise BurnlinkError."""
        data = None
        all_headers = {"Accept": "application/json", "User-Agent": "burnlink-cli/1"}
        all_headers.update(headers or {})
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.server + path, data=data, method=method, headers=all_headers)  # noqa: S310
        try:
            status, raw = self._open(request)
        except urllib.error.HTTPError as err:
            raise self._problem(err) from None
        except http.client.HTTPException:
            raise self._bad_answer() from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", None) or err
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise BurnlinkError(f"{self.server} did not answer within {self.timeout:g} s.",
                                    code=ErrorCode.UNREACHABLE) from None
            reason_text = getattr(reason, "strerror", None) or str(reason)
            raise BurnlinkError(f"Cannot reach {self.server}: {reason_text}.", code=ErrorCode.UNREACHABLE) from None
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            raise self._bad_answer() from None

    def _bad_answer(self) -> BurnlinkError:
        return BurnlinkError(f"{self.server} did not answer like a burnlink server; check --server.",
                             code=ErrorCode.BAD_ANSWER)

    def _problem(self, err: urllib.error.HTTPError) -> BurnlinkError:
        """A problem document (or any error answer) as a BurnlinkError with the server's code."""
        if 300 <= err.code < 400:
            where = _server_text(err.headers.get("Location", "another address"))
            return BurnlinkError(f"{self.server} redirects to {where}; use that address as --server.",
                                 code=ErrorCode.REDIRECT)
        try:
            body = json.loads(err.read() or b"{}")
        except (ValueError, OSError):
            body = {}
        if not isinstance(body, dict):
            body = {}
        extra = {k: v for k, v in body.items() if k in ("field", "attempts_left", "limit")}
        if isinstance(body.get("policy"), str) and _POLICY_NAME.fullmatch(body["policy"]):
            extra["policy"] = body["policy"]
        detail = _server_text(body["detail"]) if isinstance(body.get("detail"), str) else None
        code = ErrorCode.parse(body.get("code"))
        if code is None:
            code = {413: ErrorCode.TOO_LARGE}.get(err.code, ErrorCode.SERVER_ERROR if err.code >= 500 else ErrorCode.HTTP_ERROR)
        if err.code == 413 and not detail:
            detail = "The server refuses a secret this large."
        return BurnlinkError(detail or f"The server answered {err.code} {err.reason}.", code=code, **extra)

    def _expect(self, data: Any, *members: str) -> dict[str, Any]:
        """``data`` if it is an object with ``members``; otherwise the server is not a burnlink server."""
        if not isinstance(data, dict) or any(m not in data for m in members):
            raise self._bad_answer()
        return data

    def as_creator(self, method: str, path: str, *, body: Any = None) -> Any:
        """A call made as the API token's owner (anonymous without one); a refused token is said plainly."""
        headers = {"Authorization": f"Bearer {self.api_token}"} if self.api_token else {}
        try:
            return self.request(method, path, body=body, headers=headers)[1]
        except BurnlinkError as err:
            if self.api_token and err.code is ErrorCode.UNAUTHORIZED:
                raise BurnlinkError(code=ErrorCode.SIGN_IN_REQUIRED, token_refused=True) from None
            raise

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        data = self.as_creator("POST", "/api/v1/secrets", body=body)
        return self._expect(data, "id", "url", "expires_at", "views", "manage_token")

    def policy(self) -> dict[str, Any]:
        """The server's policy document; ``{}`` from a server that has none (it predates policies).

        It is advice for a clear error before anything is sent: the server enforces its policy
        whatever a client makes of this answer.
        """
        try:
            data = self.request("GET", "/api/v1/policy")[1]
        except BurnlinkError as err:
            if err.code is ErrorCode.NOT_FOUND:
                return {}
            raise
        return self._expect(data)

    # --- the creator's own calls (an API token) ---------------------------------------------------

    def me(self) -> dict[str, Any]:
        return self._expect(self.as_creator("GET", "/api/v1/me"), "email", "admin", "via")

    def secrets_of(self, creator: str | None = None) -> list[dict[str, Any]]:
        """The secrets the token's owner made (or, for an admin, ``creator``), newest first."""
        data = self._expect(self.as_creator("GET", self._made_by(creator)), "secrets")
        if not isinstance(data["secrets"], list) or not all(isinstance(item, dict) for item in data["secrets"]):
            raise self._bad_answer()
        return data["secrets"]

    def burn_all(self, creator: str | None = None) -> int:
        """Burn every outstanding secret of the token's owner (or of ``creator``); how many were burned."""
        burned = self._expect(self.as_creator("DELETE", self._made_by(creator)), "burned")["burned"]
        if not isinstance(burned, int) or isinstance(burned, bool):
            raise self._bad_answer()
        return burned

    def burn_mine(self, secret_id: str) -> None:
        self.as_creator("DELETE", f"/api/v1/me/secrets/{secret_id}")

    @staticmethod
    def _made_by(creator: str | None) -> str:
        return "/api/v1/me/secrets" if creator is None else f"/api/v1/creators/{quote(creator, safe='@')}/secrets"

    def metadata(self, secret_id: str, link: str) -> dict[str, Any]:
        data = self.request("GET", f"/api/v1/secrets/{secret_id}", headers={LINK_HEADER: link})[1]
        return self._expect(data, "has_code")

    def reveal(self, secret_id: str, link: str, auth: str) -> dict[str, Any]:
        data = self.request("POST", f"/api/v1/secrets/{secret_id}/reveal", body={"link": link, "auth": auth})[1]
        return self._expect(data, "ciphertext", "views_left")

    def receipt(self, secret_id: str, token: str) -> dict[str, Any]:
        data = self.request("GET", f"/api/v1/secrets/{secret_id}/receipt", headers={"Authorization": f"Bearer {token}"})[1]
        return self._expect(data, "state", "views_left", "viewed_at", "expires_at")

    def burn(self, secret_id: str, token: str) -> None:
        self.request("DELETE", f"/api/v1/secrets/{secret_id}", headers={"Authorization": f"Bearer {token}"})

    # --- requests (docs/protocol.md §14) -------------------------------------------------------

    def create_request(self, body: dict[str, Any]) -> dict[str, Any]:
        data = self.as_creator("POST", "/api/v1/requests", body=body)
        return self._expect(data, "id", "url", "inbox_url", "expires_at", "manage_token")

    def set_note(self, rid: str, inbox: str, note: str, mac: str) -> None:
        self.request("PUT", f"/api/v1/requests/{rid}/note", body={"note": note, "note_mac": mac},
                     headers={INBOX_HEADER: inbox})

    def open_request(self, rid: str, answer: str) -> dict[str, Any]:
        data = self.request("GET", f"/api/v1/requests/{rid}", headers={ANSWER_HEADER: answer})[1]
        return self._expect(data, "state", "note", "note_mac", "expires_at")

    def answer_request(self, rid: str, answer: str, ciphertext: str) -> None:
        self.request("POST", f"/api/v1/requests/{rid}/answer", body={"answer": answer, "ciphertext": ciphertext})

    def inbox_status(self, rid: str, inbox: str) -> dict[str, Any]:
        data = self.request("GET", f"/api/v1/requests/{rid}/inbox", headers={INBOX_HEADER: inbox})[1]
        return self._expect(data, "state", "expires_at")

    def read_inbox(self, rid: str, inbox: str) -> dict[str, Any]:
        data = self.request("POST", f"/api/v1/requests/{rid}/inbox", body={"inbox": inbox})[1]
        return self._expect(data, "ciphertext")


def warn_if_plain_http(server: str) -> None:
    """Say on stderr when proofs and tokens would cross the network in clear."""
    if is_plain_remote(server):
        click.echo(f"burnlink: warning: {line_safe(server)} is plain http; link proofs and manage tokens travel unencrypted "
                   "(the secret itself stays encrypted).", err=True)
