"""Whose socket it is: the Django session, read once when the socket connects.

Channels' ``AuthMiddlewareStack`` routes every message a socket sends through its
session middleware's ``send``, which exists to save the session and set its cookie on
an HTTP response. A WebSocket carries no cookie after its handshake, so for sockets the
wrapper only costs time — three lookups through a lazy object per message, a good part
of what a broadcast to a thousand followers costs the server (bench/ws_fanout.py).
This stack finds the user exactly as Channels' does (its ``AuthMiddleware``: session
key, backend, session hash) and leaves ``send`` alone.
"""

from __future__ import annotations

from importlib import import_module

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings


class SessionFromCookie:
    """Put the session named by the request's cookie in ``scope["session"]``."""

    def __init__(self, inner):
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        scope = dict(scope, session=self.session_store(key))
        return await self.inner(scope, receive, send)


def SocketAuthStack(inner):  # named like Channels' AuthMiddlewareStack
    """Cookies → session → ``scope["user"]`` for WebSocket routes."""
    return CookieMiddleware(SessionFromCookie(AuthMiddleware(inner)))
