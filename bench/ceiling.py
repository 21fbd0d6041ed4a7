"""The framework-free ceiling: a bare WSGI app doing burnlink's two Redis round trips.

POST /c        body = the record   -> one EVALSHA (SET with EX, HSET + EXPIRE of a receipt), answers the id
POST /r/<id>                       -> one EVALSHA (a GETDEL plus a receipt HSET), answers the blob
No routing library, no JSON, no checks, no headers beyond Content-Type: what gunicorn and
redis-py alone cost. Served by bench/run.py under the same gunicorn settings as the others.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

import redis

client = redis.Redis.from_url(os.environ["REDIS_URL"])
create = client.register_script("""
redis.call('SET', KEYS[1], ARGV[1], 'EX', 3600)
redis.call('HSET', KEYS[2], 's', 'waiting', 'n', 1)
redis.call('EXPIRE', KEYS[2], 90000)
return 1
""")
reveal = client.register_script("""
local v = redis.call('GET', KEYS[1])
if not v then return false end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 's', 'viewed', 'n', 0)
return v
""")


def app(environ: dict, start_response: Callable) -> list[bytes]:
    """The whole application: two routes, no checks."""
    path = environ["PATH_INFO"]
    if path == "/c":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        sid = secrets.token_urlsafe(16)
        create(keys=[f"c:{{{sid}}}:s", f"c:{{{sid}}}:r"], args=[body])
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [sid.encode()]
    if path.startswith("/r/"):
        sid = path[3:]
        value = reveal(keys=[f"c:{{{sid}}}:s", f"c:{{{sid}}}:r"])
        if value is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [value]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b""]
