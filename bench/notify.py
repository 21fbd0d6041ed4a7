"""What events and notifications cost: burnlink with a running ``burnlink worker`` and a webhook target.

Usage: python bench/notify.py [--seconds 4] [--rounds 3] [--quiet-wait 30] [--paced-rate 50] [--poll S]
(``python bench/run.py --notify`` runs the same measurement after its own.)

Two burnlink servers (production ``gunicorn.conf.py``, rate limits off), one with the audit trail
off (``BURNLINK_AUDIT_RETENTION=0``) and one with it on (the default, 90 days), each with its own
key prefix and its own ``burnlink worker`` process sharing its settings, as the Procfile runs them;
``BURNLINK_NOTIFY_ALLOW=127.0.0.1`` lets deliveries reach the bench's receiver on loopback. Every
cycle is create -> metadata (GET with the link proof) -> reveal of a 1 KiB secret (bench/load.py
``--metadata``), in four variants: audit off/on x without/with a webhook target in every create
body. The receiver (a thread of this process) checks each Standard Webhooks signature and notes
when the request arrived.

After each round the bench waits until the worker has emptied every shard's stream and retry
schedule and (with a target) every expected delivery has arrived: one ``secret.revealed`` per
completed cycle. Delivery lag is the receiver's arrival time minus the time the reveal's answer
reached the load generator. The worker's, Redis's and the receiver's CPU count from the round's
start until then, so a worker that fell behind is charged for its whole share.
``--paced-rate`` adds a fifth variant, audit on with a target at about that many cycles/s, for the
lag when the worker is not behind (there it is mostly the worker's idle poll, ``BURNLINK_NOTIFY_POLL``).
Variants rotate as in bench/run.py; a round in which other jobs used more than ``CLEAN_CORES`` is
run again (at most ``REDO`` times), since a shared machine's other work comes in bursts.
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# bench/ is on sys.path as this script's directory (or run.py's); harness puts the repository there too.
from harness import CLEAN_CORES, RESULTS, ROOT, Server, load, machine, median, process_cpu, rounds_used, summarise, wait_for_quiet

from tests.support import RedisProcess, free_port

EVENTS_PER_CYCLE = 3  # secret.created, secret.opened, secret.revealed
DRAIN_LIMIT = 180.0  # seconds a round's backlog may take before the round counts as not drained
REDO = 2  # times a round disturbed by other jobs is run again


@dataclass(frozen=True)
class Variant:
    """One way of running the same cycles."""

    name: str
    audit: bool
    webhook: bool
    rate: float = 0.0  # cycles/s in all; 0: as fast as the load generator can


def variants(paced_rate: float) -> list[Variant]:
    chosen = [Variant("plain", False, False), Variant("audit", True, False), Variant("webhook", False, True),
              Variant("audit+webhook", True, True)]
    if paced_rate:
        chosen.append(Variant(f"audit+webhook@{paced_rate:g}/s", True, True, paced_rate))
    return chosen


# --- the receiver --------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One delivery as the receiver saw it."""

    at: float
    webhook_id: str
    type: str
    secret_id: str
    verified: bool


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1 that verifies signatures (as a real receiver would) and answers 200."""

    secret: str = field(default_factory=lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())
    port: int = field(default_factory=free_port)
    arrivals: list[Arrival] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        from standardwebhooks import Webhook, WebhookVerificationError

        checker = Webhook(self.secret)
        arrivals = self.arrivals

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, and each answer sent at once, as web servers in front of real receivers do.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                at = time.time()
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    event, verified = checker.verify(body, headers), True
                except (WebhookVerificationError, ValueError):
                    event, verified = {}, False
                # list.append is atomic: the handler threads need no lock.
                arrivals.append(Arrival(at, headers.get("webhook-id", ""), event.get("type", ""),
                                        event.get("data", {}).get("id", ""), verified))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# --- a server and its worker ---------------------------------------------------------------


class Pair:
    """A burnlink server and its ``burnlink worker`` (same settings), under their own key prefix."""

    def __init__(self, redis_server: RedisProcess, audit: bool, poll: float | None) -> None:
        self.prefix = "blaudit" if audit else "blnoaudit"
        settings = {"BURNLINK_KEY_PREFIX": self.prefix, "BURNLINK_NOTIFY_ALLOW": "127.0.0.1"}
        if not audit:
            settings["BURNLINK_AUDIT_RETENTION"] = "0"
        if poll:
            settings["BURNLINK_NOTIFY_POLL"] = str(poll)
        name = f"burnlink-audit-{'on' if audit else 'off'}"
        self.server = Server("burnlink", redis_server.port, name=name, settings=settings)
        self.log = RESULTS / f"worker-{name}.log"
        with self.log.open("wb") as log:
            self.worker = subprocess.Popen([str(Path(sys.executable).with_name("burnlink")), "worker"], cwd=ROOT,
                                           env=self.server.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        import redis

        from app.store import shard_tags

        self.client = redis.Redis.from_url(redis_server.url)
        self.queues = [f"{self.prefix}:{{{tag}}}:{kind}" for tag in shard_tags() for kind in ("ev", "retry")]

    def worker_cpu(self) -> float:
        return process_cpu(self.worker.pid)

    def backlog(self) -> int:
        """Stream entries not yet handled plus deliveries waiting for a retry, over every shard."""
        pipe = self.client.pipeline(transaction=False)
        for key in self.queues:
            (pipe.xlen if key.endswith(":ev") else pipe.zcard)(key)
        return sum(pipe.execute())

    def audit_entries(self) -> int:
        return self.client.xlen(f"{self.prefix}:audit")

    def stop(self) -> None:
        if self.worker.poll() is None:
            self.worker.terminate()  # SIGTERM: the worker finishes the event in hand and exits
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(timeout=5)
        self.server.stop()
        self.client.close()


# --- one round -----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, as bench/load.py takes them."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def one_round(variant: Variant, pair: Pair, receiver: Receiver, seconds: float, redis_pid: int | None) -> dict[str, Any]:
    """Load ``pair`` as ``variant`` says, wait for the worker to catch up, and check what arrived."""
    reveals_file = RESULTS / "notify-reveals.json"
    args = ["--metadata", "--reveals", str(reveals_file)]
    if variant.webhook:
        args += ["--notify-url", receiver.url, "--notify-secret", receiver.secret]
    if variant.rate:
        args += ["--rate", str(variant.rate)]
    mark, audit_before = len(receiver.arrivals), pair.audit_entries()
    redis_cpu = (lambda: process_cpu(redis_pid)) if redis_pid else (lambda: 0.0)
    behind = {"worker": pair.worker_cpu, "redis": redis_cpu, "receiver": time.process_time}  # busy until drained
    before = {name: read() for name, read in behind.items()}
    result = load(pair.server, seconds, redis_pid, args=args,
                  counters={"worker": pair.worker_cpu, "receiver": time.process_time})
    loaded = time.monotonic()
    reveals: dict[str, float] = json.loads(reveals_file.read_text())
    reveals_file.unlink()
    if not result["cycles"]:
        raise RuntimeError(f"no cycle completed against {pair.server.name} ({result['errors']} errors); see {pair.server.log}")
    expected = len(reveals) if variant.webhook else 0

    def matched() -> dict[str, Arrival]:
        """The first verified secret.revealed of each of this round's secrets, by webhook-id."""
        found: dict[str, Arrival] = {}
        for arrival in receiver.arrivals[mark:]:
            if arrival.verified and arrival.type == "secret.revealed" and arrival.secret_id in reveals:
                found.setdefault(arrival.webhook_id, arrival)
        return found

    drained = False
    while time.monotonic() - loaded < DRAIN_LIMIT:
        if pair.backlog() == 0 and len(matched()) >= expected:
            drained = True
            break
        time.sleep(0.05)
    drain_s = time.monotonic() - loaded
    time.sleep(0.2)  # a late duplicate or stray request would land now
    arrivals = receiver.arrivals[mark:]
    delivered = matched()
    lags = [(a.at - reveals[a.secret_id]) * 1000 for a in delivered.values()]
    cycles = result["cycles"]
    result.update({
        "variant": variant.name, "drained": drained, "drain_s": round(drain_s, 2),
        "deliveries_expected": expected, "deliveries_arrived": len(delivered),
        "deliveries_missing": expected - len(delivered), "requests_received": len(arrivals),
        "unverified": sum(1 for a in arrivals if not a.verified),
        "duplicates": sum(1 for a in arrivals if a.verified and a.type == "secret.revealed") - len(delivered),
        "audit_entries": pair.audit_entries() - audit_before,
        "audit_expected": EVENTS_PER_CYCLE * result["cycles"] if variant.audit else 0,
    })
    # Until drained: the whole share of these cycles, not only what the worker managed meanwhile.
    for name, read in behind.items():
        result[f"{name}_cpu_ms_per_cycle"] = round((read() - before[name]) * 1000 / cycles, 3)
    result["total_cpu_ms_per_cycle"] = round(sum(result[f"{name}_cpu_ms_per_cycle"] for name in
                                                 ("server", "loadgen", "redis", "worker", "receiver")), 3)
    if lags:
        result["lag_ms"] = {"p50": round(percentile(lags, 0.5), 1), "p99": round(percentile(lags, 0.99), 1),
                            "max": round(max(lags), 1)}
        # What the worker sustained while behind: deliveries from the round's start until the last arrived.
        result["deliveries_per_s"] = round(len(lags) / (seconds + drain_s), 1)
    return result


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """bench/harness.py's medians, plus the deliveries' counts (every round) and the medians of each
    counted round's lag and drain time."""
    out = summarise(rounds)
    out.update({name: sum(r[name] for r in rounds) for name in
                ("deliveries_expected", "deliveries_arrived", "deliveries_missing", "requests_received", "unverified",
                 "duplicates", "audit_entries", "audit_expected")})
    out["all_drained"] = all(r["drained"] for r in rounds)
    used = rounds_used(rounds)
    out["drain_s"] = median([r["drain_s"] for r in used])
    if all("lag_ms" in r for r in used):
        out["lag_ms"] = {q: median([r["lag_ms"][q] for r in used]) for q in ("p50", "p99", "max")}
        out["deliveries_per_s"] = median([r["deliveries_per_s"] for r in used])
    return out


