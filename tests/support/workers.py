"""``burnlink worker`` as a process the notification tests start, kill and restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import ROOT

# What GunicornProcess signs and seals with: the worker must open the targets the server sealed.
SECRET_KEY = "test-secret-key-for-gunicorn"
# Short waits through settings, never through sleeping out real ones.
FAST = {"BURNLINK_NOTIFY_POLL": "0.1", "BURNLINK_NOTIFY_LEASE": "2", "BURNLINK_EXPIRY_SWEEP": "1",
        "BURNLINK_NOTIFY_RETRIES": "1,1,1", "BURNLINK_NOTIFY_TIMEOUT": "5"}


@dataclass
class WorkerProcess:
    """One ``burnlink worker`` against ``redis_url``, with ``env`` on top of :data:`FAST`."""

    redis_url: str
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    log: Path | None = None

    def start(self) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BURNLINK_")}
        env.update({"REDIS_URL": self.redis_url, "SECRET_KEY": SECRET_KEY, "BURNLINK_ENV": "testing",
                    "BURNLINK_LOG_LEVEL": "INFO", **FAST, **self.env})
        self.log = Path(tempfile.mkstemp(prefix="burnlink-worker-", suffix=".log")[1])
        self.proc = subprocess.Popen([str(Path(sys.executable).with_name("burnlink")), "worker"], cwd=ROOT, env=env,
                                     stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        """SIGKILL: no chance to finish or acknowledge anything."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM and wait for the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.terminate(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""
