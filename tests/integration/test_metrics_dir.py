"""The web process's metrics directory (BURNLINK_METRICS=1 without PROMETHEUS_MULTIPROC_DIR) is gone after it stops."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

import requests

from tests.support import GunicornProcess


def test_the_metrics_directory_is_removed_when_gunicorn_stops(redis_url: str) -> None:
    # A private TMPDIR: the directory gunicorn makes is the only one there, whatever else runs.
    tmp = Path(tempfile.mkdtemp(prefix="burnlink-tmpdir-"))
    server = GunicornProcess(redis_url, workers=2, env={
        "BURNLINK_METRICS": "1", "TMPDIR": str(tmp), "BURNLINK_KEY_PREFIX": f"blmd{secrets.token_hex(3)}"}).start()
    try:
        assert requests.post(f"{server.url}/api/v1/secrets", data="x", headers={"Content-Type": "text/plain"},
                             timeout=10).status_code == 201
        assert "burnlink_events_total" in requests.get(f"{server.url}/metrics", timeout=10).text
        made = list(tmp.glob("burnlink-metrics-*"))
        assert len(made) == 1 and any(made[0].glob("*.db")), made  # the workers really wrote their files there
    finally:
        server.stop()
    assert list(tmp.glob("burnlink-metrics-*")) == []
    tmp.rmdir()
