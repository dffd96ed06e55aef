"""WebSocket endpoints. Authentication comes from the session; no business logic here."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import topics

UNAUTHENTICATED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Forwards the user's own notifications and unread count."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=UNAUTHENTICATED)
            return
        self.group = topics.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

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


class TopicConsumer(AsyncJsonWebsocketConsumer):
    """Live updates of what a page shows. Clients send {"subscribe": "floor:3"}."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=UNAUTHENTICATED)
            return
        self.groups_joined: set[str] = set()
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        topic = content.get("subscribe") if isinstance(content, dict) else None
        if not isinstance(topic, str):
            await self.send_json({"type": "error", "error": "bad-request"})
            return
        allowed = await database_sync_to_async(topics.can_follow)(
            self.scope["user"], topic
        )
        if not allowed:
            await self.send_json({"type": "denied", "topic": topic})
            return
        group = topics.group_name(topic)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.add(group)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def topic_event(self, message):
        await self.send_json(
            {"type": "event", "topic": message["topic"], "event": message["event"]}
        )