def measure(redis_server: RedisProcess, seconds: float, rounds: int, quiet: float, paced_rate: float = 50.0,
            poll: float | None = None) -> dict[str, Any]:
    """Every variant in each round, the order rotating; medians per variant."""
    chosen = variants(paced_rate)
    runs: dict[str, list[dict[str, Any]]] = {v.name: [] for v in chosen}
    redis_pid = redis_server.proc.pid if redis_server.proc else None
    receiver = Receiver().start()
    pairs: dict[bool, Pair] = {}
    try:
        for audit in (False, True):
            pairs[audit] = Pair(redis_server, audit, poll)
        for variant in chosen[:4]:  # warm-up: connections, scripts, imports, the workers' consumer groups
            one_round(variant, pairs[variant.audit], receiver, 1, redis_pid)
        for round_no in range(rounds):
            order = chosen[round_no % len(chosen):] + chosen[:round_no % len(chosen)]
            for variant in order:
                # Other jobs on a shared machine come in bursts: a round they disturbed is run again.
                attempts = 0
                while True:
                    attempts += 1
                    before = wait_for_quiet(quiet)
                    result = one_round(variant, pairs[variant.audit], receiver, seconds, redis_pid)
                    if result["foreign_cores"] < CLEAN_CORES or attempts > REDO:
                        break
                result.update(before, attempts=attempts)
                runs[variant.name].append(result)
                lag = result.get("lag_ms", {})
                print(f"round {round_no + 1} {variant.name:20} {result['cycles_per_s']:7.1f} cycles/s  "
                      f"create/metadata/reveal p99 {result['create_ms']['p99']}/{result['metadata_ms']['p99']}/"
                      f"{result['reveal_ms']['p99']} ms  server {result.get('server_cpu_ms_per_cycle')} "
                      f"worker {result['worker_cpu_ms_per_cycle']} ms CPU/cycle  lag p50/p99 {lag.get('p50')}/{lag.get('p99')} ms  "
                      f"delivered {result['deliveries_arrived']}/{result['deliveries_expected']}  "
                      f"drain {result['drain_s']} s  errors {result['errors']}  other jobs {result['foreign_cores']} cores",
                      flush=True)
    finally:
        for pair in pairs.values():
            pair.stop()
        receiver.stop()
    return {"settings": {"seconds": seconds, "rounds": rounds, "paced_rate": paced_rate,
                         "notify_poll": poll or "default"},
            "median": {name: summary(r) for name, r in runs.items()}, "rounds": runs}


