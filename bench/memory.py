"""Redis memory per stored secret, all in, and the ciphertext's own expiry, on one Redis or a 3-primary Cluster.

Usage: python bench/memory.py [--cluster] [--small 10000] [--large 2000]

Each size is measured on a fresh private server (``redis-server`` on a free loopback port, no
persistence, ``noeviction``; or a real 3-primary Redis Cluster, tests/support/cluster.py) with
its ``burnlink worker`` running and the audit trail off (``BURNLINK_AUDIT_RETENTION=0``), as the
issue asks. The secrets are made by ``app.store.Store.from_config`` with the settings the worker
reads (production key prefix, no targets, no creator, no client facts: what an anonymous API create
stores), so nothing goes to the shards' streams or due indexes. Two measures per secret:

- ``MEMORY USAGE key SAMPLES 0`` of every key the secret owns (``Store.keys``: its ``:s`` key,
  a string or a hash of pieces, and its ``:r`` receipt), plus its share of every other key of the
  prefix (the shards' streams, due indexes, retry schedules: their summed usage after minus before,
  over the count; every key is found by SCAN on each primary, so a key the layout adds is counted);
- ``INFO memory`` ``used_memory`` after minus before (each read after a short settle and ``MEMORY
  PURGE``; summed over the primaries), over the count: this adds what MEMORY USAGE leaves out,
  the expiry index's entry for each key, both hash tables' bucket arrays and the allocator's
  rounding of the keyspace entries. ``table_overhead_per_secret`` beside it is the growth of
  ``MEMORY STATS`` db.0 ``overhead.hashtable.main`` + ``.expires`` (entries and buckets of both
  tables; it overlaps MEMORY USAGE, which counts each key's keyspace entry).

Then, on another fresh server with no worker at all, :func:`expiry` makes 100 secrets with
``ttl=1`` (half 1 KiB strings, half 64 KiB hashes of pieces) and, without touching their keys,
polls the servers' ``expired_keys`` counter until Redis's active expiry has removed every ``:s``
key (bounded); then checks that no ``:s`` key is left and every receipt is.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis
from harness import RESULTS, ROOT

from app.core.config import Config, load_config
from app.store import Store, connect
from tests.support import RedisProcess, wait_for
from tests.support.cluster import RedisCluster

PREFIX = "bl"  # the production default: key names are part of what a secret costs
SIZES = {1024: 10_000, 65_536: 2_000}  # ciphertext bytes: how many secrets
EXPIRY_SECRETS = 100
SETTLE = 1.5  # seconds for incremental rehashing, lazy frees and idle client buffers to finish


def target_bytes(size: int) -> int:
    """The issue's budget: ciphertext + 250 B up to 1 KiB, ciphertext + 3 % above."""
    return size + 250 if size <= 1024 else int(size * 1.03)


