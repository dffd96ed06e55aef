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

import time
from importlib import import_module
from types import SimpleNamespace

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.auth import get_user

from directory.models import Person
from intranet.core import session_deadline


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


def still_signed_in(user_id: int, session_key: str | None) -> bool:
    """Is the socket's person still signed in through its session?

    False once the session ended (logout, expiry, its idle timeout or lifetime), the
    password changed (the session's hash no longer matches) or the account was
    deactivated.
    """
    if session_key is None:
        return Person.objects.filter(pk=user_id, is_active=True).exists()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if session_deadline.lapsed(store, time.time()):
        return False  # idle too long, or past its lifetime (intranet/signin)
    user = get_user(SimpleNamespace(session=store))
    return user.is_authenticated and user.pk == user_id and user.is_active
