"""The worker's settings, and what ``burnlink worker`` and ``burnlink audit`` refuse before they start."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.core.config import load_config
from app.core.errors import ConfigError
from app.notifications.mail import Smtp

BASE = {"BURNLINK_ENV": "testing", "SECRET_KEY": "unit-test-secret-key"}


def test_the_worker_settings_and_their_defaults(tmp_path: Path) -> None:
    config = load_config(BASE)
    assert (config.notify_lease, config.notify_poll, config.notify_ca_file) == (60, 1.0, "")
    assert (config.notify_email_per_secret, config.notify_email_per_minute) == (5, 60)
    assert config.notify_retries == (5, 30, 120, 600, 3600, 14400) and config.expiry_sweep == 30
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    config = load_config({**BASE, "BURNLINK_NOTIFY_LEASE": "5", "BURNLINK_NOTIFY_POLL": "0.2",
                          "BURNLINK_NOTIFY_CA_FILE": str(ca), "BURNLINK_NOTIFY_EMAIL_PER_SECRET": "2",
                          "BURNLINK_NOTIFY_EMAIL_PER_MINUTE": "30", "BURNLINK_NOTIFY_RETRIES": "1,1,1"})
    assert (config.notify_lease, config.notify_poll, config.notify_ca_file) == (5, 0.2, str(ca))
    assert (config.notify_email_per_secret, config.notify_email_per_minute, config.notify_retries) == (2, 30, (1, 1, 1))


@pytest.mark.parametrize("bad", [{"BURNLINK_NOTIFY_LEASE": "0"}, {"BURNLINK_NOTIFY_POLL": "0"},
                                 {"BURNLINK_NOTIFY_EMAIL_PER_SECRET": "0"}, {"BURNLINK_NOTIFY_EMAIL_PER_MINUTE": "-1"},
                                 {"BURNLINK_NOTIFY_CA_FILE": "/nonexistent/ca.pem"}, {"BURNLINK_NOTIFY_RETRIES": "5,0"}])
def test_bad_worker_settings_are_start_up_errors(bad: dict) -> None:
    with pytest.raises(ConfigError):
        load_config({**BASE, **bad})


def test_the_smtp_url_is_url_decoded() -> None:
    smtp = Smtp.parse("smtp://notify%40example.com:p%40ss%3Aw%2Frd@mail.example.com")
    assert (smtp.host, smtp.port, smtp.implicit_tls, smtp.user, smtp.password) == \
        ("mail.example.com", 587, False, "notify@example.com", "p@ss:w/rd")
    assert Smtp.parse("smtps://mail.example.com").port == 465 and Smtp.parse("smtps://mail.example.com").implicit_tls
    assert "p@ss" not in repr(smtp)


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, argv: list[str], **environ: str) -> tuple[int, str]:
    for name in ("REDIS_URL", "SECRET_KEY", "BURNLINK_ENV", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code = main(argv)
    return code, capsys.readouterr().err


def test_the_worker_needs_redis_and_the_web_processs_secret_key(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture) -> None:
    code, err = run(monkeypatch, capsys, ["worker"], BURNLINK_ENV="testing", SECRET_KEY="k")
    assert code == 1 and "REDIS_URL is not set" in err
    code, err = run(monkeypatch, capsys, ["worker"], BURNLINK_ENV="testing", REDIS_URL="redis://127.0.0.1:1/0")
    assert code == 1 and "SECRET_KEY is not set" in err


def test_the_audit_command_needs_redis_and_a_duration(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    code, err = run(monkeypatch, capsys, ["audit", "--since", "1w"], BURNLINK_ENV="testing")
    assert code == 1 and "--since" in err
    code, err = run(monkeypatch, capsys, ["audit"], BURNLINK_ENV="testing")
    assert code == 1 and "REDIS_URL is not set" in err
    code, err = run(monkeypatch, capsys, ["audit", "--format", "xml"], BURNLINK_ENV="testing")
    assert code == 1
