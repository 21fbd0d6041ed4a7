"""A non-editable install works: the wheel carries the templates, static files, scripts and the API document.

The wheel is built from the checkout and installed (without dependencies) into a fresh virtual
environment; its dependencies come from the project's own environment through a ``.pth`` line, so
the test needs no network. gunicorn then serves it from an empty directory elsewhere.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support import ROOT, free_port, wait_for


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A fresh venv with only the burnlink wheel installed in it."""
    with tempfile.TemporaryDirectory(prefix="burnlink-wheel-") as tmp:
        work = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                        str(work / "dist"), str(ROOT)], check=True, capture_output=True)
        wheel = next((work / "dist").glob("burnlink-*.whl"))
        venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = venv / "bin" / "python"
        site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                       check=True, capture_output=True)
        # The dependencies, after the wheel on sys.path: a plain path line runs no editable finder.
        (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        yield python


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run([str(installed), "-c", "import app.server.assets as a, app; print(app.__file__); print(a.ROOT)"],
                         cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split()
    package, assets_root = Path(out[0]).parent, Path(out[1])
    assert not package.is_relative_to(ROOT) and assets_root == package
    for shipped in ("templates/create.html", "static/css/app.css", "static/js/protocol.js", "static/i18n/en.json",
                    "store/scripts/reveal.lua", "server/openapi.json", "translations/de/LC_MESSAGES/messages.mo"):
        assert (package / shipped).is_file(), shipped


def test_gunicorn_serves_the_installed_package_from_another_directory(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PYTHONPATH")}
    env.update({"BURNLINK_ENV": "testing", "SECRET_KEY": "wheel-test-" + "k" * 40, "BURNLINK_BIND": f"127.0.0.1:{port}"})
    proc = subprocess.Popen([str(installed), "-m", "gunicorn", "-c", "python:app.server.gunicorn_conf", "-w", "1",
                             "app.server:wsgi_app()"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(base + "/healthz", timeout=1).ok, timeout=30, what="the installed gunicorn")
        page = requests.get(base + "/", timeout=5)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        assert '<script type="module" src="/static/js/create.js' in page.text
        css = requests.get(base + "/static/css/app.css", timeout=5)
        js = requests.get(base + "/static/js/protocol.js", timeout=5)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
        assert js.status_code == 200 and "export async function deriveKeys" in js.text
        created = requests.post(base + "/api/v1/secrets", data=b"from the wheel",
                                headers={"Accept": "application/json", "Content-Type": "text/plain"},
                                timeout=5)
        assert created.status_code == 201, created.text
        key = created.json()["link"].split("#")[1]
        revealed = requests.post(f"{base}/api/v1/secrets/{created.json()['id']}/reveal", data={"key": key}, timeout=5)
        assert revealed.status_code == 200 and revealed.text == "from the wheel"
        assert requests.get(base + "/api/v1/openapi.json", timeout=5).json()["openapi"].startswith("3.1")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
