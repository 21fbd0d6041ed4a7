"""A small HTTP client for the burnlink API (stdlib only), used by the CLI.

Every failure is raised as a :class:`~app.errors.BurnlinkError` carrying the
server's problem ``code`` (or ``unreachable``), so the CLI maps exit codes in
one place.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .errors import BurnlinkError


class Client:
    """Talks to one burnlink server."""

    def __init__(self, server: str, *, timeout: float = 30.0) -> None:
        self.server = server.rstrip("/")
        self.timeout = timeout

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
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only, checked by the CLI
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raise self._problem(err) from None
        except (urllib.error.URLError, OSError, TimeoutError) as err:
            reason = getattr(err, "reason", err)
            raise BurnlinkError(f"Cannot reach {self.server}: {reason}.", code="unreachable", status=0) from None
        except ValueError:
            raise BurnlinkError(f"{self.server} did not answer with JSON; is it a burnlink server?", code="bad_answer",
                                status=0) from None

    def _problem(self, err: urllib.error.HTTPError) -> BurnlinkError:
        try:
            body = json.loads(err.read() or b"{}")
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        extra = {k: v for k, v in body.items() if k in ("field", "attempts_left")}
        detail = body.get("detail") or f"The server answered {err.code}."
        return BurnlinkError(detail, code=body.get("code") or f"http_{err.code}", status=err.code, **extra)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", "/api/v1/secrets", body=body)[1]

    def metadata(self, secret_id: str, link: str) -> dict[str, Any]:
        return self.request("GET", f"/api/v1/secrets/{secret_id}", headers={"X-Burnlink-Link": link})[1]

    def reveal(self, secret_id: str, link: str, auth: str) -> dict[str, Any]:
        return self.request("POST", f"/api/v1/secrets/{secret_id}/reveal", body={"link": link, "auth": auth})[1]

    def receipt(self, secret_id: str, token: str) -> dict[str, Any]:
        return self.request("GET", f"/api/v1/secrets/{secret_id}/receipt", headers={"Authorization": f"Bearer {token}"})[1]

    def burn(self, secret_id: str, token: str) -> None:
        self.request("DELETE", f"/api/v1/secrets/{secret_id}", headers={"Authorization": f"Bearer {token}"})
