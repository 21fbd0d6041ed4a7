"""`burnlink` as real processes: the installed entry point, `python -m app.cli`, and `burnlink serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.support import ROOT, GunicornProcess, free_port, wait_for

BURNLINK = Path(sys.executable).with_name("burnlink")


def process_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BURNLINK_") and k != "REDIS_URL"}
    return {**env, **extra}


def test_the_installed_command_round_trip(live_server: GunicornProcess) -> None:
    env = process_env(BURNLINK_SERVER=live_server.url)
    sent = subprocess.run([str(BURNLINK), "send", "-"], input="via a real process", capture_output=True, text=True,
                          env=env, timeout=60)
    assert sent.returncode == 0, sent.stderr
    link = sent.stdout.strip()
    assert sent.stdout == link + "\n" and link.startswith(live_server.url + "/s/")
    access = sent.stderr.split("access code: ")[1].split()[0]
    got = subprocess.run([str(BURNLINK), "get", link], capture_output=True, text=True, timeout=60,
                         env={**env, "BURNLINK_CODE": access})
    assert got.returncode == 0 and got.stdout == "via a real process", got.stderr
    again = subprocess.run([str(BURNLINK), "get", "-", "--code-stdin"], input=f"{link}\n{access}\n", capture_output=True,
                           text=True, env=env, timeout=60)  # the link and the code on stdin, never in argv
    assert again.returncode == 2 and again.stdout == "" and again.stderr.startswith("burnlink: ")
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr


def test_python_dash_m_works_and_errors_are_one_line() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run([sys.executable, "-m", "app.cli", "send", "-"], input="x", capture_output=True, text=True,
                            cwd=ROOT, env=process_env(BURNLINK_SERVER=dead), timeout=60)
    assert result.returncode == 4 and result.stdout == ""
    assert result.stderr.startswith("burnlink: Cannot reach") and result.stderr.count("\n") == 1


def test_a_closed_stdout_is_not_a_traceback(live_server: GunicornProcess) -> None:
    """`burnlink get LINK | head -c 0`: the reader goes away; one line, no traceback."""
    env = process_env(BURNLINK_SERVER=live_server.url)
    link = subprocess.run([str(BURNLINK), "send", "--no-code", "-"], input="z" * 200_000, capture_output=True, text=True,
                          env=env, timeout=60).stdout.strip()
    result = subprocess.run(["bash", "-c", f"'{BURNLINK}' get '{link}' | head -c 0"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert "Traceback" not in result.stderr


def test_serve_runs_a_development_server_with_the_embedded_store() -> None:
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(BURNLINK), "serve", "--port", str(port)], cwd=ROOT, env=process_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for(lambda: requests.get(server + "/healthz", timeout=1).ok, timeout=30, what="burnlink serve")
        # The development server names no framework and no version, like production.
        assert requests.get(server + "/", timeout=5).headers["Server"] == "burnlink"
        env = process_env(BURNLINK_SERVER=server)
        sent = subprocess.run([str(BURNLINK), "send", "--no-code", "-"], input="served", capture_output=True, text=True,
                              env=env, timeout=60)
        assert sent.returncode == 0, sent.stderr
        got = subprocess.run([str(BURNLINK), "get", sent.stdout.strip()], capture_output=True, text=True, env=env,
                             timeout=60)
        assert got.returncode == 0 and got.stdout == "served"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output, _ = proc.communicate(timeout=15)
    assert "REDIS_URL is not set" in output and f"serving on {server}" in output
