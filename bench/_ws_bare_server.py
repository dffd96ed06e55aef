"""The floor for bench/ws_fanout.py: the least a server can do per socket here.

A bare WebSocket server (RFC 6455, no ASGI, no Channels consumers, no framing library:
bench/_ws_frames.py) on uvloop. It speaks the intranet's topic protocol to the benchmark's clients
("subscribe" → "subscribed"), joins each group once on the same channel layer (same
Redis, same message format, the same ``render``; its groups are named apart, so that
the two servers can stay connected side by side), and writes one pre-built frame to
every follower's transport. What it cannot save is what any server
must pay on this machine: the Redis hop, and one write into the kernel per socket.

    python -m bench._ws_bare_server PORT

Only for the benchmark: no authentication, no limits, no close handshake.
"""

from __future__ import annotations

import asyncio
import json
import sys

import django
from websockets.utils import accept_key

from bench._ws_frames import CLOSE, TEXT, decode, encode


def text_frame(text: str) -> bytes:
    return encode(text.encode(), masked=False)


# Kept apart from the intranet server's groups (bench/ws_fanout.py publishes to both).
GROUP_PREFIX = "floor."


class Fanout:
    """Groups → transports, one channel-layer subscription for the process."""

    def __init__(self, layer, render, group_name):
        self.layer = layer
        self.render = render
        self.group_name = lambda topic: GROUP_PREFIX + group_name(topic)
        self.followers: dict[str, set] = {}
        self.channel: str | None = None

    async def start(self) -> None:
        self.channel = await self.layer.new_channel(prefix="bare.")
        asyncio.get_running_loop().create_task(self._read())

    async def follow(self, topic: str, transport) -> None:
        group = self.group_name(topic)
        if group not in self.followers:
            self.followers[group] = set()
            await self.layer.group_add(group, self.channel)
        self.followers[group].add(transport)

    def forget(self, transport) -> None:
        for members in self.followers.values():
            members.discard(transport)

    async def _read(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            members = self.followers.get(message.get("group"), ())
            text = self.render(message)
            if text is None or not members:
                continue
            frame = text_frame(text)
            for transport in tuple(members):
                transport.write(frame)


class BareSocket(asyncio.Protocol):
    def __init__(self, fanout: Fanout):
        self.fanout = fanout
        self.buffer = b""
        self.open = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.fanout.forget(self.transport)

    def data_received(self, data):
        self.buffer += data
        if not self.open:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            self.buffer = rest
            self._answer(head)
        if self.open:
            self._frames()

    def _answer(self, head: bytes) -> None:
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        key = headers.get(b"sec-websocket-key")
        if key is None:  # a plain HTTP request: the health check
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            )
            self.transport.close()
            return
        accept = accept_key(key.decode()).encode()
        self.transport.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        self.open = True

    def _frames(self) -> None:
        frames, self.buffer = decode(self.buffer)
        for first, payload in frames:
            if first & 0x0F == TEXT:
                asyncio.get_running_loop().create_task(self._command(payload))
            elif first & 0x0F == CLOSE:
                self.transport.close()

    async def _command(self, payload: bytes) -> None:
        topic = json.loads(payload).get("subscribe")
        await self.fanout.follow(topic, self.transport)
        reply = {"type": "subscribed", "topic": topic}
        self.transport.write(text_frame(json.dumps(reply)))


async def serve(port: int) -> None:
    from channels.layers import get_channel_layer

    from intranet.notifications import topics
    from intranet.notifications.consumers import render

    topics.register("bench", lambda user, key: key in {"all", "first"})
    group_name = topics.group_name
    fanout = Fanout(get_channel_layer(), render, group_name)
    await fanout.start()
    server = await asyncio.get_running_loop().create_server(
        lambda: BareSocket(fanout), "127.0.0.1", port, backlog=2048
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    django.setup()
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(int(sys.argv[1])))
    else:
        uvloop.run(serve(int(sys.argv[1])))


if __name__ == "__main__":
    main()
