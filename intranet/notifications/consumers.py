"""WebSocket endpoints. Authentication comes from the session; no business logic here.

The sockets hold no channel of their own: the process's :mod:`fanout` hub joins each
group once and writes to every local socket that follows it.

Anonymous sockets are refused before the handshake (close code 4401; the browser sees
a failed connection and asks /notifications/count/ whether it is still logged in).
When the channel layer is down the socket is closed with 1013 ("try again later") and
the browser reconnects with backoff.

A socket lives no longer than its session: logging out closes the person's sockets at
once (a "socket.control" message to ``topics.session_group``), and every socket checks
its session again every ``SOCKET_RECHECK_SECONDS`` (session expiry, password change,
deactivation), closing with 4401 when it no longer holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from contextlib import suppress

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from . import fanout, live, topics
from .services import unread_count
from .sessions import still_signed_in

logger = logging.getLogger(__name__)

UNAUTHENTICATED = 4401
TRY_AGAIN_LATER = 1013
TOO_SLOW = 1008
MAX_TOPICS = 50
# A browser that stops reading: after this many unsent messages it is disconnected
# (it reconnects and catches up from the server-rendered page and the count).
MAX_BACKLOG = 200


def render(message: dict) -> str | None:
    """The text a browser receives for a channel-layer message (once per process)."""
    kind = message.get("type")
    if kind == "topic.event":
        payload = {
            "type": "event",
            "topic": message["topic"],
            "event": message["event"],
        }
    elif kind == "notification.new":
        payload = {
            "type": "notification",
            "notification": message["notification"],
            "unread": message["unread"],
        }
    elif kind == "notification.count":
        payload = {"type": "count", "unread": message["unread"]}
    else:
        return None
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _authenticated(scope) -> bool:
    user = scope.get("user")
    return user is not None and user.is_authenticated and user.is_active


class _LiveSocket(AsyncJsonWebsocketConsumer):
    # No channel per socket (see fanout): an alias that names no layer.
    channel_layer_alias = "no-channel-per-socket"

    async def _refuse_anonymous(self) -> bool:
        if _authenticated(self.scope):
            return False
        await self.close(code=UNAUTHENTICATED)
        return True

    def _start(self) -> None:
        self.hub = fanout.hub_for_this_loop(render)
        self.following: set[str] = set()
        self._outbox: deque[str] = deque()
        self._writing = False
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        self._watch = asyncio.get_running_loop().create_task(self._recheck())

    async def _watch_session(self) -> bool:
        """Follow the person's control group (close at logout)."""
        return await self._follow(topics.session_group(self.scope["user"].pk))

    async def _recheck(self) -> None:
        """Close the socket once its session no longer holds (checked periodically)."""
        interval = float(getattr(settings, "SOCKET_RECHECK_SECONDS", 45))
        user_id = self.scope["user"].pk
        check = database_sync_to_async(still_signed_in)
        while True:
            await asyncio.sleep(interval)
            with suppress(Exception):  # a database hiccup: look again next time
                if not await check(user_id, self.session_key):
                    await self.close(code=UNAUTHENTICATED)
                    return

    def control(self, message: dict) -> None:
        """A control message for the person's sockets: "close" ends this one when it
        names no session or this socket's."""
        if message.get("action") != "close":
            return
        if message.get("session") in (None, "", self.session_key):
            self._watch.cancel()
            asyncio.get_running_loop().create_task(self.close(code=UNAUTHENTICATED))

    async def _follow(self, group: str) -> bool:
        """Join ``group`` through the hub; False when the channel layer is down."""
        if self.hub is None:
            return True  # no channel layer configured: nothing live to follow
        for attempt in (1, 2):
            try:
                await self.hub.follow(group, self)
            except Exception:
                # Right after a Redis restart the first command on the old
                # connection fails (and drops it): one more try on a fresh one.
                if attempt == 2:
                    if live.health.failed():
                        logger.warning(
                            "Channel layer unavailable: live updates paused.",
                            exc_info=True,
                        )
                    return False
            else:
                break
        self.following.add(group)
        if live.health.succeeded():
            logger.warning("Channel layer reachable again: live updates resumed.")
        return True

    async def _unfollow(self, group: str) -> None:
        if group in self.following:
            self.following.discard(group)
            await self.hub.unfollow(group, self)

    async def disconnect(self, code):
        watch = getattr(self, "_watch", None)
        if watch is not None:
            watch.cancel()
        for group in tuple(getattr(self, "following", ())):
            await self._unfollow(group)

    def push(self, text: str) -> None:
        """Send ``text`` to this browser, in order, without waiting for it.

        Usually the server takes the frame at once and it is written right here: a
        task per socket would cost a broadcast to a thousand followers more than the
        writing itself (bench/ws_fanout.py). Only when this browser has fallen behind
        (the server's buffer for it is full) does a task take over, and later messages
        wait in the outbox behind it.
        """
        if self._writing:
            if len(self._outbox) >= MAX_BACKLOG:
                if self._outbox[-1] is not None:
                    self._outbox.append(None)  # sentinel: close once the rest is out
                return
            self._outbox.append(text)
            return
        sending = self.base_send({"type": "websocket.send", "text": text})
        try:
            waiting = sending.send(None)  # run it until it first has to wait
        except StopIteration:
            return  # written
        except Exception:
            return  # the browser went away meanwhile
        self._writing = True
        asyncio.get_running_loop().create_task(self._write(sending, waiting))

    async def _write(self, sending, waiting) -> None:
        try:
            await _finish(sending, waiting)
            while self._outbox:
                text = self._outbox.popleft()
                if text is None:
                    self._outbox.clear()
                    await self.close(code=TOO_SLOW)
                    return
                await self.base_send({"type": "websocket.send", "text": text})
        except Exception:  # the browser went away meanwhile
            self._outbox.clear()
        finally:
            self._writing = False


