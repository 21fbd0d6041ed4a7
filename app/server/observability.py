"""Request logs and Prometheus metrics: what an operator sees, and nothing a secret could hide in.

A log line holds the method, the route *template* (``/api/v1/secrets/<sid>``,
so not even the id), the status, the duration and a request id. Never a body,
a query string, a header value, a fragment, a code, a proof or a token.

Metrics (off by default; ``BURNLINK_METRICS=1``) count secrets created,
revealed, destroyed by wrong codes, burned and expired unread, and time every
request. Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` switches prometheus-client
to its multiprocess mode so ``/metrics`` sums all workers.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask, Response, abort, current_app, request

access_log = logging.getLogger("burnlink.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
EVENTS = {
    "created": "Secrets created.",
    "revealed": "Views spent (successful reveals).",
    "destroyed": "Secrets destroyed by too many wrong access codes.",
    "wrong_code": "Wrong access codes counted.",
    "burned": "Secrets burned early with their manage token.",
    "expired_unread": "Secrets seen to have expired with no view spent (counted when first observed).",
    "request_created": "Requests for a secret created.",
    "request_answered": "Requests answered.",
    "request_read": "Request answers read (and deleted).",
    "request_burned": "Requests burned early with their manage token.",
}


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr: access lines as bare JSON, everything else with a level prefix."""
    root = logging.getLogger("burnlink")
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False
    access = logging.StreamHandler(sys.stderr)
    access.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(access)
    access_log.propagate = False


def event(name: str) -> None:
    """Record that ``name`` (one of :data:`EVENTS`) happened in this request."""
    metrics = current_app.extensions.get("burnlink_metrics")
    if metrics is not None:
        metrics.events.labels(event=name).inc()


class Metrics:
    """The app's Prometheus collectors (a private registry, or the multiprocess files)."""

    def __init__(self, multiprocess_dir: str = "") -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.multiprocess_dir = multiprocess_dir
        self.multiprocess = bool(multiprocess_dir)
        # In multiprocess mode the values live in files and /metrics reads them all;
        # otherwise each app keeps its own registry (tests build many apps).
        self.registry = None if self.multiprocess else CollectorRegistry()
        self.events = Counter("burnlink_events_total", "Secret lifecycle events.", ["event"], registry=self.registry)
        for name in EVENTS:
            self.events.labels(event=name)
        self.latency = Histogram(
            "burnlink_request_duration_seconds",
            "Request latency by route template.",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )

    def render(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest, multiprocess

        if self.multiprocess:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
            return generate_latest(registry)
        return generate_latest(self.registry)


# A request id only has to be unique, not secret: a per-process random prefix and a
# counter avoid a getrandom() system call on every request (measured in bench/).
_ID_PREFIX = secrets.token_hex(4)
_ID_COUNTER = itertools.count(1)


@lru_cache(maxsize=256)
def _quoted(text: str) -> str:
    """``text`` as a JSON string (methods and route templates: a small, fixed set)."""
    return json.dumps(text)


_second = [-1, ""]


def _now_text() -> str:
    """The current UTC second, formatted once per second rather than once per request."""
    now = int(time.time())
    if now != _second[0]:
        _second[0], _second[1] = now, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    return str(_second[1])


class RequestLog:
    """WSGI middleware: a request id on every answer, one access line and one latency sample per request.

    A middleware rather than Flask hooks: it needs nothing of the request context but the
    matched route, which Werkzeug's request object (``environ["werkzeug.request"]``) holds.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], metrics: Metrics | None, log_requests: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Request-ID", request_id))
            self._record(environ, int(status[:3]), time.perf_counter() - started, request_id)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)

    def _record(self, environ: dict[str, Any], status: int, duration: float, request_id: str) -> None:
        rule = getattr(environ.get("werkzeug.request"), "url_rule", None)
        route = rule.rule if rule else "<unmatched>"
        method = environ.get("REQUEST_METHOD", "")
        if self.metrics is not None:
            self.metrics.latency.labels(method, route, str(status)).observe(duration)
        if self.log_requests and access_log.isEnabledFor(logging.INFO):
            # The same JSON object json.dumps would write, built directly: every value is a
            # number, a checked request id, or a quoted method or route template.
            access_log.info('{"ts": "%s", "method": %s, "route": %s, "status": %d, "duration_ms": %s, "request_id": "%s"}',
                            _now_text(), _quoted(method), _quoted(route), status, round(duration * 1000, 2), request_id)


def _metrics_view() -> Response:
    """Prometheus text format, only for the configured networks (404 for anyone else)."""
    config = current_app.config["BURNLINK"]
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        abort(404)
    if not any(client in ipaddress.ip_network(net, strict=False) for net in config.metrics_networks):
        abort(404)
    from prometheus_client import CONTENT_TYPE_LATEST

    metrics: Metrics = current_app.extensions["burnlink_metrics"]
    return Response(metrics.render(), mimetype=CONTENT_TYPE_LATEST.split(";")[0])


def init_observability(app: Flask) -> Metrics | None:
    """The app's metrics and ``/metrics`` when metrics are on (the factory wraps :class:`RequestLog` around the app)."""
    if app.config["BURNLINK"].metrics:
        app.extensions["burnlink_metrics"] = Metrics(app.config["BURNLINK"].metrics_dir)
        app.add_url_rule("/metrics", "metrics", _metrics_view)
    return app.extensions.get("burnlink_metrics")
