"""WebSocket Origin check: scheme, host and port must all be the site's own.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host with
ALLOWED_HOSTS and ignores its port and scheme, so a page on another port of the same
host (another service, a developer's tool) could open a socket with the user's cookie.
Here the Origin must equal the address the socket was opened at (the Host header and
the ws/wss scheme, default ports normalised), or one of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _origin(scheme: str, host: str, port: str | None) -> tuple[str, str, str]:
    return scheme, host.lower().strip("[]"), port or DEFAULT_PORTS.get(scheme, "")


def parse_origin(value: str) -> tuple[str, str, str] | None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return _origin(parts.scheme, parts.hostname, str(port) if port else None)


def same_origin(scope, origin: str) -> bool:
    """Does ``origin`` name the site the socket was opened at?"""
    wanted = parse_origin(origin)
    if wanted is None:
        return False
    headers = dict(scope.get("headers") or [])
    host_header = headers.get(b"host", b"").decode("latin-1")
    host, port = split_domain_port(host_header)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    if wanted == _origin(scheme, host, port or None):
        return True
    trusted = {parse_origin(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return wanted in trusted


class SameOriginValidator:
    """ASGI middleware for WebSocket routes: refuse (403 at the handshake) a socket
    whose Origin is missing or not the site's own."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        origin = dict(scope.get("headers") or []).get(b"origin", b"").decode("latin-1")
        if scope["type"] == "websocket" and not same_origin(scope, origin):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
