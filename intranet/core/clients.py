"""Who is calling: the client's address, as far as this server can tell.

Behind a reverse proxy every request comes from the proxy; the proxy names the real
client in ``X-Forwarded-For``. That header is believed only when the request comes from
an address in ``TRUSTED_PROXIES`` (addresses or networks): anyone else could write any
address in it, and escape the login throttle or frame someone else. Walking the header
from the right, the first address that is not a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The calling client's IP address ("unknown" when there is none)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR") or ""
    address = _address(remote)
    if not _trusted(address):
        return remote[:64] or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        candidate = _address(hop)
        if candidate is None:
            break  # a malformed hop: the last trusted one is all we know
        address = candidate
        if not _trusted(candidate):
            break
    return str(address)[:64]
