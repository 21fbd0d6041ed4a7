"""Load generator: create+reveal cycles against one target, in its own processes.

Usage: python bench/load.py TARGET URL [--seconds 10] [--procs 2] [--threads 4] [--max-cycles N] [--out FILE]
       [--metadata] [--notify-url URL --notify-secret WHSEC] [--reveals FILE] [--rate N]

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

burnlink only: ``--metadata`` adds the link holder's GET /api/v1/secrets/<id> (with the link
proof) between create and reveal, as the reveal page does; ``--notify-url`` puts a webhook
target in every create body; ``--reveals FILE`` writes ``{id: wall-clock time the reveal's answer
arrived}`` of every completed cycle, for bench/notify.py to time the deliveries against.
``--rate N`` paces the threads to about N cycles/s in all instead of as fast as they can.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

SECRET = "x" * 1024
Conn = http.client.HTTPConnection


class Cycle(NamedTuple):
    """One cycle as the client saw it: seconds per operation, whether it all worked, and (burnlink) its id."""

    create: float
    reveal: float
    ok: bool
    metadata: float = 0.0
    sid: str = ""
    revealed_at: float = 0.0  # wall clock, comparable across this machine's processes


Op = Callable[[Conn, dict[str, Any]], Cycle]


def exchange(conn: Conn, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """One request on a kept-alive connection: status, body, seconds."""
    started = time.perf_counter()
    conn.request(method, path, body=body, headers={"Content-Length": str(len(body)), **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def burnlink_ops(conn: Conn, bodies: dict[str, Any]) -> Cycle:
    json_type = {"Content-Type": "application/json"}
    status, data, create = exchange(conn, "POST", "/api/v1/secrets", bodies["create"], json_type)
    if status != 201:
        return Cycle(create, 0.0, False)
    sid = json.loads(data)["id"]
    metadata, ok = 0.0, True
    if bodies["metadata"]:
        status1, _, metadata = exchange(conn, "GET", f"/api/v1/secrets/{sid}", headers=bodies["link_header"])
        ok = status1 == 200
    status2, _, reveal = exchange(conn, "POST", f"/api/v1/secrets/{sid}/reveal", bodies["reveal"], json_type)
    return Cycle(create, reveal, ok and status2 == 200, metadata, sid, time.time())


def _snappass(conn: Conn, bodies: dict[str, Any], preview: bool) -> Cycle:
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    status, data, create = exchange(conn, "POST", "/", bodies["create"], form)
    if status != 200:
        return Cycle(create, 0.0, False)
    path = urllib.parse.urlsplit(json.loads(data)["link"]).path
    reveal, ok = 0.0, True
    if preview:  # the recipient's browser first GETs the link (a preview page with a button)
        status1, _, reveal = exchange(conn, "GET", path)
        ok = status1 == 200
    status2, _, seconds = exchange(conn, "POST", path)
    return Cycle(create, reveal + seconds, ok and status2 == 200)


def snappass_ops(conn: Conn, bodies: dict[str, Any]) -> Cycle:
    return _snappass(conn, bodies, preview=True)


def snappass_post_ops(conn: Conn, bodies: dict[str, Any]) -> Cycle:
    return _snappass(conn, bodies, preview=False)


def ceiling_ops(conn: Conn, bodies: dict[str, Any]) -> Cycle:
    status, data, create = exchange(conn, "POST", "/c", bodies["create"])
    if status != 201:
        return Cycle(create, 0.0, False)
    status2, _, reveal = exchange(conn, "POST", f"/r/{data.decode()}")
    return Cycle(create, reveal, status2 == 200)


def bodies_for(target: str, options: dict[str, Any]) -> dict[str, Any]:
    """Request bodies, made before any timing; ``options`` as :func:`main` parsed them."""
    if target == "burnlink":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from app.core import payload as payloads
        from app.core import protocol as p
        from app.core.wire import LINK_HEADER

        # Sealed once: the server cannot tell repeated ciphertexts apart, and the client-side
        # crypto is measured on its own by bench/browser_crypto.py.
        sealed = payloads.seal_payload(payloads.make_payload(text=SECRET))
        keys = p.derive_keys(sealed.key)
        create: dict[str, Any] = {"ciphertext": p.b64u_encode(sealed.blob), "link_verifier": p.b64u_encode(sealed.link_verifier),
                                  "auth_verifier": p.b64u_encode(sealed.auth_verifier), "ttl": 3600, "views": 1, "has_code": False}
        if options.get("notify_url"):
            create["notify"] = [{"type": "webhook", "url": options["notify_url"], "secret": options["notify_secret"]}]
        return {"create": json.dumps(create).encode(),
                "reveal": json.dumps({"link": p.b64u_encode(keys.link), "auth": p.b64u_encode(keys.auth)}).encode(),
                "metadata": bool(options.get("metadata")), "link_header": {LINK_HEADER: p.b64u_encode(keys.link)}}
    if target.startswith("snappass"):
        return {"create": urllib.parse.urlencode({"password": SECRET, "ttl": "hour"}).encode()}
    # The record burnlink would store: verifiers (64 bytes) || a sealed 1 KiB payload
    # (IV 12 + {"v":1,"kind":"text","text":""} 31 + text + tag 16).
    return {"create": b"\0" * (64 + 12 + 31 + len(SECRET) + 16)}


OPS: dict[str, Op] = {"burnlink": burnlink_ops, "snappass": snappass_ops, "snappass-post": snappass_post_ops,
                      "ceiling": ceiling_ops, "ceiling-gevent": ceiling_ops}


def worker(target: str, url: str, seconds: float, threads: int, max_cycles: int, queue: Any,
           options: dict[str, Any] | None = None) -> None:
    """One load process: ``threads`` keep-alive connections, each looping create+reveal."""
    options = options or {}
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    bodies = bodies_for(target, options)
    op = OPS[target]
    results: list[Cycle] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = max(1, max_cycles // threads)
    # Paced: each thread starts a cycle every ``interval`` seconds (or at once when it has fallen behind).
    interval = threads * options.get("procs", 1) / options["rate"] if options.get("rate") else 0.0

    def loop(offset: float) -> None:
        conn = Conn(host, port, timeout=10)
        local: list[Cycle] = []
        next_start = time.monotonic() + offset
        while time.monotonic() < deadline and len(local) < budget:
            if interval:
                if next_start >= deadline:
                    break
                time.sleep(max(0.0, next_start - time.monotonic()))
                next_start += interval
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

    # Paced threads start spread over one interval, so their requests do not arrive in bursts.
    pool = [threading.Thread(target=loop, args=(random.uniform(0, interval),)) for _ in range(threads)]
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


def run(target: str, url: str, seconds: float, procs: int, threads: int, max_cycles: int,
        options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``procs`` load processes for ``seconds`` and summarise them."""
    options = {**(options or {}), "procs": procs}
    queue: Any = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(target, url, seconds, threads, max_cycles // procs, queue, options))
               for _ in range(procs)]
    started = time.perf_counter()
    for process in workers:
        process.start()
    collected = [queue.get() for _ in workers]
    for process in workers:
        process.join()
    elapsed = time.perf_counter() - started
    results = [r for part, _ in collected for r in part]
    good = [r for r in results if r.ok]
    errors = sum(e for _, e in collected) + len(results) - len(good)
    summary = {
        "target": target, "seconds": round(elapsed, 2), "cycles": len(good), "errors": errors,
        "cycles_per_s": round(len(good) / seconds, 1), "connections": procs * threads,
        "create_ms": quantiles([r.create * 1000 for r in good]),
        "reveal_ms": quantiles([r.reveal * 1000 for r in good]),
    }
    if options.get("metadata"):
        summary["metadata_ms"] = quantiles([r.metadata * 1000 for r in good])
    if options.get("reveals"):
        Path(options["reveals"]).write_text(json.dumps({r.sid: r.revealed_at for r in good if r.sid}))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=sorted(OPS))
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-cycles", type=int, default=200_000, help="stop early after this many cycles in all")
    parser.add_argument("--out")
    parser.add_argument("--metadata", action="store_true", help="burnlink: GET the metadata between create and reveal")
    parser.add_argument("--notify-url", help="burnlink: a webhook target on every secret")
    parser.add_argument("--notify-secret", help="its whsec_ signing secret")
    parser.add_argument("--reveals", help="burnlink: write {id: time of the reveal's answer} here")
    parser.add_argument("--rate", type=float, default=0.0, help="about this many cycles/s in all (0: as fast as possible)")
    args = parser.parse_args()
    options = {"metadata": args.metadata, "notify_url": args.notify_url, "notify_secret": args.notify_secret,
               "reveals": args.reveals, "rate": args.rate}
    summary = run(args.target, args.url, args.seconds, args.procs, args.threads, args.max_cycles, options)
    print(json.dumps(summary))
    if args.out:
        Path(args.out).write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
