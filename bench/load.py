"""Load generator: create+reveal cycles against one target, in its own processes.

Usage: python bench/load.py TARGET URL --seconds 10 --procs 2 --threads 4 --out result.json
TARGET is burnlink, snappass or ceiling. Keep-alive HTTP/1.1 connections (http.client),
a 1 KiB secret, bounded in time; prints and writes counts and latencies.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import threading
import time
import urllib.parse
from typing import Any

SECRET = "x" * 1024


def exchange(conn: http.client.HTTPConnection, method: str, path: str, body: Any = b"",
             headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """One request on a kept-alive connection: status, body, seconds."""
    started = time.perf_counter()
    conn.request(method, path, body=body, headers={"Content-Length": str(len(body)), **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def burnlink_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    json_type = {"Content-Type": "application/json"}
    status, data, create = exchange(conn, "POST", "/api/v1/secrets", bodies["create"], json_type)
    sid = json.loads(data)["id"]
    status2, _, reveal = exchange(conn, "POST", f"/api/v1/secrets/{sid}/reveal", bodies["reveal"], json_type)
    return create, reveal, status == 201 and status2 == 200


def snappass_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    status, data, create = exchange(conn, "POST", "/", bodies["create"], form)
    path = urllib.parse.urlsplit(json.loads(data)["link"]).path
    status2, _, reveal = exchange(conn, "POST", path)
    return create, reveal, status == 200 and status2 == 200


def ceiling_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    status, data, create = exchange(conn, "POST", "/c", bodies["create"])
    status2, _, reveal = exchange(conn, "POST", f"/r/{data.decode()}")
    return create, reveal, status == 201 and status2 == 200


def bodies_for(target: str) -> dict[str, Any]:
    if target == "burnlink":
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from app import protocol as p

        # Sealed once, outside the timing: the server cannot tell repeated ciphertexts apart,
        # and the client-side crypto is measured on its own by browser_crypto.py.
        sealed = p.seal_payload(p.make_payload(text=SECRET))
        keys = p.derive_keys(sealed.key)
        create = {"ciphertext": p.b64u_encode(sealed.blob), "link_verifier": p.b64u_encode(sealed.link_verifier),
                  "auth_verifier": p.b64u_encode(sealed.auth_verifier), "ttl": 3600, "views": 1, "has_code": False}
        return {"create": json.dumps(create).encode(),
                "reveal": json.dumps({"link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}).encode()}
    if target == "snappass":
        return {"create": urllib.parse.urlencode({"password": SECRET, "ttl": "hour"}).encode()}
    return {"create": b"\0" * (len(SECRET) + 28 + 64)}


OPS = {"burnlink": burnlink_ops, "snappass": snappass_ops, "ceiling": ceiling_ops}


def worker(target: str, url: str, seconds: float, threads: int, queue: Any) -> None:
    parts = urllib.parse.urlsplit(url)
    bodies = bodies_for(target)
    op = OPS[target]
    results: list[tuple[float, float, bool]] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        local = []
        while time.monotonic() < deadline:
            try:
                local.append(op(conn, bodies))
            except Exception:  # a broken connection is an error, then a fresh connection
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        with lock:
            results.extend(local)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((results, errors[0]))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(target: str, url: str, seconds: float, procs: int, threads: int) -> dict[str, Any]:
    queue: Any = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(target, url, seconds, threads, queue)) for _ in range(procs)]
    started = time.perf_counter()
    for process in workers:
        process.start()
    collected = [queue.get() for _ in workers]
    for process in workers:
        process.join()
    elapsed = time.perf_counter() - started
    results = [r for part, _ in collected for r in part]
    errors = sum(e for _, e in collected) + sum(1 for r in results if not r[2])
    creates = [r[0] * 1000 for r in results]
    reveals = [r[1] * 1000 for r in results]
    ok = sum(1 for r in results if r[2])
    return {
        "target": target, "seconds": round(elapsed, 2), "cycles": ok, "errors": errors,
        "cycles_per_s": round(ok / seconds, 1),
        "create_ms": {q: round(percentile(creates, v), 2) for q, v in (("p50", .5), ("p95", .95), ("p99", .99))},
        "reveal_ms": {q: round(percentile(reveals, v), 2) for q, v in (("p50", .5), ("p95", .95), ("p99", .99))},
        "create_mean_ms": round(statistics.fmean(creates), 2) if creates else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=sorted(OPS))
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out")
    args = parser.parse_args()
    summary = run(args.target, args.url, args.seconds, args.procs, args.threads)
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(summary, handle)
