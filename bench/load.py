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


def burnlink_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    conn.request("POST", "/api/v1/secrets", body=bodies["create"], headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    t1 = time.perf_counter()
    ok = response.status == 201
    conn.request("POST", f"/api/v1/secrets/{data['id']}/reveal", body=bodies["reveal"],
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, ok and response.status == 200


def snappass_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    conn.request("POST", "/", body=bodies["create"],
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    t1 = time.perf_counter()
    ok = response.status == 200
    path = urllib.parse.urlsplit(data["link"]).path
    conn.request("POST", path, body=b"", headers={"Content-Length": "0"})
    response = conn.getresponse()
    response.read()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, ok and response.status == 200


def ceiling_ops(conn: http.client.HTTPConnection, bodies: dict[str, Any]) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    conn.request("POST", "/c", body=bodies["create"])
    response = conn.getresponse()
    sid = response.read().decode()
    t1 = time.perf_counter()
    ok = response.status == 201
    conn.request("POST", f"/r/{sid}", body=b"", headers={"Content-Length": "0"})
    response = conn.getresponse()
    response.read()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, ok and response.status == 200


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
        return {"create": json.dumps(create), "reveal": json.dumps({"link": p.b64u_encode(keys.link),
                                                                    "auth": p.b64u_encode(keys.auth)})}
    if target == "snappass":
        return {"create": urllib.parse.urlencode({"password": SECRET, "ttl": "hour"})}
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
