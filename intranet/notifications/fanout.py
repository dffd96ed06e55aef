"""One subscriber per server process, fanning each message out to its sockets.

Without this, every open socket would hold its own channel on the channel layer (a
Redis subscription, a queue and a waiting task each) and every message to a group would
be decoded, dispatched and JSON-encoded once per socket. With it, the process joins
each group once; a message is turned into the text the browsers receive once, and
written to every local socket that follows the group. A broadcast to the thousand
people watching a floor plan costs one frame write per socket, little more.

Messages keep Channels' shape ({"type": "topic.event", …}); :func:`render` in
consumers.py decides what the browser receives. A "socket.control" message (e.g. close
at logout) is handed to each follower's ``control(message)`` instead.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from contextlib import suppress

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Group memberships are refreshed now and then: the in-memory layer forgets them
# after a day, and a Redis that restarted may have lost one that failed to re-join.
REFRESH_EVERY = 30 * 60


class Hub:
    """The process's (event loop's) subscriber: groups → local sockets."""

    def __init__(self, layer, render: Callable[[dict], str | None]):
        self.layer = layer
        self.render = render
        self.followers: dict[str, set] = {}
        self.channel: str | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []

    async def follow(self, group: str, socket) -> None:
        """Deliver ``group``'s messages to ``socket`` (its ``push(text)``).

        Raises when the channel layer cannot be reached; the socket is then not added.
        """
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel(prefix="hub.")
                self._tasks = [
                    asyncio.create_task(self._read()),
                    asyncio.create_task(self._refresh()),
                ]
            members = self.followers.get(group)
            if not members:
                await self.layer.group_add(group, self.channel)
                members = self.followers[group] = set()
            members.add(socket)

    async def unfollow(self, group: str, socket) -> None:
        async with self._lock:
            members = self.followers.get(group)
            if members is None:
                return
            members.discard(socket)
            if not members:
                del self.followers[group]
                with suppress(Exception):  # the layer is down: nothing to leave
                    await self.layer.group_discard(group, self.channel)

    def deliver(self, group: str, message: dict) -> int:
        """Write ``message`` to every local follower of ``group``; how many."""
        members = self.followers.get(group)
        if not members:
            return 0
        if message.get("type") == "socket.control":
            for socket in tuple(members):
                socket.control(message)
            return len(members)
        text = self.render(message)
        if text is None:
            return 0
        for socket in tuple(members):
            socket.push(text)
        return len(members)

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # pragma: no cover - the layer's own trouble
                logger.warning(
                    "Live updates: reading the channel layer failed", exc_info=True
                )
                await asyncio.sleep(1)
                continue
            group = message.get("group")
            if isinstance(group, str):
                self.deliver(group, message)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            for group in tuple(self.followers):
                with suppress(Exception):
                    await self.layer.group_add(group, self.channel)


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for_this_loop(render: Callable[[dict], str | None]) -> Hub | None:
    """The running event loop's hub (None without a channel layer)."""
    layer = get_channel_layer()
    if layer is None:
        return None
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = Hub(layer, render)
    return hub
