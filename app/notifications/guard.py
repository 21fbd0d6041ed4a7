"""Where notifications may go: public addresses only, unless the operator allows more.

Webhooks are requests this server makes on a creator's behalf, so a target must not reach
the server's own network (server-side request forgery). A target's URL must be ``https``;
its address must be public (not loopback, private, link-local, reserved, multicast or
otherwise special) unless ``BURNLINK_NOTIFY_ALLOW`` names it: a host name, an address or a
network (``127.0.0.1``, ``10.0.0.0/8``, ``hooks.internal``). An allowed entry may also use
``http``. Creation judges what it can (scheme, a literal address); every delivery resolves
the name again and connects to the address it vetted (:mod:`app.notifications.http`).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

from ..core.errors import InvalidInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):
    """A target's address is not allowed; the sentence says why (never the URL's secret parts)."""


@dataclass(frozen=True)
class Allow:
    """The operator's exceptions: host names and networks that may be reached."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, entries: tuple[str, ...] | list[str]) -> Allow:
        hosts, networks = set(), []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def admits_address(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def admits_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts


def is_public(address: Address) -> bool:
    """Is ``address`` a public unicast address (and no IPv6 wrapper of a private IPv4 one)?"""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if mapped is not None and not is_public(mapped):
            return False
    return address.is_global and not address.is_multicast


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: object, allow: Allow, *, field_name: str = "notify") -> SplitResult:
    """Check what can be judged before any lookup; raise :class:`InvalidInput` naming ``notify``."""
    if not isinstance(url, str) or len(url) > 2048 or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        raise InvalidInput("A notification URL must be one https:// address without spaces.", field=field_name)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("A notification URL must be a valid https:// address.", field=field_name) from None
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise InvalidInput("A notification URL needs a host and no user name, password or #fragment.", field=field_name)
    literal = _literal(host)
    listed = allow.admits_host(host) or (literal is not None and allow.admits_address(literal))
    if parts.scheme != "https" and not (parts.scheme == "http" and listed):
        raise InvalidInput("A notification URL must use https:// (http only for hosts the operator allows).",
                           field=field_name)
    if literal is not None and not listed and not is_public(literal):
        raise InvalidInput("A notification URL may not point at a private, loopback or reserved address.",
                           field=field_name)
    if port == 0:
        raise InvalidInput("A notification URL needs a real port.", field=field_name)
    return parts


def vetted_addresses(host: str, port: int, allow: Allow) -> list[Address]:
    """Resolve ``host`` now and return the addresses a delivery may connect to.

    Raises :class:`Refused` when none may be used: every address must be public or allowed,
    so one private answer among public ones (a rebinding trick) refuses the whole name.
    """
    literal = _literal(host)
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as err:
            raise Refused(f"the host name does not resolve ({err.__class__.__name__})") from None
        found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    named = allow.admits_host(host)
    for address in found:
        if not (named or allow.admits_address(address) or is_public(address)):
            raise Refused("the address is private, loopback or reserved, and not allowed by BURNLINK_NOTIFY_ALLOW")
    if not found:
        raise Refused("the host name has no address")
    return found
