"""A live socket lives no longer than its session, and only the site's own pages open
one (issue 16, F5). The sockets go through the whole ASGI application (origin check,
session cookie) with the in-memory channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client

from directory.services import deactivate_person

pytestmark = pytest.mark.usefixtures("in_memory_layer")

HOST = b"127.0.0.1:8000"
ORIGIN = b"http://127.0.0.1:8000"


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


async def _connect(cookie: str, *, origin=ORIGIN, host=HOST, path="/ws/notifications/"):
    from intranet.asgi import application

    headers = [(b"host", host), (b"cookie", f"sessionid={cookie}".encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def _open(person, path="/ws/notifications/"):
    client = await sync_to_async(_signed_in)(person)
    communicator, connected, _ = await _connect(
        client.cookies["sessionid"].value, path=path
    )
    assert connected
    if path == "/ws/notifications/":
        assert (await communicator.receive_json_from(timeout=5))["type"] == "count"
    return client, communicator


async def _closed_with(communicator) -> int:
    output = await communicator.receive_output(timeout=5)
    assert output["type"] == "websocket.close"
    return output["code"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:8001",  # another port of the same host
        b"https://127.0.0.1:8000",  # another scheme
        b"http://127.0.0.1",  # port 80
        b"http://evil.example:8000",
        None,
    ],
)
async def test_only_the_sites_own_origin_opens_a_socket(applicant, origin):
    client = await sync_to_async(_signed_in)(applicant)
    cookie = client.cookies["sessionid"].value
    _communicator, connected, _ = await _connect(cookie, origin=origin)
    assert not connected
    communicator, connected, _ = await _connect(cookie)
    assert connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/topics/"])
async def test_logging_out_closes_the_sockets_at_once(applicant, settings, path):
    settings.SOCKET_RECHECK_SECONDS = 3600  # not the periodic check: the logout
    client, communicator = await _open(applicant, path)
    _other, elsewhere = await _open(applicant)  # another PC: stays open
    await sync_to_async(client.post)("/accounts/logout/")
    assert await _closed_with(communicator) == 4401
    assert await elsewhere.receive_nothing(timeout=0.2)
    await elsewhere.disconnect()


def _expire_sessions():
    Session.objects.all().delete()


def _change_password(person):
    person.set_password("a new password 2026")
    person.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("end", ["expiry", "password", "deactivation"])
async def test_the_socket_closes_when_the_session_no_longer_holds(
    applicant, settings, end
):
    settings.SOCKET_RECHECK_SECONDS = 0.05
    _client, communicator = await _open(applicant)
    if end == "expiry":
        await sync_to_async(_expire_sessions)()
    elif end == "password":
        await sync_to_async(_change_password)(applicant)
    else:
        await sync_to_async(deactivate_person)(person=applicant)
    assert await _closed_with(communicator) == 4401


@pytest.mark.django_db(transaction=True)
async def test_a_socket_whose_session_holds_stays_open(applicant, settings):
    settings.SOCKET_RECHECK_SECONDS = 0.01
    _client, communicator = await _open(applicant)
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
