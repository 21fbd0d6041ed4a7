"""`make bench`: burnlink against snappass and a framework-free ceiling, plus memory and browser crypto.

Usage: python bench/run.py [--seconds 5] [--rounds 9] [--quiet-wait 30] [--skip-browser] [--profile]

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

Results: bench/results/<time>.json and .png (git-ignored); the plot is copied to docs/bench.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.support import RedisProcess, free_port, wait_for  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
SNAPPASS_VENV = BENCH / ".venv-snappass"
WORKERS, THREADS = 2, 4
TARGETS = ("burnlink", "snappass", "snappass-post", "ceiling")
COLOURS = {"burnlink": "#b4361b", "snappass": "#7a8699", "snappass-post": "#b9c1cc", "ceiling": "#3b6ea5"}
TICKS = os.sysconf("SC_CLK_TCK")
QUIET_CORES = 0.3  # "quiet": everything else on the machine together uses less than this many cores
CLEAN_CORES = 0.25  # a round is "clean" when other processes used less than this during it


# --- the machine ---------------------------------------------------------------------------


def busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all cores) since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu() -> float:
    """CPU seconds of every finished child of this process (the load generators and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(limit: float) -> dict[str, float]:
    """Wait (at most ``limit`` s) until the rest of the machine is nearly idle, so rounds compare like with like."""
    started = time.monotonic()
    while True:
        before = busy_seconds()
        time.sleep(1.0)
        cores = busy_seconds() - before
        if cores < QUIET_CORES or time.monotonic() - started >= limit:
            return {"waited_s": round(time.monotonic() - started, 1), "busy_cores_before": round(cores, 2)}


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {"nproc": int(nproc), "cpu": cpu, "memory_gib": round(int(mem) / 1024 / 1024, 1), "kernel": platform.release(),
            "python": platform.python_version(), "redis": redis_version.removeprefix("v="), "snappass": snappass_version(),
            "workers": WORKERS, "threads": THREADS, "load_average_at_start": os.getloadavg()}


# --- the targets ---------------------------------------------------------------------------


def ensure_snappass() -> Path:
    """snappass (and gunicorn) from PyPI in their own virtual environment; its gunicorn."""
    gunicorn = SNAPPASS_VENV / "bin" / "gunicorn"
    if not gunicorn.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SNAPPASS_VENV)], check=True)
        subprocess.run([str(SNAPPASS_VENV / "bin" / "pip"), "install", "-q", "snappass", "gunicorn"], check=True)
    return gunicorn


def snappass_version() -> str:
    out = subprocess.run([str(SNAPPASS_VENV / "bin" / "python"), "-c",
                          "import importlib.metadata as m; print(m.version('snappass'))"], capture_output=True, text=True)
    return out.stdout.strip()


class Server:
    """One target under gunicorn on a free loopback port."""

    def __init__(self, target: str, redis_port: int) -> None:
        self.target = target
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = dict(os.environ)
        common = ["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "-b", f"127.0.0.1:{self.port}",
                  "--no-control-socket", "--log-level", "warning"]
        if target == "burnlink":
            # The production settings file; only the address and the Redis are the bench's.
            env.update({"REDIS_URL": redis_url, "SECRET_KEY": secrets.token_urlsafe(32), "BURNLINK_ENV": "production",
                        "BASE_URL": self.url,
                        "BURNLINK_RATE_LIMITS": "0", "BURNLINK_BIND": f"127.0.0.1:{self.port}",
                        "WEB_CONCURRENCY": str(WORKERS), "BURNLINK_THREADS": str(THREADS)})
            command = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
            cwd = ROOT
        elif target.startswith("snappass"):
            env.pop("REDIS_URL", None)  # snappass would prefer it; use the variables its docs name
            env.update({"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "NO_SSL": "True",
                        "SECRET_KEY": secrets.token_urlsafe(32)})
            command = [str(ensure_snappass()), *common, "snappass.main:app"]
            cwd = BENCH
        else:
            env["REDIS_URL"] = redis_url
            command = [str(Path(sys.executable).with_name("gunicorn")), *common, "ceiling:app"]
            cwd = BENCH
        self.log = RESULTS / f"server-{target}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        probe = self.url + ("/healthz" if target == "burnlink" else "/")
        try:
            wait_for(lambda: requests.get(probe, timeout=1).status_code < 500, timeout=30, what=f"{target} to start")
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"{target} did not start:\n{self.log.read_text(errors='replace')[-2000:]}") from None

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def cpu_seconds(self) -> float:
        """User + system CPU of the workers, from /proc."""
        return sum(process_cpu(pid) for pid in self.workers())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# --- throughput and latency ----------------------------------------------------------------