class Backend:
    """A fresh private Redis (or 3-primary Cluster), the app's own client for it, one plain client per primary."""

    def __init__(self, cluster: bool) -> None:
        self.cluster = cluster
        if cluster:
            self.server: Any = RedisCluster().start()
            ports, self.pids = self.server.ports, [node.proc.pid for node in self.server.nodes]
        else:
            self.server = RedisProcess(extra=("--maxmemory-policy", "noeviction")).start()
            ports, self.pids = [self.server.port], [self.server.proc.pid]
        self.url = self.server.url
        try:
            self._connect()
        except BaseException:
            self.server.stop()
            raise
        self.nodes = [redis.Redis(host="127.0.0.1", port=port) for port in ports]
        self.worker: subprocess.Popen | None = None

    def _connect(self) -> None:
        self.environ = {"REDIS_URL": self.url, "SECRET_KEY": secrets.token_urlsafe(32), "BURNLINK_ENV": "production",
                        "BASE_URL": "http://127.0.0.1:9", "BURNLINK_KEY_PREFIX": PREFIX, "BURNLINK_AUDIT_RETENTION": "0"}
        self.config: Config = load_config(self.environ)
        self.client, _ = connect(self.url, timeout=self.config.redis_timeout)
        self.store = Store.from_config(self.client, self.config)

    def start_worker(self, log: Path) -> None:
        """``burnlink worker`` with the same settings; returns once it has made every shard's stream and group."""
        with log.open("wb") as out:
            self.worker = subprocess.Popen([str(Path(sys.executable).with_name("burnlink")), "worker"], cwd=ROOT,
                                           env={**os.environ, **self.environ}, stdout=out, stderr=subprocess.STDOUT,
                                           start_new_session=True)
        shards = len(self.store.shards())
        wait_for(lambda: self.worker.poll() is None and len([k for k in self.usage() if k.endswith(":ev")]) == shards,
                 timeout=30, interval=0.2, what="the worker's streams")

    def usage(self) -> dict[str, int]:
        """``MEMORY USAGE … SAMPLES 0`` of every key of the prefix, on every primary."""
        out: dict[str, int] = {}
        for node in self.nodes:
            keys = list(node.scan_iter(match=f"{PREFIX}:*", count=1000))
            pipe = node.pipeline(transaction=False)
            for key in keys:
                pipe.memory_usage(key, samples=0)
            out.update({k.decode(): int(v or 0) for k, v in zip(keys, pipe.execute(), strict=True)})
        return out

    def used_memory(self) -> int:
        """``used_memory`` summed over the primaries, after a settle and ``MEMORY PURGE``."""
        time.sleep(SETTLE)
        for node in self.nodes:
            node.memory_purge()
        return sum(node.info("memory")["used_memory"] for node in self.nodes)

    def table_overhead(self) -> int:
        """``MEMORY STATS`` db.0 hash-table overhead (the keyspace's and the expiry index's), summed."""
        total = 0
        for node in self.nodes:
            db = node.memory_stats().get("db.0") or {}
            total += int(db.get("overhead.hashtable.main", 0)) + int(db.get("overhead.hashtable.expires", 0))
        return total

    def encoding(self, key: str) -> str:
        for node in self.nodes:
            try:
                found = node.object("encoding", key)
            except redis.ResponseError:  # MOVED: another primary holds it
                continue
            if found:
                return found.decode() if isinstance(found, bytes) else str(found)
        return ""

    def expired_keys(self) -> int:
        return sum(node.info("stats")["expired_keys"] for node in self.nodes)

    def stop(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(timeout=5)
        self.client.close()
        for node in self.nodes:
            node.close()
        self.server.stop()


def create(store: Store, size: int, *, ttl: int) -> str:
    """One secret as an anonymous API create stores it (no targets: ``deliver`` is off with the audit trail off)."""
    return store.create(os.urandom(size), os.urandom(32), os.urandom(32), ttl=ttl, views=1, has_code=False,
                        deliver=False).id


def per_size(cluster: bool, size: int, count: int) -> dict[str, Any]:
    """Both measures for ``count`` secrets of ``size`` ciphertext bytes on a fresh server with its worker running."""
    backend = Backend(cluster)
    try:
        backend.start_worker(RESULTS / f"worker-memory-{'cluster' if cluster else 'redis'}-{size}.log")
        # Script loading and connection buffers are paid once per server, not per secret.
        for secret_id in [create(backend.store, size, ttl=3600) for _ in range(3)]:
            backend.client.delete(*backend.store.keys(secret_id))
        used_before = backend.used_memory()
        tables_before = backend.table_overhead()
        others_before = backend.usage()
        started = time.monotonic()
        ids = [create(backend.store, size, ttl=3600) for _ in range(count)]
        create_s = time.monotonic() - started
        used_after = backend.used_memory()
        tables_after = backend.table_overhead()
        usage = backend.usage()
        own = {key for secret_id in ids for key in backend.store.keys(secret_id)}
        missing = [key for key in own if key not in usage]
        if missing:
            raise RuntimeError(f"{len(missing)} keys of the secrets were not found, e.g. {missing[0]}")
        secret_part = sum(usage[backend.store.keys(i)[0]] for i in ids) / count
        receipt_part = sum(usage[backend.store.keys(i)[1]] for i in ids) / count
        others_after = {key: n for key, n in usage.items() if key not in own}
        shard_share = (sum(others_after.values()) - sum(others_before.values())) / count
        per_secret = secret_part + receipt_part + shard_share
        used = (used_after - used_before) / count
        target = target_bytes(size)
        first = backend.store.keys(ids[0])
        return {
            "backend": "3-primary Redis Cluster" if cluster else "Redis", "ciphertext": size, "secrets": count,
            "target_bytes": target, "target_over_ciphertext": target - size,
            "memory_usage": {"per_secret": round(per_secret, 1), "secret_key": round(secret_part, 1),
                             "receipt_key": round(receipt_part, 1), "shard_keys_share": round(shard_share, 2),
                             "over_ciphertext": round(per_secret - size, 1),
                             "over_percent": round(100 * (per_secret - size) / size, 2), "met": per_secret <= target},
            "used_memory": {"per_secret": round(used, 1), "over_ciphertext": round(used - size, 1),
                            "over_percent": round(100 * (used - size) / size, 2), "met": used <= target,
                            "table_overhead_per_secret": round((tables_after - tables_before) / count, 1)},
            "encodings": {"s": backend.encoding(first[0]), "r": backend.encoding(first[1])},
            "other_keys": {"before": len(others_before), "after": len(others_after),
                           "bytes_before": sum(others_before.values()), "bytes_after": sum(others_after.values())},
            "worker_running": backend.worker is not None and backend.worker.poll() is None,
            "create_seconds": round(create_s, 1),
        }
    finally:
        backend.stop()


def expiry(cluster: bool, count: int = EXPIRY_SECRETS, limit: float = 10.0) -> dict[str, Any]:
    """``ttl=1`` secrets on a server no worker ever ran against: Redis alone must remove every ``:s`` key."""
    backend = Backend(cluster)
    try:
        before = backend.expired_keys()
        ids = [create(backend.store, 1024 if n % 2 else 65_536, ttl=1) for n in range(count)]
        made = time.monotonic()
        # The keys are not read while waiting: a read would expire them itself (lazily).
        while backend.expired_keys() - before < count and time.monotonic() - made < limit:
            time.sleep(0.1)
        expired = backend.expired_keys() - before
        waited = time.monotonic() - made
        left = sum(backend.client.exists(backend.store.keys(i)[0]) for i in ids)
        receipts = sum(backend.client.exists(backend.store.keys(i)[1]) for i in ids)
        ttls = [backend.client.ttl(backend.store.keys(i)[1]) for i in ids[:5]]
        return {"backend": "3-primary Redis Cluster" if cluster else "Redis", "secrets": count, "ttl_s": 1,
                "worker_running": False, "removed_by_redis_expiry": expired, "seconds_after_last_create": round(waited, 2),
                "s_keys_left": left, "receipts_left": receipts, "receipt_ttl_s_sample": ttls,
                "met": expired >= count and left == 0 and receipts == count}
    finally:
        backend.stop()


def measure(cluster: bool = False, sizes: dict[int, int] | None = None) -> dict[str, Any]:
    """Both sizes and the expiry check on one kind of backend."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {str(size): per_size(cluster, size, count) for size, count in (sizes or SIZES).items()}
    out["expiry"] = expiry(cluster)
    return out


def table(results: list[dict[str, Any]]) -> str:
    """A markdown table of :func:`measure`'s results (one or both backends)."""
    lines = ["| backend | ciphertext × secrets | MEMORY USAGE per secret (`:s` + `:r` + shard share) | over ciphertext | "
             "used_memory delta per secret | over ciphertext | target | met (MEMORY USAGE / used_memory) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for result in results:
        for key, m in result.items():
            if key == "expiry":
                continue
            u, d = m["memory_usage"], m["used_memory"]
            lines.append(f"| {m['backend']} | {m['ciphertext']:,} B × {m['secrets']:,} | {u['per_secret']:,.0f} B "
                         f"({u['secret_key']:,.0f} + {u['receipt_key']:,.0f} + {u['shard_keys_share']:,.1f}) | "
                         f"+{u['over_ciphertext']:,.0f} B ({u['over_percent']} %) | {d['per_secret']:,.0f} B | "
                         f"+{d['over_ciphertext']:,.0f} B ({d['over_percent']} %) | ≤ +{m['target_over_ciphertext']:,} B | "
                         f"{'yes' if u['met'] else 'no'} / {'yes' if d['met'] else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cluster", action="store_true", help="also measure on a 3-primary Redis Cluster")
    parser.add_argument("--small", type=int, default=SIZES[1024], help="how many 1 KiB secrets")
    parser.add_argument("--large", type=int, default=SIZES[65_536], help="how many 64 KiB secrets")
    args = parser.parse_args()
    sizes = {1024: args.small, 65_536: args.large}
    results = [measure(False, sizes)]
    if args.cluster:
        results.append(measure(True, sizes))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}-memory.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
