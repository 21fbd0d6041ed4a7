"""`make bench`: burnlink against snappass and a framework-free ceiling, plus memory and browser crypto.

Everything runs here, on loopback: a private redis-server, each target under gunicorn with the
same workers and threads, and the load generator (bench/load.py) in its own processes. Rounds
are interleaved so a noisy neighbour hits every target alike; the median round is reported.
Results: bench/results/<time>.json and .png (git-ignored); the plot is copied to docs/bench.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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


def ensure_snappass() -> Path:
    """snappass from PyPI in its own virtual environment (never vendored)."""
    gunicorn = SNAPPASS_VENV / "bin" / "gunicorn"
    if not gunicorn.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SNAPPASS_VENV)], check=True)
        subprocess.run([str(SNAPPASS_VENV / "bin" / "pip"), "install", "-q", "snappass", "gunicorn"], check=True)
    return gunicorn


def start(target: str, redis_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url}
    common = ["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "-b", f"127.0.0.1:{port}",
              "--no-control-socket", "--log-level", "warning"]
    if target == "burnlink":
        env.update({"SECRET_KEY": secrets.token_urlsafe(32), "BURNLINK_ENV": "production", "BURNLINK_RATE_LIMITS": "0",
                    "BURNLINK_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WORKERS), "BURNLINK_THREADS": str(THREADS)})
        command = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
        cwd = ROOT
    elif target == "snappass":
        env.update({"NO_SSL": "True", "SECRET_KEY": secrets.token_urlsafe(32)})
        command = [str(ensure_snappass()), *common, "snappass.main:app"]
        cwd = BENCH
    else:
        command = [str(Path(sys.executable).with_name("gunicorn")), *common, "ceiling:app"]
        cwd = BENCH
    log = open(RESULTS / f"server-{target}.log", "wb")
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(url + ("/healthz" if target == "burnlink" else "/"), timeout=1).status_code < 500,
             timeout=30, what=f"{target} to start")
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def cpu_seconds(master: int) -> float:
    """User + system CPU of a gunicorn master's workers, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    kids = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in kids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def load(target: str, url: str, seconds: float, master: int | None = None) -> dict[str, Any]:
    before = cpu_seconds(master) if master else 0.0
    out = subprocess.run([sys.executable, str(BENCH / "load.py"), target, url, "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds + 120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if master and result["cycles"]:
        # Server CPU per cycle: the fairest figure on a machine the load generator shares.
        result["server_cpu_ms_per_cycle"] = round((cpu_seconds(master) - before) * 1000 / result["cycles"], 3)
    return result


def throughput(redis_url: str, seconds: float, rounds: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"burnlink": [], "snappass": [], "ceiling": []}
    for round_no in range(rounds):
        for target in runs:
            proc, url = start(target, redis_url)
            try:
                load(target, url, 2)  # warm-up: connections, scripts, imports
                result = load(target, url, seconds, proc.pid)
                runs[target].append(result)
                print(f"round {round_no + 1} {target:9} {result['cycles_per_s']:8.1f} cycles/s  "
                      f"create p99 {result['create_ms']['p99']} ms  reveal p99 {result['reveal_ms']['p99']} ms  "
                      f"server CPU {result.get('server_cpu_ms_per_cycle')} ms/cycle  errors {result['errors']}", flush=True)
            finally:
                stop(proc)
    median = {t: sorted(r, key=lambda x: x["cycles_per_s"])[len(r) // 2] for t, r in runs.items()}
    ours, snap, ceil = median["burnlink"], median["snappass"], median["ceiling"]
    worst = lambda r: max(r["create_ms"]["p99"], r["reveal_ms"]["p99"])  # noqa: E731
    return {
        "median": median, "rounds": runs,
        "ratios": {
            "ours_over_snappass_cycles": round(ours["cycles_per_s"] / snap["cycles_per_s"], 2),
            "ours_over_ceiling_cycles": round(ours["cycles_per_s"] / ceil["cycles_per_s"], 2),
            "ours_p99_ms": worst(ours), "snappass_p99_ms": worst(snap), "ceiling_p99_ms": worst(ceil),
            "server_cpu_ms_per_cycle": {t: median[t].get("server_cpu_ms_per_cycle") for t in median},
        },
    }


def memory(redis_url: str, count: int = 200) -> dict[str, Any]:
    """Redis memory per stored secret (both keys), for 1 KiB and 64 KiB of ciphertext."""
    import redis

    from app.store import Store

    client = redis.Redis.from_url(redis_url)
    out = {}
    for size in (1024, 65536):
        store = Store(client, prefix=f"blmem{size}")
        before = client.info("memory")["used_memory"]
        ids = [store.create(os.urandom(size), b"l" * 32, b"a" * 32, ttl=3600, views=1, has_code=True).id for _ in range(count)]
        used = (client.info("memory")["used_memory"] - before) / count
        usage = sum(client.memory_usage(k, samples=0) for i in ids for k in store.keys(i)) / count
        out[f"{size}"] = {"ciphertext": size, "memory_usage_per_secret": round(usage), "over_ciphertext": round(usage - size),
                          "used_memory_delta_per_secret": round(used), "target_bytes": size + 200}
        for i in ids:
            client.delete(*store.keys(i))
    return out


def browser_crypto(redis_url: str) -> dict[str, Any]:
    """Encrypt + upload of 1 KiB, 100 KiB and 1 MiB, and the PBKDF2 step, in Chromium; median of 5."""
    from playwright.sync_api import sync_playwright

    proc, url = start("burnlink", redis_url)
    script = """async ([size, withCode]) => {
      const p = await import('/static/js/protocol.js');
      const text = 'x'.repeat(size);
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const sealed = await p.sealPayload(p.makePayload({text}), withCode ? p.generateCode() : null);
        const r = await fetch('/api/v1/secrets', {method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({ciphertext: p.b64uEncode(sealed.blob), link_verifier: p.b64uEncode(sealed.linkVerifier),
                                auth_verifier: p.b64uEncode(sealed.authVerifier), has_code: withCode})});
        if (r.status !== 201) throw new Error('create failed ' + r.status);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[2];
    }"""
    pbkdf2 = """async () => {
      const p = await import('/static/js/protocol.js');
      const K = p.randomBytes(32);
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await p.codeKey(K, p.generateCode());
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[2];
    }"""
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.goto(url + "/")
            out = {f"encrypt_upload_{label}_ms": round(page.evaluate(script, [size, False]), 1)
                   for label, size in (("1KiB", 1024), ("100KiB", 100 * 1024), ("1MiB", 1024 * 1024 - 4096))}
            out["pbkdf2_600k_ms"] = round(page.evaluate(pbkdf2), 1)
            browser.close()
    finally:
        stop(proc)
    return out


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?")
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(int(mem) / 1024 / 1024, 1), "python": platform.python_version(),
            "redis": redis_version, "workers": WORKERS, "threads": THREADS}


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    median = result["throughput"]["median"]
    names = list(median)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    axes[0].bar(names, [median[n]["cycles_per_s"] for n in names], color=["#b4361b", "#7a8699", "#3b6ea5"])
    axes[0].set_title("create + reveal cycles per second (higher is better)")
    for i, quantity in enumerate(("create_ms", "reveal_ms"), start=1):
        width = 0.25
        for j, q in enumerate(("p50", "p95", "p99")):
            axes[i].bar([k + j * width for k in range(len(names))], [median[n][quantity][q] for n in names], width, label=q)
        axes[i].set_xticks([k + width for k in range(len(names))], names)
        axes[i].set_title(f"{quantity.split('_')[0]} latency, ms (lower is better)")
        axes[i].legend()
    fig.suptitle(f"burnlink bench: {result['machine']['cores']} cores, gunicorn {WORKERS} workers × {THREADS} threads, "
                 f"same Redis, same load generator")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    redis_server = RedisProcess(extra=("--maxmemory-policy", "noeviction")).start()
    try:
        result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
                                  "command": " ".join(["python", "bench/run.py", *sys.argv[1:]])}
        result["throughput"] = throughput(redis_server.url, args.seconds, args.rounds)
        result["memory"] = memory(redis_server.url)
        if not args.skip_browser:
            result["browser"] = browser_crypto(redis_server.url)
    finally:
        redis_server.stop()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(result, indent=2))
    plot(result, RESULTS / f"{stamp}.png")
    shutil.copy(RESULTS / f"{stamp}.png", ROOT / "docs" / "bench.png")
    print(json.dumps({k: result[k] for k in ("machine", "memory")} | {"ratios": result["throughput"]["ratios"],
                     "browser": result.get("browser")}, indent=2))
    print(f"wrote {RESULTS / stamp}.json and .png, and docs/bench.png")


if __name__ == "__main__":
    main()