def load(server: Server, seconds: float, redis_pid: int | None = None) -> dict[str, Any]:
    """Run bench/load.py against ``server``; add the CPU per cycle of each party and what else ran meanwhile."""
    before = server.cpu_seconds(), children_cpu(), busy_seconds(), process_cpu(redis_pid) if redis_pid else 0.0
    started = time.monotonic()
    out = subprocess.run([sys.executable, str(BENCH / "load.py"), server.target, server.url, "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds + 120)
    wall = time.monotonic() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    server_cpu = server.cpu_seconds() - before[0]
    loadgen_cpu = children_cpu() - before[1]
    redis_cpu = (process_cpu(redis_pid) - before[3]) if redis_pid else 0.0
    if result["cycles"]:
        result["server_cpu_ms_per_cycle"] = round(server_cpu * 1000 / result["cycles"], 3)
        result["loadgen_cpu_ms_per_cycle"] = round(loadgen_cpu * 1000 / result["cycles"], 3)
        result["redis_cpu_ms_per_cycle"] = round(redis_cpu * 1000 / result["cycles"], 3)
    # Cores used by processes that are not part of this benchmark (other jobs on a shared machine).
    result["foreign_cores"] = round(max(0.0, busy_seconds() - before[2] - server_cpu - loadgen_cpu - redis_cpu) / wall, 2)
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 3)


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure as its median over the clean rounds (other jobs used < CLEAN_CORES), or over all
    rounds when fewer than three were clean; plus the range and how many rounds counted."""
    clean = [r for r in rounds if r["foreign_cores"] < CLEAN_CORES]
    used = clean if len(clean) >= 3 else rounds
    cycles = [r["cycles_per_s"] for r in used]

    def per_cycle(name: str) -> float:
        return _median([r.get(name) or float("nan") for r in used])

    return {
        "cycles_per_s": _median(cycles), "cycles_per_s_range": [min(cycles), max(cycles)],
        "create_ms": {q: _median([r["create_ms"][q] for r in used]) for q in ("p50", "p95", "p99")},
        "reveal_ms": {q: _median([r["reveal_ms"][q] for r in used]) for q in ("p50", "p95", "p99")},
        "server_cpu_ms_per_cycle": per_cycle("server_cpu_ms_per_cycle"),
        "loadgen_cpu_ms_per_cycle": per_cycle("loadgen_cpu_ms_per_cycle"),
        "redis_cpu_ms_per_cycle": per_cycle("redis_cpu_ms_per_cycle"),
        "cycles": sum(r["cycles"] for r in rounds), "errors": sum(r["errors"] for r in rounds),
        "rounds": len(rounds), "rounds_used": len(used), "only_clean_rounds": used is clean,
        "foreign_cores_median": _median([r["foreign_cores"] for r in rounds]),
    }


def throughput(redis_server: RedisProcess, seconds: float, rounds: int, quiet: float) -> dict[str, Any]:
    """All targets up at once (idle when not loaded); short rounds rotate which goes first."""
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in TARGETS}
    servers: dict[str, Server] = {}
    redis_pid = redis_server.proc.pid if redis_server.proc else None
    try:
        for target in TARGETS:
            servers[target] = Server(target, redis_server.port)
            load(servers[target], 2)  # warm-up: connections, scripts, imports
        for round_no in range(rounds):
            order = TARGETS[round_no % len(TARGETS):] + TARGETS[:round_no % len(TARGETS)]
            for target in order:
                before = wait_for_quiet(quiet)
                result = load(servers[target], seconds, redis_pid)
                result.update(before)
                runs[target].append(result)
                print(f"round {round_no + 1} {target:13} {result['cycles_per_s']:7.1f} cycles/s  "
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

    cpu = {t: median[t]["server_cpu_ms_per_cycle"] for t in TARGETS}
    return {
        "median": median,
        "rounds": runs,
        "ratios": {
            "ours_over_snappass_cycles": ratio(ours["cycles_per_s"], snap["cycles_per_s"]),
            "ours_over_snappass_post_cycles": ratio(ours["cycles_per_s"], median["snappass-post"]["cycles_per_s"]),
            "ours_over_ceiling_cycles": ratio(ours["cycles_per_s"], ceil["cycles_per_s"]),
            "ours_over_snappass_cycles_by_round": [ratio(a["cycles_per_s"], b["cycles_per_s"])
                                                   for a, b in zip(runs["burnlink"], runs["snappass"], strict=True)],
            "p99_ms": {t: {"create": median[t]["create_ms"]["p99"], "reveal": median[t]["reveal_ms"]["p99"]} for t in TARGETS},
            "ours_p99_le_snappass": {q: ours[f"{q}_ms"]["p99"] <= snap[f"{q}_ms"]["p99"] for q in ("create", "reveal")},
            "server_cpu_ms_per_cycle": cpu,
            # CPU-bound capacity ratios: the same comparison without the load generator's share of the cores.
            "snappass_over_ours_server_cpu": ratio(cpu["snappass"], cpu["burnlink"]),
            "ceiling_over_ours_server_cpu": ratio(cpu["ceiling"], cpu["burnlink"]),
        },
    }


# --- memory, browser, profile --------------------------------------------------------------


def memory(redis_url: str, count: int = 200) -> dict[str, Any]:
    """Redis memory per stored secret (both keys), for 1 KiB and 64 KiB of ciphertext."""
    import redis

    from app.store import Store

    client = redis.Redis.from_url(redis_url)
    out = {}
    for size in (1024, 65536):
        store = Store(client, prefix=f"blmem{size}")
        client.memory_purge()
        before = client.info("memory")["used_memory"]
        ids = [store.create(os.urandom(size), os.urandom(32), os.urandom(32), ttl=3600, views=1, has_code=True).id
               for _ in range(count)]
        used = (client.info("memory")["used_memory"] - before) / count
        secret_part = sum(client.memory_usage(store.keys(i)[0], samples=0) for i in ids) / count
        receipt_part = sum(client.memory_usage(store.keys(i)[1], samples=0) for i in ids) / count
        usage = secret_part + receipt_part
        out[str(size)] = {
            "secrets": count, "ciphertext": size, "memory_usage_per_secret": round(usage),
            "secret_key": round(secret_part), "receipt_key": round(receipt_part), "over_ciphertext": round(usage - size),
            "used_memory_delta_per_secret": round(used), "target_bytes": size + 200, "met": usage <= size + 200,
            "receipt_encoding": client.object("encoding", store.keys(ids[0])[1]).decode(),
        }
        for i in ids:
            client.delete(*store.keys(i))
    return out


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
    fig, axes = plt.subplots(1, 4, figsize=(18, 4.8))
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
                 f"{THREADS} threads, one Redis, one load generator (8 keep-alive connections); medians of clean rounds; "
                 "snappass reveal = GET + POST, snappass-post = POST only", fontsize=9)
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
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_snappass()
    redis_server = RedisProcess(extra=("--maxmemory-policy", "noeviction")).start()
    started = time.time()
    try:
        result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
                                  "command": " ".join(["python", "bench/run.py", *sys.argv[1:]])}
        result["throughput"] = throughput(redis_server, args.seconds, args.rounds, args.quiet_wait)
        result["memory"] = memory(redis_server.url)
        if not args.skip_browser:
            result["browser"] = browser(redis_server.port, args.quiet_wait)
        if args.profile:
            result["profile"] = profile(redis_server.port, args.seconds)
    finally:
        redis_server.stop()
    result["wall_seconds"] = round(time.time() - started)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(result, indent=2))
    plot(result, RESULTS / f"{stamp}.png")
    shutil.copy(RESULTS / f"{stamp}.png", ROOT / "docs" / "bench.png")
    summary = {"machine": result["machine"], "ratios": result["throughput"]["ratios"], "memory": result["memory"],
               "browser": result.get("browser")}
    print(json.dumps(summary, indent=2))
    print(f"wrote {RESULTS / stamp}.json and .png, and docs/bench.png")


if __name__ == "__main__":
    main()
