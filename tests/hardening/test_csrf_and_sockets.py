"""CSRF on every state-changing request; WebSockets check origin and authentication."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from tests.core.test_access import sample_paths

# Endpoints a browser may POST to without a CSRF token: none.
CSRF_EXEMPT: set[str] = set()


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_csrf_token(applicant, home_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    accepted = []
    for name, path in sample_paths():
        # The API (/api/v1/) never reads the session cookie: a caller needs a token,
        # so a forged cross-site POST carries no authority (tests/api covers 401).
        if name in CSRF_EXEMPT or path.startswith("/api/v1/"):
            continue
        response = client.post(path, {"anything": "1"})
        if response.status_code not in {403, 404}:
            accepted.append((path, response.status_code))
    assert accepted == []


@pytest.mark.django_db(transaction=True)
async def test_websocket_from_a_foreign_origin_is_refused(applicant):
    from intranet.asgi import application

    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1")],
    )
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.django_db(transaction=True)
async def test_websocket_without_session_is_refused():
    from intranet.asgi import application

    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
    )
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


def _session_cookie(person) -> str:
    client = Client()
    client.force_login(person)
    return client.cookies["sessionid"].value


async def _connect_with_cookie(cookie: str):
    from intranet.asgi import application

    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    return communicator, await communicator.connect()


@pytest.mark.django_db(transaction=True)
async def test_websocket_knows_its_user_from_the_session_cookie(applicant):
    cookie = await sync_to_async(_session_cookie)(applicant)
    communicator, (connected, _) = await _connect_with_cookie(cookie)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "count"
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_websocket_with_a_stale_or_unknown_session_is_refused(applicant):
    cookie = await sync_to_async(_session_cookie)(applicant)

    def change_password():
        applicant.set_password("a new password 2026")
        applicant.save()

    # Changing the password ends the sessions opened before (the session hash).
    await sync_to_async(change_password)()
    for value in (cookie, "no-such-session-key"):
        _communicator, (connected, code) = await _connect_with_cookie(value)
        assert not connected
        assert code == 4401
