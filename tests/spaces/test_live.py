"""Every booking change reaches the browsers following the floor and the room."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from intranet.notifications import topics
from intranet.routing import websocket_urlpatterns
from spaces import services, slots

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def in_memory_layer():
    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


async def follow(user, topic):
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), "/ws/topics/"
    )
    communicator.scope["user"] = user
    assert (await communicator.connect())[0]
    await communicator.send_json_to({"subscribe": topic})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_booking_cancelling_and_checking_in_are_pushed(
    campus, applicant, kakaricho, day
):
    floor = await follow(kakaricho, f"floor:{campus.floor.pk}")
    room = await follow(kakaricho, f"room:{campus.room.pk}")
    start = slots.at(day, datetime.time(10))
    booking = await sync_to_async(services.book)(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    for socket in (floor, room):
        message = await socket.receive_json_from(timeout=5)
        assert message["event"]["action"] == "booked"
        assert message["event"]["resource"] == campus.room.pk
    await sync_to_async(services.check_in)(booking=booking, by=applicant, now=start)
    assert (await floor.receive_json_from(timeout=5))["event"]["action"] == "checked_in"
    desk_booking = await sync_to_async(services.book_desk)(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="pm"
    )
    await sync_to_async(services.cancel_booking)(booking=desk_booking, by=applicant)
    actions = [
        (await floor.receive_json_from(timeout=5))["event"]["action"] for _ in range(2)
    ]
    assert actions == ["booked", "cancelled"]
    await floor.disconnect()
    await room.disconnect()


@pytest.mark.django_db
def test_topics_are_registered_for_floors_and_rooms(campus, stranger):
    assert topics.can_follow(stranger, f"floor:{campus.floor.pk}")
    assert topics.can_follow(stranger, f"room:{campus.room.pk}")
    assert not topics.can_follow(
        stranger, f"room:{campus.desk.pk}"
    )  # a desk is no room
    assert not topics.can_follow(stranger, "floor:999999")
