"""Notifications reach the recipient's open sockets (in-memory channel layer)."""

import pytest
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from intranet.notifications import services, topics
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.routing import websocket_urlpatterns

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def socket_for(user, path="/ws/notifications/"):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


@pytest.fixture(autouse=True)
def in_memory_layer():
    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


@pytest.mark.django_db(transaction=True)
async def test_anonymous_socket_is_refused():
    communicator = socket_for(AnonymousUser())
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


@pytest.mark.django_db(transaction=True)
async def test_notification_arrives_on_the_recipients_socket(applicant, kakaricho):
    from asgiref.sync import sync_to_async

    communicator = socket_for(kakaricho)
    connected, _code = await communicator.connect()
    assert connected

    await sync_to_async(services.notify)(
        recipients=[kakaricho],
        kind=Kind.TASK_ASSIGNED,
        subject="決裁依頼: 備品購入について",
        url="/approvals/1/",
        actor=applicant,
    )
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "notification"
    assert message["notification"]["subject"] == "決裁依頼: 備品購入について"
    assert message["unread"] == 1
    await communicator.disconnect()


@pytest.mark.django_db
def test_notify_skips_the_actor_duplicates_and_inactive_people(
    applicant, kakaricho, kacho
):
    kacho.is_active = False
    kacho.save()
    rows = services.notify(
        recipients=[kakaricho, kakaricho, applicant, kacho],
        kind=Kind.TASK_ASSIGNED,
        subject="x",
        actor=applicant,
    )
    assert [row.recipient for row in rows] == [kakaricho]
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
async def test_topic_subscription_is_checked(applicant, stranger):
    topics.register("testdoc", lambda user, key: user.username == "sato")
    layer = get_channel_layer()

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

    await layer.group_send(
        topics.group_name("testdoc:7"),
        {"type": "topic.event", "topic": "testdoc:7", "event": {"status": "decided"}},
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
