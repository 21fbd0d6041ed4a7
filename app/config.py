"""Configuration: one immutable object built from the environment.

Nothing here opens a connection; :func:`app.create_app` takes a :class:`Config`
and builds the Redis client itself, so importing the package has no effects.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

DEVELOPMENT = "development"
PRODUCTION = "production"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised at start-up, never at request time."""


@dataclass(frozen=True)
class Config:
    """Every setting burnlink reads, with the defaults PROTOCOL.md names.

    Environment variables: ``REDIS_URL``, ``SECRET_KEY``, ``BASE_URL`` and
    ``BURNLINK_<NAME>`` for each other field (upper-cased).
    """

    env: str = PRODUCTION
    redis_url: str | None = None
    secret_key: str = ""
    base_url: str = ""
    ttl_min: int = 60
    ttl_max: int = 7 * 24 * 3600
    ttl_default: int = 24 * 3600
    views_max: int = 100
    views_default: int = 1
    max_blob: int = 1024 * 1024
    max_failures: int = 5
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
    log_requests: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def development(self) -> bool:
        return self.env == DEVELOPMENT

    @property
    def max_body(self) -> int:
        """Largest request body accepted: a base64url blob plus generous JSON framing."""
        return (self.max_blob * 4 + 2) // 3 + 64 * 1024

    def with_overrides(self, **overrides: Any) -> Config:
        return replace(self, **overrides)

    def validate(self) -> Config:
        """Check the settings together; raise :class:`ConfigError` naming the bad one."""
        if self.env not in (DEVELOPMENT, PRODUCTION, "testing"):
            raise ConfigError(f"BURNLINK_ENV must be development, testing or production, not {self.env!r}.")
        if not self.secret_key:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random string (e.g. `python -c "
                "'import secrets; print(secrets.token_urlsafe(48))'`); manage tokens are signed with it."
            )
        if not 1 <= self.ttl_min <= self.ttl_default <= self.ttl_max:
            raise ConfigError("Need 1 <= BURNLINK_TTL_MIN <= BURNLINK_TTL_DEFAULT <= BURNLINK_TTL_MAX.")
        if not 1 <= self.views_default <= self.views_max:
            raise ConfigError("Need 1 <= BURNLINK_VIEWS_DEFAULT <= BURNLINK_VIEWS_MAX.")
        if self.max_blob < 28 or self.max_failures < 1:
            raise ConfigError("BURNLINK_MAX_BLOB must be at least 28 and BURNLINK_MAX_FAILURES at least 1.")
        if self.receipt_retention < 24 * 3600:
            raise ConfigError("BURNLINK_RECEIPT_RETENTION must be at least 86400 (receipts outlive secrets by 24 h).")
        schemes = ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://", "redis+sentinel://",
                   "rediss+sentinel://")
        if self.redis_url and not self.redis_url.startswith(schemes):
            raise ConfigError("REDIS_URL must start with redis://, rediss://, unix://, redis+cluster:// or redis+sentinel://.")
        return self


def _parse(kind: Any, raw: str, name: str) -> Any:
    try:
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
        if kind in ("tuple[str, ...]",):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {getattr(kind, '__name__', kind)}.") from None
    return raw


def load_config(environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
    """Build and validate a :class:`Config` from ``environ`` (default ``os.environ``).

    In development a missing ``SECRET_KEY`` gets a random one for this process
    (manage tokens then die with it); anywhere else it is an error.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    special = {"redis_url": "REDIS_URL", "secret_key": "SECRET_KEY", "base_url": "BASE_URL", "env": "BURNLINK_ENV"}
    for f in fields(Config):
        if f.name == "extra":
            continue
        name = special.get(f.name, f"BURNLINK_{f.name.upper()}")
        if name in env:
            values[f.name] = _parse(f.type, env[name], name)
    values.update(overrides)
    if values.get("redis_url") == "":
        values["redis_url"] = None
    config = Config(**values)
    if not config.secret_key and config.env != PRODUCTION:
        config = replace(config, secret_key=secrets.token_urlsafe(48))
    return config.validate()
