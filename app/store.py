"""The Redis store: ciphertext, verifiers, counters and times, nothing else.

Data model (``P`` is the configured prefix, ``{id}`` the secret id as a Redis
Cluster hash tag, so every script below touches one slot):

``P:{id}:s`` – string, TTL = the secret's ttl:
    link verifier (32 bytes) || auth verifier (32 bytes) || ciphertext blob.
    Everything that must vanish when the secret ends is in this one key, so an
    expiry, a burn or the last view removes it in one step.
``P:{id}:r`` – the receipt, a small hash, TTL = ttl + retention (≥ 24 h):
    ``s`` state (waiting, viewed, burned, destroyed, expired), ``n`` views left,
    ``f`` wrong codes, ``h`` has_code (0/1), ``e`` expiry (epoch s),
    ``t`` space-separated epoch seconds of the views.

A string keeps the ciphertext in one allocation and leaves the receipt small
enough for Redis's compact listpack encoding; a single hash holding both would
be a full hashtable (measured: ~460 bytes more per secret). Every state change
a reader can race on is one Lua script: atomic on one Redis and, thanks to the
hash tag, on a cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import NotFound, WrongAccessCode
from .protocol import b64u_encode, new_id

_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = tonumber(ARGV[4])
local exp = tonumber(ARGV[6]) + ttl
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('HSET', KEYS[2], 's', 'waiting', 'n', ARGV[2], 'f', 0, 'h', ARGV[3], 'e', exp, 't', '')
redis.call('EXPIRE', KEYS[2], ttl + tonumber(ARGV[5]))
return 1
"""

_METADATA = """
if redis.call('GETRANGE', KEYS[1], 0, 31) ~= ARGV[1] then return false end
return redis.call('HMGET', KEYS[2], 'h', 'n', 'e')
"""

# Link check, auth check, failure count, destruction, view spend and receipt
# update in one step: parallel wrong guesses cannot pass the limit and
# parallel right ones cannot pass the views. A wrong link proof changes nothing.
_REVEAL = """
local head = redis.call('GETRANGE', KEYS[1], 0, 63)
if #head < 64 or string.sub(head, 1, 32) ~= ARGV[1] then return {0} end
if string.sub(head, 33, 64) ~= ARGV[2] then
  local f = redis.call('HINCRBY', KEYS[2], 'f', 1)
  local left = tonumber(ARGV[4]) - f
  if left <= 0 then
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[2], 's', 'destroyed', 'n', 0)
    return {2, 0}
  end
  return {2, left}
end
local r = redis.call('HMGET', KEYS[2], 'n', 't')
if not r[1] then return {0} end
local n = tonumber(r[1]) - 1
local c = redis.call('GETRANGE', KEYS[1], 64, -1)
if n <= 0 then
  n = 0
  redis.call('DEL', KEYS[1])
end
local t = r[2]
if not t or t == '' then t = ARGV[3] else t = t .. ' ' .. ARGV[3] end
redis.call('HSET', KEYS[2], 's', 'viewed', 'n', n, 't', t)
return {1, c, n}
"""

# A secret whose key is gone while its receipt still says waiting/viewed with
# views left has expired; the receipt records that, so it is reported once.
_RECEIPT = """
local r = redis.call('HMGET', KEYS[2], 's', 'n', 'e', 't')
if not r[1] then return {} end
local fresh = 0
if (r[1] == 'waiting' or r[1] == 'viewed') and tonumber(r[2]) > 0 and redis.call('EXISTS', KEYS[1]) == 0 then
  if r[1] == 'waiting' then fresh = 1 end
  r[1] = 'expired'
  r[2] = '0'
  redis.call('HSET', KEYS[2], 's', 'expired', 'n', 0)
end
return {fresh, r[1], r[2], r[3], r[4]}
"""

_BURN = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[2], 's', 'burned', 'n', 0)
  return 2
end
return 1
"""


def iso(ts: float) -> str:
    """Epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


@dataclass(frozen=True)
class Created:
    id: str
    expires_at: int


@dataclass(frozen=True)
class Metadata:
    has_code: bool
    expires_at: int
    views_left: int


@dataclass(frozen=True)
class Revealed:
    blob: bytes
    views_left: int


@dataclass(frozen=True)
class Receipt:
    state: str
    views_left: int
    viewed_at: list[int]
    expires_at: int
    newly_expired_unread: bool = False


