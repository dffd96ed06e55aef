"""Session lifetimes (idle and absolute, shorter outside the office), sign out
everywhere (sessions, sockets, push devices) and an administrator's reset of a
person's factors (audited, the person told). Time is moved by writing the session's
own timestamps back, never by sleeping."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory import roles
from intranet.core import session_deadline
from intranet.core.models import AuditEntry
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification, PushDevice
from intranet.signin import services, sessions
from intranet.signin.models import OpenSession, Passkey
from intranet.signin.session import MFA_VERIFIED
from tests.notifications.conftest import in_memory_layer  # noqa: F401 - fixture
from tests.notifications.test_socket_sessions import _closed_with, _connect, _open
from tests.signin.conftest import password_login

INSIDE = "10.1.2.3"
OUTSIDE = "203.0.113.7"


def age(client, *, idle: int = 0, lived: int = 0):
    """Make the client's session look ``idle`` seconds idle, ``lived`` seconds old."""
    session = client.session
    now = time.time()
    session[sessions.SEEN_AT] = int(now - idle)
    session[sessions.STARTED_AT] = int(now - max(lived, idle))
    session.save()


@pytest.fixture
def lifetimes(settings, signin_policy):
    signin_policy("off", networks=["10.0.0.0/8"])
    settings.SESSION_IDLE_SECONDS = 2 * 3600
    settings.SESSION_MAX_SECONDS = 10 * 3600
    settings.SESSION_IDLE_SECONDS_OUTSIDE = 30 * 60
    settings.SESSION_MAX_SECONDS_OUTSIDE = 4 * 3600


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "idle", "lived", "holds"),
    [
        (INSIDE, 60 * 60, 60 * 60, True),
        (INSIDE, 3 * 3600, 3 * 3600, False),  # idle too long
        (INSIDE, 60, 11 * 3600, False),  # active, but past its lifetime
        (OUTSIDE, 20 * 60, 20 * 60, True),
        (OUTSIDE, 40 * 60, 40 * 60, False),  # idle the office allows, not outside
        (OUTSIDE, 60, 5 * 3600, False),
    ],
)
def test_idle_and_absolute_lifetime(
    lifetimes, applicant, home_page, address, idle, lived, holds
):
    client = password_login(applicant, address)
    age(client, idle=idle, lived=lived)
    response = client.get("/")
    if holds:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        assert not OpenSession.objects.filter(person=applicant).exists()


@pytest.mark.django_db
def test_activity_keeps_the_session(lifetimes, applicant, home_page):
    client = password_login(applicant, INSIDE)
    age(client, idle=90 * 60, lived=90 * 60)
    assert client.get("/").status_code == 200  # the visit counts as activity
    session = client.session
    assert time.time() - session[sessions.SEEN_AT] < 60


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_session_and_push_device(
    signin_policy, applicant, kakaricho, home_page
):
    phone, pc = password_login(applicant), password_login(applicant)
    colleague = password_login(kakaricho)
    PushDevice.objects.create(
        person=applicant,
        name="phone",
        endpoint="https://push.example/1",
        p256dh="k",
        auth="a",
    )
    assert OpenSession.objects.filter(person=applicant).count() == 2
    # Without the form's confirmation nothing happens.
    assert pc.post("/signin/sign-out-everywhere/").status_code == 400
    assert phone.get("/").status_code == 200

    response = pc.post("/signin/sign-out-everywhere/", {"everywhere": "yes"})
    assert response["Location"] == "/accounts/login/"
    for client in (phone, pc):
        assert client.get("/")["Location"].startswith("/accounts/login/")
    assert not OpenSession.objects.filter(person=applicant).exists()
    assert not PushDevice.objects.filter(person=applicant).exists()
    assert colleague.get("/").status_code == 200
    assert Session.objects.count() >= 1


def _signed_out_everywhere(person):
    services.sign_out_everywhere(person=person)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_sign_out_everywhere_closes_the_sockets(applicant, kakaricho, settings):
    settings.SOCKET_RECHECK_SECONDS = 3600  # not the periodic check
    _phone, on_phone = await _open(applicant)
    _pc, on_pc = await _open(applicant, "/ws/topics/")
    _colleague, colleagues = await _open(kakaricho)
    await sync_to_async(_signed_out_everywhere)(applicant)
    assert await _closed_with(on_phone) == 4401
    assert await _closed_with(on_pc) == 4401
    assert await colleagues.receive_nothing(timeout=0.2)
    await colleagues.disconnect()


@pytest.mark.django_db
def test_administrator_resets_factors_audited_and_told(
    signin_policy, office, home_page
):
    person = office.applicant
    device = services.start_totp(person=person)
    device.confirmed = True
    device.save()
    services.new_recovery_codes(person=person)
    Passkey.objects.create(
        person=person, name="phone", credential_id="abc", public_key=b"k"
    )
    victim_session = password_login(person)
    admin = Client()
    admin.force_login(office.admin)

    page = admin.get("/signin/reset/", {"username": "SATO"})
    assert page.status_code == 200 and "佐藤" in page.content.decode()
    response = admin.post("/signin/reset/", {"username": "sato"})
    assert response.status_code == 302

    assert not Passkey.objects.filter(person=person).exists()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticToken.objects.filter(device__user=person).exists()
    assert victim_session.get("/")["Location"].startswith("/accounts/login/")
    entry = AuditEntry.objects.get(action="signin.factors_reset")
    assert entry.target_id == str(person.pk)
    assert entry.details["passkeys"] == 1 and entry.details["totp"] == 1
    note = Notification.objects.get(recipient=person, kind=Kind.SIGNIN_FACTORS_RESET)
    assert "山本" in note.body


