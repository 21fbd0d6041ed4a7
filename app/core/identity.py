"""Creators: who may create, what an API token looks like, and the checks on those settings.

A creator is known by a verified e-mail address (from OpenID Connect, an authenticating
proxy's header, or an API token that acts as its owner). ``BURNLINK_CREATORS`` says who may
create: ``anyone``, ``signed-in``, or a list of addresses and ``@domain``s (exact domain,
any case). Nothing here touches a request or Redis.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .payload import KINDS

if TYPE_CHECKING:
    from .config import Config

ANYONE = "anyone"
SIGNED_IN = "signed-in"
FULL = "full"
REVEAL_ONLY = "reveal-only"
MODES = (FULL, REVEAL_ONLY)
NOTIFY_TYPES = ("webhook", "slack", "email")
API_TOKEN_PREFIX = "blt_"  # noqa: S105 - a prefix, not a password
# An address as identity providers hand them out: no spaces, one @, a dotted domain.
_EMAIL = re.compile(r"[^\s@,;<>\"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", re.ASCII)
_API_TOKEN = re.compile(r"blt_[A-Za-z0-9_-]{43}", re.ASCII)
LABEL_MAX = 80


def normal_email(value: object) -> str | None:
    """``value`` as a lower-cased address, or ``None`` when it is not one."""
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
        return None
    return value.strip().lower()


@dataclass(frozen=True)
class Creators:
    """Who may create: everyone, anyone signed in, or the listed addresses and domains."""

    anyone: bool = True
    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, setting: str) -> Creators:
        """``anyone``, ``signed-in`` or ``a@x.com,@example.com``; raises ValueError naming a bad entry."""
        setting = setting.strip()
        if setting.lower() == ANYONE:
            return cls()
        if setting.lower() == SIGNED_IN:
            return cls(anyone=False)
        addresses, domains = set(), set()
        for entry in (e.strip() for e in setting.split(",")):
            if entry.startswith("@") and normal_email("x" + entry):
                domains.add(entry[1:].lower())
            elif (email := normal_email(entry)) is not None:
                addresses.add(email)
            else:
                raise ValueError(entry)
        if not addresses and not domains:
            raise ValueError(setting)
        return cls(anyone=False, addresses=frozenset(addresses), domains=frozenset(domains))

    @property
    def listed(self) -> bool:
        return bool(self.addresses or self.domains)

    @property
    def needs_sign_in(self) -> bool:
        return not self.anyone

    def allows(self, email: str | None) -> bool:
        """Whether ``email`` (``None``: nobody signed in) may create."""
        if self.anyone:
            return True
        if email is None:
            return False
        if not self.listed:
            return True
        email = email.lower()
        return email in self.addresses or email.rpartition("@")[2] in self.domains


@dataclass(frozen=True)
class Creator:
    """Who is making this request: a verified address, how it was proven, and whether an admin."""

    email: str
    via: str  # "session", "token" or "proxy"
    admin: bool = False
    sub: str = ""
    session: str = ""  # the session's digest, for a cookie session


def new_api_token() -> str:
    """A fresh API token: ``blt_`` and 32 random bytes, base64url."""
    return API_TOKEN_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def is_api_token(value: str) -> bool:
    """Whether ``value`` has an API token's shape (manage tokens never start with ``blt_``)."""
    return bool(_API_TOKEN.fullmatch(value))


def digest(value: str) -> str:
    """The SHA-256 of a token or session id, as stored (the value itself never is)."""
    return hashlib.sha256(value.encode()).hexdigest()


def user_key(email: str) -> str:
    """A short stable name for a creator in storage keys (the address itself stays out of key names)."""
    return hashlib.sha256(email.lower().encode()).hexdigest()[:24]


def in_networks(address: str, networks: tuple[str, ...]) -> bool:
    """Whether ``address`` lies in one of ``networks`` (CIDR strings)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def _loopback_http(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def identity_problems(config: Config) -> list[str]:
    """Every reason the sign-in and policy settings cannot work, one sentence each."""
    found = []
    try:
        Creators.parse(config.creators)
    except ValueError as err:
        found.append(f"BURNLINK_CREATORS must be anyone, signed-in, or addresses and @domains; {str(err)!r} is none of these.")
    found += [f"BURNLINK_ADMINS holds {a!r}, which is not an e-mail address." for a in config.admins if not normal_email(a)]
    oidc = (config.oidc_issuer, config.oidc_client_id, config.oidc_client_secret)
    if any(oidc) and not all(oidc):
        found.append("BURNLINK_OIDC_ISSUER, BURNLINK_OIDC_CLIENT_ID and BURNLINK_OIDC_CLIENT_SECRET go together.")
    if config.oidc_issuer:
        scheme = urlsplit(config.oidc_issuer).scheme
        if scheme != "https" and not (scheme == "http" and not config.production and _loopback_http(config.oidc_issuer)):
            found.append("BURNLINK_OIDC_ISSUER must be an https URL (plain http only on a loopback address outside production).")
    if config.trusted_user_header and not config.trusted_proxy_networks:
        found.append("BURNLINK_TRUSTED_USER_HEADER needs BURNLINK_TRUSTED_PROXY_NETWORKS: the proxies it is believed from.")
    if config.trusted_user_header and not re.fullmatch(r"[A-Za-z0-9-]+", config.trusted_user_header):
        found.append("BURNLINK_TRUSTED_USER_HEADER must be a header name such as X-Forwarded-Email.")
    for name, networks in (("BURNLINK_TRUSTED_PROXY_NETWORKS", config.trusted_proxy_networks),
                           ("BURNLINK_CREATE_NETWORKS", config.create_networks)):
        for network in networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                found.append(f"{name} holds {network!r}, which is not a network such as 10.0.0.0/8.")
    if config.creators.strip().lower() != ANYONE and not (config.oidc_issuer or config.trusted_user_header):
        found.append("BURNLINK_CREATORS needs a way to sign in: BURNLINK_OIDC_ISSUER or BURNLINK_TRUSTED_USER_HEADER.")
    if config.mode not in MODES:
        found.append("BURNLINK_MODE must be full or reveal-only.")
    found += [f"BURNLINK_KINDS holds {k!r}; known kinds: {', '.join(KINDS)}." for k in config.kinds if k not in KINDS]
    found += [f"BURNLINK_NOTIFY_TYPES holds {t!r}; known types: {', '.join(NOTIFY_TYPES)}."
              for t in config.notify_types if t not in NOTIFY_TYPES]
    if config.session_ttl < 60 or config.api_token_ttl_max < 3600 or config.max_file < 0:
        found.append("BURNLINK_SESSION_TTL must be at least 60, BURNLINK_API_TOKEN_TTL_MAX at least 3600, BURNLINK_MAX_FILE at least 0.")
    return found
