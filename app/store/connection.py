"""Connections: plain Redis, Redis Cluster, Sentinel, or the embedded in-memory store.

A client is never retried by redis-py: a retried reveal whose first attempt ran
but whose answer was lost would spend a second view. What a client can do is
found out by asking it (:func:`supports_script_flags`), never by its type name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from redis.exceptions import ResponseError

from ..core.errors import ConfigError

# Redis 7 reads flags from a script's first line; a server (or an embedded store) that cannot
# parse the line refuses the script, which is the answer we ask for.
_FLAGS_PROBE = "#!lua flags=allow-oom\nreturn 1"


def connect(url: str | None, *, timeout: float = 2.0) -> tuple[Any, bool]:
    """A client for ``url``, or an embedded in-memory one when ``url`` is empty: ``(client, embedded)``."""
    if not url:
        import fakeredis

        return fakeredis.FakeRedis(server=fakeredis.FakeServer()), True
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }
    if url.startswith(("redis+sentinel://", "rediss+sentinel://")):
        return _sentinel_primary(url, options), False
    if url.startswith(("redis+cluster://", "rediss+cluster://")):
        from redis.cluster import RedisCluster

        return RedisCluster.from_url(url.replace("+cluster", "", 1), **options), False
    import redis

    return redis.Redis.from_url(url, health_check_interval=30, **options), False


def _sentinel_primary(url: str, options: dict[str, Any]) -> Any:
    """``redis+sentinel://[:password@]host:port[,host:port]/service[/db]``: the service's current primary.

    The client asks the Sentinels for the primary on (re)connect, so a failover is
    followed without a restart; the same URL form is what the rate limiter reads.
    """
    from redis.sentinel import Sentinel

    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    password = unquote(credentials.partition(":")[2]) or None if credentials else None
    sentinels = []
    for host in hosts.split(","):
        name, _, port = host.partition(":")
        sentinels.append((name, int(port or 26379)))
    path = [segment for segment in parts.path.split("/") if segment]
    if not path:
        raise ConfigError("A Sentinel REDIS_URL names its service: redis+sentinel://host:26379/mymaster")
    sentinel = Sentinel(sentinels, sentinel_kwargs={"socket_timeout": options["socket_timeout"],
                                                    "socket_connect_timeout": options["socket_connect_timeout"]})
    db = int(path[1]) if len(path) > 1 else 0
    return sentinel.master_for(path[0], password=password, db=db, ssl=url.startswith("rediss"), **options)


def supports_script_flags(client: Any, key: str) -> bool:
    """Does ``client``'s server take ``#!lua flags=…`` lines (Redis 7)? Asks it with one EVAL.

    ``key`` is declared (never touched) so that a cluster client knows where to send it.
    """
    try:
        client.eval(_FLAGS_PROBE, 1, key)
    except ResponseError:
        return False
    return True
