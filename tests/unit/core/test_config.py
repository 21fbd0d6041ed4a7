"""Configuration from the environment, and the start-up refusals."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from app.core.config import load_config
from app.core.errors import ConfigError
from app.server import create_app
from tests.support import ROOT, free_port

# Production settings that pass on their own (a strong key, a BASE_URL), so each case below fails
# for the one reason it names.
GOOD = {"SECRET_KEY": "Zq3vX8pL1mN4rT7wY0bC6dF9gH2jK5sA-config-test", "BASE_URL": "https://secrets.example.com"}


def test_defaults_match_the_protocol() -> None:
    config = load_config(dict(GOOD))
    assert (config.ttl_min, config.ttl_default, config.ttl_max) == (60, 86400, 604800)
    assert (config.views_default, config.views_max, config.max_blob, config.max_failures) == (1, 100, 1048576, 5)
    assert config.env == "production" and config.redis_url is None


def test_environment_overrides() -> None:
    config = load_config({**GOOD, "BURNLINK_TTL_MAX": "1209600", "BURNLINK_VIEWS_MAX": "10",
                          "REDIS_URL": "redis://r:6379/1", "BURNLINK_RATE_LIMITS": "off"})
    assert config.ttl_max == 1209600 and config.views_max == 10 and config.redis_url == "redis://r:6379/1"
    assert config.rate_limits is False


@pytest.mark.parametrize("environ", [
    {},  # production without SECRET_KEY
    {**GOOD, "BURNLINK_TTL_MAX": "ten"},
    {**GOOD, "BURNLINK_TTL_MIN": "100", "BURNLINK_TTL_DEFAULT": "50"},
    {**GOOD, "REDIS_URL": "http://wrong"},
    {**GOOD, "BURNLINK_RECEIPT_RETENTION": "3600"},
    {**GOOD, "BURNLINK_ENV": "staging"},
])
def test_bad_settings_are_start_up_errors(environ: dict) -> None:
    with pytest.raises(ConfigError):
        load_config(environ)


def test_development_makes_a_process_secret_key() -> None:
    assert len(load_config({"BURNLINK_ENV": "development"}).secret_key) > 40


def test_embedded_store_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="burnlink"):
        app = create_app(load_config({"BURNLINK_ENV": "development"}))
    assert app.extensions["burnlink"].embedded is True
    assert len([r for r in caplog.records if "in-memory" in r.getMessage()]) == 1


def test_importing_the_package_connects_nothing() -> None:
    code = "import app, app.server.api, app.store, app.core.config, app.cli; import redis; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "ok"


def _gunicorn(env: dict, *args: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY", "BURNLINK_ENV")}
    full.update(env)
    full["BURNLINK_BIND"] = f"127.0.0.1:{free_port()}"
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return subprocess.run([gunicorn, "-c", "gunicorn.conf.py", *args, "wsgi:app"], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=30)


def test_gunicorn_refuses_several_workers_without_redis() -> None:
    result = _gunicorn(dict(GOOD), "-w", "2")
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr


def test_gunicorn_refuses_production_without_a_secret_key() -> None:
    result = _gunicorn({"REDIS_URL": "redis://127.0.0.1:1/0"}, "-w", "1")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_gunicorn_names_every_problem_at_once() -> None:
    result = _gunicorn({"BURNLINK_TTL_MAX": "ten"}, "-w", "2")
    problems = [line for line in result.stderr.splitlines() if line.startswith("burnlink: ")]
    assert result.returncode != 0
    assert any("SECRET_KEY is not set" in p for p in problems) and any("BURNLINK_TTL_MAX='ten'" in p for p in problems)
    assert any("BASE_URL is not set" in p for p in problems) and any("REDIS_URL is not set" in p for p in problems)


def test_an_unreachable_storage_is_named_at_start(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="burnlink"):
        app = create_app(load_config({"BURNLINK_ENV": "testing", "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                                      "BURNLINK_REDIS_TIMEOUT": "0.5"}))
    warnings = [r.getMessage() for r in caplog.records if "storage cannot be reached" in r.getMessage()]
    assert len(warnings) == 1 and "check REDIS_URL" in warnings[0]
    assert app.test_client().get("/readyz").status_code == 503