def table(result: dict[str, Any]) -> str:
    """The medians as the Markdown table docs/benchmarks.md shows."""
    lines = ["| variant | cycles/s (range) | create / metadata / reveal p99 ms | CPU ms per cycle: server / worker / all | "
             "lag p50 / p99 ms | deliveries arrived | audit entries | drain s | errors |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, m in result["median"].items():
        lag = m.get("lag_ms")
        lag_text = f"{lag['p50']:g} / {lag['p99']:g}" if lag else "–"
        lines.append(
            f"| {name} | {m['cycles_per_s']:g} ({m['cycles_per_s_range'][0]:g}–{m['cycles_per_s_range'][1]:g}) | "
            f"{m['create_ms']['p99']} / {m['metadata_ms']['p99']} / {m['reveal_ms']['p99']} | "
            f"{m['server_cpu_ms_per_cycle']} / {m['worker_cpu_ms_per_cycle']} / {m['total_cpu_ms_per_cycle']} | "
            f"{lag_text} | "
            f"{m['deliveries_arrived']} of {m['deliveries_expected']} | {m['audit_entries']} of {m['audit_expected']} | "
            f"{m['drain_s']} | {m['errors']} of {m['cycles']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4, help="measured seconds per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quiet-wait", type=float, default=30,
                        help="before each measurement wait up to this long for other jobs to go quiet")
    parser.add_argument("--paced-rate", type=float, default=50, help="cycles/s of the paced variant (0: leave it out)")
    parser.add_argument("--poll", type=float, help="BURNLINK_NOTIFY_POLL for the workers (default: the production 1 s)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    redis_server = RedisProcess(extra=("--maxmemory-policy", "noeviction")).start()
    started = time.time()
    try:
        result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
                                  "command": " ".join(["python", "bench/notify.py", *sys.argv[1:]])}
        result["notify"] = measure(redis_server, args.seconds, args.rounds, args.quiet_wait, args.paced_rate, args.poll)
    finally:
        redis_server.stop()
    result["wall_seconds"] = round(time.time() - started)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-notify.json"
    path.write_text(json.dumps(result, indent=2))
    print(table(result["notify"]))
    print(f"wrote {path} ({result['wall_seconds']} s)")


if __name__ == "__main__":
    main()
