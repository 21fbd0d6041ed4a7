"""`make bench`: burnlink against snappass and a framework-free ceiling, plus memory and browser crypto.

Usage: python bench/run.py [--seconds 5] [--rounds 9] [--quiet-wait 30] [--skip-browser] [--profile] [--notify] [--cluster]

Everything runs on this machine, on loopback: a private redis-server (free port, no persistence,
noeviction), each target under gunicorn with the same 2 workers x 4 threads (gthread) against
that Redis, and the load generator (bench/load.py) in its own processes. All targets are up at
once (idle unless loaded); short rounds load one target at a time, rotating the order. Before each
measurement the run waits (bounded) for other jobs on the machine to go quiet, and it records how
many cores other processes used during each round; figures are medians over the clean rounds.

Targets: burnlink (wsgi:app with its production gunicorn.conf.py, rate limits off); snappass
from PyPI in bench/.venv-snappass (made here with ``python -m venv`` + pip, never vendored);
the ceiling (bench/ceiling.py). ``snappass-post`` is snappass with its reveal counted as the
POST alone, reported for comparison only.

``--cluster`` adds a fifth target, ``burnlink-cluster``: the same burnlink server with REDIS_URL
``redis+cluster://`` of a real 3-primary Redis Cluster (tests/support/cluster.py) on loopback, loaded
in the same rotation; snappass and the ceiling stay on the single Redis (neither speaks Cluster).

Memory (bench/memory.py) is part of every run: Redis memory per secret, all in (MEMORY USAGE of
its keys and its share of the shard keys; INFO used_memory), for 10,000 secrets of 1 KiB and 2,000
of 64 KiB on fresh servers with the notification worker running and the audit trail off, and the
ciphertext's expiry by Redis alone; ``--cluster`` measures the same on a fresh 3-primary Cluster.

``--notify`` adds bench/notify.py's measurement: burnlink with a running ``burnlink worker``, the
audit trail off and on, with and without a webhook target on every secret.

Results: bench/results/<time>.json and .png (git-ignored); the plot is copied to docs/bench.png.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# bench/ is on sys.path as this script's directory; harness puts the repository there too.
import memory
import notify
from harness import RESULTS, ROOT, THREADS, WORKERS, Server, ensure_snappass, load, machine, process_cpu, summarise, wait_for_quiet

from tests.support import RedisProcess
from tests.support.cluster import RedisCluster

# burnlink-page is burnlink driven as its reveal page drives it: create, metadata (the page's
# "does it exist, does it need a code"), reveal; the flow to set against snappass's create,
# preview, read.
TARGETS = ("burnlink", "burnlink-page", "snappass", "snappass-post", "ceiling", "ceiling-gevent")
PAGE = "burnlink-page"
COLOURS = {"burnlink": "#b4361b", PAGE: "#d9826d", "snappass": "#7a8699", "snappass-post": "#b9c1cc", "ceiling": "#3b6ea5",
           "ceiling-gevent": "#6f94c0",
           "burnlink-cluster": "#e07b39"}
CLUSTER = "burnlink-cluster"


def throughput(redis_server: RedisProcess, seconds: float, rounds: int, quiet: float,
               cluster: RedisCluster | None = None) -> dict[str, Any]:
    """All targets up at once (idle when not loaded); short rounds rotate which goes first.

    With ``cluster``, burnlink also runs against it as the target ``burnlink-cluster``; Redis's CPU
    per cycle is then the three primaries' together.
    """
    targets = TARGETS + ((CLUSTER,) if cluster else ())
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
    servers: dict[str, Server] = {}
    redis_pid = redis_server.proc.pid if redis_server.proc else None
    cluster_cpu = {"redis": lambda: sum(process_cpu(node.proc.pid) for node in cluster.nodes if node.proc)} if cluster else None
    try:
        for target in targets:
            if target == CLUSTER and cluster:
                servers[target] = Server("burnlink", redis_server.port, name=CLUSTER, redis_url=cluster.url)
            elif target == PAGE:
                servers[target] = Server("burnlink", redis_server.port, name=PAGE)
            else:
                servers[target] = Server(target, redis_server.port)
            load(servers[target], 2)  # warm-up: connections, scripts, imports
        for round_no in range(rounds):
            order = targets[round_no % len(targets):] + targets[:round_no % len(targets)]
            for target in order:
                before = wait_for_quiet(quiet)
                if target == CLUSTER:
                    result = load(servers[target], seconds, counters=cluster_cpu)
                elif target == PAGE:
                    result = load(servers[target], seconds, redis_pid, args=("--metadata",))
                else:
                    result = load(servers[target], seconds, redis_pid)
                result.update(before)
                runs[target].append(result)
                print(f"round {round_no + 1} {target:16} {result['cycles_per_s']:7.1f} cycles/s  "
                      f"create p50/p99 {result['create_ms']['p50']}/{result['create_ms']['p99']} ms  "
                      f"reveal p50/p99 {result['reveal_ms']['p50']}/{result['reveal_ms']['p99']} ms  "
                      f"server CPU {result.get('server_cpu_ms_per_cycle')} ms/cycle  errors {result['errors']}  "
                      f"other jobs {result['foreign_cores']} cores", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    median = {t: summarise(r) for t, r in runs.items()}
    ours, snap, ceil = median["burnlink"], median["snappass"], median["ceiling"]

    def ratio(a: float, b: float) -> float:
        return round(a / b, 2) if b else float("nan")

    cpu = {t: median[t]["server_cpu_ms_per_cycle"] for t in targets}
    ratios: dict[str, Any] = {}
    if cluster:
        ours_cluster = median[CLUSTER]
        ratios = {
            "cluster_over_snappass_cycles": ratio(ours_cluster["cycles_per_s"], snap["cycles_per_s"]),
            "cluster_over_ceiling_cycles": ratio(ours_cluster["cycles_per_s"], ceil["cycles_per_s"]),
            "cluster_over_single_redis_cycles": ratio(ours_cluster["cycles_per_s"], ours["cycles_per_s"]),
            "cluster_over_snappass_cycles_by_round": [ratio(a["cycles_per_s"], b["cycles_per_s"])
                                                      for a, b in zip(runs[CLUSTER], runs["snappass"], strict=True)],
            "cluster_p99_le_snappass": {q: ours_cluster[f"{q}_ms"]["p99"] <= snap[f"{q}_ms"]["p99"] for q in ("create", "reveal")},
        }
    return {
        "median": median,
        "rounds": runs,
        "ratios": {
            **ratios,
            "ours_over_snappass_cycles": ratio(ours["cycles_per_s"], snap["cycles_per_s"]),
            "ours_over_snappass_post_cycles": ratio(ours["cycles_per_s"], median["snappass-post"]["cycles_per_s"]),
            "page_flow_over_snappass_cycles": ratio(median[PAGE]["cycles_per_s"], snap["cycles_per_s"]),
            "ours_over_ceiling_cycles": ratio(ours["cycles_per_s"], ceil["cycles_per_s"]),
            # The same bare app under burnlink's own gunicorn settings: what the framework-free path costs there.
            "ours_over_ceiling_gevent_cycles": ratio(ours["cycles_per_s"], median["ceiling-gevent"]["cycles_per_s"]),
            "ours_over_snappass_cycles_by_round": [ratio(a["cycles_per_s"], b["cycles_per_s"])
                                                   for a, b in zip(runs["burnlink"], runs["snappass"], strict=True)],
            "p99_ms": {t: {"create": median[t]["create_ms"]["p99"], "reveal": median[t]["reveal_ms"]["p99"]} for t in targets},
            "ours_p99_le_snappass": {q: ours[f"{q}_ms"]["p99"] <= snap[f"{q}_ms"]["p99"] for q in ("create", "reveal")},
            "server_cpu_ms_per_cycle": cpu,
            # CPU-bound capacity ratios: the same comparison without the load generator's share of the cores.
            "snappass_over_ours_server_cpu": ratio(cpu["snappass"], cpu["burnlink"]),
            "ceiling_over_ours_server_cpu": ratio(cpu["ceiling"], cpu["burnlink"]),
            "ceiling_gevent_over_ours_server_cpu": ratio(cpu["ceiling-gevent"], cpu["burnlink"]),
        },
    }


# --- browser, profile --------------------------------------------------------------


def browser(redis_port: int, quiet: float) -> dict[str, Any]:
    """bench/browser_crypto.py against a burnlink on the bench Redis."""
    import browser_crypto  # bench/ is on sys.path as this script's directory

    server = Server("burnlink", redis_port)
    try:
        before = wait_for_quiet(quiet)
        return {**browser_crypto.measure(server.url), **before}
    finally:
        server.stop()


def _frame(text: str) -> str:
    """``func (path/file.py:12)`` as ``func (file.py)``; "" for process and thread frames."""
    name, _, where = text.partition(" (")
    if ".py" not in where:
        return ""
    return f"{name} ({Path(where.split(':')[0]).name})"


def profile(redis_port: int, seconds: float) -> dict[str, Any]:
    """py-spy (--gil: Python CPU only) on burnlink's workers under the same load; where the time goes."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=True)
    server = Server("burnlink", redis_port)
    raw = RESULTS / "profile-burnlink.txt"
    try:
        load(server, 2)
        recorders = [subprocess.Popen([str(spy), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250",
                                       "--gil", "--format", "raw", "--nonblocking", "--output", f"{raw}.{pid}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in server.workers()]
        load(server, seconds)
        for recorder in recorders:
            recorder.wait(timeout=60)
    finally:
        server.stop()
    stacks: dict[str, int] = {}
    for part in RESULTS.glob(f"{raw.name}.*"):
        for line in part.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack:
                stacks[stack] = stacks.get(stack, 0) + int(count)
        part.unlink()
    raw.write_text("\n".join(f"{s} {n}" for s, n in stacks.items()))
    total = sum(stacks.values()) or 1
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    for stack, count in stacks.items():
        frames = [_frame(f) for f in stack.split(";")]
        for frame in set(frames) - {""}:
            inclusive[frame] = inclusive.get(frame, 0) + count
        if frames and frames[-1]:
            own[frames[-1]] = own.get(frames[-1], 0) + count

    def top(counts: dict[str, int], n: int) -> dict[str, float]:
        return {name: round(100 * c / total, 1) for name, c in sorted(counts.items(), key=lambda kv: -kv[1])[:n]}

    return {"samples": total, "collapsed_stacks": str(raw.relative_to(ROOT)),
            "inclusive_percent": top(inclusive, 60), "self_percent": top(own, 30)}


# --- report --------------------------------------------------------------------------------


def plot(result: dict[str, Any], path: Path) -> None:
    """Four panels: cycles/s (bar = median, whisker = range), create and reveal latency, server CPU per cycle."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    median = result["throughput"]["median"]
    names = list(median)
    colours = [COLOURS[n] for n in names]
    fig, axes = plt.subplots(1, 4, figsize=(18 + 2 * (len(names) > 4), 4.8))
    values = [median[n]["cycles_per_s"] for n in names]
    spread = [[v - median[n]["cycles_per_s_range"][0] for n, v in zip(names, values, strict=True)],
              [median[n]["cycles_per_s_range"][1] - v for n, v in zip(names, values, strict=True)]]
    bars = axes[0].bar(names, values, color=colours, yerr=spread, capsize=4)
    axes[0].bar_label(bars, fmt="%.0f", label_type="center", color="white")
    axes[0].set_title("create + reveal cycles/s (higher is better)", fontsize=10)
    width = 0.27
    for i, quantity in enumerate(("create_ms", "reveal_ms"), start=1):
        for j, q in enumerate(("p50", "p95", "p99")):
            axes[i].bar([k + (j - 1) * width for k in range(len(names))], [median[n][quantity][q] for n in names], width, label=q)
        axes[i].set_title(f"{quantity.split('_')[0]} latency, ms (lower is better)", fontsize=10)
        axes[i].legend(fontsize=8)
    cpu = axes[3].bar(names, [median[n]["server_cpu_ms_per_cycle"] for n in names], color=colours)
    axes[3].bar_label(cpu, fmt="%.2f")
    axes[3].set_title("server CPU ms per cycle (lower is better)", fontsize=10)
    for axis in axes:
        axis.set_xticks(range(len(names)), names, fontsize=8)
    m = result["machine"]
    fig.suptitle(f"burnlink bench {result['when']}: {m['nproc']} cores ({m['cpu']}); each target under gunicorn {WORKERS} workers x "
                 f"{THREADS} threads, one Redis{' (burnlink-cluster: a 3-primary Cluster)' if CLUSTER in median else ''}, "
                 "one load generator (8 keep-alive connections); medians of clean rounds; snappass reveal = GET + POST, "
                 "snappass-post = POST only", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per target and round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quiet-wait", type=float, default=30,
                        help="before each measurement wait up to this long for other jobs to go quiet")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also record burnlink's workers with py-spy")
    parser.add_argument("--cluster", action="store_true",
                        help="also run burnlink against a 3-primary Redis Cluster (burnlink-cluster) and measure memory there")
    parser.add_argument("--notify", action="store_true",
                        help="also measure burnlink with a running worker, the audit trail and a webhook target (bench/notify.py)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_snappass()
    redis_server = RedisProcess(extra=("--maxmemory-policy", "noeviction")).start()
    started = time.time()
    try:
        result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
                                  "command": " ".join(["python", "bench/run.py", *sys.argv[1:]])}
        cluster = RedisCluster().start() if args.cluster else None
        try:
            result["throughput"] = throughput(redis_server, args.seconds, args.rounds, args.quiet_wait, cluster)
        finally:
            if cluster:
                cluster.stop()
        result["memory"] = memory.measure(cluster=False)
        if args.cluster:
            result["memory_cluster"] = memory.measure(cluster=True)
        if not args.skip_browser:
            result["browser"] = browser(redis_server.port, args.quiet_wait)
        if args.profile:
            result["profile"] = profile(redis_server.port, args.seconds)
        if args.notify:
            result["notify"] = notify.measure(redis_server, args.seconds, args.rounds, args.quiet_wait)
    finally:
        redis_server.stop()
    result["wall_seconds"] = round(time.time() - started)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(result, indent=2))
    plot(result, RESULTS / f"{stamp}.png")
    shutil.copy(RESULTS / f"{stamp}.png", ROOT / "docs" / "bench.png")
    summary = {"machine": result["machine"], "ratios": result["throughput"]["ratios"], "browser": result.get("browser"),
               "expiry": [m["expiry"] for m in (result["memory"], result.get("memory_cluster")) if m]}
    print(json.dumps(summary, indent=2))
    print(memory.table([m for m in (result["memory"], result.get("memory_cluster")) if m]))
    if args.notify:
        print(notify.table(result["notify"]))
    print(f"wrote {RESULTS / stamp}.json and .png, and docs/bench.png")


if __name__ == "__main__":
    main()
