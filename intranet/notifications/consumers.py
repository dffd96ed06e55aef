"""WebSocket endpoints. Authentication comes from the session; no business logic here.

Anonymous sockets are accepted only to be closed at once with code 4401, so that the
browser learns it is logged out (a refusal before the handshake reaches it as a bare
1006) and stops reconnecting. When the channel layer is down the socket is closed
with 1013 ("try again later") and the browser reconnects with backoff.
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import live, topics
from .services import unread_count

logger = logging.getLogger(__name__)

UNAUTHENTICATED = 4401
TRY_AGAIN_LATER = 1013
MAX_TOPICS = 50


def _authenticated(scope) -> bool:
    user = scope.get("user")
    return user is not None and user.is_authenticated and user.is_active


class _LiveConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        # Channels subscribes the socket's own channel before the handshake. Right
        # after a Redis restart the first command on the old connection fails (and
        # drops it): try once more. With Redis down: "try again later", logged once.
        for attempt in (1, 2):
            self._dispatching = False
            try:
                return await super().__call__(scope, receive, send)
            except Exception:
                if self._dispatching:
                    raise
                if attempt == 2 and live.health.failed():
                    logger.warning(
                        "Channel layer unavailable: live updates paused.",
                        exc_info=True,
                    )
        message = await receive()
        if message.get("type") == "websocket.connect":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})

    async def websocket_connect(self, message):
        self._dispatching = True
        await super().websocket_connect(message)

    async def _refuse_anonymous(self) -> bool:
        if _authenticated(self.scope):
            return False
        await self.accept()
        await self.close(code=UNAUTHENTICATED)
        return True

    async def _join(self, group: str) -> bool:
        for attempt in (1, 2):  # once more after a Redis restart, as above
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                if attempt == 2:
                    if live.health.failed():
                        logger.warning(
                            "Channel layer unavailable: live updates paused.",
                            exc_info=True,
                        )
                    return False
            else:
                break
        if live.health.succeeded():
            logger.warning("Channel layer reachable again: live updates resumed.")
        return True


class NotificationConsumer(_LiveConsumer):
    """Forwards the user's own notifications and unread count."""

    async def connect(self):
        if await self._refuse_anonymous():
            return
        self.group = topics.user_group(self.scope["user"].pk)
        if not await self._join(self.group):
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        # After a reconnect the count may have changed meanwhile.
        unread = await database_sync_to_async(unread_count)(self.scope["user"])
        await self.send_json({"type": "count", "unread": unread})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:  # the layer is down: nothing to leave
                logger.debug("group_discard failed", exc_info=True)

    async def receive_json(self, content, **kwargs):
        """Nothing to receive; clients only listen."""

    async def notification_new(self, message):
        await self.send_json(
            {
                "type": "notification",
                "notification": message["notification"],
                "unread": message["unread"],
            }
        )

    async def notification_count(self, message):
        await self.send_json({"type": "count", "unread": message["unread"]})


class TopicConsumer(_LiveConsumer):
    """Live updates of what a page shows.

    Clients send ``{"subscribe": "floor:3"}`` (answered "subscribed" or "denied") and
    ``{"unsubscribe": "floor:3"}``.
    """

    async def connect(self):
        if await self._refuse_anonymous():
            return
        self.groups_joined: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", ()):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.debug("group_discard failed", exc_info=True)

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
        if not allowed or len(self.groups_joined) >= MAX_TOPICS:
            await self.send_json({"type": "denied", "topic": topic})
            return
        group = topics.group_name(topic)
        if not await self._join(group):
            await self.close(code=TRY_AGAIN_LATER)
            return
        self.groups_joined.add(group)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str):
        try:
            group = topics.group_name(topic)
        except topics.TopicError:
            await self.send_json({"type": "error", "error": "bad-request"})
            return
        if group in self.groups_joined:
            self.groups_joined.discard(group)
            await self.channel_layer.group_discard(group, self.channel_name)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def topic_event(self, message):
        await self.send_json(
            {"type": "event", "topic": message["topic"], "event": message["event"]}
        )
