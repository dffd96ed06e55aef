"""WebSockets of a session still waiting for its second factor are refused.

Wrapped inside the socket stack (``asgi.py``): the session and user are already in
the scope; a session marked pending by ``SecondFactorMiddleware`` is treated as
anonymous, which the consumers refuse (close code 4401).
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from .sessions import PENDING


def _pending(session) -> bool:
    return bool(session.get(PENDING))


class RefusePendingSecondFactor:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        session = scope.get("session")
        if session is not None and await database_sync_to_async(_pending)(session):
            scope = dict(scope, user=AnonymousUser())
        return await self.inner(scope, receive, send)
