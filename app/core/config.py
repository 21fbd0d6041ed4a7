"""Settings: read from the environment once, into one frozen :class:`Config`, and passed down.

This is the only module that reads the server's environment variables; the
application factory, ``gunicorn.conf.py`` and ``burnlink serve`` all take the
object :func:`load_config` returns. Nothing here opens a connection.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from . import wire
from .errors import ConfigError

DEVELOPMENT = "development"
TESTING = "testing"
PRODUCTION = "production"
ENVIRONMENTS = (DEVELOPMENT, TESTING, PRODUCTION)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://", "redis+sentinel://",
                 "rediss+sentinel://")

# Fields read from a variable other than BURNLINK_<FIELD>.
_NAMES = {
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "base_url": "BASE_URL",
    "env": "BURNLINK_ENV",
    "workers": "WEB_CONCURRENCY",
    "metrics_dir": "PROMETHEUS_MULTIPROC_DIR",
}


@dataclass(frozen=True)
class Config:
    """Every setting the server reads, with the protocol's defaults.

    Environment variables: ``REDIS_URL``, ``SECRET_KEY``, ``BASE_URL``,
    ``WEB_CONCURRENCY``, ``PORT``, ``PROMETHEUS_MULTIPROC_DIR`` and
    ``BURNLINK_<NAME>`` for each other field (upper-cased).
    """

    env: str = PRODUCTION
    redis_url: str | None = None
    secret_key: str = ""
    base_url: str = ""
    ttl_min: int = wire.TTL_MIN
    ttl_max: int = wire.TTL_MAX
    ttl_default: int = wire.TTL_DEFAULT
    views_max: int = wire.VIEWS_MAX
    views_default: int = wire.VIEWS_DEFAULT
    max_blob: int = wire.MAX_BLOB
    max_failures: int = wire.MAX_FAILURES
    receipt_retention: int = 24 * 3600
    redis_timeout: float = 2.0
    key_prefix: str = "bl"
    rate_limits: bool = True
    rate_create: str = "30/minute;300/hour"
    rate_reveal: str = "60/minute"
    rate_reveal_secret: str = "20/minute"  # noqa: S105 - a rate, not a password
    trusted_proxies: int = 0
    metrics: bool = False
    metrics_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    metrics_dir: str = ""
    log_requests: bool = True
    log_level: str = "INFO"
    # The web process (gunicorn.conf.py): where it listens and how many workers and threads it runs.
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    threads: int = 4
    # Set when SECRET_KEY was missing and this process made one (never read from the environment).
    secret_key_generated: bool = field(default=False, metadata={"environment": False})

    @property
    def max_body(self) -> int:
        """Largest request body accepted: a base64url blob plus generous JSON framing."""
        return (self.max_blob * 4 + 2) // 3 + 64 * 1024

    @property
    def production(self) -> bool:
        return self.env == PRODUCTION

    def problems(self) -> list[str]:
        """Every reason these settings cannot work together, one sentence each (empty: fine)."""
        found = []
        if self.env not in ENVIRONMENTS:
            found.append(f"BURNLINK_ENV must be development, testing or production, not {self.env!r}.")
        if not self.secret_key:
            found.append(
                "SECRET_KEY is not set. Set it to a long random string (e.g. `python -c "
                "'import secrets; print(secrets.token_urlsafe(48))'`); manage tokens are signed with it."
            )
        if not 1 <= self.ttl_min <= self.ttl_default <= self.ttl_max:
            found.append("Need 1 <= BURNLINK_TTL_MIN <= BURNLINK_TTL_DEFAULT <= BURNLINK_TTL_MAX.")
        if not 1 <= self.views_default <= self.views_max:
            found.append("Need 1 <= BURNLINK_VIEWS_DEFAULT <= BURNLINK_VIEWS_MAX.")
        if self.max_blob < 28 or self.max_failures < 1:
            found.append("BURNLINK_MAX_BLOB must be at least 28 and BURNLINK_MAX_FAILURES at least 1.")
        if self.receipt_retention < 24 * 3600:
            found.append("BURNLINK_RECEIPT_RETENTION must be at least 86400 (receipts outlive secrets by 24 h).")
        if self.redis_url and not self.redis_url.startswith(REDIS_SCHEMES):
            found.append("REDIS_URL must start with redis://, rediss://, unix://, redis+cluster:// or redis+sentinel://.")
        if self.workers < 1 or self.threads < 1:
            found.append("WEB_CONCURRENCY and BURNLINK_THREADS must be at least 1.")
        return found

    def validate(self) -> Config:
        """Return ``self``, or raise :class:`ConfigError` listing every problem at once."""
        found = self.problems()
        if found:
            raise ConfigError(found)
        return self


def _parse(kind: Any, raw: str, name: str) -> Any:
    if kind in (bool, "bool"):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(raw)
    if kind in (int, "int"):
        return int(raw)
    if kind in (float, "float"):
        return float(raw)
    if kind == "tuple[str, ...]":
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    return raw


def load_config(environ: Mapping[str, str] | None = None, *, defaults: Mapping[str, str] | None = None,
                **overrides: Any) -> Config:
    """Build and validate a :class:`Config` from ``environ`` (default ``os.environ``).

    ``defaults`` are variables used when ``environ`` lacks them (``burnlink serve``
    runs in development unless told otherwise); ``overrides`` replace fields.
    Outside production a missing ``SECRET_KEY`` gets a random one for this
    process (manage tokens then die with it). Every bad setting is reported in
    one :class:`ConfigError`.
    """
    config, found = read_config(environ, defaults=defaults, **overrides)
    if found:
        raise ConfigError(found)
    return config


def read_config(environ: Mapping[str, str] | None = None, *, defaults: Mapping[str, str] | None = None,
                **overrides: Any) -> tuple[Config, list[str]]:
    """Like :func:`load_config`, but return the problems beside the settings instead of raising.

    A setting that does not parse keeps its default, so a caller (``gunicorn.conf.py``) can
    still start far enough to report every problem at once.
    """
    env = {**(defaults or {}), **(os.environ if environ is None else environ)}
    values: dict[str, Any] = {}
    found = []
    for f in fields(Config):
        if not f.metadata.get("environment", True):
            continue
        name = _NAMES.get(f.name, f"BURNLINK_{f.name.upper()}")
        if name in env:
            try:
                values[f.name] = _parse(f.type, env[name], name)
            except ValueError:
                found.append(f"{name}={env[name]!r} is not a valid {getattr(f.type, '__name__', f.type)}.")
    if "bind" not in values and env.get("PORT"):
        # A platform that sets PORT (the Procfile's web line) expects the service on every interface.
        values["bind"] = f"0.0.0.0:{env['PORT']}"
    values.update(overrides)
    if values.get("redis_url") == "":
        values["redis_url"] = None
    try:
        config = Config(**values)
    except TypeError as err:  # an override that names no field
        raise ConfigError(str(err)) from None
    if not config.secret_key and config.env != PRODUCTION:
        config = replace(config, secret_key=secrets.token_urlsafe(48), secret_key_generated=True)
    return config, found + config.problems()
