"""Load generator: create+reveal cycles against one target, in its own processes.

Usage: python bench/load.py TARGET URL [--seconds 10] [--procs 2] [--threads 4] [--max-cycles N] [--out FILE]

TARGET is one of :data:`OPS`. Each thread keeps one HTTP/1.1 connection alive (http.client),
stores a 1 KiB secret and reads it back, until the time or the cycle budget runs out; the
summary (cycles/s, p50/p95/p99 of create and of reveal, errors) is printed as one JSON line.

- ``burnlink``: POST /api/v1/secrets with a client-side sealed 1 KiB secret (sealed once, before
  timing: no access code, so no PBKDF2 in the loop), then POST .../reveal with the precomputed
  link/auth proofs.
- ``snappass``: its form POST to / (``password``, ``ttl``; ``Accept: application/json`` gets the
  link as JSON), then what its reveal is: GET of the link (the preview page, an EXISTS) and POST
  of the link (GET + DELETE, decrypt, render).
- ``snappass-post``: the same, but the reveal is the POST alone (for comparison only).
- ``ceiling``: bench/ceiling.py's POST /c and POST /r/<id>.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

SECRET = "x" * 1024
Conn = http.client.HTTPConnection
Op = Callable[[Conn, dict[str, Any]], tuple[float, float, bool]]


def exchange(conn: Conn, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """One request on a kept-alive connection: status, body, seconds."""
    started = time.perf_counter()
    conn.request(method, path, body=body, headers={"Content-Length": str(len(body)), **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def burnlink_ops(conn: Conn, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    json_type = {"Content-Type": "application/json"}
    status, data, create = exchange(conn, "POST", "/api/v1/secrets", bodies["create"], json_type)
    if status != 201:
        return create, 0.0, False
    sid = json.loads(data)["id"]
    status2, _, reveal = exchange(conn, "POST", f"/api/v1/secrets/{sid}/reveal", bodies["reveal"], json_type)
    return create, reveal, status2 == 200


def _snappass(conn: Conn, bodies: dict[str, Any], preview: bool) -> tuple[float, float, bool]:
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    status, data, create = exchange(conn, "POST", "/", bodies["create"], form)
    if status != 200:
        return create, 0.0, False
    path = urllib.parse.urlsplit(json.loads(data)["link"]).path
    reveal, ok = 0.0, True
    if preview:  # the recipient's browser first GETs the link (a preview page with a button)
        status1, _, reveal = exchange(conn, "GET", path)
        ok = status1 == 200
    status2, _, seconds = exchange(conn, "POST", path)
    return create, reveal + seconds, ok and status2 == 200


def snappass_ops(conn: Conn, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    return _snappass(conn, bodies, preview=True)


def snappass_post_ops(conn: Conn, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    return _snappass(conn, bodies, preview=False)


def ceiling_ops(conn: Conn, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    status, data, create = exchange(conn, "POST", "/c", bodies["create"])
    if status != 201:
        return create, 0.0, False
    status2, _, reveal = exchange(conn, "POST", f"/r/{data.decode()}")
    return create, reveal, status2 == 200


def bodies_for(target: str) -> dict[str, Any]:
    """Request bodies, made before any timing."""
    if target == "burnlink":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from app.core import payload as payloads
        from app.core import protocol as p

        # Sealed once: the server cannot tell repeated ciphertexts apart, and the client-side
        # crypto is measured on its own by bench/browser_crypto.py.
        sealed = payloads.seal_payload(payloads.make_payload(text=SECRET))
        keys = p.derive_keys(sealed.key)
        create = {"ciphertext": p.b64u_encode(sealed.blob), "link_verifier": p.b64u_encode(sealed.link_verifier),
                  "auth_verifier": p.b64u_encode(sealed.auth_verifier), "ttl": 3600, "views": 1, "has_code": False}
        return {"create": json.dumps(create).encode(),
                "reveal": json.dumps({"link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}).encode()}
    if target.startswith("snappass"):
        return {"create": urllib.parse.urlencode({"password": SECRET, "ttl": "hour"}).encode()}
    # The record burnlink would store: verifiers (64 bytes) || a sealed 1 KiB payload
    # (IV 12 + {"v":1,"kind":"text","text":""} 31 + text + tag 16).
    return {"create": b"\0" * (64 + 12 + 31 + len(SECRET) + 16)}


OPS: dict[str, Op] = {"burnlink": burnlink_ops, "snappass": snappass_ops, "snappass-post": snappass_post_ops,
                      "ceiling": ceiling_ops}


def worker(target: str, url: str, seconds: float, threads: int, max_cycles: int, queue: Any) -> None:
    """One load process: ``threads`` keep-alive connections, each looping create+reveal."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    bodies = bodies_for(target)
    op = OPS[target]
    results: list[tuple[float, float, bool]] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = max(1, max_cycles // threads)

    def loop() -> None:
        conn = Conn(host, port, timeout=10)
        local: list[tuple[float, float, bool]] = []
        while time.monotonic() < deadline and len(local) < budget:
            try:
                local.append(op(conn, bodies))
            except Exception:  # a broken connection counts as an error, then a fresh one
                with lock:
                    errors[0] += 1
                conn.close()
                conn = Conn(host, port, timeout=10)
        conn.close()
        with lock:
            results.extend(local)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((results, errors[0]))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def quantiles(values: list[float]) -> dict[str, float]:
    return {name: round(percentile(values, q), 2) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}


def run(target: str, url: str, seconds: float, procs: int, threads: int, max_cycles: int) -> dict[str, Any]:
    """Run ``procs`` load processes for ``seconds`` and summarise them."""
    queue: Any = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(target, url, seconds, threads, max_cycles // procs, queue))
               for _ in range(procs)]
    started = time.perf_counter()
    for process in workers:
        process.start()
    collected = [queue.get() for _ in workers]
    for process in workers:
        process.join()
    elapsed = time.perf_counter() - started
    results = [r for part, _ in collected for r in part]
    good = [r for r in results if r[2]]
    errors = sum(e for _, e in collected) + len(results) - len(good)
    return {
        "target": target, "seconds": round(elapsed, 2), "cycles": len(good), "errors": errors,
        "cycles_per_s": round(len(good) / seconds, 1), "connections": procs * threads,
        "create_ms": quantiles([r[0] * 1000 for r in good]),
        "reveal_ms": quantiles([r[1] * 1000 for r in good]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=sorted(OPS))
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-cycles", type=int, default=200_000, help="stop early after this many cycles in all")
    parser.add_argument("--out")
    args = parser.parse_args()
    summary = run(args.target, args.url, args.seconds, args.procs, args.threads, args.max_cycles)
    print(json.dumps(summary))
    if args.out:
        Path(args.out).write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