def _offers_reset(client) -> bool:
    return 'data-testid="reset-factors-link"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_only_administrators_reset(signin_policy, office, home_page):
    """The page and the user menu's link follow one rule: 情報システム担当 (and
    superusers), whether or not they are superusers."""
    someone = Client()
    someone.force_login(office.kakaricho)
    assert not _offers_reset(someone)
    assert someone.get("/signin/reset/").status_code == 403
    assert someone.post("/signin/reset/", {"username": "sato"}).status_code == 403
    Group.objects.get(name=roles.DIRECTORY_ADMINS).user_set.add(office.kakaricho)
    assert not office.kakaricho.is_superuser
    assert _offers_reset(someone)
    assert someone.get("/signin/reset/").status_code == 200
    assert someone.post("/signin/reset/", {"username": "nobody"}).status_code == 400
    Group.objects.get(name=roles.DIRECTORY_ADMINS).user_set.remove(office.kakaricho)
    assert not _offers_reset(someone)
    assert someone.get("/signin/reset/").status_code == 403
    admin = Client()
    admin.force_login(office.admin)
    assert office.admin.is_superuser
    assert _offers_reset(admin)
    assert admin.get("/signin/reset/").status_code == 200


def _pending_session(person) -> Client:
    client = password_login(person)
    assert client.get("/")["Location"].startswith("/signin/enrol/")
    return client


def _verify(client):
    session = client.session
    session[MFA_VERIFIED] = True
    session.pop(sessions.PENDING)
    session.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_a_session_waiting_for_its_second_factor_opens_no_socket(
    applicant, settings
):
    settings.MFA_REQUIRED = "always"
    client = await sync_to_async(_pending_session)(applicant)
    cookie = client.cookies["sessionid"].value
    _communicator, connected, code = await _connect(cookie)
    assert not connected and code == 4401
    await sync_to_async(_verify)(client)
    communicator, connected, _code = await _connect(cookie)
    assert connected
    await communicator.disconnect()


def _lapse(client):
    session = client.session
    session[session_deadline.DEADLINE] = time.time() - 1
    session.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_a_socket_closes_when_its_session_idles_out(applicant, settings):
    """No request comes to sign an idle session out: the socket's own periodic check
    reads the deadline the sign-in wrote into the session."""
    settings.SOCKET_RECHECK_SECONDS = 0.05
    client, communicator = await _open(applicant)
    assert await communicator.receive_nothing(timeout=0.2)
    await sync_to_async(_lapse)(client)
    assert await _closed_with(communicator) == 4401


@pytest.mark.django_db
def test_sessions_that_expired_unseen_leave_the_list_at_the_next_login(
    signin_policy, applicant
):
    first = password_login(applicant)
    password_login(applicant)
    Session.objects.filter(session_key=first.session.session_key).delete()
    assert OpenSession.objects.filter(person=applicant).count() == 2
    password_login(applicant)
    assert OpenSession.objects.filter(person=applicant).count() == 2
    assert not OpenSession.objects.filter(
        session_key=first.session.session_key
    ).exists()


def _as_before_the_session_list(client):
    """The session as one opened before sessions were listed: no row, none of the
    sign-in's own keys."""
    session = client.session
    OpenSession.objects.filter(session_key=session.session_key).delete()
    for key in (sessions.LISTED, sessions.STARTED_AT, sessions.SEEN_AT):
        session.pop(key, None)
    session.save()


@pytest.mark.django_db
def test_a_session_opened_before_the_list_is_listed_at_its_next_request(
    signin_policy, applicant, home_page
):
    old, pc = password_login(applicant), password_login(applicant)
    _as_before_the_session_list(old)
    assert OpenSession.objects.filter(person=applicant).count() == 1

    assert old.get("/").status_code == 200
    listed = OpenSession.objects.get(session_key=old.session.session_key)
    assert (listed.person, listed.method) == (applicant, "password")
    assert old.session[sessions.STARTED_AT]  # its lifetime counts from now
    # Once listed, a request asks nothing more of the list.
    with CaptureQueriesContext(connection) as queries:
        assert old.get("/").status_code == 200
    assert not [q for q in queries if "signin_opensession" in q["sql"]]
    assert OpenSession.objects.filter(person=applicant).count() == 2

    page = pc.get("/signin/").content.decode()
    assert page.count("<li><span>") == 2  # both in the list the person sees
    pc.post("/signin/sign-out-everywhere/", {"everywhere": "yes"})
    assert old.get("/")["Location"].startswith("/accounts/login/")
    assert not OpenSession.objects.filter(person=applicant).exists()