class Store:
    """Secrets in Redis. Raises :class:`NotFound` / :class:`WrongAccessCode`;
    Redis failures surface as :class:`redis.exceptions.RedisError` (mapped to 503
    by the app)."""

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "bl",
        max_failures: int = 5,
        receipt_retention: int = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.max_failures = max_failures
        self.receipt_retention = receipt_retention
        self.clock = clock
        # A full Redis (maxmemory, noeviction) must still let readers spend views, count wrong
        # codes and burn: Redis 7 would refuse those scripts' first growing write, so they carry
        # allow-oom; creation does not, so a full Redis refuses new secrets (503). fakeredis, the
        # embedded store, cannot parse the flag line and has no memory limit to honour.
        flags = "" if type(client).__module__.startswith("fakeredis") else "#!lua flags=allow-oom\n"
        self._create = client.register_script(_CREATE)
        self._metadata = client.register_script(_METADATA)
        self._reveal = client.register_script(flags + _REVEAL)
        self._receipt = client.register_script(flags + _RECEIPT)
        self._burn = client.register_script(flags + _BURN)

    def keys(self, secret_id: str) -> list[str]:
        """The secret's and its receipt's key; one hash tag so they share a slot."""
        return [f"{self.prefix}:{{{secret_id}}}:s", f"{self.prefix}:{{{secret_id}}}:r"]

    def create(self, blob: bytes, link_verifier: bytes, auth_verifier: bytes, *, ttl: int, views: int, has_code: bool) -> Created:
        """Store a new secret under a fresh random id."""
        now = int(self.clock())
        for _ in range(3):  # 128-bit ids never collide in practice; the check is cheap insurance
            secret_id = b64u_encode(new_id())
            args = [link_verifier + auth_verifier + blob, views, int(has_code), ttl, self.receipt_retention, now]
            if self._create(keys=self.keys(secret_id), args=args):
                return Created(secret_id, now + ttl)
        raise RuntimeError("could not allocate a secret id")

    def metadata(self, secret_id: str, link_verifier: bytes) -> Metadata:
        """What a link holder may know before reading; consumes nothing."""
        row = self._metadata(keys=self.keys(secret_id), args=[link_verifier])
        if not row or row[0] is None:
            raise NotFound()
        has_code, views, expires = row
        return Metadata(has_code == b"1", int(expires), int(views))

    def reveal(self, secret_id: str, link_verifier: bytes, auth_verifier: bytes) -> Revealed:
        """Spend one view atomically, or count one wrong code, or change nothing."""
        now = int(self.clock())
        result = self._reveal(keys=self.keys(secret_id), args=[link_verifier, auth_verifier, now, self.max_failures])
        if result[0] == 1:
            return Revealed(bytes(result[1]), int(result[2]))
        if result[0] == 2:
            left = int(result[1])
            if left == 0:
                detail = "Wrong access code. That was the last try: the secret has been destroyed."
            else:
                detail = f"Wrong access code. {left} {'try' if left == 1 else 'tries'} left before the secret is destroyed."
            raise WrongAccessCode(detail, attempts_left=left)
        raise NotFound()

    def receipt(self, secret_id: str) -> Receipt:
        """State and times only; outlives the secret by the retention period."""
        row = self._receipt(keys=self.keys(secret_id), args=[])
        if not row:
            raise NotFound("No receipt for this secret (unknown id, or its receipt has expired).")
        fresh, state, views, expires, times = row
        viewed = [int(t) for t in times.decode().split()] if times else []
        return Receipt(state.decode(), int(views), viewed, int(expires), bool(fresh))

    def burn(self, secret_id: str) -> bool:
        """Delete the ciphertext now; ``False`` (a no-op) for a secret that had already ended."""
        result = self._burn(keys=self.keys(secret_id), args=[])
        if not result:
            raise NotFound("No such secret (unknown id, or its receipt has expired).")
        return result == 2

    def ping(self) -> bool:
        return bool(self.client.ping())


def connect(url: str | None, *, timeout: float = 2.0) -> tuple[Any, bool]:
    """A Redis client for ``url``, or an embedded in-memory one when ``url`` is empty.

    Returns ``(client, embedded)``. Commands are never retried: a retried reveal
    whose first attempt ran but whose answer was lost would spend a second view.
    """
    if not url:
        import fakeredis

        return fakeredis.FakeRedis(server=fakeredis.FakeServer()), True
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "health_check_interval": 30,
    }
    if url.startswith(("redis+sentinel://", "rediss+sentinel://")):
        return _sentinel_primary(url, options), False
    if url.startswith(("redis+cluster://", "rediss+cluster://")):
        from redis.cluster import RedisCluster

        real = url.replace("+cluster", "", 1)
        options.pop("health_check_interval")
        return RedisCluster.from_url(real, **options), False
    import redis

    return redis.Redis.from_url(url, **options), False


def _sentinel_primary(url: str, options: dict[str, Any]) -> Any:
    """``redis+sentinel://[:password@]host:port[,host:port]/service[/db]``: the service's current primary.

    The client asks the Sentinels for the primary on (re)connect, so a failover is
    followed without a restart; the same URL form is what the rate limiter reads.
    """
    from urllib.parse import unquote, urlsplit

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
        from .config import ConfigError

        raise ConfigError("A Sentinel REDIS_URL names its service: redis+sentinel://host:26379/mymaster")
    options = {k: v for k, v in options.items() if k != "health_check_interval"}
    sentinel = Sentinel(sentinels, sentinel_kwargs={"socket_timeout": options["socket_timeout"],
                                                    "socket_connect_timeout": options["socket_connect_timeout"]})
    db = int(path[1]) if len(path) > 1 else 0
    return sentinel.master_for(path[0], password=password, db=db, ssl=url.startswith("rediss"), **options)
