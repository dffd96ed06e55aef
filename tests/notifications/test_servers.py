"""Live notifications against real uvicorn processes: across processes through Redis,
session authentication and origin checks, and a Redis that goes down and comes back.

Clients log in through the login form and open sockets with the `websockets` library,
as a browser would (session cookie, Origin header).
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from intranet.notifications.models import Notification
from tests.support.http import WebClient, bell_count
from tests.support.redis import RedisServer, require_redis, unique_prefix

pytestmark = [pytest.mark.server]

TIMEOUT = 15


def connect(server, client: WebClient | None, *, origin: str | None = "same"):
    headers = {}
    if client is not None:
        headers["Cookie"] = client.cookie_header()
    if origin == "same":
        origin = server.url
    return websockets.connect(
        f"{server.ws_url}/ws/notifications/",
        additional_headers=headers,
        origin=origin,
        open_timeout=TIMEOUT,
    )


async def receive(socket) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))


def send_notice(client: WebClient, unit, subject: str) -> None:
    status, page, _location = client.post(
        "/notifications/send/", {"unit": unit.pk, "subject": subject}
    )
    assert status == 302, page[:2000]


@pytest.mark.redis
def test_a_notice_sent_through_one_process_reaches_a_socket_on_another(
    asgi_server, office
):
    env = {"REDIS_URL": require_redis(), "REDIS_PREFIX": unique_prefix("two")}
    first, second = asgi_server(env=env), asgi_server(env=env)
    sato = WebClient(first.url).log_in("sato")
    suzuki = WebClient(second.url).log_in("suzuki")

    async def scenario():
        async with connect(first, sato) as socket:
            assert await receive(socket) == {"type": "count", "unread": 0}
            # Suzuki's request is served by the other process.
            await asyncio.to_thread(
                send_notice, suzuki, office.units.shomu, "明日の係会は10時からです"
            )
            message = await receive(socket)
            assert message["type"] == "notification"
            assert message["unread"] == 1
            assert message["notification"]["subject"] == "明日の係会は10時からです"
            assert message["notification"]["kind_label"] == "所属からの連絡"
            assert message["notification"]["actor"] == "鈴木 一郎"

    asyncio.run(scenario())
    assert Notification.objects.filter(recipient=office.applicant).count() == 1


def test_sockets_need_a_session_and_an_allowed_origin(asgi_server, office):
    server = asgi_server(env={"REDIS_URL": ""})  # in-memory layer
    sato = WebClient(server.url).log_in("sato")

    async def scenario():
        # Without a session: refused at the handshake.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server, None):
                pass
        assert refused.value.response.status_code == 403

        # Another site's page cannot open a socket with the user's cookie.
        for origin in ("http://evil.example", "http://127.0.0.1.evil.example", None):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(server, sato, origin=origin):
                    pass
            assert refused.value.response.status_code == 403

        # The intranet's own pages can.
        async with connect(server, sato) as socket:
            assert await receive(socket) == {"type": "count", "unread": 0}

    asyncio.run(scenario())


@pytest.mark.redis
def test_with_redis_down_requests_succeed_and_live_updates_resume(
    asgi_server, office, tmp_path
):
    redis = RedisServer(tmp_path).start()
    try:
        server = asgi_server(
            env={"REDIS_URL": redis.url, "REDIS_PREFIX": unique_prefix("down")}
        )
        sato = WebClient(server.url).log_in("sato")
        suzuki = WebClient(server.url).log_in("suzuki")
        shomu = office.units.shomu

        async def before():
            async with connect(server, sato) as socket:
                assert await receive(socket) == {"type": "count", "unread": 0}

        asyncio.run(before())

        redis.stop()
        # Notices still go out (the requests neither fail nor hang: the client
        # gives up after 15 s) and are stored.
        send_notice(suzuki, shomu, "停止中の連絡1")
        send_notice(suzuki, shomu, "停止中の連絡2")
        status, page, _ = sato.get("/notifications/")
        assert status == 200
        assert bell_count(page) == 2
        assert "停止中の連絡1" in page and "停止中の連絡2" in page
        # Logged once, not once per request.
        assert server.log().count("Channel layer unavailable") == 1
        # Pages whose cached answers (the CMS link, the synonym list) live in Redis
        # work them out again.
        for path in ("/search/?q=%E4%BC%9A%E8%AD%B0", "/people/?q=sato"):
            assert sato.get(path)[0] == 200, path

        redis.start()

        async def after():
            # The browser reconnects (live.js backs off and retries) …
            async with connect(server, sato) as socket:
                assert await receive(socket) == {"type": "count", "unread": 2}
                # … and live updates flow again.
                await asyncio.to_thread(send_notice, suzuki, shomu, "復旧後の連絡")
                message = await receive(socket)
                assert message["notification"]["subject"] == "復旧後の連絡"
                assert message["unread"] == 3

        asyncio.run(after())
        assert "Channel layer reachable again" in server.log()
        # channels_redis's own complaint (once a second while down) is let through
        # once per outage window too.
        assert server.log().count("Unexpected exception in receive task") <= 1
    finally:
        redis.stop()
