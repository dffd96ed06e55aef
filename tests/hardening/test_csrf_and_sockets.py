"""CSRF on every state-changing request; WebSockets check origin and authentication."""

import pytest
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
        if name in CSRF_EXEMPT:
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
