"""Settings: read from the environment once, into one frozen :class:`Config`, and passed down.

This is the only module that reads the server's environment variables; the
application factory, ``gunicorn.conf.py`` and ``burnlink serve`` all take the
object :func:`load_config` returns. Nothing here opens a connection.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from . import wire
from .errors import ConfigError
from .identity import identity_problems

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
    "secret_key_fallbacks": "SECRET_KEY_FALLBACKS",
    "base_url": "BASE_URL",
    "env": "BURNLINK_ENV",
    "workers": "WEB_CONCURRENCY",
    "metrics_dir": "PROMETHEUS_MULTIPROC_DIR",
}


@dataclass(frozen=True)
class Config:
    """Every setting the server reads, with the protocol's defaults.

    Environment variables: ``REDIS_URL``, ``SECRET_KEY``, ``SECRET_KEY_FALLBACKS``, ``BASE_URL``,
    ``WEB_CONCURRENCY``, ``PORT``, ``PROMETHEUS_MULTIPROC_DIR`` and
    ``BURNLINK_<NAME>`` for each other field (upper-cased).
    """

    env: str = PRODUCTION
    redis_url: str | None = None
    secret_key: str = ""
    # Earlier keys, oldest first: manage tokens they signed still verify; new ones use secret_key.
    secret_key_fallbacks: tuple[str, ...] = ()
    base_url: str = ""
    # Without BASE_URL, the only Host names links may be built from (production needs one or the other).
    allowed_hosts: tuple[str, ...] = ()
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
    # The web process (gunicorn.conf.py): where it listens, how many workers, how many connections
    # each holds at once, and how long a client may take to send a request's headers and its body.
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    worker_connections: int = 500
    header_timeout: int = 5
    body_timeout: float = 20.0
    # Events and notifications: service-wide targets (a JSON list, like a create body's notify),
    # where deliveries may go, e-mail, the retry schedule (seconds before each retry), how often
    # the worker looks for expired secrets, how long the audit trail keeps events (0: off), and
    # whether events carry coarse client facts (a truncated address, a browser family).
    notify_default: str = ""
    notify_allow: tuple[str, ...] = ()
    notify_email_domains: tuple[str, ...] = ()
    slack_url_prefix: str = "https://hooks.slack.com/"
    smtp_url: str = ""
    smtp_from: str = ""
    notify_retries: tuple[int, ...] = (5, 30, 120, 600, 3600, 14400)
    notify_timeout: float = 10.0
    expiry_sweep: int = 30
    audit_retention: int = 90 * 24 * 3600
    client_facts: bool = False
    # The worker: seconds an event may stay with one worker before another takes it over (it renews
    # the lease before each attempt), seconds between looks for new events, extra CA certificates for
    # https deliveries and SMTP, and how many e-mails one secret, one signed-in creator and the whole
    # service may send a minute.
    notify_lease: int = 60
    notify_poll: float = 1.0
    notify_ca_file: str = ""
    notify_email_per_secret: int = 5
    notify_email_per_minute: int = 60
    notify_email_per_creator: int = 20
    # Creators (docs/deploy.md, "Sign-in"): who may create, how they sign in (OpenID Connect, or an
    # authenticating proxy's header believed only from its networks), how long a session lasts,
    # who the admins are.
    creators: str = "anyone"
    admins: tuple[str, ...] = ()
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    trusted_user_header: str = ""
    trusted_proxy_networks: tuple[str, ...] = ()
    session_ttl: int = 8 * 3600
    api_token_ttl_max: int = 365 * 24 * 3600
    # Operator policies, listed at GET /api/v1/policy: "full" or "reveal-only" (create endpoints
    # answer 403), networks creates may come from (empty: any), an access code on every secret,
    # the kinds a creator may pick (empty: all), the largest file, the notification types.
    mode: str = "full"
    create_networks: tuple[str, ...] = ()
    require_code: bool = False
    kinds: tuple[str, ...] = ()
    max_file: int = 0
    notify_types: tuple[str, ...] = ("webhook", "slack", "email")
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
            found.append(f"SECRET_KEY is not set. Set it to a long random string ({MAKE_KEY}); manage tokens are signed with it.")
        elif self.production:
            found += _weak_keys(self.secret_key, self.secret_key_fallbacks)
        found += self._base_url_problems()
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
        if self.workers < 1 or self.worker_connections < 1:
            found.append("WEB_CONCURRENCY and BURNLINK_WORKER_CONNECTIONS must be at least 1.")
        found += self._notify_problems()
        found += identity_problems(self)
        if self.header_timeout < 1 or self.body_timeout <= 0:
            found.append("BURNLINK_HEADER_TIMEOUT must be at least 1 and BURNLINK_BODY_TIMEOUT above 0 (seconds).")
        return found

    def _notify_problems(self) -> list[str]:
        found = []
        if self.notify_default:
            try:
                if not isinstance(json.loads(self.notify_default), list):
                    raise ValueError
            except ValueError:
                found.append("BURNLINK_NOTIFY_DEFAULT must be a JSON list of targets, like a create body's notify.")
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            found.append("BURNLINK_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (implicit TLS).")
        if any(delay < 1 for delay in self.notify_retries):
            found.append("BURNLINK_NOTIFY_RETRIES must be whole seconds of at least 1, e.g. 5,30,120,600,3600,14400.")
        if self.expiry_sweep < 1 or self.notify_timeout <= 0 or self.audit_retention < 0:
            found.append("BURNLINK_EXPIRY_SWEEP and BURNLINK_NOTIFY_TIMEOUT must be above 0, BURNLINK_AUDIT_RETENTION at least 0.")
        budgets = (self.notify_email_per_secret, self.notify_email_per_minute, self.notify_email_per_creator)
        if self.notify_lease < 1 or self.notify_poll <= 0 or min(budgets) < 1:
            found.append("BURNLINK_NOTIFY_LEASE, BURNLINK_NOTIFY_POLL and BURNLINK_NOTIFY_EMAIL_PER_SECRET/_PER_MINUTE/"
                         "_PER_CREATOR must be above 0.")
        if self.notify_ca_file and not os.path.isfile(self.notify_ca_file):
            found.append("BURNLINK_NOTIFY_CA_FILE must name a file of PEM certificates.")
        return found

    def _base_url_problems(self) -> list[str]:
        found = []
        if self.base_url and not _is_base_url(self.base_url):
            found.append("BASE_URL must be an http(s) origin with an optional path, e.g. https://secrets.example.com.")
        for host in self.allowed_hosts:
            if not re.fullmatch(r"\.?[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?", host):
                found.append(f"BURNLINK_ALLOWED_HOSTS holds {host!r}: list host names (host or host:port), no scheme or path.")
        if self.production and not self.base_url and not self.allowed_hosts:
            found.append(
                "BASE_URL is not set. In production links are built from it (e.g. BASE_URL=https://secrets.example.com), "
                "never from a request's Host header; set it, or name the served hosts in BURNLINK_ALLOWED_HOSTS."
            )
        return found

    def validate(self) -> Config:
        """Return ``self``, or raise :class:`ConfigError` listing every problem at once."""
        found = self.problems()
        if found:
            raise ConfigError(found)
        return self


MAKE_KEY = "make one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
MIN_KEY_LENGTH = 32
MIN_KEY_DISTINCT = 16
# Keys people leave in place; compared without case and without separators.
PLACEHOLDER_KEYS = frozenset({
    "changeme", "changemenow", "changethis", "replaceme", "secret", "secretkey", "mysecret", "mysecretkey",
    "yoursecretkey", "supersecret", "supersecretkey", "topsecret", "dev", "development", "devkey", "devsecret",
    "test", "testing", "testkey", "password", "password1", "passw0rd", "default", "defaultkey", "example",
    "examplekey", "key", "flask", "django", "burnlink", "letmein", "admin", "qwerty", "notasecret",
    "insecure", "unsafe", "placeholder", "todo", "xxx", "abc123", "123456", "12345678", "1234567890",
})


def key_weakness(key: str) -> str | None:
    """Why ``key`` is too weak to sign manage tokens in production, or ``None`` when it is fine.

    The sentence never quotes the key.
    """
    if re.sub(r"[^a-z0-9]", "", key.lower()) in PLACEHOLDER_KEYS:
        return "it is a well-known placeholder"
    if len(key) < MIN_KEY_LENGTH:
        return f"it has {len(key)} characters, fewer than {MIN_KEY_LENGTH}"
    if len(set(key)) < MIN_KEY_DISTINCT:
        return f"it uses {len(set(key))} distinct characters, fewer than {MIN_KEY_DISTINCT}"
    return None


def _is_base_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc \
        and not parts.query and not parts.fragment


def _weak_keys(key: str, fallbacks: tuple[str, ...]) -> list[str]:
    found = []
    if (why := key_weakness(key)) is not None:
        found.append(f"SECRET_KEY is too weak for production: {why}. A guessable key lets anyone forge manage tokens; {MAKE_KEY}.")
    for number, old in enumerate(fallbacks, 1):
        if (why := key_weakness(old)) is not None:
            found.append(f"SECRET_KEY_FALLBACKS entry {number} is too weak for production: {why}. Tokens it signed "
                         "can be forged, so drop it rather than keep accepting them.")
    return found


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
    if kind == "tuple[int, ...]":
        return tuple(int(p) for p in raw.split(",") if p.strip())
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
