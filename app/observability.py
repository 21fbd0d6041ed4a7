"""Request logs: one JSON line per request, and nothing a secret could hide in.

A line holds the method, the route *template* (``/api/v1/secrets/<sid>``, so
not even the id), the status, the duration and a request id. Never a body, a
query string, a header value, a fragment, a code, a proof or a token.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time

from flask import Flask, Response, g, request

access_log = logging.getLogger("burnlink.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _start() -> None:
    g.burnlink_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)


def _finish(response: Response) -> Response:
    started = g.get("burnlink_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    route = request.url_rule.rule if request.url_rule else "<unmatched>"
    response.headers["X-Request-ID"] = g.get("request_id", "")
    access_log.info(
        json.dumps(
            {
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "request_id": g.get("request_id"),
            }
        )
    )
    return response


def init_observability(app: Flask) -> None:
    """Install the request log hooks on ``app``."""
    if not app.config["BURNLINK"].log_requests:
        return
    app.before_request(_start)
    app.after_request(_finish)
