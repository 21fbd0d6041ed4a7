"""Drive the app's WSGI callable in process, without HTTP: for profilers and instruction counts.

Usage: python bench/inprocess.py [--cycles 200] [--metadata] [--notify-url URL] [--profile N] [--redis-url URL]

Each cycle is what bench/load.py's ``burnlink`` target sends (create, optionally metadata, reveal
of a 1 KiB secret sealed once beforehand), handed straight to ``app(environ, start_response)``
with the production settings of the bench (rate limits off, the request log on, written to
/dev/null). Without ``--redis-url`` a private ``redis-server`` is started on a free port.

- ``--profile N``: print cProfile's N most expensive functions (cumulative and own time).
- Under callgrind, run twice with different ``--cycles`` and divide the difference in
  instructions by the difference in cycles, so that start-up cancels out::

      valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p python bench/inprocess.py --cycles 50
      valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p python bench/inprocess.py --cycles 250
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A WSGI environ as gunicorn builds one for a keep-alive loopback request."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "RAW_URI": path,
        "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT_ENCODING": "identity",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def call(app: Callable, env: dict[str, Any]) -> tuple[str, bytes]:
    """One request; its status line and body."""
    seen: list[str] = []
    chunks = app(env, lambda status, headers, exc_info=None: seen.append(status))
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return seen[0], body


def make_cycle(app: Callable, metadata: bool, notify_url: str = "") -> Callable[[], None]:
    """One create (+ metadata) + reveal, checked, as a function of no arguments."""
    from load import bodies_for

    options = {"metadata": metadata, "notify_url": notify_url, "notify_secret": "whsec_" + "A" * 43 + "="}
    bodies = bodies_for("burnlink", options)
    json_type = {"Content-Type": "application/json"}

    def cycle() -> None:
        status, data = call(app, environ("POST", "/api/v1/secrets", bodies["create"], json_type))
        assert status.startswith("201"), (status, data)
        sid = json.loads(data)["id"]
        if metadata:
            status, data = call(app, environ("GET", f"/api/v1/secrets/{sid}", headers=bodies["link_header"]))
            assert status.startswith("200"), (status, data)
        status, data = call(app, environ("POST", f"/api/v1/secrets/{sid}/reveal", bodies["reveal"], json_type))
        assert status.startswith("200"), (status, data)

    return cycle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--metadata", action="store_true", help="add the reveal page's metadata GET to each cycle")
    parser.add_argument("--notify-url", default="", help="put a webhook target with this URL in every create body")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's N top functions")
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()

    redis_server = None
    if not args.redis_url:
        from tests.support import RedisProcess

        redis_server = RedisProcess().start()
    os.environ.update({"REDIS_URL": args.redis_url or redis_server.url, "SECRET_KEY": secrets.token_urlsafe(48),  # type: ignore[union-attr]
                       "BURNLINK_ENV": "production", "BURNLINK_RATE_LIMITS": "0", "BURNLINK_NOTIFY_ALLOW": "127.0.0.1", "BASE_URL": "http://127.0.0.1:8000"})
    try:
        from app.core.config import load_config
        from app.server.factory import create_app
        from app.server.observability import configure_logging

        # The request log stays on, as in production, but goes nowhere.
        devnull = open(os.devnull, "w")
        sys.stderr, real_stderr = devnull, sys.stderr
        configure_logging("INFO")
        sys.stderr = real_stderr
        app = create_app(load_config())
        cycle = make_cycle(app, args.metadata, args.notify_url)
        for _ in range(20):  # warm caches, script loading, the connection pool
            cycle()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.cycles):
                cycle()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)
        else:
            for _ in range(args.cycles):
                cycle()
        logging.shutdown()
    finally:
        if redis_server:
            redis_server.stop()


if __name__ == "__main__":
    main()
