"""What every bench shares: the machine's CPU accounting, the targets under gunicorn, one load run.

The targets (see bench/run.py): burnlink with its production ``gunicorn.conf.py``, snappass from
PyPI in bench/.venv-snappass, and the ceiling (bench/ceiling.py), each on a free loopback port
against the bench's own redis-server. :func:`load` runs bench/load.py against one of them and
adds the CPU each party spent per cycle; :func:`summarise` takes the medians over rounds.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.support import free_port, wait_for  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
SNAPPASS_VENV = BENCH / ".venv-snappass"
WORKERS, THREADS = 2, 4
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
    if not (SNAPPASS_VENV / "bin" / "python").exists():
        return ""  # a bench that leaves snappass out never made its environment
    out = subprocess.run([str(SNAPPASS_VENV / "bin" / "python"), "-c",
                          "import importlib.metadata as m; print(m.version('snappass'))"], capture_output=True, text=True)
    return out.stdout.strip()


class Server:
    """One target under gunicorn on a free loopback port; ``settings`` add to burnlink's environment.

    ``name`` (default: the target) names the log file, for several servers of one target;
    ``redis_url`` (burnlink only) replaces the Redis on ``redis_port``, e.g. a cluster's
    ``redis+cluster://`` URL.
    """

    def __init__(self, target: str, redis_port: int, *, name: str = "", settings: dict[str, str] | None = None,
                 redis_url: str = "") -> None:
        self.target = target
        self.name = name or target
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        redis_url = redis_url if target == "burnlink" and redis_url else f"redis://127.0.0.1:{redis_port}/0"
        env = dict(os.environ)
        common = ["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "-b", f"127.0.0.1:{self.port}",
                  "--no-control-socket", "--log-level", "warning"]
        if target in ("burnlink", "ceiling-gevent"):
            # The production settings file; only the address and the Redis are the bench's. The
            # ceiling-gevent target is the bare ceiling app under these same settings (gevent
            # workers, burnlink's keep-alive and limits): gunicorn's own floor for burnlink.
            env.update({"REDIS_URL": redis_url, "SECRET_KEY": secrets.token_urlsafe(32), "BURNLINK_ENV": "production",
                        "BASE_URL": self.url,
                        "BURNLINK_RATE_LIMITS": "0", "BURNLINK_BIND": f"127.0.0.1:{self.port}",
                        "WEB_CONCURRENCY": str(WORKERS), "BURNLINK_THREADS": str(THREADS), **(settings or {})})
            app_name = "wsgi:app" if target == "burnlink" else "ceiling:app"
            command = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"), app_name]
            cwd = ROOT if target == "burnlink" else BENCH
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
        self.env = env  # a `burnlink worker` beside this server runs with the same (SECRET_KEY, prefix, ...)
        self.log = RESULTS / f"server-{self.name}.log"
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


def load(server: Server, seconds: float, redis_pid: int | None = None, *, args: Sequence[str] = (),
         counters: dict[str, Callable[[], float]] | None = None) -> dict[str, Any]:
    """Run bench/load.py (with ``args``) against ``server``; add the CPU per cycle of each party and
    what else ran meanwhile. ``counters`` name more parties of the bench by their CPU seconds so far."""
    parties: dict[str, Callable[[], float]] = {"server": server.cpu_seconds, "loadgen": children_cpu,
                                               "redis": (lambda: process_cpu(redis_pid)) if redis_pid else (lambda: 0.0),
                                               **(counters or {})}
    before = {name: read() for name, read in parties.items()}
    busy = busy_seconds()
    started = time.monotonic()
    out = subprocess.run([sys.executable, str(BENCH / "load.py"), server.target, server.url, "--seconds", str(seconds),
                          *args], capture_output=True, text=True, check=True, timeout=seconds + 120)
    wall = time.monotonic() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    spent = {name: read() - before[name] for name, read in parties.items()}
    if result["cycles"]:
        for name, seconds_spent in spent.items():
            result[f"{name}_cpu_ms_per_cycle"] = round(seconds_spent * 1000 / result["cycles"], 3)
    # Cores used by processes that are not part of this benchmark (other jobs on a shared machine).
    result["foreign_cores"] = round(max(0.0, busy_seconds() - busy - sum(spent.values())) / wall, 2)
    return result


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 3)


def rounds_used(rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clean rounds (other jobs used < CLEAN_CORES), or all of them when fewer than three were clean."""
    clean = [r for r in rounds if r["foreign_cores"] < CLEAN_CORES]
    return clean if len(clean) >= 3 else rounds


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure as its median over :func:`rounds_used`; plus the range and how many rounds counted."""
    used = rounds_used(rounds)
    cycles = [r["cycles_per_s"] for r in used]

    def per_cycle(name: str) -> float:
        return median([float("nan") if r.get(name) is None else r[name] for r in used])

    latencies = [name for name in ("create_ms", "metadata_ms", "reveal_ms") if name in used[0]]
    # A round without a completed cycle has no per-cycle figures; the medians take it as NaN.
    parties = dict.fromkeys(["server_cpu_ms_per_cycle", "loadgen_cpu_ms_per_cycle", "redis_cpu_ms_per_cycle",
                             *(name for r in used for name in r if name.endswith("_cpu_ms_per_cycle"))])
    return {
        "cycles_per_s": median(cycles), "cycles_per_s_range": [min(cycles), max(cycles)],
        **{name: {q: median([r[name][q] for r in used]) for q in ("p50", "p95", "p99")} for name in latencies},
        **{name: per_cycle(name) for name in parties},
        "cycles": sum(r["cycles"] for r in rounds), "errors": sum(r["errors"] for r in rounds),
        "rounds": len(rounds), "rounds_used": len(used), "only_clean_rounds": all(r["foreign_cores"] < CLEAN_CORES for r in used),
        "foreign_cores_median": median([r["foreign_cores"] for r in rounds]),
    }

