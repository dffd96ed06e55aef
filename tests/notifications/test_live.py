"""Notifications reach the recipient's open sockets (in-memory channel layer).

The sockets are driven through Channels' WebsocketCommunicator with the user set in
the scope, as the session middleware would; tests against real server processes and
Redis are in test_servers.py.
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from intranet.notifications import services, topics
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.routing import websocket_urlpatterns

pytestmark = pytest.mark.usefixtures("in_memory_layer")


def socket_for(user, path="/ws/notifications/"):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def open_bell(user):
    """A connected notification socket, past its greeting (the unread count)."""
    communicator = socket_for(user)
    connected, _code = await communicator.connect()
    assert connected
    greeting = await communicator.receive_json_from(timeout=5)
    assert greeting["type"] == "count"
    return communicator, greeting["unread"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/topics/"])
async def test_anonymous_socket_is_refused(path):
    communicator = socket_for(AnonymousUser(), path)
    assert await communicator.connect() == (False, 4401)


@pytest.mark.django_db(transaction=True)
async def test_deactivated_person_is_refused(applicant):
    applicant.is_active = False
    communicator = socket_for(applicant)
    assert await communicator.connect() == (False, 4401)


@pytest.mark.django_db(transaction=True)
async def test_notification_arrives_on_the_recipients_socket(applicant, kakaricho):
    communicator, unread = await open_bell(kakaricho)
    assert unread == 0

    await sync_to_async(services.notify)(
        recipients=[kakaricho],
        kind=Kind.SYSTEM,
        subject="決裁依頼: 備品購入について",
        body="ノートパソコン3台の購入について、決裁をお願いします。",
        url="/approvals/1/",
        actor=applicant,
    )
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "notification"
    assert message["unread"] == 1
    note = message["notification"]
    assert note["subject"] == "決裁依頼: 備品購入について"
    assert note["kind"] == "system"
    assert note["kind_label"] == "システムからのお知らせ"
    assert note["actor"] == "佐藤 花子"
    assert note["url"] == "/approvals/1/"
    assert note["body"].startswith("ノートパソコン3台")
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_only_the_recipient_hears_it(applicant, kakaricho, kacho):
    theirs, _ = await open_bell(kakaricho)
    others, _ = await open_bell(kacho)
    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="x", actor=applicant
    )
    assert (await theirs.receive_json_from(timeout=5))["type"] == "notification"
    assert await others.receive_nothing(timeout=0.2)
    await theirs.disconnect()
    await others.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_greeting_carries_the_current_unread_count(applicant, kakaricho):
    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="a", email=False
    )
    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="b", email=False
    )
    communicator, unread = await open_bell(kakaricho)
    assert unread == 2
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_reading_in_one_tab_updates_the_count_in_the_others(kakaricho):
    notes = await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="a", email=False
    )
    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="b", email=False
    )
    other_tab, unread = await open_bell(kakaricho)
    assert unread == 2

    await sync_to_async(services.mark_read)(
        user=kakaricho, notification_ids=[notes[0].pk]
    )
    assert await other_tab.receive_json_from(timeout=5) == {
        "type": "count",
        "unread": 1,
    }
    await sync_to_async(services.mark_read)(user=kakaricho)
    assert await other_tab.receive_json_from(timeout=5) == {
        "type": "count",
        "unread": 0,
    }
    await other_tab.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_nothing_is_pushed_when_the_transaction_rolls_back(kakaricho):
    communicator, _ = await open_bell(kakaricho)

    def notify_then_fail():
        from django.db import transaction

        with transaction.atomic():
            services.notify(recipients=[kakaricho], kind=Kind.SYSTEM, subject="x")
            transaction.set_rollback(True)

    await sync_to_async(notify_then_fail)()
    assert await communicator.receive_nothing(timeout=0.2)
    assert await Notification.objects.acount() == 0
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_topic_subscription_is_checked(applicant, stranger):
    topics.register("testdoc", lambda user, key: user.username == "sato")

    allowed = socket_for(applicant, "/ws/topics/")
    assert (await allowed.connect())[0]
    await allowed.send_json_to({"subscribe": "testdoc:7"})
    assert await allowed.receive_json_from(timeout=5) == {
        "type": "subscribed",
        "topic": "testdoc:7",
    }

    denied = socket_for(stranger, "/ws/topics/")
    assert (await denied.connect())[0]
    await denied.send_json_to({"subscribe": "testdoc:7"})
    assert (await denied.receive_json_from(timeout=5))["type"] == "denied"
    await denied.send_json_to({"subscribe": "unknown:1"})
    assert (await denied.receive_json_from(timeout=5))["type"] == "denied"
    await denied.send_json_to({"subscribe": "no spaces allowed"})
    assert (await denied.receive_json_from(timeout=5))["type"] == "denied"
    await denied.send_json_to(["not", "an", "object"])
    assert (await denied.receive_json_from(timeout=5))["type"] == "error"

    await sync_to_async(services.publish)(
        topic="testdoc:7", event={"status": "decided"}
    )
    event = await allowed.receive_json_from(timeout=5)
    assert event == {
        "type": "event",
        "topic": "testdoc:7",
        "event": {"status": "decided"},
    }
    assert await denied.receive_nothing(timeout=0.2)
    await allowed.disconnect()
    await denied.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_publish_reaches_followers_after_commit_and_unsubscribe_stops_it(
    applicant,
):
    topics.register("testfloor", lambda user, key: True)
    follower = socket_for(applicant, "/ws/topics/")
    assert (await follower.connect())[0]
    await follower.send_json_to({"subscribe": "testfloor:3"})
    assert (await follower.receive_json_from(timeout=5))["type"] == "subscribed"

    await sync_to_async(services.publish)(
        topic="testfloor:3", event={"desk": "3-12", "state": "booked"}
    )
    assert await follower.receive_json_from(timeout=5) == {
        "type": "event",
        "topic": "testfloor:3",
        "event": {"desk": "3-12", "state": "booked"},
    }

    await follower.send_json_to({"unsubscribe": "testfloor:3"})
    assert (await follower.receive_json_from(timeout=5))["type"] == "unsubscribed"
    await sync_to_async(services.publish)(topic="testfloor:3", event={"x": 1})
    assert await follower.receive_nothing(timeout=0.2)
    await follower.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_one_group_membership_per_process_whatever_the_number_of_tabs(
    kakaricho,
):
    from intranet.notifications import fanout
    from intranet.notifications.consumers import render

    first, _ = await open_bell(kakaricho)
    second, _ = await open_bell(kakaricho)
    hub = fanout.hub_for_this_loop(render)
    assert len(hub.followers[topics.user_group(kakaricho.pk)]) == 2

    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="x", email=False
    )
    assert (await first.receive_json_from(timeout=5))["type"] == "notification"
    assert (await second.receive_json_from(timeout=5))["type"] == "notification"

    await first.disconnect()
    assert len(hub.followers[topics.user_group(kakaricho.pk)]) == 1
    await sync_to_async(services.notify)(
        recipients=[kakaricho], kind=Kind.SYSTEM, subject="y", email=False
    )
    assert (await second.receive_json_from(timeout=5))["notification"]["subject"] == "y"
    await second.disconnect()
    assert topics.user_group(kakaricho.pk) not in hub.followers


class StalledBrowser:
    """A follower of ``topic`` whose browser has stopped reading.

    As uvicorn does once its buffer for a socket is full, every send to it waits
    until :meth:`reads_again`.
    """

    def __init__(self, socket, topic: str):
        self.socket = socket
        self.topic = topic
        self.writable = asyncio.Event()

    @classmethod
    async def following(cls, person, topic: str) -> "StalledBrowser":
        from intranet.notifications import fanout
        from intranet.notifications.consumers import render

        topics.register(topic.split(":")[0], lambda user, key: True)
        socket = socket_for(person, "/ws/topics/")
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": topic})
        assert (await socket.receive_json_from(timeout=5))["type"] == "subscribed"
        browser = cls(socket, topic)
        browser.hub = fanout.hub_for_this_loop(render)
        (browser.consumer,) = browser.hub.followers[topics.group_name(topic)]
        browser.send = browser.consumer.base_send

        async def send_when_writable(message):
            await browser.writable.wait()
            await browser.send(message)

        browser.consumer.base_send = send_when_writable
        return browser

    def broadcast(self, n: int) -> None:
        group, message = services.topic_message(self.topic, {"n": n})
        self.hub.deliver(group, message)

    def reads_again(self) -> None:
        self.writable.set()


@pytest.mark.django_db(transaction=True)
async def test_a_browser_that_stops_reading_is_disconnected(applicant):
    from intranet.notifications.consumers import MAX_BACKLOG, TOO_SLOW

    browser = await StalledBrowser.following(applicant, "testfloor:9")
    for n in range(MAX_BACKLOG + 50):
        browser.broadcast(n)
    browser.reads_again()
    received = []
    while True:
        output = await browser.socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        received.append(json.loads(output["text"])["event"]["n"])
    assert output["code"] == TOO_SLOW
    # The one being written when it stopped, then the backlog, in order.
    assert received == list(range(MAX_BACKLOG + 1))


@pytest.mark.django_db(transaction=True)
async def test_a_browser_that_falls_behind_and_catches_up_misses_nothing(applicant):
    browser = await StalledBrowser.following(applicant, "testfloor:8")
    for n in range(5):
        browser.broadcast(n)
    browser.reads_again()
    for n in range(5):
        assert (await browser.socket.receive_json_from(timeout=5))["event"]["n"] == n
    browser.consumer.base_send = browser.send  # it keeps up again: written at once
    browser.broadcast(5)
    assert (await browser.socket.receive_json_from(timeout=5))["event"]["n"] == 5
    await browser.socket.disconnect()
