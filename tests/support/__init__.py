"""Processes the tests start for themselves: a private redis-server and a gunicorn.

Nothing here touches a shared Redis: every server is started on a free
loopback port with persistence off, and stopped by the test that made it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def require_binary(name: str) -> str:
    """The path of ``name``; a hard failure (never a skip) when it is missing."""
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} is not installed; the integration tests need it (apt-get install {name}).")
    return path


@dataclass
class RedisProcess:
    """A private redis-server on a free port; start(), stop(), pause, restart on the same port."""

    port: int = field(default_factory=free_port)
    extra: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="burnlink-redis-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        binary = require_binary("redis-server")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.workdir, "--protected-mode", "no", *self.extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._ping, what=f"redis-server on port {self.port}")
        return self

    def _ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def cli(self, *args: str) -> str:
        return subprocess.run([require_binary("redis-cli"), "-p", str(self.port), *args],
                              capture_output=True, text=True, timeout=10, check=True).stdout


@dataclass
class GunicornProcess:
    """The production entry point (gunicorn + gunicorn.conf.py + wsgi:app) on a free port."""

    redis_url: str
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> GunicornProcess:
        env = dict(os.environ)
        env.update({
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": "test-secret-key-for-gunicorn",
            "BURNLINK_ENV": "testing",
            "BURNLINK_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.workers),
            "BURNLINK_RATE_LIMITS": "0",
            "BURNLINK_REDIS_TIMEOUT": "1.0",
        })
        env.update(self.env)
        self.log = Path(tempfile.mkstemp(prefix="burnlink-gunicorn-", suffix=".log")[1])
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(lambda: requests.get(self.url + "/healthz", timeout=1).ok, timeout=30,
                     what=f"gunicorn on port {self.port}")
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}") from None
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.proc = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""


def secret_keys(prefix: str, secret_id: str) -> tuple[str, str]:
    """The Redis keys of a secret's ciphertext and of its receipt, under ``prefix`` (app/store/secrets.py)."""
    from app.store import shard_of

    tag = shard_of(secret_id)
    return f"{prefix}:{{{tag}}}:{secret_id}:s", f"{prefix}:{{{tag}}}:{secret_id}:r"
