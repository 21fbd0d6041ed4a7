"""Secrets in Redis: ciphertext, verifiers, counters and times, nothing else.

Data model (``P`` is the configured prefix, ``{id}`` the secret id as a Redis
Cluster hash tag, so every script touches one slot):

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
a reader can race on is one Lua script (``scripts/*.lua``): atomic on one Redis
and, thanks to the hash tag, on a cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import NotFound, WrongAccessCode
from ..core.protocol import b64u_encode, new_id
from .connection import supports_script_flags
from .records import Created, Metadata, Receipt, Revealed

SCRIPTS = Path(__file__).with_name("scripts")
# A full Redis (maxmemory, noeviction) must still let readers spend views, count wrong codes
# and burn: Redis 7 refuses a script's first growing write unless it carries allow-oom.
# Creation does not, so a full Redis refuses new secrets (503) but never strands old ones.
_ALLOW_OOM = ("reveal", "receipt", "burn")
_PLAIN = ("create", "metadata")


class Store:
    """Secrets in Redis.

    Raises :class:`~app.core.errors.NotFound` and
    :class:`~app.core.errors.WrongAccessCode`; Redis failures surface as
    :class:`redis.exceptions.RedisError` for the caller to map.
    """

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
        self._scripts: dict[str, Any] | None = None

    def _script(self, name: str) -> Any:
        """The registered script ``name``; the first call asks the server whether it takes flags."""
        if self._scripts is None:
            flags = "#!lua flags=allow-oom\n" if supports_script_flags(self.client, f"{self.prefix}:probe") else ""
            scripts = {}
            for script in _ALLOW_OOM + _PLAIN:
                source = (SCRIPTS / f"{script}.lua").read_text(encoding="utf-8")
                scripts[script] = self.client.register_script((flags if script in _ALLOW_OOM else "") + source)
            self._scripts = scripts
        return self._scripts[name]

    def keys(self, secret_id: str) -> list[str]:
        """The secret's and its receipt's key; one hash tag so they share a slot."""
        return [f"{self.prefix}:{{{secret_id}}}:s", f"{self.prefix}:{{{secret_id}}}:r"]

    def create(self, blob: bytes, link_verifier: bytes, auth_verifier: bytes, *, ttl: int, views: int, has_code: bool) -> Created:
        """Store a new secret under a fresh random id."""
        now = int(self.clock())
        for _ in range(3):  # 128-bit ids never collide in practice; the check is cheap insurance
            secret_id = b64u_encode(new_id())
            args = [link_verifier + auth_verifier + blob, views, int(has_code), ttl, self.receipt_retention, now]
            if self._script("create")(keys=self.keys(secret_id), args=args):
                return Created(secret_id, now + ttl)
        raise RuntimeError("could not allocate a secret id")

    def metadata(self, secret_id: str, link_verifier: bytes) -> Metadata:
        """What a link holder may know before reading; consumes nothing."""
        row = self._script("metadata")(keys=self.keys(secret_id), args=[link_verifier])
        if not row or row[0] is None:
            raise NotFound()
        has_code, views, expires = row
        return Metadata(has_code == b"1", int(expires), int(views))

    def reveal(self, secret_id: str, link_verifier: bytes, auth_verifier: bytes) -> Revealed:
        """Spend one view atomically, or count one wrong code, or change nothing."""
        now = int(self.clock())
        result = self._script("reveal")(keys=self.keys(secret_id), args=[link_verifier, auth_verifier, now, self.max_failures])
        if result[0] == 1:
            return Revealed(bytes(result[1]), int(result[2]))
        if result[0] == 2:
            raise WrongAccessCode(int(result[1]))
        raise NotFound()

    def receipt(self, secret_id: str) -> Receipt:
        """State and times only; outlives the secret by the retention period."""
        row = self._script("receipt")(keys=self.keys(secret_id), args=[])
        if not row:
            raise NotFound(receipt=True)
        fresh, state, views, expires, times = row
        viewed = [int(t) for t in times.decode().split()] if times else []
        return Receipt(state.decode(), int(views), viewed, int(expires), bool(fresh))

    def burn(self, secret_id: str) -> bool:
        """Delete the ciphertext now; ``False`` (a no-op) for a secret that had already ended."""
        result = self._script("burn")(keys=self.keys(secret_id), args=[])
        if not result:
            raise NotFound(receipt=True)
        return result == 2

    def ping(self) -> bool:
        return bool(self.client.ping())