async def _finish(coroutine, waiting) -> None:
    """Run ``coroutine`` to its end; it was started by hand and is waiting on ``waiting``.

    What an asyncio task does for a coroutine, from the point where :meth:`push` left
    it (Python 3.12's eager tasks would do both parts for us). The coroutine reads the
    outcome of what it waited for itself, exceptions and cancellation included.
    """
    while True:
        if waiting is None:  # a bare yield: it only let others run
            await asyncio.sleep(0)
        else:
            with suppress(BaseException):
                await waiting
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return


class NotificationConsumer(_LiveSocket):
    """Forwards the user's own notifications and unread count."""

    async def connect(self):
        if await self._refuse_anonymous():
            return
        self._start()
        user = self.scope["user"]
        if not (
            await self._follow(topics.user_group(user.pk))
            and await self._watch_session()
        ):
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        # After a reconnect the count may have changed meanwhile.
        unread = await database_sync_to_async(unread_count)(user)
        await self.send_json({"type": "count", "unread": unread})

    async def receive_json(self, content, **kwargs):
        """Nothing to receive; clients only listen."""


class TopicConsumer(_LiveSocket):
    """Live updates of what a page shows.

    Clients send ``{"subscribe": "floor:3"}`` (answered "subscribed" or "denied") and
    ``{"unsubscribe": "floor:3"}``.
    """

    async def connect(self):
        if await self._refuse_anonymous():
            return
        self._start()
        if not await self._watch_session():
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error": "bad-request"})
            return
        if isinstance(content.get("unsubscribe"), str):
            await self._unsubscribe(content["unsubscribe"])
            return
        topic = content.get("subscribe")
        if not isinstance(topic, str):
            await self.send_json({"type": "error", "error": "bad-request"})
            return
        allowed = await database_sync_to_async(topics.can_follow)(
            self.scope["user"], topic
        )
        if not allowed or len(self.following) >= MAX_TOPICS:
            await self.send_json({"type": "denied", "topic": topic})
            return
        if not await self._follow(topics.group_name(topic)):
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str):
        try:
            group = topics.group_name(topic)
        except topics.TopicError:
            await self.send_json({"type": "error", "error": "bad-request"})
            return
        await self._unfollow(group)
        await self.send_json({"type": "unsubscribed", "topic": topic})
