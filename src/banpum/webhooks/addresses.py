"""Where a webhook may go: the guard against server-side request forgery (SSRF).

A merchant types the URL and Banpum's server calls it, so a URL must not reach into the
server's own network: the metadata service of a cloud machine (169.254.169.254), a database
on 10.x, the admin on 127.0.0.1. The guard runs when a subscription is saved (a clear 422)
and again before every attempt, on a fresh resolution of the host: a name that pointed to a
public address when saved may point inside later (DNS rebinding). The attempt then connects to
the very address that was checked, never resolving the name a second time.

Refused: schemes other than http and https, user names and passwords in the URL, and hosts
with any address that is not public (private, loopback, link-local, shared, multicast,
unspecified or reserved; IPv4-mapped IPv6 is judged as its IPv4). ``allow_private``
(``BANPUM_WEBHOOKS_ALLOW_PRIVATE``) lets private, loopback and link-local addresses through,
for a receiver on the same machine or network (and for the tests' receiver on 127.0.0.1);
multicast and unspecified addresses stay refused, since nothing can answer there.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from banpum.core.errors import ErrorCode
from banpum.webhooks import errors

MAX_URL_LENGTH = 2000

# (host, port) → the addresses it resolves to, as text.
Resolver = Callable[[str, int], list[str]]


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


def allow_private() -> bool:
    return bool(getattr(settings, "BANPUM_WEBHOOKS_ALLOW_PRIVATE", False))


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to ask for there."""

    scheme: str
    host: str  # as the URL names it: the Host header and the TLS server name
    port: int
    path: str  # path and query, never empty
    address: str  # the checked address the attempt connects to


@dataclass(frozen=True)
class Refusal:
    """Why a URL is refused: ``reason`` for the attempt log, ``error`` for the API."""

    reason: str  # url_invalid, url_credentials, dns, address_refused
    error: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return self.error.render(**self.params)


def address_allowed(address: str, *, private: bool) -> bool:
    """Whether a webhook may connect to ``address`` (``private``: the setting's allowance)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: the zone is no IP
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified:
        return False
    if private and (ip.is_loopback or ip.is_private or ip.is_link_local):
        return True
    return ip.is_global and not ip.is_reserved


def _parse(url: str) -> tuple[str, str, int, str] | Refusal:
    if (
        not url
        or len(url) > MAX_URL_LENGTH
        or not url.isascii()
        or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url)
    ):
        return Refusal("url_invalid", errors.URL_INVALID)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return Refusal("url_invalid", errors.URL_INVALID)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return Refusal("url_invalid", errors.URL_INVALID)
    if parts.username is not None or parts.password is not None:
        return Refusal("url_credentials", errors.URL_CREDENTIALS)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def url_target(
    url: str, *, private: bool | None = None, resolve: Resolver | None = None
) -> Target | Refusal:
    """The URL's target after resolving its host now, or why it is refused.

    Every address of the host must be allowed, so a name with one public and one private
    address is refused; the attempt connects to the first one. ``resolve`` defaults to the
    system's resolver (looked up at the call, so a test can replace it).
    """
    private = allow_private() if private is None else private
    parsed = _parse(url)
    if isinstance(parsed, Refusal):
        return parsed
    scheme, host, port, path = parsed
    try:
        addresses = (resolve or system_resolve)(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        return Refusal("dns", errors.URL_UNRESOLVED, {"host": host})
    for address in addresses:
        if not address_allowed(address, private=private):
            return Refusal(
                "address_refused", errors.URL_NOT_PUBLIC, {"host": host, "address": address}
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
